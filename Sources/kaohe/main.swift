import ArgumentParser
// The kaohe command line: every subcommand is listed in KaoheCommand.
await KaoheCommand.main()

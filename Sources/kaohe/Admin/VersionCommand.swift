import ArgumentParser
import KaoheDaemon

/// `kaohe version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print kaohe's version.")

    func run() {
        print("kaohe \(KaoheVersion.current)")
    }
}

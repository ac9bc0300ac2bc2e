import ArgumentParser

/// `kaohe`: the office's command line for the assessment daemon (考核).
@main
struct KaoheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaohe",
        abstract: "kaohe (考核) — the county assessment office's command line.",
        discussion: "Commands that use the database take the same settings as kaohed (flags, KAOHE_* environment, --config file).",
        subcommands: [
            MigrateCommand.self, BackupCommand.self, RestoreCommand.self, CheckConfigCommand.self, VersionCommand.self,
            RulesCommand.self,
            CountyCommand.self, CommitteeCommand.self, DepartmentCommand.self, ReviewerCommand.self,
            ImportCommand.self, AccountCommand.self, AuditCommand.self,
            CalendarCommand.self, DrawCommand.self, VerifyDrawCommand.self, JobsCommand.self,
            CycleCommand.self, GradingCommand.self, PublicityCommand.self, ObjectionCommand.self, AppealCommand.self,
            ExportCommand.self,
        ]
    )
}

import ArgumentParser
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe county create`: registers a county (县).
struct CountyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "county",
        abstract: "Register counties.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Register a county by its 6-digit administrative division code (行政区划代码)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "6-digit administrative division code, e.g. 990102.")
        var code: CountyCode

        @Option(help: "The county's name, e.g. 某县.")
        var name: String

        func run() async throws {
            try await OfficeCommandContext.run(options, command: "county create") { client, _ in
                try await RegistryStore(client: client).createCounty(County(code: code, name: name), actor: OfficeCommandContext.actor)
            }
            print("county \(code) \(name) registered")
        }
    }
}

/// `kaohe committee add`: a 专业考核委员会 of a county.
struct CommitteeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "committee",
        abstract: "Register sector committees (专业考核委员会).",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a committee to a county.")

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(help: "Short id: a–z, 0–9, '-' and '_' (e.g. education).")
        var id: String

        @Option(help: "Full name, e.g. 教育专业考核委员会.")
        var name: String

        func run() async throws {
            try await OfficeCommandContext.run(options, command: "committee add") { client, _ in
                try await RegistryStore(client: client).addCommittee(
                    Committee(county: county, id: id, name: name),
                    actor: OfficeCommandContext.actor
                )
            }
            print("committee \(id) \(name) added to county \(county)")
        }
    }
}

/// `kaohe department add`: a 主管部门 of a county.
struct DepartmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "department",
        abstract: "Register supervising departments (主管部门/举办单位).",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a supervising department to a county.")

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(help: "Short id: a–z, 0–9, '-' and '_' (e.g. edu-bureau).")
        var id: String

        @Option(help: "Full name, e.g. 县教育局.")
        var name: String

        func run() async throws {
            try await OfficeCommandContext.run(options, command: "department add") { client, _ in
                try await RegistryStore(client: client).addDepartment(
                    Department(county: county, id: id, name: name),
                    actor: OfficeCommandContext.actor
                )
            }
            print("department \(id) \(name) added to county \(county)")
        }
    }
}

/// `kaohe reviewer add`: a 核验人员 of the county's register.
struct ReviewerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviewer",
        abstract: "Register reviewers (核验人员) for the spot check.",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a reviewer to a county's register.",
            discussion:
                "--committee and --department name the reviewer's own committee and department: they are never drawn for those units (回避)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(help: "Short id: a–z, 0–9, '.', '-' and '_' (e.g. wang.li).")
        var id: String

        @Option(help: "The reviewer's name, e.g. 王丽.")
        var name: String

        @Option(help: "The reviewer's own committee id, if any (回避).")
        var committee: String?

        @Option(help: "The reviewer's own supervising department id, if any (回避).")
        var department: String?

        func run() async throws {
            try await OfficeCommandContext.run(options, command: "reviewer add") { client, _ in
                try await RegistryStore(client: client).addReviewer(
                    ReviewerRecord(county: county, id: id, name: name, committee: committee, department: department),
                    actor: OfficeCommandContext.actor
                )
            }
            print("reviewer \(id) \(name) added to county \(county)")
        }
    }
}

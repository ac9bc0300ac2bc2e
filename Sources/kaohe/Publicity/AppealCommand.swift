import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe appeal …`: a staff member's 复核申请 (篇十三 第二十五条), recorded by the office, and its
/// outcome. The same `GradingStore` calls as `POST …/units/{code}/appeals` and `PUT …/appeals/{id}`.
struct AppealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeal",
        abstract: "Record a staff member's appeal (复核申请) and its outcome.",
        subcommands: [AppealRecordCommand.self, AppealDecideCommand.self, AppealDetermineCommand.self]
    )

    static func grade(_ text: String, command: String) throws -> StaffGrade {
        guard let grade = StaffGrade(rawValue: text) ?? StaffGrade.allCases.first(where: { $0.chinese == text }) else {
            throw OfficeCommandContext.failure(
                command,
                "未知的等次“\(text)” / unknown staff grade \(text) (\(StaffGrade.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return grade
    }

    static func printAppeal(_ appeal: StaffAppealRecord) {
        let outcome = appeal.outcome.map { "\($0)" + (appeal.decidedGrade.map { " → \($0)" } ?? "") } ?? "待决定 pending"
        print(
            "复核申请 appeal #\(appeal.id): unit \(appeal.unit), staff \(appeal.staffNo), \(appeal.grade), told \(appeal.notifiedOn), filed \(appeal.filedOn) (last day \(appeal.lastDay)) — \(outcome)"
        )
    }
}

/// `kaohe appeal record --county C --cycle Y --as ACCOUNT --unit CODE --staff-no N --grade G --notified-on DATE [--filed-on DATE] --reason T`.
struct AppealRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a staff member's appeal; accepted up to the 10th working day after they were told."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "The unit (unified social credit code).") var unit: UnitCode
    @Option(help: "The staff member's number in the unit's roster.") var staffNo: String
    @Option(help: "The grade appealed: 基本合格/不合格/不定等次/不参加 or its English id.") var grade: String
    @Option(help: "The day the staff member was told, YYYY-MM-DD.") var notifiedOn: String
    @Option(help: "The day the appeal was filed (default: today in Asia/Shanghai).") var filedOn: String?
    @Option(help: "The staff member's reason.") var reason: String

    func run() async throws {
        let command = "appeal record"
        let staffGrade = try AppealCommand.grade(grade, command: command)
        let record = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).fileAppeal(
                cycle: target.cycleRef,
                unit: unit,
                staffNo: staffNo,
                grade: staffGrade,
                notifiedOn: notifiedOn,
                filedOn: filedOn,
                reason: reason,
                principal: principal
            )
        }
        AppealCommand.printAppeal(record)
    }
}

/// `kaohe appeal decide --county C --cycle Y --as ACCOUNT --id N --outcome upheld|changed|rejected [--grade G] [--note T]`.
struct AppealDecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record an appeal's outcome: upheld, changed (with --grade) or rejected; once only."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "The appeal's number.") var id: Int64
    @Option(help: "upheld, changed or rejected.") var outcome: String
    @Option(help: "The new grade (with changed).") var grade: String?
    @Option(help: "A note.") var note: String?

    func run() async throws {
        let command = "appeal decide"
        let newGrade = try grade.map { try AppealCommand.grade($0, command: command) }
        let record = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            let store = GradingStore(client: client)
            guard let appeal = try await store.appeal(county: target.county, id: id), appeal.cycle == target.cycle else {
                throw OfficeCommandContext.failure(command, "考核周期“\(target.cycle)”没有第\(id)号复核申请 / no appeal \(id) in cycle \(target.cycle)")
            }
            return try await store.decideAppeal(
                county: target.county,
                id: id,
                outcome: outcome,
                grade: newGrade,
                note: note,
                principal: principal
            )
        }
        AppealCommand.printAppeal(record)
    }
}

/// `kaohe appeal determine --county C --cycle Y --as ACCOUNT --unit CODE --staff-no N --grade G
/// [--sanction none|warning] --case REF [--reason T]`: 补定等次 (篇十三 第三十九条), a new roster
/// version — the same `FilingStore.determineGrade` as `POST …/roster/determinations`.
struct AppealDetermineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "determine",
        abstract: "补定等次: grade someone left 不定等次 for an investigation, once the case closed (final results included)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "The unit (unified social credit code).") var unit: UnitCode
    @Option(help: "The staff member's number in the unit's roster.") var staffNo: String
    @Option(help: "The grade: 优秀/合格/基本合格/不合格 (or 良好 under five tiers), or its English id.") var grade: String
    @Option(help: "The case's outcome: none (未予处分) or warning (警告).") var sanction: String = "none"
    @Option(name: .customLong("case"), help: "The case's closing document or number.") var caseReference: String
    @Option(help: "A note.") var reason: String = ""

    func run() async throws {
        let command = "appeal determine"
        let staffGrade = try AppealCommand.grade(grade, command: command)
        guard let outcome = Sanction(rawValue: sanction) ?? Sanction.allCases.first(where: { $0.chinese == sanction }) else {
            throw OfficeCommandContext.failure(command, "未知的处分“\(sanction)” / unknown sanction (none, warning)")
        }
        let filing = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await FilingStore(client: client).determineGrade(
                cycle: target.cycleRef,
                unit: unit,
                staffNo: staffNo,
                grade: staffGrade,
                sanction: outcome,
                caseReference: caseReference,
                reason: reason,
                principal: principal
            )
        }
        print("补定等次 determined: unit \(unit), staff \(staffNo) → \(staffGrade) — roster version \(filing.version)")
    }
}

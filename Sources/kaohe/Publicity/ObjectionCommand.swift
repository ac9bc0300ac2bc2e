import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe objection …`: 异议 and 复议 from the command line. A review is the unit's committee's act
/// (as in the API), so `--as` names that committee's account — the office enters a committee's
/// paper decision under the committee's account.
struct ObjectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objection",
        abstract: "List a cycle's objections (异议); record a committee's review (复议).",
        subcommands: [ObjectionListCommand.self, ObjectionReviewCommand.self]
    )

    static func printObjections(_ objections: [ObjectionRecord]) {
        if objections.isEmpty {
            print("无异议 no objection")
            return
        }
        for objection in objections {
            let outcome =
                objection.outcome.map {
                    "\($0 == "upheld" ? "成立 upheld" : "不成立 rejected") by \(objection.reviewedBy ?? "?")"
                        + (objection.newGrade.map { ", \(objection.oldGrade ?? "?") → \($0)" } ?? "")
                } ?? "待复议 awaiting review"
            print("#\(objection.id)\t\(objection.unit)\tfiled \(objection.filedAt) by \(objection.filedBy)\t\(outcome)")
        }
    }
}

/// `kaohe objection list --county C --cycle Y`.
struct ObjectionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every objection of the cycle and its outcome.")

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments

    func run() async throws {
        let objections = try await OfficeCommandContext.runStep(options, command: "objection list") { client in
            try await GradingStore(client: client).objections(cycle: target.cycleRef)
        }
        ObjectionCommand.printObjections(objections)
    }
}

/// `kaohe objection review --county C --cycle Y --id N --as COMMITTEE-ACCOUNT --outcome upheld|rejected [--grade G] [--note T]`.
struct ObjectionReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Record the committee's 复议 of an objection: upheld (optionally changing the grade) or rejected; once only."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "The objection's number.") var id: Int64
    @Option(help: "upheld or rejected.") var outcome: String
    @Option(help: "The new grade when upheld: 优秀/良好/合格/较差 or excellent/good/qualified/poor.") var grade: String?
    @Option(help: "The committee's note.") var note: String?

    func run() async throws {
        let command = "objection review"
        let newGrade = try grade.map { text in
            guard let parsed = UnitGrade(rawValue: text) ?? UnitGrade(term: text) else {
                throw OfficeCommandContext.failure(
                    command,
                    "未知的等次“\(text)”,应为优秀、良好、合格或较差 / unknown grade \(text): --grade must be excellent, good, qualified or poor"
                )
            }
            return parsed
        }
        let record = try await OfficeCommandContext.act(options, target: target, acting: acting, roles: [.committee], command: command) {
            client,
            principal in
            let store = GradingStore(client: client)
            guard let objection = try await store.objection(county: target.county, id: id), objection.cycle == target.cycle else {
                throw OfficeCommandContext.failure(
                    command,
                    "考核周期“\(target.cycle)”没有第\(id)号异议 / no objection \(id) in cycle \(target.cycle)"
                )
            }
            if let unit = try await FilingStore(client: client).unit(county: target.county, code: objection.unit),
                unit.committee != principal.committee
            {
                throw OfficeCommandContext.failure(
                    command,
                    "异议\(id)的单位属\(unit.committee),应由该专考委复议 / objection \(id) is for a unit of committee \(unit.committee); its account reviews it"
                )
            }
            if let done = objection.outcome {
                throw OfficeCommandContext.failure(
                    command,
                    "异议\(id)已由\(objection.reviewedBy ?? "?")复议(\(done)) / objection \(id) was already reviewed by \(objection.reviewedBy ?? "?"): \(done) [objection.already-reviewed]"
                )
            }
            return try await store.reviewObjection(
                county: target.county,
                id: id,
                outcome: outcome,
                grade: newGrade,
                note: note,
                principal: principal
            )
        }
        print(
            "异议\(record.id)已复议 objection \(record.id) reviewed: \(record.outcome ?? "")"
                + (record.newGrade.map { ", \(record.oldGrade ?? "?") → \($0)" } ?? "")
        )
        for conflict in record.conflicts ?? [] { print("  冲突 conflict: \(conflict.message)") }
    }
}

import Foundation
import KaoheRules
import KaoheStore

/// The monitor document (`MonitorStore`, the same one `GET …/monitor` serves) decoded for the
/// dashboard's pages. It covers the whole county: pages filter it with `scoped(to:)` before showing
/// anything.
struct CycleMonitor: Decodable, Sendable {
    struct Steps: Decodable, Sendable {
        var self_assessment: String
        var assessment: String
        var roster: String
    }
    struct Quota: Decodable, Sendable {
        var limit: Int?
        var used: Int?
        var status: String?
    }
    struct Unit: Decodable, Sendable {
        var code: UnitCode
        var name: String
        var committee: String
        var steps: Steps
        var grade: String?
        var total: Decimal?
        var quota: Quota?
        var openViolations: Int
    }
    struct Deadline: Decodable, Sendable {
        var what: String
        var at: String
        var passed: Bool
    }
    struct Conflict: Decodable, Sendable {
        var kind: String?
        var scope: String?
        var units: [UnitCode]?
        var message: String?
    }
    struct Grading: Decodable, Sendable {
        var state: String?
        var conflicts: [Conflict]?
    }
    struct Violation: Decodable, Sendable {
        var unit: UnitCode
        var staffNo: String?
        var rule: String?
        var message: String?
    }
    struct Objection: Decodable, Sendable {
        var id: LooseText
        var unit: UnitCode
        var filedAt: String?
    }
    /// A scheduled run that has failed (and whether the runners gave it up).
    struct FailingJob: Decodable, Sendable {
        var kind: String
        var attempts: Int
        var lastError: String?
        var givenUp: Bool
        var dueAt: String?
    }
    struct DeviationUnit: Decodable, Sendable {
        var unit: UnitCode
        var committeeTotal: Decimal?
        var recheckTotal: Decimal?
    }
    struct Deviations: Decodable, Sendable {
        var units: [DeviationUnit]
    }

    var units: [Unit]
    var deadlines: [Deadline]
    var grading: Grading?
    var violations: [Violation]
    var objections: [Objection]
    var deviations: Deviations?
    var jobs: [FailingJob]? = nil

    /// The monitor of a cycle; nil when the cycle does not exist.
    static func load(_ store: MonitorStore, cycle ref: CycleRef) async throws -> CycleMonitor? {
        guard let json = try await store.monitor(cycle: ref) else { return nil }
        return try JSONDecoder().decode(CycleMonitor.self, from: Data(json))
    }

    /// Only what `page`'s account may see: its units, their violations and objections, the conflicts
    /// that name one of its units (with the other units' codes left out).
    func scoped(to page: CyclePage) -> CycleMonitor {
        if page.countyWide { return self }
        var copy = self
        copy.units = units.filter { page.sees(code: $0.code, committee: $0.committee) }
        let visible = Set(copy.units.map(\.code))
        copy.violations = violations.filter { visible.contains($0.unit) }
        copy.objections = objections.filter { visible.contains($0.unit) }
        copy.deviations = deviations.map { Deviations(units: $0.units.filter { visible.contains($0.unit) }) }
        if var grading = copy.grading {
            grading.conflicts = grading.conflicts?.compactMap { conflict in
                let mine = (conflict.units ?? []).filter(visible.contains)
                guard !mine.isEmpty else { return nil }
                var conflict = conflict
                conflict.units = mine
                conflict.message = nil  // the message names the whole cohort, other units included
                return conflict
            }
            copy.grading = grading
        }
        return copy
    }
}

/// A JSON value shown as text whether it is a number or a string (ids).
struct LooseText: Decodable, Sendable, CustomStringConvertible {
    var description: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            description = text
        } else if let number = try? container.decode(Int64.self) {
            description = String(number)
        } else {
            description = ""
        }
    }
}

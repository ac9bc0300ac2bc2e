import Foundation
import KaoheRules
import KaoheStore
import Logging
import Postgres

/// What the demo's cycles are seeded with: the database, the county's units in registry order and
/// the accounts that act in them.
struct DemoContext: Sendable {
    var client: PostgresClient
    var county: CountyCode
    var units: [UnitRecord]
    var accounts: DemoAccounts
    var logger: Logger

    /// The account of the unit's committee.
    func committee(of unit: UnitRecord) -> Principal { accounts.committees[unit.committee]! }

    /// The unit's own account.
    func account(of unit: UnitRecord) -> Principal { accounts.units[unit.code]! }

    /// Step times from day offsets relative to today in Asia/Shanghai (opening at 00:00, deadline
    /// at 23:59:59 of its day, closing `graceDays` later).
    static func step(opensDay: Int, deadlineDay: Int, graceDays: Int = 7, today: Date = Date()) -> StepTimes {
        let day = Self.shanghaiDay(today)
        let deadline = ShanghaiTime.endOfDay(day.adding(days: deadlineDay))
        return StepTimes(
            opensAt: ShanghaiTime.instant(day.adding(days: opensDay)),
            deadline: deadline,
            closesAt: deadline.addingTimeInterval(TimeInterval(graceDays * 86_400))
        )
    }

    /// The civil date in Asia/Shanghai of an instant.
    static func shanghaiDay(_ instant: Date) -> CivilDate {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + ShanghaiTime.offsetSeconds
        return CivilDate(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
    }
}

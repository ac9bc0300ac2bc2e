package import Foundation
import KaoheRules
import Postgres
import Synchronization

/// Where the store's "now" comes from for the rules it decides in Swift — the day a 公示 may open
/// from, the day a staff appeal is filed on. The server's clock decides, never the client: in
/// production the database's clock (`now()`, the same clock every SQL rule reads), in a test a
/// `ManualClock` the test moves, so it can stand on the last day of a window without sleeping or
/// faking the process's time.
public struct StoreClock: Sendable {
    private let manual: ManualClock?

    /// The database's clock: production.
    public static let database = StoreClock(manual: nil)

    /// A clock the caller moves (tests, and the demo standing on a day of its history).
    package static func manual(_ clock: ManualClock) -> StoreClock { StoreClock(manual: clock) }

    /// Now, on `connection`'s server unless the clock is manual.
    func now(on connection: PostgresConnection) async throws -> Date {
        if let manual { return manual.now }
        return try await connection.query("SELECT now() AS now").one().decode(Date.self, column: "now")
    }

    /// Today in Asia/Shanghai (`YYYY-MM-DD`).
    func today(on connection: PostgresConnection) async throws -> CivilDate {
        if let manual { return try CivilDate(parsing: String(ShanghaiTime.format(manual.now).prefix(10))) }
        let text = try await connection.query("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS today").one()
            .decode(String.self, column: "today")
        return try CivilDate(parsing: text)
    }
}

/// A clock that says what it is told (`StoreClock.manual`).
package final class ManualClock: Sendable {
    private let date: Mutex<Date>

    /// A clock reading `now`.
    package init(_ now: Date) { date = Mutex(now) }

    /// A clock reading the start (00:00) of `day` (`YYYY-MM-DD`) in Asia/Shanghai, plus `seconds`.
    package convenience init(day: String, seconds: TimeInterval = 9 * 3600) {
        self.init(ShanghaiTime.parse(day, dateMeansEndOfDay: false)!.addingTimeInterval(seconds))
    }

    /// What the clock reads.
    package var now: Date { date.withLock { $0 } }

    /// Moves the clock to `now`.
    package func set(_ now: Date) { date.withLock { $0 = now } }

    /// Moves the clock to 09:00 of `day` in Asia/Shanghai.
    package func set(day: String) { set(ShanghaiTime.parse(day, dateMeansEndOfDay: false)!.addingTimeInterval(9 * 3600)) }
}

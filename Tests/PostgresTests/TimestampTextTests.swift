import Foundation
import Testing

@testable import Postgres

@Suite("Timestamp text")
struct TimestampTextTests {
    func parse(_ text: String) -> Date? { TimestampText.parse(Array(text.utf8)[...]) }

    @Test func parsesServerFormats() {
        #expect(parse("1970-01-01 00:00:00+00") == Date(timeIntervalSince1970: 0))
        #expect(parse("2024-03-01 08:30:00+08") == Date(timeIntervalSince1970: 1_709_253_000))
        #expect(parse("2024-03-01 00:30:00.5-05:30") == Date(timeIntervalSince1970: 1_709_272_800.5))
        #expect(parse("2024-03-01") == Date(timeIntervalSince1970: 1_709_251_200))
        #expect(parse("infinity") == .distantFuture)
        #expect(parse("-infinity") == .distantPast)
        #expect(parse("2024-13-01") == nil)
        #expect(parse("garbage") == nil)
    }

    @Test func formatsUTCWithMicroseconds() {
        var buffer: [UInt8] = []
        TimestampText.append(Date(timeIntervalSince1970: 1_709_253_000.25), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "2024-03-01 00:30:00.250000+00")
        buffer = []
        TimestampText.append(Date(timeIntervalSince1970: -1), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "1969-12-31 23:59:59.000000+00")
    }

    @Test func civilDaysRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = TimestampText.civil(fromDays: Int64(days))
            #expect(TimestampText.days(fromCivil: y, m, d) == days)
        }
    }
}

import Foundation
import KaoheTestSupport
import Postgres
import Testing

@Suite("COPY FROM STDIN")
struct CopyTests {
    @Test func hundredThousandRowsRoundTripExactly() async throws {
        try await withFreshConnection { connection in
            try await connection.execute(
                """
                CREATE TABLE filing (id int8 PRIMARY KEY, unit_code text, name text, score numeric(5,2), filed_at timestamptz)
                """
            )
            let base = 1_735_689_600  // 2025-01-01 UTC
            func row(_ i: Int) -> [String?] {
                [
                    String(i), "U\(i % 977)", i % 10 == 0 ? nil : "单位 \(i)\tT\\\n",
                    "\(i % 100).\(String(format: "%02d", i % 97))",
                    "2025-01-01 00:00:00+00".replacingOccurrences(
                        of: "00:00:00",
                        with: String(format: "%02d:%02d:%02d", (i / 3600) % 24, (i / 60) % 60, i % 60)
                    ),
                ]
            }
            let count = try await connection.copyFrom("COPY filing (id, unit_code, name, score, filed_at) FROM STDIN") { writer in
                for i in 1...100_000 {
                    writer.append(row: row(i))
                    if writer.needsFlush { try await writer.flush() }
                }
            }
            #expect(count == 100_000)
            let rows = try await connection.query("SELECT id, unit_code, name, score, filed_at FROM filing ORDER BY id")
            #expect(rows.count == 100_000)
            var mismatches = 0
            for (index, stored) in rows.enumerated() {
                let i = index + 1
                let expected = row(i)
                let same =
                    try stored.decode(Int.self, column: "id") == i
                    && stored.decode(String.self, column: "unit_code") == expected[1]
                    && stored.decode(String?.self, column: "name") == expected[2]
                    && stored.decode(Decimal.self, column: "score") == Decimal(string: expected[3]!)!
                    && stored.decode(Date.self, column: "filed_at")
                        == Date(timeIntervalSince1970: Double(base + (i / 3600) % 24 * 3600 + (i / 60) % 60 * 60 + i % 60))
                if !same { mismatches += 1 }
            }
            #expect(mismatches == 0)
        }
    }

    @Test func escapesSpecialCharactersAndNULL() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (id int8, s text)")
            let tricky: [String?] = ["tab\there", "new\nline", "back\\slash", "cr\rlf", "\\N", nil, "", "\\.", "末尾\\"]
            let count = try await connection.copyFrom("COPY t (id, s) FROM STDIN") { writer in
                for (i, value) in tricky.enumerated() { writer.append(row: [String(i), value]) }
            }
            #expect(count == tricky.count)
            let stored = try await connection.query("SELECT s FROM t ORDER BY id").map { try $0.decode(String?.self) }
            #expect(stored == tricky)
        }
    }

    @Test func rowsMadeAheadAreSentBehindLeadingFields() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (owner text, version int4, id int8, s text)")
            let tricky: [String?] = ["tab\there", "new\nline", "back\\slash", "cr\rlf", "\\N", nil, "", "\\.", "末尾\\"]
            var rows = PostgresCopyRows()
            for (i, value) in tricky.enumerated() {
                rows.append(String(i))
                rows.append(value)
                rows.endRow()
            }
            #expect(rows.count == tricky.count)
            var seen = 0
            rows.forEachRow { row in
                #expect(row.last == UInt8(ascii: "\n"))
                #expect(row.dropLast().contains(UInt8(ascii: "\n")) == false)
                seen += 1
            }
            #expect(seen == tricky.count)
            let count = try await connection.copyFrom("COPY t (owner, version, id, s) FROM STDIN") { writer in
                writer.append(rows, leading: ["单位\t甲", "1"])
                writer.append(rows, leading: ["b", "2"])
            }
            #expect(count == 2 * tricky.count)
            let stored = try await connection.query("SELECT owner, s FROM t WHERE version = 1 ORDER BY id")
            #expect(try stored.map { try $0.decode(String?.self, column: "s") } == tricky)
            #expect(try stored.allSatisfy { try $0.decode(String.self, column: "owner") == "单位\t甲" })
            let second = try await connection.query("SELECT count(*) AS n FROM t WHERE owner = 'b' AND version = 2").one()
            #expect(try second.decode(Int.self, column: "n") == tricky.count)
        }
    }

    @Test func typedValuesAndRawRows() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (id int8, score numeric(5,2), at timestamptz, ok bool)")
            let when = Date(timeIntervalSince1970: 1_700_000_000.5)
            let count = try await connection.copyFrom("COPY t FROM STDIN") { writer in
                writer.append(values: [1, Decimal(string: "99.99")!, when, true])
                writer.append(values: [2, nil, nil, false])
                writer.appendRaw(Array("3\t1.50\t\\N\tt\n".utf8))
            }
            #expect(count == 3)
            let rows = try await connection.query("SELECT * FROM t ORDER BY id")
            #expect(try rows[0].decode(Date.self, column: "at") == when)
            #expect(try rows[1].decode(Decimal?.self, column: "score") == nil)
            #expect(try rows[2].decode(Decimal.self, column: "score") == Decimal(string: "1.5")!)
        }
    }

    @Test func badRowFailsWithSQLStateAndInsertsNothing() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await connection.copyFrom("COPY t FROM STDIN") { writer in
                    for i in 0..<50_000 { writer.append(row: [i == 40_000 ? "not a number" : String(i)]) }
                }
            }
            #expect(error?.sqlState == .invalidTextRepresentation)
            #expect(try await connection.query("SELECT count(*) FROM t").single(Int.self) == 0)
            // The connection is usable afterwards.
            #expect(try await connection.execute("INSERT INTO t VALUES (\(1))") == 1)
        }
    }

    @Test func throwingBodyAbortsTheCopy() async throws {
        struct Stop: Error {}
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (id int8)")
            await #expect(throws: Stop.self) {
                try await connection.copyFrom("COPY t FROM STDIN") { writer in
                    for i in 0..<100_000 { writer.append(row: [String(i)]) }
                    throw Stop()
                }
            }
            #expect(try await connection.query("SELECT count(*) FROM t").single(Int.self) == 0)
        }
    }
}

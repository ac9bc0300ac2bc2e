import Foundation
import KaoheTestSupport
import Postgres
import Testing

@Suite("Decoding results into Swift types")
struct DecodingTests {
    @Test func decodesEachType() async throws {
        try await withFreshConnection { connection in
            let id = UUID()
            let rows = try await connection.query(
                """
                SELECT 42::int4 AS i4, 9007199254740993::int8 AS i8, 7::int2 AS i2,
                       2.5::float8 AS f8, 93.25::numeric(5,2) AS score, 'hello 你好'::text AS t,
                       'x'::varchar(3) AS v, true AS yes, false AS no,
                       '2024-03-01 08:30:00.123456+08'::timestamptz AS at,
                       \(id)::uuid AS id, '{"b": 1, "a": [true]}'::jsonb AS doc, '\\x00ff10'::bytea AS raw,
                       NULL::int8 AS missing, NULL::text AS nothing
                """
            )
            let row = try #require(rows.first)
            #expect(try row.decode(Int.self, column: "i4") == 42)
            #expect(try row.decode(Int32.self, column: "i4") == 42)
            #expect(try row.decode(Int64.self, column: "i8") == 9_007_199_254_740_993)
            #expect(try row.decode(Int.self, column: "i2") == 7)
            #expect(try row.decode(Double.self, column: "f8") == 2.5)
            #expect(try row.decode(Decimal.self, column: "score") == Decimal(string: "93.25")!)
            #expect(try row.decode(String.self, column: "t") == "hello 你好")
            #expect(try row.decode(String.self, column: "v") == "x")
            #expect(try row.decode(Bool.self, column: "yes") == true)
            #expect(try row.decode(Bool.self, column: "no") == false)
            let expected = Date(timeIntervalSince1970: 1_709_253_000.123456)
            #expect(abs(try row.decode(Date.self, column: "at").timeIntervalSince(expected)) < 1e-6)
            #expect(try row.decode(UUID.self, column: "id") == id)
            let doc = try row.decode(PostgresJSON.self, column: "doc")
            #expect(String(decoding: doc.bytes, as: UTF8.self) == #"{"a": [true], "b": 1}"#)
            #expect(try row.decode([UInt8].self, column: "raw") == [0, 255, 16])
            #expect(try row.decode(Int?.self, column: "missing") == nil)
            #expect(try row.decode(String?.self, column: "nothing") == nil)
            #expect(try row.decode(Int?.self, column: "i4") == 42)
            #expect(try row.decode(Decimal?.self, column: "score") == Decimal(string: "93.25")!)
        }
    }

    @Test func valuesRoundTripAsParameters() async throws {
        try await withFreshConnection { connection in
            let id = UUID()
            let when = Date(timeIntervalSince1970: 1_700_000_000.25)
            let json = try PostgresJSON(encoding: ["unit": "县财政局", "score": "91.5"])
            let bytes: [UInt8] = [0, 1, 2, 254, 255]
            let score = Decimal(string: "-12345678901234567890.123456789")!
            let optionalMissing: Int? = nil
            let row = try #require(
                try await connection.query(
                    """
                    SELECT \(42) AS i, \(Int64.max) AS big, \(Int32.min) AS small, \(0.1) AS d, \(score) AS score,
                           \("it's \"quoted\" \\ and\ttabbed") AS s, \(true) AS b, \(when) AS at, \(id) AS id,
                           \(json) AS doc, \(bytes) AS raw, \(optionalMissing) AS missing,
                           \(Substring("sub")) AS sub, \(Date.distantPast) AS past
                    """
                ).first
            )
            #expect(try row.decode(Int.self, column: "i") == 42)
            #expect(try row.decode(Int64.self, column: "big") == Int64.max)
            #expect(try row.decode(Int32.self, column: "small") == Int32.min)
            #expect(try row.decode(Double.self, column: "d") == 0.1)
            #expect(try row.decode(Decimal.self, column: "score") == score)
            #expect(try row.decode(String.self, column: "s") == "it's \"quoted\" \\ and\ttabbed")
            #expect(try row.decode(Bool.self, column: "b"))
            #expect(try row.decode(Date.self, column: "at") == when)
            #expect(try row.decode(UUID.self, column: "id") == id)
            let decoded = try row.decode(PostgresJSON.self, column: "doc").decode([String: String].self)
            #expect(decoded == ["unit": "县财政局", "score": "91.5"])
            #expect(try row.decode([UInt8].self, column: "raw") == bytes)
            #expect(try row.decode(Int?.self, column: "missing") == nil)
            #expect(try row.decode(String.self, column: "sub") == "sub")
            #expect(abs(try row.decode(Date.self, column: "past").timeIntervalSince(Date.distantPast)) < 1e-3)
        }
    }

    @Test func arraysRoundTrip() async throws {
        try await withFreshConnection { connection in
            let codes = PostgresArray<String>(["a", "b,c", "d\"e", "f\\g", nil, "NULL", ""])
            let numbers = PostgresArray<Int>([1, 2, 3])
            let row = try #require(
                try await connection.query("SELECT \(codes) AS codes, \(numbers) AS numbers, 2 = ANY(\(numbers)) AS has2").first
            )
            #expect(try row.decode(PostgresArray<String>.self, column: "codes").elements == codes.elements)
            #expect(try row.decode(PostgresArray<Int>.self, column: "numbers").elements == [1, 2, 3])
            #expect(try row.decode(Bool.self, column: "has2"))
            let empty = try #require(try await connection.query("SELECT '{}'::int8[] AS e").first)
            #expect(try empty.decode(PostgresArray<Int>.self, column: "e").elements.isEmpty)
        }
    }

    @Test func wrongTypeNamesTheColumn() async throws {
        try await withFreshConnection { connection in
            let row = try #require(try await connection.query("SELECT 'abc'::text AS unit_name, NULL::int4 AS empty_score").first)
            let wrongType = try #require(throws: PostgresError.self) { try row.decode(Int.self, column: "unit_name") }
            #expect(wrongType.code == .decoding)
            #expect(wrongType.column == "unit_name")
            #expect(wrongType.description.contains("unit_name"))
            #expect(!wrongType.description.contains("abc"))

            let null = try #require(throws: PostgresError.self) { try row.decode(Int.self, column: "empty_score") }
            #expect(null.code == .decoding)
            #expect(null.column == "empty_score")

            let missing = try #require(throws: PostgresError.self) { try row.decode(Int.self, column: "nope") }
            #expect(missing.column == "nope")

            let date = try #require(throws: PostgresError.self) { try row.decode(Date.self, at: 0) }
            #expect(date.column == "unit_name")
        }
    }

    @Test func interpolationBindsValuesNotSQL() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE unit (code text PRIMARY KEY, name text NOT NULL)")
            let hostile = "x'); DROP TABLE unit; --"
            let inserted = try await connection.execute("INSERT INTO unit (code, name) VALUES (\(hostile), \(hostile))")
            #expect(inserted == 1)
            let rows = try await connection.query("SELECT code, name FROM unit WHERE code = \(hostile)")
            #expect(rows.count == 1)
            #expect(try rows[0].decode(String.self, column: "name") == hostile)

            let query: PostgresQuery = "SELECT \(hostile) AS a, \(42) AS b FROM \(identifier: "unit")"
            #expect(query.sql == "SELECT $1 AS a, $2 AS b FROM \"unit\"")
            #expect(query.bindings.count == 2)
            #expect(PostgresQuery.quoteIdentifier("a\"b") == "\"a\"\"b\"")
        }
    }

    @Test func stringWithNULByteIsRejected() async throws {
        try await withFreshConnection { connection in
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT \("a\u{0}b") AS s")
            }
            #expect(error?.code == .invalidParameter)
        }
    }

    @Test func cachedStatementSurvivesSchemaChange() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE t (id int8 PRIMARY KEY, a text)")
            try await connection.execute("INSERT INTO t VALUES (\(1), \("one"))")
            let first = try await connection.query("SELECT * FROM t WHERE id = \(1)")
            #expect(first.columnNames == ["id", "a"])
            try await connection.execute("ALTER TABLE t ADD COLUMN b int4 DEFAULT 7")
            let second = try await connection.query("SELECT * FROM t WHERE id = \(1)")
            #expect(second.columnNames == ["id", "a", "b"])
            try await connection.simpleQuery("DEALLOCATE ALL")
            let third = try await connection.query("SELECT * FROM t WHERE id = \(1)")
            #expect(try third[0].decode(Int.self, column: "b") == 7)
        }
    }
}

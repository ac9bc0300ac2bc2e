import Crypto
import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

@Suite("Audit chain")
struct AuditChainTests {
    let logger = TestCluster.logger("test.audit")

    func migratedClient(_ label: String = #function) async throws -> PostgresClient {
        // The whole suite runs in parallel on 2 cores: waiting for a connection behind 40 serialised
        // appends may take longer than the production default, which is not what this suite tests.
        var options = PostgresClient.Options()
        options.acquireTimeout = .seconds(120)
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), options: options, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        try await client.execute("INSERT INTO counties (county, name) VALUES ('990101', '示例县'), ('990102', '某县')")
        return client
    }

    @discardableResult
    func append(_ client: PostgresClient, county: CountyCode = "990101", _ n: Int) async throws -> [Int64] {
        var seqs: [Int64] = []
        for i in 1...n {
            let seq = try await client.withTransaction { connection in
                try await AuditChain.appendNow(
                    on: connection,
                    county: county,
                    actor: "990101/clerk",
                    action: .named("test.step"),
                    object: "unit:91350100M000100Y43",
                    details: ["i": String(i), "名称": "示例县第一中学\n\"引号\""]
                )
            }
            seqs.append(seq)
        }
        return seqs
    }

    /// Runs SQL with the append-only trigger disabled, as a superuser tampering with the table would.
    func tamper(_ client: PostgresClient, _ sql: String) async throws {
        try await client.withConnection { connection in
            try await connection.simpleQuery(
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \(sql); ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"
            )
        }
    }

    @Test("entries are numbered 1, 2, 3…, linked by prev_hash, and each hash is SHA-256 of the documented canonical text")
    func appendsChain() async throws {
        let client = try await migratedClient()
        #expect(try await append(client, 3) == [1, 2, 3])
        let rows = try await client.query(
            """
            SELECT seq, prev_hash, hash,
                   jsonb_build_array(prev_hash::text, seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                     actor, action, object, details)::text AS canonical
            FROM audit_log WHERE county = '990101' ORDER BY seq
            """
        )
        var previous = AuditChain.genesisHash
        for row in rows {
            let canonical = try row.decode(String.self, column: "canonical")
            let hash = try row.decode(String.self, column: "hash")
            #expect(try row.decode(String.self, column: "prev_hash") == previous)
            #expect(SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined() == hash)
            #expect(canonical.hasPrefix("[\"\(previous)\", \(try row.decode(Int64.self, column: "seq")), \""))
            previous = hash
        }
        let head = try await client.query("SELECT seq, hash FROM audit_heads WHERE county = '990101'")
        #expect(try head[0].decode(Int64.self, column: "seq") == 3)
        #expect(try head[0].decode(String.self, column: "hash") == previous)
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 3))
        #expect(try await AuditChain.verify(client: client, county: nil) == .intact(entries: 3))
        #expect(try await AuditChain.verify(client: client, county: "990102") == .intact(entries: 0))
        await client.close()
    }

    @Test("each county has its own chain starting at 1")
    func chainsPerCounty() async throws {
        let client = try await migratedClient()
        try await append(client, county: "990101", 2)
        #expect(try await append(client, county: "990102", 2) == [1, 2])
        #expect(try await AuditChain.verify(client: client, county: nil) == .intact(entries: 4))
        await client.close()
    }

    @Test("an entry is written only if its transaction commits")
    func rollbackLeavesNoEntry() async throws {
        let client = try await migratedClient()
        try await append(client, 1)
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await client.withTransaction { connection in
                try await AuditChain.append(on: connection, county: "990101", actor: "a", action: .named("b"), object: "c")
                throw Abort()
            }
        }
        #expect(try await append(client, 1) == [2])
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 2))
        await client.close()
    }

    @Test("40 tasks appending at once leave a gapless, intact chain with every entry")
    func concurrentAppends() async throws {
        let client = try await migratedClient()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await client.withTransaction { connection in
                        try await AuditChain.append(
                            on: connection,
                            county: "990101",
                            actor: "task\(i)",
                            action: .named("test.concurrent"),
                            object: "n:\(i)"
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 40))
        let actors = try await client.query("SELECT actor FROM audit_log WHERE county = '990101' ORDER BY seq").map {
            try $0.decode(String.self, column: "actor")
        }
        #expect(Set(actors) == Set((0..<40).map { "task\($0)" }))
        #expect(try await client.query("SELECT count(*)::int AS n FROM audit_pending").single(Int.self) == 0)
        await client.close()
    }

    @Test("An open transaction's entry does not hold the head: another commits meanwhile, and both link in commit order")
    func headFreeUntilCommit() async throws {
        let client = try await migratedClient()
        try await client.withTransaction { first in
            try await AuditChain.append(on: first, county: "990101", actor: "slow", action: .named("test.open"), object: "n:1")
            // While `first` is open, a second transaction appends and commits. Were the head locked
            // by `first`, this would wait and lock_timeout would fail it.
            try await client.withTransaction { second in
                try await second.execute("SET LOCAL lock_timeout = '2s'")
                try await AuditChain.append(on: second, county: "990101", actor: "fast", action: .named("test.commit"), object: "n:2")
            }
            #expect(try await client.query("SELECT actor FROM audit_log WHERE county = '990101'").single(String.self) == "fast")
            try await AuditChain.append(on: first, county: "990101", actor: "slow", action: .named("test.second"), object: "n:3")
        }
        let entries = try await client.query("SELECT seq, actor, action FROM audit_log WHERE county = '990101' ORDER BY seq").map {
            "\(try $0.decode(Int64.self, column: "seq")) \(try $0.decode(String.self, column: "actor")) \(try $0.decode(String.self, column: "action"))"
        }
        #expect(entries == ["1 fast test.commit", "2 slow test.open", "3 slow test.second"])
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 3))
        await client.close()
    }

    @Test("appendNow links what the transaction appended before it, in order, and reports its own seq")
    func appendNowLinksInOrder() async throws {
        let client = try await migratedClient()
        try await append(client, 2)
        let seq = try await client.withTransaction { connection in
            try await AuditChain.append(on: connection, county: "990101", actor: "a", action: .named("test.before"), object: "n:1")
            let seq = try await AuditChain.appendNow(
                on: connection,
                county: "990101",
                actor: "a",
                action: .named("test.now"),
                object: "n:2"
            )
            try await AuditChain.append(on: connection, county: "990101", actor: "a", action: .named("test.after"), object: "n:3")
            return seq
        }
        #expect(seq == 4)
        let actions = try await client.query("SELECT action FROM audit_log WHERE county = '990101' AND seq > 2 ORDER BY seq").map {
            try $0.decode(String.self, column: "action")
        }
        #expect(actions == ["test.before", "test.now", "test.after"])
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 5))
        await client.close()
    }

    @Test("a transaction's entries for two counties are linked at commit, each county's in the order appended, with nothing left pending")
    func oneTransactionManyEntries() async throws {
        let client = try await migratedClient()
        try await append(client, 2)
        try await client.withTransaction { connection in
            for i in 1...6 {
                let county: CountyCode = i % 3 == 0 ? "990102" : "990101"
                try await AuditChain.append(
                    on: connection,
                    county: county,
                    actor: "a",
                    action: .named("test.batch"),
                    object: "n:\(i)",
                    details: ["i": String(i)]
                )
            }
        }
        let rows = try await client.query(
            "SELECT county, seq, object FROM audit_log WHERE action = 'test.batch' ORDER BY county, seq"
        ).map {
            "\(try $0.decode(String.self, column: "county")) \(try $0.decode(Int.self, column: "seq")) \(try $0.decode(String.self, column: "object"))"
        }
        #expect(rows == ["990101 3 n:1", "990101 4 n:2", "990101 5 n:4", "990101 6 n:5", "990102 1 n:3", "990102 2 n:6"])
        #expect(try await client.query("SELECT count(*) FROM audit_pending").single(Int.self) == 0)
        let heads = try await client.query("SELECT county || ':' || seq FROM audit_heads ORDER BY county").map {
            try $0.decode(String.self)
        }
        #expect(heads == ["990101:6", "990102:2"])
        #expect(try await AuditChain.verify(client: client, county: nil) == .intact(entries: 8))
        await client.close()
    }

    @Test("UPDATE and DELETE on audit_log are refused by the append-only trigger")
    func appendOnly() async throws {
        let client = try await migratedClient()
        try await append(client, 2)
        await #expect { try await client.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1") } throws: { error in
            (error as? PostgresError)?.sqlState?.rawValue == "42501"
        }
        await #expect { try await client.execute("DELETE FROM audit_log WHERE seq = 2") } throws: { error in
            (error as? PostgresError)?.sqlState?.rawValue == "42501"
        }
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 2))
        await client.close()
    }

    @Test("a changed detail is named at exactly that entry")
    func changedDetail() async throws {
        let client = try await migratedClient()
        try await append(client, 5)
        try await tamper(client, "UPDATE audit_log SET details = details || '{\"i\": \"99\"}' WHERE county = '990101' AND seq = 3")
        let outcome = try await AuditChain.verify(client: client, county: "990101")
        guard case .broken(let county, let seq, let reason) = outcome else {
            Issue.record("expected broken, got \(outcome)")
            return
        }
        #expect(county == "990101")
        #expect(seq == 3)
        #expect(reason.contains("hash"))
        await client.close()
    }

    @Test("a changed timestamp or actor is named at that entry")
    func changedTimestampOrActor() async throws {
        let client = try await migratedClient()
        try await append(client, 4)
        try await tamper(client, "UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = 2")
        #expect(try await AuditChain.verify(client: client, county: nil).brokenSeq == 2)
        await client.close()

        let other = try await migratedClient("changedActor")
        try await append(other, 4)
        try await tamper(other, "UPDATE audit_log SET actor = '990101/other' WHERE seq = 4")
        #expect(try await AuditChain.verify(client: other, county: nil).brokenSeq == 4)
        await other.close()
    }

    @Test("a deleted entry breaks the chain at the gap it leaves")
    func deletedRow() async throws {
        let client = try await migratedClient()
        try await append(client, 5)
        try await tamper(client, "DELETE FROM audit_log WHERE county = '990101' AND seq = 3")
        let outcome = try await AuditChain.verify(client: client, county: "990101")
        guard case .broken(_, let seq, let reason) = outcome else {
            Issue.record("expected broken, got \(outcome)")
            return
        }
        #expect(seq == 4)
        #expect(reason.contains("3"))
        await client.close()
    }

    @Test("deleting the last entry is caught by the head")
    func deletedLastRow() async throws {
        let client = try await migratedClient()
        try await append(client, 3)
        try await tamper(client, "DELETE FROM audit_log WHERE county = '990101' AND seq = 3")
        #expect(try await AuditChain.verify(client: client, county: "990101").brokenSeq == 3)
        await client.close()
    }

    @Test("a changed hash is named at that entry, even when the next entry's link is fixed up too")
    func changedHash() async throws {
        let client = try await migratedClient()
        try await append(client, 4)
        try await tamper(
            client,
            """
            UPDATE audit_log SET hash = repeat('a', 64) WHERE county = '990101' AND seq = 2;
            UPDATE audit_log SET prev_hash = repeat('a', 64) WHERE county = '990101' AND seq = 3
            """
        )
        #expect(try await AuditChain.verify(client: client, county: "990101").brokenSeq == 2)
        await client.close()
    }

    @Test("a row inserted behind the head's back, and a changed head, are both caught")
    func insertedRowAndHead() async throws {
        let client = try await migratedClient()
        try await append(client, 3)
        // A forged 4th entry whose own hash is even computed correctly, but the head was not moved.
        try await client.execute(
            """
            INSERT INTO audit_log (county, seq, at, actor, action, object, details, prev_hash, hash)
            SELECT '990101', 4, now(), 'x', 'forged', 'y', '{}', hash, repeat('b', 64) FROM audit_heads WHERE county = '990101'
            """
        )
        #expect(try await AuditChain.verify(client: client, county: "990101").brokenSeq == 4)
        try await tamper(client, "DELETE FROM audit_log WHERE seq = 4")
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 3))
        try await client.execute("UPDATE audit_heads SET hash = repeat('c', 64) WHERE county = '990101'")
        #expect(try await AuditChain.verify(client: client, county: "990101").brokenSeq == 3)
        await client.close()
    }

    @Test("verify reads in batches: a chain longer than a batch is checked whole, and a break past the first batch is found")
    func batches() async throws {
        let client = try await migratedClient()
        try await client.withTransaction { connection in
            for i in 0..<25 {
                try await AuditChain.append(on: connection, county: "990101", actor: "bulk", action: .named("test.bulk"), object: "n:\(i)")
            }
        }
        #expect(try await AuditChain.verify(client: client, county: "990101", batchSize: 7) == .intact(entries: 25))
        try await tamper(client, "UPDATE audit_log SET object = 'n:x' WHERE seq = 17")
        #expect(try await AuditChain.verify(client: client, county: "990101", batchSize: 7).brokenSeq == 17)
        await client.close()
    }
}

extension AuditVerification {
    /// The seq of the first broken entry, or nil when intact.
    var brokenSeq: Int64? {
        if case .broken(_, let seq, _) = self { return seq }
        return nil
    }
}

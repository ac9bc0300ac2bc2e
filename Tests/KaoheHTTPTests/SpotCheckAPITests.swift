import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// `/spot-check` end to end: freeze, draw (dice seed, redraw with a reason), who sees what, export.
@Suite("Spot-check API")
struct SpotCheckAPITests {
    static let base = "\(FilingAPIFixture.cycleBase)/2026/spot-check"

    @Test("freeze then draw; refusals name the rule; everyone in the county sees the drawn sample; the export verifies")
    func ceremony() async throws {
        let fixture = try await FilingAPIFixture.make()
        try await fixture.app().test(.router) { http in
            try await fixture.openCycle(http)
            // Only the office draws; another county's office sees nothing.
            #expect(try await fixture.call(http, .post, Self.base + "/draw", as: "unit-a", json: "{}").status == .forbidden)
            #expect(try await fixture.call(http, .post, Self.base + "/draw", as: "other-office", json: "{}").status == .notFound)
            #expect(try await fixture.call(http, .get, Self.base, as: "unit-a").status == .notFound)

            let frozen = try await fixture.call(http, .post, Self.base + "/freeze", as: "office")
            #expect(frozen.status == .created, "\(String(buffer: frozen.body))")
            let frozenBody = try FilingAPIFixture.json(frozen)
            let frozenHash = try #require(frozenBody["populationHash"] as? String)
            #expect((frozenBody["population"] as? [Any])?.count == 3)
            #expect(frozenBody["selection"] == nil)
            let again = try await fixture.call(http, .post, Self.base + "/freeze", as: "office")
            #expect(again.status == .conflict)
            #expect(try FilingAPIFixture.problem(again).rule == "spot-check.already-frozen")
            // The office sees the frozen record; a unit does not (nothing drawn yet).
            #expect(try await fixture.call(http, .get, Self.base, as: "auditor").status == .ok)
            #expect(try await fixture.call(http, .get, Self.base, as: "unit-a").status == .notFound)

            let shortSeed = try await fixture.call(http, .post, Self.base + "/draw", as: "office", json: #"{"seed": "12345"}"#)
            #expect(shortSeed.status == .unprocessableContent)
            #expect(try FilingAPIFixture.problem(shortSeed).field == "/seed")
            let drawn = try await fixture.call(http, .post, Self.base + "/draw", as: "office", json: #"{"seed": "01382438112797316654"}"#)
            #expect(drawn.status == .created, "\(String(buffer: drawn.body))")
            let twice = try await fixture.call(http, .post, Self.base + "/draw", as: "office", json: "{}")
            #expect(twice.status == .conflict)
            #expect(try FilingAPIFixture.problem(twice).rule == "spot-check.redraw-reason")

            // Public part for a unit: seed and selection (one per committee: ⌈10 % × 2⌉ + ⌈10 % × 1⌉).
            let seen = try await fixture.call(http, .get, Self.base, as: "unit-a")
            #expect(seen.status == .ok)
            let body = try FilingAPIFixture.json(seen)
            #expect(body["seed"] as? String == "01382438112797316654")
            #expect((body["selected"] as? [Any])?.count == 2)
            #expect(body["population"] == nil)

            // The export: office and auditor; it recomputes.
            #expect(try await fixture.call(http, .get, Self.base + "/export", as: "unit-a").status == .forbidden)
            let export = try await fixture.call(http, .get, Self.base + "/export", as: "auditor")
            #expect(export.status == .ok)
            let record = try SpotCheckRecord.decode(Data(export.body.readableBytesView))
            #expect(record.verify().matches, "\(record.verify().mismatches)")
            #expect(record.populationHash == frozenHash && record.recomputedPopulationHash == frozenHash)

            // A redraw with a reason: both stay.
            let redraw = try await fixture.call(http, .post, Self.base + "/draw", as: "office", json: #"{"reason": "总体有误"}"#)
            #expect(redraw.status == .created, "\(String(buffer: redraw.body))")
            let all = try FilingAPIFixture.json(try await fixture.call(http, .get, Self.base, as: "office"))
            #expect((all["draws"] as? [Any])?.count == 2)
            #expect(all["current"] as? Int == 2)
            let first = try await fixture.call(http, .get, Self.base + "/export?draw=1", as: "office")
            #expect(try SpotCheckRecord.decode(Data(first.body.readableBytesView)).supersededAt != nil)
        }
        await fixture.client.close()
    }

    @Test("two draws at once: one draws, the other is told another request drew (or is drawing), never 'draw next'")
    func concurrentDraws() async throws {
        let fixture = try await FilingAPIFixture.make()
        try await fixture.app().test(.router) { http in
            try await fixture.openCycle(http)
            for round in 0..<3 {
                let json = round == 0 ? "{}" : #"{"reason": "第\#(round)次重抽"}"#
                // Both requests read the current draw, then wait on the cycle's lock, held here until
                // both are surely waiting: the two really run at once.
                let holder = try await PostgresConnection.connect(configuration: fixture.client.configuration, logger: fixture.logger)
                try await holder.simpleQuery("BEGIN")
                try await holder.execute("SELECT 1 FROM cycles WHERE county = \(FilingAPIFixture.county) AND cycle = '2026' FOR UPDATE")
                async let a = fixture.call(http, .post, Self.base + "/draw", as: "office", json: json)
                async let b = fixture.call(http, .post, Self.base + "/draw", as: "office", json: json)
                try await Task.sleep(for: .milliseconds(500))
                try await holder.simpleQuery("ROLLBACK")
                await holder.close()
                let answers = try await [a, b]
                let statuses = answers.map(\.status).sorted { $0.code < $1.code }
                #expect(statuses == [.created, .conflict], "round \(round): \(answers.map { String(buffer: $0.body) })")
                for answer in answers where answer.status == .conflict {
                    let rule = try FilingAPIFixture.problem(answer).rule
                    #expect(rule == "spot-check.drawn-concurrently" || rule == "spot-check.draw-in-progress", "\(rule ?? "-")")
                }
                let all = try FilingAPIFixture.json(try await fixture.call(http, .get, Self.base, as: "office"))
                #expect((all["draws"] as? [Any])?.count == round + 1)
            }
        }
        await fixture.client.close()
    }
}

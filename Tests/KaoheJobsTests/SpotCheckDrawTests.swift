import Foundation
import KaoheJobs
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// The spot-check draw and the reviewer assignment against a real cluster.
@Suite("Spot-check draw")
struct SpotCheckDrawTests {
    let logger = TestCluster.logger("test.draw")

    @Test("freeze commits the population hash before any seed; the draw reproduces with KaoheRules and verify()")
    func drawReproduces() async throws {
        let fixture = try await JobsFixture.make(unitCount: 60)
        try await fixture.makeCycle("2026", assessmentClosesIn: 3600)
        let store = SpotCheckStore(client: fixture.client)
        let frozen = try await store.freeze(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            reason: nil
        )
        #expect(frozen.selection == nil && frozen.drawnAt == nil)
        #expect(frozen.populationHash == PopulationHash.of(fixture.units.map(\.code)))
        #expect(try await fixture.count("SELECT count(*)::int FROM spot_check_draws WHERE seed IS NOT NULL") == 0)
        let freezeSeq = try await fixture.count("SELECT max(seq)::int FROM audit_log WHERE action = 'spot_check.freeze'")

        let seed = try DrawSeed("31415926535897932384626")
        let record = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: seed,
            reason: nil
        )
        let drawSeq = try await fixture.count("SELECT max(seq)::int FROM audit_log WHERE action = 'spot_check.draw'")
        #expect(freezeSeq < drawSeq)
        #expect(record.drawNo == 1 && record.seedSource == "dice")

        // Independently: SPEC.md's draw over the enrolled units with the office's seed.
        let policy = try SpotCheckStore.policy()
        let expected = try SpotCheckDraw.draw(
            population: fixture.units.map { DrawUnit(code: $0.code, committee: $0.committee) },
            seed: seed,
            percent: policy.defaultPercent,
            strata: .committee,
            policy: policy
        )
        let selection = try #require(record.selection)
        #expect(selection == expected)
        #expect(selection.selected.count == fixture.expectedSampleSize())
        #expect(selection.algorithm == ConsistentSampler.algorithm && selection.algorithmVersion == ConsistentSampler.version)

        // The export round-trips and verifies; any tampering is a mismatch.
        let exported = try SpotCheckRecord.decode(try SpotCheckRecord.encode(record))
        #expect(exported.verify().matches, "\(exported.verify().mismatches)")
        var tampered = exported
        tampered.selection?.strata[0].selected[0].code = fixture.units.map(\.code).first { code in
            !selection.selected.contains { $0.code == code }
                && fixture.units.first { $0.code == code }?.committee == selection.strata[0].name
        }!
        #expect(!tampered.verify().matches)
        var otherSeed = exported
        otherSeed.selection?.seed = "31415926535897932384627"
        #expect(!otherSeed.verify().matches)
        var otherReviewer = exported
        if let first = otherReviewer.reviewerAssignments?.firstIndex(where: { !$0.reviewers.isEmpty }) {
            otherReviewer.reviewerAssignments![first].reviewers[0].id = "reviewer-x"
            #expect(!otherReviewer.verify().matches)
        }
        var otherPopulation = exported
        otherPopulation.population.removeLast()
        #expect(!otherPopulation.verify().matches)
        let verdict = try await AuditChain.verify(client: fixture.client, county: JobsFixture.county)
        if case .broken = verdict { Issue.record("audit chain: \(verdict)") }
        await fixture.client.close()
    }

    @Test("a CSPRNG seed is 64 hex digits; a second draw needs a reason and both stay, the first superseded")
    func redrawKeepsBoth() async throws {
        let fixture = try await JobsFixture.make(unitCount: 30)
        try await fixture.makeCycle("2026", assessmentClosesIn: 3600)
        let store = SpotCheckStore(client: fixture.client)
        let first = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: nil,
            reason: nil
        )
        #expect(first.seedSource == "csprng" && first.selection?.seed.count == 64)
        for reason in [nil, "   "] as [String?] {
            await #expect(throws: CycleError.self) {
                try await store.draw(
                    cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                    actor: fixture.office.actor,
                    seed: nil,
                    reason: reason
                )
            }
        }
        let second = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: nil,
            reason: "主管部门调整,总体有误 / population was wrong"
        )
        #expect(second.drawNo == 2 && second.redrawReason != nil)
        let all = try await store.all(cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        #expect(all.map(\.drawNo) == [1, 2])
        #expect(all[0].supersededAt != nil && all[1].supersededAt == nil)
        #expect(all[0].selection == first.selection)  // the first stays exactly as drawn
        #expect(all.allSatisfy { $0.verify().matches })
        #expect(try await store.current(cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))?.drawNo == 2)
        #expect(try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'spot_check.supersede'") == 1)
        await fixture.client.close()
    }

    @Test("reviewers are never of the unit's committee or department (回避), and a reviewer account sees exactly its units")
    func reviewersRespectAvoidance() async throws {
        let fixture = try await JobsFixture.make(unitCount: 120)
        try await fixture.makeCycle("2026", assessmentClosesIn: 3600)
        let store = SpotCheckStore(client: fixture.client)
        let record = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: nil,
            reason: nil
        )
        let violations = try await fixture.count(
            """
            SELECT count(*)::int FROM reviewer_assignments a
            JOIN units u ON u.county = a.county AND u.code = a.unit_code
            JOIN reviewers r ON r.county = a.county AND r.reviewer = a.reviewer
            WHERE r.committee = u.committee OR r.department = u.department
            """
        )
        #expect(violations == 0)
        let assignments = try #require(record.reviewerAssignments)
        #expect(assignments.count == record.selection?.selected.count)
        #expect(
            assignments.allSatisfy { $0.reviewers.count + $0.shortfall == 2 && Set($0.reviewers.map(\.id)).count == $0.reviewers.count }
        )
        #expect(assignments.contains { !$0.reviewers.isEmpty })

        // A reviewer account: its token yields exactly the units it is assigned.
        let reviewerID = try #require(assignments.first { !$0.reviewers.isEmpty }?.reviewers.first?.id)
        let accounts = AccountStore(client: fixture.client)
        let (token, _) = try await accounts.create(
            Principal(county: JobsFixture.county, account: "rev", role: .reviewer, reviewer: reviewerID),
            displayName: "核验员"
        )
        let principal = try #require(try await accounts.principal(forToken: token.secret))
        let expected = Set(assignments.filter { $0.reviewers.contains { $0.id == reviewerID } }.map(\.unitCode))
        #expect(principal.assignedUnits == expected)
        #expect(try await store.assignedUnits(county: JobsFixture.county, reviewer: reviewerID) == expected)
        await fixture.client.close()
    }
}

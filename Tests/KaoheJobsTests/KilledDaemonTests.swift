import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// `kaohed` as a separate process, killed with SIGKILL while its JobRunner draws.
@Suite("Spot-check draw under SIGKILL")
struct KilledDaemonTests {
    static func startDaemon(_ configuration: PostgresConfiguration) throws -> TestProcess {
        let conninfo = configuration.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return try TestProcess(
            BuiltProducts.path("kaohed"),
            ["--database-url", conninfo, "--port", "0", "--log-level", "warning"],
            environment: BuiltProducts.environment()
        )
    }

    enum DrawState: String { case none, frozen, drawn }

    /// The invariant: at most one draw; a drawn one is complete (every selection and reviewer) and
    /// recomputes; a frozen one has no selection; the audit chain is intact and matches.
    func checkInvariant(_ fixture: JobsFixture) async throws -> DrawState {
        // A COMMIT the killed daemon had already sent may still complete on the server: wait until its
        // backends are done, so the checks below read one settled state rather than race that commit.
        for _ in 0..<200 {
            let busy = try await fixture.count(
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if busy == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let draws = try await SpotCheckStore(client: fixture.client).all(cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        #expect(draws.count <= 1)
        let selections = try await fixture.count("SELECT count(*)::int FROM spot_check_selections")
        let assignments = try await fixture.count("SELECT count(*)::int FROM reviewer_assignments")
        let drawEntries = try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'spot_check.draw'")
        let freezeEntries = try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'spot_check.freeze'")
        let verdict = try await AuditChain.verify(client: fixture.client, county: JobsFixture.county)
        if case .broken = verdict { Issue.record("audit chain: \(verdict)") }
        #expect(freezeEntries == draws.count)
        guard let draw = draws.first else {
            #expect(selections == 0 && assignments == 0 && drawEntries == 0)
            return .none
        }
        guard draw.drawnAt != nil else {
            #expect(selections == 0 && assignments == 0 && drawEntries == 0)
            return .frozen
        }
        #expect(selections == fixture.expectedSampleSize())
        #expect(assignments == (draw.reviewerAssignments ?? []).reduce(0) { $0 + $1.reviewers.count })
        #expect(assignments > 0)
        #expect(drawEntries == 1)
        #expect(draw.verify().matches, "\(draw.verify().mismatches.prefix(3))")
        return .drawn
    }

    @Test("kaohed killed with SIGKILL at several moments of a due draw leaves no draw or one complete draw; a restart finishes it once")
    func sigkillDuringDraw() async throws {
        let fixture = try await JobsFixture.make(unitCount: 12000)
        try await fixture.makeCycle("2026")  // the freeze and the draw are due now
        let configuration = fixture.client.configuration
        var seen: [String] = []
        for delay in [250, 450, 650, 850, 1100, 1400, 1800, 2400, 3200] {
            let process = try Self.startDaemon(configuration)
            try await Task.sleep(for: .milliseconds(delay))
            process.signal(SIGKILL)
            try await process.waitForExit()
            try await Task.sleep(for: .milliseconds(200))  // the server notices the closed connections and rolls back
            let state = try await checkInvariant(fixture)
            seen.append("\(delay)ms:\(state.rawValue)")
        }
        // A daemon that runs to the end finishes whatever the killed ones left, exactly once.
        let process = try Self.startDaemon(configuration)
        var state = DrawState.none
        for _ in 0..<300 {
            state = try await checkInvariant(fixture)
            if state == .drawn { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.signal(SIGTERM)
        try await process.waitForExit()
        #expect(state == .drawn, "states after each kill: \(seen)")
        #expect(try await checkInvariant(fixture) == .drawn)
        #expect(
            try await fixture.count("SELECT count(*)::int FROM scheduled_runs WHERE kind LIKE 'spot_check.%' AND done_at IS NOT NULL") == 2
        )
        print("SIGKILL states: \(seen.joined(separator: " "))")
        await fixture.client.close()
    }
}

import Foundation
import KaoheJobs
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// KaoheJobs against a real cluster: exactly once across runners, catch-up, hand triggers.
@Suite("Scheduled jobs")
struct JobRunnerTests {
    let logger = TestCluster.logger("test.jobs")

    @Test("two runners on two pools racing over the same due runs do each exactly once")
    func exactlyOnceAcrossRunners() async throws {
        let fixture = try await JobsFixture.make(unitCount: 40)
        let cycles = (2020...2025).map { CycleID(String($0)) }
        for cycle in cycles { try await fixture.makeCycle(cycle) }
        let configuration = fixture.client.configuration
        let second = PostgresClient(configuration: configuration, logger: logger)
        let runners = [
            JobRunner(runs: ScheduledRunStore(client: fixture.client), actor: "daemon:a", logger: logger),
            JobRunner(runs: ScheduledRunStore(client: second), actor: "daemon:b", logger: logger),
        ]
        // Both race through several rounds (the draw waits for its freeze to commit).
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            await withTaskGroup(of: Void.self) { group in
                for runner in runners { for _ in 0..<3 { group.addTask { await runner.runDue() } } }
            }
            let pending = try await fixture.count(
                "SELECT count(*)::int FROM scheduled_runs WHERE done_at IS NULL AND due_at <= now()"
            )
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        for cycle in cycles {
            let draws = try await fixture.count("SELECT count(*)::int FROM spot_check_draws WHERE cycle = \(cycle)")
            #expect(draws == 1, "cycle \(cycle)")
            let selected = try await fixture.count("SELECT count(*)::int FROM spot_check_selections WHERE cycle = \(cycle)")
            #expect(selected == fixture.expectedSampleSize())
            for action in ["spot_check.freeze", "spot_check.draw"] {
                let entries = try await fixture.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = \(action) AND object = \("cycles/\(cycle)/spot-check/1")"
                )
                #expect(entries == 1, "\(action) of \(cycle)")
            }
            let closed = try await fixture.count(
                "SELECT count(*)::int FROM audit_log WHERE action = 'cycle.step.closed' AND object = \("cycles/\(cycle)/steps/assessment")"
            )
            #expect(closed == 1)
        }
        let undone = try await fixture.count(
            "SELECT count(*)::int FROM scheduled_runs WHERE due_at <= now() AND (done_at IS NULL OR attempts > 0)"
        )
        #expect(undone == 0)
        let doers = try await fixture.client.query("SELECT DISTINCT done_by FROM scheduled_runs WHERE done_by IS NOT NULL")
        #expect(Set(try doers.map { try $0.decode(String.self, at: 0) }).isSubset(of: ["daemon:a", "daemon:b"]))
        #expect(
            try await AuditChain.verify(client: fixture.client, county: JobsFixture.county)
                == .intact(entries: try await fixture.count("SELECT count(*)::int FROM audit_log"))
        )
        await second.close()
        await fixture.client.close()
    }

    @Test("a runner started after the due time catches up at once; future runs wait")
    func catchUpAtStart() async throws {
        let fixture = try await JobsFixture.make(unitCount: 20)
        try await fixture.makeCycle("2024", assessmentClosesIn: -86_400 * 3)  // due three days ago, nobody ran
        try await fixture.makeCycle("2025", assessmentClosesIn: 3600)  // due in an hour
        let runner = JobRunner(
            runs: ScheduledRunStore(client: fixture.client),
            pollInterval: .seconds(30),
            actor: "daemon:late",
            logger: logger
        )
        let task = Task { try await runner.run() }
        var drawn = 0
        for _ in 0..<100 {
            drawn = try await fixture.count("SELECT count(*)::int FROM spot_check_draws WHERE cycle = '2024' AND drawn_at IS NOT NULL")
            if drawn == 1 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        task.cancel()
        _ = try? await task.value
        #expect(drawn == 1)  // well before the 30 s poll: done at start (the freeze, then a wake-up for the draw)
        #expect(try await fixture.count("SELECT count(*)::int FROM spot_check_draws WHERE cycle = '2025'") == 0)
        let runs = try await ScheduledRunStore.runs(client: fixture.client, cycle: CycleRef(county: JobsFixture.county, cycle: "2025"))
        #expect(runs.allSatisfy { $0.doneAt == nil })
        await fixture.client.close()
    }

    @Test("hand triggers are refused once the run is done, and a hand-made draw is not redone by the schedule")
    func handTriggerRefusedWhenDone() async throws {
        let fixture = try await JobsFixture.make(unitCount: 20)
        try await fixture.makeCycle("2026", assessmentClosesIn: 3600)  // not due yet: the office draws early by hand
        let store = SpotCheckStore(client: fixture.client)
        let record = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: try DrawSeed("01382438112797316654"),
            reason: nil
        )
        #expect(record.drawNo == 1 && record.seedSource == "dice")
        for kind in ["spot_check.freeze", "spot_check.draw"] {
            await #expect(throws: CycleError.self) {
                try await JobRunner.trigger(
                    runs: ScheduledRunStore(client: fixture.client),
                    cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                    kind: kind,
                    actor: fixture.office.actor,
                    logger: logger
                )
            }
        }
        do {
            _ = try await JobRunner.trigger(
                runs: ScheduledRunStore(client: fixture.client),
                cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                kind: "spot_check.draw",
                actor: fixture.office.actor,
                logger: logger
            )
        } catch let error as CycleError {
            #expect(error.rule == "jobs.already-done")
        }
        do {
            _ = try await store.draw(
                cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                actor: fixture.office.actor,
                seed: nil,
                reason: nil
            )
            Issue.record("a second draw without a reason was accepted")
        } catch let error as CycleError {
            #expect(error.rule == "spot-check.redraw-reason")
        }
        // Make everything due now: the runner finds nothing left to do for the draw.
        try await fixture.client.execute("UPDATE scheduled_runs SET due_at = now() - interval '1 minute' WHERE kind LIKE 'spot_check.%'")
        let runner = JobRunner(runs: ScheduledRunStore(client: fixture.client), actor: "daemon:x", logger: logger)
        await runner.runDue()
        #expect(try await fixture.count("SELECT count(*)::int FROM spot_check_draws") == 1)
        #expect(try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'spot_check.draw'") == 1)
        // A step close triggered by hand, then again: refused.
        _ = try await JobRunner.trigger(
            runs: ScheduledRunStore(client: fixture.client),
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            kind: "step.close.roster",
            actor: fixture.office.actor,
            logger: logger
        ).facts.isEmpty
        await #expect(throws: CycleError.self) {
            try await JobRunner.trigger(
                runs: ScheduledRunStore(client: fixture.client),
                cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                kind: "step.close.roster",
                actor: fixture.office.actor,
                logger: logger
            )
        }
        await fixture.client.close()
    }

    @Test("a population the office froze by hand is left for the office's public draw, even when the draw is due")
    func handFreezeWaitsForOffice() async throws {
        let fixture = try await JobsFixture.make(unitCount: 20)
        try await fixture.makeCycle("2026")  // freeze and draw due now
        let store = SpotCheckStore(client: fixture.client)
        _ = try await store.freeze(cycle: CycleRef(county: JobsFixture.county, cycle: "2026"), actor: fixture.office.actor, reason: nil)
        let runner = JobRunner(runs: ScheduledRunStore(client: fixture.client), actor: "daemon:w", logger: logger)
        await runner.runDue()
        #expect(try await fixture.count("SELECT count(*)::int FROM spot_check_draws WHERE drawn_at IS NOT NULL") == 0)
        let record = try await store.draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: try DrawSeed("66666123456789012345678"),
            reason: nil
        )
        #expect(record.seedSource == "dice" && record.drawNo == 1)
        let runs = try await ScheduledRunStore.runs(client: fixture.client, cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        #expect(runs.filter { $0.kind.hasPrefix("spot_check.") }.allSatisfy { $0.doneBy == fixture.office.actor })
        await fixture.client.close()
    }

    @Test("a job that fails is rolled back, counted and retried later; the others still run")
    func failureIsRecorded() async throws {
        struct Failing: ScheduledJob {
            let kind = "test.fail"
            func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
                try await AuditChain.append(
                    on: transaction.connection,
                    county: run.county,
                    actor: context.actor,
                    action: .named("test.partial"),
                    object: "x"
                )
                throw CycleError(.invalid, "boom")
            }
        }
        let fixture = try await JobsFixture.make(unitCount: 10)
        try await fixture.makeCycle("2026")
        try await fixture.client.withTransaction { connection in
            try await ScheduledRunStore.schedule(
                on: connection,
                cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                kind: "test.fail",
                dueAt: Date().addingTimeInterval(-10)
            )
        }
        var registry = JobRegistry.standard()
        registry.register(Failing())
        let runner = JobRunner(runs: ScheduledRunStore(client: fixture.client), registry: registry, actor: "daemon:f", logger: logger)
        await runner.runDue()
        let runs = try await ScheduledRunStore.runs(client: fixture.client, cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        let failing = try #require(runs.first { $0.kind == "test.fail" })
        // Under a loaded machine the back-off may pass before runDue returns, so it may have been retried.
        #expect(failing.doneAt == nil && failing.attempts >= 1 && failing.lastError?.contains("boom") == true)
        #expect(try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'test.partial'") == 0)
        #expect(runs.first { $0.kind == "spot_check.freeze" }?.doneAt != nil)
        await fixture.client.close()
    }

    @Test("a job the rules refuse is given up after one attempt and shown with its reason; one that may succeed later is retried")
    func permanentFailureIsGivenUp() async throws {
        struct Refused: ScheduledJob {
            let kind = "test.refused"
            func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
                throw CycleError(.invalid, "本县没有参加考核的单位 / no unit is enrolled", rule: "test.no-units")
            }
        }
        struct Busy: ScheduledJob {
            let kind = "test.busy"
            func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
                throw CycleError(.conflict, "尚有异议未复议 / objections await review", rule: "test.busy")
            }
        }
        let database = try await TestCluster.freshDatabase()
        let fixture = try await JobsFixture.make(unitCount: 10, configuration: database)
        try await fixture.makeCycle("2026")
        try await fixture.client.withTransaction { connection in
            for kind in ["test.refused", "test.busy"] {
                try await ScheduledRunStore.schedule(
                    on: connection,
                    cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                    kind: kind,
                    dueAt: Date().addingTimeInterval(-10)
                )
            }
        }
        var registry = JobRegistry()
        registry.register(Refused())
        registry.register(Busy())
        let runner = JobRunner(runs: ScheduledRunStore(client: fixture.client), registry: registry, actor: "daemon:g", logger: logger)
        for _ in 0..<3 {
            await runner.runDue()
            try await fixture.client.execute("UPDATE scheduled_runs SET retry_at = NULL WHERE county = \(JobsFixture.county)")
        }
        let runs = try await ScheduledRunStore.runs(client: fixture.client, cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        let refused = try #require(runs.first { $0.kind == "test.refused" })
        #expect(refused.attempts == 1 && refused.givenUpAt != nil && refused.doneAt == nil)
        #expect(refused.lastError == "本县没有参加考核的单位 / no unit is enrolled [test.no-units]")
        let busy = try #require(runs.first { $0.kind == "test.busy" })
        #expect(busy.attempts == 3 && busy.givenUpAt == nil)
        // The office sees it on the monitor; a hand trigger still runs it (and is refused the same way).
        let monitor = try #require(
            try await MonitorStore(client: fixture.client).monitor(cycle: CycleRef(county: JobsFixture.county, cycle: "2026"))
        )
        let jobs = (try JSONSerialization.jsonObject(with: Data(monitor)) as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.first { $0["kind"] as? String == "test.refused" }?["givenUp"] as? Bool == true)
        await #expect(throws: CycleError.self) {
            _ = try await JobRunner.trigger(
                runs: ScheduledRunStore(client: fixture.client),
                registry: registry,
                cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
                kind: "test.refused",
                actor: "office",
                logger: logger
            )
        }
        await fixture.client.close()
        // `kaohe jobs list` says so too, with the reason and the way out.
        let list = try await TestProcess.run(
            BuiltProducts.path("kaohe"),
            ["jobs", "list", "--database-url", database.conninfo, "--county", JobsFixture.county.rawValue, "--cycle", "2026"],
            environment: BuiltProducts.environment()
        )
        #expect(list.status == 0, "\(list.error)")
        let line = list.output.split(separator: "\n").first { $0.hasPrefix("test.refused\t") } ?? ""
        #expect(line.contains("given up") && line.contains("after 1 failed") && line.contains("[test.no-units]"), "\(list.output)")
        #expect(list.output.split(separator: "\n").first { $0.hasPrefix("test.busy\t") }?.contains("pending, 3 failed") == true)
    }
}

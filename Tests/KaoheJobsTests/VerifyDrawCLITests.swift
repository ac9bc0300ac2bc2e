import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Postgres
import Testing

/// `kaohe verify-draw` (the built binary) on an exported record, and — when
/// `KAOHE_CONSISTENT_SAMPLER_PYTHON` names a Python with `consistent_sampler` installed —
/// Deploy/scripts/recompute_draw.py, the outside observer's recomputation.
@Suite("verify-draw")
struct VerifyDrawCLITests {
    /// Runs a program to its end; its status and what it wrote (stdout, then stderr).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await TestProcess.run(executable, arguments, environment: BuiltProducts.environment())
        return (result.status, result.output + result.error)
    }

    @Test("an exported draw verifies (exit 0); a tampered one is a mismatch (exit 1)")
    func verifyDraw() async throws {
        let fixture = try await JobsFixture.make(unitCount: 70)
        try await fixture.makeCycle("2026", assessmentClosesIn: 3600)
        let record = try await SpotCheckStore(client: fixture.client).draw(
            cycle: CycleRef(county: JobsFixture.county, cycle: "2026"),
            actor: fixture.office.actor,
            seed: try DrawSeed("27182818284590452353602874"),
            reason: nil
        )
        await fixture.client.close()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kaohe-verify-draw-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("draw.json")
        try SpotCheckRecord.encode(record).write(to: good)
        var tampered = record
        tampered.selection?.seed = "27182818284590452353602875"
        let bad = directory.appendingPathComponent("tampered.json")
        try SpotCheckRecord.encode(tampered).write(to: bad)

        let kaohe = BuiltProducts.path("kaohe")
        let match = try await Self.run(kaohe, ["verify-draw", good.path])
        #expect(match.status == 0, "\(match.output)")
        #expect(match.output.hasPrefix("match"))
        let mismatch = try await Self.run(kaohe, ["verify-draw", bad.path])
        #expect(mismatch.status == 1)
        #expect(mismatch.output.contains("mismatch"))

        if let python = ProcessInfo.processInfo.environment["KAOHE_CONSISTENT_SAMPLER_PYTHON"] {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Deploy/scripts/recompute_draw.py").standardized
            let outside = try await Self.run(python, [script.path, good.path])
            #expect(outside.status == 0, "\(outside.output)")
            #expect(outside.output.hasSuffix("\nMATCH\n"))
            let outsideBad = try await Self.run(python, [script.path, bad.path])
            #expect(outsideBad.status == 1)
        }
    }
}

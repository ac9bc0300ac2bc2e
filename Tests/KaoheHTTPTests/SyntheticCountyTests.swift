import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import NIOCore
import Postgres
import Prometheus
import Testing

/// A synthetic county — 60 units in 4 committees, 3,000 staff, a fixed seed — taken through
/// re-checks, proposal, confirmation, publicity and finalisation over the API; its overrides,
/// final grades and final quotas must equal what this test computes on its own from SPEC.md
/// ("Grading a unit", "The spot check", "Staff rosters and the excellent quota"), without KaoheRules.
/// The sample is recorded directly as draw rows (a seeded choice of ⌈10 %⌉ per committee): the
/// draw itself is KaoheJobs' and is tested there.
@Suite("Synthetic county")
struct SyntheticCountyTests {
    static let county: CountyCode = "990201"
    static let committees = SyntheticCounty.committees

    @Test("60 units, 4 committees, 3,000 staff: overrides, final grades and final quotas equal the independent computation")
    func wholeCycle() async throws {
        var random = SeededRandom(seed: 20_260_212)
        // Totals: 5 in 合格, 32 in 良好, 23 in 优秀 bands (more than the 18 优秀 places), distinct, shuffled.
        let totals = (0..<5).map { 6800 + 37 * $0 } + (0..<32).map { 7050 + 57 * $0 } + (0..<23).map { 9002 + 12 * $0 }
        var units = SyntheticCounty.units(county: Self.county, totals: totals, departments: ["dept"], random: &random)
        // Qualitative: two units with one 差, one with two, one with three.
        for (offset, poor) in [(3, 1), (11, 1), (20, 2), (33, 3)] { units[offset].poor = poor }
        // The sample: ⌈10 % × 15⌉ = 2 per committee, seeded; re-checks deviate by a seeded amount.
        var sampled: [Int] = []
        for committee in Self.committees {
            var members = units.indices.filter { units[$0].committee == committee }
            for _ in 0..<2 { sampled.append(members.remove(at: random.below(members.count))) }
        }
        let deltas = [-600, -500, -499, 200, 550, 0, -100, 499]
        for (position, index) in sampled.enumerated() {
            var delta = deltas[position]
            if units[index].hundredths + delta > 9300 { delta = -delta }
            units[index].recheck = (units[index].hundredths + delta, position == 5 ? units[index].poor + 1 : units[index].poor)
        }
        let expected = SyntheticCounty.expected(units).grades

        let logger = TestCluster.logger("test.synthetic")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let tokens = try await SyntheticCounty.enrol(client: client, county: Self.county, name: "合成县", units: units)
        let tokenTable = tokens
        let unitList = units
        let sample = sampled
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry(),
                // The office opens 公示 on 12 Feb 2026 (SPEC.md's example): the stores stand on that day.
                clock: .manual(ManualClock(day: "2026-02-12"))
            ),
            logger: logger
        )
        try await app.test(.router) { http in
            func call(_ method: HTTPRequest.Method, _ path: String, as who: String, _ json: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(tokenTable[who]!)"]
                if json != nil { headers[.contentType] = "application/json" }
                return try await http.executeRequest(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
            }
            let base = "/api/v1/counties/\(Self.county)/cycles/2026"
            let now = Date()
            let step = """
                {"opensAt": "\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))", "deadline": "\(ShanghaiTime.format(now.addingTimeInterval(86_400)))", "closesAt": "\(ShanghaiTime.format(now.addingTimeInterval(2 * 86_400)))"}
                """
            #expect(
                try await call(
                    .put,
                    base,
                    as: "office",
                    #"{"scheme": "county-2021", "policy": "tied-2023", "steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#
                ).status == .created
            )
            #expect(
                try await call(
                    .put,
                    base + "/units",
                    as: "office",
                    #"{"units": [\#(unitList.map { "\"\($0.code)\"" }.joined(separator: ","))]}"#
                ).status == .ok
            )
            for unit in unitList {
                let response = try await call(
                    .put,
                    "\(base)/units/\(unit.code)/assessment",
                    as: unit.committee,
                    SyntheticCounty.sheet(unit.hundredths, poor: unit.poor)
                )
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let roster = try await call(.put, "\(base)/units/\(unit.code)/roster", as: unit.code, SyntheticCounty.roster(unit))
                #expect(roster.status == .ok)
            }
            try await client.execute(
                """
                INSERT INTO spot_check_draws (county, cycle, draw_no, population, population_hash, population_size, frozen_at, frozen_by,
                    seed, seed_source, algorithm, algorithm_version, percent, stratification, reviewers_per_unit, reviewer_register, drawn_at, drawn_by)
                VALUES (\(Self.county), '2026', 1, '[]', repeat('0', 64), 60, now(), 'office', '20260212', 'dice', 'consistent_sampler', '1', 10,
                        'committee', 0, '[]', now(), 'office')
                """
            )
            for (rank, index) in sample.enumerated() {
                try await client.execute(
                    """
                    INSERT INTO spot_check_selections (county, cycle, draw_no, unit_code, stratum, ticket, rank)
                    VALUES (\(Self.county), '2026', 1, \(unitList[index].code), \(unitList[index].committee), \("0.\(rank + 1)"), \(rank + 1))
                    """
                )
                let recheck = unitList[index].recheck!
                let response = try await call(
                    .put,
                    "\(base)/units/\(unitList[index].code)/recheck",
                    as: "office",
                    SyntheticCounty.sheet(recheck.hundredths, poor: recheck.poor, reviewer: "核验组\(rank)")
                )
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }

            // Overrides: ≥ 5.00 points or a different 差 count.
            let deviations = try FilingAPIFixture.json(try await call(.get, base + "/spot-check/deviations", as: "office"))
            let overridden = Set(
                (deviations["units"] as? [[String: Any]] ?? []).filter { $0["overridden"] as? Bool == true }.compactMap {
                    $0["unit"] as? String
                }
            )
            let expectedOverridden = Set(unitList.filter(\.overridden).map(\.code))
            #expect(overridden == expectedOverridden)
            #expect((3...6).contains(expectedOverridden.count))  // -6.00, -5.00, ±5.50, the 差 count: never -4.99, ±2.00, -1.00, ±4.99

            var response = try await call(.post, base + "/grading/proposal", as: "office")
            var body = try FilingAPIFixture.json(response)
            #expect((body["conflicts"] as? [Any])?.isEmpty == true, "\(body["conflicts"] ?? "")")
            response = try await call(.post, base + "/grading/confirm", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            body = try FilingAPIFixture.json(response)
            let grades = Dictionary(
                uniqueKeysWithValues: (body["units"] as? [[String: Any]] ?? []).map {
                    ($0["code"] as? String ?? "", $0["grade"] as? String ?? "")
                }
            )
            #expect(grades == expected)
            #expect(grades.values.count { $0 == "excellent" } == 18)

            #expect(try await call(.post, base + "/publicity/open", as: "office", #"{"opensOn": "2026-02-12"}"#).status == .created)
            #expect(try await call(.post, base + "/publicity/finalise", as: "office").status == .ok)

            // Final quotas: ⌊(ratio + 5 with an award, if the ratio is above 0) × 50 / 100⌋.
            for unit in unitList {
                let quota = try FilingAPIFixture.json(try await call(.get, "\(base)/units/\(unit.code)/quota", as: unit.code))
                let grade = expected[unit.code]!
                let limit = SyntheticCounty.finalQuota(grade: grade, award: unit.award)
                #expect(quota["status"] as? String == "final")
                #expect(quota["unitGrade"] as? String == grade)
                #expect((quota["quota"] as? [String: Any])?["limit"] as? Int == limit, "\(unit.code) \(grade) award \(unit.award)")
                #expect(quota["mustGiveUp"] as? Int == max(0, unit.excellentStaff - limit))
            }
        }
        // Every change above is on the county's audit chain, and the chain is intact.
        let verification = try await AuditChain.verify(client: client, county: Self.county)
        if case .intact(let entries) = verification {
            #expect(entries > 60 * 2 + 8 + 4)  // assessments, rosters, re-checks, grading and publicity
        } else {
            Issue.record("audit chain: \(verification)")
        }
        await client.close()
    }
}

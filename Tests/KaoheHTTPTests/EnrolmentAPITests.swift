import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Postgres
import Testing

/// `PUT …/cycles/{cycle}/units` at a province's size: 50,000 codes (over 1 MiB of JSON) listed,
/// every registered unit (`"all": true`) or a committee's, as the desk offers them.
@Suite("Enrolment API at any size")
struct EnrolmentAPITests {
    typealias F = FilingAPIFixture

    static let path = "\(F.cycleBase)/2026/units"

    /// 50,000 more units of 教育 in the fixture's county, in one statement.
    static func registerMany(_ f: F) async throws -> [UnitCode] {
        let codes = (1...50_000).map { UnitCode(UnifiedSocialCreditCode.publicInstitution(division: F.county, serial: 700_000 + $0)) }
        try await f.client.execute(
            """
            INSERT INTO units (county, code, name, committee, department, headcount)
            SELECT \(F.county), code, '单位' || n, 'education', 'edu', 10
            FROM unnest(\(PostgresArray(codes))::text[]) WITH ORDINALITY AS x(code, n)
            """
        )
        return codes
    }

    func enrolled(_ f: F) async throws -> Int {
        try await f.client.query("SELECT count(*)::int AS n FROM cycle_units WHERE county = \(F.county) AND cycle = '2026'").one()
            .decode(Int.self, column: "n")
    }

    @Test("50,000 codes listed (1.05 MB), all registered units, or a committee's; one way at a time, each refusal naming its field")
    func province() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            let many = try await Self.registerMany(f)
            let all = [F.unitA, F.unitB, F.unitC].map { UnitCode($0) } + many

            // Listed: the body is over the 1 MiB every other cycle route takes.
            let listed = #"{"units": ["# + all.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            #expect(listed.utf8.count > 1024 * 1024)
            var response = try await f.call(http, .put, Self.path, as: "office", json: listed)
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            #expect((try F.json(response)["added"] as? [String])?.count == 50_000)
            #expect(try await enrolled(f) == 50_003)

            // A committee's units: 健康 has one of the fixture's three.
            response = try await f.call(http, .put, Self.path, as: "office", json: #"{"committees": ["health"]}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let health = try await f.client.query(
                "SELECT count(*)::int AS n FROM units WHERE county = \(F.county) AND committee = 'health'"
            ).one().decode(Int.self, column: "n")
            #expect(try await enrolled(f) == health)
            #expect((try F.json(response)["removed"] as? [String])?.count == 50_003 - health)

            // Every registered unit.
            response = try await f.call(http, .put, Self.path, as: "office", json: #"{"all": true}"#)
            #expect(response.status == .ok)
            let registered = try await f.client.query("SELECT count(*)::int AS n FROM units WHERE county = \(F.county)").one()
                .decode(Int.self, column: "n")
            #expect(try await enrolled(f) == registered)

            // One way at a time; an unknown committee named by its place. Nothing changes.
            for (body, field, rule) in [
                (#"{"all": true, "committees": ["health"]}"#, "/units", "cycle.enrolment-one-way"),
                (#"{}"#, "/units", "cycle.enrolment-one-way"),
                (#"{"all": false}"#, "/all", "cycle.enrolment-one-way"),
                (#"{"committees": []}"#, "/committees", "cycle.enrolment-one-way"),
                (#"{"committees": ["health", "nope"]}"#, "/committees/1", "registry.committee"),
            ] {
                response = try await f.call(http, .put, Self.path, as: "office", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                let problem = try F.json(response)
                #expect(problem["field"] as? String == field && problem["rule"] as? String == rule, "\(body): \(problem)")
            }
            #expect(try await enrolled(f) == registered)
            // Only the office enrols.
            #expect(try await f.call(http, .put, Self.path, as: "edu", json: #"{"all": true}"#).status == .forbidden)
        }
        await f.client.close()
    }
}

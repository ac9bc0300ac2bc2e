import KaoheHTTP
import KaoheRules
import KaoheStore
import Testing

@Suite("Access policy")
struct AccessPolicyTests {
    let unit = AccessPolicy.UnitRef(county: "990101", committee: "education", code: "A")
    let otherCommitteeUnit = AccessPolicy.UnitRef(county: "990101", committee: "health", code: "B")
    let otherCountyUnit = AccessPolicy.UnitRef(county: "990102", committee: "education", code: "A")

    func policy(_ role: Role, committee: String? = nil, unit: String? = nil, reviewer: String? = nil) -> AccessPolicy {
        AccessPolicy(
            Principal(
                county: "990101",
                account: "x",
                role: role,
                committee: committee,
                unitCode: unit.map(UnitCode.init(rawValue:)),
                reviewer: reviewer
            )
        )
    }

    @Test("who sees which unit; everything of another county is notFound")
    func seeing() {
        let office = policy(.office)
        let auditor = policy(.auditor)
        let committee = policy(.committee, committee: "education")
        let self_ = policy(.unit, unit: "A")
        let reviewer = policy(.reviewer, reviewer: "r")
        #expect([office, auditor, committee, self_].map { $0.see(unit: unit) } == Array(repeating: .allowed, count: 4))
        #expect(reviewer.see(unit: unit) == .notFound)
        #expect(committee.see(unit: otherCommitteeUnit) == .notFound)
        #expect(self_.see(unit: otherCommitteeUnit) == .notFound)
        #expect(office.see(unit: otherCountyUnit) == .notFound)
        #expect(office.unitScope(in: "990102") == nil)
        #expect(committee.unitScope(in: "990101") == .committee("education"))
        #expect(self_.unitScope(in: "990101") == .unit("A"))
        #expect(reviewer.unitScope(in: "990101") == AccessPolicy.UnitScope.none)
        #expect(office.county("990102") == .notFound)
    }

    @Test("writes: the office acts for its county; units and committees file for themselves; visible-but-not-yours is 403")
    func writing() {
        #expect(policy(.office).actAsOffice(county: "990101") == .allowed)
        #expect(policy(.auditor).actAsOffice(county: "990101") == .forbidden)
        #expect(policy(.committee, committee: "education").actAsOffice(county: "990101") == .forbidden)
        #expect(policy(.office).actAsOffice(county: "990102") == .notFound)
        #expect(policy(.unit, unit: "A").fileAsUnit(for: unit) == .allowed)
        #expect(policy(.unit, unit: "A").fileAsUnit(for: otherCommitteeUnit) == .notFound)
        #expect(policy(.office).fileAsUnit(for: unit) == .forbidden)
        #expect(policy(.committee, committee: "education").fileAsCommittee(for: unit) == .allowed)
        #expect(policy(.committee, committee: "education").fileAsCommittee(for: otherCommitteeUnit) == .notFound)
        #expect(policy(.auditor).fileAsCommittee(for: unit) == .forbidden)
        #expect(policy(.office).seeReviewers(county: "990101") == .allowed)
        #expect(policy(.unit, unit: "A").seeReviewers(county: "990101") == .forbidden)
    }
}

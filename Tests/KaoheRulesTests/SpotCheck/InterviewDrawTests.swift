import KaoheRules
import Testing

@Suite("个别谈话: the interviewees of a unit")
struct InterviewDrawTests {
    static let unit = UnitCode("12990101450079190U")
    static let seed = "01382438112797316654"

    static func roster(leaders: Int, middle: Int, general: Int, undetermined: Int = 0) -> [StaffRecord] {
        var staff: [StaffRecord] = []
        for i in 0..<leaders { staff.append(StaffRecord(staffNo: "L\(i)", grade: .competent, level: i == 0 ? .principal : .leader)) }
        for i in 0..<middle { staff.append(StaffRecord(staffNo: "M\(i)", grade: .competent, level: i % 2 == 0 ? .middle : .section)) }
        for i in 0..<general { staff.append(StaffRecord(staffNo: "G\(i)", grade: .competent)) }
        for i in 0..<undetermined { staff.append(StaffRecord(staffNo: "U\(i)", grade: .undetermined, probation: true, level: .leader)) }
        return staff
    }

    @Test("SPEC: n = min(7, max(3, ⌈P/10⌉)), all of them below 3")
    func size() {
        #expect(
            [0, 1, 2, 3, 10, 25, 30, 31, 61, 65, 70, 71, 500].map(InterviewDraw.size(participants:)) == [
                0, 1, 2, 3, 3, 3, 3, 4, 7, 7, 7, 7, 7,
            ]
        )
    }

    @Test("every group with people gets one; the rest by the lowest tickets; the tickets are the spot check's over <unit>/<staff number>")
    func groupsAndTickets() {
        let staff = Self.roster(leaders: 3, middle: 6, general: 56, undetermined: 2)  // P = 65 → 7
        let drawn = InterviewDraw.draw(staff: staff, unit: Self.unit, drawSeed: Self.seed, set: .committee)
        #expect(drawn.count == 7)
        #expect(Set(drawn.map(\.group)) == [.leadership, .middle, .general])
        #expect(!drawn.contains { $0.staffNo.hasPrefix("U") })  // 不定等次 is not a participant
        // Recomputed here from the sampler alone: the lowest ticket of each group, then the lowest of the rest.
        let sampler = ConsistentSampler(seed: Self.seed)
        let all = staff.filter(\.grade.isGraded).map {
            (no: $0.staffNo, group: InterviewDraw.Group($0.level), ticket: sampler.ticket(for: "\(Self.unit.rawValue)/\($0.staffNo)"))
        }
        .sorted { $0.ticket < $1.ticket }
        var expected = InterviewDraw.Group.allCases.compactMap { group in all.first { $0.group == group }?.no }
        for person in all where expected.count < 7 && !expected.contains(person.no) { expected.append(person.no) }
        #expect(Set(drawn.map(\.staffNo)) == Set(expected))
        #expect(drawn.map(\.ticket) == drawn.map(\.ticket).sorted())
        #expect(drawn.allSatisfy { $0.ticket == sampler.ticket(for: $0.id) && $0.id == "\(Self.unit.rawValue)/\($0.staffNo)" })
        // The same inputs, the same list; the reviewers' set is another, independent one.
        #expect(InterviewDraw.draw(staff: staff.reversed(), unit: Self.unit, drawSeed: Self.seed, set: .committee) == drawn)
        let recheck = InterviewDraw.draw(staff: staff, unit: Self.unit, drawSeed: Self.seed, set: .recheck)
        #expect(recheck.count == 7 && recheck != drawn)
        #expect(recheck.allSatisfy { $0.ticket == ConsistentSampler(seed: Self.seed + "recheck").ticket(for: $0.id) })
    }

    @Test("a small unit: everyone when P < 3; a unit without leaders or middle cadres draws from those it has")
    func small() {
        #expect(
            InterviewDraw.draw(staff: Self.roster(leaders: 1, middle: 0, general: 1), unit: Self.unit, drawSeed: Self.seed, set: .committee)
                .count == 2
        )
        let noLeaders = InterviewDraw.draw(
            staff: Self.roster(leaders: 0, middle: 0, general: 12),
            unit: Self.unit,
            drawSeed: Self.seed,
            set: .committee
        )
        #expect(noLeaders.count == 3 && noLeaders.allSatisfy { $0.group == .general })
    }
}

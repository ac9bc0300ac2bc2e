public import KaoheRules
import Postgres

/// 个别谈话名单 of one unit (`InterviewDraw`): who the assessing committee and, for a sampled unit,
/// the reviewers interview, from the unit's latest roster and the cycle's current draw.
public struct InterviewList: Sendable, Codable {
    /// One interviewee, with the roster's name and level.
    public struct Person: Sendable, Codable {
        public var staffNo: String
        public var name: String
        public var level: String
        public var group: InterviewDraw.Group
        public var id: String
        public var ticket: SamplingTicket
    }

    public var unit: UnitCode
    /// The draw whose seed the tickets come from, and the seed.
    public var drawNo: Int
    public var seed: String
    /// The roster version read and its participants P.
    public var rosterVersion: Int
    public var participants: Int
    /// n = min(7, max(3, ⌈P/10⌉)), or P below 3.
    public var size: Int
    /// The committee's set (seed `S`); nil when the caller may not see it.
    public var committee: [Person]?
    /// The reviewers' set (seed `S + "recheck"`), for a unit the draw selected; nil otherwise or
    /// when the caller may not see it.
    public var recheck: [Person]?
    /// How to recompute it.
    public var method: String
}

extension SpotCheckStore {
    /// The unit's interview list (both sets; the caller leaves out what the account may not see),
    /// or nil before the draw (no seed yet) or before the unit filed a roster.
    public func interviews(cycle ref: CycleRef, unit: UnitCode) async throws -> InterviewList? {
        guard let draw = try await current(cycle: ref), let selection = draw.selection else { return nil }
        try Task.checkCancellation()
        return try await client.withConnection { connection in
            guard
                let version = try await connection.query(
                    """
                    SELECT max(version) AS version FROM filings
                    WHERE county = \(ref.county) AND cycle = \(ref.cycle) AND unit_code = \(unit) AND kind = 'roster'
                    """
                ).first?.decode(Int?.self, column: "version")
            else { return nil }
            let lines = try await FilingStore.rosterLines(on: connection, cycle: ref, unit: unit, version: version)
            let byNumber = Dictionary(lines.map { ($0.staff.staffNo, $0) }, uniquingKeysWith: { first, _ in first })
            func people(_ set: InterviewDraw.Set) -> [InterviewList.Person] {
                InterviewDraw.draw(staff: lines.map(\.staff), unit: unit, drawSeed: selection.seed, set: set).map { drawn in
                    let line = byNumber[drawn.staffNo]
                    return InterviewList.Person(
                        staffNo: drawn.staffNo,
                        name: line?.name ?? "",
                        level: line.map { $0.level.isEmpty ? $0.staff.level.chinese : $0.level } ?? "",
                        group: drawn.group,
                        id: drawn.id,
                        ticket: drawn.ticket
                    )
                }
            }
            let participants = lines.count { $0.staff.grade.isGraded }
            let sampled = selection.selected.contains { $0.code == unit }
            return InterviewList(
                unit: unit,
                drawNo: draw.drawNo,
                seed: selection.seed,
                rosterVersion: version,
                participants: participants,
                size: InterviewDraw.size(participants: participants),
                committee: people(.committee),
                recheck: sampled ? people(.recheck) : nil,
                method:
                    "consistent_sampler:每人编号为“单位代码/工号”,专考委名单种子为本次抽查种子,核验名单种子为该种子后加“recheck”;先从领导班子成员、中层干部、一般工作人员中各取抽样号最小者,再按抽样号从小到大补足 \(InterviewDraw.size(participants: participants)) 人"
            )
        }
    }
}

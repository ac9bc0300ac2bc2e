public import Foundation
public import KaoheRules
public import Postgres

/// A staff member across the county's annual cycles (SPEC "Staff across cycles"): known by unit and
/// 工号 — rosters carry no ID number, and none is stored — followed across units through the office's
/// transfer records (Schema/0024), with the flags their results raise (`StaffConsequence`).
public struct StaffHistoryStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// One annual cycle's result of a person.
    public struct Year: Sendable, Codable {
        public var cycle: CycleID
        public var unit: UnitCode
        public var staffNo: String
        public var name: String
        public var grade: StaffGrade
        public var post: PostCategory?
        public var probation: Bool
        /// The roster version read (the latest: amendments included).
        public var rosterVersion: Int
        /// Whether the cycle's results are final.
        public var final: Bool
        /// The flags of this year against the one before on record.
        public var flags: [StaffConsequence]
    }

    /// A recorded transfer.
    public struct Transfer: Sendable, Codable {
        public var id: Int64
        public var fromUnit: UnitCode
        public var fromStaffNo: String
        public var toUnit: UnitCode
        public var toStaffNo: String
        public var cycle: CycleID
        public var reason: String
        public var recordedBy: String
        public var recordedAt: Date
    }

    // MARK: Transfers

    /// 调动: from cycle `cycle` on, the person who was `fromStaffNo` of `fromUnit` is `toStaffNo` of
    /// `toUnit` (both units of the county). Refused: an annual cycle id (`staff.transfer-cycle`), the
    /// same identity (`staff.transfer-same`), a unit not in the register (404 `registry.unit`), a
    /// second transfer into the same identity for the cycle (409 `staff.transfer-exists`). Audited
    /// `staff.transfer`.
    public func recordTransfer(
        county: CountyCode,
        from: (unit: UnitCode, staffNo: String),
        to: (unit: UnitCode, staffNo: String),
        cycle: CycleID,
        reason: String,
        principal: Principal
    ) async throws -> Transfer {
        let fromNo = from.staffNo.trimmingBlanks()
        let toNo = to.staffNo.trimmingBlanks()
        let reason = reason.trimmingBlanksAndNewlines()
        guard cycle.rawValue.count == 4, cycle.rawValue.allSatisfy(\.isNumber) else {
            throw CycleError(.invalid, "调动从某一年度考核周期起生效,如2027 / an annual cycle id", field: "/cycle", rule: "staff.transfer-cycle")
        }
        guard (1...64).contains(fromNo.count), (1...64).contains(toNo.count) else {
            throw CycleError(.invalid, "工号应为1–64字符 / staff numbers of 1–64 characters", field: "/toStaffNo", rule: "staff.transfer-fields")
        }
        guard (from.unit, fromNo) != (to.unit, toNo) else {
            throw CycleError(.invalid, "调出与调入是同一人同一工号 / the same identity", field: "/toStaffNo", rule: "staff.transfer-same")
        }
        guard reason.count <= 2_000 else {
            throw CycleError(.invalid, "说明最多2000字 / at most 2,000 characters", field: "/reason", rule: "staff.transfer-fields")
        }
        do {
            return try await client.withTransaction { connection in
                for unit in [from.unit, to.unit] {
                    guard try await connection.query("SELECT 1 AS one FROM units WHERE county = \(county) AND code = \(unit)").first != nil
                    else {
                        throw CycleError(.notFound, "单位\(unit)不在本县单位名册中 / unit not in the register", rule: "registry.unit")
                    }
                }
                let exists = try await connection.query(
                    """
                    SELECT 1 AS one FROM staff_transfers
                    WHERE county = \(county) AND to_unit = \(to.unit) AND to_staff_no = \(toNo) AND effective_cycle = \(cycle)
                    """
                ).first
                guard exists == nil else {
                    throw CycleError(
                        .conflict,
                        "\(to.unit)的工号\(toNo)在\(cycle)年度已记录过调入 / a transfer into this identity for the cycle exists",
                        rule: "staff.transfer-exists"
                    )
                }
                let row = try await connection.query(
                    """
                    INSERT INTO staff_transfers (county, from_unit, from_staff_no, to_unit, to_staff_no, effective_cycle, reason, recorded_by)
                    VALUES (\(county), \(from.unit), \(fromNo), \(to.unit), \(toNo), \(cycle), \(reason), \(principal.account))
                    RETURNING id, recorded_at
                    """
                ).one()
                let id = try row.decode(Int64.self, column: "id")
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: principal.actor,
                    action: .staffTransfer,
                    object: "staff-transfers/\(id)",
                    details: [
                        "fromUnit": from.unit.rawValue, "fromStaffNo": fromNo, "toUnit": to.unit.rawValue, "toStaffNo": toNo,
                        "cycle": cycle.rawValue, "reason": reason,
                    ]
                )
                return Transfer(
                    id: id,
                    fromUnit: from.unit,
                    fromStaffNo: fromNo,
                    toUnit: to.unit,
                    toStaffNo: toNo,
                    cycle: cycle,
                    reason: reason,
                    recordedBy: principal.account,
                    recordedAt: try row.decode(Date.self, column: "recorded_at")
                )
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "transfer of staff \(fromNo)")
        }
    }

    // MARK: History

    /// The person who is `staffNo` of `unit` (in the latest cycle they appear in): every annual
    /// cycle's result on record, oldest first, following the transfers into each identity back, with
    /// each year's flags.
    public func history(county: CountyCode, unit: UnitCode, staffNo: String) async throws -> [Year] {
        try await client.withConnection { connection in
            // The identities, newest first: (unit, staff number, first cycle under it or nil).
            var identities: [(unit: UnitCode, staffNo: String, from: CycleID?)] = []
            var current: (unit: UnitCode, staffNo: String) = (unit, staffNo)
            var before: CycleID? = nil
            for _ in 0..<20 {
                let transfer = try await connection.query(
                    """
                    SELECT from_unit, from_staff_no, effective_cycle FROM staff_transfers
                    WHERE county = \(county) AND to_unit = \(current.unit) AND to_staff_no = \(current.staffNo)
                      AND (\(before?.rawValue)::text IS NULL OR effective_cycle < \(before?.rawValue))
                    ORDER BY effective_cycle DESC LIMIT 1
                    """
                ).first
                let from = try transfer.map { try $0.decode(CycleID.self, column: "effective_cycle") }
                identities.append((current.unit, current.staffNo, from))
                guard let transfer, let from else { break }
                current = (
                    try transfer.decode(UnitCode.self, column: "from_unit"), try transfer.decode(String.self, column: "from_staff_no")
                )
                before = from
            }
            var years: [Year] = []
            var until: CycleID? = nil
            for identity in identities {
                let rows = try await connection.query(
                    """
                    SELECT r.cycle, r.name, r.grade, r.post_category, r.probation, r.version, coalesce(g.state = 'final', false) AS final
                    FROM roster_rows r
                    JOIN cycles c ON c.county = r.county AND c.cycle = r.cycle AND c.kind = 'annual'
                    LEFT JOIN cycle_gradings g ON g.county = r.county AND g.cycle = r.cycle
                    WHERE r.county = \(county) AND r.unit_code = \(identity.unit) AND r.staff_no = \(identity.staffNo)
                      AND r.version = (SELECT max(f.version) FROM filings f WHERE f.county = r.county AND f.cycle = r.cycle
                                       AND f.unit_code = r.unit_code AND f.kind = 'roster')
                      AND (\(identity.from?.rawValue)::text IS NULL OR r.cycle >= \(identity.from?.rawValue))
                      AND (\(until?.rawValue)::text IS NULL OR r.cycle < \(until?.rawValue))
                    """
                )
                for row in rows {
                    years.append(
                        Year(
                            cycle: try row.decode(CycleID.self, column: "cycle"),
                            unit: identity.unit,
                            staffNo: identity.staffNo,
                            name: try row.decode(String.self, column: "name"),
                            grade: StaffGrade(rawValue: try row.decode(String.self, column: "grade")) ?? .undetermined,
                            post: PostCategory(term: try row.decode(String.self, column: "post_category")),
                            probation: try row.decode(Bool.self, column: "probation"),
                            rosterVersion: try row.decode(Int.self, column: "version"),
                            final: try row.decode(Bool.self, column: "final"),
                            flags: []
                        )
                    )
                }
                until = identity.from
                if until == nil { break }
            }
            years.sort { $0.cycle.rawValue < $1.cycle.rawValue }
            for index in years.indices {
                // The year before, when it is the annual cycle just before (consecutive years only).
                let previous =
                    index > 0 && Int(years[index - 1].cycle.rawValue) == Int(years[index].cycle.rawValue).map { $0 - 1 }
                    ? years[index - 1] : nil
                years[index].flags = StaffConsequence.flags(year: Self.year(years[index]), previous: previous.map(Self.year))
            }
            return years
        }
    }

    static func year(_ year: Year) -> StaffConsequence.Year {
        StaffConsequence.Year(cycle: year.cycle.rawValue, grade: year.grade, post: year.post, probation: year.probation)
    }

    /// The flags of every line of `unit`'s latest roster in the annual cycle `cycle`, by staff
    /// number (lines without a flag left out), each against the person's result in the cycle the
    /// year before — under the same unit and number, or the ones a transfer effective this cycle
    /// names.
    public func flags(cycle ref: CycleRef, unit: UnitCode) async throws -> [String: [StaffConsequence]] {
        guard let year = Int(ref.cycle.rawValue), ref.cycle.rawValue.count == 4 else { return [:] }
        let previousCycle = String(year - 1)
        let rows = try await client.query(
            """
            WITH now_lines AS (
                SELECT r.staff_no, r.grade, r.post_category, r.probation,
                       coalesce(t.from_unit, r.unit_code) AS prev_unit, coalesce(t.from_staff_no, r.staff_no) AS prev_no
                FROM roster_rows r
                LEFT JOIN staff_transfers t ON t.county = r.county AND t.to_unit = r.unit_code AND t.to_staff_no = r.staff_no
                     AND t.effective_cycle = r.cycle
                WHERE r.county = \(ref.county) AND r.cycle = \(ref.cycle) AND r.unit_code = \(unit)
                  AND r.version = (SELECT max(version) FROM filings WHERE county = \(ref.county) AND cycle = \(ref.cycle)
                                   AND unit_code = \(unit) AND kind = 'roster')
            )
            SELECT n.staff_no, n.grade, n.post_category, n.probation, p.grade AS prev_grade, p.post_category AS prev_post,
                   p.probation AS prev_probation
            FROM now_lines n
            LEFT JOIN roster_rows p ON p.county = \(ref.county) AND p.cycle = \(previousCycle) AND p.unit_code = n.prev_unit
                 AND p.staff_no = n.prev_no
                 AND p.version = (SELECT max(version) FROM filings f WHERE f.county = \(ref.county) AND f.cycle = \(previousCycle)
                                  AND f.unit_code = n.prev_unit AND f.kind = 'roster')
            """
        )
        var flags: [String: [StaffConsequence]] = [:]
        for row in rows {
            let now = StaffConsequence.Year(
                cycle: ref.cycle.rawValue,
                grade: StaffGrade(rawValue: try row.decode(String.self, column: "grade")) ?? .undetermined,
                post: PostCategory(term: try row.decode(String.self, column: "post_category")),
                probation: try row.decode(Bool.self, column: "probation")
            )
            let previous = try row.decode(String?.self, column: "prev_grade").map { grade in
                StaffConsequence.Year(
                    cycle: previousCycle,
                    grade: StaffGrade(rawValue: grade) ?? .undetermined,
                    post: PostCategory(term: try row.decode(String?.self, column: "prev_post") ?? ""),
                    probation: try row.decode(Bool?.self, column: "prev_probation") ?? false
                )
            }
            let found = StaffConsequence.flags(year: now, previous: previous)
            if !found.isEmpty { flags[try row.decode(String.self, column: "staff_no")] = found }
        }
        return flags
    }
}

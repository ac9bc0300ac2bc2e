public import Foundation
public import KaoheRules
import Postgres

extension MonitorStore {
    /// 考核得分: each enrolled unit's total as scored in its committee's latest assessment filing
    /// (the unit table's score column), by unit code. Units not yet assessed are absent.
    public func assessedTotals(cycle ref: CycleRef) async throws -> [UnitCode: Decimal] {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (f.unit_code) f.unit_code::text AS unit_code, (f.content->'assessed'->>'total') AS total
            FROM filings f
            WHERE f.county = \(county) AND f.cycle = \(cycle) AND f.kind = 'assessment'
            ORDER BY f.unit_code, f.version DESC
            """
        )
        var totals: [UnitCode: Decimal] = [:]
        for row in rows {
            if let text = try row.decode(String?.self, column: "total"), let total = Decimal(string: text) {
                totals[try row.decode(UnitCode.self, column: "unit_code")] = total
            }
        }
        return totals
    }
}

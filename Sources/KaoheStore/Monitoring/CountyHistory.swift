import Foundation
public import KaoheRules
public import Postgres
public import Spreadsheets

/// 历年考核情况: one line per cycle of a county, for the office's history across cycles (SPEC.md
/// "Monitoring"), `kaohe cycle list` and the "already done" messages of the command line.
public struct CycleHistoryEntry: Sendable, Codable, Hashable {
    /// `2026` or `2026-Q1`.
    public var cycle: CycleID
    /// `annual` or `quarterly`.
    public var kind: String
    /// The cycle's title (2026年度事业单位绩效考核).
    public var title: String
    /// Where the cycle stands: `filing` (no proposal yet), `proposed`, `confirmed`, `publicity`
    /// (confirmed and the window opened), `final`.
    public var state: String
    /// Enrolled units.
    public var units: Int
    /// Graded units.
    public var graded: Int
    /// Grade → number of units (`excellent`, `good`, `qualified`, `poor`; absent grades are 0).
    public var distribution: [String: Int]
    /// Units selected by the current spot-check draw (0 before the draw).
    public var drawSize: Int
    /// Draws recorded (a redraw makes 2).
    public var draws: Int
    /// Units whose re-check replaced the committee's assessment (核验结果计分).
    public var overrides: Int
    /// Objections filed, and of those upheld.
    public var objections: Int
    /// Objections upheld on review.
    public var objectionsUpheld: Int
    /// Staff appeals recorded.
    public var appeals: Int
    /// When the first proposal was made (Asia/Shanghai, ISO 8601), by whom.
    public var proposedAt: String?
    /// Who asked for the proposal.
    public var proposedBy: String?
    /// When the grades were confirmed, by whom.
    public var confirmedAt: String?
    /// Who confirmed.
    public var confirmedBy: String?
    /// The publicity window: opening day, when it was opened and by whom, when it closes.
    public var publicityOpensOn: String?
    /// When the office opened publicity.
    public var publicityOpenedAt: String?
    /// Who opened it.
    public var publicityOpenedBy: String?
    /// When publicity closes.
    public var publicityClosesAt: String?
    /// When the results became final, and by whom (nil: the scheduled run).
    public var finalisedAt: String?
    /// Who finalised by hand (nil when the scheduled `publicity.close` run did).
    public var finalisedBy: String?
}

/// The county's history: every cycle, newest first.
public struct CountyHistory: Sendable, Codable {
    /// The county code.
    public var county: CountyCode
    /// Its name.
    public var name: String
    /// Every cycle, newest first.
    public var cycles: [CycleHistoryEntry]
}

/// Reads a county's cycles with their figures in one statement.
public struct CountyHistoryStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The county's history, or nil when the county does not exist.
    public func history(county: CountyCode) async throws -> CountyHistory? {
        guard
            let name = try await client.query("SELECT name FROM counties WHERE county = \(county)").first?.decode(
                String.self,
                column: "name"
            )
        else {
            return nil
        }
        let rows = try await client.query(
            """
            SELECT c.cycle, c.kind, c.title, g.state, p.opens_on::text AS opens_on, p.opened_at, p.opened_by, p.closes_at,
                   g.proposed_at, g.proposed_by, g.confirmed_at, g.confirmed_by, g.finalised_at, g.finalised_by,
                   (SELECT count(*) FROM cycle_units cu WHERE cu.county = c.county AND cu.cycle = c.cycle) AS units,
                   ug.graded, ug.excellent, ug.good, ug.qualified, ug.poor, ug.overrides,
                   (SELECT count(*) FROM spot_check_selections s JOIN spot_check_draws d
                        ON d.county = s.county AND d.cycle = s.cycle AND d.draw_no = s.draw_no AND d.superseded_at IS NULL
                     WHERE s.county = c.county AND s.cycle = c.cycle) AS draw_size,
                   (SELECT count(*) FROM spot_check_draws d WHERE d.county = c.county AND d.cycle = c.cycle AND d.drawn_at IS NOT NULL) AS draws,
                   o.objections, o.upheld,
                   (SELECT count(*) FROM staff_appeals a WHERE a.county = c.county AND a.cycle = c.cycle) AS appeals
            FROM cycles c
            LEFT JOIN cycle_gradings g ON g.county = c.county AND g.cycle = c.cycle
            LEFT JOIN publicity_windows p ON p.county = c.county AND p.cycle = c.cycle
            -- Each cycle's grades and objections are read once, every figure a filter of that one scan.
            CROSS JOIN LATERAL (
                SELECT count(*) AS graded,
                       count(*) FILTER (WHERE grade = 'excellent') AS excellent, count(*) FILTER (WHERE grade = 'good') AS good,
                       count(*) FILTER (WHERE grade = 'qualified') AS qualified, count(*) FILTER (WHERE grade = 'poor') AS poor,
                       count(*) FILTER (WHERE source = 'recheck') AS overrides
                FROM unit_grades WHERE county = c.county AND cycle = c.cycle
            ) ug
            CROSS JOIN LATERAL (
                SELECT count(*) AS objections, count(*) FILTER (WHERE outcome = 'upheld') AS upheld
                FROM objections WHERE county = c.county AND cycle = c.cycle
            ) o
            WHERE c.county = \(county)
            ORDER BY c.cycle DESC
            """
        )
        let cycles = try rows.map { row -> CycleHistoryEntry in
            func time(_ column: String) throws -> String? { try row.decode(Date?.self, column: column).map(ShanghaiTime.format) }
            func count(_ column: String) throws -> Int { try row.decode(Int.self, column: column) }
            let grading = try row.decode(String?.self, column: "state")
            let opensOn = try row.decode(String?.self, column: "opens_on")
            let state = grading == nil ? "filing" : (grading == "confirmed" && opensOn != nil ? "publicity" : grading!)
            return CycleHistoryEntry(
                cycle: try row.decode(CycleID.self, column: "cycle"),
                kind: try row.decode(String.self, column: "kind"),
                title: try row.decode(String.self, column: "title"),
                state: state,
                units: try count("units"),
                graded: try count("graded"),
                distribution: [
                    "excellent": try count("excellent"), "good": try count("good"), "qualified": try count("qualified"),
                    "poor": try count("poor"),
                ],
                drawSize: try count("draw_size"),
                draws: try count("draws"),
                overrides: try count("overrides"),
                objections: try count("objections"),
                objectionsUpheld: try count("upheld"),
                appeals: try count("appeals"),
                proposedAt: try time("proposed_at"),
                proposedBy: try row.decode(String?.self, column: "proposed_by"),
                confirmedAt: try time("confirmed_at"),
                confirmedBy: try row.decode(String?.self, column: "confirmed_by"),
                publicityOpensOn: opensOn,
                publicityOpenedAt: try time("opened_at"),
                publicityOpenedBy: try row.decode(String?.self, column: "opened_by"),
                publicityClosesAt: try time("closes_at"),
                finalisedAt: try time("finalised_at"),
                finalisedBy: try row.decode(String?.self, column: "finalised_by")
            )
        }
        return CountyHistory(county: county, name: name, cycles: cycles)
    }

    /// The history as a sheet (one row per cycle), print-ready as the county's summary, and its
    /// file name without extension, `示例县-历年考核`. Times are Asia/Shanghai wall-clock times.
    public static func sheet(_ history: CountyHistory) -> (sheet: Sheet, fileName: String) {
        var sheet = Sheet(
            name: "历年考核",
            columns: [
                .identifier("考核周期 cycle"), "名称 title", "状态 state", .number("参加单位 units"), .number("已定等次 graded"),
                .number("优秀 excellent"), .number("良好 good"), .number("合格 qualified"), .number("较差 poor"),
                .number("抽查单位 draw size"), .number("抽查次数 draws"), .number("按核验计分 overrides"), .number("异议 objections"),
                .number("异议成立 upheld"), .number("复核申请 appeals"),
                .dateTime("确认时间 confirmed at"), .date("公示开始 publicity opens"), .dateTime("公示截止 publicity closes"),
                .dateTime("最终确定 finalised at"),
            ],
            printLayout: PrintLayout(title: "\(history.name)事业单位历年考核汇总")
        )
        for entry in history.cycles {
            sheet.append([
                entry.cycle.rawValue, entry.title, entry.state, String(entry.units), String(entry.graded),
                String(entry.distribution["excellent"] ?? 0), String(entry.distribution["good"] ?? 0),
                String(entry.distribution["qualified"] ?? 0), String(entry.distribution["poor"] ?? 0),
                String(entry.drawSize), String(entry.draws), String(entry.overrides), String(entry.objections),
                String(entry.objectionsUpheld),
                String(entry.appeals), entry.confirmedAt.map(ShanghaiTime.spreadsheetText), entry.publicityOpensOn,
                entry.publicityClosesAt.map(ShanghaiTime.spreadsheetText), entry.finalisedAt.map(ShanghaiTime.spreadsheetText),
            ])
        }
        return (sheet, "\(history.name)-历年考核")
    }
}

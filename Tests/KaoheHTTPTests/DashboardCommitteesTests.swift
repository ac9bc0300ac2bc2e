import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 专考委对比 page: deviation and override rates per committee, as a chart and a table; a
/// committee sees only its own row, units and reviewers none.
@Suite("Dashboard: committees compared")
struct DashboardCommitteesTests {
    typealias D = DashboardPagesFixture
    static let path = D.base + "/committees"

    @Test("rates per committee for the office, own row for a committee, nothing for a unit")
    func committeesPage() async throws {
        let d = try await D.make(propose: false)
        try await d.f.app().test(.router) { http in
            // 教育: A re-checked, 89.00 → 84.00 (deviated, overridden); 卫健: C re-checked, 87.00 → 87.00 (neither).
            var page = D.text(try await d.get(http, Self.path, as: "office"))
            #expect(page.contains("<svg"))
            #expect(page.contains("教育专业考核委员会:偏差率 100%(1/1)、改判率 100%(1/1)"))
            #expect(page.contains("卫健专业考核委员会:偏差率 0%(0/1)、改判率 0%(0/1)"))

            page = D.text(try await d.get(http, Self.path, as: "auditor"))
            #expect(page.contains("教育专业考核委员会:偏差率 100%") && page.contains("卫健专业考核委员会:偏差率 0%"))

            let reviewer = D.text(try await d.get(http, Self.path, as: "rev1"))
            #expect(!reviewer.contains("卫健专业考核委员会:") && !reviewer.contains("教育专业考核委员会:"))

            page = D.text(try await d.get(http, Self.path, as: "edu"))
            #expect(page.contains("教育专业考核委员会") && !page.contains("卫健专业考核委员会"))

            let unit = try await d.get(http, Self.path, as: "unit-a")
            #expect(unit.status == .ok)
            #expect(!D.text(unit).contains("教育专业考核委员会:"))
            #expect(D.text(unit).contains("没有可对比"))

            let csv = try await d.get(http, Self.path + ".csv", as: "office")
            D.expectExcelCSV(csv)
            #expect(D.text(csv).contains(#"教育专业考核委员会,2,1,1,1,"=""100%""",1,"=""100%""",5.00,5.00"#))
        }
    }
}

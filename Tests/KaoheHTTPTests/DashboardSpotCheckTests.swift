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

/// 随机抽查 page: draw record (hash, seed, algorithm), selection with tickets and reviewers,
/// deviations and overrides, how to verify, the record download (office, auditor); each role sees
/// only its units.
@Suite("Dashboard: spot-check page")
struct DashboardSpotCheckTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture
    static let path = D.base + "/spot-check"

    @Test("spot-check page per role, verification instructions, record and CSV downloads")
    func spotCheckPage() async throws {
        let d = try await D.make(propose: false)
        try await d.f.app().test(.router) { http in
            let office = try await d.get(http, Self.path, as: "office")
            #expect(office.status == .ok)
            var page = D.text(office)
            #expect(page.contains("01382438112797316654"))  // the seed
            #expect(page.contains(String(repeating: "0", count: 64)))  // the population hash
            #expect(page.contains("consistent_sampler"))
            #expect(page.contains("kaohe verify-draw"))
            #expect(page.contains("recompute_draw.py"))
            #expect(page.contains("/spot-check/record.json"))
            #expect(page.contains("县第一中学") && page.contains("县医院"))
            #expect(page.contains("核验员甲(rev1,0.5)"))
            #expect(page.contains("按核验结果计分"))
            #expect(page.contains("历次抽查"))

            page = D.text(try await d.get(http, Self.path, as: "auditor"))
            #expect(page.contains("县第一中学") && page.contains("县医院") && page.contains("/spot-check/record.json"))

            page = D.text(try await d.get(http, Self.path, as: "edu"))
            #expect(page.contains("县第一中学"))
            #expect(!page.contains("县医院") && !page.contains(F.unitC))
            #expect(!page.contains("/spot-check/record.json"))
            #expect(page.contains("01382438112797316654"))  // the draw itself is public

            page = D.text(try await d.get(http, Self.path, as: "rev1"))
            #expect(page.contains("县医院") && !page.contains("县第一中学"))

            page = D.text(try await d.get(http, Self.path, as: "unit-b"))
            #expect(!page.contains("县第一中学") && !page.contains("县医院"))
            #expect(page.contains("您可查看的单位均未被抽中"))

            let record = try await d.get(http, Self.path + "/record.json", as: "auditor")
            #expect(record.status == .ok)
            #expect(D.text(record).contains("kaohe.spot-check-draw/1"))
            #expect(try await d.get(http, Self.path + "/record.json", as: "edu").status == .forbidden)

            let csv = try await d.get(http, Self.path + ".csv?table=selection", as: "health")
            D.expectExcelCSV(csv)
            #expect(D.text(csv).contains(F.unitC) && !D.text(csv).contains(F.unitA))
            D.expectExcelCSV(try await d.get(http, Self.path + ".csv?table=deviations", as: "office"))
        }
    }
}

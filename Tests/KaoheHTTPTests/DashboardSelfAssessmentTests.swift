import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 自评报告 on the unit page: the unit's clerk writes the report and attaches PDFs in the browser,
/// through the same store function as the API; a refusal keeps what was typed and stores nothing;
/// every reader of the unit downloads the attachments; the page says when the step closes.
@Suite("Dashboard: self-assessment form")
struct DashboardSelfAssessmentTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static let page = D.base + "/units/" + F.unitA
    static let action = page + "/self-assessment"

    func versions(_ d: D) async throws -> Int {
        try await d.f.client.query(
            "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'self_assessment'"
        ).one().decode(Int.self, column: "n")
    }

    @Test("the clerk files the report with PDFs in one version, sees it, and every reader downloads the attachments")
    func files() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["unit-a"]!.csrf
            let own = D.text(try await d.get(http, Self.page, as: "unit-a"))
            #expect(own.contains("<h2>自评报告</h2>") && own.contains(#"name="report""#) && own.contains(#"name="attachments""#))
            #expect(own.contains("报送截止:") && own.contains("还剩"))
            // Others read the section, without the form.
            let office = D.text(try await d.get(http, Self.page, as: "office"))
            #expect(office.contains("<h2>自评报告</h2>") && !office.contains(#"name="report""#))
            let before = try await versions(d)

            let report = "一、年度目标完成情况\r\n全面完成。\r\n二、存在问题\r\n无。"
            let plan = Array("%PDF-1.4 年度工作计划".utf8)
            let summary = Array("%PDF-1.7 工作总结".utf8)
            let response = try await d.upload(
                http,
                Self.action,
                as: "unit-a",
                csrf: csrf,
                fields: ["report": report],
                files: [("attachments", "工作计划.pdf", plan), ("attachments", "工作总结.pdf", summary)]
            )
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location == Self.page + "?filed=self-assessment&version=\(before + 1)#self-assessment")
            #expect(try await versions(d) == before + 1)  // one version for the report and both files

            // What the store holds: the report with LF line breaks, both attachments.
            let latest = try #require(
                try await FilingStore(client: d.f.client).latest(
                    cycle: CycleRef(county: F.county, cycle: "2026"),
                    unit: UnitCode(F.unitA),
                    step: .selfAssessment
                )
            )
            let content = try latest.decodeContent(SelfAssessmentContent.self)
            #expect(content.report == "一、年度目标完成情况\n全面完成。\n二、存在问题\n无。")
            #expect(content.attachments.map(\.name) == ["工作总结.pdf", "工作计划.pdf"])
            let audit = try await d.f.client.query(
                "SELECT details FROM audit_log WHERE county = \(F.county) AND action = 'filing.self_assessment' ORDER BY seq DESC LIMIT 1"
            ).one().decode(String.self, column: "details")
            #expect(audit.contains("工作计划.pdf") && audit.contains("\"attachments\": \"2\""))

            let filed = D.text(try await d.get(http, location, as: "unit-a"))
            #expect(filed.contains("已报送自评报告第 \(before + 1) 版。"))
            #expect(filed.contains("一、年度目标完成情况\n全面完成。"))  // back in the box, to edit
            let href = Self.action + "/attachments/" + "工作计划.pdf".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            #expect(filed.contains(#"<a href=""# + href + #"">工作计划.pdf</a>"#))

            // Every reader of the unit downloads it; another unit's account does not.
            for account in ["unit-a", "office", "edu"] {
                let download = try await d.get(http, href, as: account)
                #expect(download.status == .ok, "\(account)")
                #expect(Array(download.body.readableBytesView) == plan)
                #expect(download.headers[.contentType] == "application/pdf")
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename*=UTF-8''") == true)
            }
            #expect(try await d.get(http, href, as: "unit-b").status == .notFound)
            #expect(try await d.get(http, Self.action + "/attachments/none.pdf", as: "office").status == .notFound)

            // A second submission replaces an attachment of the same name and keeps the other.
            let plan2 = Array("%PDF-1.4 修订后的计划".utf8)
            let again = try await d.upload(
                http,
                Self.action,
                as: "unit-a",
                csrf: csrf,
                fields: ["report": "修订后的报告。"],
                files: [("attachments", "工作计划.pdf", plan2)]
            )
            #expect(again.status == .seeOther)
            #expect(Array(try await d.get(http, href, as: "office").body.readableBytesView) == plan2)
            let readers = D.text(try await d.get(http, Self.page, as: "office"))
            #expect(readers.contains("工作总结.pdf") && readers.contains("查看报告全文(7 字)") && readers.contains("修订后的报告。"))
        }
        await d.f.client.close()
    }

    @Test("refusals name the reason in Chinese beside the form, keep the text typed, and store nothing")
    func refusals() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["unit-a"]!.csrf
            let before = try await versions(d)
            func post(
                _ fields: [String: String],
                _ files: [(String, String, [UInt8])] = [],
                as account: String = "unit-a",
                csrf: String?
            )
                async throws -> TestResponse
            {
                try await d.upload(http, Self.action, as: account, csrf: csrf, fields: fields, files: files.map { ($0.0, $0.1, $0.2) })
            }

            // An empty report.
            var response = try await post(["report": "  \r\n "], csrf: csrf)
            #expect(response.status == .unprocessableContent)
            var page = D.text(response)
            #expect(page.contains(#"<p class="alert" role="alert" id="self-assessment-error">未能报送自评报告,未保存任何内容:自评报告不能为空"#))
            #expect(page.contains(##"<a href="#self-assessment">自评报告未能报送"##))
            #expect(!page.contains("self-assessment.report-required") && !page.contains("the report is empty"))

            // A file that is no PDF: the text typed is still in the box.
            response = try await post(["report": "保留这段文字"], [("attachments", "说明.pdf", Array("not a pdf".utf8))], csrf: csrf)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("附件“说明.pdf”不是 PDF 文件(应以 %PDF- 开头)"))
            #expect(page.contains("所选附件需重新选择"))
            #expect(page.contains(">保留这段文字</textarea>"))

            // A name that would show reversed (U+202E), and one that is no .pdf.
            response = try await post(["report": "x"], [("attachments", "报告\u{202E}fdp.exe", Array("%PDF-1.4".utf8))], csrf: csrf)
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("附件名应为1–120个字符"))
            response = try await post(["report": "x"], [("attachments", "报告.docx", Array("%PDF-1.4".utf8))], csrf: csrf)
            #expect(D.text(response).contains("附件名应以 .pdf 结尾"))
            #expect(try await versions(d) == before)

            // Without the CSRF token, as the office, as another unit: refused.
            let noToken = try await post(["report": "x"], csrf: nil)
            #expect(noToken.status == .forbidden)
            // The refusal page leads back to the page the form was on.
            #expect(D.text(noToken).contains(#"<a href=""# + Self.page + #"">返回上一页</a>"#))
            #expect(try await post(["report": "x"], as: "office", csrf: d.sessions["office"]!.csrf).status == .forbidden)
            #expect(try await post(["report": "x"], as: "unit-b", csrf: d.sessions["unit-b"]!.csrf).status == .notFound)
            #expect(try await versions(d) == before)

            // The step closed by the office: the page says so and has no form; a late POST is 409.
            let closed = try await d.f.call(http, .post, F.cycleBase + "/2026/steps/self-assessment/close", as: "office")
            #expect(closed.status == .ok, "\(String(buffer: closed.body))")
            page = D.text(try await d.get(http, Self.page, as: "unit-a"))
            #expect(page.contains("自评报送已于") && page.contains("截止,不再接受。") && !page.contains(#"name="report""#))
            response = try await post(["report": "迟到的报告"], csrf: csrf)
            #expect(response.status == .conflict)
            #expect(D.text(response).contains("未能报送自评报告,未保存任何内容:"))
            #expect(try await versions(d) == before)
        }
        await d.f.client.close()
    }

    @Test("a unit reads its cycle's dates over the API; the units listed are only those it may see")
    func cycleForUnits() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            for (account, expected) in [("unit-a", [F.unitA]), ("edu", [F.unitA, F.unitB].sorted()), ("office", nil)]
                as [(String, [String]?)]
            {
                let response = try await d.f.call(http, .get, F.cycleBase + "/2026", as: account)
                #expect(response.status == .ok, "\(account)")
                let body = try F.json(response)
                let steps = try #require(body["steps"] as? [[String: Any]])
                #expect(steps.contains { $0["step"] as? String == "self_assessment" && $0["deadline"] != nil })
                let units = try #require(body["units"] as? [String])
                if let expected { #expect(units.sorted() == expected, "\(account)") } else { #expect(units.count == 3) }
            }
        }
        await d.f.client.close()
    }

    @Test("a form sent twice (double click, reload, back button) files once and answers the same; another body under its token is refused")
    func once() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["unit-a"]!.csrf
            // Each rendering carries its own token.
            let page = D.text(try await d.get(http, Self.page, as: "unit-a"))
            let tokens = page.components(separatedBy: #"name="_once" value=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(tokens.count == 2 && Set(tokens).count == 2 && tokens.allSatisfy { $0.count >= 16 })
            let token = try #require(tokens.first)
            let before = try await versions(d)
            let fields = ["report": "只报送一次。", "_once": token]
            let pdf = [("attachments", "附件.pdf", Array("%PDF-1.4 一次".utf8))]
            let first = try await d.upload(http, Self.action, as: "unit-a", csrf: csrf, fields: fields, files: pdf)
            let second = try await d.upload(http, Self.action, as: "unit-a", csrf: csrf, fields: fields, files: pdf)
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(first.headers[.location] == second.headers[.location])
            #expect(try await versions(d) == before + 1)
            // The same token with another body: refused, nothing filed.
            let other = try await d.upload(
                http,
                Self.action,
                as: "unit-a",
                csrf: csrf,
                fields: ["report": "另一份", "_once": token],
                files: []
            )
            #expect(other.status == .conflict)
            #expect(D.text(other).contains("这份表单已经提交过"))
            #expect(try await versions(d) == before + 1)
            // A refusal sent again is the same refusal; a fresh token then files.
            let badFields = ["report": " ", "_once": FormOnceToken.make()]
            let refused = try await d.upload(http, Self.action, as: "unit-a", csrf: csrf, fields: badFields, files: [])
            let again = try await d.upload(http, Self.action, as: "unit-a", csrf: csrf, fields: badFields, files: [])
            #expect(refused.status == .unprocessableContent && again.status == .unprocessableContent)
            #expect(D.text(again).contains("自评报告不能为空"))
            #expect(try await versions(d) == before + 1)
            // The roster form too.
            let rosterToken = try #require(tokens.last)
            let csv = Array("工号,姓名,测评分,拟定等次\r\n0003,张三,88.5,合格\r\n".utf8)
            func rosters() async throws -> Int {
                try await d.f.client.query(
                    "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'roster'"
                ).one().decode(Int.self, column: "n")
            }
            let rostersBefore = try await rosters()
            for _ in 1...2 {
                let response = try await d.upload(
                    http,
                    D.base + "/units/" + F.unitA + "/roster",
                    as: "unit-a",
                    csrf: csrf,
                    fields: ["_once": rosterToken],
                    files: [("file", "名册.csv", csv)]
                )
                #expect(response.status == .seeOther)
            }
            #expect(try await rosters() == rostersBefore + 1)
        }
        await d.f.client.close()
    }
}

/// A token as a page would carry one.
enum FormOnceToken {
    static func make() -> String { (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined() }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheRules
import KaoheStore
import NIOCore
import Postgres
import Testing

@testable import KaoheHTTP

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, "every door holds": inputs that used to answer 500 or hang get the 4xx problem they
/// deserve, through the HTTP layer.
@Suite("Every door holds")
struct DoorTests {
    typealias F = FilingAPIFixture

    @Test("a history version outside what the column holds is 404, not 500, for every filing kind")
    func historyVersionsOutOf32Bits() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            #expect(try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: #"{"report": "自评"}"#).status == .ok)
            for kind in ["self-assessment", "assessment", "roster"] {
                for version in ["2147483648", "-2147483649", "9223372036854775807", "99999999999999999999", "0", "1.5"] {
                    let response = try await f.call(http, .get, F.unitPath("\(kind)/history/\(version)"), as: "office")
                    #expect(response.status == .notFound, "\(kind) \(version): \(String(buffer: response.body))")
                }
            }
            #expect(try await f.call(http, .get, F.unitPath("self-assessment/history/1"), as: "office").status == .ok)
            let event = try await f.call(
                http,
                .post,
                F.unitPath("grading-events/2147483648/withdraw"),
                as: "office",
                json: #"{"reason": "x"}"#
            )
            #expect(event.status == .notFound)
        }
        await f.client.close()
    }

    @Test("a login form over 64 KiB is 413, not 500")
    func oversizedLoginForm() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            let body = "account=" + String(repeating: "a", count: 70 * 1024) + "&password=x"
            let response = try await http.executeRequest(
                uri: "/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .contentTooLarge)
        }
        await f.client.close()
    }

    @Test("a signed-in dashboard form over 64 KiB is 413, not 500, and changes nothing")
    func oversizedSessionForm() async throws {
        let f = try await F.make()
        var policy = WebSessionPolicy()
        policy.bcryptCost = 4
        let sessions = WebSessionStore(client: f.client, policy: policy)
        try await sessions.setPassword(county: F.county, account: "office", password: "door-pass-1")
        let login = try #require(try await sessions.login(county: F.county, account: "office", password: "door-pass-1"))
        try await f.app().test(.router) { http in
            let body = "_csrf=\(login.session.csrfToken)&filler=" + String(repeating: "a", count: 70 * 1024)
            let response = try await http.executeRequest(
                uri: "/logout",
                method: .post,
                headers: [.cookie: "kaohe_session=" + login.secret, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .contentTooLarge, "\(String(buffer: response.body))")
        }
        // The refused logout did not run: the session still stands.
        #expect(try await sessions.session(secret: login.secret) != nil)
        await f.client.close()
    }

    @Test("a client that sends its whole oversized body before reading (Connection: close) reads the 413")
    func earlyRefusalIsReadable() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in try await f.openCycle(http) }
        try await f.app().test(.live) { http in
            let port = try #require(http.port)
            let size = FilingsController.maxRosterBody + 1024 * 1024
            let head =
                "PUT \(F.unitPath("roster")) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(f.tokens["unit-a"]!)\r\n"
                + "Content-Type: text/csv\r\nContent-Length: \(size)\r\nConnection: close\r\n\r\n"
            let answer = try await Self.sendAllThenRead(port: port, head: Array(head.utf8), bodySize: size)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
            #expect(answer.contains("body.max-size"))
        }
        await f.client.close()
    }

    @Test("bytes HTTP cannot parse get a problem+json 400 with a Chinese detail, not an empty one")
    func unparsableRequestIsAProblem() async throws {
        let f = try await F.make()
        try await f.app().test(.live) { http in
            let port = try #require(http.port)
            for head in [
                "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", "GARBAGE\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            ] {
                let answer = try await Self.sendAllThenRead(port: port, head: Array(head.utf8), bodySize: 0)
                #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(300))")
                #expect(answer.contains("application/problem+json") && answer.contains("http.malformed"), "\(answer)")
                #expect(answer.contains("请求不是有效的 HTTP/1.1 报文"))
            }
            // A well-formed request on a new connection is answered as ever.
            let fine = try await Self.sendAllThenRead(
                port: port,
                head: Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8),
                bodySize: 0
            )
            #expect(fine.hasPrefix("HTTP/1.1 200"), "\(fine.prefix(200))")
        }
        await f.client.close()
    }

    @Test("roster scores above 100 are refused as below 0 are, in JSON and in CSV, naming the cell")
    func rosterScoresOutOfRange() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            for score in ["101", "1000", "150", "-1", "100.01"] {
                let json = #"{"staff": [{"staffNo": "001", "score": \#(score), "grade": "合格"}]}"#
                let response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: json)
                #expect(response.status == .unprocessableContent, "\(score): \(String(buffer: response.body))")
                #expect(try F.problem(response).rule == "roster.score-range")
                #expect(try F.problem(response).field == "/staff/0/score")
            }
            let csv = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Array("工号,测评分,拟定等次\n001,150,合格\n".utf8),
                contentType: "text/csv"
            )
            #expect(csv.status == .unprocessableContent)
            #expect(try F.problem(csv).rule == "roster.score-range")
            let ok = #"{"staff": [{"staffNo": "001", "score": 100, "grade": "优秀"}, {"staffNo": "002", "score": 0, "grade": "不合格"}]}"#
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: ok).status == .ok)
            #expect(try await f.client.query("SELECT count(*)::int FROM filings WHERE kind = 'roster'").single(Int.self) == 1)
        }
        await f.client.close()
    }

    @Test("a cycle's year is 2020–2099; enrolment cannot change once the spot-check population is frozen")
    func cycleYearsAndFrozenEnrolment() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            for cycle in ["0000", "1999", "2019", "2100", "0000-Q1"] {
                let response = try await f.call(http, .put, "\(F.cycleBase)/\(cycle)", as: "office", json: "{}")
                #expect(response.status == .unprocessableContent, "\(cycle): \(String(buffer: response.body))")
                #expect(try F.problem(response).rule == "cycle.year", "\(cycle)")
            }
            try await f.openCycle(http)
            let freeze = try await f.call(http, .post, "\(F.cycleBase)/2026/spot-check/freeze", as: "office")
            #expect(freeze.status == .created, "\(String(buffer: freeze.body))")
            for units in [[F.unitA, F.unitB], [F.unitA]] {
                let json = #"{"units": [\#(units.map { "\"\($0)\"" }.joined(separator: ", "))]}"#
                let response = try await f.call(http, .put, "\(F.cycleBase)/2026/units", as: "office", json: json)
                #expect(response.status == .conflict, "\(String(buffer: response.body))")
                #expect(try F.problem(response).rule == "cycle.enrolment-frozen")
            }
            // The same list again changes nothing and is fine.
            let same = #"{"units": ["\#(F.unitA)", "\#(F.unitB)", "\#(F.unitC)"]}"#
            #expect(try await f.call(http, .put, "\(F.cycleBase)/2026/units", as: "office", json: same).status == .ok)
        }
        await f.client.close()
    }

    @Test("attachment names: no bidi or other format characters, and a PDF's name ends in .pdf")
    func attachmentNames() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)
            func put(_ name: String) async throws -> TestResponse {
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
                return try await f.call(
                    http,
                    .put,
                    F.unitPath("self-assessment/attachments/\(encoded)"),
                    as: "unit-a",
                    body: pdf,
                    contentType: "application/pdf"
                )
            }
            for (name, rule) in [
                ("报告\u{202E}fdp.exe", "attachment.name"), ("a\u{200F}b.pdf", "attachment.name"), ("report.doc", "attachment.pdf-name"),
                (".pdf", "attachment.pdf-name"),
            ] {
                let response = try await put(name)
                #expect(response.status == .unprocessableContent, "\(name.unicodeScalars.map(\.value))")
                #expect(try F.problem(response).rule == rule)
            }
            #expect(try await put("自评报告附件.PDF").status == .ok)
        }
        await f.client.close()
    }

    @Test("the spot-check export's ?draw= is one positive number or absent")
    func spotCheckExportDrawParameter() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            let export = "\(F.cycleBase)/2026/spot-check/export"
            for query in ["?draw=s&draw=", "?draw=0", "?draw=1&draw=2", "?draw=-1", "?draw=99999999999"] {
                let response = try await f.call(http, .get, export + query, as: "office")
                #expect(response.status == .unprocessableContent, "\(query)")
                #expect(try F.problem(response).rule == "spot-check.draw-number")
            }
            #expect(try await f.call(http, .get, export, as: "office").status == .notFound)
        }
        await f.client.close()
    }

    @Test(
        "every error is problem+json with a Chinese detail: wrong JSON shape, NUL, unknown route, wrong method, no token, wrong media type"
    )
    func messagesThatDoNotMislead() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // An array where an object belongs: the body is named, and it is an object that is wanted.
            var response = try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: "[1, 2]")
            var problem = try F.problem(response)
            #expect(response.status == .unprocessableContent)
            #expect(problem.field == "body" && problem.rule == "json.wrong-type")
            #expect(problem.detail.contains("对象") && !problem.detail.contains("数组"))
            // A number no Swift type holds is out of range, not "invalid JSON": named where the
            // decoder knows where (a score), else the body.
            response = try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "9.798931022308082e-305"))
            problem = try F.problem(response)
            #expect(response.status == .unprocessableContent && problem.field == "/scores/key_tasks", "\(problem)")
            response = try await f.call(http, .put, "\(F.cycleBase)/2031", as: "office", json: #"{"spotCheck": {"percent": 1e400}}"#)
            problem = try F.problem(response)
            #expect(response.status == .unprocessableContent && problem.rule == "json.number-range", "\(problem)")
            #expect(problem.detail.contains("超出范围"))
            // A reason of blanks and line breaks is no reason (the schema's pattern says so too).
            response = try await f.call(
                http,
                .post,
                F.unitPath("appeals"),
                as: "office",
                json: #"{"staffNo": " S01 ", "grade": "合格", "notifiedOn": "2026-01-05", "reason": " \r\n\u3000"}"#
            )
            problem = try F.problem(response)
            #expect(response.status == .unprocessableContent && problem.field == "/reason", "\(problem)")
            // NUL names where it is.
            response = try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: "{\n  \"report\": \"a\\u0000b\"}")
            problem = try F.problem(response)
            #expect(problem.rule == "json.nul" && problem.field == "line 2, column 15", "\(problem)")
            // No such route: a problem of ours, in Chinese; a known path with another method: 405 with Allow.
            response = try await f.call(http, .get, "/api/v1/no-such-thing", as: "office")
            problem = try F.problem(response)
            #expect(response.status == .notFound && problem.type == "/problems/not-found" && problem.title.contains("未找到"))
            for method in [HTTPRequest.Method.trace, .delete, .patch] {
                response = try await f.call(http, method, "/api/v1/whoami", as: "office")
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] == "GET")
                #expect(try F.problem(response).type == "/problems/method-not-allowed")
            }
            response = try await f.call(http, .delete, "\(F.cycleBase)/2026/units/\(F.unitA)/roster", as: "office")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, PUT")
            // No token: Chinese first.
            response = try await http.executeRequest(uri: "/api/v1/whoami", method: .get, headers: [:], body: nil)
            #expect(response.status == .unauthorized)
            #expect(try F.problem(response).detail.hasPrefix("请在请求头中提供有效的 API 令牌"))
            // The unit register's wrong media type is the same 415 as every route's.
            response = try await f.call(http, .put, "/api/v1/counties/\(F.county)/units", as: "office", json: "{}")
            #expect(response.status == .unsupportedMediaType)
            #expect(try F.problem(response).type == "/problems/media-type" && F.problem(response).rule == "body.media-type")
        }
        await f.client.close()
    }

    @Test("a roster filed before its committee's assessment gets its quota when the assessment arrives, on the quota and the monitor")
    func quotaFollowsALaterAssessment() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // 3 优秀 of 10.
            let staff = (1...10).map { n in
                #"{"staffNo": "\#(n)", "score": \#(n <= 3 ? 95 : 80), "grade": "\#(n <= 3 ? "优秀" : "合格")"}"#
            }
            let roster = #"{"staff": [\#(staff.joined(separator: ", "))]}"#
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: roster).status == .ok)
            var quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["status"] as? String == "unknown")
            // The committee's 80.00 makes the unit provisionally 良好: 20 % of 10 is 2, so one too many.
            let eighty = F.sheet(keyTasks: "9")
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: eighty).status == .ok)
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["status"] as? String == "provisional", "\(quota)")
            #expect(quota["unitGrade"] as? String == "good")
            #expect((quota["quota"] as? [String: Any])?["limit"] as? Int == 2)
            #expect(quota["mustGiveUp"] as? Int == 1)
            #expect((quota["violations"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "excellent-quota" })
            let monitor = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "office"))
            let unit = (monitor["units"] as? [[String: Any]] ?? []).first { $0["code"] as? String == F.unitA }
            #expect((unit?["quota"] as? [String: Any])?["limit"] as? Int == 2, "\(unit ?? [:])")
            #expect((unit?["quota"] as? [String: Any])?["status"] as? String == "provisional")
            // A better assessment (91.00: 优秀, 25 % of 10 is still 2) moves the grade again.
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "20")).status == .ok)
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["unitGrade"] as? String == "excellent")
            #expect((quota["quota"] as? [String: Any])?["limit"] as? Int == 2)
        }
        await f.client.close()
    }

    @Test("a re-check filed while a proposal stands re-runs it: the grades and the roster's quota follow at once")
    func recheckUnderAProposalRegrades() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            let staff = (1...10).map { n in
                #"{"staffNo": "\#(n)", "score": \#(n <= 3 ? 95 : 80), "grade": "\#(n <= 3 ? "优秀" : "合格")"}"#
            }
            #expect(
                try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: #"{"staff": [\#(staff.joined(separator: ", "))]}"#)
                    .status == .ok
            )
            // A 89.00, B 88.00, C 87.00: the 合格 floor takes the lowest, C; A is 良好.
            try await GradingAPITests.assess(f, http, [(F.unitA, "edu", "18"), (F.unitB, "edu", "17"), (F.unitC, "health", "16")])
            try await GradingAPITests.draw(f, units: [F.unitA])
            #expect(try await f.call(http, .post, GradingAPITests.grading + "/proposal", as: "office").status == .ok)
            var quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["unitGrade"] as? String == "good", "\(quota)")
            // The re-check's 84.00 replaces A's 89.00 (5 points): A is now the lowest, so 合格, without a new proposal.
            let response = try await f.call(
                http,
                .put,
                F.unitPath("recheck"),
                as: "office",
                json: GradingAPITests.recheck(F.sheet(keyTasks: "13"))
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let units = GradingAPITests.units(try F.json(try await f.call(http, .get, GradingAPITests.grading, as: "office")))
            #expect(units[F.unitA]?["source"] as? String == "recheck")
            #expect(units.mapValues { $0["grade"] as? String } == [F.unitA: "qualified", F.unitB: "good", F.unitC: "good"])
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["unitGrade"] as? String == "qualified", "\(quota)")
            let audit = try await f.client.query(
                "SELECT details->>'regraded' AS regraded FROM audit_log WHERE county = \(F.county) AND action = 'recheck.file'"
            ).one()
            #expect(try audit.decode(String?.self, column: "regraded") == "true")
            // The committee files B again at 81.00: B is now the lowest, so 合格, and A is 良好 again.
            let refiled = try await f.call(http, .put, F.unitPath("assessment", unit: F.unitB), as: "edu", json: F.sheet(keyTasks: "10"))
            #expect(refiled.status == .ok, "\(String(buffer: refiled.body))")
            let after = GradingAPITests.units(try F.json(try await f.call(http, .get, GradingAPITests.grading, as: "office")))
            #expect(after.mapValues { $0["grade"] as? String } == [F.unitA: "good", F.unitB: "qualified", F.unitC: "good"])
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["unitGrade"] as? String == "good", "\(quota)")
            let regrades = try await f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'grading.regrade' AND details->>'after' = \("assessment " + F.unitB)"
            ).one().decode(Int.self, column: "n")
            #expect(regrades == 1)
        }
        await f.client.close()
    }

    @Test("a 复核 that changes a staff member's grade counts at once against the unit's quota")
    func appealOutcomeMovesTheQuota() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // 2 优秀 of 10 and one 基本合格; the committee's 80.00 makes the unit 良好: a limit of 2, so none too many.
            let staff = (1...10).map { n in
                let (score, grade) = n <= 2 ? (95, "优秀") : n == 10 ? (65, "基本合格") : (80, "合格")
                return #"{"staffNo": "\#(n)", "score": \#(score), "grade": "\#(grade)"}"#
            }
            #expect(
                try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: #"{"staff": [\#(staff.joined(separator: ", "))]}"#)
                    .status == .ok
            )
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "9")).status == .ok)
            var quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["excellent"] as? Int == 2 && quota["mustGiveUp"] as? Int == 0, "\(quota)")
            // Staff member 10 appeals the 基本合格 told today, and the 复核 makes them 优秀: now 3 of a limit of 2.
            let today = String(ShanghaiTime.format(Date()).prefix(10))
            var response = try await f.call(
                http,
                .post,
                F.unitPath("appeals"),
                as: "unit-a",
                json: #"{"staffNo": "10", "grade": "basic", "notifiedOn": "\#(today)", "reason": "测评分统计有误"}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let id = try F.json(response)["id"] as? Int ?? 0
            response = try await f.call(
                http,
                .put,
                "\(F.cycleBase)/2026/appeals/\(id)",
                as: "office",
                json: #"{"outcome": "changed", "grade": "excellent", "note": "经复核改为优秀"}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["excellent"] as? Int == 3 && quota["mustGiveUp"] as? Int == 1, "\(quota)")
            #expect((quota["violations"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "excellent-quota" })
            // The grading, when it comes, counts the decided grade too.
            try await GradingAPITests.assess(f, http, [(F.unitB, "edu", "17"), (F.unitC, "health", "16")])
            response = try await f.call(http, .post, "\(F.cycleBase)/2026/grading/proposal", as: "office", json: "{}")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["excellent"] as? Int == 3, "\(quota)")
        }
        await f.client.close()
    }

    /// What Python's http.client does: write the head and the whole body (blocking, 30 s at most),
    /// then read the answer to its end.
    static func sendAllThenRead(port: Int, head: [UInt8], bodySize: Int) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(fd) }
                var timeout = timeval(tv_sec: 30, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else {
                    continuation.resume(throwing: TestFailure("connect failed: errno \(errno)"))
                    return
                }
                func sendAll(_ bytes: [UInt8]) -> Bool {
                    var offset = 0
                    while offset < bytes.count {
                        let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if sent <= 0 { return false }
                        offset += sent
                    }
                    return true
                }
                guard sendAll(head) else {
                    continuation.resume(throwing: TestFailure("sending the head failed: errno \(errno)"))
                    return
                }
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
                var left = bodySize
                while left > 0 {
                    guard sendAll(Array(chunk.prefix(left))) else {
                        continuation.resume(throwing: TestFailure("the server stopped reading with \(left) bytes unsent (errno \(errno))"))
                        return
                    }
                    left -= min(left, chunk.count)
                }
                var answer: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    answer += buffer[0..<count]
                }
                continuation.resume(returning: String(decoding: answer, as: UTF8.self))
            }
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

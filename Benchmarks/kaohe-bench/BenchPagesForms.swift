import ArgumentParser
import Foundation
import KaoheRules
import KaoheStore
import Postgres

/// The forms of `kaohe-bench pages`, in the order a cycle meets them: each POSTed as the browser
/// does (URL-encoded or multipart, the session cookie and CSRF field), timed from writing the
/// request to the last byte of the answer, and checked to answer as a filing that was done does (the
/// 303 back, or the page a form renders) — a refusal would answer 4xx and stop the benchmark.
///
/// Forms that can be sent again are timed `runs` times; the few a cycle passes only once (开始公示,
/// 公示结束定档) once each. Pairs that undo each other (冻结/抽取, 生成建议/确认, 预览/导入) alternate.
struct BenchPagesForms {
    let port: Int
    let client: PostgresClient
    let cycle: CycleRef
    let cookies: [String: (cookie: String, csrf: String)]
    let office: String
    let committee: String
    let codes: [UnitCode]
    let committeeUnits: [UnitCode]
    let staffPerUnit: Int
    let runs: Int

    var base: String { "/counties/\(cycle.county)/cycles/\(cycle.cycle)" }

    static func say(_ line: String) { BenchMonitorCommand.say(line) }

    /// One GET of `path` as `account`.
    func get(_ account: String, _ path: String) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(cookies[account]!.cookie)\r\n\r\n".utf8)
    }

    /// One URL-encoded POST of `fields` (already encoded) as `account`.
    func form(_ account: String, _ path: String, _ fields: String) -> [UInt8] {
        let body = fields + (fields.isEmpty ? "" : "&") + "_csrf=" + cookies[account]!.csrf
        return Array(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(cookies[account]!.cookie)\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                .utf8
        )
    }

    /// One multipart POST of a file as `account`, with the CSRF field.
    func upload(_ account: String, _ path: String, fileName: String, contentType: String, file: [UInt8]) -> [UInt8] {
        let boundary = "----kaoheBenchBoundary"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(cookies[account]!.csrf)\r\n".utf8)
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: \(contentType)\r\n\r\n"
                .utf8
        )
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        return Array(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(cookies[account]!.cookie)\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8
        ) + body
    }

    /// Times `request(n)` `runs` times after `warmUp`, and prints the line.
    @discardableResult
    func time(
        _ what: String,
        runs: Int? = nil,
        warmUp: Int = 3,
        expecting: Set<Int> = [303],
        target: Double = 100,
        _ request: @escaping @Sendable (Int) -> [UInt8]
    ) async throws -> [Double] {
        let timed = try await BenchMonitorCommand.time(
            port: port,
            runs: runs ?? self.runs,
            expecting: expecting,
            what: what,
            warmUp: warmUp,
            request: request
        )
        report(what, timed.milliseconds, target: target)
        return timed.milliseconds
    }

    func report(_ what: String, _ milliseconds: [Double], target: Double = 100) {
        let p95 = percentile95(milliseconds)
        let count = milliseconds.count == 1 ? "once" : "\(milliseconds.count)×"
        Self.say("  \(what) [\(count)]: \(BenchMonitorCommand.summary(milliseconds))  \(p95 < target ? "meets" : "MISSES")")
    }

    /// Times two forms alternately (`first` then `second`, `runs` pairs after one untimed pair).
    func alternate(
        _ first: (what: String, expecting: Set<Int>, request: @Sendable (Int) -> [UInt8]),
        _ second: (what: String, expecting: Set<Int>, request: @Sendable (Int) -> [UInt8])
    ) async throws {
        var (a, b): ([Double], [Double]) = ([], [])
        for pair in 0...runs {
            let x = try await BenchMonitorCommand.time(port: port, runs: 1, expecting: first.expecting, what: first.what, warmUp: 0) {
                _ in first.request(pair)
            }
            let y = try await BenchMonitorCommand.time(port: port, runs: 1, expecting: second.expecting, what: second.what, warmUp: 0) {
                _ in second.request(pair)
            }
            if pair > 0 {
                a += x.milliseconds
                b += y.milliseconds
            }
        }
        report(first.what, a)
        report(second.what, b)
    }

    func ids(_ sql: String) async throws -> [Int64] {
        try await client.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(Int64.self, column: "id") }
    }

    /// Every form after the ones `BenchPagesCommand` times first (计算合计, 报送评分, 重新生成等次建议, the roster upload).
    func run() async throws {
        let (office, committee, base, cycle) = (office, committee, base, cycle)
        let now = Int(Date().timeIntervalSince1970) + ShanghaiTime.offsetSeconds
        let today = CivilDate(daysSinceEpoch: now / 86_400)
        // 随机抽查: the ceremony's two forms, a redraw each time after the first (with its reason).
        try await alternate(
            (
                "office    冻结抽查总体 (\(codes.count) units frozen, hashed)", [303],
                { pair in form(office, base + "/spot-check/freeze", pair == 0 ? "" : "reason=%E5%9F%BA%E5%87%86%E9%87%8D%E6%8A%BD") }
            ),
            (
                "office    抽取 (20 dice digits typed)", [303],
                { pair in form(office, base + "/spot-check/draw", "seed=3141592653589793" + String(format: "%04d", pair)) }
            )
        )
        // 考核结果: a confirmation re-checks every roster as final; a new proposal makes them provisional again.
        // Past 500 units the bench county's totals repeat: the ties at the cuts are decided first (the
        // first units of each tie favoured), as the office would before confirming.
        let grading = GradingStore(client: client)
        if let current = try await grading.current(cycle: cycle, units: .none), !current.conflicts.isEmpty {
            let decisions = current.conflicts.compactMap { conflict in
                CohortCut(rawValue: conflict.kind).map {
                    TieDecision(cut: $0, favoured: Array(conflict.units.prefix(conflict.seats)), reference: "基准")
                }
            }
            _ = try await grading.decide(
                cycle: cycle,
                decisions: decisions,
                principal: Principal(county: cycle.county, account: office, role: .office),
                units: .none
            )
            Self.say("  (\(decisions.count) tie(s) at the cuts decided before confirming)")
        }
        try await alternate(
            (
                "office    生成等次建议 after a confirmation (every roster re-checked)", [303],
                { _ in form(office, base + "/results/propose", "") }
            ),
            ("office    确认等次 (every roster re-checked as final)", [303], { _ in form(office, base + "/results/confirm", "") })
        )
        // 周期设置.
        let unit = codes[2]
        try await time("office    延期 for one unit (a later deadline each time)") { n in
            form(
                office,
                base + "/setup/extend",
                "step=roster&unit=\(unit)&deadline=\(today.adding(days: 20 + n))&reason=%E5%9F%BA%E5%87%86"
            )
        }
        try await time("office    参加考核单位: all \(codes.count)") { _ in form(office, base + "/setup/enrol", "mode=all") }
        // 账号管理: a token is issued (its page shows the secret once), then each is revoked.
        try await time("office    签发 API 令牌", expecting: [200]) { _ in form(office, "/accounts/token", "account=\(committee)&label=bench") }
        let tokens = try await client.query(
            "SELECT token_id FROM api_tokens WHERE county = \(cycle.county) AND label = 'bench' AND revoked_at IS NULL ORDER BY created_at"
        ).map { try $0.decode(UUID.self, column: "token_id") }
        try await time("office    撤销 API 令牌", runs: tokens.count - 3) { n in form(office, "/accounts/revoke", "token=\(tokens[n])") }
        try await time(
            "office    重置密码 (bcrypt cost 12, slow by design against guessing; held to 1 s)",
            runs: 3,
            warmUp: 1,
            expecting: [200],
            target: 1000
        ) { _ in form(office, "/accounts/password", "account=agriculture") }
        // 单位名册: the register as downloaded, uploaded for a preview and imported (nothing changes).
        let file = try await registerFile()
        let sha = Hex.sha256(file)
        try await alternate(
            (
                "office    单位名册 预览 (\(codes.count) units, CSV)", [200],
                { _ in upload(office, "/registry/preview", fileName: "register.csv", contentType: "text/csv", file: file) }
            ),
            ("office    单位名册 导入 (nothing changed)", [303], { _ in form(office, "/registry/apply", "sha256=\(sha)") })
        )
        // 公示 and what happens in it.
        try await time("office    开始公示", runs: 1, warmUp: 0) { _ in form(office, base + "/results/publicity-open", "") }
        let objected = Array(committeeUnits.prefix(runs + 3))
        try await time("office    提出异议 (a unit of the committee each time)") { n in
            form(office, base + "/objections/objection", "unit=\(objected[n])&text=%E5%9F%BA%E5%87%86%E5%BC%82%E8%AE%AE")
        }
        let objections = try await ids(
            "SELECT id FROM objections WHERE county = '\(cycle.county)' AND cycle = '\(cycle.cycle)' ORDER BY id"
        )
        try await time("committee 复议 (异议不成立)") { n in
            form(committee, base + "/objections/review", "id=\(objections[n])&outcome=rejected")
        }
        // Line `staffPerUnit` of each generated roster is 基本合格 (appealable); the second unit's roster
        // is the uploaded one by now, so it is left out.
        let appealed = Array(codes.dropFirst(2).prefix(runs + 3))
        try await time("office    登记工作人员复核申请 (a paper application)") { n in
            form(
                office,
                base + "/objections/appeal",
                "unit=\(appealed[n])&staffNo=\(staffPerUnit)&notifiedOn=\(today)&filedOn=\(today)&reason=%E5%9F%BA%E5%87%86"
            )
        }
        let appeals = try await ids(
            "SELECT id FROM staff_appeals WHERE county = '\(cycle.county)' AND cycle = '\(cycle.cycle)' ORDER BY id"
        )
        try await time("office    复核决定 (维持)") { n in form(office, base + "/objections/decide-appeal", "id=\(appeals[n])&outcome=upheld") }
        // 公示期满: the window is moved to have closed a second ago (the benchmark owns its database).
        try await client.execute(
            "UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(cycle.county) AND cycle = \(cycle.cycle)"
        )
        try await time("office    公示结束定档 (every roster re-checked as final)", runs: 1, warmUp: 0) { _ in
            form(office, base + "/results/finalise", "")
        }
    }

    /// The county's register as the office downloads it from 单位名册 (CSV).
    func registerFile() async throws -> [UInt8] {
        try await BenchMonitorCommand.time(
            port: port,
            request: get(office, "/registry.csv"),
            runs: 1,
            expecting: [200],
            what: "/registry.csv",
            warmUp: 0
        )
        .body
    }
}

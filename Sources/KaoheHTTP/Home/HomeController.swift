import Hummingbird
import Postgres

/// `/`: the landing page — which counties this daemon serves and how many units each has enrolled.
/// The office's full dashboard builds on it.
struct HomeController: Sendable {
    let dependencies: AppDependencies

    func register(on router: Router<KaoheRequestContext>) {
        router.get("/") { _, _ -> HTML in
            try await page()
        }
    }

    func page() async throws -> HTML {
        let rows = try await dependencies.client.query(
            """
            SELECT c.county, c.name,
                   (SELECT count(*) FROM committees m WHERE m.county = c.county) AS committees,
                   (SELECT count(*) FROM units u WHERE u.county = c.county) AS units
            FROM counties c ORDER BY c.county
            """
        )
        var items = ""
        for row in rows {
            let county = try row.decode(String.self, column: "county")
            let name = try row.decode(String.self, column: "name")
            let committees = try row.decode(Int.self, column: "committees")
            let units = try row.decode(Int.self, column: "units")
            items += "<tr><td>\(HTML.escape(county))</td><td>\(HTML.escape(name))</td><td>\(committees)</td><td>\(units)</td></tr>\n"
        }
        if items.isEmpty {
            items = "<tr><td colspan=\"4\">尚未登记任何县。用 <code>kaohe</code> 命令或 API 登记。</td></tr>"
        }
        return HTML(
            """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>考核 kaohe — 事业单位考核</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:60rem;color:#222}
            h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left}
            th{background:#f3f3f3}footer{margin-top:2rem;color:#777;font-size:.85rem}
            </style></head><body>
            <h1>考核 kaohe · 事业单位考核系统</h1>
            <p>县事业单位考核委员会办公室（县事考办）用于组织本县事业单位年度考核。</p>
            <table><thead><tr><th>行政区划代码</th><th>县</th><th>专业考核委员会</th><th>参加考核单位</th></tr></thead>
            <tbody>
            \(items)
            </tbody></table>
            <footer>健康检查 <a href="/healthz">/healthz</a> · 就绪 <a href="/readyz">/readyz</a> · 指标 <a href="/metrics">/metrics</a></footer>
            </body></html>
            """
        )
    }
}

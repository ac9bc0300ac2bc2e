import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Logging

/// `/healthz`: the process is alive. `/readyz`: the database answers and its migrations are
/// current — what a load balancer or systemd watchdog should ask before sending traffic. A ready
/// answer also lists `warnings` an operator's monitoring should raise without taking the server out
/// of service: a county whose working-day calendar misses a year it needs
/// (`calendar.year-missing`: this year, and next year from 1 November — load the State Council's
/// notice on the 节假日安排 page or with `kaohe calendar load`).
struct HealthController: Sendable {
    let migrations: MigrationRunner
    let calendars: CalendarStore

    func register(on router: Router<KaoheRequestContext>) {
        router.get("/healthz", use: alive)
        router.get("/readyz", use: ready)
    }

    /// `GET /healthz`.
    @Sendable func alive(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        Self.json(.ok, #"{"status":"alive"}"#)
    }

    /// `GET /readyz`.
    @Sendable func ready(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let logger = context.logger
        let status: MigrationStatus
        do {
            status = try await migrations.status()
        } catch {
            logger.warning("not ready: database unreachable", metadata: ["error": "\(error)"])
            let since = migrations.unreachableFor.map { Int($0.components.seconds) }
            var problem = ProblemDetails(
                status: .serviceUnavailable,
                type: "/problems/not-ready",
                title: "未就绪 Not ready",
                detail: since.map { "数据库已有 \($0) 秒无法连接 / the database has not been reachable for \($0) s." }
                    ?? "数据库无法连接 / the database is not reachable.",
                rule: "database.reachable"
            )
            problem.headers = [.retryAfter: "5"]
            throw problem
        }
        guard status.isCurrent else {
            let pending = status.pending.map { $0.label }.joined(separator: ", ")
            throw ProblemDetails(
                status: .serviceUnavailable,
                type: "/problems/not-ready",
                title: "未就绪 Not ready",
                detail: "数据库结构有待升级(\(pending)),请运行 kaohe migrate / migrations are pending: \(pending). Run `kaohe migrate`.",
                rule: "migrations.current"
            )
        }
        // Warnings never make the server unready; one that cannot be computed is left out.
        let missing = (try? await calendars.missingYearsByCounty(now: Date())) ?? [:]
        let warnings = missing.keys.sorted().map { county in
            let years = missing[county]!.map(String.init).joined(separator: ",")
            return #"{"rule":"calendar.year-missing","county":"\#(county)","years":[\#(years)]}"#
        }
        let tail = warnings.isEmpty ? "" : #","warnings":["# + warnings.joined(separator: ",") + "]"
        return Self.json(.ok, #"{"status":"ready","schemaVersion":\#(status.applied.last ?? 0)"# + tail + "}")
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import Logging
import NIOCore
import Postgres
import Prometheus
import Testing

/// The OpenAPI document at `/api/v1/openapi.json` is served without a token and stays true: its
/// operations are exactly the routes the router has, each fully declared.
@Suite("OpenAPI document")
struct OpenAPITests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// A router on a fresh database, its route table, and the served document.
    struct Served {
        var client: PostgresClient
        var routes: [APIRoute]
        var document: [String: Any]
    }

    static func serve(_ label: String = #function, _ body: @Sendable (Served, any TestClientProtocol) async throws -> Void) async throws {
        let logger = TestCluster.logger("test.openapi")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let (router, api) = buildRoutes(
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry()
            ),
            logger: logger
        )
        try await Application(router: router, logger: logger).test(.router) { http in
            let response = try await http.executeRequest(uri: "/api/v1/openapi.json", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
            try await body(Served(client: client, routes: api.routes, document: document), http)
        }
        await client.close()
    }

    /// Every operation of the document: "METHOD /path" → (path item, operation).
    static func operations(_ document: [String: Any]) -> [String: (path: String, item: [String: Any], operation: [String: Any])] {
        var result: [String: (String, [String: Any], [String: Any])] = [:]
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for method in methods {
                if let operation = item[method] as? [String: Any] { result["\(method.uppercased()) \(path)"] = (path, item, operation) }
            }
        }
        return result
    }

    /// Resolves a local `$ref` (`#/components/parameters/county`).
    static func resolve(_ value: Any, in document: [String: Any]) -> Any? {
        guard let object = value as? [String: Any], let ref = object["$ref"] as? String else { return value }
        guard ref.hasPrefix("#/") else { return nil }
        var current: Any? = document
        for key in ref.dropFirst(2).split(separator: "/") {
            current =
                (current as? [String: Any])?[
                    String(key).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                ]
        }
        return current
    }

    @Test("served without a token (a bad token is not even looked at) while the rest of /api/v1 still needs one")
    func servedWithoutAuthentication() async throws {
        try await Self.serve { served, http in
            #expect(served.document["openapi"] != nil)
            let anonymous = try await http.executeRequest(uri: "/api/v1/openapi.json", method: .get, headers: [:], body: nil)
            #expect(anonymous.status == .ok)
            #expect(anonymous.headers[.contentType] == "application/json; charset=utf-8")
            #expect(anonymous.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let badToken = try await http.executeRequest(
                uri: "/api/v1/openapi.json",
                method: .get,
                headers: [.authorization: "Bearer kh_not-a-token"],
                body: nil
            )
            #expect(badToken.status == .ok)
            #expect(Array(buffer: badToken.body) == Array(buffer: anonymous.body))
            // The group's authentication still guards its own routes, beside and under the document's path.
            for path in ["/api/v1/whoami", "/api/v1/counties/350121/units"] {
                let response = try await http.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                #expect(response.status == .unauthorized, "\(path)")
            }
            let write = try await http.executeRequest(uri: "/api/v1/openapi.json", method: .put, headers: [:], body: nil)
            #expect(write.status != .ok)
        }
    }

    @Test("OpenAPI 3.1; its operations are exactly the router's /api/v1 routes; each has an id, tags, responses and its path parameters")
    func documentMatchesRoutes() async throws {
        try await Self.serve { served, _ in
            let document = served.document
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true, "openapi: \(document["openapi"] ?? "none")")
            let operations = Self.operations(document)

            let documented = Set(operations.keys)
            let registered = Set(served.routes.map(\.description))
            let undocumented = registered.subtracting(documented).sorted()
            let unrouted = documented.subtracting(registered).sorted()
            #expect(undocumented.isEmpty, "routes the OpenAPI document lacks: \(undocumented.joined(separator: ", "))")
            #expect(unrouted.isEmpty, "documented operations the router lacks: \(unrouted.joined(separator: ", "))")
            #expect(served.routes.count == registered.count, "a route is registered twice")

            let declaredTags = Set((document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            var operationIDs: [String: String] = [:]
            for (key, entry) in operations.sorted(by: { $0.key < $1.key }) {
                let operation = entry.operation
                let id = operation["operationId"] as? String ?? ""
                #expect(!id.isEmpty, "\(key) has no operationId")
                if let other = operationIDs[id] { Issue.record("operationId \(id) is used by \(other) and \(key)") }
                operationIDs[id] = key
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(!responses.isEmpty, "\(key) has no responses")
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(key) documents no success response")
                let tags = operation["tags"] as? [String] ?? []
                #expect(!tags.isEmpty && tags.allSatisfy(declaredTags.contains), "\(key): tags \(tags) must be declared at the top")

                // Path parameters: each {name} of the path declared `in: path`, and nothing more.
                let parameters = ((entry.item["parameters"] as? [Any] ?? []) + (operation["parameters"] as? [Any] ?? []))
                    .compactMap { Self.resolve($0, in: document) as? [String: Any] }
                let declared = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                let inPath = Set(
                    entry.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map {
                        String($0.dropFirst().dropLast())
                    }
                )
                #expect(declared == inPath, "\(key): path parameters declared \(declared.sorted()), in the path \(inPath.sorted())")
                for parameter in parameters where parameter["in"] as? String == "path" {
                    #expect(parameter["required"] as? Bool == true, "\(key): path parameter \(parameter["name"] ?? "?") must be required")
                }

                // Authentication and Idempotency-Key as the route really has them.
                guard let route = served.routes.first(where: { $0.description == key }) else { continue }
                let security = operation["security"] as? [[String: Any]] ?? document["security"] as? [[String: Any]] ?? []
                let needsBearer = security.contains { $0["bearer"] != nil }
                #expect(
                    needsBearer == route.authenticated,
                    "\(key): the document says bearer \(needsBearer), the route \(route.authenticated)"
                )
                if route.authenticated {
                    #expect(responses["401"] != nil, "\(key) needs a token but does not document 401")
                }
                let idempotencyKey = parameters.contains { $0["in"] as? String == "header" && $0["name"] as? String == "Idempotency-Key" }
                #expect(
                    idempotencyKey == route.idempotent,
                    "\(key): the document says Idempotency-Key \(idempotencyKey), the route \(route.idempotent)"
                )

                // Every 4xx/5xx is problem+json with the Problem schema.
                for (status, value) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                    let response = Self.resolve(value, in: document) as? [String: Any]
                    let content = response?["content"] as? [String: Any]
                    let schema = (content?["application/problem+json"] as? [String: Any])?["schema"] as? [String: Any]
                    #expect(schema?["$ref"] as? String == "#/components/schemas/Problem", "\(key) \(status) is not problem+json")
                }
                // PUTs document their request body (some POSTs are actions without one).
                if route.method == "PUT" {
                    #expect(operation["requestBody"] != nil, "\(key) documents no request body")
                }
            }
        }
    }

    @Test("components: bearer tokens kh_…, the problem schema with field, rule and requestId; every $ref resolves")
    func components() async throws {
        try await Self.serve { served, _ in
            let document = served.document
            let components = document["components"] as? [String: Any] ?? [:]
            let bearer = (components["securitySchemes"] as? [String: Any])?["bearer"] as? [String: Any]
            #expect(bearer?["type"] as? String == "http")
            #expect(bearer?["scheme"] as? String == "bearer")
            #expect((bearer?["bearerFormat"] as? String)?.hasPrefix("kh_") == true)

            let problem = (components["schemas"] as? [String: Any])?["Problem"] as? [String: Any]
            let properties = Set((problem?["properties"] as? [String: Any] ?? [:]).keys)
            #expect(properties == ["type", "title", "status", "detail", "field", "rule", "requestId"])

            let operations = Self.operations(document)
            let mediaTypes = Set(
                operations.values.flatMap { (($0.operation["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]).keys }
            )
            #expect(
                mediaTypes == [
                    "application/json", "text/csv", "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ]
            )

            var unresolved: [String] = []
            func walk(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let ref = object["$ref"] as? String, Self.resolve(object, in: document) == nil { unresolved.append(ref) }
                    object.values.forEach(walk)
                } else if let array = value as? [Any] {
                    array.forEach(walk)
                }
            }
            walk(document)
            #expect(unresolved.isEmpty, "unresolved $refs: \(unresolved)")

            let tags = document["tags"] as? [[String: Any]] ?? []
            #expect(
                tags.allSatisfy { ($0["name"] as? String)?.unicodeScalars.contains { $0.value > 0x2E80 } == true },
                "every tag names itself in Chinese and English"
            )
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KaoheTestSupport
import NIOCore
import Postgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a built kaohe executable (`kaohed`, `kaohe`) as a separate process, the way an operator
/// would: a `TestProcess` with the developer's `KAOHE_` settings removed.
final class DaemonProcess: Sendable {
    let process: TestProcess

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws {
        process = try TestProcess(
            BuiltProducts.path(executable),
            arguments,
            environment: BuiltProducts.environment(environment),
            input: input
        )
    }

    var standardOutput: String { process.standardOutput }
    var standardError: String { process.standardError }
    var pid: pid_t { process.pid }
    var isRunning: Bool { process.isRunning }

    /// Waits for the "请打开 http://host:port/" line and returns the base URL.
    func waitForAddress(timeout: Duration = .seconds(120)) async throws -> URL {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let output = standardOutput
            if let range = output.range(of: #"http://[^ /]+/"#, options: .regularExpression) {
                return URL(string: String(output[range]))!
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DaemonTestError("kaohed did not announce its address; stdout: \(standardOutput) stderr: \(standardError.suffix(2000))")
    }

    /// Waits for the process to end and returns its exit status.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await process.waitForExit(timeout: timeout)
    }

    func terminate() { process.signal(SIGTERM) }
    func kill() { process.signal(SIGKILL) }
}

struct DaemonTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One HTTP request to a running daemon (HummingbirdTesting's NIO client: no URLSession, whose
/// Linux implementation watches curl's sockets with Dispatch sources).
func httpRequest(
    _ base: URL,
    _ method: HTTPRequest.Method,
    _ path: String,
    headers: HTTPFields = [:],
    body: String? = nil
) async throws -> (status: Int, headers: HTTPFields, body: String) {
    let request = TestClient.Request(
        path,
        method: method,
        authority: "\(base.host ?? "127.0.0.1"):\(base.port ?? 80)",
        headers: headers,
        body: body.map { ByteBuffer(string: $0) }
    )
    let response = try await TestClient.withClient(
        host: base.host ?? "127.0.0.1",
        port: base.port ?? 80,
        configuration: .init(timeout: .seconds(120))
    ) { client in
        try await client.execute(request)
    }
    return (response.status.code, response.head.headerFields, response.body.map { String(buffer: $0) } ?? "")
}

/// A GET that follows redirects (as a browser would, up to five) and returns the final status,
/// headers (lower-cased names) and body as text.
func httpGet(_ url: URL) async throws -> (status: Int, headers: [String: String], body: String) {
    let base = URL(string: "http://\(url.host ?? "127.0.0.1"):\(url.port ?? 80)/")!
    var path = url.path.isEmpty ? "/" : url.path + (url.query.map { "?" + $0 } ?? "")
    for _ in 0..<5 {
        let response = try await httpRequest(base, .get, path)
        if (300..<400).contains(response.status), let location = response.headers[.location] {
            path = URL(string: location, relativeTo: URL(string: "http://host" + path))?.path ?? location
            continue
        }
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName] = field.value }
        return (response.status, headers, response.body)
    }
    throw DaemonTestError("more than five redirects from \(url)")
}

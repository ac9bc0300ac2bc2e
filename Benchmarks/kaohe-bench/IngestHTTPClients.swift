import ArgumentParser
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--concurrency` clients, each on a thread of its own with one keep-alive HTTP/1.1 connection
/// over a plain POSIX socket (blocking I/O never touches the cooperative pool the server runs on).
/// Units are handed out from a shared counter; each client sends the unit's prepared request and
/// reads the whole response, which must be 200.
enum HTTPRosterClients {
    /// Every unit's whole `PUT …/roster` request (head and CSV body), made before the clock starts,
    /// as psql's COPY file is written before its clock starts: both paths are timed from bytes
    /// ready to send. (Generating a million CSV lines on the same 2 cores while the server works
    /// would charge the API with the benchmark's own data generation.)
    /// With `keyPrefix`, each request carries `Idempotency-Key: "<prefix>-<unit>"` (the keyed path:
    /// each filing commits in its request's own transaction with its key).
    static func requests(plan: RosterPlan, setup: BenchIngestCommand.Setup, port: Int, keyPrefix: String? = nil) -> [[UInt8]] {
        let prepared = Mutex([[UInt8]](repeating: [], count: plan.units))
        let slices = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            var body: [UInt8] = []
            body.reserveCapacity(64 * 1024)
            var made: [(Int, [UInt8])] = []
            for unit in stride(from: slice, to: plan.units, by: slices) {
                plan.csv(unit: unit, into: &body)
                let head =
                    "PUT /api/v1/counties/\(setup.county)/cycles/\(BenchIngestCommand.cycle)/units/\(setup.codes[unit])/roster HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(setup.tokens[unit])\r\n"
                    + (keyPrefix.map { "Idempotency-Key: \"\($0)-\(unit)\"\r\n" } ?? "")
                    + "Content-Type: text/csv; charset=utf-8\r\nContent-Length: \(body.count)\r\n\r\n"
                var request: [UInt8] = []
                request.reserveCapacity(head.utf8.count + body.count)
                request.append(contentsOf: head.utf8)
                request.append(contentsOf: body)
                made.append((unit, request))
            }
            prepared.withLock { all in
                for (unit, request) in made { all[unit] = request }
            }
        }
        return prepared.withLock { $0 }
    }

    final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let failure = Mutex<String?>(nil)
    }

    static func fileAll(requests: [[UInt8]], setup: BenchIngestCommand.Setup, port: Int, concurrency: Int) async throws {
        let shared = Shared()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for _ in 0..<concurrency {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    do {
                        try work(requests: requests, setup: setup, port: port, shared: shared)
                    } catch {
                        shared.failure.withLock { $0 = $0 ?? "\(error)" }
                        shared.next.store(requests.count, ordering: .relaxed)
                    }
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
        if let failure = shared.failure.withLock({ $0 }) { throw ValidationError("HTTP client: \(failure)") }
    }

    static func work(requests: [[UInt8]], setup: BenchIngestCommand.Setup, port: Int, shared: Shared) throws {
        var connection = try LoopbackConnection(port: port)
        defer { connection.close() }
        while true {
            let unit = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard unit < requests.count else { return }
            if !connection.isOpen { connection = try LoopbackConnection(port: port) }
            try connection.send(requests[unit])
            let (status, responseBody) = try connection.receiveResponse()
            guard status == 200 else {
                throw ValidationError(
                    "PUT roster of unit \(setup.codes[unit]) answered \(status): \(String(decoding: responseBody.prefix(500), as: UTF8.self))"
                )
            }
        }
    }
}

/// A blocking TCP connection to 127.0.0.1 that speaks just enough HTTP/1.1: one request at a
/// time, responses with Content-Length, `Connection: close` honoured.
struct LoopbackConnection {
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// What one recv() reads into, reused.
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    private(set) var isOpen = true

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ValidationError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            _ = closeSocket(descriptor)
            throw ValidationError("connect to 127.0.0.1:\(port): \(message)")
        }
        buffer.reserveCapacity(64 * 1024)
    }

    mutating func close() {
        guard isOpen else { return }
        isOpen = false
        _ = closeSocket(descriptor)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                #if canImport(Glibc)
                let written = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let written = Darwin.send(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ValidationError("send: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Reads one response: its status and body. The head is read as bytes (the status, and the
    /// three headers this client heeds, found by their lowercased names), so that the client's
    /// own work stays small beside the server's on the same cores.
    mutating func receiveResponse() throws -> (status: Int, body: [UInt8]) {
        var headerEnd: Int?
        var searchFrom = 0
        while headerEnd == nil {
            var index = max(0, searchFrom - 3)
            while index + 4 <= buffer.count {
                if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                    headerEnd = index + 4
                    break
                }
                index += 1
            }
            searchFrom = buffer.count
            if headerEnd == nil { try fill() }
        }
        let head = buffer[..<headerEnd!]
        let prefix = Array("HTTP/1.1 ".utf8)
        guard head.count >= 12, head.starts(with: prefix),
            let status = Int(String(decoding: head[9..<12], as: UTF8.self))
        else {
            throw ValidationError("malformed response: \(String(decoding: head.prefix(200), as: UTF8.self))")
        }
        var length = 0
        var closes = false
        var lineStart = head.firstIndex(of: 10).map { $0 + 1 } ?? head.endIndex
        while lineStart < head.endIndex {
            let lineEnd = head[lineStart...].firstIndex(of: 10) ?? head.endIndex
            let line = head[lineStart..<lineEnd]
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
                if name == "content-length" || name == "connection" || name == "transfer-encoding" {
                    let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    switch name {
                    case "content-length": length = Int(value) ?? 0
                    case "connection": closes = value.lowercased() == "close"
                    default: throw ValidationError("chunked responses are not supported by this client")
                    }
                }
            }
            lineStart = lineEnd + 1
        }
        while buffer.count < headerEnd! + length { try fill() }
        let body = Array(buffer[headerEnd!..<(headerEnd! + length)])
        buffer.removeFirst(headerEnd! + length)
        if closes { close() }
        return (status, body)
    }

    private mutating func fill() throws {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
        if count < 0 {
            if errno == EINTR { return }
            throw ValidationError("recv: \(String(cString: strerror(errno)))")
        }
        guard count > 0 else { throw ValidationError("the server closed the connection mid-response") }
        buffer.append(contentsOf: chunk[..<count])
    }
}

private func closeSocket(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}

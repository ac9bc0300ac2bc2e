import Synchronization

/// Formats rows for `COPY … FROM STDIN` (text format) and streams them to the server.
///
/// Rows are written into a byte buffer; every 256 KiB the buffer is handed to the connection's
/// thread, which sends it with `PQputCopyData` while you keep appending. Call `flush()` now and
/// then for very large inputs (it waits until everything handed over has been sent, bounding
/// memory); `needsFlush` says when it is worth it.
public struct PostgresCopyWriter {
    let connection: PostgresConnection
    /// Rows formatted since the last hand-over (written through a pointer: appending byte by
    /// byte to an Array costs more than the server's parsing).
    let buffer: CopyBuffer
    /// Bytes per PQputCopyData hand-over.
    static let chunkSize = 256 * 1024
    /// In-flight bytes beyond which `needsFlush` is true.
    static let flushThreshold = 16 * 1024 * 1024

    init(connection: PostgresConnection) {
        self.connection = connection
        self.buffer = CopyBuffer(capacity: Self.chunkSize + 64 * 1024)
    }

    /// Appends one row. Fields are escaped for the text format (backslash, tab, newline and
    /// carriage return), `nil` is written as `\N` (NULL).
    public mutating func append(row: [String?]) {
        var first = true
        for field in row {
            if first { first = false } else { buffer.put(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.putNull()
                continue
            }
            let done: Void? = field.utf8.withContiguousStorageIfAvailable { buffer.putEscaped($0) }
            if done == nil {
                var contiguous = field
                contiguous.withUTF8 { buffer.putEscaped($0) }
            }
        }
        buffer.put(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { handOver() }
    }

    /// Appends one row of typed values, each in the same text form as a query parameter
    /// (`Date` as ISO timestamptz, `Decimal` exactly, `nil` as NULL).
    public mutating func append(values: [(any PostgresEncodable)?]) {
        var scratch: [UInt8] = []
        var first = true
        for value in values {
            if first { first = false } else { buffer.put(UInt8(ascii: "\t")) }
            guard let value else {
                buffer.putNull()
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            value.encodePostgresText(into: &scratch)
            scratch.withUnsafeBufferPointer { buffer.putEscaped($0) }
        }
        buffer.put(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { handOver() }
    }

    /// Appends bytes that are already in COPY's format (whole rows, escaped, newline-terminated).
    public mutating func appendRaw<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer.putRaw($0) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { buffer.putRaw($0) } }
        if buffer.count >= Self.chunkSize { handOver() }
    }

    /// True when much data is waiting to be sent: call `flush()`.
    public var needsFlush: Bool {
        connection.copyBytesInFlight.load(ordering: .relaxed) >= Self.flushThreshold
    }

    /// Hands over what is buffered and waits until everything handed over has been given to
    /// libpq. Throws `.copyFailed` if the server already ended the COPY (its error is then thrown
    /// by `copyFrom`).
    public mutating func flush() async throws {
        handOver()
        let interrupted = try await connection.run { $0.copyInterrupted }
        if interrupted { throw PostgresCopyWriter.interruptedError }
    }

    mutating func handOver() {
        guard buffer.count > 0 else { return }
        let chunk = buffer.take()
        let connection = self.connection
        let session = connection.session
        connection.copyBytesInFlight.add(chunk.count, ordering: .relaxed)
        let accepted = connection.thread.submit {
            session.copyChunk(chunk)
            connection.copyBytesInFlight.subtract(chunk.count, ordering: .relaxed)
        }
        if !accepted { connection.copyBytesInFlight.subtract(chunk.count, ordering: .relaxed) }
    }

    static let interruptedError = PostgresError(code: .copyFailed, message: "the server ended the COPY early")
}

/// A growable byte buffer written through a pointer, for COPY text.
final class CopyBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        self.base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    func putNull() {
        reserve(2)
        base[count] = UInt8(ascii: "\\")
        base[count + 1] = UInt8(ascii: "N")
        count += 2
    }

    func putRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends a field escaped for COPY's text format.
    func putEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(2 * bytes.count)
        count = CopyText.escape(bytes, into: base + count) - base
    }

    /// The bytes so far, as an array; empties the buffer.
    func take() -> [UInt8] {
        defer { count = 0 }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }
}

/// COPY's text format.
enum CopyText {
    /// Writes `field` escaped (backslash, tab, newline and carriage return as `\\`, `\t`, `\n`,
    /// `\r`) at `out`, which has room for twice its bytes; returns the position after the last
    /// byte written.
    static func escape(_ field: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var out = out
        for byte in field {
            switch byte {
            case UInt8(ascii: "\\"):
                out[0] = UInt8(ascii: "\\")
                out[1] = UInt8(ascii: "\\")
                out += 2
            case UInt8(ascii: "\t"):
                out[0] = UInt8(ascii: "\\")
                out[1] = UInt8(ascii: "t")
                out += 2
            case UInt8(ascii: "\n"):
                out[0] = UInt8(ascii: "\\")
                out[1] = UInt8(ascii: "n")
                out += 2
            case UInt8(ascii: "\r"):
                out[0] = UInt8(ascii: "\\")
                out[1] = UInt8(ascii: "r")
                out += 2
            default:
                out[0] = byte
                out += 1
            }
        }
        return out
    }
}

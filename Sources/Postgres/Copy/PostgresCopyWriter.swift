import Synchronization

/// Formats rows for `COPY … FROM STDIN` (text format) and streams them to the server.
///
/// Rows are written into a byte buffer; every 256 KiB the buffer is handed to the connection's
/// thread, which sends it with `PQputCopyData` while you keep appending. Call `flush()` now and
/// then for very large inputs (it waits until everything handed over has been sent, bounding
/// memory); `needsFlush` says when it is worth it.
public struct PostgresCopyWriter {
    let connection: PostgresConnection
    var buffer: [UInt8] = []
    /// Bytes per PQputCopyData hand-over.
    static let chunkSize = 256 * 1024
    /// In-flight bytes beyond which `needsFlush` is true.
    static let flushThreshold = 16 * 1024 * 1024

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one row. Fields are escaped for the text format (backslash, tab, newline and
    /// carriage return), `nil` is written as `\N` (NULL).
    public mutating func append(row: [String?]) {
        var first = true
        for field in row {
            if first { first = false } else { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            appendEscaped(field)
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { handOver() }
    }

    /// Appends one row of typed values, each in the same text form as a query parameter
    /// (`Date` as ISO timestamptz, `Decimal` exactly, `nil` as NULL).
    public mutating func append(values: [(any PostgresEncodable)?]) {
        var scratch: [UInt8] = []
        var first = true
        for value in values {
            if first { first = false } else { buffer.append(UInt8(ascii: "\t")) }
            guard let value else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            value.encodePostgresText(into: &scratch)
            scratch.withUnsafeBufferPointer { appendEscaped($0) }
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { handOver() }
    }

    /// Appends bytes that are already in COPY's format (whole rows, escaped, newline-terminated).
    public mutating func appendRaw<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        buffer.append(contentsOf: bytes)
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
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer.removeAll(keepingCapacity: true)
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

    private mutating func appendEscaped(_ field: String) {
        var field = field
        field.withUTF8 { appendEscaped($0) }
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            else { continue }
            if runStart < index { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "r"))
            default: buffer.append(UInt8(ascii: "\\"))
            }
            runStart = index + 1
        }
        if runStart < bytes.count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }
}

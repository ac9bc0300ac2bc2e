// The one file that calls libpq. Everything here runs on a connection's own thread (see
// ConnectionThread); nothing here is called from the cooperative pool, an actor or an event loop,
// except `LibPQ.parseConnectionString`, which only parses a string and touches no connection.
internal import CLibPQ
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libpq helpers that touch no connection.
enum LibPQ {
    /// Parses a URI or `key=value` conninfo string into keywords with libpq's own parser.
    static func parseConnectionString(_ text: String) throws -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &errorMessage) else {
            var message = "the database URL could not be parsed"
            if let errorMessage {
                message += ": " + trimmed(String(cString: errorMessage))
                PQfreemem(errorMessage)
            }
            throw PostgresError(code: .invalidConfiguration, message: message)
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return parameters
    }

    /// libpq was built thread-safe (required: connections live on different threads).
    static var isThreadSafe: Bool { PQisthreadsafe() == 1 }

    static func trimmed(_ message: String) -> String {
        var text = Substring(message)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

/// Where a connection stands with respect to transactions (`PQtransactionStatus`).
enum TransactionStatus: Sendable {
    case idle, active, inTransaction, inError, unknown
}

/// Receives libpq's notices (which libpq would otherwise print to stderr) and logs them. Also
/// notes a FATAL error that arrives while the connection is idle (a terminated backend says why
/// before it closes the socket): the connection is then as good as closed.
private final class NoticeSink {
    let logger: Logger
    var fatalReceived = false
    init(logger: Logger) { self.logger = logger }
}

private let noticeReceiver: PQnoticeReceiver = { context, result in
    guard let context, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, Int32(Character("V").asciiValue!)).map { String(cString: $0) }
    if severity == "FATAL" || severity == "PANIC" { sink.fatalReceived = true }
    // Notices may quote data, hence debug level.
    let message = LibPQ.trimmed(String(cString: PQresultErrorMessage(result)))
    sink.logger.debug("postgres notice", metadata: ["notice": "\(message)"])
}

/// One libpq connection (`PGconn`). Confined to its connection's thread: every method must be
/// called there, one at a time. `@unchecked Sendable` only so it can be handed to that thread.
final class LibPQConnection: @unchecked Sendable {
    private var conn: OpaquePointer?
    private let noticeSink: NoticeSink

    private init(conn: OpaquePointer, logger: Logger) {
        self.conn = conn
        self.noticeSink = NoticeSink(logger: logger)
        PQsetNoticeReceiver(conn, noticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit { finish() }

    /// Connects (blocking) with `PQconnectdbParams`; `expand_dbname` is off, so no value is parsed
    /// as a conninfo string.
    static func connect(parameters: [String: String], logger: Logger) throws -> LibPQConnection {
        let pairs = parameters.sorted { $0.key < $1.key }
        var keywords: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.key) }
        var values: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.value) }
        keywords.append(nil)
        values.append(nil)
        defer {
            for pointer in keywords + values { free(pointer) }
        }
        let conn: OpaquePointer? = keywords.withUnsafeBufferPointer { keywordPointers in
            values.withUnsafeBufferPointer { valuePointers in
                keywordPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { k in
                    valuePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { v in
                        PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
                    }
                }
            }
        }
        guard let conn else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = LibPQ.trimmed(String(cString: PQerrorMessage(conn)))
            PQfinish(conn)
            throw PostgresError(code: .connectionFailed, message: message)
        }
        return LibPQConnection(conn: conn, logger: logger)
    }

    /// A handle that asks the server to cancel this connection's running statement, from any
    /// thread (`PQgetCancel`; nil if libpq cannot make one).
    func makeCanceller() -> LibPQCanceller? {
        guard let conn, let handle = PQgetCancel(conn) else { return nil }
        return LibPQCanceller(handle: handle)
    }

    /// Closes the connection (`PQfinish`); idempotent.
    func finish() {
        if let conn {
            PQfinish(conn)
            self.conn = nil
        }
    }

    /// True once the connection is closed or broken (`PQstatus` is `CONNECTION_BAD`, or the
    /// server announced a FATAL error while it was idle).
    var isBroken: Bool {
        guard let conn else { return true }
        return PQstatus(conn) != CONNECTION_OK || noticeSink.fatalReceived
    }

    /// The transaction state after the last command.
    var transactionStatus: TransactionStatus {
        guard let conn else { return .unknown }
        switch PQtransactionStatus(conn) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .active
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .inError
        default: return .unknown
        }
    }

    /// The socket's file descriptor, -1 when closed.
    var socket: Int32 {
        guard let conn else { return -1 }
        return PQsocket(conn)
    }

    /// The server process serving this connection.
    var backendPID: Int32 {
        guard let conn else { return 0 }
        return PQbackendPID(conn)
    }

    /// The server's version as a number (150018 for 15.18).
    var serverVersion: Int32 {
        guard let conn else { return 0 }
        return PQserverVersion(conn)
    }

    // MARK: Statements

    /// Runs one or more statements without parameters (simple query protocol).
    @discardableResult
    func exec(_ sql: String) throws -> ResultStorage {
        let conn = try live()
        return try take(PQexec(conn, sql), sql: sql)
    }

    /// Runs one statement with parameters, unnamed (extended protocol, no statement kept).
    func execParams(_ sql: String, _ bindings: PostgresBindings) throws -> ResultStorage {
        let conn = try live()
        let result = bindings.types.withUnsafeBufferPointer { types in
            withParameterPointers(bindings) { values in
                PQexecParams(conn, sql, Int32(bindings.count), types.baseAddress, values, nil, nil, 0)
            }
        }
        return try take(result, sql: sql)
    }

    /// Prepares a named statement (`PQprepare`) with the given parameter types.
    func prepare(name: String, sql: String, types: [UInt32]) throws {
        let conn = try live()
        let result = types.withUnsafeBufferPointer { PQprepare(conn, name, sql, Int32(types.count), $0.baseAddress) }
        _ = try take(result, sql: sql)
    }

    /// Runs a named prepared statement (`PQexecPrepared`).
    func execPrepared(name: String, sql: String, _ bindings: PostgresBindings) throws -> ResultStorage {
        let conn = try live()
        let result = withParameterPointers(bindings) { values in
            PQexecPrepared(conn, name, Int32(bindings.count), values, nil, nil, 0)
        }
        return try take(result, sql: sql)
    }

    private func withParameterPointers<R>(
        _ bindings: PostgresBindings,
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        bindings.storage.withUnsafeBytes { storage in
            let pointers: [UnsafePointer<CChar>?] = bindings.offsets.map { offset in
                guard offset >= 0, let base = storage.baseAddress else { return nil }
                return (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }

    // MARK: COPY FROM STDIN

    /// Sends a `COPY … FROM STDIN` statement and expects the server to enter COPY IN.
    func startCopy(_ sql: String) throws {
        let conn = try live()
        guard let result = PQexec(conn, sql) else { throw connectionError(sql: sql) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COPY_IN:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw error(from: result, sql: sql)
        default:
            drainCopyIfNeeded(conn)
            throw PostgresError(code: .copyFailed, message: "the statement did not start COPY FROM STDIN", query: sql)
        }
    }

    /// Queues COPY data (`PQputCopyData`); blocks while libpq's buffer drains. False when the
    /// COPY is no longer in progress (the server reported an error, or the connection broke);
    /// `endCopy` then reports why.
    func putCopyData(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let conn, let base = bytes.baseAddress, bytes.count > 0 else { return conn != nil }
        var offset = 0
        while offset < bytes.count {
            // PQputCopyData takes an int length; send very large buffers in pieces.
            let count = min(bytes.count - offset, 1 << 30)
            let pointer = (base + offset).assumingMemoryBound(to: CChar.self)
            guard PQputCopyData(conn, pointer, Int32(count)) == 1 else { return false }
            offset += count
        }
        return true
    }

    /// Ends COPY (`PQputCopyEnd`; with `failure`, aborts it) and returns the rows copied.
    func endCopy(failure: String?, sql: String) throws -> Int {
        let conn = try live()
        _ = PQputCopyEnd(conn, failure)
        var firstError: PostgresError?
        var rows = 0
        var sawResult = false
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            sawResult = true
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            case PGRES_COPY_IN:
                // Still in COPY (PQputCopyEnd could not be sent); give up on this connection.
                _ = PQputCopyEnd(conn, "client aborted COPY")
            default:
                if firstError == nil { firstError = error(from: result, sql: sql) }
            }
            if PQstatus(conn) != CONNECTION_OK { break }
        }
        if let firstError { throw firstError }
        if !sawResult || PQstatus(conn) != CONNECTION_OK { throw connectionError(sql: sql) }
        return rows
    }

    private func drainCopyIfNeeded(_ conn: OpaquePointer) {
        while let result = PQgetResult(conn) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_COPY_IN {
                _ = PQputCopyEnd(conn, "unexpected COPY")
            } else if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(conn, &buffer, 0) > 0 { PQfreemem(buffer) }
            }
            if PQstatus(conn) != CONNECTION_OK { return }
        }
    }

    // MARK: Input, notifications, health

    /// Reads and parses whatever the server has sent, without blocking (`PQconsumeInput`,
    /// `PQisBusy`). False when the connection is broken.
    func consumeInput() -> Bool {
        guard let conn, PQconsumeInput(conn) == 1 else { return false }
        // PQconsumeInput only buffers; PQisBusy parses what arrived (a FATAL notice, notifications).
        _ = PQisBusy(conn)
        return !isBroken
    }

    /// Notifications received so far (`PQnotifies`).
    func drainNotifications() -> [PostgresNotification] {
        guard let conn else { return [] }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(conn) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                    processID: notify.pointee.be_pid
                )
            )
            PQfreemem(notify)
        }
        return received
    }

    /// Waits up to `milliseconds` for the socket to become readable (`poll`). True when readable
    /// (data, EOF or error).
    func waitReadable(milliseconds: Int32) -> Bool {
        let fd = socket
        guard fd >= 0 else { return true }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    // MARK: Results and errors

    private func live() throws -> OpaquePointer {
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError(code: .connectionClosed, message: "the connection is closed or broken")
        }
        return conn
    }

    /// Checks a result, materialises its rows and frees it.
    private func take(_ result: OpaquePointer?, sql: String) throws -> ResultStorage {
        guard let result else { throw connectionError(sql: sql) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return materialise(result)
        case PGRES_EMPTY_QUERY:
            return .empty
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            if let conn { drainCopyIfNeeded(conn) }
            throw PostgresError(
                code: .unexpectedResponse,
                message: "COPY is only supported through copyFrom",
                query: sql
            )
        default:
            throw error(from: result, sql: sql)
        }
    }

    private func materialise(_ result: OpaquePointer) -> ResultStorage {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var types: [PostgresDataType] = []
        names.reserveCapacity(columnCount)
        types.reserveCapacity(columnCount)
        for column in 0..<Int32(columnCount) {
            names.append(String(cString: PQfname(result, column)))
            types.append(PostgresDataType(rawValue: PQftype(result, column)))
        }
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int32] = []
        let cells = rowCount * columnCount
        starts.reserveCapacity(cells)
        lengths.reserveCapacity(cells)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                starts.append(bytes.count)
                if PQgetisnull(result, row, column) == 1 {
                    lengths.append(-1)
                } else {
                    let length = PQgetlength(result, row, column)
                    lengths.append(length)
                    if length > 0, let value = PQgetvalue(result, row, column) {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: value, count: Int(length)))
                    }
                }
            }
        }
        let tag = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        return ResultStorage(
            columnNames: names,
            columnTypes: types,
            rowCount: rowCount,
            bytes: bytes,
            starts: starts,
            lengths: lengths,
            affectedRows: Int(tag) ?? rowCount
        )
    }

    private func field(_ result: OpaquePointer, _ code: Character) -> String? {
        PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
    }

    /// Builds a PostgresError from a failed result.
    private func error(from result: OpaquePointer, sql: String) -> PostgresError {
        let sqlState = field(result, "C").map(SQLState.init(rawValue:))
        let fields = ServerFields(
            severity: field(result, "V") ?? field(result, "S"),
            message: field(result, "M"),
            detail: field(result, "D"),
            hint: field(result, "H"),
            schemaName: field(result, "s"),
            tableName: field(result, "t"),
            columnName: field(result, "c"),
            dataTypeName: field(result, "d"),
            constraintName: field(result, "n"),
            position: field(result, "P").flatMap { Int($0) },
            context: field(result, "W")
        )
        let broken = isBroken
        let code: PostgresError.Code = broken ? .connectionClosed : (sqlState == nil ? .unexpectedResponse : .server)
        let libpqMessage = LibPQ.trimmed(String(cString: PQresultErrorMessage(result)))
        return PostgresError(
            code: code,
            sqlState: sqlState,
            serverFields: sqlState == nil ? nil : fields,
            // A server error's text may quote values: keep it in serverFields only.
            message: sqlState == nil ? libpqMessage : (broken ? "the connection broke" : nil),
            query: sql
        )
    }

    private func connectionError(sql: String?) -> PostgresError {
        let message = conn.map { LibPQ.trimmed(String(cString: PQerrorMessage($0))) } ?? "the connection is closed"
        return PostgresError(code: isBroken ? .connectionClosed : .unexpectedResponse, message: message, query: sql)
    }
}

/// `PGcancel`: asks the server, over a connection of its own, to cancel whatever statement the
/// connection it was made for is running (`PQcancel`, which libpq documents as safe to call from
/// any thread while that connection is busy). A cancel that arrives while nothing runs is ignored
/// by the server.
final class LibPQCanceller: @unchecked Sendable {
    private let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { PQfreeCancel(handle) }

    /// Sends the cancel request; false (with libpq's reason logged by the caller) when it could not.
    @discardableResult
    func cancel() -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &buffer, Int32(buffer.count)) == 1
    }
}

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` (text format): `body` appends rows to the writer,
    /// which streams them to the server in large chunks. Returns the number of rows copied.
    ///
    /// ```swift
    /// try await connection.copyFrom("COPY unit (code, name) FROM STDIN") { writer in
    ///     for unit in units { writer.append(row: [unit.code, unit.name]) }
    /// }
    /// ```
    /// If `body` throws, the COPY is aborted (nothing is inserted) and the error is rethrown. A
    /// row the server rejects fails the whole COPY with the server's SQLSTATE.
    public func copyFrom(
        isolation: isolated (any Actor)? = #isolation,
        _ copyStatement: PostgresQuery,
        _ body: (inout PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        try await copyFrom(isolation: isolation, copyStatement, formatOnGlobalPool: true, body)
    }

    /// COPYs rows formatted ahead of time, each part's rows behind its leading fields (see
    /// ``PostgresCopyWriter/append(_:leading:)``). Nothing is left to format, so the rows are
    /// handed over from where the caller runs (the connection's thread, inside `withConnection`)
    /// without the two hops to the global pool and back that formatting in parallel costs.
    public func copyFrom(
        isolation: isolated (any Actor)? = #isolation,
        _ copyStatement: PostgresQuery,
        rows parts: [(rows: PostgresCopyRows, leading: [String?])]
    ) async throws -> Int {
        try await copyFrom(isolation: isolation, copyStatement, formatOnGlobalPool: false) { writer in
            for part in parts {
                writer.append(part.rows, leading: part.leading)
                if writer.needsFlush { try await writer.flush() }
            }
        }
    }

    private func copyFrom(
        isolation: isolated (any Actor)?,
        _ copyStatement: PostgresQuery,
        formatOnGlobalPool: Bool,
        _ body: (inout PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        guard copyStatement.bindings.isEmpty else {
            throw PostgresError(
                code: .invalidParameter,
                message: "COPY takes no parameters; name the table and columns with \\(identifier:)",
                query: copyStatement.sql
            )
        }
        let sql = copyStatement.sql
        try await run { try $0.startCopy(sql) }
        var writer = PostgresCopyWriter(connection: self)
        do {
            // Format on the global pool while this connection's thread sends the chunks, even
            // when the caller prefers the connection's thread.
            if formatOnGlobalPool {
                try await withTaskExecutorPreference(globalConcurrentExecutor, isolation: isolation) {
                    try await body(&writer)
                }
            } else {
                try await body(&writer)
            }
        } catch {
            writer.handOver()
            let serverError: (any Error)?
            do {
                _ = try await run { try $0.endCopy(failure: "COPY aborted by the client", sql: sql) }
                serverError = nil
            } catch let copyError {
                serverError = copyError
            }
            // If the body stopped because the server had already failed the COPY, report the
            // server's reason rather than the writer's.
            if let failure = error as? PostgresError, failure.code == .copyFailed,
                failure.message == PostgresCopyWriter.interruptedError.message, let serverError
            {
                throw serverError
            }
            throw error
        }
        writer.handOver()
        return try await run { try $0.endCopy(failure: nil, sql: sql) }
    }
}

extension PostgresClient {
    /// `COPY … FROM STDIN` on a pooled connection; see `PostgresConnection.copyFrom`.
    public func copyFrom(
        isolation: isolated (any Actor)? = #isolation,
        _ copyStatement: PostgresQuery,
        _ body: (inout PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        try await withConnection(isolation: isolation) { connection in
            try await connection.copyFrom(isolation: isolation, copyStatement, body)
        }
    }
}

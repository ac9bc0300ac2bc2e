public import KaoheStore
public import Logging
public import ServiceLifecycle

/// 清理: deletes what has expired — idempotency keys past their 24 hours, web sessions past their
/// idle or absolute lifetime, login counts of addresses whose window has ended, unit registers
/// previewed in the dashboard and not applied within a day — at start and then
/// every ``interval`` (an hour). Several daemons may do it at once: each DELETE is idempotent.
public struct Housekeeping: Service {
    let idempotency: IdempotencyStore
    let sessions: WebSessionStore
    let registry: RegistryStore
    let interval: Duration
    let logger: Logger

    /// Housekeeping over these stores, every `interval`.
    public init(
        idempotency: IdempotencyStore,
        sessions: WebSessionStore,
        registry: RegistryStore,
        interval: Duration = .seconds(3600),
        logger: Logger
    ) {
        self.idempotency = idempotency
        self.sessions = sessions
        self.registry = registry
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await runOnce()
            // A graceful shutdown ends the wait at once, so the services after this one stop in turn.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One round: returns how many keys, sessions or address counts, and register drafts it
    /// deleted (errors are logged; the next round tries again).
    @discardableResult
    public func runOnce() async -> (keys: Int, sessions: Int, drafts: Int) {
        var deleted = (keys: 0, sessions: 0, drafts: 0)
        do {
            deleted.keys = try await idempotency.purgeExpired()
            deleted.sessions = try await sessions.purgeExpired()
            deleted.drafts = try await registry.purgeExpiredImportDrafts()
            if deleted.keys + deleted.sessions + deleted.drafts > 0 {
                logger.info(
                    "housekeeping",
                    metadata: ["keys": "\(deleted.keys)", "sessions": "\(deleted.sessions)", "drafts": "\(deleted.drafts)"]
                )
            }
        } catch {
            logger.warning("housekeeping failed; trying again later", metadata: ["error": "\(error)"])
        }
        return deleted
    }
}

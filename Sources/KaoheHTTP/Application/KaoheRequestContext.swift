public import Hummingbird

/// The request context of every kaohe route. Hummingbird's core storage carries the logger with the
/// request id (`hb.request.id`) in its metadata; the id is also returned as `X-Request-Id`.
public struct KaoheRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage

    /// Made by Hummingbird for each request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Request bodies above this are refused with 413 before a handler sees them.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}

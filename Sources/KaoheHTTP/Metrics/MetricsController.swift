import Hummingbird
import Prometheus

/// `/metrics` in the Prometheus text format, from the registry the daemon bootstrapped.
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<KaoheRequestContext>) {
        router.get("/metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return response
        }
    }
}

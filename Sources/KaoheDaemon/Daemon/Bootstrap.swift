public import Logging
import Metrics
public import Prometheus

/// Process-wide bootstrap, for executables only: logging to standard error with metadata as
/// key=value (the request id among them), metrics into a Prometheus registry.
public enum Bootstrap {
    /// Bootstraps LoggingSystem and MetricsSystem once; returns the registry `/metrics` renders.
    public static func process(logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}

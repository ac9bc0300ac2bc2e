public import Foundation

/// The executables this package builds, as the tests run them.
public enum BuiltProducts {
    /// The directory holding the built products (next to the test bundle).
    public static var directory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("kaohed").path) { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug").standardized
    }

    /// The path of the built executable `name` (`kaohed`, `kaohe`).
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Our environment without any `KAOHE_` setting, plus `extra`: what a product started by a test
    /// sees, so that the developer's own settings do not leak into it.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KAOHE_") }
        environment.merge(extra) { $1 }
        return environment
    }
}

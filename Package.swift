// swift-tools-version: 6.2
// kaohe (考核): the county assessment office's daemon. See docs/architecture.md for the module map.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "kaohe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kaohed", targets: ["kaohed"]),
        .executable(name: "kaohe", targets: ["kaohe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The .xlsx container (ZIP, deflate through the system's zlib).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // libpq, from Debian's libpq-dev. Only the Postgres module imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KaoheRules",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Schema/Migrations: the numbered SQL migrations, bundled as one folder (a new one needs no
        // edit here).
        .target(
            name: "KaoheSchema",
            path: "Schema",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // The office's downloads and uploads as spreadsheets: one sheet model written as CSV and as
        // .xlsx, each value kept as typed. Pure: no database, no HTTP.
        .target(
            name: "Spreadsheets",
            dependencies: ["KaoheRules", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KaoheStore",
            dependencies: [
                "Postgres",
                "Spreadsheets",
                "KaoheRules",
                "KaoheSchema",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Web passwords (网页控制台登录): bcrypt hashes on accounts.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KaoheHTTP",
            dependencies: [
                "KaoheStore",
                "Spreadsheets",
                "KaoheRules",
                "Postgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // The channel handler that gives HTTP parse errors their problem+json body.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("OpenAPI/openapi.json"), .copy("Dashboard/Templates"), .copy("Dashboard/Static")],
            swiftSettings: swiftSettings
        ),
        // Scheduled work (step closes, the spot-check freeze and draw), exactly once across daemons.
        .target(
            name: "KaoheJobs",
            dependencies: [
                "KaoheStore",
                "KaoheRules",
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both executables share: configuration, the embedded default, the service group.
        .target(
            name: "KaoheDaemon",
            dependencies: [
                "KaoheHTTP",
                "KaoheJobs",
                "KaoheRules",
                "KaoheStore",
                "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kaohed",
            dependencies: [
                "KaoheDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kaohe",
            dependencies: [
                "KaoheDaemon",
                "KaoheHTTP",
                "KaoheJobs",
                "KaoheRules",
                "KaoheStore",
                "Postgres",
                "Spreadsheets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks/: apart from the product (never installed, not a product), but built and
        // tested by every `swift build` and CI run so they cannot rot. See Benchmarks/README.md.
        .target(
            name: "KaoheBenchWorkloads",
            dependencies: ["KaoheRules", "KaoheStore", "Postgres"],
            path: "Benchmarks/KaoheBenchWorkloads",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kaohe-bench",
            dependencies: [
                "KaoheBenchWorkloads",
                "KaoheDaemon",
                "KaoheHTTP",
                "KaoheRules",
                "KaoheStore",
                "Postgres",
                "Spreadsheets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // bench ingest runs kaohed's HTTP app in-process: its ServiceGroup, its bound address.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/kaohe-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheBenchTests",
            dependencies: ["KaoheBenchWorkloads", "KaoheRules"],
            path: "Benchmarks/Tests/KaoheBenchTests",
            swiftSettings: swiftSettings
        ),
        // Starts the throwaway PostgreSQL cluster the integration tests share; the synthetic county
        // of the whole-cycle tests (enrolled through KaoheStore).
        .target(
            name: "KaoheTestSupport",
            dependencies: ["Postgres", "KaoheStore", "KaoheRules", "Spreadsheets", .product(name: "Logging", package: "swift-log")],
            path: "Tests/KaoheTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheRulesTests",
            dependencies: [
                "KaoheRules",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpreadsheetsTests",
            dependencies: ["Spreadsheets", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "KaoheTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheStoreTests",
            dependencies: ["KaoheStore", "KaoheRules", "Postgres", "KaoheTestSupport", "Spreadsheets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheDaemonTests",
            dependencies: [
                "KaoheDaemon", "KaoheHTTP", "KaoheStore", "KaoheRules", "Postgres", "KaoheTestSupport",
                .product(name: "Logging", package: "swift-log"),
                // The daemons' HTTP API from outside (a NIO client: no URLSession).
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheJobsTests",
            dependencies: [
                "KaoheJobs", "KaoheStore", "KaoheRules", "Postgres", "KaoheTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KaoheHTTPTests",
            dependencies: [
                "KaoheDaemon",
                "KaoheHTTP",
                "KaoheStore",
                "Postgres",
                "KaoheTestSupport",
                "Spreadsheets",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

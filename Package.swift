// swift-tools-version:6.2
import PackageDescription

/// System libraries are found through pkg-config; `providers` tells SwiftPM which Debian package
/// to suggest when one is missing.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

/// Settings for every target of ours: warnings are errors, explicit `any`, imports internal by default.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

/// The numeric targets are optimised in debug builds too: tests run the model and the feature
/// extractor in real time, which -Onone cannot keep up with.
let numeric: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "voxface",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "voxface", targets: ["voxface"]),
        .executable(name: "voxload", targets: ["voxload"]),
        .library(name: "VoxCore", targets: ["VoxCore"]),
        .library(name: "VoxDSP", targets: ["VoxDSP"]),
        .library(name: "VoxModel", targets: ["VoxModel"]),
        .library(name: "VoxMedia", targets: ["VoxMedia"]),
        .library(name: "VoxSettings", targets: ["VoxSettings"]),
        .library(name: "VoxServer", targets: ["VoxServer"]),
        .library(name: "VoxLoad", targets: ["VoxLoad"]),
        .library(name: "VoxStore", targets: ["VoxStore"]),
        .library(name: "VoxAvatars", targets: ["VoxAvatars"]),
        .library(name: "VoxLLM", targets: ["VoxLLM"]),
        .library(name: "VoxMatch", targets: ["VoxMatch"]),
        .library(name: "VoxDocuments", targets: ["VoxDocuments"]),
        .library(name: "VoxTwins", targets: ["VoxTwins"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        systemLibrary("COpus", pkgConfig: "opus", apt: "libopus-dev"),
        systemLibrary("CSndfile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CSoxr", pkgConfig: "soxr", apt: "libsoxr-dev"),
        // Headers only: OpenBLAS is loaded at run time (VoxModel/Engine/BLAS.swift), so no -l flag.
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        systemLibrary("CCrypto", pkgConfig: "libcrypto", apt: "libssl-dev"),

        .target(name: "VoxCore", swiftSettings: numeric),
        // Our C kernels for the matchmaking index (AVX2 chosen at run time, a generic fallback).
        .target(name: "CVoxKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "VoxDSP",
            dependencies: ["VoxCore", "CSndfile", "CSoxr"],
            swiftSettings: numeric
        ),
        .target(
            name: "VoxMedia",
            dependencies: ["VoxCore", "COpus", "CCrypto"],
            swiftSettings: numeric
        ),
        .target(
            name: "VoxModel",
            dependencies: ["VoxCore", "COpenBLAS", "CVoxKernels"],
            // The default face model (Tools/train/), found by DefaultModel at run time.
            resources: [.copy("DefaultModel")],
            swiftSettings: numeric
        ),
        // The embedded store (SQLite through GRDB, the system libsqlite3) and the event log.
        .target(name: "VoxStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        // The language-model client (OpenAI-compatible, streaming, circuit breaker, offline fallback).
        .target(
            name: "VoxLLM",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The avatar-state service: the simulation (pure values) and its storage behind a protocol.
        .target(
            name: "VoxAvatars",
            dependencies: ["VoxCore", "VoxStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The matchmaking service: profiles, voice traits, embeddings, the 3D space, rooms and
        // compatibility (optimised in debug builds too: its index and layout are numeric).
        .target(
            name: "VoxMatch",
            dependencies: [
                "VoxCore", "VoxDSP", "VoxModel", "VoxStore", "VoxAvatars", "CVoxKernels", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: numeric),
        // Digital twins: ingestion, memory with hybrid retrieval, the temporal graph, twin chat and
        // recommendations (plain logic; storage behind a protocol).
        // The twins' readers (iCalendar, chat exports, HTML, Markdown): pure, fuzzed on their own.
        .target(name: "VoxDocuments", swiftSettings: strict),
        .target(
            name: "VoxTwins",
            dependencies: [
                "VoxDocuments", "VoxStore", "VoxLLM", "VoxMatch", "CCrypto", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // A stream's settings and their rules (plain values; the request body is fuzzed on its own).
        .target(name: "VoxSettings", dependencies: ["VoxDSP", "VoxMedia", "VoxModel"], swiftSettings: strict),
        .target(
            name: "VoxServer",
            dependencies: [
                "VoxCore", "VoxDSP", "VoxModel", "VoxMedia", "VoxSettings", "VoxStore", "VoxAvatars", "VoxLLM", "VoxMatch", "VoxTwins",
                "CCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // The browser app (served at /).
            resources: [.copy("Web")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "voxface",
            dependencies: [
                "VoxCore", "VoxDSP", "VoxModel", "VoxServer", "VoxSettings", "VoxAvatars", "VoxLLM", "VoxMatch", "VoxTwins", "VoxStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Resources"],
            swiftSettings: strict
        ),
        .target(
            name: "VoxLoad",
            dependencies: ["VoxCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "voxload",
            dependencies: [
                "VoxCore", "VoxDSP", "VoxMedia", "VoxLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Helpers shared by the test targets (deadlines on anything that waits for a peer).
        .target(name: "VoxTestSupport", path: "Tests/VoxTestSupport", swiftSettings: strict),
        .testTarget(name: "VoxCoreTests", dependencies: ["VoxCore"], swiftSettings: strict),
        .testTarget(name: "VoxMediaTests", dependencies: ["VoxMedia", "VoxCore", "VoxDSP"], swiftSettings: strict),
        .testTarget(
            name: "VoxModelTests",
            dependencies: ["VoxModel", "VoxCore", "VoxDSP", "CVoxKernels"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VoxServerTests",
            dependencies: [
                "VoxServer", "VoxSettings", "VoxMedia", "VoxModel", "VoxDSP", "VoxCore", "VoxStore", "VoxAvatars", "VoxLLM", "VoxMatch",
                "VoxTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VoxStoreTests", dependencies: ["VoxStore", "VoxTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "VoxLLMTests",
            dependencies: ["VoxLLM", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict),
        .testTarget(
            name: "VoxAvatarsTests", dependencies: ["VoxAvatars", "VoxStore", "VoxTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VoxMatchTests", dependencies: ["VoxMatch", "VoxAvatars", "VoxStore", "VoxDSP", "VoxModel", "VoxTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VoxTwinsTests",
            dependencies: [
                "VoxTwins", "VoxDocuments", "VoxStore", "VoxMatch", "VoxLLM", "VoxModel", "VoxTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(name: "VoxLoadTests", dependencies: ["VoxLoad", "VoxCore"], swiftSettings: strict),
        .testTarget(
            name: "voxfaceTests",
            dependencies: [
                "voxface", "VoxCore", "VoxStore", "VoxMedia", "VoxTestSupport",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "VoxDSPTests",
            dependencies: ["VoxDSP", "VoxCore"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)

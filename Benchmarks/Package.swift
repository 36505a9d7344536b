// swift-tools-version:6.1
import PackageDescription

// Benchmarks for voxface, kept in their own package so that the benchmark package (and its
// malloc interposer) never becomes a dependency of the server itself. Run from this folder:
//   swift package benchmark
let package = Package(
    name: "voxface-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The repository root: its library products. Named so that the identity does not
        // depend on the name of the folder the repository is cloned into.
        .package(name: "voxface", path: ".."),
        // The MallocInterposer trait alone (no RuntimeInterposer): malloc counts on Swift 6.3.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FeatureBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VoxDSP", package: "voxface"),
                .product(name: "VoxCore", package: "voxface"),
                .product(name: "VoxModel", package: "voxface"),
            ],
            path: "Benchmarks/FeatureBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VoxDSP", package: "voxface"),
                .product(name: "VoxMedia", package: "voxface"),
                .product(name: "VoxServer", package: "voxface"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "AvatarBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VoxAvatars", package: "voxface"),
                .product(name: "VoxStore", package: "voxface"),
            ],
            path: "Benchmarks/AvatarBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "MatchBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VoxMatch", package: "voxface"),
                .product(name: "VoxAvatars", package: "voxface"),
                .product(name: "VoxCore", package: "voxface"),
                .product(name: "VoxModel", package: "voxface"),
            ],
            path: "Benchmarks/MatchBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "TwinBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VoxTwins", package: "voxface"),
                .product(name: "VoxMatch", package: "voxface"),
                .product(name: "VoxStore", package: "voxface"),
                .product(name: "VoxCore", package: "voxface"),
                .product(name: "VoxModel", package: "voxface"),
                .product(name: "VoxLLM", package: "voxface"),
            ],
            path: "Benchmarks/TwinBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
    ]
)

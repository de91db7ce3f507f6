// swift-tools-version: 6.1
// The ordo-one benchmark suite, a package of its own so the root `swift build` / `swift test` never
// fetch or build the benchmark framework. Run from this directory:
//   swift package benchmark                       (all benchmarks, release build)
//   swift package benchmark --filter "Pricing.*"  (a subset)
// The plugin finds suites as executable targets under `Benchmarks/`.
import PackageDescription

let package = Package(
    name: "PoolDeskBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PoolDesk", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PoolDeskBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PoolEngine", package: "PoolDesk"),
                .product(name: "PoolDeskCLI", package: "PoolDesk"),
            ],
            path: "Benchmarks/PoolDeskBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

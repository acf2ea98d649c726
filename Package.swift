// swift-tools-version: 6.0
import PackageDescription

// Layers, top to bottom; dependencies only point down:
//   sparktwin (CLI) -> TwinRun -> TwinScenario, TwinResults -> TwinWorkloads -> TwinModels -> TwinCore
let package = Package(
    name: "SparkTwin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sparktwin", targets: ["sparktwin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .target(name: "TwinCoreShims"),
        .target(name: "TwinCore", dependencies: ["TwinCoreShims"]),
        .target(name: "TwinModels", dependencies: ["TwinCore", "TwinCoreShims", .product(name: "HeapModule", package: "swift-collections")]),
        // The workload layer: LLM model descriptions and what they take, expanded into work the
        // models run.
        .target(name: "TwinWorkloads", dependencies: ["TwinModels"]),
        .target(
            name: "TwinScenario",
            dependencies: [
                "TwinModels",
                "TwinWorkloads",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "TwinResults",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "TwinRun", dependencies: ["TwinScenario", "TwinResults", "TwinWorkloads", "TwinModels", "TwinCore"]),
        .executableTarget(
            name: "sparktwin",
            dependencies: [
                "TwinRun",
                "TwinWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TwinCoreTests", dependencies: ["TwinCore"]),
        .testTarget(name: "TwinModelsTests", dependencies: ["TwinModels"]),
        .testTarget(name: "TwinScenarioTests", dependencies: ["TwinScenario", "TwinWorkloads"], resources: [.copy("BadScenarios")]),
        .testTarget(
            name: "TwinResultsTests",
            dependencies: ["TwinResults", "TwinRun", "TwinScenario", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Files the tests hand to the tool by path, not resources: calibration curves, results
        // databases of every schema version, and the fuzzer's regression inputs.
        .testTarget(name: "SparkTwinCLITests",
                    dependencies: ["TwinCore", "TwinRun", "TwinScenario", "TwinResults", .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Curves", "SchemaFixtures", "FuzzCases"]),
    ]
)

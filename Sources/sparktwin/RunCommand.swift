import ArgumentParser
import Foundation
import TwinResults
import TwinRun
import TwinScenario

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run scenarios and store their results.")

    @Argument(help: ArgumentHelp("Scenario files.", valueName: "scenario.yaml"))
    var scenarios: [String]

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Seed that replaces each scenario's run.seed.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value, e.g. machine.memory.tRCD=18ns.", valueName: "key.path=value"))
    var assignments: [String] = []

    @Option(name: .customLong("label"), help: ArgumentHelp("Label the runs (a release tag, a sweep name) for `compare --baseline/--candidate`. Repeatable.", valueName: "label"))
    var labels: [String] = []

    @Flag(help: "Show a progress line on standard error even when it is not a terminal.")
    var progress = false

    func validate() throws {
        for label in labels where label.isEmpty || !label.allSatisfy({ $0.isLetter || $0.isNumber || "._-/:+".contains($0) }) {
            throw ValidationError("--label: expected letters, digits or . _ - / : +, found \"\(label)\"")
        }
    }

    func run() throws {
        var overrides = assignments
        if let seed { overrides.append("run.seed=\(seed)") }
        let loaded = try loadScenarios(scenarios, overrides: overrides)
        let store: ResultStore
        do { store = try ResultStore(path: database.db) } catch { throw CleanExit.message(error: "\(error)") }
        let showProgress = progress || isatty(STDERR_FILENO) == 1
        var summary: [[String]] = [["run", "scenario", "status", "simulated", "wall", "events/s", "GEMM TFLOPS", "read GB/s",
                                    "GPU MHz", "package W", "die max C"]]
        var failures = 0
        for scenario in loaded {
            let outcome = ScenarioRunner.run(scenario, progress: showProgress ? { update in
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + "\(scenario.name): " + update.line).utf8))
            } : nil)
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            do { try ScenarioRunner.store(outcome, in: store, labels: labels) } catch { throw CleanExit.message(error: "\(error)") }
            let record = outcome.record
            func metric(_ name: String) -> String { outcome.metrics.first { $0.name == name }.map { formatNumber($0.value) } ?? "-" }
            summary.append([record.id, record.scenarioName, record.status,
                            formatSeconds(Double(record.simulatedPs) * 1e-12), String(format: "%.2f s", record.wallTimeS),
                            String(format: "%.2fM", Double(record.events) / max(record.wallTimeS, 1e-9) / 1e6),
                            metric("gpu.gemm.throughput"), metric("gpu.read.bandwidth"), metric("clock.gpu.mean"),
                            metric("power.package.mean"), metric("temp.gpu_die.max")])
            if record.statusMessage.hasPrefix("thermal shutdown") {
                printError("warning: \(scenario.file): run \(record.id) ended in a \(record.statusMessage)")
            }
            if !outcome.finished {
                failures += 1
                printError("error: \(scenario.file): run \(record.id) failed: \(record.statusMessage)")
            }
            for expectation in outcome.expectations where !expectation.passed {
                failures += 1
                let value = expectation.value.map(formatNumber) ?? "missing"
                printError("\(scenario.file): expectation failed: \(expectation.metric) = \(value) \(expectation.unit), expected \(formatNumber(expectation.target)) \(expectation.unit) \(expectation.tolerance)")
            }
        }
        printTable(summary, rightAligned: [3, 4, 5, 6, 7, 8, 9, 10])
        if failures > 0 { throw ExitCode.failure }
    }
}

/// Loads every scenario, printing all problems of all files before giving up.
func loadScenarios(_ paths: [String], overrides: [String]) throws -> [Scenario] {
    let scenarios = try loadAll(paths) { try ScenarioLoader.load(path: $0, overrides: overrides) }
    for warning in scenarios.flatMap(\.warnings) { printError(warning.description) }
    return scenarios
}

/// Loads every file with `load`, printing all problems of all files before giving up.
func loadAll<T>(_ paths: [String], _ load: (String) throws -> T) throws -> [T] {
    var loaded: [T] = []
    var problems = 0
    for path in paths {
        do {
            loaded.append(try load(path))
        } catch let error as ScenarioError {
            problems += error.diagnostics.count
            printError(error.description)
        }
    }
    if problems > 0 {
        printError("\(problems) error\(problems == 1 ? "" : "s"); nothing was run")
        throw ExitCode.validationFailure
    }
    return loaded
}

extension CleanExit {
    /// An error message and a failing exit status, without a usage dump.
    static func message(error: String) -> ExitCode {
        printError("error: \(error)")
        return ExitCode.failure
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate scenarios, calibration curves and sweeps without running them.",
        discussion: "A sweep is checked point by point: every point's scenario must load.")

    @Argument(help: ArgumentHelp("Scenario, calibration or sweep files.", valueName: "file.yaml"))
    var scenarios: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value.", valueName: "key.path=value"))
    var assignments: [String] = []

    /// What a file holds, from its top-level keys.
    static func kind(of path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "scenario" }
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("#") {
            if line.hasPrefix("curve:") { return "curve" }
            if line.hasPrefix("sweep:") { return "sweep" }
        }
        return "scenario"
    }

    func run() throws {
        var failed = false
        var scenarioPaths: [String] = []
        for path in scenarios {
            switch Self.kind(of: path) {
            case "curve":
                do {
                    if case .curve(let curve) = try CalibrationLoader.load(path: path) {
                        print("\(path): ok (curve \(curve.name), \(curve.points.count) points of \(curve.metric))")
                    }
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case "sweep":
                do {
                    let sweep = try SweepLoader.load(path: path)
                    var bad = 0
                    for point in sweep.points {
                        do { _ = try ScenarioLoader.load(path: sweep.scenarioPath, overrides: point.overrides + assignments) } catch let error as ScenarioError {
                            bad += 1
                            printError("\(path): point \(point.index) (\(point.overrides.joined(separator: " "))):\n\(error.description)")
                        }
                    }
                    if bad > 0 { failed = true } else { print("\(path): ok (sweep \(sweep.name), \(sweep.points.count) points)") }
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            default:
                scenarioPaths.append(path)
            }
        }
        if !scenarioPaths.isEmpty {
            let loaded = try loadScenarios(scenarioPaths, overrides: assignments)
            for scenario in loaded {
                print("\(scenario.file): ok (\(scenario.name), \(scenario.workload.count) phase\(scenario.workload.count == 1 ? "" : "s"), \(scenario.expectations.count) expectation\(scenario.expectations.count == 1 ? "" : "s"))")
            }
        }
        if failed { throw ExitCode.validationFailure }
    }
}

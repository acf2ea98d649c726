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

    // Read as text so that "-1" is a value to reject, not an unknown option.
    @Option(name: .customLong("seed"), parsing: .unconditional, help: ArgumentHelp("Seed that replaces each scenario's run.seed (0 to 18446744073709551615).", valueName: "n"))
    var seedText: String?

    var seed: UInt64? { seedText.flatMap { UInt64($0.replacingOccurrences(of: "_", with: "")) } }

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value, e.g. machine.memory.tRCD=18ns.", valueName: "key.path=value"))
    var assignments: [String] = []

    @Option(name: .customLong("label"), help: ArgumentHelp("Label the runs (a release tag, a sweep name) for `compare --baseline/--candidate`. Repeatable.", valueName: "label"))
    var labels: [String] = []

    @Flag(help: "Show a progress line on standard error even when it is not a terminal.")
    var progress = false

    @Flag(help: "Fast mode: measure every unit cost anew, without reading or adding to the costs the database keeps.")
    var cold = false

    func validate() throws {
        if let seedText, seed == nil {
            throw ValidationError("--seed: expected a whole number from 0 to 18446744073709551615, found \"\(seedText)\"")
        }
        for label in labels where label.isEmpty || !label.allSatisfy({ $0.isLetter || $0.isNumber || "._-/:+".contains($0) }) {
            throw ValidationError("--label: expected letters, digits or . _ - / : +, found \"\(label)\"")
        }
    }

    func run() throws {
        var overrides = assignments
        if let seed { overrides.append("run.seed=\(seed)") }
        let loaded = try loadScenarios(scenarios, overrides: overrides)
        let store = try database.openForWriting()
        let showProgress = progress || isatty(STDERR_FILENO) == 1
        Interruption.install()
        var summary: [[String]] = [["run", "scenario", "status", "simulated", "wall", "events/s", "GEMM TFLOPS", "read GB/s",
                                    "GPU MHz", "package W", "die max C"]]
        var failures = 0
        for scenario in loaded {
            let outcome = ScenarioRunner.run(scenario, keptCosts: cold ? nil : store, progress: showProgress ? { update in
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + "\(scenario.name): " + update.line).utf8))
            } : nil)
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if outcome.interrupted {
                if summary.count > 1 { printTable(summary, rightAligned: [3, 4, 5, 6, 7, 8, 9, 10]) }
                printError("interrupted: \(scenario.file) was not finished and nothing of it was stored")
                throw ExitCode(130)
            }
            do { try ScenarioRunner.store(outcome, in: store, labels: labels) } catch { throw CleanExit.message(error: "\(error)") }
            let record = outcome.record
            // A row per node; a node's own time is its sim.time.
            for node in scenario.nodes {
                let prefix = node.name.map { "\($0)." } ?? ""
                func metric(_ name: String) -> String {
                    outcome.metrics.first { $0.name == prefix + name }.map { formatNumber($0.value) } ?? "-"
                }
                let simulated = node.name == nil ? Double(record.simulatedPs) * 1e-12
                    : outcome.metrics.first { $0.name == prefix + "sim.time" }?.value ?? 0
                summary.append([record.id, record.scenarioName + (node.name.map { "/\($0)" } ?? ""), record.status,
                                formatSeconds(simulated), String(format: "%.2f s", record.wallTimeS),
                                String(format: "%.2fM", Double(record.events) / max(record.wallTimeS, 1e-9) / 1e6),
                                metric("gpu.gemm.throughput"), metric("gpu.read.bandwidth"), metric("clock.gpu.mean"),
                                metric("power.package.mean"), metric("temp.gpu_die.max")])
            }
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
        discussion: "A sweep is checked value by value: each value of each key over the base scenario, then its first point whole; each problem is reported once, where it is in the sweep file.")

    @Argument(help: ArgumentHelp("Scenario, calibration or sweep files.", valueName: "file.yaml"))
    var scenarios: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value.", valueName: "key.path=value"))
    var assignments: [String] = []

    func run() throws {
        var failed = false
        var scenarioPaths: [String] = []
        for path in scenarios {
            // A file that cannot be read is left to the scenario loader, which says why.
            let kind = (try? ScenarioLoader.readText(path: path)).map(InputKind.init(text:)) ?? .scenario
            switch kind {
            case .tolerances:
                do {
                    let table = try ToleranceFileLoader.load(path: path)
                    print("\(path): ok (tolerances, \(table.perMetric.count) metric pattern\(table.perMetric.count == 1 ? "" : "s"))")
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case .curve:
                do {
                    if case .curve(let curve) = try CalibrationLoader.load(path: path) {
                        print("\(path): ok (curve \(curve.name), \(curve.points.count) points of \(curve.metric))")
                    }
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case .sweep:
                do {
                    let sweep = try SweepLoader.load(path: path)
                    let problems = checkSweep(sweep, extra: assignments, progress: isatty(STDERR_FILENO) == 1)
                    if !problems.isEmpty {
                        printError(problems.map(\.description).joined(separator: "\n"))
                        failed = true
                    } else {
                        print("\(path): ok (sweep \(sweep.name), \(grouped(sweep.count)) points)")
                    }
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case .model:
                do {
                    let model = try ModelFile.load(path: path)
                    print("\(path): ok (model \(model.name), \(model.layers) layers, weights \(model.variants.map(\.name).joined(separator: ", ")))")
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case .profile:
                do {
                    let profile = try ProfileFile.load(path: path)
                    print("\(path): ok (software profile \(profile.name))")
                } catch let error as ScenarioError {
                    printError(error.description)
                    failed = true
                }
            case .scenario:
                scenarioPaths.append(path)
            }
        }
        if !scenarioPaths.isEmpty {
            let loaded = try loadScenarios(scenarioPaths, overrides: assignments)
            for scenario in loaded {
                let phases = scenario.nodes.map(\.program.phases.count).reduce(0, +)
                let nodes = scenario.nodes.count > 1 ? "\(scenario.nodes.count) nodes, " : ""
                print("\(scenario.file): ok (\(scenario.name), \(nodes)\(phases) phase\(phases == 1 ? "" : "s"), \(scenario.expectations.count) expectation\(scenario.expectations.count == 1 ? "" : "s"))")
            }
        }
        if failed { throw ExitCode.validationFailure }
    }
}

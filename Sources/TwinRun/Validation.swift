import Foundation
import TwinScenario
import TwinModels

/// One line of the validation table: a figure, what was measured, what the twin gives.
public struct ValidationRow: Sendable {
    public var figure: String
    public var measured: String
    public var simulated: String
    /// Signed relative error for single figures, mean absolute percentage error for curves.
    public var error: String
    public var tolerance: String
    public var passed: Bool
}

/// A simulated point of a curve, for the detailed listing.
public struct CurvePointResult: Sendable {
    public var label: String
    public var measured: Double
    public var simulated: Double
    public var events: UInt64
    public var wallSeconds: Double
}

/// The outcome of one calibration file.
public struct ValidationResult: Sendable {
    public var file: String
    public var rows: [ValidationRow]
    public var points: [CurvePointResult]
    public var events: UInt64
    public var wallSeconds: Double

    public var passed: Bool { rows.allSatisfy(\.passed) }
}

/// Runs calibration files and compares the twin with the measurements.
public enum Validator {
    /// Validates `files`, spreading their runs (a scenario is one run, a curve one per point)
    /// over `jobs` threads. Results come back in file order and do not depend on `jobs`: every
    /// run is deterministic and independent of the others.
    ///
    /// - Parameter progress: called as runs start and finish, from the threads running them.
    public static func validate(_ files: [(path: String, file: CalibrationFile)], jobs: Int,
                                progress: (@Sendable (SweepProgress) -> Void)? = nil) -> [ValidationResult] {
        let runsPerFile = files.map { scenarios(of: $0.file) }
        var outcomes = runAll(runsPerFile.flatMap { $0 }, jobs: jobs, progress: progress)[...]
        return zip(files, runsPerFile).map { entry, runs in
            let own = Array(outcomes.prefix(runs.count))
            outcomes = outcomes.dropFirst(runs.count)
            return evaluate(entry.file, path: entry.path, outcomes: own)
        }
    }

    static func scenarios(of file: CalibrationFile) -> [Scenario] {
        switch file {
        case .scenario(let scenario): [scenario]
        case .curve(let curve): curve.points.map(\.scenario)
        }
    }

    /// Runs `scenarios` on up to `jobs` threads, each taking the next run not yet started.
    ///
    /// - Parameter keepSignals: validation reads metrics and expectations only, and drops the
    ///   series to keep memory flat; snapshots keep them.
    static func runAll(_ scenarios: [Scenario], jobs: Int, keepSignals: Bool = false,
                       progress: (@Sendable (SweepProgress) -> Void)?) -> [RunOutcome] {
        let queue = RunQueue(total: scenarios.count)
        let results = OutcomeSlots(count: scenarios.count)
        let start = Date()
        let report: @Sendable () -> Void = { progress?(queue.snapshot(wallSeconds: Date().timeIntervalSince(start))) }
        RunQueue.onThreads(jobs: jobs, runs: scenarios.count) {
            while let index = queue.next(limit: scenarios.count) {
                report()
                var outcome = ScenarioRunner.run(scenarios[index])
                if !keepSignals { outcome.signals = [] }
                results.store(outcome, at: index)
                queue.finish(point: index, failure: outcome.finished ? nil : outcome.record.statusMessage)
                report()
            }
        }
        return results.all()
    }

    /// Run outcomes by index, filled by several threads, behind a lock.
    final class OutcomeSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var outcomes: [RunOutcome?]

        init(count: Int) { outcomes = Array(repeating: nil, count: count) }

        func store(_ outcome: RunOutcome, at index: Int) { lock.withLock { outcomes[index] = outcome } }

        func all() -> [RunOutcome] { lock.withLock { outcomes.map { $0! } } }
    }

    static func evaluate(_ file: CalibrationFile, path: String, outcomes: [RunOutcome]) -> ValidationResult {
        switch file {
        case .scenario(let scenario): evaluate(scenario, path: path, outcome: outcomes[0])
        case .curve(let curve): evaluate(curve, path: path, outcomes: outcomes)
        }
    }

    static func evaluate(_ scenario: Scenario, path: String, outcome: RunOutcome) -> ValidationResult {
        var rows: [ValidationRow] = []
        guard outcome.finished else {
            rows.append(ValidationRow(figure: scenario.name, measured: "-", simulated: "run failed", error: outcome.record.statusMessage,
                                      tolerance: "-", passed: false))
            return ValidationResult(file: path, rows: rows, points: [], events: UInt64(outcome.record.events), wallSeconds: outcome.record.wallTimeS)
        }
        for expectation in outcome.expectations {
            let error = expectation.value.map { expectation.target != 0 ? ($0 - expectation.target) / abs(expectation.target) : 0 }
            rows.append(ValidationRow(
                figure: "\(scenario.name): \(expectation.metric)",
                measured: "\(format(expectation.target)) \(expectation.unit)",
                simulated: expectation.value.map { "\(format($0)) \(expectation.unit)" } ?? "missing",
                error: error.map { String(format: "%+.1f %%", $0 * 100) } ?? "-",
                tolerance: expectation.tolerance, passed: expectation.passed))
        }
        return ValidationResult(file: path, rows: rows, points: [], events: UInt64(outcome.record.events), wallSeconds: outcome.record.wallTimeS)
    }

    static func evaluate(_ curve: CalibrationCurve, path: String, outcomes: [RunOutcome]) -> ValidationResult {
        var points: [CurvePointResult] = []
        var failures: [String] = []
        for (point, outcome) in zip(curve.points, outcomes) {
            let value = outcome.metrics.first { $0.name == curve.metric }?.value
            if !outcome.finished || value == nil { failures.append(point.label) }
            points.append(CurvePointResult(label: point.label, measured: point.measured, simulated: value ?? .nan,
                                           events: UInt64(outcome.record.events), wallSeconds: outcome.record.wallTimeS))
        }
        let events = points.reduce(0) { $0 + $1.events }
        let wall = points.reduce(0) { $0 + $1.wallSeconds }
        guard failures.isEmpty else {
            let row = ValidationRow(figure: curve.name, measured: "\(points.count) points", simulated: "runs failed",
                                    error: failures.joined(separator: ", "), tolerance: "-", passed: false)
            return ValidationResult(file: path, rows: [row], points: points, events: events, wallSeconds: wall)
        }
        let measured = points.map(\.measured)
        let simulated = points.map(\.simulated)
        let mape = meanAbsolutePercentageError(measured: measured, simulated: simulated)
        var rows = [ValidationRow(
            figure: "\(curve.name): \(curve.metric)", measured: "\(points.count) points", simulated: "curve",
            error: String(format: "MAPE %.1f %%", mape * 100), tolerance: String(format: "≤ %g %% MAPE", curve.tolerance * 100),
            passed: mape <= curve.tolerance)]
        for feature in curve.features {
            switch feature {
            case .edge:
                // A cache edge makes things worse: bandwidth drops, latency rises.
                let worse = MetricDirection.of(curve.metric) == .lowerIsBetter ? { (v: [Double]) in v.map { 1 / $0 } } : { $0 }
                let m = largestDrop(worse(measured)), s = largestDrop(worse(simulated))
                rows.append(ValidationRow(
                    figure: "\(curve.name): edge", measured: "\(points[m].label) → \(points[m + 1].label)",
                    simulated: "\(points[s].label) → \(points[s + 1].label)", error: "\(s - m) points",
                    tolerance: "±1 point", passed: abs(s - m) <= 1))
            case .steps:
                let m = steps(measured, threshold: curve.stepThreshold), s = steps(simulated, threshold: curve.stepThreshold)
                let found = m.filter { i in s.contains { abs($0 - i) <= 1 } }.count
                let real = s.filter { i in m.contains { abs($0 - i) <= 1 } }.count
                let recall = m.isEmpty ? 1 : Double(found) / Double(m.count)
                let precision = s.isEmpty ? (m.isEmpty ? 1 : 0) : Double(real) / Double(s.count)
                rows.append(ValidationRow(
                    figure: "\(curve.name): steps (> \(format(curve.stepThreshold * 100)) % drops)",
                    measured: "\(m.count) steps", simulated: "\(s.count) steps",
                    error: String(format: "%.0f %% found, %.0f %% real", recall * 100, precision * 100),
                    tolerance: "≥ 50 % each", passed: recall >= 0.5 && precision >= 0.5))
            }
        }
        return ValidationResult(file: path, rows: rows, points: points, events: events, wallSeconds: wall)
    }

    public static func meanAbsolutePercentageError(measured: [Double], simulated: [Double]) -> Double {
        let terms = zip(measured, simulated).map { abs($1 - $0) / abs($0) }
        return terms.reduce(0, +) / Double(max(1, terms.count))
    }

    /// Index i of the neighbours (i, i + 1) with the largest relative drop (a cache edge).
    public static func largestDrop(_ values: [Double]) -> Int {
        var best = 0
        var bestChange = -Double.infinity
        for i in 0..<(values.count - 1) {
            let change = log(values[i] / values[i + 1])
            if change > bestChange {
                bestChange = change
                best = i
            }
        }
        return best
    }

    /// Indices i where values[i + 1] falls below values[i] by more than `threshold` (a fraction).
    public static func steps(_ values: [Double], threshold: Double) -> [Int] {
        (0..<max(0, values.count - 1)).filter { values[$0 + 1] < values[$0] * (1 - threshold) }
    }

    static func format(_ value: Double) -> String {
        if value != 0 && (abs(value) >= 1e6 || abs(value) < 1e-3) { return String(format: "%.4g", value) }
        return String(format: "%.4g", value)
    }
}

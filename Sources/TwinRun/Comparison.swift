import Foundation
import TwinResults
import TwinScenario

/// Which way a metric should move to be better.
public enum MetricDirection: String, Sendable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    /// Neither way is better in itself (bytes moved, kernel counts); a change is reported.
    case neutral
    /// About the simulator, not the machine (events, wall time): shown, never judged.
    case informational = "info"

    /// The direction of a metric, from its name. Names are part of the interface, so this
    /// table is too; a metric it does not know is neutral.
    public static func of(_ metric: String) -> MetricDirection {
        if metric.hasPrefix("sim.") || metric.hasPrefix("fast.") { return .informational }
        let lower = ["latency", "power.", "energy.", "temp.", "throttle.", "time.", "kernel_time", "loss",
                     "refresh.overhead", "shutdown", "_tau"]
        let higher = ["throughput", "bandwidth", "hit_rate", "clock.", "sm_clock", "sustained_ratio"]
        if metric == "power.limit" { return .neutral }
        if lower.contains(where: metric.contains) { return .lowerIsBetter }
        if higher.contains(where: metric.contains) { return .higherIsBetter }
        return .neutral
    }
}

/// The verdict on one metric.
public enum Verdict: String, Sendable {
    case same = "same"
    case improved
    case regressed
    /// Moved beyond tolerance, and the metric has no better direction.
    case changed
    case informational = "info"
    /// Present in one run only.
    case missing
}

/// One metric of a comparison.
public struct MetricComparison: Sendable, Equatable {
    public var scenario: String
    public var metric: String
    public var unit: String
    public var baseline: Double?
    public var candidate: Double?
    public var tolerance: String
    public var verdict: Verdict

    public var change: Double? { baseline.flatMap { b in candidate.map { $0 - b } } }
    public var relativeChange: Double? {
        guard let b = baseline, let c = candidate else { return nil }
        return b == 0 ? (c == 0 ? 0 : .infinity * (c > 0 ? 1 : -1)) : (c - b) / abs(b)
    }
}

/// A pair of runs compared, and why their comparison may not be like for like.
public struct RunPairComparison: Sendable {
    public var scenario: String
    public var baseline: RunRecord
    public var candidate: RunRecord
    /// Differences in provenance: scenario hash, seed, tool version.
    public var provenanceWarnings: [String]
    public var metrics: [MetricComparison]
}

/// Compares the metrics of runs.
public enum Comparator {
    public static func compare(baseline: RunRecord, baselineMetrics: [MetricRecord],
                               candidate: RunRecord, candidateMetrics: [MetricRecord],
                               tolerances: ToleranceTable) -> RunPairComparison {
        var warnings: [String] = []
        if baseline.scenarioHash != candidate.scenarioHash {
            warnings.append("scenario hash differs (\(baseline.scenarioHash.prefix(12)) vs \(candidate.scenarioHash.prefix(12))): the scenarios are not the same text and overrides")
        }
        if baseline.seed != candidate.seed {
            warnings.append("seed differs (\(baseline.seedValue) vs \(candidate.seedValue))")
        }
        if baseline.toolVersion != candidate.toolVersion {
            warnings.append("tool version differs (\(baseline.toolVersion) vs \(candidate.toolVersion))")
        }
        let candidateByName = Dictionary(candidateMetrics.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let baselineNames = Set(baselineMetrics.map(\.name))
        var rows: [MetricComparison] = []
        for b in baselineMetrics {
            let c = candidateByName[b.name]
            let tolerance = tolerances.tolerance(for: b.name)
            rows.append(MetricComparison(scenario: baseline.scenarioName, metric: b.name, unit: b.unit, baseline: b.value,
                                         candidate: c?.value, tolerance: tolerance.description,
                                         verdict: c.map { verdict(b.name, b.value, $0.value, tolerance) } ?? .missing))
        }
        for c in candidateMetrics where !baselineNames.contains(c.name) {
            rows.append(MetricComparison(scenario: baseline.scenarioName, metric: c.name, unit: c.unit, baseline: nil,
                                         candidate: c.value, tolerance: tolerances.tolerance(for: c.name).description, verdict: .missing))
        }
        return RunPairComparison(scenario: baseline.scenarioName, baseline: baseline, candidate: candidate,
                                 provenanceWarnings: warnings, metrics: rows)
    }

    static func verdict(_ metric: String, _ baseline: Double, _ candidate: Double, _ tolerance: CompareTolerance) -> Verdict {
        let direction = MetricDirection.of(metric)
        if direction == .informational { return .informational }
        if tolerance.accepts(baseline: baseline, candidate: candidate) { return .same }
        switch direction {
        case .higherIsBetter: return candidate > baseline ? .improved : .regressed
        case .lowerIsBetter: return candidate < baseline ? .improved : .regressed
        case .neutral, .informational: return .changed
        }
    }

    /// Pairs the runs of two labels: runs of the same scenario name and overrides, the latest
    /// of each label. Runs with no partner are returned apart.
    public static func pair(baseline: [RunRecord], candidate: [RunRecord])
        -> (pairs: [(RunRecord, RunRecord)], unmatchedBaseline: [RunRecord], unmatchedCandidate: [RunRecord]) {
        func key(_ run: RunRecord) -> String { run.scenarioName + "\u{0}" + run.overrides }
        func latest(_ runs: [RunRecord]) -> [String: RunRecord] {
            var out: [String: RunRecord] = [:]
            for run in runs { out[key(run)] = run }  // runs come oldest first
            return out
        }
        let b = latest(baseline), c = latest(candidate)
        let pairs = b.keys.sorted().compactMap { k in c[k].map { (b[k]!, $0) } }
        return (pairs, b.keys.sorted().filter { c[$0] == nil }.map { b[$0]! }, c.keys.sorted().filter { b[$0] == nil }.map { c[$0]! })
    }
}

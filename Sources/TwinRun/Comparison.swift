import Foundation
import TwinModels
import TwinResults
import TwinScenario
import TwinWorkloads
import Yams

extension MetricDirection {
    /// The direction of a metric, from its declaration (see `Machine.direction(of:)`).
    public static func of(_ metric: String) -> MetricDirection { declaredMetric(metric)?.better ?? .neutral }
}

/// The unit and direction of metric `name` from its declaration: the machine's (a node's, a
/// step's) or an LLM run's (`llm.decode.tokens_per_s`, `llm2.…`, `spark1.llm.…`).
func declaredMetric(_ name: String) -> (unit: String, better: MetricDirection)? {
    if let declared = Machine.declaredMetric(name) { return declared }
    let metric = Machine.nodeMetric(name)
    guard let dot = metric.firstIndex(of: "."), metric[..<dot].hasPrefix("llm"), metric[..<dot].dropFirst(3).allSatisfy(\.isNumber) else { return nil }
    return LLMMetrics.declaration("llm" + metric[dot...]).map { ($0.unit, $0.better) }
}

/// How a change of a metric is measured.
public enum ChangeScale: String, Sendable {
    /// As a fraction of the baseline: rates, bandwidths, powers, energies, counts.
    case relative
    /// In the metric's own unit: temperatures (a percentage of °C means nothing), ratios
    /// (percentage points) and times at which something happened.
    case absolute
}

/// What a metric is, for comparing it: its better direction (from its declaration), how its
/// change is measured, the tolerance when none is given for it, and whether −1 means "never"
/// (times of first events).
///
/// Ratios (shares, utilizations, hit rates) and temperatures are compared in their unit, the
/// rest relatively; a metric no declaration knows is neutral and relative.
public struct MetricKind: Sendable, Equatable {
    public var direction: MetricDirection
    public var scale: ChangeScale
    /// Used when neither `--metric-tolerance` nor a tolerance file names the metric; nil takes
    /// the table's default (1 % unless `--tolerance` says otherwise).
    public var defaultTolerance: CompareTolerance?
    /// −1 stands for "never happened", which is later than any time.
    public var negativeMeansNever = false

    /// Temperatures move by tenths of a degree between equivalent runs.
    static let temperatureTolerance = CompareTolerance.absolute(0.5)
    /// One percentage point.
    static let ratioTolerance = CompareTolerance.absolute(0.01)
    /// Five periods of the `dgx-spark` governor: first-throttle times are quantised to its period.
    static let eventTimeTolerance = CompareTolerance.absolute(0.05)

    /// The kind of a metric, from its declaration.
    public static func of(_ name: String) -> MetricKind {
        // A node's metric (`spark1.temp.gpu_die.max`) is of the kind of the metric it names.
        let metric = Machine.nodeMetric(name)
        let declared = declaredMetric(metric)
        let direction = declared?.better ?? .neutral
        if metric.hasPrefix("throttle.first") {
            // A later first throttle is better; -1 (never) is best.
            return MetricKind(direction: direction, scale: .absolute, defaultTolerance: eventTimeTolerance, negativeMeansNever: true)
        }
        switch (metric, declared?.unit) {
        case ("thermal.shutdown", _): return MetricKind(direction: direction, scale: .absolute, defaultTolerance: .absolute(0))
        case (_, "C"): return MetricKind(direction: direction, scale: .absolute, defaultTolerance: temperatureTolerance)
        case (_, "ratio"): return MetricKind(direction: direction, scale: .absolute, defaultTolerance: ratioTolerance)
        default: return MetricKind(direction: direction, scale: .relative)
        }
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

    public var kind: MetricKind { MetricKind.of(metric) }

    /// Whether a value is the "never" of a first-event time.
    func isNever(_ value: Double?) -> Bool { kind.negativeMeansNever && (value ?? 0) < 0 }

    /// Candidate minus baseline, in the metric's unit; nil when one side is missing or "never".
    public var change: Double? {
        guard !isNever(baseline), !isNever(candidate) else { return nil }
        return baseline.flatMap { b in candidate.map { $0 - b } }
    }

    /// The change as a fraction of the baseline, for metrics compared relatively; nil for those
    /// compared in their unit (temperatures, ratios, times of events).
    public var relativeChange: Double? {
        guard kind.scale == .relative, let b = baseline, let c = candidate else { return nil }
        return b == 0 ? (c == 0 ? 0 : .infinity * (c > 0 ? 1 : -1)) : (c - b) / abs(b)
    }

    /// A value as shown: "never" for a first-event time that did not happen.
    public func shown(_ value: Double?) -> String? {
        guard let value else { return nil }
        return isNever(value) ? "never" : nil
    }
}

/// A pair of runs compared, and why their comparison may not be like for like.
public struct RunPairComparison: Sendable {
    public var scenario: String
    public var baseline: RunRecord
    public var candidate: RunRecord
    /// Differences in provenance: scenario hash, seed, tool version.
    public var provenanceWarnings: [String]
    /// Scenario keys whose values differ, `key: baseline → candidate`, when the scenarios do.
    public var scenarioDifferences: [String] = []
    public var metrics: [MetricComparison]
}

/// Compares the metrics of runs.
public enum Comparator {
    public static func compare(baseline: RunRecord, baselineMetrics: [MetricRecord],
                               candidate: RunRecord, candidateMetrics: [MetricRecord],
                               tolerances: ToleranceTable) -> RunPairComparison {
        var warnings: [String] = []
        var differences: [String] = []
        if baseline.scenarioHash != candidate.scenarioHash {
            differences = ScenarioDifference.keys(baselineText: baseline.scenarioText, baselineOverrides: baseline.overrideList,
                                                   candidateText: candidate.scenarioText, candidateOverrides: candidate.overrideList)
            let listed = differences.isEmpty ? "the texts differ in comments or layout only" : differences.joined(separator: "; ")
            warnings.append("scenarios differ (hash \(baseline.scenarioHash.prefix(12)) vs \(candidate.scenarioHash.prefix(12))): \(listed)")
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
            let tolerance = tolerances.explicitTolerance(for: b.name) ?? MetricKind.of(b.name).defaultTolerance ?? tolerances.defaultTolerance
            rows.append(MetricComparison(scenario: baseline.scenarioName, metric: b.name, unit: b.unit, baseline: b.value,
                                         candidate: c?.value, tolerance: tolerance.description,
                                         verdict: c.map { verdict(b.name, b.value, $0.value, tolerance) } ?? .missing))
        }
        for c in candidateMetrics where !baselineNames.contains(c.name) {
            rows.append(MetricComparison(scenario: baseline.scenarioName, metric: c.name, unit: c.unit, baseline: nil,
                                         candidate: c.value, tolerance: tolerances.tolerance(for: c.name).description, verdict: .missing))
        }
        var result = RunPairComparison(scenario: baseline.scenarioName, baseline: baseline, candidate: candidate,
                                       provenanceWarnings: warnings, metrics: rows)
        result.scenarioDifferences = differences
        return result
    }

    static func verdict(_ metric: String, _ baseline: Double, _ candidate: Double, _ tolerance: CompareTolerance) -> Verdict {
        let kind = MetricKind.of(metric)
        let direction = kind.direction
        if direction == .informational { return .informational }
        if kind.negativeMeansNever {
            // "Never" is later than any time: compare it as such.
            let (bNever, cNever) = (baseline < 0, candidate < 0)
            if bNever && cNever { return .same }
            if bNever || cNever { return cNever ? .improved : .regressed }
        }
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

/// The scenario keys two runs disagree on, read from their stored texts and overrides.
enum ScenarioDifference {
    /// `key: baseline → candidate` for every leaf that differs, in key order; `(none)` marks a
    /// key one side lacks. Texts that do not parse are compared as a whole.
    static func keys(baselineText: String, baselineOverrides: [String], candidateText: String, candidateOverrides: [String]) -> [String] {
        guard let b = ScenarioLoader.flatten(text: baselineText, overrides: baselineOverrides),
              let c = ScenarioLoader.flatten(text: candidateText, overrides: candidateOverrides) else {
            return baselineText == candidateText ? [] : ["(the scenario texts differ)"]
        }
        return Set(b.keys).union(c.keys).sorted().compactMap { key in
            b[key] == c[key] || key == "description" ? nil : "\(key): \(b[key] ?? "(none)") → \(c[key] ?? "(none)")"
        }
    }
}

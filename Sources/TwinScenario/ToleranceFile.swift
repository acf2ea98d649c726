import Foundation
import Yams

/// How far a metric may move before it counts as changed.
public enum CompareTolerance: Sendable, Equatable, CustomStringConvertible {
    /// A fraction of the baseline.
    case relative(Double)
    /// An amount in the metric's unit.
    case absolute(Double)

    /// Parses `2 %`, `2%` or `0.5` (absolute, in the metric's unit).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else { return nil }
            self = .relative(value / 100)
        } else {
            guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
            self = .absolute(value)
        }
    }

    public var description: String {
        switch self {
        case .relative(let f): String(format: "%g %%", f * 100)
        case .absolute(let a): String(format: "%g", a)
        }
    }

    public func accepts(baseline: Double, candidate: Double) -> Bool {
        switch self {
        case .relative(let f): abs(candidate - baseline) <= abs(baseline) * f + 1e-12 * max(abs(baseline), 1)
        case .absolute(let a): abs(candidate - baseline) <= a
        }
    }
}

/// Tolerances: a default, and per metric (exact name, or a prefix ending in `*`).
public struct ToleranceTable: Sendable, Equatable {
    public var defaultTolerance: CompareTolerance
    public var perMetric: [(pattern: String, tolerance: CompareTolerance)]

    public init(defaultTolerance: CompareTolerance = .relative(0.01), perMetric: [(String, CompareTolerance)] = []) {
        self.defaultTolerance = defaultTolerance
        self.perMetric = perMetric.map { (pattern: $0.0, tolerance: $0.1) }
    }

    /// The tolerance of a metric: the exact name first, then the longest matching prefix.
    public func tolerance(for metric: String) -> CompareTolerance {
        explicitTolerance(for: metric) ?? defaultTolerance
    }

    /// The tolerance given for this metric by name or prefix, nil when only the default applies.
    public func explicitTolerance(for metric: String) -> CompareTolerance? {
        if let exact = perMetric.last(where: { $0.pattern == metric }) { return exact.tolerance }
        let prefixes = perMetric.filter { $0.pattern.hasSuffix("*") && metric.hasPrefix(String($0.pattern.dropLast())) }
        return prefixes.max { $0.pattern.count < $1.pattern.count }?.tolerance
    }

    public static func == (a: ToleranceTable, b: ToleranceTable) -> Bool {
        a.defaultTolerance == b.defaultTolerance && a.perMetric.map(\.pattern) == b.perMetric.map(\.pattern)
            && a.perMetric.map(\.tolerance) == b.perMetric.map(\.tolerance)
    }
}

/// Reads tolerance files for `sparktwin compare`:
///
///     default: 1 %                    # relative to the baseline, or a number in the metric's unit
///     metrics:
///       gpu.gemm.throughput: 2 %
///       temp.*: 1                     # a prefix ending in *: every temperature, ±1 C
public enum ToleranceFileLoader {
    public static func load(path: String) throws -> ToleranceTable {
        try parse(text: ScenarioLoader.readText(path: path), file: path)
    }

    public static func parse(text: String, file path: String) throws -> ToleranceTable {
        let root = try ScenarioLoader.compose(text, file: path)
        var sink = DiagnosticSink(file: path)
        guard let root else {
            throw ScenarioError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, keyPath: "", message: "the file is empty; expected default: and metrics:")])
        }
        var table = ToleranceTable()
        if var top = MappingReader(root, path: "", sink: &sink) {
            if let node = top.optional("default"), let tolerance = read(node, "default", &sink) { table.defaultTolerance = tolerance }
            if let node = top.optional("metrics"), var metrics = MappingReader(node, path: "metrics", sink: &sink) {
                for entry in metrics.entries {
                    _ = metrics.optional(entry.key)
                    if let tolerance = read(entry.value, "metrics.\(entry.key)", &sink) {
                        table.perMetric.append((pattern: entry.key, tolerance: tolerance))
                    }
                }
            }
            top.rejectUnknownKeys(sink: &sink)
        }
        guard sink.diagnostics.isEmpty else { throw ScenarioError(diagnostics: sink.diagnostics) }
        return table
    }

    static func read(_ node: Node, _ path: String, _ sink: inout DiagnosticSink) -> CompareTolerance? {
        guard case .scalar(let scalar) = node, let tolerance = CompareTolerance(parsing: scalar.string) else {
            sink.error(node, path, "expected a tolerance such as 2 % (relative) or 0.5 (in the metric's unit), found \(found(node))")
            return nil
        }
        return tolerance
    }
}

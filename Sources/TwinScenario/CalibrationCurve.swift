import Foundation
import TwinModels
import Yams

/// A measured curve to reproduce: a base scenario run once per point, each point with its own
/// `key.path=value` overrides and the measured value of one metric. Overrides in the curve's
/// own `set:` apply to every point first: the conditions the whole measurement ran under.
///
/// Judged by the mean absolute percentage error over the points and by features of the curve's
/// shape that must fall in the same place as in the measurement.
public struct CalibrationCurve: Sendable {
    public struct Point: Sendable {
        /// Short name of the point, from its overrides (`m=4096 n=4096`).
        public var label: String
        public var scenario: Scenario
        /// Measured value in the metric's unit.
        public var measured: Double
    }

    /// A shape feature the simulated curve must share with the measured one.
    public enum Feature: String, Sendable, CaseIterable {
        /// The largest relative step for the worse between neighbouring points (a cache edge: a
        /// drop in bandwidth, a rise in latency) sits between the same two points, give or take one.
        case edge
        /// Where the measured curve steps down by more than the step threshold from one point to
        /// the next, the simulated curve steps down there too, and it adds few steps of its own.
        case steps
    }

    public var name: String
    public var summary: String
    public var file: String
    public var source: String
    public var metric: String
    public var unit: String
    /// Largest accepted mean absolute percentage error, as a fraction.
    public var tolerance: Double
    public var features: [Feature]
    /// Relative drop between neighbouring points that counts as a step.
    public var stepThreshold: Double
    public var points: [Point]
}

/// A calibration file: a scenario with `expect:` entries (single figures) or a curve.
public enum CalibrationFile: Sendable {
    case scenario(Scenario)
    case curve(CalibrationCurve)
}

public enum CalibrationLoader {
    /// Loads a calibration file; a mapping with a top-level `curve:` key is a curve, anything
    /// else a scenario.
    public static func load(path: String) throws -> CalibrationFile {
        try parse(text: ScenarioLoader.readText(path: path), file: path)
    }

    /// Reads calibration text as if it were the file at `file` (a relative base scenario
    /// resolves next to it).
    public static func parse(text: String, file path: String) throws -> CalibrationFile {
        let root = try ScenarioLoader.compose(text, file: path)
        guard case .mapping(let mapping)? = root, mapping.keys.contains(where: { $0.string == "curve" }) else {
            return .scenario(try ScenarioLoader.parse(text: text, file: path))
        }
        var sink = DiagnosticSink(file: path)
        let curve = readCurve(root!, file: path, sink: &sink)
        guard let curve, sink.diagnostics.isEmpty else { throw ScenarioError(diagnostics: sink.diagnostics) }
        return .curve(curve)
    }

    static func readCurve(_ root: Node, file: String, sink: inout DiagnosticSink) -> CalibrationCurve? {
        guard var top = MappingReader(root, path: "", sink: &sink) else { return nil }
        let name = sink.string(top.required("curve", "the curve's name", sink: &sink), "curve")
        let summary = sink.string(top.optional("description"), "description") ?? ""
        let source = sink.string(top.required("source", "where the measurement comes from", sink: &sink), "source")
        let scenarioNode = top.required("scenario", "the base scenario's path, relative to this file", sink: &sink)
        let metricNode = top.required("metric", "a metric name", sink: &sink)
        let toleranceNode = top.required("tolerance", "the largest mean absolute percentage error, such as 10 %", sink: &sink)
        let tolerance = sink.quantity(toleranceNode, "tolerance", .ratio, range: 0...10)
        let featuresNode = top.optional("features")
        let thresholdNode = top.optional("stepThreshold")
        let stepThreshold = thresholdNode.map { sink.quantity($0, "stepThreshold", .ratio, range: 0...1) } ?? 0.05
        let pointsNode = top.required("points", "a list of {set, measured}", sink: &sink)
        let curveSetNode = top.optional("set")
        top.rejectUnknownKeys(sink: &sink)
        let curveOverrides = curveSetNode.map { readOverrides($0, path: "set", sink: &sink) } ?? []

        var features: [CalibrationCurve.Feature]? = []
        if let featuresNode {
            if case .sequence(let list) = featuresNode {
                features = list.enumerated().compactMap { i, node in sink.choice(node, "features.\(i)", CalibrationCurve.Feature.self) }
                if features!.count != list.count { features = nil }
            } else {
                sink.error(featuresNode, "features", "expected a list of: edge, steps, found \(found(featuresNode))")
                features = nil
            }
        }

        // The base scenario, resolved next to this file, gives the metric's unit.
        var base: (path: String, text: String)?
        if let relative = sink.string(scenarioNode, "scenario") {
            let path = relative.hasPrefix("/") ? relative : (URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(relative).path)
            do {
                base = (path, try ScenarioLoader.readText(path: path))
            } catch {
                let reason = (error as? ScenarioError)?.diagnostics.first?.message ?? "\(error)"
                sink.error(scenarioNode, "scenario", "expected a readable scenario file, found \"\(relative)\" (\(path): \(reason))")
            }
        }
        var unit: String?
        let metric = sink.string(metricNode, "metric")
        if let base, let metric {
            do {
                let scenario = try ScenarioLoader.parse(text: base.text, file: base.path)
                let catalog = Machine.metricCatalog(config: scenario.machine, program: scenario.program, fidelity: scenario.run.fidelity)
                unit = catalog.first { $0.name == metric }?.unit
                if unit == nil { sink.error(metricNode, "metric", "unknown metric \"\(metric)\"") }
                if let curveSetNode, !curveOverrides.isEmpty {
                    do {
                        _ = try ScenarioLoader.parse(text: base.text, file: base.path, overrides: curveOverrides)
                    } catch let error as ScenarioError {
                        // The curve's own overrides are at fault; the points need not repeat it.
                        for diagnostic in error.diagnostics { sink.error(curveSetNode, "set", "\(diagnostic.keyPath): \(diagnostic.message)") }
                        unit = nil
                    }
                }
            } catch let error as ScenarioError {
                sink.diagnostics += error.diagnostics
            } catch {
                sink.error(scenarioNode, "scenario", "\(error)")
            }
        }

        var points: [CalibrationCurve.Point] = []
        guard case .sequence(let list)? = pointsNode else {
            if let pointsNode { sink.error(pointsNode, "points", "expected a list of {set, measured}, found \(found(pointsNode))") }
            return nil
        }
        if list.count < 2 { sink.error(pointsNode, "points", "expected at least two points, found \(list.count)") }
        for (index, item) in list.enumerated() {
            let path = "points.\(index)"
            guard var reader = MappingReader(item, path: path, sink: &sink) else { continue }
            let setNode = reader.required("set", "a mapping of scenario key paths to values", sink: &sink)
            let measuredNode = reader.required("measured", "the measured value, with its unit", sink: &sink)
            reader.rejectUnknownKeys(sink: &sink)
            let overrides = setNode.map { readOverrides($0, path: join(path, "set"), sink: &sink) } ?? []
            guard let unit, let base else { continue }
            var measured = sink.quantity(measuredNode, join(path, "measured"), Units.dimension(ofUnit: unit) ?? .count, in: unit)
            if let value = measured, value <= 0, let measuredNode {
                // The curve's error is a MAPE, which divides by the measured value.
                sink.error(measuredNode, join(path, "measured"), "expected a measured value above zero, found \(found(measuredNode))")
                measured = nil
            }
            do {
                let scenario = try ScenarioLoader.parse(text: base.text, file: base.path, overrides: curveOverrides + overrides)
                if let measured {
                    let label = overrides.map(shortLabel).joined(separator: " ")
                    points.append(CalibrationCurve.Point(label: label, scenario: scenario, measured: measured))
                }
            } catch let error as ScenarioError {
                // A bad override is this point's fault: report it here.
                for diagnostic in error.diagnostics {
                    sink.error(setNode, join(path, "set"), "\(diagnostic.keyPath): \(diagnostic.message)")
                }
            } catch {
                sink.error(setNode, join(path, "set"), "\(error)")
            }
        }
        guard let name, let source, let metric, let unit, let tolerance, let features, let stepThreshold else { return nil }
        return CalibrationCurve(name: name, summary: summary, file: file, source: source, metric: metric, unit: unit,
                                tolerance: tolerance, features: features, stepThreshold: stepThreshold, points: points)
    }

    /// `key.path: value` pairs of a `set:` mapping, as `--set` arguments.
    /// `workload.0.buffer=16 MiB` as `buffer=16 MiB`: the key's last component, the value whole
    /// (a value such as `9.5 us` has dots of its own).
    static func shortLabel(_ override: String) -> String {
        guard let equals = override.firstIndex(of: "=") else { return override }
        let key = override[..<equals]
        let name = key.split(separator: ".").last.map(String.init) ?? String(key)
        return name + override[equals...]
    }

    static func readOverrides(_ node: Node, path: String, sink: inout DiagnosticSink) -> [String] {
        guard case .mapping(let assignments) = node else {
            sink.error(node, path, "expected a mapping of key paths to values, found \(found(node))")
            return []
        }
        var overrides: [String] = []
        for (key, value) in assignments {
            guard let keyText = key.string, let valueText = value.string else {
                sink.error(key, path, "expected key.path: value pairs of plain scalars")
                continue
            }
            overrides.append("\(keyText)=\(valueText)")
        }
        return overrides
    }
}

import Foundation
import Yams

/// A sweep: a base scenario and the values to vary, expanded into points.
///
///     sweep: power-cap                      # the sweep's name; every run is labelled sweep:<name>
///     scenario: ../studies/gemm-power-cap-140w.yaml   # relative to this file
///     grid:                                 # every combination of these
///       machine.power.pl1: 100 W..200 W step 20 W
///       machine.thermal.ambient: [20 C, 30 C]
///     zip:                                  # advanced together; lists of one length
///       run.seed: [1, 2]
///
/// The points are the grid's combinations (the first key varies slowest) times the zipped rows.
public struct Sweep: Sendable {
    public struct Point: Sendable, Equatable {
        /// Position in the expansion, from 0; shards take every N-th point.
        public var index: Int
        /// `key.path=value` assignments over the base scenario.
        public var overrides: [String]
    }

    public var name: String
    public var file: String
    /// Absolute path of the base scenario.
    public var scenarioPath: String
    public var points: [Point]

    /// The label every run of the sweep carries.
    public var label: String { "sweep:\(name)" }

    /// The points of shard `shard` (1-based) of `count`: every `count`-th point from `shard - 1`.
    public func points(shard: Int, of count: Int) -> [Point] {
        points.filter { $0.index % count == shard - 1 }
    }
}

public enum SweepLoader {
    public static func load(path: String) throws -> Sweep {
        let text = try ScenarioLoader.readText(path: path)
        return try parse(text: text, file: path)
    }

    public static func parse(text: String, file: String) throws -> Sweep {
        let root = try ScenarioLoader.compose(text, file: file)
        guard let root else {
            throw ScenarioError(diagnostics: [Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty; expected sweep:, scenario: and grid: or zip:")])
        }
        var sink = DiagnosticSink(file: file)
        var sweep: Sweep?
        if var top = MappingReader(root, path: "", sink: &sink) {
            let nameNode = top.required("sweep", "the sweep's name", sink: &sink)
            var name = sink.string(nameNode, "sweep")
            if let given = name, !ScenarioLoader.isValidName(given) {
                sink.error(nameNode, "sweep", "expected letters, digits, '.', '_' or '-', found \"\(given)\"")
                name = nil
            }
            let scenarioNode = top.required("scenario", "the base scenario's path, relative to this file", sink: &sink)
            var scenarioPath: String?
            if let relative = sink.string(scenarioNode, "scenario") {
                let resolved = relative.hasPrefix("/") ? relative : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(relative).standardizedFileURL.path
                if FileManager.default.isReadableFile(atPath: resolved) {
                    scenarioPath = resolved
                } else {
                    sink.error(scenarioNode, "scenario", "expected a readable scenario file, found \"\(relative)\" (\(resolved))")
                }
            }
            let gridNode = top.optional("grid"), zipNode = top.optional("zip")
            top.rejectUnknownKeys(sink: &sink)
            if gridNode == nil && zipNode == nil {
                sink.error(root, "", "expected grid: or zip: (or both) with the values to vary")
            }
            let grid = gridNode.map { readAxes($0, path: "grid", sink: &sink) } ?? []
            var zipped = zipNode.map { readAxes($0, path: "zip", sink: &sink) } ?? []
            if let first = zipped.first, let mismatch = zipped.first(where: { $0.values.count != first.values.count }) {
                sink.error(mismatch.node, "zip.\(mismatch.key)",
                           "expected \(first.values.count) values, as zip.\(first.key) has, found \(mismatch.values.count)")
                zipped = []
            }
            if let name, let scenarioPath, sink.diagnostics.isEmpty {
                sweep = Sweep(name: name, file: file, scenarioPath: scenarioPath, points: expand(grid: grid, zipped: zipped))
            }
        }
        guard let sweep, sink.diagnostics.isEmpty else { throw ScenarioError(diagnostics: sink.diagnostics) }
        return sweep
    }

    struct Axis {
        var key: String
        var node: Node
        var values: [String]
    }

    static func readAxes(_ node: Node, path: String, sink: inout DiagnosticSink) -> [Axis] {
        guard var reader = MappingReader(node, path: path, sink: &sink) else { return [] }
        var axes: [Axis] = []
        for entry in reader.entries {
            _ = reader.optional(entry.key)
            let keyPath = "\(path).\(entry.key)"
            if entry.key.split(separator: ".").count < 2 {
                sink.error(entry.keyNode, keyPath, "expected a scenario key path such as machine.power.pl1, found \"\(entry.key)\"")
                continue
            }
            switch entry.value {
            case .sequence(let list):
                var values: [String] = []
                for (i, item) in list.enumerated() {
                    guard case .scalar(let scalar) = item else {
                        sink.error(item, "\(keyPath).\(i)", "expected a value, found \(found(item))")
                        continue
                    }
                    values.append(scalar.string)
                }
                if values.isEmpty { sink.error(entry.value, keyPath, "expected at least one value, found an empty list") }
                axes.append(Axis(key: entry.key, node: entry.value, values: values))
            case .scalar(let scalar):
                switch range(scalar.string) {
                case .success(let values): axes.append(Axis(key: entry.key, node: entry.value, values: values))
                case .failure(let problem): sink.error(entry.value, keyPath, problem.expected)
                }
            default:
                sink.error(entry.value, keyPath, "expected a list of values or a range such as 100 W..200 W step 20 W, found \(found(entry.value))")
            }
        }
        return axes
    }

    /// Expands `100 W..200 W step 20 W` (both ends included) into `["100 W", "120 W", ...]`.
    public static func range(_ text: String) -> Result<[String], QuantityError> {
        let expected = "expected a list of values or a range such as 100 W..200 W step 20 W"
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else { return .failure(QuantityError(expected: "\(expected), found \"\(text)\"")) }
        let tail = parts[1].components(separatedBy: " step ")
        guard tail.count == 2 else { return .failure(QuantityError(expected: "\(expected) (with a step), found \"\(text)\"")) }
        func split(_ s: String) -> (Double, String)? {
            let t = s.trimmingCharacters(in: .whitespaces)
            var end = t.startIndex
            while end < t.endIndex, "0123456789.+-eE_".contains(t[end]) { end = t.index(after: end) }
            guard let number = Double(t[..<end].replacingOccurrences(of: "_", with: "")), number.isFinite else { return nil }
            return (number, t[end...].trimmingCharacters(in: .whitespaces))
        }
        guard let start = split(parts[0]), let end = split(tail[0]), let step = split(tail[1]) else {
            return .failure(QuantityError(expected: "\(expected), found \"\(text)\""))
        }
        guard start.1 == end.1, end.1 == step.1 else {
            return .failure(QuantityError(expected: "expected one unit for the start, end and step of a range, found \"\(start.1)\", \"\(end.1)\" and \"\(step.1)\""))
        }
        guard step.0 > 0, end.0 >= start.0 else {
            return .failure(QuantityError(expected: "expected a positive step and an end not below the start, found \"\(text)\""))
        }
        let count = Int(((end.0 - start.0) / step.0 + 1e-9).rounded(.down)) + 1
        guard count <= 100_000 else { return .failure(QuantityError(expected: "expected at most 100,000 values in a range, found \(count)")) }
        let unit = start.1.isEmpty ? "" : " \(start.1)"
        return .success((0..<count).map { i in
            let value = start.0 + Double(i) * step.0
            let rounded = (value * 1e9).rounded() / 1e9
            let text = rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
            return text + unit
        })
    }

    static func expand(grid: [Axis], zipped: [Axis]) -> [Sweep.Point] {
        var combos: [[String]] = [[]]
        for axis in grid {
            combos = combos.flatMap { prefix in axis.values.map { prefix + ["\(axis.key)=\($0)"] } }
        }
        let rows = zipped.first.map { first in
            (0..<first.values.count).map { i in zipped.map { "\($0.key)=\($0.values[i])" } }
        } ?? [[]]
        var points: [Sweep.Point] = []
        for combo in combos {
            for row in rows { points.append(Sweep.Point(index: points.count, overrides: combo + row)) }
        }
        return points
    }
}

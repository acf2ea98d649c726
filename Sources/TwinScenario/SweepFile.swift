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

    /// One key varied by the sweep, with where its key and each value stand in the sweep file.
    public struct Axis: Sendable {
        public var key: String
        public var values: [String]
        /// `grid.<key>` or `zip.<key>`.
        public var keyPath: String
        public var keyPosition: Position
        /// One position per value (a range's values share the range's).
        public var valuePositions: [Position]
        /// Whether the values come from a range (`100 W..200 W step 20 W`) rather than a list.
        public var isRange = false

        /// The values a check must try: every distinct one of a list; a range's first, second
        /// and last (its ends and its step), since parameter limits are intervals.
        var valuesToCheck: [(value: String, position: Position)] {
            let indices = isRange ? Array(Set([0, min(1, values.count - 1), values.count - 1])).sorted() : Array(values.indices)
            var seen: Set<String> = []
            return indices.compactMap { seen.insert(values[$0]).inserted ? (values[$0], valuePositions[$0]) : nil }
        }
    }

    public struct Position: Sendable, Equatable {
        public var line: Int
        public var column: Int
    }

    /// The most points a sweep may have: a grid whose product is larger is an error, so a slip
    /// of one range cannot ask for millions of runs (or the memory to list them).
    public static let maximumPoints = 100_000

    public var name: String
    public var file: String
    /// Absolute path of the base scenario.
    public var scenarioPath: String
    public var grid: [Axis]
    public var zipped: [Axis]

    /// The label every run of the sweep carries.
    public var label: String { "sweep:\(name)" }

    /// Number of grid combinations times zipped rows, known without expanding them.
    public var count: Int { gridCombinations * zipRows }

    var gridCombinations: Int { grid.reduce(1) { $0 * $1.values.count } }
    var zipRows: Int { zipped.first?.values.count ?? 1 }

    /// Point `index` of the expansion: the grid's combinations with the first key varying
    /// slowest, each followed by every zipped row.
    public func point(_ index: Int) -> Point {
        precondition(index >= 0 && index < count, "sweep point \(index) out of 0..<\(count)")
        let row = index % zipRows
        var combination = index / zipRows
        var chosen = [String](repeating: "", count: grid.count)
        for (i, axis) in grid.enumerated().reversed() {
            chosen[i] = "\(axis.key)=\(axis.values[combination % axis.values.count])"
            combination /= axis.values.count
        }
        return Point(index: index, overrides: chosen + zipped.map { "\($0.key)=\($0.values[row])" })
    }

    /// Every point, in order.
    public var points: [Point] { (0..<count).map(point) }

    /// The points of shard `shard` (1-based) of `count`: every `count`-th point from `shard - 1`.
    public func points(shard: Int, of shards: Int) -> [Point] {
        stride(from: shard - 1, to: count, by: shards).map(point)
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
                switch InputFile.readBytes(path: resolved) {
                case .success: scenarioPath = resolved
                case .failure(let problem):
                    sink.error(scenarioNode, "scenario", "expected a readable scenario file, found \"\(relative)\" (\(resolved): \(problem.expected))")
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
                sink.diagnostics.append(Diagnostic(file: file, line: mismatch.keyPosition.line, column: mismatch.keyPosition.column, keyPath: mismatch.keyPath,
                                                   message: "expected \(first.values.count) values, as zip.\(first.key) has, found \(mismatch.values.count)"))
                zipped = []
            }
            // Multiply with overflow checks: the product is bounded before anything is expanded.
            var product = zipped.first?.values.count ?? 1
            for axis in grid where product <= Sweep.maximumPoints {
                let (next, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
                product = overflow ? Int.max : next
            }
            if product > Sweep.maximumPoints {
                let factors = grid.map { "\($0.values.count)" } + (zipped.first.map { ["\($0.values.count) zipped rows"] } ?? [])
                let shown = product == Int.max ? "more" : grouped(product)
                sink.error(gridNode ?? zipNode, gridNode == nil ? "zip" : "grid",
                           "expected at most \(grouped(Sweep.maximumPoints)) points, found \(shown) (\(factors.joined(separator: " × "))); split the sweep or use coarser steps")
            }
            if let name, let scenarioPath, sink.diagnostics.isEmpty {
                sweep = Sweep(name: name, file: file, scenarioPath: scenarioPath, grid: grid, zipped: zipped)
            }
        }
        guard let sweep, sink.diagnostics.isEmpty else { throw ScenarioError(diagnostics: sink.diagnostics) }
        return sweep
    }

    static func readAxes(_ node: Node, path: String, sink: inout DiagnosticSink) -> [Sweep.Axis] {
        guard var reader = MappingReader(node, path: path, sink: &sink) else { return [] }
        func position(_ node: Node) -> Sweep.Position { Sweep.Position(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0) }
        var axes: [Sweep.Axis] = []
        for entry in reader.entries {
            _ = reader.optional(entry.key)
            let keyPath = "\(path).\(entry.key)"
            if entry.key.split(separator: ".").count < 2 {
                sink.error(entry.keyNode, keyPath, "expected a scenario key path such as machine.power.pl1, found \"\(entry.key)\"")
                continue
            }
            var axis = Sweep.Axis(key: entry.key, values: [], keyPath: keyPath, keyPosition: position(entry.keyNode), valuePositions: [])
            switch entry.value {
            case .sequence(let list):
                for (i, item) in list.enumerated() {
                    guard case .scalar(let scalar) = item else {
                        sink.error(item, "\(keyPath).\(i)", "expected a value, found \(found(item))")
                        continue
                    }
                    axis.values.append(scalar.string)
                    axis.valuePositions.append(position(item))
                }
                if list.isEmpty { sink.error(entry.value, keyPath, "expected at least one value, found an empty list") }
                axes.append(axis)
            case .scalar(let scalar):
                switch range(scalar.string) {
                case .success(let values):
                    axis.values = values
                    axis.valuePositions = Array(repeating: position(entry.value), count: values.count)
                    axis.isRange = true
                    axes.append(axis)
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
            let (number, unit) = Units.split(s)
            return number.map { ($0, unit) }
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
        // Bounded as a Double first: a huge span over a tiny step would not fit an Int.
        let steps = ((end.0 - start.0) / step.0 + 1e-9).rounded(.down)
        guard steps.isFinite, steps < Double(Sweep.maximumPoints) else {
            let shown = steps < 1e15 ? grouped(Int(steps) + 1) : String(format: "%.3g", steps)
            return .failure(QuantityError(expected: "expected at most \(grouped(Sweep.maximumPoints)) values in a range, found \(shown) in \"\(text)\""))
        }
        let count = Int(steps) + 1
        let unit = start.1.isEmpty ? "" : " \(start.1)"
        return .success((0..<count).map { i in
            let value = start.0 + Double(i) * step.0
            let rounded = (value * 1e9).rounded() / 1e9
            let text = rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
            return text + unit
        })
    }

    /// Every problem of the sweep's points, each reported once, at its key or value in the
    /// sweep file: each distinct value of each key (of a range, its ends and step) is tried
    /// once over the base scenario, then
    /// point 0 whole (values valid one by one may clash together). The other points combine
    /// values already checked; one that still fails is stored as a failed run.
    ///
    /// - Parameters:
    ///   - extra: overrides applied under every point (`check --set`).
    ///   - progress: called with (loads done, loads in all) as the check goes.
    public static func check(_ sweep: Sweep, extra: [String] = [], progress: ((Int, Int) -> Void)? = nil) -> [Diagnostic] {
        let text: String
        do { text = try ScenarioLoader.readText(path: sweep.scenarioPath) } catch let error as ScenarioError {
            return error.diagnostics
        } catch { return [Diagnostic(file: sweep.scenarioPath, keyPath: "", message: "\(error)")] }
        func problems(_ overrides: [String]) -> [Diagnostic] {
            do {
                _ = try ScenarioLoader.parse(text: text, file: sweep.scenarioPath, overrides: extra + overrides)
                return []
            } catch let error as ScenarioError {
                return error.diagnostics
            } catch {
                return [Diagnostic(file: sweep.scenarioPath, keyPath: "", message: "\(error)")]
            }
        }
        var out: [Diagnostic] = []
        var seen: Set<String> = []
        func add(_ diagnostic: Diagnostic) { if seen.insert(diagnostic.description).inserted { out.append(diagnostic) } }
        let base = problems([])
        base.forEach(add)
        guard base.isEmpty else { return out }

        let axes = sweep.grid + sweep.zipped
        let total = axes.reduce(1) { $0 + $1.valuesToCheck.count }
        var done = 0
        for axis in axes {
            for (value, position) in axis.valuesToCheck {
                let found = problems(["\(axis.key)=\(value)"])
                done += 1
                progress?(done, total)
                var keyIsWrong = false
                for diagnostic in found {
                    if diagnostic.file == "--set" {
                        // The key itself is wrong (unknown, or not a place a value can go): say so once, at the key.
                        keyIsWrong = Self.isAboutTheKey(diagnostic.message)
                        let at = keyIsWrong ? axis.keyPosition : position
                        add(Diagnostic(file: sweep.file, line: at.line, column: at.column, keyPath: axis.keyPath, message: diagnostic.message))
                    } else {
                        add(Diagnostic(file: sweep.file, line: position.line, column: position.column, keyPath: axis.keyPath,
                                       message: "with \(axis.key)=\(value): \(diagnostic.description)"))
                    }
                }
                if keyIsWrong { break }
            }
        }
        if out.isEmpty, sweep.count > 0 {
            let first = sweep.point(0)
            for diagnostic in problems(first.overrides) {
                let at = sweep.grid.first?.keyPosition ?? sweep.zipped.first?.keyPosition ?? Sweep.Position(line: 1, column: 1)
                add(Diagnostic(file: sweep.file, line: at.line, column: at.column, keyPath: "",
                               message: "point 0 (\(first.overrides.joined(separator: " "))): \(diagnostic.description)"))
            }
        }
        progress?(total, total)
        return out
    }

    /// Whether an override's error is about where it points rather than the value it sets.
    static func isAboutTheKey(_ message: String) -> Bool {
        message.hasPrefix("unknown") || message.hasPrefix("expected a list index") || message.hasPrefix("cannot set a key")
    }
}

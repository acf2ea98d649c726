import Foundation
import TwinCore
import TwinModels
import TwinWorkloads
import Yams

/// How far a metric may stray from its target.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// A fraction of the target (`5 %` is 0.05).
    case relative(Double)
    /// An amount in the metric's unit.
    case absolute(Double)

    public var description: String {
        switch self {
        case .relative(let fraction): "±\(DiagnosticSink.trim(fraction * 100)) %"
        case .absolute(let amount): "±\(DiagnosticSink.trim(amount))"
        }
    }
}

/// An `expect:` entry: turns a scenario into a check.
public struct Expectation: Sendable, Equatable {
    public var metric: String
    /// Target in the metric's unit.
    public var target: Double
    public var unit: String
    public var tolerance: Tolerance

    /// Whether `value` lies within tolerance of the target.
    public func accepts(_ value: Double) -> Bool {
        switch tolerance {
        case .relative(let fraction): abs(value - target) <= abs(target) * fraction
        case .absolute(let amount): abs(value - target) <= amount
        }
    }
}

/// One machine of a scenario and its workload.
public struct ScenarioNode: Sendable {
    /// The prefix of its metrics and signals; nil for a `machine:` scenario's one node.
    public var name: String?
    public var preset: String
    public var parameters: ParameterValues
    public var machine: MachineConfig
    /// The workload: its phases in steps, with each phase's background cores.
    public var program: Program
    /// The LLM phases its program was expanded from, whose metrics the runner adds.
    public var llm: [LLMRun] = []

    /// What the simulation builds the node from.
    public var spec: NodeSpec { NodeSpec(name: name, config: machine, program: program) }
}

/// A network link between two nodes of a scenario, by their index in `nodes`.
public struct NodeLink: Sendable, Equatable {
    public var first: Int
    public var second: Int
}

/// A validated scenario: everything needed to build the machine and run it.
public struct Scenario: Sendable {
    public var name: String
    public var summary: String
    /// Where the scenario came from, as given.
    public var file: String
    /// The file's text, stored with every run as provenance.
    public var text: String
    /// `--set` assignments applied on top of the file, in order.
    public var overrides: [String]
    /// The machines and their workloads: one for a `machine:` scenario, each of `nodes:` else.
    public var nodes: [ScenarioNode]
    /// Network links between pairs of nodes (`links:`), by index into `nodes`.
    public var links: [NodeLink] = []
    /// The first node's preset, parameters, machine and program (the only node's, in a
    /// `machine:` scenario).
    public var preset: String { nodes[0].preset }
    public var parameters: ParameterValues { nodes[0].parameters }
    public var machine: MachineConfig { nodes[0].machine }
    public var program: Program { nodes[0].program }
    /// The first node's phases, in order.
    public var workload: [WorkloadPhase] { program.phases }
    public var run: RunSettings
    public var expectations: [Expectation]
    /// Things that run but may not be what was meant (a value carried from another preset).
    public var warnings: [Diagnostic] = []

    /// SHA-256 of the text and the overrides: two runs with equal hashes ran the same scenario.
    public var hash: String {
        var material = text
        for assignment in overrides { material += "\n--set \(assignment)" }
        return SHA256.hexDigest(material)
    }
}

/// Reads scenario files into `Scenario` values, reporting every problem at once.
public enum ScenarioLoader {
    /// Default event budget when a scenario gives none: enough for minutes of detailed memory
    /// traffic, small enough that a runaway model stops within minutes of wall time.
    public static let defaultEventBudget: UInt64 = ScenarioDefaults.eventBudget

    /// Loads and validates a scenario file.
    ///
    /// - Parameter overrides: `key.path=value` assignments applied over the file.
    /// - Throws: `ScenarioError` with every problem found.
    public static func load(path: String, overrides: [String] = []) throws -> Scenario {
        let text = try readText(path: path)
        return try parse(text: text, file: path, overrides: overrides)
    }

    /// The text of a YAML file; a file that cannot be read is a diagnostic.
    public static func readText(path: String) throws -> String { try InputFile.read(path: path) }

    /// The node tree of YAML text (nil when empty); a syntax error is a diagnostic.
    static func compose(_ text: String, file: String) throws -> Node? { try InputFile.compose(text, file: file) }

    /// Validates scenario text.
    public static func parse(text: String, file: String, overrides: [String] = []) throws -> Scenario {
        var sink = DiagnosticSink(file: file)
        guard let root = try compose(text, file: file) else {
            throw ScenarioError(diagnostics: [Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty; expected a scenario mapping")])
        }
        let overridden = applying(overrides, to: root, sink: &sink)
        let scenario = read(overridden, file: file, text: text, overrides: overrides, sink: &sink)
        if !sink.diagnostics.isEmpty || scenario == nil {
            throw ScenarioError(diagnostics: sink.diagnostics)
        }
        return scenario!
    }

    /// Every scalar of scenario text with its overrides applied, by key path
    /// (`machine.power.pl1` → `180 W`, `workload.0.kind` → `gemm`); nil if the text does not
    /// parse. For telling which keys two scenarios differ in.
    public static func flatten(text: String, overrides: [String]) -> [String: String]? {
        guard let composed = try? compose(text, file: "") else { return nil }
        var sink = DiagnosticSink(file: "")
        let root = applying(overrides, to: composed, sink: &sink)
        var out: [String: String] = [:]
        func walk(_ node: Node, _ path: String) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping { walk(value, path.isEmpty ? (key.string ?? "?") : "\(path).\(key.string ?? "?")") }
            case .sequence(let sequence):
                for (index, value) in sequence.enumerated() { walk(value, path.isEmpty ? "\(index)" : "\(path).\(index)") }
            default:
                out[path] = node.string ?? ""
            }
        }
        walk(root, "")
        return out
    }

    /// `root` with each `key.path=value` assignment applied in order; a malformed one is a diagnostic.
    static func applying(_ overrides: [String], to root: Node, sink: inout DiagnosticSink) -> Node {
        var root = root
        for assignment in overrides {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                sink.error(mark: nil, "", "expected key.path=value, found \"\(assignment)\"")
                continue
            }
            let path = String(assignment[..<equals])
            let value = String(assignment[assignment.index(after: equals)...])
            if let updated = assign(value, at: path.split(separator: ".").map(String.init), in: root, sink: &sink, fullPath: path) {
                root = updated
            }
        }
        return root
    }

    /// Returns `node` with the value at `path` replaced by (or set to) a scalar without a mark.
    static func assign(_ value: String, at path: [String], in node: Node, sink: inout DiagnosticSink, fullPath: String) -> Node? {
        guard let key = path.first else { return .scalar(Node.Scalar(value)) }
        let rest = Array(path.dropFirst())
        switch node {
        case .mapping(let mapping):
            var pairs = mapping.map { ($0.key, $0.value) }
            if let i = pairs.firstIndex(where: { $0.0.string == key }) {
                guard let child = assign(value, at: rest, in: pairs[i].1, sink: &sink, fullPath: fullPath) else { return nil }
                pairs[i].1 = child
            } else {
                let empty = Node.mapping(Node.Mapping([]))
                guard let child = assign(value, at: rest, in: empty, sink: &sink, fullPath: fullPath) else { return nil }
                pairs.append((.scalar(Node.Scalar(key)), child))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            guard let index = Int(key), index >= 0, index < sequence.count else {
                sink.error(mark: nil, fullPath, "expected a list index below \(sequence.count), found \"\(key)\"")
                return nil
            }
            var nodes = Array(sequence)
            guard let child = assign(value, at: rest, in: nodes[index], sink: &sink, fullPath: fullPath) else { return nil }
            nodes[index] = child
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark))
        default:
            sink.error(mark: nil, fullPath, "cannot set a key inside \(found(node))")
            return nil
        }
    }
}

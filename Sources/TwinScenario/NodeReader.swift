import Foundation
import TwinModels
import Yams

/// Collects diagnostics while a scenario's YAML node tree is read.
///
/// Yams' Codable decoding ignores unknown keys and loses positions, so scenarios are read from
/// the node tree, which keeps a mark on every node. Readers never stop at the first problem:
/// they record it, return nil, and go on, so one pass reports every error in the file.
struct DiagnosticSink {
    let file: String
    var diagnostics: [Diagnostic] = []
    /// Problems that do not stop the file from being used.
    var warnings: [Diagnostic] = []

    mutating func warning(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        warnings.append(Diagnostic(file: mark == nil ? "--set" : file, line: mark?.line, column: mark?.column,
                                   keyPath: path, message: message, isWarning: true))
    }

    mutating func error(_ node: Node?, _ path: String, _ message: String) {
        error(mark: node?.mark, path, message)
    }

    mutating func error(mark: Mark?, _ path: String, _ message: String) {
        // A node without a mark came from `--set` on the command line.
        diagnostics.append(Diagnostic(file: mark == nil ? "--set" : file, line: mark?.line, column: mark?.column,
                                      keyPath: path, message: message))
    }
}

/// Text of a node for an error message: the scalar itself, or the kind of collection.
func found(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): "\"\(scalar.string)\""
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var previous = row[0]
        row[0] = i
        for j in 1...b.count {
            let current = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return row[b.count]
}

/// An integer with thousands separators: 10,000,000.
public func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return value < 0 ? "-" + out : out
}

/// Joins key path components.
func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

/// Reads the keys of one YAML mapping, remembering which were used so the rest can be
/// reported as unknown.
struct MappingReader {
    let node: Node
    let path: String
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var used: Set<String> = []

    /// Wraps `node`; reports and returns nil if it is not a mapping.
    init?(_ node: Node, path: String, sink: inout DiagnosticSink) {
        guard case .mapping(let mapping) = node else {
            sink.error(node, path, "expected a mapping, found \(found(node))")
            return nil
        }
        self.node = node
        self.path = path
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                sink.error(key, path, "expected a plain key, found \(found(key))")
                continue
            }
            entries.append((scalar.string, key, value))
        }
    }

    /// The value of `key`, marking it used.
    mutating func optional(_ key: String) -> Node? {
        used.insert(key)
        return entries.first { $0.key == key }?.value
    }

    /// The value of `key`; reports its absence.
    mutating func required(_ key: String, _ expected: String, sink: inout DiagnosticSink) -> Node? {
        if let value = optional(key) { return value }
        sink.error(node, join(path, key), "missing required key; expected \(expected)")
        return nil
    }

    /// Reports every key that was not read, naming the allowed ones.
    func rejectUnknownKeys(sink: inout DiagnosticSink) {
        for entry in entries where !used.contains(entry.key) {
            let allowed = used.sorted()
            let near = allowed.map { ($0, editDistance($0.lowercased(), entry.key.lowercased())) }.min { $0.1 < $1.1 }
            let suggestion = near.map { $0.1 <= 2 ? " (did you mean \($0.0)?)" : "" } ?? ""
            sink.error(entry.keyNode, join(path, entry.key), "unknown key\(suggestion); expected one of: \(allowed.joined(separator: ", "))")
        }
    }
}

extension DiagnosticSink {
    /// A scalar string.
    mutating func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            error(node, path, "expected a string, found \(found(node))")
            return nil
        }
        return scalar.string
    }

    /// A quantity with a unit of `dimension`, within `range` (base units).
    mutating func quantity(_ node: Node?, _ path: String, _ dimension: QuantityKind, in unit: String? = nil,
                           range: ClosedRange<Double>? = nil, integral: Bool = false) -> Double? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            error(node, path, "expected a \(Units.describe(dimension)), found \(found(node))")
            return nil
        }
        switch Units.parse(scalar.string, as: dimension, in: unit) {
        case .failure(let problem):
            error(node, path, "expected \(problem.expected), found \"\(scalar.string)\"")
            return nil
        case .success(let value):
            if dimension == .size, let note = Units.siSizeNote(scalar.string) { warning(node, path, note) }
            if let range, !range.contains(value) {
                error(node, path, "expected a value from \(Self.format(range.lowerBound, dimension)) to \(Self.format(range.upperBound, dimension)), found \"\(scalar.string)\"")
                return nil
            }
            if integral && value.rounded() != value {
                error(node, path, "expected a whole number, found \"\(scalar.string)\"")
                return nil
            }
            return value
        }
    }

    /// A non-negative integer that fits in `UInt64`.
    mutating func unsigned(_ node: Node?, _ path: String, minimum: UInt64 = 0) -> UInt64? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node,
              let value = UInt64(scalar.string.replacingOccurrences(of: "_", with: "")), value >= minimum
        else {
            let what = minimum == 0 ? "a non-negative integer" : "an integer of at least \(minimum)"
            error(node, path, "expected \(what), found \(found(node))")
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, let value = Bool(scalar.string) else {
            error(node, path, "expected true or false, found \(found(node))")
            return nil
        }
        return value
    }

    /// One of a fixed set of words.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        error(node, path, "expected one of: \(allowed), found \"\(text)\"")
        return nil
    }

    /// A bound for an error message, in a readable unit.
    static func format(_ value: Double, _ dimension: QuantityKind) -> String {
        let ladders: [QuantityKind: [(String, Double)]] = [
            .time: [("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("ps", 1e-12)],
            .frequency: [("GHz", 1e9), ("MHz", 1e6), ("kHz", 1e3), ("Hz", 1)],
            .transferRate: [("GT/s", 1e9), ("MT/s", 1e6), ("T/s", 1)],
            .bandwidth: [("TB/s", 1e12), ("GB/s", 1e9), ("MB/s", 1e6), ("B/s", 1)],
            .size: [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1_024), ("B", 1)],
            .power: [("W", 1)], .temperature: [("C", 1)],
        ]
        guard let ladder = ladders[dimension] else { return trim(value) }
        let (unit, factor) = ladder.first { value >= $0.1 && (value / $0.1).rounded() == value / $0.1 } ?? ladder.first { value >= $0.1 } ?? ladder.last!
        return "\(trim(value / factor)) \(unit)"
    }

    static func trim(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

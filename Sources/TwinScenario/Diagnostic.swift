/// One problem found in a scenario, with where it is and what was expected.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file, or `--set` for a value given on the command line.
    public var file: String
    /// 1-based line and column, when known.
    public var line: Int?
    public var column: Int?
    /// Dotted key path inside the scenario (`run.duration`, `workload.0.bytes`).
    public var keyPath: String
    public var message: String
    /// A warning does not stop the scenario from running.
    public var isWarning = false

    public var description: String {
        var location = file
        if let line, let column { location += ":\(line):\(column)" }
        let severity = isWarning ? "warning" : "error"
        return keyPath.isEmpty ? "\(location): \(severity): \(message)" : "\(location): \(severity): \(keyPath): \(message)"
    }
}

/// A scenario that cannot be run, with every problem found in it.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

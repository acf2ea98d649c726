/// The kinds of input file the tool reads, told apart by their top-level keys.
public enum InputKind: String, Sendable, CaseIterable {
    case scenario, curve, sweep, tolerances, model, profile

    /// The kind of YAML text: `curve:` makes a calibration curve, `sweep:` a sweep, `default:`
    /// or `metrics:` without `machine:` a tolerance file for `compare`; anything else is read
    /// as a scenario (whose loader says what is wrong with it). `weights:` beside `attention:`
    /// makes a model description, `kernelGap:` a software profile.
    public init(text: String) {
        var keys: Set<Substring> = []
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("#") {
            if let colon = line.firstIndex(of: ":") { keys.insert(line[..<colon]) }
        }
        if keys.contains("curve") { self = .curve }
        else if keys.contains("sweep") { self = .sweep }
        else if keys.contains("weights") && keys.contains("attention") { self = .model }
        else if keys.contains("kernelGap") && !keys.contains("machine") { self = .profile }
        else if !keys.contains("machine") && (keys.contains("default") || keys.contains("metrics")) { self = .tolerances }
        else { self = .scenario }
    }
}

/// Every problem `sparktwin check` would report for input text, whatever its kind.
public enum InputCheck {
    /// The problems of a file's bytes read as the file at `file`.
    public static func problems(bytes: [UInt8], file: String) -> [Diagnostic] {
        do {
            return problems(text: try InputFile.decodeUTF8(bytes, file: file), file: file)
        } catch let error as ScenarioError {
            return error.diagnostics
        } catch {
            return [Diagnostic(file: file, keyPath: "", message: "\(error)")]
        }
    }

    /// - Parameter file: the path the text is read as; relative references resolve next to it.
    /// - Returns: the errors, none when the input is valid.
    public static func problems(text: String, file: String) -> [Diagnostic] {
        do {
            switch InputKind(text: text) {
            case .scenario: _ = try ScenarioLoader.parse(text: text, file: file)
            case .curve: _ = try CalibrationLoader.parse(text: text, file: file)
            case .tolerances: _ = try ToleranceFileLoader.parse(text: text, file: file)
            case .model: _ = try ModelFile.parse(text: text, file: file)
            case .profile: _ = try ProfileFile.parse(text: text, file: file)
            case .sweep: return SweepLoader.check(try SweepLoader.parse(text: text, file: file))
            }
            return []
        } catch let error as ScenarioError {
            return error.diagnostics
        } catch {
            return [Diagnostic(file: file, keyPath: "", message: "\(error)")]
        }
    }
}

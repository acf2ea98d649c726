import Foundation
import TwinCore
import TwinScenario

/// Golden results of every run the files of `Scenarios/` describe: each scenario, each point of
/// a calibration curve and each point of a sweep. A snapshot holds every metric to the last bit
/// (Swift's shortest round-trip form of the Double) and a SHA-256 of the time series, so a
/// refactor that is meant to change nothing can show that it changed nothing, and one that
/// changes a model shows exactly which values moved.
///
/// One text file per input file, at the input's path under `Scenarios/` with `.txt` for `.yaml`;
/// curves and sweeps have one section per point.
public enum ScenarioSnapshots {
    /// One run to snapshot.
    public struct Case: Sendable {
        /// The input file, relative to the scenarios folder.
        public var file: String
        /// The point's label within a curve or a sweep, or "" for a scenario file.
        public var point: String
        public var scenario: Scenario
    }

    /// Every run the YAML files under `folder` describe, in file order then point order.
    /// Tolerance files, model descriptions and software profiles describe no run and are left out.
    public static func cases(in folder: String) throws -> [Case] {
        var cases: [Case] = []
        for file in yamlFiles(in: folder) {
            let path = folder + "/" + file
            let text = try ScenarioLoader.readText(path: path)
            switch InputKind(text: text) {
            case .scenario:
                cases.append(Case(file: file, point: "", scenario: try ScenarioLoader.parse(text: text, file: path)))
            case .curve:
                guard case .curve(let curve) = try CalibrationLoader.parse(text: text, file: path) else { continue }
                cases += curve.points.map { Case(file: file, point: $0.label, scenario: $0.scenario) }
            case .sweep:
                let sweep = try SweepLoader.parse(text: text, file: path)
                for point in sweep.points {
                    let scenario = try ScenarioLoader.load(path: sweep.scenarioPath, overrides: point.overrides)
                    cases.append(Case(file: file, point: point.overrides.joined(separator: " "), scenario: scenario))
                }
            case .tolerances, .model, .profile:
                continue
            }
        }
        return cases
    }

    /// The YAML files under `folder`, relative to it, sorted.
    static func yamlFiles(in folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var files: [String] = []
        while let file = enumerator?.nextObject() as? String {
            if file.hasSuffix(".yaml") { files.append(file) }
        }
        return files.sorted()
    }

    /// The snapshot file of an input file.
    public static func snapshotPath(of file: String, in folder: String) -> String {
        folder + "/" + String(file.dropLast(".yaml".count)) + ".txt"
    }

    /// The section of one run: a header, then `name value unit` per metric, the sample count
    /// and the digest of the series.
    public static func section(_ runCase: Case, _ outcome: RunOutcome) -> String {
        var text = runCase.point.isEmpty ? "" : "## \(runCase.point)\n"
        guard outcome.finished else { return text + "failed: \(outcome.record.statusMessage)\n" }
        for metric in outcome.metrics { text += "\(metric.name) \(metric.value) \(metric.unit)\n" }
        text += "samples \(outcome.sampleTimesPs.count) series-sha256 \(seriesDigest(outcome))\n"
        return text
    }

    /// SHA-256 over the sample times and every signal's name and values, bit for bit.
    static func seriesDigest(_ outcome: RunOutcome) -> String {
        var bytes: [UInt8] = []
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        outcome.sampleTimesPs.forEach(append)
        for signal in outcome.signals {
            bytes += Array(signal.name.utf8)
            signal.timesPs?.forEach(append)
            signal.values.forEach { append($0.bitPattern) }
        }
        return SHA256.hexDigest(of: bytes)
    }

    /// The whole snapshot text of each input file, from the runs of its cases in order.
    public static func texts(_ cases: [Case], _ outcomes: [RunOutcome]) -> [(file: String, text: String)] {
        var texts: [(file: String, text: String)] = []
        for (runCase, outcome) in zip(cases, outcomes) {
            if texts.last?.file != runCase.file {
                texts.append((runCase.file, "# \(runCase.file): every metric to the last bit, then the series' digest\n"))
            }
            texts[texts.count - 1].text += section(runCase, outcome)
        }
        return texts
    }

    /// Runs the cases on up to `jobs` threads; outcomes come back in case order.
    public static func run(_ cases: [Case], jobs: Int, progress: (@Sendable (SweepProgress) -> Void)? = nil) -> [RunOutcome] {
        Validator.runAll(cases.map(\.scenario), jobs: jobs, keepSignals: true, progress: progress)
    }
}

extension ScenarioSnapshots {
    /// The lines where `actual` differs from `expected`, as `point: name old → new`, in order;
    /// none when the texts are equal.
    public static func differences(expected: String, actual: String) -> [String] {
        func entries(_ text: String) -> [(key: String, value: String)] {
            var section = ""
            var out: [(key: String, value: String)] = []
            for line in text.split(separator: "\n") where !line.hasPrefix("# ") {
                if line.hasPrefix("## ") { section = String(line.dropFirst(3)) + ": "; continue }
                let name = line.prefix { $0 != " " }
                out.append((section + name, String(line.dropFirst(name.count + 1))))
            }
            return out
        }
        let old = entries(expected), new = entries(actual)
        let oldValues = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let newKeys = Set(new.map(\.key))
        var lines: [String] = []
        for (key, value) in new {
            if let before = oldValues[key] {
                if before != value { lines.append("\(key) \(before) → \(value)") }
            } else {
                lines.append("\(key) (new) \(value)")
            }
        }
        for (key, value) in old where !newKeys.contains(key) { lines.append("\(key) \(value) (gone)") }
        return lines
    }
}

import ArgumentParser
import Foundation
import TwinResults
import TwinRun
import TwinScenario

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs, or every scenario of two labels, metric by metric.",
        discussion: """
            A metric beyond its tolerance is `improved` or `regressed` when it has a better \
            direction (throughput up, power down, a later first throttle...), `changed` when it \
            has none. Rates, powers and counts change relatively (change %); temperatures, \
            ratios and times of events change in their unit, with their own default \
            tolerances (0.5 C, 0.01, 0.05 s) unless --metric-tolerance names them. Metrics \
            zero in both runs are hidden (--show-zero shows them). Runs whose scenario \
            (keys and overrides, listed), seed or tool version differ are flagged. Exits 1 if \
            any metric regressed (or, with --strict, changed), so that a CI job can run it.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, markdown, csv, json
    }

    @Argument(help: ArgumentHelp("Baseline and candidate run ids (or unique prefixes).", valueName: "run"))
    var runIDs: [String] = []

    @Option(help: ArgumentHelp("Label of the baseline runs.", valueName: "label"))
    var baseline: String?

    @Option(help: ArgumentHelp("Label of the candidate runs.", valueName: "label"))
    var candidate: String?

    @Option(name: .customLong("tolerance"), help: ArgumentHelp("Default tolerance: `2 %` relative, or a number in each metric's unit.", valueName: "tol"))
    var defaultTolerance: String?

    @Option(name: .customLong("metric-tolerance"), help: ArgumentHelp("Per-metric tolerance, `name=tol` (a name ending in * is a prefix). Repeatable.", valueName: "name=tol"))
    var metricTolerances: [String] = []

    @Option(name: .customLong("tolerances"), help: ArgumentHelp("A YAML tolerance file (default:, metrics:).", valueName: "file"))
    var toleranceFile: String?

    @Option(help: "Output format.")
    var format: Format = .table

    @Option(name: .customLong("metric"), help: ArgumentHelp("Compare only metrics starting with this prefix. Repeatable.", valueName: "prefix"))
    var metricPrefixes: [String] = []

    @Flag(help: "Show only metrics that are not `same` or `info`.")
    var changesOnly = false

    @Flag(help: "Fail on `changed` metrics too, not only on regressions.")
    var strict = false

    @Flag(help: "Also show metrics that are zero in both runs (hidden by default).")
    var showZero = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        let byLabel = baseline != nil || candidate != nil
        if byLabel && (baseline == nil || candidate == nil) { throw ValidationError("give both --baseline and --candidate") }
        if byLabel && !runIDs.isEmpty { throw ValidationError("give either two run ids or --baseline/--candidate labels, not both") }
        if !byLabel && runIDs.count != 2 { throw ValidationError("expected two run ids (baseline, candidate), found \(runIDs.count)") }
    }

    func tolerances() throws -> ToleranceTable {
        var table = ToleranceTable()
        if let toleranceFile {
            do { table = try ToleranceFileLoader.load(path: toleranceFile) } catch let error as ScenarioError {
                printError(error.description)
                throw ExitCode.validationFailure
            }
        }
        if let text = defaultTolerance {
            guard let tolerance = CompareTolerance(parsing: text) else {
                throw ValidationError("--tolerance: expected `2 %` or a number, found \"\(text)\"")
            }
            table.defaultTolerance = tolerance
        }
        for assignment in metricTolerances {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let tolerance = CompareTolerance(parsing: parts[1]) else {
                throw ValidationError("--metric-tolerance: expected name=tol such as gpu.gemm.throughput=2%, found \"\(assignment)\"")
            }
            table.perMetric.append((pattern: parts[0], tolerance: tolerance))
        }
        return table
    }

    func run() throws {
        let table = try tolerances()
        let store = try database.openForReading()
        var pairs: [(RunRecord, RunRecord)] = []
        var notes: [String] = []
        if let baseline, let candidate {
            let b = try query { try store.runs(labelled: baseline) }, c = try query { try store.runs(labelled: candidate) }
            if b.isEmpty { throw CleanExit.message(error: "no finished runs labelled \(baseline)") }
            if c.isEmpty { throw CleanExit.message(error: "no finished runs labelled \(candidate)") }
            let matched = Comparator.pair(baseline: b, candidate: c)
            pairs = matched.pairs
            if pairs.isEmpty {
                for note in matched.unmatchedBaseline.map({ "only in \(baseline): \($0.scenarioName) \($0.overrides)" })
                    + matched.unmatchedCandidate.map({ "only in \(candidate): \($0.scenarioName) \($0.overrides)" }) { printError("note: \(note)") }
                throw CleanExit.message(error: "no scenario of \(baseline) has a run in \(candidate) with the same name and overrides")
            }
            notes += matched.unmatchedBaseline.map { "only in \(baseline): \($0.scenarioName) \($0.overrides) (run \($0.id))" }
            notes += matched.unmatchedCandidate.map { "only in \(candidate): \($0.scenarioName) \($0.overrides) (run \($0.id))" }
        } else {
            pairs = [(try query { try store.run(runIDs[0]) }, try query { try store.run(runIDs[1]) })]
        }
        var results: [RunPairComparison] = []
        for (b, c) in pairs {
            var result = Comparator.compare(baseline: b, baselineMetrics: try query { try store.metrics(runId: b.id) },
                                            candidate: c, candidateMetrics: try query { try store.metrics(runId: c.id) },
                                            tolerances: table)
            if !metricPrefixes.isEmpty {
                result.metrics = result.metrics.filter { m in metricPrefixes.contains { m.metric.hasPrefix($0) } }
            }
            if changesOnly { result.metrics = result.metrics.filter { $0.verdict != .same && $0.verdict != .informational } }
            if !showZero { result.metrics = result.metrics.filter { !($0.baseline == 0 && $0.candidate == 0) } }
            results.append(result)
        }
        for result in results where !result.provenanceWarnings.isEmpty {
            for warning in result.provenanceWarnings { printError("warning: \(result.scenario) \(result.baseline.id) → \(result.candidate.id): \(warning)") }
        }
        for note in notes { printError("note: \(note)") }
        print(render(results, notes: notes))
        let all = results.flatMap(\.metrics)
        let failed = all.contains { $0.verdict == .regressed || (strict && $0.verdict == .changed) }
        if failed { throw ExitCode.failure }
    }

    func render(_ results: [RunPairComparison], notes: [String]) -> String {
        let header = ["scenario", "metric", "baseline", "candidate", "change", "change %", "unit", "tolerance", "verdict"]
        func value(_ m: MetricComparison, _ v: Double?) -> String { m.shown(v) ?? v.map(formatNumber) ?? "-" }
        func cells(_ m: MetricComparison) -> [String] {
            [m.scenario, m.metric, value(m, m.baseline), value(m, m.candidate),
             m.change.map { ($0 > 0 ? "+" : "") + formatNumber($0) } ?? "-",
             m.relativeChange.map { $0.isFinite ? String(format: "%+.2f", $0 * 100) : "new" } ?? "-",
             m.unit, m.tolerance, m.verdict.rawValue]
        }
        let rows = results.flatMap { $0.metrics.map(cells) }
        switch format {
        case .table:
            var out = ""
            for result in results {
                out += "# \(result.scenario): baseline \(result.baseline.id), candidate \(result.candidate.id)\n"
                for difference in result.scenarioDifferences { out += "#   differs: \(difference)\n" }
            }
            return out + tableText([header] + rows, rightAligned: [2, 3, 4, 5])
        case .markdown:
            var out = ""
            for result in results {
                out += "**\(result.scenario)**: baseline `\(result.baseline.id)`, candidate `\(result.candidate.id)`"
                if !result.provenanceWarnings.isEmpty { out += " — ⚠ " + result.provenanceWarnings.joined(separator: "; ") }
                out += "\n\n"
            }
            for note in notes { out += "- \(note)\n" }
            out += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out
        case .csv:
            func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
            return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            let objects: [[String: Any]] = results.map { result in
                [
                    "scenario": result.scenario, "baseline": result.baseline.id, "candidate": result.candidate.id,
                    "provenanceWarnings": result.provenanceWarnings, "scenarioDifferences": result.scenarioDifferences,
                    "metrics": result.metrics.map { m -> [String: Any] in
                        var o: [String: Any] = ["metric": m.metric, "unit": m.unit, "tolerance": m.tolerance, "verdict": m.verdict.rawValue]
                        o["baseline"] = m.baseline ?? NSNull()
                        o["candidate"] = m.candidate ?? NSNull()
                        o["change"] = m.change ?? NSNull()
                        o["scale"] = m.kind.scale.rawValue
                        o["direction"] = m.kind.direction.rawValue
                        o["relativeChange"] = m.relativeChange.flatMap { $0.isFinite ? $0 : nil } ?? NSNull()
                        return o
                    },
                ]
            }
            let document: [String: Any] = ["comparisons": objects, "notes": notes]
            let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

import ArgumentParser
import Foundation
import TwinResults
import TwinRun

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML page for a run or a sweep: tables and figures.",
        discussion: """
            Figures come from tools/plot.py (matplotlib); they are embedded in the page, so the \
            one file can be mailed or archived. Without Python and matplotlib the page has the \
            tables only, and says so.
            """)

    @Argument(help: ArgumentHelp("Run id (or a unique prefix).", valueName: "run-id"))
    var runID: String?

    @Option(help: ArgumentHelp("Report on the sweep of this name instead of one run.", valueName: "name"))
    var sweep: String?

    @Option(help: ArgumentHelp("Folder to write index.html (and the figures) into.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Sweep figures: the key on the x axis (default: the first key the sweep varies).", valueName: "key"))
    var x: String?

    @Option(help: ArgumentHelp("Sweep figures: one line per value of this key (default: the second key the sweep varies).", valueName: "key"))
    var group: String?

    @Option(help: ArgumentHelp("The plotting script (default: tools/plot.py here, else in the checkout the binary was built in).", valueName: "path"))
    var plotScript: String?

    /// The plotting script: the one given, else `tools/plot.py` in the current directory or in
    /// the first folder above the binary that has one (a build in `.build/release` of a checkout).
    var plotScriptPath: String {
        if let plotScript { return plotScript }
        let relative = "tools/plot.py"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        var folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return relative
    }

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if (runID == nil) == (sweep == nil) { throw ValidationError("give a run id or --sweep NAME (one of them)") }
    }

    /// Metrics a sweep's table and figures show first, when the runs have them.
    static let headline = ["gpu.gemm.throughput.sustained", "gpu.read.bandwidth.sustained", "clock.gpu.mean",
                           "power.package.mean", "temp.gpu_die.max", "throttle.thermal.residency", "energy.per_tflop"]

    func run() throws {
        let store = try database.openForReading()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var body = ""
        var figureNotes: [String] = []
        if let runID {
            let run = try query { try store.run(runID) }
            let metrics = try query { try store.metrics(runId: run.id) }
            body += "<h1>\(html(run.scenarioName)) — run \(run.id)</h1>\n"
            body += table(["field", "value"], provenance(run).map { [$0.0, $0.1] })
            if let figure = plot(["run", run.id], name: "run-\(run.id).png", notes: &figureNotes) { body += figure }
            body += "<h2>Metrics</h2>\n" + table(["metric", "value", "unit"], metrics.map { [$0.name, formatNumber($0.value), $0.unit] })
        } else if let sweep {
            let runs = try query { try store.runs(labelled: "sweep:\(sweep)") }
            let failed = try query { try store.runs() }.filter { $0.status == "failed" && $0.scenarioName == sweep }
            guard !runs.isEmpty else { throw CleanExit.message(error: "no finished runs of sweep \(sweep) in \(database.db)") }
            let metricsByRun = try runs.map { run in
                Dictionary(try query { try store.metrics(runId: run.id) }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            }
            let shown = Self.headline.filter { name in metricsByRun.contains { $0[name].map { $0.value != 0 } ?? false } }
            let keys = parameterKeys(runs)
            body += "<h1>Sweep \(html(sweep))</h1>\n<p>\(runs.count) finished points, \(failed.count) failed; scenario \(html(runs[0].scenarioName)).</p>\n"
            for key in [x, group].compactMap({ $0 }) where !keys.contains(key) {
                throw CleanExit.message(error: "sweep \(sweep) does not vary \(key); it varies \(keys.joined(separator: ", "))")
            }
            if let xKey = x ?? keys.first {
                let groupKey = group ?? keys.first { $0 != xKey }
                for metric in shown {
                    var arguments = ["sweep", sweep, "--x", xKey, "--y", metric]
                    if let groupKey { arguments += ["--group", groupKey] }
                    let file = "sweep-\(sweep)-\(metric).png"
                    if let figure = plot(arguments, name: file, notes: &figureNotes) { body += figure }
                }
            }
            let rows = zip(runs, metricsByRun).map { run, metrics in
                [run.id] + overrides(run).map(\.1) + shown.map { metrics[$0].map { formatNumber($0.value) } ?? "-" }
            }
            let units = shown.map { name in metricsByRun.lazy.compactMap { $0[name]?.unit }.first ?? "" }
            body += "<h2>Points</h2>\n" + table(["run"] + keys + zip(shown, units).map { "\($0) (\($1))" }, rows)
            if !failed.isEmpty {
                body += "<h2>Failed points</h2>\n" + table(["run", "overrides", "error"], failed.map { [$0.id, $0.overrides, $0.statusMessage] })
            }
        }
        for note in figureNotes { printError("warning: \(note)") }
        if !figureNotes.isEmpty { body += "<p class=note>" + figureNotes.map(html).joined(separator: "<br>") + "</p>\n" }
        let page = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>SparkTwin report</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
            td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            img { max-width: 100%; border: 1px solid #eee; margin: 1em 0; }
            .note { color: #a33; }
            </style></head><body>
            \(body)
            <p><small>SparkTwin \(SparkTwinVersion.current), database \(html(database.db)).</small></p>
            </body></html>

            """
        let path = (out as NSString).appendingPathComponent("index.html")
        try page.write(toFile: path, atomically: true, encoding: .utf8)
        print(path)
    }

    func provenance(_ run: RunRecord) -> [(String, String)] {
        [("scenario", run.scenarioName), ("file", run.scenarioFile), ("scenario hash", run.scenarioHash),
         ("overrides", run.overrides), ("seed", "\(run.seedValue)"), ("tool version", run.toolVersion),
         ("started", run.startedAt), ("status", run.statusMessage.isEmpty ? run.status : "\(run.status): \(run.statusMessage)"),
         ("simulated", formatSeconds(Double(run.simulatedPs) * 1e-12)), ("wall time", String(format: "%.3f s", run.wallTimeS))]
    }

    /// The `--set` assignments of a run, as (key, value).
    func overrides(_ run: RunRecord) -> [(String, String)] {
        let list = (try? JSONDecoder().decode([String].self, from: Data(run.overrides.utf8))) ?? []
        return list.compactMap { item in
            item.firstIndex(of: "=").map { (String(item[..<$0]), String(item[item.index(after: $0)...])) }
        }
    }

    /// The keys a sweep varies, in the order of its points' overrides.
    func parameterKeys(_ runs: [RunRecord]) -> [String] {
        var keys: [String] = []
        for run in runs { for (key, _) in overrides(run) where !keys.contains(key) { keys.append(key) } }
        return keys.filter { key in Set(runs.compactMap { run in overrides(run).first { $0.0 == key }?.1 }).count > 1 }
    }

    /// Runs tools/plot.py and returns an <img> with the PNG embedded, or nil (with a note).
    func plot(_ arguments: [String], name: String, notes: inout [String]) -> String? {
        let file = (out as NSString).appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", plotScriptPath, "--db", database.db] + arguments + ["--out", file]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch {
            notes.append("figures skipped: cannot run python3 (\(error))")
            return nil
        }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: file) else {
            let last = message.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            notes.append("figure \(name) skipped: \(last) (pip install -r tools/requirements.txt)")
            return nil
        }
        return "<img alt=\"\(html(name))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">\n"
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        func cell(_ text: String, _ tag: String) -> String {
            let numeric = Double(text) != nil
            return "<\(tag)\(numeric && tag == "td" ? " class=n" : "")>\(html(text))</\(tag)>"
        }
        var out = "<table>\n<tr>" + header.map { cell($0, "th") }.joined() + "</tr>\n"
        for row in rows { out += "<tr>" + row.map { cell($0, "td") }.joined() + "</tr>\n" }
        return out + "</table>\n"
    }

    func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

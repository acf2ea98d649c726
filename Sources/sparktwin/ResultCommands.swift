import ArgumentParser
import Foundation
import TwinResults
import TwinRun


/// Runs a database query, turning its errors into clean exits.
func query<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw CleanExit.message(error: "\(error)") }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List stored runs, one per line, starting with the run id.")

    @Option(help: ArgumentHelp("Only runs with this label (finished ones).", valueName: "label"))
    var label: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        let runs = try query { try label.map { try store.runs(labelled: $0) } ?? store.runs() }
        for run in runs {
            let simulated = formatSeconds(Double(run.simulatedPs) * 1e-12)
            let labels = try query { try store.labels(runId: run.id) }
            let overrides = run.overrideList
            print("\(run.id)  \(run.startedAt)  \(run.status)  \(run.scenarioName)  seed=\(run.seedValue)  sim=\(simulated)  wall=\(String(format: "%.2f", run.wallTimeS))s"
                  + (overrides.isEmpty ? "" : "  set=\(overrides.joined(separator: ","))")
                  + (labels.isEmpty ? "" : "  labels=\(labels.joined(separator: ","))"))
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a run's provenance, metrics and expectations.")

    @Argument(help: ArgumentHelp("Run id or a unique prefix of it.", valueName: "run-id"))
    var runID: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        let run = try query { try store.run(runID) }
        let rows: [(String, String)] = [
            ("run", run.id), ("scenario", run.scenarioName), ("file", run.scenarioFile),
            ("scenario hash", run.scenarioHash), ("overrides", run.overrides), ("seed", "\(run.seedValue)"),
            ("tool version", run.toolVersion), ("started", run.startedAt),
            ("status", run.statusMessage.isEmpty ? run.status : "\(run.status) (\(run.statusMessage))"),
            ("labels", try query { try store.labels(runId: run.id) }.joined(separator: ", ")),
            ("simulated", formatSeconds(Double(run.simulatedPs) * 1e-12)),
            ("wall time", String(format: "%.3f s", run.wallTimeS)), ("events", "\(run.events)"),
            ("events/s", String(format: "%.0f", Double(run.events) / max(run.wallTimeS, 1e-9))),
            ("sim-s per wall-s", String(format: "%.4g", Double(run.simulatedPs) * 1e-12 / max(run.wallTimeS, 1e-9))),
        ]
        for (key, value) in rows { print("\(key.padding(toLength: 18, withPad: " ", startingAt: 0))\(value)") }
        let metrics = try query { try store.metrics(runId: run.id) }
        if !metrics.isEmpty {
            print("")
            printTable([["metric", "value", "unit"]] + metrics.map { [$0.name, formatNumber($0.value), $0.unit] }, rightAligned: [1])
            if metrics.contains(where: { $0.name.hasSuffix(".ratio_to_spec") }) {
                print("""

                    .peak is the best sampling window of this run (the first and last left out); .sustained the mean
                    of the steady second half; .spec the preset's datasheet peak (gpu.gemm: every SM at full
                    tensor rate at gpu.specClock; gpu.read: the DRAM bus's peak); .ratio_to_spec = sustained / spec.
                    """)
            }
        }
        let expectations = try query { try store.expectations(runId: run.id) }
        if !expectations.isEmpty {
            print("")
            printTable([["expectation", "target", "tolerance", "value", "unit", "verdict"]] + expectations.map {
                [$0.metric, formatNumber($0.target), $0.tolerance, $0.value.map(formatNumber) ?? "-", $0.unit, $0.passed ? "pass" : "FAIL"]
            })
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a run's metrics or time series as CSV or JSON.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @Argument(help: ArgumentHelp("Run id or a unique prefix of it.", valueName: "run-id"))
    var runID: String

    @Flag(help: "Export the scalar metrics (name,value,unit).")
    var metrics = false

    @Flag(help: "Export the time series (t_s,signal,value).")
    var series = false

    @Option(help: "Output format.")
    var format: Format = .csv

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard metrics != series else { throw ValidationError("give exactly one of --metrics and --series") }
    }

    func run() throws {
        let store = try database.openForReading()
        let run = try query { try store.run(runID) }
        var out = ""
        if metrics {
            let rows = try query { try store.metrics(runId: run.id) }
            switch format {
            case .csv:
                out = "name,value,unit\n" + rows.map { "\($0.name),\(csvNumber($0.value)),\($0.unit)\n" }.joined()
            case .json:
                out = json(rows.map { ["name": $0.name, "value": $0.value, "unit": $0.unit] as [String: Any] })
            }
        } else {
            let rows = try query { try store.samples(runId: run.id) }
            switch format {
            case .csv:
                out = "t_s,signal,value\n" + rows.map { "\(csvNumber(Double($0.timePs) / 1e12)),\($0.signal),\(csvNumber($0.value))\n" }.joined()
            case .json:
                out = json(rows.map { ["t_s": Double($0.timePs) / 1e12, "signal": $0.signal, "unit": $0.unit, "value": $0.value] as [String: Any] })
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// Shortest text that reads back as the same double.
    func csvNumber(_ value: Double) -> String { "\(value)" }

    func json(_ rows: [[String: Any]]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete runs with their metrics, expectations, labels and time series.",
        discussion: "Deleting more than one run asks for confirmation on a terminal; --yes skips it (and is needed without a terminal).")

    @Argument(help: ArgumentHelp("Run ids or unique prefixes.", valueName: "run-id"))
    var runIDs: [String] = []

    @Option(help: ArgumentHelp("Delete every run with this label.", valueName: "label"))
    var label: String?

    @Flag(help: "Delete without asking.")
    var yes = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if runIDs.isEmpty && label == nil { throw ValidationError("give run ids or --label") }
    }

    func run() throws {
        let store = try database.openExistingForWriting()
        var runs = try runIDs.map { id in try query { try store.run(id) } }
        if let label {
            let labelled = try query { try store.runs(labelled: label) }
            if labelled.isEmpty { throw CleanExit.message(error: "no finished runs labelled \(label)") }
            runs += labelled
        }
        var seen = Set<String>()
        runs = runs.filter { seen.insert($0.id).inserted }
        if runs.count > 1 && !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                throw CleanExit.message(error: "deleting \(runs.count) runs needs --yes when standard input is not a terminal")
            }
            for run in runs { printError("  \(run.id)  \(run.scenarioName)  \(run.startedAt)") }
            FileHandle.standardError.write(Data("delete these \(runs.count) runs? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                printError("nothing deleted")
                return
            }
        }
        let deleted = try query { try store.delete(runIds: runs.map(\.id)) }
        print("deleted \(deleted) run\(deleted == 1 ? "" : "s")")
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a results database written by an older sparktwin to this version's schema.",
        discussion: "Read commands (runs, show, export, compare, report) never change a database; run, sweep and merge migrate it as they write. A database written by a newer sparktwin is refused and left as it is.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else { throw CleanExit.message(error: "no results database at \(database.db)") }
        do {
            _ = try ResultStore(path: database.db, access: .read)
            print("\(database.db): already at the current schema")
            return
        } catch let error as ResultStoreError where error.description.contains("needs migrating") {
            // Migrated below.
        } catch { throw CleanExit.message(error: "\(error)") }
        let store = try database.openForWriting()
        let applied = try query { try store.appliedMigrations() }
        print("\(database.db): migrated; its schema now has \(applied.joined(separator: ", "))")
    }
}

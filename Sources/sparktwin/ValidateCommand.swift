import ArgumentParser
import Foundation
import TwinRun
import TwinScenario

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run calibration scenarios and curves; compare the twin with the measurements.",
        discussion: """
        Prints one table: figure, measured, simulated, error, tolerance. Single figures come from \
        scenarios with expect: entries (signed error); curves from files with a top-level curve: key \
        (mean absolute percentage error over the points, plus shape features such as a cache edge or \
        wave-quantization steps). Exits non-zero if any row is outside its tolerance.
        """)

    @Argument(help: ArgumentHelp("Calibration files or folders (default: Scenarios/calibration).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Also list every point of every curve.")
    var points = false

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: ArgumentHelp("Runs at once: scenarios and curve points spread over this many threads (default: one per processor). Results do not depend on it.", valueName: "n"))
    var jobsGiven: Int?

    var jobs: Int { jobsGiven ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "Show a progress line on standard error even when it is not a terminal.")
    var progress = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs: expected at least 1, found \(jobs)") }
    }

    func run() throws {
        let files = try calibrationFiles(paths.isEmpty ? ["Scenarios/calibration"] : paths)
        let loaded = try loadAll(files) { (path: $0, file: try CalibrationLoader.load(path: $0)) }
        var table = [["figure", "measured", "simulated", "error", "tolerance", "verdict"]]
        var timing = [["file", "events", "wall", "events/s"]]
        var failed = 0
        let clock = ContinuousClock()
        let start = clock.now
        let show = progress || isatty(STDERR_FILENO) == 1
        var report: (@Sendable (SweepProgress) -> Void)?
        if show {
            report = { (update: SweepProgress) in
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + "validate " + update.line).utf8))
            }
        }
        Interruption.install()
        let results = Validator.validate(loaded, jobs: jobs, progress: report)
        if show { FileHandle.standardError.write(Data("\n".utf8)) }
        if Interruption.requested {
            printError("interrupted: validation stopped before its end (validate stores nothing)")
            throw ExitCode(130)
        }
        let elapsed = clock.now - start
        for result in results {
            let path = result.file
            for row in result.rows {
                table.append([row.figure, row.measured, row.simulated, row.error, row.tolerance, row.passed ? "ok" : "FAIL"])
                if !row.passed { failed += 1 }
            }
            if points {
                for point in result.points {
                    let error = (point.simulated - point.measured) / abs(point.measured)
                    table.append(["  \(point.label)", formatNumber(point.measured), String(format: "%.4g", point.simulated),
                                  String(format: "%+.1f %%", error * 100), "", ""])
                }
            }
            timing.append([path, String(result.events), String(format: "%.2f s", result.wallSeconds),
                           String(format: "%.2fM", Double(result.events) / max(result.wallSeconds, 1e-9) / 1e6)])
        }
        printTable(table)
        print("")
        printTable(timing, rightAligned: [1, 2, 3])
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(String(format: "%d file%@ on %d thread%@ in %.2f s (wall is each file's runs, added up)",
                     results.count, results.count == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s", seconds))
        if failed > 0 {
            printError("\(failed) figure\(failed == 1 ? "" : "s") outside tolerance")
            throw ExitCode.failure
        }
    }

    /// The YAML files named, folders expanded (sorted, not recursing into `shared/`, which holds
    /// base scenarios that curves refer to).
    func calibrationFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CleanExit.message(error: "\(path): no such file or folder")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        return files
    }
}

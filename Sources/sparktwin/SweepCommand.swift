import ArgumentParser
import Foundation
import TwinResults
import TwinRun
import TwinScenario

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every point of a sweep file in parallel into one database (resuming finished points).",
        discussion: """
            Each run is labelled sweep:<name>; `compare` and `tools/plot.py` find them by it. \
            A failed point is stored as failed with its error and does not stop the others. \
            --shard I/N runs every N-th point from the I-th, for one machine of many; \
            `sparktwin merge` joins the shards' databases.
            """)

    @Argument(help: ArgumentHelp("Sweep file.", valueName: "sweep.yaml"))
    var file: String

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: ArgumentHelp("Points run at once (default: the number of cores).", valueName: "n"))
    var jobsGiven: Int?

    var jobs: Int { jobsGiven ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: ArgumentHelp("Run only shard I of N (1-based), e.g. 2/8.", valueName: "I/N"))
    var shard: String?

    @Flag(help: "List the points and exit without running.")
    var list = false

    @Flag(help: "Show the progress bar on standard error even when it is not a terminal.")
    var progress = false

    @Flag(help: "Fast mode: measure every unit cost anew, without reading or adding to the costs the database keeps.")
    var cold = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs: expected at least 1, found \(jobs)") }
        if let shard, parseShard(shard) == nil {
            throw ValidationError("--shard: expected I/N with 1 ≤ I ≤ N, such as 2/8, found \"\(shard)\"")
        }
    }

    func parseShard(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { return nil }
        return (parts[0], parts[1])
    }

    func run() throws {
        let sweep: Sweep
        do { sweep = try SweepLoader.load(path: file) } catch let error as ScenarioError {
            printError(error.description)
            throw ExitCode.validationFailure
        }
        let show = progress || isatty(STDERR_FILENO) == 1
        Interruption.install()
        // The whole file is checked before any point runs; each problem is said once.
        let problems = checkSweep(sweep, extra: [], progress: show)
        if !problems.isEmpty {
            printError(problems.map(\.description).joined(separator: "\n"))
            printError("\(problems.count) error\(problems.count == 1 ? "" : "s"); nothing was run")
            throw ExitCode.validationFailure
        }
        let points = shard.flatMap(parseShard).map { sweep.points(shard: $0.0, of: $0.1) } ?? sweep.points
        if list {
            for point in points { print("\(point.index)  \(point.overrides.joined(separator: " "))") }
            return
        }
        let store = try database.openForWriting()
        let name = sweep.name
        var report: (@Sendable (SweepProgress) -> Void)?
        if show {
            report = { (update: SweepProgress) in
                let line = "\r\u{1B}[K" + name + " " + update.line
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let summary: SweepSummary
        do {
            summary = try SweepRunner.run(sweep, points: points, jobs: jobs, store: store, keepCosts: !cold, progress: report)
        } catch {
            throw CleanExit.message(error: "\(error)")
        }
        if show { FileHandle.standardError.write(Data("\n".utf8)) }
        for failure in summary.failed {
            let overrides = sweep.point(failure.point).overrides.joined(separator: " ")
            printError("error: point \(failure.point) (\(overrides)) failed: \(failure.message)")
        }
        print("sweep=\(sweep.name) points=\(points.count) ran=\(summary.ran) skipped=\(summary.skipped) failed=\(summary.failed.count) label=\(sweep.label) db=\(database.db)")
        if Interruption.requested {
            printError("interrupted: \(summary.abandoned) point\(summary.abandoned == 1 ? "" : "s") not run and nothing of them stored; run the sweep again to finish it")
            throw ExitCode(130)
        }
        if !summary.failed.isEmpty { throw ExitCode.failure }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge result databases (sweep shards) into one, without duplicates.")

    @Argument(help: ArgumentHelp("Databases to merge in.", valueName: "db"))
    var sources: [String]

    @Option(name: .customLong("into"), help: ArgumentHelp("The database to merge into (created if missing; its folder must exist).", valueName: "path"))
    var target: String = DatabaseOptions.defaultPath

    func run() throws {
        let store: ResultStore
        do {
            store = try ResultStore(path: target, access: .write(createFolder: target == DatabaseOptions.defaultPath))
        } catch { throw CleanExit.message(error: "\(error)") }
        for source in sources {
            let copied = try query { try store.merge(from: source) }
            print("\(source): \(copied) runs merged into \(target)")
        }
    }
}

/// Checks a sweep file's points (see `SweepLoader.check`), with a progress line on a terminal.
func checkSweep(_ sweep: Sweep, extra: [String], progress: Bool) -> [Diagnostic] {
    var lastShown = Date.distantPast
    let problems = SweepLoader.check(sweep, extra: extra, progress: progress ? { done, total in
        guard Date().timeIntervalSince(lastShown) > 0.25 || done == total else { return }
        lastShown = Date()
        FileHandle.standardError.write(Data("\r\u{1B}[Kchecking \(sweep.name): \(done)/\(total) values".utf8))
    } : nil)
    if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return problems
}

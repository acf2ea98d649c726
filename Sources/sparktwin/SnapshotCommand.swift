import ArgumentParser
import Foundation
import TwinRun
import TwinScenario

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every scenario, curve point and sweep point under a folder; compare every metric with its golden snapshot.",
        discussion: """
        Each input file has a snapshot file at the same relative path under --into (.txt for \
        .yaml): every metric to the last bit and a SHA-256 of the time series, one section per \
        point. Prints the values that moved and exits non-zero if any did; --record rewrites the \
        snapshots instead. The whole of Scenarios/ takes minutes in a release build.
        """)

    @Option(help: ArgumentHelp("The input files' folder.", valueName: "folder"))
    var scenarios = "Scenarios"

    @Option(help: ArgumentHelp("The snapshots' folder.", valueName: "folder"))
    var into = "Tests/Snapshots/scenarios"

    @Option(parsing: .singleValue, help: ArgumentHelp("Only input files whose relative path contains this text (repeatable).", valueName: "text"))
    var only: [String] = []

    @Flag(help: "Write the snapshots from this build's results instead of comparing.")
    var record = false

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: ArgumentHelp("Runs at once (default: one per processor). Results do not depend on it.", valueName: "n"))
    var jobsGiven: Int?

    var jobs: Int { jobsGiven ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs: expected at least 1, found \(jobs)") }
    }

    func run() throws {
        let cases: [ScenarioSnapshots.Case]
        do {
            cases = try ScenarioSnapshots.cases(in: scenarios).filter { c in only.isEmpty || only.contains { c.file.contains($0) } }
        } catch let error as ScenarioError {
            printError(error.description)
            throw ExitCode.failure
        }
        let show = isatty(STDERR_FILENO) == 1
        Interruption.install()
        var report: (@Sendable (SweepProgress) -> Void)?
        if show {
            report = { (update: SweepProgress) in
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + "snapshot " + update.line).utf8))
            }
        }
        let outcomes = ScenarioSnapshots.run(cases, jobs: jobs, progress: report)
        if show { FileHandle.standardError.write(Data("\n".utf8)) }
        if Interruption.requested {
            printError("interrupted: no snapshot was compared or written")
            throw ExitCode(130)
        }
        var changedFiles = 0
        for (file, text) in ScenarioSnapshots.texts(cases, outcomes) {
            let path = ScenarioSnapshots.snapshotPath(of: file, in: into)
            if record {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOfFile: path, encoding: String.Encoding.utf8) else {
                print("\(file): no snapshot at \(path); write it with --record")
                changedFiles += 1
                continue
            }
            let lines = ScenarioSnapshots.differences(expected: expected, actual: text)
            if lines.isEmpty { continue }
            changedFiles += 1
            print("\(file): \(lines.count) value\(lines.count == 1 ? "" : "s") moved")
            for line in lines { print("  \(line)") }
        }
        let files = Set(cases.map(\.file)).count
        if record {
            print("recorded \(files) snapshot files (\(cases.count) runs) in \(into)")
        } else if changedFiles == 0 {
            print("\(files) files, \(cases.count) runs: every value as in its snapshot")
        } else {
            print("\(changedFiles) of \(files) files differ from their snapshots")
            throw ExitCode.failure
        }
    }
}

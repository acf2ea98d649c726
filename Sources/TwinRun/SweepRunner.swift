import Foundation
import TwinResults
import TwinScenario

/// Where a sweep stands, for a progress bar.
public struct SweepProgress: Sendable {
    public var total: Int
    public var done: Int
    public var running: Int
    public var failed: Int
    /// Points already finished in the database by an earlier invocation.
    public var skipped: Int
    public var wallSeconds: Double

    /// Wall seconds left at the pace of this invocation so far, if it can be estimated.
    public var etaSeconds: Double? {
        let finished = done + failed
        guard finished > 0 else { return nil }
        return wallSeconds / Double(finished) * Double(total - skipped - finished)
    }

    /// One line: a bar and the counts.
    public var line: String {
        let width = 30
        let complete = total > 0 ? (done + failed + skipped) * width / total : width
        let bar = String(repeating: "#", count: complete) + String(repeating: ".", count: width - complete)
        let eta = etaSeconds.map { String(format: "ETA %.0f s", $0) } ?? "ETA ?"
        return "[\(bar)] \(done + skipped)/\(total) done, \(running) running, \(failed) failed  \(eta)"
    }
}

/// What a sweep invocation did.
public struct SweepSummary: Sendable {
    public var ran: Int
    public var failed: [(point: Int, message: String)]
    public var skipped: Int
    /// Points not run because the sweep was stopped (Ctrl-C); nothing of them was stored.
    public var abandoned: Int
}

/// Runs a sweep's points on local cores, each point single-threaded and deterministic, all into
/// one database. Points already finished there (same scenario hash, same sweep label) are
/// skipped, so a killed sweep resumes where it stopped. A point that cannot be loaded or run
/// is stored as a failed run with its error; the others go on. Fast-mode points read and add to
/// the unit costs the database keeps (`keepCosts`), as `run` does.
public enum SweepRunner {
    public static func run(_ sweep: Sweep, points: [Sweep.Point], jobs: Int, store: ResultStore, keepCosts: Bool = true,
                           progress: (@Sendable (SweepProgress) -> Void)? = nil) throws -> SweepSummary {
        let finished = try store.finishedScenarioHashes(label: sweep.label)
        let baseText = (try? ScenarioLoader.readText(path: sweep.scenarioPath)) ?? ""
        let state = RunQueue(total: points.count)
        let start = Date()
        let report: @Sendable () -> Void = { progress?(state.snapshot(wallSeconds: Date().timeIntervalSince(start))) }
        report()
        // Each worker loads its own points: a point already finished in the database (same
        // scenario hash, same label) is skipped, so a killed sweep resumes where it stopped.
        RunQueue.onThreads(jobs: jobs, runs: points.count) {
            while let index = state.next(limit: points.count) {
                if state.isStopped { state.abandon(); continue }
                let point = points[index]
                let scenario: Scenario
                do {
                    scenario = try ScenarioLoader.load(path: sweep.scenarioPath, overrides: point.overrides)
                } catch {
                    let message = "\(error)"
                    let record = failedRecord(sweep, point, text: baseText, message: message)
                    try? store.insert(run: record, metrics: [], expectations: [], sampleTimesPs: [], signals: [], labels: [sweep.label])
                    state.finish(point: point.index, failure: message)
                    report()
                    continue
                }
                if finished.contains(scenario.hash) {
                    state.skip()
                    report()
                    continue
                }
                report()
                let outcome = ScenarioRunner.run(scenario, keptCosts: keepCosts ? store : nil, stop: { state.isStopped })
                var message: String?
                if outcome.interrupted {
                    state.abandon()
                    continue
                }
                do {
                    try ScenarioRunner.store(outcome, in: store, labels: [sweep.label])
                    if !outcome.finished { message = outcome.record.statusMessage }
                } catch {
                    message = "cannot store the run: \(error)"
                }
                state.finish(point: point.index, failure: message)
                report()
            }
        }
        report()
        return state.summary()
    }

    static func failedRecord(_ sweep: Sweep, _ point: Sweep.Point, text: String, message: String) -> RunRecord {
        var generator = SystemRandomNumberGenerator()
        return RunRecord(id: String(format: "%012llx", generator.next() & 0xFFFF_FFFF_FFFF), scenarioName: sweep.name,
                         scenarioFile: sweep.scenarioPath, scenarioText: text, scenarioHash: "", overrides: point.overrides,
                         seed: 0, toolVersion: SparkTwinVersion.current, startedAt: Date(), wallTimeS: 0, events: 0,
                         simulatedPs: 0, status: "failed", statusMessage: message)
    }
}

import Foundation

/// Runs handed out to worker threads, and the counters a progress line shows: shared by sweeps
/// and validation, each run single-threaded and deterministic.
final class RunQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var running = 0
    private var done = 0
    private var failures: [(point: Int, message: String)] = []
    private var skipped = 0
    private var abandoned = 0
    private var stopFlag: @Sendable () -> Bool
    let total: Int

    /// - Parameter stop: polled between runs and inside them; true ends the work early.
    init(total: Int, stop: @escaping @Sendable () -> Bool = { Interruption.requested }) {
        self.total = total
        self.stopFlag = stop
    }

    /// Whether the work is being stopped (Ctrl-C): runs not yet started are abandoned.
    var isStopped: Bool { stopFlag() }

    /// Runs `work` on `jobs` threads (at most one per run left) and waits for them all.
    static func onThreads(jobs: Int, runs: Int, _ work: @escaping @Sendable () -> Void) {
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, runs)) {
            group.enter()
            let worker = Thread {
                work()
                group.leave()
            }
            worker.stackSize = 16 << 20  // as much as the main thread's models may use
            worker.start()
        }
        group.wait()
    }

    /// The next run to start, below `limit`, if any is left.
    func next(limit: Int) -> Int? {
        lock.withLock {
            guard nextIndex < limit else { return nil }
            nextIndex += 1
            running += 1
            return nextIndex - 1
        }
    }

    func finish(point: Int, failure: String?) {
        lock.withLock {
            running -= 1
            if let failure { failures.append((point, failure)) } else { done += 1 }
        }
    }

    /// A run already in the database.
    func skip() {
        lock.withLock { running -= 1; skipped += 1 }
    }

    /// A run not done because the work was stopped.
    func abandon() {
        lock.withLock { running -= 1; abandoned += 1 }
    }

    func snapshot(wallSeconds: Double) -> SweepProgress {
        lock.withLock {
            SweepProgress(total: total, done: done, running: running, failed: failures.count, skipped: skipped, wallSeconds: wallSeconds)
        }
    }

    func summary() -> SweepSummary {
        lock.withLock { SweepSummary(ran: done, failed: failures.sorted { $0.point < $1.point }, skipped: skipped, abandoned: abandoned) }
    }
}

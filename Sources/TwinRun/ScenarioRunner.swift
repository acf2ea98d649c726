import Foundation
import TwinCore
import TwinModels
import TwinResults
import TwinScenario

/// The version stored with every run.
public enum SparkTwinVersion {
    public static let current = "0.1.0"

    /// This build of the tool: the version and the running executable's path, size and time of
    /// change, so that any rebuild is a new build. Kept unit costs are for one build, since a
    /// change to a model changes what a unit costs. Nil when the executable cannot be read.
    public static let build: String? = {
        let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, let changed = attributes[.modificationDate] as? Date else { return nil }
        return "\(current) \(path) \(size) \(changed.timeIntervalSince1970)"
    }()
}

/// Progress of a run, reported between slices of events.
public struct RunProgress: Sendable {
    public var simulated: SimTime
    public var end: SimTime
    public var events: UInt64
    public var wallSeconds: Double

    public var eventsPerSecond: Double { wallSeconds > 0 ? Double(events) / wallSeconds : 0 }
    public var simulatedPerWallSecond: Double { wallSeconds > 0 ? simulated.seconds / wallSeconds : 0 }
    /// Wall seconds left at the current pace, if it can be estimated.
    public var etaSeconds: Double? {
        let rate = simulatedPerWallSecond
        return rate > 0 ? (end.seconds - simulated.seconds) / rate : nil
    }

    /// One line for a terminal.
    public var line: String {
        let eta = etaSeconds.map { String(format: "%.1f s", $0) } ?? "?"
        return String(format: "sim %@ / %@  %.2f M events/s  %.3g sim-s/s  ETA %@",
                      formatSeconds(simulated.seconds), formatSeconds(end.seconds),
                      eventsPerSecond / 1e6, simulatedPerWallSecond, eta)
    }
}

/// Formats seconds with a readable unit.
public func formatSeconds(_ s: Double) -> String {
    if s >= 1 { return String(format: "%.3f s", s) }
    if s >= 1e-3 { return String(format: "%.3f ms", s * 1e3) }
    if s >= 1e-6 { return String(format: "%.3f us", s * 1e6) }
    return String(format: "%.1f ns", s * 1e9)
}

/// The result of one run, before or after storage.
public struct RunOutcome: Sendable {
    public var record: RunRecord
    public var metrics: [MetricRecord]
    public var expectations: [ExpectationRecord]
    public var sampleTimesPs: [UInt64]
    public var signals: [SignalData]
    /// Stopped by `stop` (Ctrl-C) before its end: such an outcome is never stored.
    public var interrupted = false

    public var finished: Bool { record.status == "finished" }
    public var expectationsPassed: Bool { expectations.allSatisfy(\.passed) }
}

/// Runs a validated scenario on a freshly built machine.
public enum ScenarioRunner {
    /// Events per slice between progress checks: small enough for a responsive progress line,
    /// large enough that the check costs nothing.
    static let sliceEvents: UInt64 = 1 << 20

    /// Simulates `scenario` to its end (or its event budget).
    ///
    /// - Parameters:
    ///   - progress: called between slices, at most every half second of wall time.
    ///   - stop: polled between slices; true ends the run early as `interrupted`.
    ///   - keptCosts: a results database whose kept unit costs fast mode reads before it
    ///     characterises a unit, and to which it adds those it measures (nil: measure all, keep none).
    public static func run(_ scenario: Scenario, keptCosts: ResultStore? = nil, progress: ((RunProgress) -> Void)? = nil,
                           stop: () -> Bool = { Interruption.requested }) -> RunOutcome {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let end = SimTime.zero + scenario.run.duration
        var lastReport = start
        var status = "finished"
        var message = ""
        var interrupted = false
        var result = NodesResult()
        if scenario.run.fidelity == .fast {
            // Nodes share nothing yet, so each node's fast run is its own, one after the other.
            for node in scenario.nodes {
                let costStore = keptCosts.flatMap { keptUnitCosts(in: $0, for: node.machine, seed: scenario.run.seed) }
                var machine = FastMachine(config: node.machine, program: node.program, settings: scenario.run, costStore: costStore)
                // Report every simulated second or so.
                var outcome = StopReason.reachedEnd
                while true {
                    outcome = machine.run(until: min(end, machine.now + SimDuration(seconds: 1)))
                    if outcome != .reachedEnd || machine.now >= end { break }
                    if stop() { interrupted = true; break }
                    if let progress, clock.now - lastReport > .milliseconds(500) {
                        lastReport = clock.now
                        // The ETA counts to the workload's end where the unit costs tell it, not to run.duration.
                        let workloadEnd = machine.estimatedSecondsLeft.map { min(end, machine.now + SimDuration(seconds: $0)) }
                        progress(RunProgress(simulated: machine.now, end: workloadEnd ?? end,
                                             events: result.events + machine.eventsHandled, wallSeconds: seconds(clock.now - start)))
                    }
                }
                if interrupted { break }
                if let keptCosts, let measured = machine.costStore {
                    // Costs are the machine's, not the run's: kept even if the run failed.
                    try? keptCosts.insertUnitCosts(machineKey: measured.machineKey, measured.added)
                }
                let (nodeStatus, nodeMessage) = describe(outcome, at: machine.now.seconds, shutdownC: node.machine.power.shutdownC)
                if status == "finished" { (status, message) = (nodeStatus, nodeMessage) }
                machine.finish()
                result.add(metrics: (machine.metrics + node.llmMetrics(stepTimes: machine.stepTimes, runMetrics: machine.metrics)).named(node.name),
                           series: machine.series.named(node.name), times: machine.sampleTimes,
                           events: machine.eventsHandled, now: machine.now)
            }
            if scenario.nodes.count > 1 && status == "finished" { message = "every node's workload complete or its duration reached" }
        } else {
            var simulation = Simulation(nodes: scenario.nodes.map(\.spec), links: scenario.links.map { ($0.first, $0.second) },
                                        settings: scenario.run)
            var outcome = StopReason.sliceExhausted
            while outcome == .sliceExhausted {
                outcome = simulation.run(until: end, maxEvents: sliceEvents)
                if outcome == .sliceExhausted && stop() { interrupted = true; break }
                if outcome == .sliceExhausted, let progress, clock.now - lastReport > .milliseconds(500) {
                    lastReport = clock.now
                    progress(RunProgress(simulated: simulation.now, end: end, events: simulation.eventsHandled,
                                         wallSeconds: seconds(clock.now - start)))
                }
            }
            (status, message) = describe(outcome, at: simulation.now.seconds, shutdownC: scenario.machine.power.shutdownC)
            simulation.finish()
            for (index, node) in scenario.nodes.enumerated() {
                let own = simulation.metrics(of: index)
                let llm = node.llmMetrics(stepTimes: simulation.stepTimes(of: index), runMetrics: own.map { metric in
                    var bare = metric
                    if let name = node.name { bare.name = String(metric.name.dropFirst(name.count + 1)) }
                    return bare
                })
                result.add(metrics: own + llm.named(node.name), series: simulation.series(of: index),
                           times: simulation.sampleTimes(of: index), events: 0, now: simulation.now(of: index))
            }
            result.events = simulation.eventsHandled
        }
        let wall = seconds(clock.now - start)
        let id = newRunID()
        let record = RunRecord(
            id: id, scenarioName: scenario.name, scenarioFile: scenario.file, scenarioText: scenario.text,
            scenarioHash: scenario.hash, overrides: scenario.overrides, seed: scenario.run.seed,
            toolVersion: SparkTwinVersion.current, startedAt: startedAt, wallTimeS: wall,
            events: result.events, simulatedPs: result.now.picoseconds, status: status, statusMessage: message)
        guard status == "finished", !interrupted else {
            var outcome = RunOutcome(record: record, metrics: [], expectations: [], sampleTimesPs: [], signals: [])
            outcome.interrupted = interrupted
            if interrupted { outcome.record.status = "failed"; outcome.record.statusMessage = "interrupted" }
            return outcome
        }
        let metrics = result.metrics.map { MetricRecord(runId: id, name: $0.name, value: $0.value, unit: $0.unit) }
        let expectations = scenario.expectations.map { expectation in
            let value = metrics.first { $0.name == expectation.metric }?.value
            return ExpectationRecord(runId: id, metric: expectation.metric, target: expectation.target, unit: expectation.unit,
                                     tolerance: expectation.tolerance.description, value: value,
                                     passed: value.map(expectation.accepts) ?? false)
        }
        let signals = result.signals
        return RunOutcome(record: record, metrics: metrics, expectations: expectations,
                          sampleTimesPs: result.times, signals: signals)
    }

    /// The unit costs `store` keeps for a node of `config` run with `seed` by this build; nil if
    /// the build cannot be told (then nothing is kept) or the database cannot be read.
    static func keptUnitCosts(in store: ResultStore, for config: MachineConfig, seed: UInt64) -> UnitCostStore? {
        guard let build = SparkTwinVersion.build else { return nil }
        let key = SHA256.hexDigest(UnitCostStore.machineText(config, seed: seed, build: build))
        guard let known = try? store.unitCosts(machineKey: key) else { return nil }
        return UnitCostStore(machineKey: key, known: known)
    }

    /// What the nodes of a run leave: their metrics and signals in node order; the run's sample
    /// times are the first node's, and a node with other times keeps its own with its signals.
    struct NodesResult {
        var metrics: [MetricValue] = []
        var signals: [SignalData] = []
        var times: [UInt64] = []
        var events: UInt64 = 0
        /// The latest node's time.
        var now = SimTime.zero

        var nodes = 0

        mutating func add(metrics: [MetricValue], series: [SignalSeries], times: [UInt64], events: UInt64, now: SimTime) {
            if nodes == 0 { self.times = times }
            nodes += 1
            self.metrics += metrics
            signals += series.map { SignalData(name: $0.name, unit: $0.unit, values: $0.values, timesPs: times == self.times ? nil : times) }
            self.events += events
            self.now = SimTime.latest(self.now, now)
        }
    }

    /// The stored status and message for why a run stopped.
    static func describe(_ reason: StopReason, at seconds: Double, shutdownC: Double) -> (status: String, message: String) {
        switch reason {
        case .reachedEnd, .sliceExhausted: ("finished", "reached the scenario's duration")
        case .idle: ("finished", "workload complete")
        case .halted: ("finished", "thermal shutdown at simulated time \(formatSeconds(seconds)): a die reached \(shutdownC) C")
        case .budgetExhausted(let limit):
            ("failed", "event budget of \(limit) events exhausted at simulated time \(formatSeconds(seconds)); raise run.eventBudget or shorten run.duration")
        }
    }

    /// Stores an outcome in one transaction.
    public static func store(_ outcome: RunOutcome, in store: ResultStore, labels: [String] = []) throws {
        precondition(!outcome.interrupted, "an interrupted run is never stored")
        try store.insert(run: outcome.record, metrics: outcome.metrics, expectations: outcome.expectations,
                         sampleTimesPs: outcome.sampleTimesPs, signals: outcome.signals, labels: labels)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// Twelve random hex digits. Run ids identify executions, not scenarios, so they come from
    /// the system's generator, never from the simulation's seeded streams.
    static func newRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%012llx", generator.next() & 0xFFFF_FFFF_FFFF)
    }
}

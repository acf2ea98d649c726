import TwinCore

/// One node of a simulation: a machine built from its preset, running its own program.
public struct NodeSpec: Sendable {
    /// What its metrics and signals are prefixed with (`spark1.gpu.read.bandwidth`); nil for
    /// the one node of a single-machine scenario, whose names carry no prefix.
    public var name: String?
    public var config: MachineConfig
    public var program: Program

    public init(name: String? = nil, config: MachineConfig, program: Program) {
        self.name = name
        self.config = config
        self.program = program
    }
}

/// A node's handle on the simulation's one event queue: every event it schedules carries the
/// node as its target, so the simulation can hand it back to the node that scheduled it.
struct NodeQueue {
    let events: UnsafeMutablePointer<EventQueue>
    let target: UInt32

    @inline(__always)
    func push(_ event: Event) {
        var event = event
        event.target = target
        events.pointee.push(event)
    }

    /// Schedules an event for another node: a packet arriving over a link.
    func push(_ event: Event, toNode node: Int) {
        var event = event
        event.target = UInt32(node)
        events.pointee.push(event)
    }
}

/// A discrete-event simulation of one or more nodes: owns the one event queue and hands each
/// event to its target node.
///
/// Nodes share nothing but their links, so a node without links gets the results of its program
/// run alone: its events keep their order, and a node whose workload has ended (or that shut
/// down) stops there, at its own time, as it would alone. Linked nodes send each other packets
/// (events for the peer), so a linked node whose workload is done keeps serving its peers until
/// the workloads of every linked node are done.
///
/// Noncopyable because it owns the queue's and the nodes' storage.
public struct Simulation: ~Copyable {
    let events: UnsafeMutablePointer<EventQueue>
    let nodes: UnsafeMutablePointer<Machine>
    public let nodeCount: Int
    public let names: [String?]
    public let settings: RunSettings
    /// Time of the last event dispatched (or the end of the last `run`), over all nodes.
    public private(set) var now = SimTime.zero
    /// Events dispatched so far, over all nodes.
    public private(set) var eventsHandled: UInt64 = 0
    /// Whether each node has ended: its workload is done or it shut down.
    var ended: [Bool]
    var endedCount = 0
    /// Whether each node has a link, and, of those, whose workloads are done.
    let linked: [Bool]
    let linkedCount: Int
    var linkedDone: [Bool]
    var linkedDoneCount = 0

    /// A simulation of `specs`' nodes, each with its own power budget, heat and governor, and
    /// `links` between pairs of them (by index).
    public init(nodes specs: [NodeSpec], links: [(Int, Int)] = [], settings: RunSettings) {
        precondition(!specs.isEmpty && specs.count <= Int(UInt32.max), "a simulation needs at least one node")
        self.settings = settings
        self.nodeCount = specs.count
        self.names = specs.map(\.name)
        self.ended = Array(repeating: false, count: specs.count)
        var linked = Array(repeating: false, count: specs.count)
        for (a, b) in links {
            linked[a] = true
            linked[b] = true
        }
        self.linked = linked
        self.linkedCount = linked.count(where: { $0 })
        self.linkedDone = Array(repeating: false, count: specs.count)
        let capacity = specs.map { Machine.eventCapacity($0.config) }.reduce(0, +)
        events = .allocate(capacity: 1)
        events.initialize(to: EventQueue(capacity: capacity))
        nodes = .allocate(capacity: specs.count)
        for (index, spec) in specs.enumerated() {
            (nodes + index).initialize(to: Machine(config: spec.config, program: spec.program, settings: settings,
                                                   queue: NodeQueue(events: events, target: UInt32(index))))
        }
    }

    /// One machine running `program`.
    public init(config: MachineConfig, program: Program, settings: RunSettings) {
        self.init(nodes: [NodeSpec(config: config, program: program)], settings: settings)
    }

    /// One machine running `workload`'s phases one after the other.
    public init(config: MachineConfig, workload: [WorkloadPhase], settings: RunSettings, cpuCores: [UInt64] = []) {
        self.init(config: config, program: Program(phases: workload, cpuCores: cpuCores), settings: settings)
    }

    deinit {
        nodes.deinitialize(count: nodeCount)
        nodes.deallocate()
        events.deinitialize(count: 1)
        events.deallocate()
    }

    /// The first node, in place (fast mode's characterisation runs read its counters).
    var firstNode: Machine {
        unsafeAddress { UnsafePointer(nodes) }
        unsafeMutableAddress { nodes }
    }

    /// Runs events up to and including time `end`, at most `maxEvents` of them in this call.
    ///
    /// The run's total event budget (`settings.eventBudget`) is enforced across calls.
    /// - Returns: why the call stopped.
    public mutating func run(until end: SimTime, maxEvents: UInt64 = .max) -> StopReason {
        var handled: UInt64 = 0
        while let next = events.pointee.nextTime(), next <= end {
            if endedCount == nodeCount { return allEnded }
            if eventsHandled >= settings.eventBudget { return .budgetExhausted(limit: settings.eventBudget) }
            if handled >= maxEvents { return .sliceExhausted }
            let event = events.pointee.pop()
            let target = Int(event.target)
            // An ended node's remaining events (its sampling and governor) are dropped.
            guard !ended[target] else { continue }
            precondition(event.time >= now, "time went backwards")
            now = event.time
            let node = nodes + target
            node.pointee.now = now
            node.pointee.dispatch(event)
            node.pointee.eventsHandled += 1
            handled += 1
            eventsHandled += 1
            if node.pointee.shutdownAt != nil || (node.pointee.workloadFinishedAt != nil && !linked[target]) {
                ended[target] = true
                endedCount += 1
            } else if node.pointee.workloadFinishedAt != nil && !linkedDone[target] {
                linkedDone[target] = true
                linkedDoneCount += 1
                if linkedDoneCount == linkedCount {
                    for index in 0..<nodeCount where linked[index] && !ended[index] {
                        ended[index] = true
                        endedCount += 1
                    }
                }
            }
        }
        if endedCount == nodeCount { return allEnded }
        now = SimTime.latest(now, end)
        for index in 0..<nodeCount where !ended[index] {
            nodes[index].now = SimTime.latest(nodes[index].now, end)
        }
        return .reachedEnd
    }

    /// Why the run stopped once every node has ended: a shutdown if a node shut down.
    var allEnded: StopReason {
        (0..<nodeCount).contains { nodes[$0].workloadFinishedAt == nil && nodes[$0].shutdownAt != nil } ? .halted : .idle
    }

    /// Ends the run: each node closes its open phases and takes a last sample at its own time.
    public mutating func finish() {
        for index in 0..<nodeCount { nodes[index].finish() }
    }

    /// Whether node `index` has ended before the run did.
    public func hasEnded(_ index: Int) -> Bool { ended[index] }

    /// Node `index`'s metrics, names prefixed with its name if it has one.
    public func metrics(of index: Int) -> [MetricValue] { nodes[index].metrics.named(names[index]) }

    /// Node `index`'s signals, names prefixed with its name if it has one.
    public func series(of index: Int) -> [SignalSeries] { nodes[index].series.named(names[index]) }

    /// How long each step of node `index`'s program took, over its runs.
    public func stepTimes(of index: Int) -> StepTimes { nodes[index].stepTimes }

    /// Node `index`'s sample times, picoseconds.
    public func sampleTimes(of index: Int) -> [UInt64] { nodes[index].sampleTimes }

    /// Node `index`'s time: when it ended, or the end of the run.
    public func now(of index: Int) -> SimTime { nodes[index].now }

    /// When node `index`'s workload finished, if it has.
    public func workloadFinishedAt(of index: Int) -> SimTime? { nodes[index].workloadFinishedAt }

    /// Every node's metrics, in node order.
    public var metrics: [MetricValue] { (0..<nodeCount).flatMap { metrics(of: $0) } }
    /// Every node's signals, in node order.
    public var series: [SignalSeries] { (0..<nodeCount).flatMap { series(of: $0) } }
    /// The first node's sample times (every node's, for a single node).
    public var sampleTimes: [UInt64] { sampleTimes(of: 0) }
    /// When the first node's workload finished.
    public var workloadFinishedAt: SimTime? { workloadFinishedAt(of: 0) }
}

extension [MetricValue] {
    /// The metrics of node `node`: names prefixed with it (`spark1.sim.time`), unchanged for nil.
    public func named(_ node: String?) -> [MetricValue] {
        guard let node else { return self }
        return map { MetricValue(name: "\(node).\($0.name)", value: $0.value, unit: $0.unit) }
    }
}

extension [SignalSeries] {
    /// The signals of node `node`: names prefixed with it, unchanged for nil.
    public func named(_ node: String?) -> [SignalSeries] {
        guard let node else { return self }
        return map { SignalSeries(name: "\(node).\($0.name)", unit: $0.unit, values: $0.values) }
    }
}

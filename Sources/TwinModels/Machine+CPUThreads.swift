import TwinCore

/// A stream line of a Grace thread in flight, held in a slab the events index.
struct GraceLineRequest: Sendable {
    var thread: Int
    var address: UInt64
    var issuedAt: SimTime
}

/// The `cpu` phase now running: its threads, the caches they share and their lines in flight.
struct GraceThreadsState: Sendable {
    var threads: [GraceThread] = []
    var shared: GraceSharedCaches?
    var lines: [GraceLineRequest] = []
    var freeLines: [UInt32] = []
    var running = 0
    var phaseIndex = 0
    var startedAt = SimTime.zero
    /// Threads in a stream step, and since when one has been.
    var streaming = 0
    var streamingSince = SimTime.zero
    var stats = GraceThreadStats()

    mutating func streamBegins(at time: SimTime) {
        if streaming == 0 { streamingSince = time }
        streaming += 1
    }

    mutating func streamEnds(at time: SimTime) {
        streaming -= 1
        if streaming == 0 { stats.streamPs += (time - streamingSince).picoseconds }
    }

    /// Closes the phase's time, at its end or the run's.
    mutating func account(to time: SimTime) {
        stats.phasePs += (time - startedAt).picoseconds
        if streaming > 0 { stats.streamPs += (time - streamingSince).picoseconds }
        streaming = 0
    }
}

/// What happens to the Grace threads of a `cpu` phase.
enum CPUThreadEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.cpuThreads
    /// Thread `payload`'s compute step is over, or its chase load has its value.
    case stepDone
    /// Stream line `payload` reaches the memory controller's front end.
    case lineAtController
    /// Stream line `payload` is back at its core.
    case lineBack
}

extension Machine {
    mutating func handle(_ event: CPUThreadEvent, payload: UInt64) {
        switch event {
        case .stepDone: threadStepEvent(Int(payload))
        case .lineAtController: threadLineAtController(Int(payload))
        case .lineBack: threadLineDone(Int(payload))
        }
    }

    mutating func startCPUThreads(_ phase: CPUThreadsPhase, phaseIndex: Int) {
        grace.phaseIndex = phaseIndex
        grace.startedAt = now
        grace.shared = GraceSharedCaches(config: config.cpu)
        grace.threads = phase.threads.enumerated().map { index, thread in
            GraceThread(thread, index: index, config: config.cpu,
                        random: RandomStream(seed: settings.seed, node: node, purpose: .graceThread(index)))
        }
        let slots = phase.threads.reduce(0) { $0 + config.cpu.linesInFlight[$1.core]! }
        grace.lines = Array(repeating: GraceLineRequest(thread: 0, address: 0, issuedAt: .zero), count: slots)
        grace.freeLines = (0..<UInt32(slots)).reversed()
        grace.running = grace.threads.count
        for index in grace.threads.indices { advanceThread(index) }
    }

    /// Starts thread `index`'s next step, or retires the thread after its last.
    mutating func advanceThread(_ index: Int) {
        grace.threads[index].stepIndex += 1
        let thread = grace.threads[index]
        guard thread.stepIndex < thread.program.count else {
            grace.running -= 1
            if grace.running == 0 { finishCPUThreads() }
            return
        }
        // Each step runs at its cluster's clock as the governor has it now.
        let hz = UInt64(power.cpuHz[thread.cluster] * (thread.core == .a725 ? power.config.a725ClockRatio : 1))
        grace.threads[index].clock = ClockDomain(frequencyHz: hz)
        switch thread.program[thread.stepIndex] {
        case .compute(let cycles):
            grace.stats.computeCycles += cycles
            let done = now + SimDuration(seconds: Double(cycles) / Double(hz))
            schedule(CPUThreadEvent.stepDone, at: done, payload: UInt64(index))
        case .stream(let bytes):
            let lines = (bytes + config.cpu.lineBytes - 1) / config.cpu.lineBytes
            grace.threads[index].linesToIssue = lines
            grace.threads[index].linesToArrive = lines
            grace.threads[index].nextLine = 0
            grace.streamBegins(at: now)
            let limit = config.cpu.linesInFlight[thread.core]!
            while grace.threads[index].linesToIssue > 0 && grace.threads[index].linesInFlight < limit { issueThreadLine(index) }
        case .chase(let bufferBytes, let steps):
            // Each chase draws its own walk from the thread's stream.
            let walkSeed = grace.threads[index].random.next()
            let walk = ChaseWalk(bufferBytes: bufferBytes, lineBytes: config.cpu.lineBytes, steps: steps, random: RandomStream(state: walkSeed))
            // Initialisation wrote the buffer front to back: what it leaves in the caches is its tail.
            let cached = PointerChase.cachedTailLines(core: thread.core, config: config.cpu)
            for line in (walk.lines - min(walk.lines, cached))..<walk.lines {
                _ = threadLookUp(index, thread.base + line * config.cpu.lineBytes)
            }
            grace.threads[index].walk = walk
            issueThreadChaseLoad(index)
        }
    }

    /// The running step of thread `index` timed out: a compute step is done, or a chase load
    /// has its value.
    mutating func threadStepEvent(_ index: Int) {
        if let walk = grace.threads[index].walk {
            if walk.stepsLeft > 0 {
                issueThreadChaseLoad(index)
                return
            }
            grace.threads[index].walk = nil
        }
        advanceThread(index)
    }

    /// The level of Grace's hierarchy that holds `address` for thread `index`: its own L1 and L2,
    /// then its cluster's L3 and the system-level cache the threads share.
    mutating func threadLookUp(_ index: Int, _ address: UInt64) -> PointerChase.Level {
        grace.shared!.lookUp(address, for: &grace.threads[index])
    }

    /// Time from thread `index`'s core to `level` and back; for DRAM, to the controller's front end.
    func threadLatency(_ index: Int, _ level: PointerChase.Level) -> SimDuration {
        let latency = PointerChase.cacheLatency(level, core: grace.threads[index].core, clock: grace.threads[index].clock,
                                                config: config.cpu)
        return level == .dram ? latency + config.cpu.fabricLatency : latency
    }

    mutating func issueThreadLine(_ index: Int) {
        let address = grace.threads[index].base + grace.threads[index].nextLine * config.cpu.lineBytes
        grace.threads[index].nextLine += 1
        grace.threads[index].linesToIssue -= 1
        grace.threads[index].linesInFlight += 1
        internalInvariant(grace.threads[index].linesInFlight <= config.cpu.linesInFlight[grace.threads[index].core]!,
                          "CPU: thread \(index) has more lines in flight than its core allows")
        let slot = grace.freeLines.removeLast()
        grace.lines[Int(slot)] = GraceLineRequest(thread: index, address: address, issuedAt: now)
        let level = threadLookUp(index, address)
        schedule(level == .dram ? CPUThreadEvent.lineAtController : .lineBack, at: now + threadLatency(index, level), payload: UInt64(slot))
    }

    /// A stream line's read reaches the memory controller, where it meets every other requester.
    mutating func threadLineAtController(_ slot: Int) {
        let back = path.cpuReadLine(grace.lines[slot].address, bytes: config.cpu.lineBytes, arrivingAt: now)
        schedule(CPUThreadEvent.lineBack, at: back, payload: UInt64(slot))
    }

    mutating func threadLineDone(_ slot: Int) {
        let request = grace.lines[slot]
        grace.freeLines.append(UInt32(slot))
        grace.stats.streamLines += 1
        grace.stats.streamBytes += config.cpu.lineBytes
        grace.stats.streamLatencyPs += (now - request.issuedAt).picoseconds
        let index = request.thread
        grace.threads[index].linesInFlight -= 1
        grace.threads[index].linesToArrive -= 1
        internalInvariant(grace.threads[index].linesInFlight >= 0 && grace.threads[index].linesToArrive >= 0,
                          "CPU: thread \(index) has a line done that it never issued")
        if grace.threads[index].linesToIssue > 0 {
            issueThreadLine(index)
        } else if grace.threads[index].linesToArrive == 0 {
            grace.streamEnds(at: now)
            advanceThread(index)
        }
    }

    /// Issues the next load of thread `index`'s chase: serial, each at its level's latency.
    mutating func issueThreadChaseLoad(_ index: Int) {
        let address = grace.threads[index].base + grace.threads[index].walk!.nextAddress()
        grace.threads[index].walk!.stepsLeft -= 1
        let level = threadLookUp(index, address)
        var ready = now + threadLatency(index, level)
        if level == .dram {
            ready = path.cpuReadLine(address, bytes: config.cpu.lineBytes, arrivingAt: ready)
        }
        chaseStats.loads += 1
        chaseStats.latencyPs += (ready - now).picoseconds
        chaseStats.loadsByLevel[level.rawValue] += 1
        schedule(CPUThreadEvent.stepDone, at: ready, payload: UInt64(index))
    }

    mutating func finishCPUThreads() {
        grace.account(to: now)
        grace.threads = []
        grace.shared = nil
        finishPhase(grace.phaseIndex)
    }
}

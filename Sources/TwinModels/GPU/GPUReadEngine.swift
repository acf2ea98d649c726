import TwinCore

/// The GPU's memory read path as a saturating read kernel drives it: the SMs together keep up
/// to `sms × readsInFlightPerSM` line reads in flight, and the fabric accepts
/// `requestsPerCycle` line requests per SM clock cycle (one on GB10: the L2's port towards
/// NVLink-C2C).
///
/// Bandwidth is not an input here: it emerges from the memory-level parallelism, the latency of
/// the path and the first bottleneck along it (issue port, link, channels and banks).
public struct GPUReadEngine: Sendable {
    public struct Config: Sendable, Equatable {
        public var smClockHz: UInt64
        public var readsInFlightLimit: Int
        /// Line requests the fabric accepts per SM cycle, all SMs together.
        public var requestsPerCycle: UInt64
        public var lineBytes: UInt64
        public var fabricLatency: SimDuration
        /// What one CTA of a read kernel holds on its SM.
        public var ctaFootprint: CTAFootprint

        public init(_ p: ParameterValues) {
            smClockHz = UInt64(p["gpu.smClock"].rounded())
            readsInFlightLimit = Int(p["gpu.sms"] * p["gpu.readsInFlightPerSM"])
            requestsPerCycle = UInt64(p["gpu.requestsPerCycle"])
            lineBytes = UInt64(p["gpu.lineSize"])
            fabricLatency = SimDuration(seconds: p["gpu.fabricLatency"])
            ctaFootprint = CTAFootprint(threads: UInt64(p["gpu.read.threadsPerCTA"]), registersPerThread: UInt64(p["gpu.read.registersPerThread"]), sharedMemoryBytes: 0)
        }
    }

    /// Counters since the start of the run.
    public struct Stats: Sendable {
        public var readsIssued: UInt64 = 0
        public var bytesReceived: UInt64 = 0
        /// Sum of read latencies (issue to last byte back), picoseconds.
        public var latencySumPs: UInt64 = 0
        public var readsCompleted: UInt64 = 0
        public var latency = LatencyHistogram()
    }

    public let config: Config
    /// The SM clock domain; the governor moves it.
    public private(set) var clock: ClockDomain
    public private(set) var stats = Stats()
    public private(set) var readsInFlight = 0
    private var issueCycle: UInt64 = 0
    private var issuedInCycle: UInt64 = 0
    private var random: RandomStream

    // The running phase.
    private var phase = StreamReadPhase(bufferBytes: 0, totalBytes: 0, pattern: .sequential)
    private var bytesIssued: UInt64 = 0
    private var nextOffset: UInt64 = 0
    /// Where the buffer starts.
    private var base: UInt64 = 0

    public init(config: Config, random: RandomStream) {
        precondition(config.readsInFlightLimit > 0, "the GPU needs at least one read in flight")
        self.config = config
        self.clock = ClockDomain(frequencyHz: config.smClockHz)
        self.random = random
    }

    /// Starts a streaming phase.
    public mutating func begin(_ phase: StreamReadPhase, base: UInt64) {
        precondition(phase.bufferBytes >= config.lineBytes, "buffer smaller than one line")
        self.phase = phase
        self.base = base
        bytesIssued = 0
        nextOffset = 0
    }

    /// Whether the phase has bytes left to read. The kernel's CTAs decide how many reads are in
    /// flight (`StreamState`), each its share of `readsInFlightLimit`.
    public var canIssue: Bool { bytesIssued < phase.totalBytes }

    /// Line reads of the whole phase.
    public var phaseLines: UInt64 { (phase.totalBytes + config.lineBytes - 1) / config.lineBytes }

    /// Issues the next read no earlier than `time`.
    ///
    /// - Returns: the line address and the time the request leaves the GPU's fabric for the link.
    public mutating func issue(at time: SimTime) -> (address: UInt64, portTime: SimTime, issueTime: SimTime) {
        precondition(canIssue, "issue without a free read slot")
        var cycle = max(clock.cycle(atOrAfter: time), issueCycle)
        if cycle == issueCycle && issuedInCycle == config.requestsPerCycle { cycle += 1 }
        if cycle != issueCycle {
            issueCycle = cycle
            issuedInCycle = 0
        }
        issuedInCycle += 1
        let issueTime = clock.time(ofCycle: cycle)
        let lines = phase.bufferBytes / config.lineBytes
        let line: UInt64
        switch phase.pattern {
        case .sequential:
            line = nextOffset
            nextOffset = nextOffset + 1 == lines ? 0 : nextOffset + 1
        case .random:
            line = random.next(below: lines)
        }
        readsInFlight += 1
        bytesIssued += config.lineBytes
        stats.readsIssued += 1
        return (base + line * config.lineBytes, issueTime + config.fabricLatency, issueTime)
    }

    /// Accounts for a read whose data reached the SM at `time`.
    public mutating func complete(issuedAt: SimTime, at time: SimTime) {
        precondition(readsInFlight > 0, "completion without a read in flight")
        readsInFlight -= 1
        stats.bytesReceived += config.lineBytes
        stats.readsCompleted += 1
        let latency = time - issuedAt
        stats.latencySumPs += latency.picoseconds
        stats.latency.record(latency)
    }

    /// Changes the SM clock from the first edge at or after `time`.
    public mutating func setClock(hz: UInt64, at time: SimTime) {
        clock.setFrequency(hz, at: time)
    }

    /// Abandons a phase cut short by the end of the run.
    public mutating func stop() {
        phase.totalBytes = 0
    }
}

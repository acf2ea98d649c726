import TwinCore

/// NVLink-C2C, the die-to-die link between the GPU die and the CPU die (where the memory
/// controllers sit). Every GPU DRAM access crosses it twice: the request towards the CPU die,
/// the data back.
///
/// Each direction is a serializer clocked at one flit per cycle: a packet occupies whole flits
/// (header plus payload), waits for the flits before it, then takes the link latency. Packets are
/// served in the order `send` is called: the event-driven read path calls in time order, so that
/// is first come, first served; a GEMM stage's burst of misses is timed in one go, and a packet
/// timed earlier than one already reserved simply queues behind it.
///
/// Flow control is credit based: the far end has `credits` packet buffers per direction, and a
/// packet may start only when one is free. A buffer is freed when its packet has arrived and
/// the credit has travelled back (one more link latency; the receiver drains at once). So a
/// direction carries at most `credits` packets per round trip, whatever its bandwidth.
public struct C2CLink: Sendable {
    /// The two directions.
    public enum Direction: Int, Sendable {
        case gpuToCPU = 0
        case cpuToGPU = 1
    }

    public struct Config: Sendable, Equatable {
        /// Flits per second in each direction: bandwidth / flit size.
        public var flitRateHz: UInt64
        public var flitBytes: UInt64
        public var headerBytes: UInt64
        public var latency: SimDuration

        /// Largest payload of one packet; bulk transfers are cut into packets of this size.
        public var maxPayloadBytes: UInt64
        /// Packet buffers at the far end of each direction.
        public var credits: Int

        /// Reads `<prefix>.bandwidthPerDirection`, `.flitSize`, `.headerSize`, `.latency` and
        /// `.maxPayload`: the same model serves NVLink-C2C (`c2c`) and the host link (`host`).
        public init(_ p: ParameterValues, prefix: String = "c2c") {
            flitBytes = UInt64(p["\(prefix).flitSize"])
            flitRateHz = UInt64((p["\(prefix).bandwidthPerDirection"] / Double(flitBytes)).rounded())
            headerBytes = UInt64(p["\(prefix).headerSize"])
            latency = SimDuration(seconds: p["\(prefix).latency"])
            maxPayloadBytes = UInt64(p["\(prefix).maxPayload"])
            credits = Int(p["\(prefix).credits"])
        }
    }

    /// Counters of one direction since the start of the run.
    public struct DirectionStats: Sendable, Equatable {
        public var packets: UInt64 = 0
        public var payloadBytes: UInt64 = 0
        public var busyFlits: UInt64 = 0
    }

    struct Lane: Sendable {
        var clock: ClockDomain
        var freeCycle: UInt64 = 0
        /// When each far-end buffer is free again, in the order packets took them.
        var creditFree: [SimTime]
        var nextCredit = 0
        var stats = DirectionStats()
    }

    public let config: Config
    private var lanes: [Lane]

    public init(config: Config) {
        precondition(config.flitRateHz > 0, "link flit rate must be positive")
        precondition(config.credits > 0, "a link needs at least one credit")
        self.config = config
        let lane = Lane(clock: ClockDomain(frequencyHz: config.flitRateHz),
                        creditFree: Array(repeating: .zero, count: config.credits))
        self.lanes = [lane, lane]
    }

    /// Puts one packet of `flits` flits on direction `d`, no earlier than `time` nor before a
    /// far-end buffer is free, and returns the cycle its last flit leaves.
    private mutating func serialize(_ d: Int, flits: UInt64, at time: SimTime) -> UInt64 {
        let credit = lanes[d].nextCredit
        let ready = SimTime.latest(time, lanes[d].creditFree[credit])
        let start = max(lanes[d].clock.cycle(atOrAfter: ready), lanes[d].freeCycle)
        let end = start + flits
        lanes[d].freeCycle = end
        // The packet arrives one latency after its last flit; its credit comes back one later.
        lanes[d].creditFree[credit] = lanes[d].clock.time(ofCycle: end) + config.latency + config.latency
        // Credits return in the order they were taken, so the one taken next is always the
        // earliest free: no more than `credits` packets are ever in flight.
        internalInvariant(lanes[d].creditFree[credit == 0 ? config.credits - 1 : credit - 1] <= lanes[d].creditFree[credit],
                          "link: credit \(credit) returns before the one taken before it")
        lanes[d].nextCredit = credit + 1 == config.credits ? 0 : credit + 1
        return end
    }

    /// Sends a packet carrying `payloadBytes` at `time`.
    ///
    /// - Returns: when the packet's last flit arrives at the far end.
    public mutating func send(_ direction: Direction, payloadBytes: UInt64, at time: SimTime) -> SimTime {
        let d = direction.rawValue
        let flits = (payloadBytes + config.headerBytes + config.flitBytes - 1) / config.flitBytes
        let end = serialize(d, flits: flits, at: time)
        lanes[d].stats.packets += 1
        lanes[d].stats.payloadBytes += payloadBytes
        lanes[d].stats.busyFlits += flits
        return lanes[d].clock.time(ofCycle: end) + config.latency
    }

    /// Sends `bytes` as packets of at most `maxPayloadBytes`, back to back, at `time`.
    ///
    /// - Returns: when the first packet's first flit goes, when the last packet's last flit
    ///   leaves, and when it arrives at the far end.
    public mutating func sendBulk(_ direction: Direction, bytes: UInt64, at time: SimTime) -> (starts: SimTime, leaves: SimTime, arrives: SimTime) {
        let d = direction.rawValue
        let fullPackets = bytes / config.maxPayloadBytes
        let rest = bytes % config.maxPayloadBytes
        let flitsPerFull = (config.maxPayloadBytes + config.headerBytes + config.flitBytes - 1) / config.flitBytes
        let lastFlits = rest == 0 ? 0 : (rest + config.headerBytes + config.flitBytes - 1) / config.flitBytes
        var end: UInt64 = 0
        var first: UInt64?
        for _ in 0..<fullPackets {
            end = serialize(d, flits: flitsPerFull, at: time)
            first = first ?? end - flitsPerFull
        }
        if lastFlits > 0 {
            end = serialize(d, flits: lastFlits, at: time)
            first = first ?? end - lastFlits
        }
        lanes[d].stats.packets += fullPackets + (rest == 0 ? 0 : 1)
        lanes[d].stats.payloadBytes += bytes
        lanes[d].stats.busyFlits += fullPackets * flitsPerFull + lastFlits
        let leaves = lanes[d].clock.time(ofCycle: end)
        return (lanes[d].clock.time(ofCycle: first ?? end), leaves, leaves + config.latency)
    }

    /// Counters of one direction.
    public func stats(_ direction: Direction) -> DirectionStats { lanes[direction.rawValue].stats }

    /// Fraction of `elapsed` that a direction spent sending flits.
    public func utilization(_ direction: Direction, over elapsed: SimDuration) -> Double {
        guard elapsed.picoseconds > 0 else { return 0 }
        return Double(lanes[direction.rawValue].stats.busyFlits) / Double(config.flitRateHz) / elapsed.seconds
    }
}

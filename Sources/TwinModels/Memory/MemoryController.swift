import TwinCore

/// The LPDDR5X memory controller on the CPU die: channels of banks with open rows, timed in
/// memory clock cycles.
///
/// This is a reservation model: each request is timed when it reaches its channel, in arrival
/// order (first come, first served), against the state its predecessors left: bank open rows,
/// activate constraints (tRRD, tFAW), precharge constraints (tRAS, tRTP), the shared data bus and
/// all-bank refresh. Only state changes raise events, so a request costs one call here. FR-FCFS
/// reordering, write queues and bank groups (tCCD_L) are left to the detailed controller.
///
/// Address mapping (GB10's is not public; this one is a parameter set): the low
/// `interleave` bytes stay on one channel, the next bits pick the channel, and within a
/// channel the address splits into column (one page), then bank, then row, so a sequential
/// stream walks a whole row before moving to the next bank.
public struct MemoryController: Sendable {
    /// Immutable, validated configuration, with timings already in memory clock cycles.
    public struct Config: Sendable, Equatable {
        public var channels: Int
        public var banks: Int
        /// Memory command clock CK in hertz: the data rate / 8 (WCK:CK = 4:1, data on both WCK edges).
        public var clockHz: UInt64
        public var burstBytes: UInt64
        public var burstCycles: UInt64
        public var pageBytes: UInt64
        public var interleaveBytes: UInt64
        public var controllerLatency: SimDuration
        public var readLatencyCycles: UInt64
        public var tRCDCycles: UInt64
        public var tRPCycles: UInt64
        public var tRASCycles: UInt64
        public var tRTPCycles: UInt64
        public var tRRDCycles: UInt64
        public var tFAWCycles: UInt64
        public var tRFCCycles: UInt64
        public var tREFICycles: UInt64

        /// Builds the config from resolved parameters; timings in seconds become whole cycles,
        /// rounded up as the JEDEC tables do.
        public init(_ p: ParameterValues) {
            let dataRate = p["memory.dataRate"]
            clockHz = UInt64((dataRate / 8).rounded())
            let ck = Double(clockHz)
            func cycles(_ path: String) -> UInt64 {
                // The small slack keeps 18 ns at 1,066.625 MHz from becoming 20 through float fuzz.
                UInt64(max(0, (p[path] * ck - 1e-6).rounded(.up)))
            }
            channels = Int(p["memory.channels"])
            banks = Int(p["memory.banks"])
            let width = p["memory.channelWidth"]
            let burstLength = p["memory.burstLength"]
            burstBytes = UInt64(width * burstLength)
            // Two beats per WCK cycle and four WCK per CK: eight beats per CK.
            burstCycles = max(1, UInt64((burstLength / 8).rounded(.up)))
            pageBytes = UInt64(p["memory.pageSize"])
            interleaveBytes = UInt64(p["memory.interleave"])
            controllerLatency = SimDuration(seconds: p["memory.controllerLatency"])
            readLatencyCycles = cycles("memory.RL")
            tRCDCycles = cycles("memory.tRCD")
            tRPCycles = cycles("memory.tRP")
            tRASCycles = cycles("memory.tRAS")
            tRTPCycles = cycles("memory.tRTP")
            tRRDCycles = cycles("memory.tRRD")
            tFAWCycles = cycles("memory.tFAW")
            tRFCCycles = cycles("memory.tRFCab")
            tREFICycles = max(1, cycles("memory.tREFI"))
        }

        /// Peak data bandwidth of all channels, in bytes per second.
        public var peakBandwidthBytesPerSecond: Double {
            Double(channels) * Double(burstBytes) * Double(clockHz) / Double(burstCycles)
        }
    }

    /// Where an address lands.
    public struct Location: Sendable, Equatable {
        public var channel: Int
        public var bank: Int
        public var row: UInt64

        public init(channel: Int, bank: Int, row: UInt64) {
            self.channel = channel
            self.bank = bank
            self.row = row
        }
    }

    /// Counters of one channel since the start of the run.
    public struct ChannelStats: Sendable, Equatable {
        public var reads: UInt64 = 0
        public var bytes: UInt64 = 0
        public var rowHits: UInt64 = 0
        public var rowMisses: UInt64 = 0
        /// Cycles the data bus carried data.
        public var busyCycles: UInt64 = 0
        /// Cycles the channel spent in all-bank refresh.
        public var refreshCycles: UInt64 = 0
        public var refreshes: UInt64 = 0
    }

    struct Bank: Sendable {
        static let closed = UInt64.max
        var openRow = Bank.closed
        var activateCycle: UInt64 = 0
        var lastColumnCycle: UInt64 = 0
        /// Earliest cycle of the next command (after a refresh).
        var readyCycle: UInt64 = 0
    }

    struct Channel: Sendable {
        var busFreeCycle: UInt64 = 0
        var nextRefreshCycle: UInt64
        /// Cycles of the last four activates, for tFAW; `activateRing[activateNext]` is the oldest.
        var activateRing: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var activateNext = 0
        var lastActivateCycle: UInt64 = 0
        var activates: UInt64 = 0
        var stats = ChannelStats()
    }

    public let config: Config
    /// The memory command clock (fixed frequency here; a DVFS-capable domain all the same).
    public private(set) var clock: ClockDomain
    private var channels: [Channel]
    private var banks: [Bank]

    public init(config: Config) {
        precondition(config.channels > 0 && config.banks > 0, "memory needs channels and banks")
        precondition(config.interleaveBytes % config.burstBytes == 0, "interleave must hold whole bursts")
        self.config = config
        self.clock = ClockDomain(frequencyHz: config.clockHz)
        // Stagger refreshes across channels so they do not all stall at once.
        self.channels = (0..<config.channels).map { c in
            Channel(nextRefreshCycle: config.tREFICycles * UInt64(c + 1) / UInt64(config.channels))
        }
        self.banks = Array(repeating: Bank(), count: config.channels * config.banks)
    }

    /// Maps a physical address to channel, bank and row.
    public func locate(_ address: UInt64) -> Location {
        let chunk = address / config.interleaveBytes
        let channel = Int(chunk % UInt64(config.channels))
        let channelAddress = (chunk / UInt64(config.channels)) * config.interleaveBytes + address % config.interleaveBytes
        let page = channelAddress / config.pageBytes
        return Location(channel: channel, bank: Int(page % UInt64(config.banks)), row: page / UInt64(config.banks))
    }

    /// Times a read that reaches the controller's front end at `time`.
    ///
    /// - Returns: when the last byte leaves the channel.
    /// - Precondition: the read fits in one interleave chunk and is a whole number of bursts.
    public mutating func read(address: UInt64, bytes: UInt64, at time: SimTime) -> SimTime {
        precondition(bytes > 0 && bytes % config.burstBytes == 0, "reads are whole bursts")
        precondition(address % config.interleaveBytes + bytes <= config.interleaveBytes, "read crosses a channel boundary")
        let location = locate(address)
        let arrival = clock.cycle(atOrAfter: time + config.controllerLatency)
        let c = location.channel
        let b = c * config.banks + location.bank
        var command = max(arrival, banks[b].readyCycle)
        command = applyRefreshes(channel: c, upTo: max(command, channels[c].busFreeCycle), command: command)

        let isHit = banks[b].openRow == location.row
        var columnCycle: UInt64
        if isHit {
            columnCycle = command
            channels[c].stats.rowHits += 1
        } else {
            var activate = command
            if banks[b].openRow != Bank.closed {
                let precharge = max(command, banks[b].activateCycle + config.tRASCycles,
                                    banks[b].lastColumnCycle + config.tRTPCycles)
                activate = precharge + config.tRPCycles
            }
            activate = constrainActivate(channel: c, activate)
            banks[b].activateCycle = activate
            banks[b].openRow = location.row
            columnCycle = activate + config.tRCDCycles
            channels[c].stats.rowMisses += 1
        }
        let bursts = bytes / config.burstBytes
        let transferCycles = bursts * config.burstCycles
        let dataStart = max(columnCycle + config.readLatencyCycles, channels[c].busFreeCycle)
        let dataEnd = dataStart + transferCycles
        columnCycle = dataStart - config.readLatencyCycles
        channels[c].busFreeCycle = dataEnd
        banks[b].lastColumnCycle = columnCycle + transferCycles - config.burstCycles
        channels[c].stats.busyCycles += transferCycles
        channels[c].stats.reads += 1
        channels[c].stats.bytes += bytes
        return clock.time(ofCycle: dataEnd)
    }

    /// Applies every all-bank refresh of channel `c` that starts at or before cycle `horizon`.
    ///
    /// - Returns: `command`, delayed past the end of the last refresh if it overlapped it.
    private mutating func applyRefreshes(channel c: Int, upTo horizon: UInt64, command: UInt64) -> UInt64 {
        let next = channels[c].nextRefreshCycle
        guard horizon >= next else { return command }
        let count = (horizon - next) / config.tREFICycles + 1
        let lastStart = next + (count - 1) * config.tREFICycles
        let refreshEnd = lastStart + config.tRFCCycles
        channels[c].nextRefreshCycle = next + count * config.tREFICycles
        channels[c].stats.refreshes += count
        channels[c].stats.refreshCycles += count * config.tRFCCycles
        // A refresh closes every row of the channel.
        for b in (c * config.banks)..<((c + 1) * config.banks) {
            banks[b].openRow = Bank.closed
            banks[b].readyCycle = max(banks[b].readyCycle, refreshEnd)
        }
        return max(command, refreshEnd)
    }

    /// Delays an activate to respect tRRD and tFAW on its channel, and records it.
    private mutating func constrainActivate(channel c: Int, _ proposed: UInt64) -> UInt64 {
        var activate = proposed
        if channels[c].activates > 0 {
            activate = max(activate, channels[c].lastActivateCycle + config.tRRDCycles)
        }
        if channels[c].activates >= 4 {
            let oldest: UInt64
            switch channels[c].activateNext {
            case 0: oldest = channels[c].activateRing.0
            case 1: oldest = channels[c].activateRing.1
            case 2: oldest = channels[c].activateRing.2
            default: oldest = channels[c].activateRing.3
            }
            activate = max(activate, oldest + config.tFAWCycles)
        }
        switch channels[c].activateNext {
        case 0: channels[c].activateRing.0 = activate
        case 1: channels[c].activateRing.1 = activate
        case 2: channels[c].activateRing.2 = activate
        default: channels[c].activateRing.3 = activate
        }
        channels[c].activateNext = (channels[c].activateNext + 1) & 3
        channels[c].lastActivateCycle = activate
        channels[c].activates += 1
        return activate
    }

    /// Counters of channel `c`.
    public func stats(channel c: Int) -> ChannelStats { channels[c].stats }

    /// Counters summed over all channels.
    public var totalStats: ChannelStats {
        channels.reduce(into: ChannelStats()) { sum, channel in
            sum.reads += channel.stats.reads
            sum.bytes += channel.stats.bytes
            sum.rowHits += channel.stats.rowHits
            sum.rowMisses += channel.stats.rowMisses
            sum.busyCycles += channel.stats.busyCycles
            sum.refreshCycles += channel.stats.refreshCycles
            sum.refreshes += channel.stats.refreshes
        }
    }
}

import HeapModule
import TwinCore

/// The LPDDR5X memory controller on the CPU die: channels of banks with open rows, timed in
/// memory clock cycles.
///
/// This is a reservation model: each request is timed when it reaches its channel, against the
/// state its predecessors left: bank open rows, activate constraints (tRRD, tFAW), precharge
/// constraints (tRAS, tRTP) and all-bank refresh. Each bank serves its requests in arrival order;
/// the channel's data bus does not: a request takes the first free bus slots at or after its data
/// is ready, so a request waiting on a busy bank does not hold up those behind it for idle banks,
/// as an out-of-order (FR-FCFS) scheduler allows. Only state changes raise events, so a request
/// costs one call here. Writes are posted: they wait in a per-channel write queue and are drained
/// in batches of `writeBatch`, paying the bus turnaround from reads before the batch and tWTR
/// before the next read after it; a bank precharges only tWR after write data. Banks form bank
/// groups (bank b is in group b mod groups, so consecutive pages alternate groups): two bursts of
/// one group are at least tCCD_L apart, while bursts of different groups only need the bus
/// (tCCD_S, one burst). A multi-burst access to one bank therefore leaves gaps on the bus that
/// other groups' bursts fill.
///
/// Commands take the channel's command bus (LPDDR5's CA bus; HBM has a row and a column bus):
/// an activate is ACT-1 at its cycle and ACT-2 on a free cycle within tAAD after it, each burst's
/// read or write command lies exactly its latency (RL, WL) before the burst's data, and a
/// precharge takes the first free cycle from when it may issue. A data slot whose command cycle
/// is taken cannot be used, so activates and precharges cost reads their slots, and random lines
/// (five commands for four data clocks at 64 B) are bounded by the command bus as well.
///
/// Row hits go first, as FR-FCFS schedules them: a request for the row a bank is about to close
/// (its switch to another row already timed) is served in that row's remaining window, before the
/// committed precharge, if its column and bursts fit there; nothing already timed moves.
///
/// Address mapping (GB10's is not public; this one is a parameter set): the low
/// `interleave` bytes stay on one channel, the next bits pick the channel, and within a
/// channel the next bits pick the bank group, then the column (the rest of a page), then the
/// bank within the group, then the row. A sequential stream thus keeps one row open in a bank
/// of each group and alternates groups burst after burst, as bank-group mode needs for full
/// bandwidth. With `addressHash`, higher address
/// bits are folded into the channel, group and bank numbers (a rotation, so the map stays one to one),
/// as controllers do so that power-of-two strides, such as the rows of a matrix, do not all land
/// on one channel or bank.
public struct MemoryController: Sendable {
    /// Immutable, validated configuration, with timings already in memory clock cycles.
    public struct Config: Sendable, Equatable {
        public var channels: Int
        public var banks: Int
        public var bankGroups: Int
        /// Minimum spacing of two bursts of the same bank group, in memory cycles.
        public var tCCDLCycles: UInt64
        /// Memory command clock CK in hertz: the data rate / beats per clock (LPDDR5X: 8, as
        /// WCK:CK = 4:1 with data on both WCK edges).
        public var clockHz: UInt64
        public var burstBytes: UInt64
        public var burstCycles: UInt64
        public var pageBytes: UInt64
        public var interleaveBytes: UInt64
        public var addressHash: Bool
        public var controllerLatency: SimDuration
        public var readLatencyCycles: UInt64
        public var writeLatencyCycles: UInt64
        public var tWRCycles: UInt64
        public var tWTRCycles: UInt64
        public var turnaroundCycles: UInt64
        public var writeBatch: Int
        public var tRCDCycles: UInt64
        public var tRPCycles: UInt64
        public var tRASCycles: UInt64
        public var tRTPCycles: UInt64
        public var tRRDCycles: UInt64
        public var tFAWCycles: UInt64
        /// All-bank refresh: the channel's refresh every `tREFICycles`, `tRFCCycles` long. Per-bank:
        /// `banksPerRefresh` banks every `tREFICycles` (tREFIpb), `tRFCCycles` (tRFCpb) long.
        public var perBankRefresh: Bool
        public var tRFCCycles: UInt64
        public var tREFICycles: UInt64
        public var banksPerRefresh: Int
        /// Both modes' timings, as the parameters give them; the mode in force is copied into
        /// `tRFCCycles` and `tREFICycles`, which the hot path reads.
        public var tRFCabCycles, tREFIabCycles, tRFCpbCycles, tREFIpbCycles: UInt64
        /// Idle cycles after which a row is precharged in the background: 0 for a closed-page
        /// policy, `UInt64.max` for an open-page one.
        public var pageTimeoutCycles: UInt64
        /// Reads a channel holds at once; 0 for no limit.
        public var readQueueDepth: Int
        /// Command buses per channel: 1 (LPDDR5: row and column commands share the CA bus) or 2
        /// (HBM: a row bus and a column bus).
        public var commandBuses: Int
        /// One-cycle commands an activate takes (ACT-1 and ACT-2 on LPDDR5).
        public var activateCommandCycles: UInt64
        /// The longest an activate's commands may be spread: ACT-1 to ACT-2 (tAAD).
        public var tAADCycles: UInt64
        /// Command-bus cycles of each burst's read or write command.
        public var columnCommandCycles: UInt64
        /// Command-bus cycles of a precharge.
        public var prechargeCommandCycles: UInt64

        /// Builds the config from resolved parameters in JEDEC's form: timings given in clocks
        /// stay clocks (tCCD_L), timings in seconds become whole clocks rounded up, and a timing
        /// with both takes the larger (tRRD: max(tRRDMinClocks, ⌈tRRD / tCK⌉)).
        public init(_ p: ParameterValues) {
            let dataRate = p["memory.dataRate"]
            let beatsPerClock = p["memory.beatsPerClock"]
            clockHz = UInt64((dataRate / beatsPerClock).rounded())
            let ck = Double(clockHz)
            func cycles(_ path: String) -> UInt64 {
                // The small slack keeps 18 ns at 1,066.625 MHz from becoming 20 through float fuzz.
                UInt64(max(0, (p[path] * ck - 1e-6).rounded(.up)))
            }
            channels = Int(p["memory.channels"])
            banks = Int(p["memory.banks"])
            bankGroups = Int(p["memory.bankGroups"])
            tCCDLCycles = UInt64(p["memory.tCCDL"])
            let width = p["memory.channelWidth"]
            let burstLength = p["memory.burstLength"]
            burstBytes = UInt64(width * burstLength)
            // LPDDR5X: two beats per WCK cycle and four WCK per CK, eight beats per CK; HBM: two.
            burstCycles = max(1, UInt64((burstLength / beatsPerClock).rounded(.up)))
            pageBytes = UInt64(p["memory.pageSize"])
            interleaveBytes = UInt64(p["memory.interleave"])
            addressHash = p["memory.addressHash"] != 0
            controllerLatency = SimDuration(seconds: p["memory.controllerLatency"])
            readLatencyCycles = cycles("memory.RL")
            writeLatencyCycles = cycles("memory.WL")
            tWRCycles = cycles("memory.tWR")
            tWTRCycles = cycles("memory.tWTR")
            turnaroundCycles = cycles("memory.turnaround")
            writeBatch = Int(p["memory.writeBatch"])
            tRCDCycles = cycles("memory.tRCD")
            tRPCycles = cycles("memory.tRP")
            tRASCycles = cycles("memory.tRAS")
            tRTPCycles = cycles("memory.tRTP")
            tRRDCycles = max(UInt64(p["memory.tRRDMinClocks"]), cycles("memory.tRRD"))
            tFAWCycles = cycles("memory.tFAW")
            perBankRefresh = p["memory.refreshMode"] == 1
            tRFCabCycles = cycles("memory.tRFCab")
            tREFIabCycles = max(1, cycles("memory.tREFI"))
            tRFCpbCycles = cycles("memory.tRFCpb")
            tREFIpbCycles = max(1, cycles("memory.tREFIpb"))
            tRFCCycles = perBankRefresh ? tRFCpbCycles : tRFCabCycles
            tREFICycles = perBankRefresh ? tREFIpbCycles : tREFIabCycles
            banksPerRefresh = perBankRefresh ? max(1, Int((p["memory.banks"] * p["memory.tREFIpb"] / p["memory.tREFI"]).rounded())) : banks
            switch p["memory.pagePolicy"] {
            case 0: pageTimeoutCycles = UInt64.max / 4
            case 1: pageTimeoutCycles = 0
            default: pageTimeoutCycles = cycles("memory.pageTimeout")
            }
            readQueueDepth = Int(p["memory.readQueue"])
            commandBuses = Int(p["memory.commandBuses"])
            activateCommandCycles = UInt64(p["memory.activateCommandClocks"])
            tAADCycles = UInt64(p["memory.tAAD"])
            columnCommandCycles = UInt64(p["memory.columnCommandClocks"])
            prechargeCommandCycles = UInt64(p["memory.prechargeCommandClocks"])
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
        public var writes: UInt64 = 0
        public var writeBytes: UInt64 = 0
        /// Write batches drained (each costs two bus turnarounds).
        public var writeDrains: UInt64 = 0
        public var rowHits: UInt64 = 0
        public var rowMisses: UInt64 = 0
        /// Cycles the data bus carried data.
        public var busyCycles: UInt64 = 0
        /// Cycles its command buses carried commands (activates, reads and writes, precharges).
        public var commandCycles: UInt64 = 0
        /// Reads that waited at the front end for room in the read queue, and the cycles they waited.
        public var readQueueWaits: UInt64 = 0
        public var readQueueWaitCycles: UInt64 = 0
        /// Bank-cycles spent refreshing: an all-bank refresh counts every bank's cycles.
        public var refreshBankCycles: UInt64 = 0
        public var refreshes: UInt64 = 0

        /// Bytes read and written.
        public var movedBytes: UInt64 { bytes + writeBytes }
    }

    struct Bank: Sendable {
        static let closed = UInt64.max
        var openRow = Bank.closed
        var activateCycle: UInt64 = 0
        var lastColumnCycle: UInt64 = 0
        /// Earliest cycle of the next command (after a refresh).
        var readyCycle: UInt64 = 0
        /// Earliest precharge after the last write's data (tWR).
        var writeRecoveryCycle: UInt64 = 0
        /// The row open before the last switch, when it was activated, and the cycle of the
        /// precharge that closes it: late hits to it may still be served before that precharge.
        var previousRow = Bank.closed
        var previousActivateCycle: UInt64 = 0
        var switchPrechargeCycle: UInt64 = 0
    }

    struct Channel: Sendable {
        var nextRefreshCycle: UInt64
        /// End of the latest read data, for the turnaround before a write batch.
        var lastReadDataEnd: UInt64 = 0
        /// End of the data of the last write batch drained: the write queue has room again then.
        var writesDrainedUntil: UInt64 = 0
        /// Reads may not issue before this cycle: tWTR after the last drained write's data.
        var readsBlockedUntil: UInt64 = 0
        /// Addresses and arrival cycles of the writes waiting in the write queue.
        var pendingWrites: [(address: UInt64, bytes: UInt64, arrival: UInt64)] = []
        /// With a bounded read queue: the cycles the reads it holds complete.
        var heldReadsEnd = Heap<UInt64>()
        var stats = ChannelStats()
    }

    public let config: Config
    /// The memory command clock (fixed frequency here; a DVFS-capable domain all the same).
    public private(set) var clock: ClockDomain
    /// Reads' time from the front end to their last byte off the channel, CPU and GPU alike.
    public private(set) var readLatency = LatencyHistogram()
    private var channels: [Channel]
    private var banks: [Bank]
    /// Per channel: the data-bus cycles taken, and the cycles activates were issued at.
    private var bus: CycleCalendar
    private var activates: CycleCalendar
    /// Per bank group of each channel: the tCCD_L window after each of its bursts' data.
    private var groupWindows: CycleCalendar
    /// Per command bus of each channel (`commandBuses` a channel): the cycles its commands take.
    private var commands: CycleCalendar
    private let decode: AddressDecoding

    public init(config: Config) {
        precondition(config.channels > 0 && config.banks > 0, "memory needs channels and banks")
        precondition(config.bankGroups > 0 && config.banks % config.bankGroups == 0, "banks must split evenly into bank groups")
        precondition(config.interleaveBytes % config.burstBytes == 0, "interleave must hold whole bursts")
        precondition(config.pageBytes % config.interleaveBytes == 0, "a page must hold whole interleave chunks")
        self.config = config
        self.clock = ClockDomain(frequencyHz: config.clockHz)
        self.channels = (0..<config.channels).map { c in
            Channel(nextRefreshCycle: Self.firstRefreshCycle(config, channel: c))
        }
        self.banks = Array(repeating: Bank(), count: config.channels * config.banks)
        self.bus = CycleCalendar(lanes: config.channels)
        self.activates = CycleCalendar(lanes: config.channels)
        self.groupWindows = CycleCalendar(lanes: config.channels * config.bankGroups)
        self.commands = CycleCalendar(lanes: config.channels * config.commandBuses)
        self.decode = AddressDecoding(config)
    }

    /// Maps a physical address to channel, bank and row.
    // The hot read-only helpers are either always inlined or declared `mutating`: a plain
    // method called from a mutating one gets a copy of the whole controller (433 bytes, a
    // memcpy per call; measured ~5 % of the controller's time).
    @inline(__always)
    public func locate(_ address: UInt64) -> Location {
        let hash = config.addressHash
        let chunk = decode.interleave.quotient(address)
        // The channel's own chunks, in order.
        let stripe = decode.channels.quotient(chunk)
        let channel = decode.channels.remainder(decode.channels.remainder(chunk) + (hash ? Self.fold(stripe) : 0))
        // Consecutive chunks of a channel rotate its bank groups, so a stream's bursts alternate
        // groups (tCCD_S) rather than queue in one (tCCD_L); then come the columns of a row,
        // the banks of a group, and the rows.
        let turn = decode.groups.quotient(stripe)
        let page = decode.chunksPerPage.quotient(turn)
        let row = decode.banksPerGroup.quotient(page)
        let group = decode.groups.remainder(decode.groups.remainder(stripe) + (hash ? Self.fold(page) : 0))
        let inGroup = decode.banksPerGroup.remainder(decode.banksPerGroup.remainder(page) + (hash ? Self.fold(row) : 0))
        return Location(channel: Int(channel), bank: Int(inGroup * decode.groups.value + group), row: row)
    }

    /// The divisors of address decoding.
    struct AddressDecoding: Sendable {
        let interleave, channels, groups, chunksPerPage, banksPerGroup: Divisor

        init(_ config: Config) {
            interleave = Divisor(config.interleaveBytes)
            channels = Divisor(UInt64(config.channels))
            groups = Divisor(UInt64(config.bankGroups))
            chunksPerPage = Divisor(config.pageBytes / config.interleaveBytes)
            banksPerGroup = Divisor(UInt64(config.banks / config.bankGroups))
        }
    }

    /// XOR-folds the bits of `x` into its low bits.
    static func fold(_ x: UInt64) -> UInt64 { x ^ (x >> 5) ^ (x >> 10) ^ (x >> 15) ^ (x >> 20) ^ (x >> 25) }

    /// Times a read that reaches the controller's front end at `time`.
    ///
    /// - Returns: when the last byte leaves the channel.
    /// - Precondition: the read fits in one interleave chunk and is a whole number of bursts.
    public mutating func read(address: UInt64, bytes: UInt64, at time: SimTime) -> SimTime {
        checkAccess(address, bytes)
        var arrival = clock.cycle(atOrAfter: time + config.controllerLatency)
        let location = locate(address)
        if config.readQueueDepth > 0 { arrival = enterReadQueue(channel: location.channel, at: arrival) }
        let end = columnAccess(location, bytes: bytes, arrival: arrival, write: false)
        if config.readQueueDepth > 0 { channels[location.channel].heldReadsEnd.insert(end) }
        let done = clock.time(ofCycle: end)
        readLatency.record(done - time)
        return done
    }

    /// The cycle a read arriving at `arrival` enters channel `c`'s read queue: at once if it has
    /// room, else when enough of the reads it holds have completed.
    private mutating func enterReadQueue(channel c: Int, at arrival: UInt64) -> UInt64 {
        var entry = arrival
        while let end = channels[c].heldReadsEnd.min, end <= arrival { _ = channels[c].heldReadsEnd.removeMin() }
        while channels[c].heldReadsEnd.count >= config.readQueueDepth { entry = max(entry, channels[c].heldReadsEnd.removeMin()) }
        if entry > arrival {
            channels[c].stats.readQueueWaits += 1
            channels[c].stats.readQueueWaitCycles += entry - arrival
        }
        return entry
    }

    /// Accepts a write that reaches the controller's front end at `time` into its channel's write
    /// queue, draining the queue when it holds `writeBatch` writes.
    ///
    /// - Returns: when the write is accepted (writes are posted): on arrival, or once the batch
    ///   drained before it has written its data, as the queue holds one batch while one drains.
    @discardableResult
    public mutating func write(address: UInt64, bytes: UInt64, at time: SimTime) -> SimTime {
        checkAccess(address, bytes)
        let arrival = clock.cycle(atOrAfter: time + config.controllerLatency)
        let c = locate(address).channel
        let accepted = max(arrival, channels[c].writesDrainedUntil)
        channels[c].pendingWrites.append((address, bytes, arrival))
        if channels[c].pendingWrites.count >= config.writeBatch { drainWrites(channel: c, at: arrival) }
        internalInvariant(channels[c].pendingWrites.count < config.writeBatch, "memory: channel \(c)'s write queue is overfull")
        return clock.time(ofCycle: accepted)
    }

    /// Drains every write still queued, at `time` (the end of a run).
    public mutating func drainAllWrites(at time: SimTime) {
        let cycle = clock.cycle(atOrAfter: time)
        for c in channels.indices where !channels[c].pendingWrites.isEmpty { drainWrites(channel: c, at: cycle) }
    }

    @inline(__always)
    private func checkAccess(_ address: UInt64, _ bytes: UInt64) {
        let burst = config.burstBytes, interleave = decode.interleave
        precondition(bytes > 0 && bytes % burst == 0, "accesses are whole bursts")
        precondition(interleave.remainder(address) + bytes <= interleave.value, "access crosses a channel boundary")
    }

    /// Writes channel `c`'s queue out as one batch: the bus turns around from reads first, and
    /// reads wait tWTR after the batch's last data.
    private mutating func drainWrites(channel c: Int, at cycle: UInt64) {
        let batch = channels[c].pendingWrites
        channels[c].pendingWrites.removeAll(keepingCapacity: true)
        let earliestData = max(cycle, channels[c].lastReadDataEnd + config.turnaroundCycles)
        var lastData: UInt64 = 0
        for write in batch {
            let arrival = max(write.arrival, earliestData - min(earliestData, config.writeLatencyCycles))
            lastData = max(lastData, columnAccess(locate(write.address), bytes: write.bytes, arrival: arrival, write: true))
        }
        channels[c].readsBlockedUntil = max(channels[c].readsBlockedUntil, lastData + config.tWTRCycles)
        channels[c].writesDrainedUntil = max(channels[c].writesDrainedUntil, lastData)
        channels[c].stats.writeDrains += 1
    }

    /// Times one column access whose command may issue from cycle `arrival`: the bank's row
    /// (hit, miss or conflict), its activate, and a slot on the data bus.
    ///
    /// - Returns: the cycle the data transfer ends.
    private mutating func columnAccess(_ location: Location, bytes: UInt64, arrival: UInt64, write: Bool) -> UInt64 {
        let c = location.channel
        let b = c * config.banks + location.bank
        var command = max(arrival, banks[b].readyCycle)
        command = applyRefreshes(channel: c, bank: b, upTo: command, command: command)

        let earliestPrecharge = max(banks[b].activateCycle + config.tRASCycles, banks[b].lastColumnCycle + config.tRTPCycles,
                                    banks[b].writeRecoveryCycle)
        // Adaptive page policy: a row left idle for the page timeout is precharged in the background.
        if banks[b].openRow != Bank.closed {
            let idle = max(earliestPrecharge, banks[b].lastColumnCycle + config.pageTimeoutCycles)
            if idle + config.tRPCycles <= command {
                // Its command takes the first free command-bus cycle; one before the calendar's
                // window is long past and is not tracked.
                let lane = rowCommandLane(c)
                let precharge = idle < commands.base[lane] ? idle : commandSlot(lane: lane, earliest: idle, length: config.prechargeCommandCycles)
                if precharge + config.tRPCycles <= command {
                    takeCommand(lane: lane, at: precharge, length: config.prechargeCommandCycles, channel: c)
                    banks[b].openRow = Bank.closed
                    banks[b].previousRow = Bank.closed
                }
            }
        }
        if location.row == banks[b].previousRow && location.row != banks[b].openRow,
           let end = hitBeforeSwitch(location, bank: b, bytes: bytes, command: command, write: write) {
            return end
        }
        var columnCycle: UInt64
        if banks[b].openRow == location.row {
            // The row may still be opening for an earlier request.
            columnCycle = max(command, banks[b].activateCycle + config.tRCDCycles)
            channels[c].stats.rowHits += 1
        } else {
            var activate = command
            banks[b].previousRow = banks[b].openRow
            if banks[b].openRow != Bank.closed {
                let lane = rowCommandLane(c)
                let precharge = commandSlot(lane: lane, earliest: max(command, earliestPrecharge), length: config.prechargeCommandCycles)
                takeCommand(lane: lane, at: precharge, length: config.prechargeCommandCycles, channel: c)
                banks[b].previousActivateCycle = banks[b].activateCycle
                banks[b].switchPrechargeCycle = precharge
                activate = precharge + config.tRPCycles
            }
            activate = scheduleActivate(channel: c, activate)
            banks[b].activateCycle = activate
            banks[b].openRow = location.row
            columnCycle = activate + config.tRCDCycles
            channels[c].stats.rowMisses += 1
        }
        // tWTR holds back read column commands after a write batch, not activates.
        if !write { columnCycle = max(columnCycle, channels[c].readsBlockedUntil) }
        internalInvariant(columnCycle >= banks[b].activateCycle + config.tRCDCycles && columnCycle >= arrival,
                          "memory: bank \(b)'s column command before its row is open (tRCD) or before the request")
        let latency = write ? config.writeLatencyCycles : config.readLatencyCycles
        let (_, lastBurst) = placeBursts(location, bytes: bytes, earliest: columnCycle + latency, latency: latency, take: true)
        let dataEnd = lastBurst + config.burstCycles
        banks[b].lastColumnCycle = lastBurst - latency
        if write { banks[b].writeRecoveryCycle = dataEnd + config.tWRCycles }
        count(location, bytes: bytes, dataEnd: dataEnd, write: write)
        return dataEnd
    }

    /// Serves an access to the row bank `b` is about to close in that row's remaining window, if
    /// it fits before the committed precharge (tRTP after a read's last column, tWR after a
    /// write's data); otherwise nil, and it waits for its turn.
    private mutating func hitBeforeSwitch(_ location: Location, bank b: Int, bytes: UInt64, command: UInt64, write: Bool) -> UInt64? {
        let c = location.channel
        var column = max(command, banks[b].previousActivateCycle + config.tRCDCycles)
        if !write { column = max(column, channels[c].readsBlockedUntil) }
        let latency = write ? config.writeLatencyCycles : config.readLatencyCycles
        let precharge = banks[b].switchPrechargeCycle
        guard column < precharge else { return nil }
        let (_, lastBurst) = placeBursts(location, bytes: bytes, earliest: column + latency, latency: latency, take: false)
        let dataEnd = lastBurst + config.burstCycles
        let fits = write ? dataEnd + config.tWRCycles <= precharge : lastBurst - latency + config.tRTPCycles <= precharge
        guard fits else { return nil }
        _ = placeBursts(location, bytes: bytes, earliest: column + latency, latency: latency, take: true)
        channels[c].stats.rowHits += 1
        count(location, bytes: bytes, dataEnd: dataEnd, write: write)
        return dataEnd
    }

    /// Finds (and with `take`, reserves) the data-bus cycles of an access's bursts from
    /// `earliest`: back to back, or, when tCCD_L exceeds a burst, burst by burst, each tCCD_L
    /// clear of its bank group's others. Each burst's read or write command, `latency` before
    /// its data, needs its command-bus cycles free too. Placing without taking finds the same
    /// cycles: each burst starts past the previous one's bus cycles and group window.
    ///
    /// - Returns: the first cycles of the first and the last burst.
    private mutating func placeBursts(_ location: Location, bytes: UInt64, earliest: UInt64, latency: UInt64, take: Bool) -> (first: UInt64, last: UInt64) {
        let c = location.channel
        let bursts = bytes / config.burstBytes
        guard config.tCCDLCycles > config.burstCycles else {
            let length = bursts * config.burstCycles
            let start = findBusSlot(channel: c, earliest: earliest, length: length, group: nil, latency: latency)
            if take { takeBusSlot(channel: c, start: start, length: length, group: nil, latency: latency) }
            return (start, start + length - config.burstCycles)
        }
        let group = c * config.bankGroups + location.bank % config.bankGroups
        if let (start, offsets) = placeBurstsInOneWindow(channel: c, group: group, bursts: bursts, earliest: earliest, latency: latency) {
            if take { takeBursts(channel: c, group: group, start: start, offsets: offsets, latency: latency) }
            return (start + UInt64(offsets.trailingZeroBitCount), start + UInt64(127 - offsets.leadingZeroBitCount))
        }
        var first: UInt64 = 0, burst = earliest
        for i in 0..<bursts {
            burst = findBusSlot(channel: c, earliest: i == 0 ? earliest : burst + config.tCCDLCycles, length: config.burstCycles, group: group,
                                latency: latency)
            if take { takeBusSlot(channel: c, start: burst, length: config.burstCycles, group: group, latency: latency) }
            if i == 0 { first = burst }
        }
        return (first, burst)
    }

    /// Start offsets from data cycle `start` (bit k: a run of bursts from `start + k`) whose
    /// bursts' column commands, one per burst, `latency` before its data and `bursts` of them
    /// `burstCycles` apart, would meet a taken command-bus cycle.
    @inline(__always)
    private func columnCommandsBlocked(channel c: Int, dataStart start: UInt64, latency: UInt64, bursts: UInt64) -> UInt128 {
        let length = config.columnCommandCycles
        guard length > 0 else { return 0 }
        let busy = Self.spread(commands.bits(columnCommandLane(c), from: start - latency), over: length)
        var blocked = busy
        var burst: UInt64 = 1
        while burst < bursts {
            blocked |= busy >> (burst * config.burstCycles)
            burst += 1
        }
        return blocked
    }

    /// The command bus of channel `c` that carries activates and precharges, and the one that
    /// carries reads and writes (the same one with a single bus).
    @inline(__always)
    private func rowCommandLane(_ c: Int) -> Int { c * config.commandBuses }
    @inline(__always)
    private func columnCommandLane(_ c: Int) -> Int { c * config.commandBuses + config.commandBuses - 1 }

    /// The first cycle at or after `earliest` from which `length` cycles of command bus `lane`
    /// are free.
    private func commandSlot(lane: Int, earliest: UInt64, length: UInt64) -> UInt64 {
        guard length > 0 else { return earliest }
        var start = earliest
        while true {
            start = commands.firstFree(lane, from: start)
            let taken = commands.bits(lane, from: start) & ((1 << length) - 1)
            if taken == 0 { return start }
            start += UInt64(127 - taken.leadingZeroBitCount) + 1
        }
    }

    /// Marks `length` cycles of command bus `lane` from `start` taken, and counts them.
    @inline(__always)
    private mutating func takeCommand(lane: Int, at start: UInt64, length: UInt64, channel c: Int) {
        guard length > 0 else { return }
        internalInvariant(commands.count(lane, start..<(start + length)) == 0, "memory: command bus \(lane) taken twice at cycle \(start)")
        commands.take(lane, start..<(start + length))
        channels[c].stats.commandCycles += length
    }

    /// The bursts of one access placed as `placeBursts` would, burst by burst, but from a single
    /// read of the bus and group calendars: the common case, where they all fall within 128
    /// cycles of the first free bus cycle. Returns that cycle and a mask of the bursts' offsets
    /// from it, or nil when they do not fit (the caller then places them one by one).
    private mutating func placeBurstsInOneWindow(channel c: Int, group: Int, bursts: UInt64, earliest: UInt64,
                                                 latency: UInt64) -> (start: UInt64, offsets: UInt128)? {
        let length = config.burstCycles, window = config.tCCDLCycles
        let reach = 128 - max(length, window, config.columnCommandCycles) + 1
        let start = bus.firstFree(c, from: max(earliest, bus.base[c], groupWindows.base[group]))
        let blocked = Self.spread(bus.bits(c, from: start), over: length) | Self.spread(groupWindows.bits(group, from: start), over: window)
            | columnCommandsBlocked(channel: c, dataStart: start, latency: latency, bursts: 1)
        var offsets: UInt128 = 0
        var from: UInt64 = 0
        for _ in 0..<bursts {
            guard from < reach else { return nil }
            let offset = UInt64((~blocked & (UInt128.max << from)).trailingZeroBitCount)
            guard offset < reach, afterRefresh(channel: c, start + offset, length: length) == start + offset else { return nil }
            offsets |= 1 << offset
            from = offset + window
        }
        return (start, offsets)
    }

    /// Counts a finished access in its channel's statistics.
    private mutating func count(_ location: Location, bytes: UInt64, dataEnd: UInt64, write: Bool) {
        let c = location.channel
        channels[c].stats.busyCycles += bytes / config.burstBytes * config.burstCycles
        if write {
            channels[c].stats.writes += 1
            channels[c].stats.writeBytes += bytes
        } else {
            channels[c].lastReadDataEnd = max(channels[c].lastReadDataEnd, dataEnd)
            channels[c].stats.reads += 1
            channels[c].stats.bytes += bytes
        }
    }

    /// The first cycle at or after `earliest` from which `length` cycles of channel `c`'s data
    /// bus are free, outside all-bank refreshes; with a bank `group`, also tCCD_L clear of that
    /// group's other bursts.
    ///
    /// Candidates are tested 128 cycles at a time: a start is blocked if any of the `length`
    /// bus cycles from it is taken, or any of the tCCD_L group cycles from it.
    private mutating func findBusSlot(channel c: Int, earliest: UInt64, length: UInt64, group: Int?, latency: UInt64) -> UInt64 {
        let window = group == nil ? 0 : config.tCCDLCycles
        let bursts = length / config.burstCycles
        // Offsets below `reach` have every cycle they need inside the 128 read.
        let reach = 128 - max(length, window, (bursts - 1) * config.burstCycles + config.columnCommandCycles) + 1
        var start = max(earliest, bus.base[c], group.map { groupWindows.base[$0] } ?? 0)
        while true {
            // A slot starts on a free bus cycle: skip taken stretches a word at a time first.
            start = bus.firstFree(c, from: start)
            var blocked = Self.spread(bus.bits(c, from: start), over: length)
                | columnCommandsBlocked(channel: c, dataStart: start, latency: latency, bursts: bursts)
            if let group { blocked |= Self.spread(groupWindows.bits(group, from: start), over: window) }
            let offset = UInt64((~blocked).trailingZeroBitCount)
            if offset >= reach {
                start += reach
                continue
            }
            let candidate = start + offset
            let cleared = afterRefresh(channel: c, candidate, length: length)
            if cleared == candidate { return candidate }
            start = cleared
        }
    }

    /// Marks the bursts `placeBurstsInOneWindow` found (one at each offset from `start`) taken:
    /// their bus cycles, tCCD_L windows and column commands, each calendar in one pass.
    private mutating func takeBursts(channel c: Int, group: Int, start: UInt64, offsets: UInt128, latency: UInt64) {
        #if SPARKTWIN_INTERNAL_CHECKS
        var rest = offsets
        while rest != 0 {
            let burst = start + UInt64(rest.trailingZeroBitCount)
            internalInvariant(bus.count(c, burst..<(burst + config.burstCycles)) == 0, "memory: channel \(c)'s data bus taken twice at cycle \(burst)")
            internalInvariant(groupWindows.count(group, burst..<(burst + config.tCCDLCycles)) == 0,
                              "memory: two bursts of bank group \(group) closer than tCCD_L at cycle \(burst)")
            rest &= rest - 1
        }
        #endif
        bus.take(c, bits: Self.extend(offsets, over: config.burstCycles), from: start)
        groupWindows.take(group, bits: Self.extend(offsets, over: config.tCCDLCycles), from: start)
        takeColumnCommands(channel: c, bursts: offsets, from: start, latency: latency)
    }

    /// Takes the read or write command of each burst (bit k: a burst whose data starts at
    /// `start + k`), `latency` before its data, in one pass over the command calendar.
    private mutating func takeColumnCommands(channel c: Int, bursts: UInt128, from start: UInt64, latency: UInt64) {
        guard config.columnCommandCycles > 0 else { return }
        let lane = columnCommandLane(c)
        #if SPARKTWIN_INTERNAL_CHECKS
        var rest = bursts
        while rest != 0 {
            let command = start + UInt64(rest.trailingZeroBitCount) - latency
            internalInvariant(commands.count(lane, command..<(command + config.columnCommandCycles)) == 0,
                              "memory: command bus \(lane) taken twice at cycle \(command)")
            rest &= rest - 1
        }
        #endif
        commands.take(lane, bits: Self.extend(bursts, over: config.columnCommandCycles), from: start - latency)
        channels[c].stats.commandCycles += UInt64(bursts.nonzeroBitCount) * config.columnCommandCycles
    }

    /// Sets bits x ..< x + width wherever bit x of `bits` is set (runs that do not overlap).
    static func extend(_ bits: UInt128, over width: UInt64) -> UInt128 {
        var out = bits
        var shift: UInt64 = 1
        while shift < width {
            out |= bits << shift
            shift += 1
        }
        return out
    }

    /// Marks the slot `findBusSlot` found as taken, with its bursts' column commands.
    private mutating func takeBusSlot(channel c: Int, start: UInt64, length: UInt64, group: Int?, latency: UInt64) {
        internalInvariant(bus.count(c, start..<(start + length)) == 0, "memory: channel \(c)'s data bus taken twice at cycle \(start)")
        bus.take(c, start..<(start + length))
        var bursts: UInt128 = 0
        var offset: UInt64 = 0
        while offset < length {
            bursts |= 1 << offset
            offset += config.burstCycles
        }
        takeColumnCommands(channel: c, bursts: bursts, from: start, latency: latency)
        if let group {
            internalInvariant(groupWindows.count(group, start..<(start + config.tCCDLCycles)) == 0,
                              "memory: two bursts of bank group \(group) closer than tCCD_L at cycle \(start)")
            groupWindows.take(group, start..<(start + config.tCCDLCycles))
        }
    }

    /// Sets bit x wherever one of bits x ..< x + width of `bits` is set.
    static func spread(_ bits: UInt128, over width: UInt64) -> UInt128 {
        guard width > 1 else { return bits }
        var covered: UInt64 = 1
        var out = bits
        while covered * 2 <= width {
            out |= out >> covered
            covered *= 2
        }
        return covered == width ? out : out | out >> (width - covered)
    }

    /// Cycle of channel `c`'s first all-bank refresh; later ones follow every tREFI. Channels are
    /// staggered so that they do not all stall at once.
    private static func firstRefreshCycle(_ config: Config, channel c: Int) -> UInt64 {
        firstRefreshCycle(interval: config.tREFICycles, channels: config.channels, channel: c)
    }

    /// The same from the two numbers it needs: hot paths pass these rather than the whole
    /// configuration, which Swift would copy (433 bytes) on each call from a mutating method.
    private static func firstRefreshCycle(interval: UInt64, channels: Int, channel c: Int) -> UInt64 {
        interval * UInt64(c + 1) / UInt64(channels)
    }

    /// `start`, or the end of the all-bank refresh that the run `start ..< start + length` of
    /// data-bus cycles would overlap (per-bank refreshes leave the bus free).
    private mutating func afterRefresh(channel c: Int, _ start: UInt64, length: UInt64) -> UInt64 {
        guard !config.perBankRefresh else { return start }
        let first = Self.firstRefreshCycle(interval: config.tREFICycles, channels: config.channels, channel: c)
        let last = start + length - 1
        guard last >= first else { return start }
        let refreshStart = first + (last - first) / config.tREFICycles * config.tREFICycles
        let refreshEnd = refreshStart + config.tRFCCycles
        return refreshEnd > start ? refreshEnd : start
    }

    /// Applies every refresh of channel `c` that starts at or before cycle `horizon`: all-bank
    /// ones close every row of the channel, per-bank ones the rows of their banks (bank `s`,
    /// `s + slots`, … for the refresh's slot `s` of `banks / banksPerRefresh`, in turn).
    ///
    /// - Returns: `command` for bank `b`, delayed past the end of the last refresh of it if it
    ///   overlapped it.
    private mutating func applyRefreshes(channel c: Int, bank b: Int, upTo horizon: UInt64, command: UInt64) -> UInt64 {
        let next = channels[c].nextRefreshCycle
        guard horizon >= next else { return command }
        let interval = config.tREFICycles, perRefresh = config.banksPerRefresh
        let count = (horizon - next) / interval + 1
        channels[c].nextRefreshCycle = next + count * interval
        channels[c].stats.refreshes += count
        channels[c].stats.refreshBankCycles += count * config.tRFCCycles * UInt64(perRefresh)
        let slots = config.banks / perRefresh
        let first = Self.firstRefreshCycle(interval: interval, channels: config.channels, channel: c)
        let nextIndex = (next - first) / interval
        // Only each slot's last refresh leaves a mark: rows closed and the bank busy until its end.
        for index in (nextIndex + count - min(count, UInt64(slots)))..<(nextIndex + count) {
            let refreshEnd = first + index * interval + config.tRFCCycles
            var bank = c * config.banks + Int(index % UInt64(slots))
            while bank < (c + 1) * config.banks {
                banks[bank].openRow = Bank.closed
                banks[bank].previousRow = Bank.closed
                banks[bank].readyCycle = max(banks[bank].readyCycle, refreshEnd)
                bank += slots
            }
        }
        return max(command, banks[b].readyCycle)
    }

    /// The first cycle at or after `proposed` at which channel `c` may activate a row (no other
    /// activate within tRRD, at most four in any tFAW window, its command cycles free on the
    /// row command bus), recorded as taken.
    private mutating func scheduleActivate(channel c: Int, _ proposed: UInt64) -> UInt64 {
        let rrd = config.tRRDCycles, faw = config.tFAWCycles
        let lane = rowCommandLane(c), parts = config.activateCommandCycles
        precondition(rrd <= 64 && faw <= 64, "activate windows wider than 64 cycles")
        var cycle = max(proposed, activates.base[c])
        var later: UInt128 = 0
        while true {
            // Activates from cycle - faw + 1 (or 0) on; this cycle is bit `offset`.
            let from = cycle - min(cycle, faw == 0 ? 0 : faw - 1)
            let offset = cycle - from
            let around = activates.bits(c, from: from)
            var fits = true
            if rrd > 0 {
                let low = offset - min(offset, rrd - 1)
                let near = (around >> low) & ((1 << (offset + rrd - low)) - 1)
                if near != 0 {
                    // Jump past the latest activate in reach: tRRD after it.
                    cycle = max(cycle + 1, from + low + UInt64(127 - near.leadingZeroBitCount) + rrd)
                    continue
                }
            }
            if fits && faw > 0 {
                // Every tFAW window holding this cycle lies in bits `first ..< offset + faw`;
                // with fewer than four activates there, none can be full (the common case).
                let first = offset + 1 - min(offset + 1, faw)
                let reach: UInt128 = (1 << (offset + faw - first)) - 1
                let windowMask: UInt128 = (1 << faw) - 1
                if ((around >> first) & reach).nonzeroBitCount >= 4 {
                    for shift in first...offset where ((around >> shift) & windowMask).nonzeroBitCount >= 4 {
                        fits = false
                        break
                    }
                }
            }
            if fits && parts > 0 {
                // Its first command here, the others (ACT-2) on the next free command cycles within tAAD.
                let free = ~commands.bits(lane, from: cycle) & ((1 << (config.tAADCycles + 1)) - 1)
                if free & 1 == 0 || (free >> 1).nonzeroBitCount < Int(parts) - 1 {
                    cycle += 1
                    continue
                }
                later = free >> 1
            }
            if fits { break }
            cycle += 1
        }
        activates.take(c, cycle..<(cycle + 1))
        if parts > 0 {
            takeCommand(lane: lane, at: cycle, length: 1, channel: c)
            for _ in 1..<parts {
                let next = UInt64(later.trailingZeroBitCount) + 1
                takeCommand(lane: lane, at: cycle + next, length: 1, channel: c)
                later &= later - 1
            }
        }
        #if SPARKTWIN_INTERNAL_CHECKS
        checkActivateLimits(channel: c, cycle)
        #endif
        return cycle
    }

    #if SPARKTWIN_INTERNAL_CHECKS
    /// Stops if the activate just taken at `cycle` breaks tRRD (another within tRRD of it) or
    /// tFAW (five in a window of tFAW cycles).
    private func checkActivateLimits(channel c: Int, _ cycle: UInt64) {
        let rrd = config.tRRDCycles, faw = config.tFAWCycles
        if rrd > 0 {
            let near = activates.count(c, (cycle - min(cycle, rrd - 1))..<(cycle + rrd))
            if near != 1 { internalCheckFailed("memory: channel \(c) has \(near) activates within tRRD of cycle \(cycle)") }
        }
        guard faw > 0 else { return }
        for start in (cycle - min(cycle, faw - 1))...cycle {
            let inWindow = activates.count(c, start..<(start + faw))
            if inWindow > 4 { internalCheckFailed("memory: channel \(c) has \(inWindow) activates in the tFAW window from cycle \(start)") }
        }
    }
    #endif

    /// Counters of channel `c`.
    public func stats(channel c: Int) -> ChannelStats { channels[c].stats }

    /// Counters summed over all channels.
    public var totalStats: ChannelStats {
        channels.reduce(into: ChannelStats()) { sum, channel in
            sum.reads += channel.stats.reads
            sum.bytes += channel.stats.bytes
            sum.writes += channel.stats.writes
            sum.writeBytes += channel.stats.writeBytes
            sum.writeDrains += channel.stats.writeDrains
            sum.rowHits += channel.stats.rowHits
            sum.rowMisses += channel.stats.rowMisses
            sum.busyCycles += channel.stats.busyCycles
            sum.refreshBankCycles += channel.stats.refreshBankCycles
            sum.commandCycles += channel.stats.commandCycles
            sum.refreshes += channel.stats.refreshes
            sum.readQueueWaits += channel.stats.readQueueWaits
            sum.readQueueWaitCycles += channel.stats.readQueueWaitCycles
        }
    }
}

import Testing
import TwinCore
import TwinModels

@Suite struct MemoryControllerTests {
    /// The plain address map, so that tests can aim at a bank and row, and rows that stay open
    /// (no page timeout) unless a test says otherwise.
    let config = Self.config(pageTimeout: 1e-3)

    static func config(pageTimeout: Double) -> MemoryController.Config {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.addressHash", 0)
        values.set("memory.pageTimeout", pageTimeout)
        return MemoryController.Config(values)
    }

    /// Every timing in clocks at both data rates of `lpddr5x-timing.md`, its columns "cycles at
    /// 6400" and "cycles at 8533 (ceil)": nanosecond timings round up, tCCD_L stays 4 clocks,
    /// and tRRD takes the larger of 5 ns and 4 clocks.
    @Test(arguments: [
        // rate, CK Hz, RL, WL, tRCD, tRP, tRAS, tWR, tRTP, tCCD_L, tRRD, tFAW, tWTR_L, tRFCab, tREFI
        (6_400e6, UInt64(800_000_000), [UInt64(17), 9, 15, 15, 34, 28, 8, 4, 4, 16, 10, 224, 3_125]),
        (8_533e6, UInt64(1_066_625_000), [UInt64(23), 12, 20, 20, 45, 37, 11, 4, 6, 22, 13, 299, 4_167]),
    ])
    func timingsInCyclesMatchTheLPDDR5XTable(dataRate: Double, clockHz: UInt64, cycles: [UInt64]) {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.dataRate", dataRate)
        let config = MemoryController.Config(values)
        #expect(config.clockHz == clockHz)
        let actual = [config.readLatencyCycles, config.writeLatencyCycles, config.tRCDCycles, config.tRPCycles, config.tRASCycles,
                      config.tWRCycles, config.tRTPCycles, config.tCCDLCycles, config.tRRDCycles, config.tFAWCycles, config.tWTRCycles,
                      config.tRFCCycles, config.tREFICycles]
        #expect(actual == cycles)
        // A BL16 burst of a 16-bit channel: 32 B in 2 clocks, at every rate.
        #expect(config.burstBytes == 32 && config.burstCycles == 2)
        #expect(abs(config.peakBandwidthBytesPerSecond - dataRate * 32) < 1e6)
    }

    /// Below the rates of the table, tRRD's 4-clock floor binds: at 3,200 MT/s (400 MHz) 5 ns is
    /// 2 clocks, and tCCD_L stays 4.
    @Test func aFloorInClocksBindsWhereTheNanosecondsAreFewerClocks() {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.dataRate", 3_200e6)
        let config = MemoryController.Config(values)
        #expect(config.tRRDCycles == 4 && config.tCCDLCycles == 4 && config.tRCDCycles == 8)
        values.set("memory.tRRDMinClocks", 0)
        #expect(MemoryController.Config(values).tRRDCycles == 2)
    }

    /// The address of the first chunk of `row` in bank `bank` of channel 0: the inverse of the
    /// plain map, written out (group, then column, then bank in group, then row).
    func address(bank: UInt64, row: UInt64) -> UInt64 {
        let groups = UInt64(config.bankGroups)
        let page = row * (UInt64(config.banks) / groups) + bank / groups
        let stripe = page * (config.pageBytes / config.interleaveBytes) * groups + bank % groups
        return stripe * UInt64(config.channels) * config.interleaveBytes
    }

    @Test func addressMappingWalksChannelsThenGroupsThenColumnsThenBanks() {
        let memory = MemoryController(config: config)
        #expect(memory.locate(0) == .init(channel: 0, bank: 0, row: 0))
        #expect(memory.locate(256) == .init(channel: 1, bank: 0, row: 0))
        // Channel 0's next chunks go to banks 1, 2 and 3 (the other groups), then back to bank 0.
        #expect((1...4).map { memory.locate(UInt64($0) * 16 * 256).bank } == [1, 2, 3, 0])
        // A row of bank 0 holds 8 chunks, every fourth of the channel's; then bank 4 (group 0) starts.
        #expect(memory.locate(UInt64(4 * 7) * 16 * 256) == .init(channel: 0, bank: 0, row: 0))
        #expect(memory.locate(UInt64(4 * 8) * 16 * 256) == .init(channel: 0, bank: 4, row: 0))
        #expect(memory.locate(address(bank: 3, row: 7)) == .init(channel: 0, bank: 3, row: 7))
        #expect(memory.locate(address(bank: 14, row: 2)) == .init(channel: 0, bank: 14, row: 2))
    }

    @Test func hashedMapSpreadsAMatrixColumnOverChannelsAndStaysOneToOne() {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.addressHash", 1)
        let memory = MemoryController(config: MemoryController.Config(values))
        // 128 rows of a bf16 matrix with 8192 columns: a 16 KiB stride, one channel when unhashed.
        let channels = Set((0..<128).map { memory.locate(UInt64($0) * 16_384).channel })
        #expect(channels.count == 16)
        let plain = MemoryController(config: config)
        #expect(Set((0..<128).map { plain.locate(UInt64($0) * 16_384).channel }) == [0])
        // One to one: distinct interleave chunks of 64 MiB land on distinct (channel, bank, row, column) slots.
        var seen = Set<String>()
        for chunk in UInt64(0)..<UInt64(1 << 18) {
            let address = chunk * 256
            let l = memory.locate(address)
            let column = (address / 256 / 16 / 4) % (2_048 / 256)
            seen.insert("\(l.channel)/\(l.bank)/\(l.row)/\(column)")
        }
        #expect(seen.count == 1 << 18)
    }

    @Test func rowMissThenRowHitCostWhatTheTimingTableSays() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        // Closed bank: activate, tRCD, RL, then four bursts of two cycles, tCCD_L (4) apart as
        // they are in one bank group.
        let first = memory.read(address: 0, bytes: 128, at: .zero)
        let fourBursts = 3 * config.tCCDLCycles + config.burstCycles
        let firstEnd = arrival + config.tRCDCycles + config.readLatencyCycles + fourBursts
        #expect(first == clock.time(ofCycle: firstEnd))
        // Same row, after the bus is free and before channel 0's first refresh: only RL and the transfer.
        let later = SimTime(picoseconds: 120_000)
        let hit = memory.read(address: 128, bytes: 128, at: later)
        let hitArrival = clock.cycle(atOrAfter: later + config.controllerLatency)
        #expect(hit == clock.time(ofCycle: hitArrival + config.readLatencyCycles + fourBursts))
        #expect(memory.stats(channel: 0).rowHits == 1)
        #expect(memory.stats(channel: 0).rowMisses == 1)
        // The latency histogram holds both reads, front end to last byte.
        let latencies = [(first - SimTime.zero).picoseconds, (hit - later).picoseconds]
        #expect(memory.readLatency.count == 2)
        #expect(memory.readLatency.maxPs == latencies.max())
        #expect(abs(memory.readLatency.meanNs - Double(latencies.reduce(0, +)) / 2 / 1_000) < 1e-9)
    }

    /// An activate's two commands (ACT-1, then ACT-2 on the next free cycle) take the command
    /// cycles a row hit arriving with it would read at: the hit's read command, and so its data,
    /// waits two clocks. With a command bus for row commands of its own (HBM) it does not.
    @Test(arguments: [(1, UInt64(2)), (2, UInt64(0))])
    func anActivateTakesTheCommandCyclesOfARead(buses: Int, delay: UInt64) {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.addressHash", 0)
        values.set("memory.pageTimeout", 1e-3)
        values.set("memory.commandBuses", Double(buses))
        let config = MemoryController.Config(values)
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        // Later, bank 1 (closed) and then the open row of bank 0, at the same cycle.
        let later = SimTime(picoseconds: 120_000)
        let arrival = clock.cycle(atOrAfter: later + config.controllerLatency)
        _ = memory.read(address: address(bank: 1, row: 0), bytes: 32, at: later)
        let hit = memory.read(address: address(bank: 0, row: 0) + 32, bytes: 32, at: later)
        #expect(hit == clock.time(ofCycle: arrival + delay + config.readLatencyCycles + config.burstCycles))
        // Per bus: two activates, three reads; no precharge yet.
        #expect(memory.stats(channel: 0).commandCycles == 2 * 2 + 3)
    }

    @Test func aRowIdleForThePageTimeoutIsClosedInTheBackground() {
        let config = Self.config(pageTimeout: 100e-9)
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        // After the timeout and its background precharge (and before channel 0's first refresh at
        // ~244 ns): another row of the bank needs only an activate, no precharge.
        let later = SimTime(picoseconds: 160_000)
        let read = memory.read(address: address(bank: 0, row: 1), bytes: 32, at: later)
        let arrival = clock.cycle(atOrAfter: later + config.controllerLatency)
        #expect(read == clock.time(ofCycle: arrival + config.tRCDCycles + config.readLatencyCycles + config.burstCycles))
    }

    /// A second read of a row 160 ns after the first (before channel 0's first refresh): open
    /// page keeps the row (a hit: RL and the burst), closed page has shut it at once, and the
    /// timeout policy has shut it after 100 ns but not after 1 µs (an activate first).
    @Test(arguments: [(0.0, 100e-9, true), (1.0, 100e-9, false), (2.0, 100e-9, false), (2.0, 1e-6, true)])
    func thePagePolicyDecidesWhetherAnIdleRowIsStillOpen(policy: Double, timeout: Double, hit: Bool) {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.addressHash", 0)
        values.set("memory.pagePolicy", policy)
        values.set("memory.pageTimeout", timeout)
        let config = MemoryController.Config(values)
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        let later = SimTime(picoseconds: 160_000)
        let read = memory.read(address: address(bank: 0, row: 0) + 32, bytes: 32, at: later)
        let arrival = clock.cycle(atOrAfter: later + config.controllerLatency)
        let opening = hit ? 0 : config.tRCDCycles
        #expect(read == clock.time(ofCycle: arrival + opening + config.readLatencyCycles + config.burstCycles))
        #expect(memory.stats(channel: 0).rowHits == (hit ? 1 : 0))
    }

    /// Per-bank refresh (LPDDR5X: every tREFIpb = tREFI / 8, a pair of banks for tRFCpb): channel
    /// 0's first refresh takes banks 0 and 8. A read of bank 0 waits for it and opens its row
    /// anew; bank 1's open row, the other banks and the bus go on.
    @Test func aPerBankRefreshBlocksItsBanksAndNotTheChannel() {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.addressHash", 0)
        values.set("memory.pageTimeout", 1e-3)
        values.set("memory.refreshMode", 1)
        let config = MemoryController.Config(values)
        #expect(config.banksPerRefresh == 2 && config.tREFICycles == 521 && config.tRFCCycles == 150)
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: address(bank: 1, row: 0), bytes: 32, at: .zero)
        let refreshStart = config.tREFICycles / UInt64(config.channels)
        let arrivalTime = clock.time(ofCycle: refreshStart + 40)
        let at = SimTime(picoseconds: arrivalTime.picoseconds - config.controllerLatency.picoseconds)
        let arrival = refreshStart + 40
        let hit = memory.read(address: address(bank: 1, row: 0) + 32, bytes: 32, at: at)
        #expect(hit == clock.time(ofCycle: arrival + config.readLatencyCycles + config.burstCycles))
        let refreshed = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: at)
        #expect(refreshed == clock.time(ofCycle: refreshStart + config.tRFCCycles + config.tRCDCycles + config.readLatencyCycles + config.burstCycles))
        #expect(memory.stats(channel: 0).refreshes == 1)
        #expect(memory.stats(channel: 0).refreshBankCycles == config.tRFCCycles * 2)
    }

    @Test func rowConflictAddsPrechargeAndActivate() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        let later = SimTime(picoseconds: 150_000)  // long after tRAS
        let conflict = memory.read(address: address(bank: 0, row: 1), bytes: 32, at: later)
        let arrival = clock.cycle(atOrAfter: later + config.controllerLatency)
        let expected = arrival + config.tRPCycles + config.tRCDCycles + config.readLatencyCycles + config.burstCycles
        #expect(conflict == clock.time(ofCycle: expected))
    }

    @Test func prechargeWaitsForTRAS() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        _ = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        // Arrives right behind: the precharge must wait tRAS after the first activate.
        let conflict = memory.read(address: address(bank: 0, row: 1), bytes: 32, at: .zero)
        let expected = arrival + config.tRASCycles + config.tRPCycles + config.tRCDCycles + config.readLatencyCycles + config.burstCycles
        #expect(conflict == clock.time(ofCycle: expected))
    }

    @Test func refreshBlocksTheChannelForTRFCAndClosesRows() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        _ = memory.read(address: 0, bytes: 32, at: .zero)  // opens row 0 of bank 0
        // Channel 0 refreshes first at tREFI / 16; arrive just after it starts.
        let refreshStart = config.tREFICycles / UInt64(config.channels)
        let arrivalTime = clock.time(ofCycle: refreshStart + 10)
        let done = memory.read(address: 32, bytes: 32, at: SimTime(picoseconds: arrivalTime.picoseconds - config.controllerLatency.picoseconds))
        let refreshEnd = refreshStart + config.tRFCCycles
        // The row was closed by the refresh, so this is a miss that starts when refresh ends.
        #expect(done == clock.time(ofCycle: refreshEnd + config.tRCDCycles + config.readLatencyCycles + config.burstCycles))
        #expect(memory.stats(channel: 0).refreshes == 1)
        #expect(memory.stats(channel: 0).refreshBankCycles == config.tRFCCycles * UInt64(config.banks))
        #expect(memory.stats(channel: 0).rowMisses == 2)
    }

    @Test func fourActivateWindowDelaysTheFifthActivate() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        for bank: UInt64 in 0..<4 { _ = memory.read(address: address(bank: bank, row: 0), bytes: 32, at: .zero) }
        // Activates at arrival + 0, tRRD, 2 tRRD, 3 tRRD; the fifth waits for tFAW after the first.
        let fifthActivate = max(arrival + 4 * config.tRRDCycles, arrival + config.tFAWCycles)
        let fifth = memory.read(address: address(bank: 4, row: 0), bytes: 32, at: .zero)
        let dataStart = max(fifthActivate + config.tRCDCycles + config.readLatencyCycles, arrival + config.tRCDCycles + config.readLatencyCycles + 4 * config.burstCycles)
        #expect(fifth == clock.time(ofCycle: dataStart + config.burstCycles))
    }
}

@Suite struct C2CLinkTests {
    let config = C2CLink.Config(MachineParameters.values(preset: "dgx-spark")!)

    @Test func packetsSerializeInWholeFlitsThenTakeTheLatency() {
        var link = C2CLink(config: config)
        #expect(config.flitRateHz == 18_750_000_000)
        #expect(config.headerBytes == 32)
        // 128 B of data plus a 32 B header: ten 16 B flits at 18.75 GHz = 533.3 ps (534, the edge
        // rounded up), then 30 ns.
        let first = link.send(.cpuToGPU, payloadBytes: 128, at: .zero)
        #expect(first.picoseconds == 534 + 30_000)
        // A second packet sent at the same instant waits for the first one's flits.
        let second = link.send(.cpuToGPU, payloadBytes: 128, at: .zero)
        #expect(second.picoseconds == 1_067 + 30_000)
        // The other direction is independent.
        let request = link.send(.gpuToCPU, payloadBytes: 0, at: .zero)
        #expect(request.picoseconds == 107 + 30_000)  // two header flits: ceil(2 · 10¹² / 18.75e9) ps
        #expect(link.stats(.cpuToGPU).busyFlits == 20)
    }

    @Test func aPacketWaitsForAFreeFarEndBuffer() {
        // Two credits: the third packet sent at once waits until the first one's buffer is free,
        // that is its arrival (534 ps of flits + 30 ns) plus 30 ns for the credit to come back.
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("c2c.credits", 2)
        var link = C2CLink(config: C2CLink.Config(values))
        _ = link.send(.cpuToGPU, payloadBytes: 128, at: .zero)
        _ = link.send(.cpuToGPU, payloadBytes: 128, at: .zero)
        let third = link.send(.cpuToGPU, payloadBytes: 128, at: .zero)
        let creditBack = SimTime(picoseconds: 534 + 60_000)
        // Its ten flits start at the link's first edge from then.
        let flitClock = ClockDomain(frequencyHz: 18_750_000_000)
        #expect(third == flitClock.time(ofCycle: flitClock.cycle(atOrAfter: creditBack) + 10) + SimDuration(nanoseconds: 30))
        // With the default 256 credits the same three packets go back to back.
        var deep = C2CLink(config: config)
        for _ in 0..<2 { _ = deep.send(.cpuToGPU, payloadBytes: 128, at: .zero) }
        #expect(deep.send(.cpuToGPU, payloadBytes: 128, at: .zero).picoseconds == 1_600 + 30_000)
    }
}

@Suite struct HostLinkTests {
    @Test func bulkTransfersPayTheirPacketHeaders() {
        // PCIe on the h100-sxm preset: 256 B payloads with 24 B of header, counted in 4 B units at 63 GB/s.
        let config = C2CLink.Config(MachineParameters.values(preset: "h100-sxm")!, prefix: "host")
        var link = C2CLink(config: config)
        let bytes: UInt64 = 1 << 20
        let done = link.sendBulk(.cpuToGPU, bytes: bytes, at: .zero).arrives
        let flits = bytes / 256 * (280 / 4)
        #expect(link.stats(.cpuToGPU).busyFlits == flits)
        let lastEdge = SimDuration(picoseconds: (flits * 1_000_000_000_000 + config.flitRateHz - 1) / config.flitRateHz)
        #expect(done == SimTime.zero + lastEdge + config.latency)
        // The efficiency that follows: 256 / 280 of 63 GB/s ≈ 57.6 GB/s.
        let rate = Double(bytes) / (done - SimTime.zero - config.latency).seconds
        #expect(abs(rate / 57.6e9 - 1) < 0.001)
    }
}

@Suite struct MemoryWriteTests {
    let config = MemoryControllerTests.config(pageTimeout: 1e-3)

    /// The address of `row` in bank `bank` of channel 0 (plain map).
    func address(bank: UInt64, row: UInt64) -> UInt64 { MemoryControllerTests().address(bank: bank, row: row) }

    @Test func writesArePostedAndDrainedInBatches() {
        var memory = MemoryController(config: config)
        let time = SimTime(picoseconds: 10_000)
        // Writes are accepted at the controller's front end, whatever the DRAM does.
        for i in 0..<UInt64(config.writeBatch - 1) {
            let accepted = memory.write(address: address(bank: i % 16, row: 0), bytes: 32, at: time)
            #expect(accepted == memory.clock.time(ofCycle: memory.clock.cycle(atOrAfter: time + config.controllerLatency)))
        }
        #expect(memory.totalStats.writes == 0)
        memory.write(address: address(bank: 15, row: 1), bytes: 32, at: time)
        #expect(memory.totalStats.writes == UInt64(config.writeBatch))
        #expect(memory.totalStats.writeDrains == 1)
    }

    /// The write queue holds one batch while the one before it drains: writes after a drain
    /// are accepted once its data has gone out, so a writer that waits for room sees the
    /// channel's pace.
    @Test func writesAfterADrainWaitForItsData() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        let batch = UInt64(config.writeBatch)
        for i in 0..<batch { memory.write(address: address(bank: 0, row: 0) + i * 32 % 256, bytes: 32, at: .zero) }
        let next = memory.write(address: address(bank: 1, row: 0), bytes: 32, at: .zero)
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        let lastWriteData = arrival + config.tRCDCycles + config.writeLatencyCycles + (batch - 1) * config.tCCDLCycles + config.burstCycles
        #expect(next == clock.time(ofCycle: lastWriteData))
        // Another channel's queue is not full: its write is accepted on arrival.
        let other = (0..<UInt64(64)).map { $0 * 256 }.first { memory.locate($0).channel != 0 }!
        #expect(memory.write(address: other, bytes: 32, at: .zero) == clock.time(ofCycle: arrival))
    }

    @Test func aReadAfterADrainWaitsForTheWriteToReadTurnaround() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        // One batch of writes to one open row of bank 0, then a read to bank 1.
        for i in 0..<UInt64(config.writeBatch) {
            memory.write(address: address(bank: 0, row: 0) + i * 32 % 256, bytes: 32, at: .zero)
        }
        let read = memory.read(address: address(bank: 1, row: 0), bytes: 32, at: .zero)
        // The batch's data: activate, tRCD, WL, then the bursts tCCD_L apart (one bank group).
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        let lastWriteData = arrival + config.tRCDCycles + config.writeLatencyCycles + UInt64(config.writeBatch - 1) * config.tCCDLCycles + config.burstCycles
        let earliestRead = lastWriteData + config.tWTRCycles + config.readLatencyCycles + config.burstCycles
        #expect(read == clock.time(ofCycle: earliestRead))
    }

    @Test func prechargeWaitsForWriteRecovery() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        for _ in 0..<config.writeBatch { memory.write(address: address(bank: 0, row: 0), bytes: 32, at: .zero) }
        // A read to another row of the same bank must wait for tWR after the last write data.
        let read = memory.read(address: address(bank: 0, row: 1), bytes: 32, at: .zero)
        let arrival = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        let lastWriteData = arrival + config.tRCDCycles + config.writeLatencyCycles + UInt64(config.writeBatch - 1) * config.tCCDLCycles + config.burstCycles
        let precharge = max(lastWriteData + config.tWRCycles, arrival + config.tRASCycles)
        let expected = max(precharge + config.tRPCycles + config.tRCDCycles, lastWriteData + config.tWTRCycles) + config.readLatencyCycles + config.burstCycles
        #expect(read == clock.time(ofCycle: expected))
    }

    @Test func aHitOnTheRowBeingClosedIsServedBeforeTheSwitch() {
        var memory = MemoryController(config: config)
        let clock = memory.clock
        let a = clock.cycle(atOrAfter: SimTime.zero + config.controllerLatency)
        // Row 0 of bank 0 opens for the first read; a read of row 1 then times the switch: a
        // precharge at tRAS after the activate, and its own activate tRP later.
        let first = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: .zero)
        let switched = memory.read(address: address(bank: 0, row: 1), bytes: 32, at: .zero)
        #expect(first == clock.time(ofCycle: a + config.tRCDCycles + config.readLatencyCycles + config.burstCycles))
        #expect(switched == clock.time(ofCycle: a + config.tRASCycles + config.tRPCycles + config.tRCDCycles + config.readLatencyCycles + config.burstCycles))
        // A third read of row 0, arriving with them, goes first (FR-FCFS): it is served in row 0's
        // window, tCCD_L after the first burst (same bank group), as its tRTP ends before the
        // committed precharge.
        let late = memory.read(address: address(bank: 0, row: 0) + 32, bytes: 32, at: .zero)
        #expect(late == clock.time(ofCycle: a + config.tRCDCycles + config.readLatencyCycles + config.tCCDLCycles + config.burstCycles))
        #expect(memory.stats(channel: 0).rowHits == 1 && memory.stats(channel: 0).rowMisses == 2)
        // One arriving after the precharge must reopen row 0 after row 1's turn.
        let afterPrecharge = memory.read(address: address(bank: 0, row: 0) + 64, bytes: 32, at: clock.time(ofCycle: a + config.tRASCycles))
        #expect(afterPrecharge > switched)
        #expect(memory.stats(channel: 0).rowMisses == 3)
    }

    /// Opens row 0 of banks 0, 1 and 4 of channel 0, and returns a time when they are open, the
    /// bus is idle and no refresh is near.
    func openRows(_ memory: inout MemoryController) -> SimTime {
        for bank: UInt64 in [0, 1, 4] { _ = memory.read(address: address(bank: bank, row: 0), bytes: 32, at: .zero) }
        return SimTime(picoseconds: 120_000)
    }

    @Test func burstsOfOneBankGroupAreTCCDLApartOtherGroupsBackToBack() {
        #expect(config.bankGroups == 4 && config.tCCDLCycles == 4 && config.burstCycles == 2)
        for (other, gap) in [(UInt64(4), config.tCCDLCycles), (UInt64(1), config.burstCycles)] {
            var memory = MemoryController(config: config)
            let clock = memory.clock
            let later = openRows(&memory)
            let arrival = clock.cycle(atOrAfter: later + config.controllerLatency)
            let first = memory.read(address: address(bank: 0, row: 0), bytes: 32, at: later)
            let second = memory.read(address: address(bank: other, row: 0), bytes: 32, at: later)
            // Bank 4 shares bank 0's group: its burst waits tCCD_L; bank 1's only waits for the bus.
            #expect(first == clock.time(ofCycle: arrival + config.readLatencyCycles + config.burstCycles))
            #expect(second == clock.time(ofCycle: arrival + config.readLatencyCycles + gap + config.burstCycles), "bank \(other)")
        }
    }

    @Test func aLineReadToOneBankLeavesGapsThatAnotherGroupFills() {
        // Two 128 B reads (four bursts each) at once: from banks of two groups they interleave and
        // fill the bus; from banks of one group the second waits out the first's tCCD_L windows.
        for (other, end) in [(UInt64(1), UInt64(16)), (UInt64(4), UInt64(30))] {
            var memory = MemoryController(config: config)
            let clock = memory.clock
            let later = openRows(&memory)
            let dataStart = clock.cycle(atOrAfter: later + config.controllerLatency) + config.readLatencyCycles
            let first = memory.read(address: address(bank: 0, row: 0), bytes: 128, at: later)
            let second = memory.read(address: address(bank: other, row: 0), bytes: 128, at: later)
            #expect(first == clock.time(ofCycle: dataStart + 14))
            #expect(second == clock.time(ofCycle: dataStart + end), "bank \(other)")
        }
    }
}

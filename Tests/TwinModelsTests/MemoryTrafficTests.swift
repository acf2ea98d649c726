import Testing
import TwinCore
import TwinModels

/// The traffic engine (`kind: traffic`): line requests straight onto a node's memory path,
/// checked against what holds by hand: Little's law for a closed loop, the offered rate when
/// the memory keeps up, the exact read/write mix, the bus rate as a ceiling, and the topology.
@Suite struct MemoryTrafficTests {
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let h100 = MachineConfig(MachineParameters.values(preset: "h100-sxm")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 3, samplePeriod: SimDuration(seconds: 1e-5),
                                      eventBudget: 100_000_000)

    static func traffic(_ keys: [String: Double], side: String = "gpu", pattern: String = "sequential") -> WorkloadPhase {
        let declaration = KernelDeclaration.all.first { $0.name == "traffic" }!
        var given = keys
        given["side"] = Double(declaration.keys.first { $0.name == "side" }!.choices!.firstIndex(of: side)!)
        given["pattern"] = Double(declaration.keys.first { $0.name == "pattern" }!.choices!.firstIndex(of: pattern)!)
        given["buffer"] = given["buffer"] ?? Double(64 << 20)
        return .kernel(declaration.values(given)!)
    }

    static func run(_ phases: [WorkloadPhase], on config: MachineConfig = spark, seed: UInt64 = 3) -> [String: Double] {
        var settings = Self.settings
        settings.seed = seed
        var simulation = Simulation(config: config, program: Program(phases: phases), settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        return Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
    }

    /// A closed loop keeps `inFlight` reads outstanding, so throughput × latency = requests in
    /// flight (Little's law), on both sides and well below the bus rate.
    @Test(arguments: [("cpu", 4.0, 64.0), ("gpu", 16.0, 128.0)])
    func aClosedLoopFollowsLittlesLaw(side: String, inFlight: Double, lineBytes: Double) {
        let m = Self.run([Self.traffic(["inFlight": inFlight, "requests": 20_000], side: side)])
        #expect(m["traffic.requests"] == 20_000 && m["traffic.reads"] == 20_000)
        #expect(m["traffic.bytes"] == 20_000 * lineBytes)
        let littles = inFlight * lineBytes / (m["traffic.read.latency.mean"]! * 1e-9) / 1e9
        #expect(abs(m["traffic.bandwidth"]! / littles - 1) < 0.01, "\(m["traffic.bandwidth"]!) GB/s against \(littles) GB/s")
        #expect(m["traffic.bandwidth"]! < 0.5 * m["memory.peak_bandwidth"]!)
    }

    /// Below what the memory can take, an offered rate is what is delivered: one line per
    /// line / rate for the duration, then the last ones drain (one latency).
    @Test func anOfferedRateTheMemoryKeepsUpWithIsDelivered() {
        let rate = 20e9, seconds = 200e-6
        let m = Self.run([Self.traffic(["rate": rate, "duration": seconds])])
        let expected = (rate * seconds / 128).rounded(.up)
        #expect(abs(m["traffic.requests"]! - expected) <= 1)
        #expect(abs(m["traffic.bandwidth"]! / (rate / 1e9) - 1) < 0.01)
    }

    /// The GPU's own reads in flight, closed loop: near the bus rate, never past it.
    @Test func aClosedLoopNearsTheBusRateAndNeverPassesIt() {
        let m = Self.run([Self.traffic(["duration": 50e-6])])
        #expect(m["traffic.bandwidth"]! <= m["memory.peak_bandwidth"]!)
        #expect(m["traffic.bandwidth"]! > 0.75 * m["memory.peak_bandwidth"]!)
    }

    /// A quarter of the requests are writes, spread evenly: exactly 250 of 1,000, and every one
    /// reaches the controller (its write queues drain by the end).
    @Test func theReadWriteMixIsExact() {
        let m = Self.run([Self.traffic(["reads": 0.75, "requests": 1_000])])
        #expect(m["traffic.reads"] == 750)
        #expect(m["memory.write.bytes"] == Double(250 * 128))
        #expect(m["traffic.bytes"] == Double(1_000 * 128))
    }

    /// Random lines of a large region miss their rows far more often than a sequential sweep,
    /// and pay for it in bandwidth.
    @Test func randomLinesMissRowsAndDeliverLess() {
        let sequential = Self.run([Self.traffic(["buffer": Double(1 << 30), "duration": 50e-6])])
        let random = Self.run([Self.traffic(["buffer": Double(1 << 30), "duration": 50e-6], pattern: "random")])
        #expect(random["memory.row_hit_rate"]! < 0.5 * sequential["memory.row_hit_rate"]!)
        #expect(random["traffic.bandwidth"]! < sequential["traffic.bandwidth"]!)
        #expect(random == Self.run([Self.traffic(["buffer": Double(1 << 30), "duration": 50e-6], pattern: "random")]))
        #expect(random != Self.run([Self.traffic(["buffer": Double(1 << 30), "duration": 50e-6], pattern: "random")], seed: 4))
    }

    /// CPU-side 64 B lines from 1 GiB with 4,096 in flight for 100 µs at `dataRate`, with overrides.
    static func cpuLines(_ pattern: String, dataRate: Double, _ set: [String: Double] = [:]) -> [String: Double] {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("memory.dataRate", dataRate)
        for (path, value) in set { values.set(path, value) }
        return run([traffic(["buffer": Double(1 << 30), "inFlight": 4_096, "duration": 100e-6], side: "cpu", pattern: pattern)],
                   on: MachineConfig(values))
    }

    /// A sequential read keeps the bus less refresh, within 2 %, at both rates of the LPDDR5X
    /// table: 32 B per 2 clocks per channel, less tRFCab / tREFI (224 / 3,125 and 299 / 4,167).
    @Test(arguments: [(6_400e6, 224.0 / 3_125), (8_533e6, 299.0 / 4_167)])
    func aSequentialReadKeepsTheBusLessRefresh(dataRate: Double, refreshShare: Double) {
        let m = Self.cpuLines("sequential", dataRate: dataRate)
        let limit = dataRate * 2 / 1e9 * 16 * (1 - refreshShare)
        #expect(m["traffic.bandwidth"]! <= limit && m["traffic.bandwidth"]! > 0.98 * limit, "\(m["traffic.bandwidth"]!) GB/s against \(limit)")
    }

    /// Random 64 B lines, by hand per channel and line: 4 data clocks (two BL16 bursts), 5
    /// command clocks (ACT-1, ACT-2, two reads, a precharge), an activate every tRRD (4 clocks at
    /// 6,400 MT/s, 6 at 8,533) and four per tFAW (16, 22). At 6,400 the command bus binds: 64 B
    /// per 5 clocks of 800 MHz × 16 channels, less refresh, 152 GB/s; without it the activates'
    /// and the data bus's limit is 190 GB/s. At 8,533 tRRD binds: 64 B per 6 clocks of
    /// 1,066.6 MHz × 16, less refresh, 169 GB/s. Bank conflicts keep the twin below either.
    @Test func randomLinesAreBoundByTheCommandBusAtSixThousandFourHundredAndByTRRDAbove() {
        let commandLimit = 64 * 0.8 / 5 * 16 * (1 - 224.0 / 3_125)
        let slow = Self.cpuLines("random", dataRate: 6_400e6)
        #expect(slow["traffic.bandwidth"]! <= commandLimit && slow["traffic.bandwidth"]! > 0.85 * commandLimit, "\(slow["traffic.bandwidth"]!) GB/s")
        #expect(slow["memory.command_bus.utilization"]! > 0.8)
        // A row bus and a column bus of their own (as HBM has) lift the cap.
        let twoBuses = Self.cpuLines("random", dataRate: 6_400e6, ["memory.commandBuses": 2])
        #expect(twoBuses["traffic.bandwidth"]! > 1.05 * commandLimit)
        let activateLimit = 64 * 1.066625 / 6 * 16 * (1 - 299.0 / 4_167)
        let fast = Self.cpuLines("random", dataRate: 8_533e6)
        #expect(fast["traffic.bandwidth"]! <= activateLimit && fast["traffic.bandwidth"]! > 0.75 * activateLimit, "\(fast["traffic.bandwidth"]!) GB/s")
    }

    /// Per-bank refresh leaves the bus to the other banks: a sequential read keeps the whole
    /// bus (within 1 %), where all-bank refresh takes tRFCab / tREFI of it.
    @Test func aPerBankRefreshKeepsTheBusThatAllBankRefreshTakes() {
        let perBank = Self.cpuLines("sequential", dataRate: 8_533e6, ["memory.refreshMode": 1])
        let bus = 8_533e6 * 2 / 1e9 * 16
        #expect(perBank["traffic.bandwidth"]! > 0.99 * bus, "\(perBank["traffic.bandwidth"]!) GB/s against \(bus)")
        #expect(perBank["traffic.bandwidth"]! > Self.cpuLines("sequential", dataRate: 8_533e6)["traffic.bandwidth"]! * 1.05)
    }

    /// A read queue bounds what the scheduler can reorder: with 4,096 random lines in flight,
    /// 16 reads a channel cost bandwidth against an unbounded queue, and every read waits for
    /// room; a sequential read, whose requests need no reordering, keeps its bandwidth.
    @Test func aShallowReadQueueCostsRandomLinesTheirReordering() {
        let unbounded = Self.cpuLines("random", dataRate: 8_533e6)
        let shallow = Self.cpuLines("random", dataRate: 8_533e6, ["memory.readQueue": 16])
        #expect(unbounded["memory.read_queue.waited"] == 0)
        #expect(shallow["memory.read_queue.waited"]! > 0.9)
        #expect(shallow["traffic.bandwidth"]! < 0.97 * unbounded["traffic.bandwidth"]!)
        let sequential = Self.cpuLines("sequential", dataRate: 8_533e6, ["memory.readQueue": 16])
        #expect(sequential["traffic.bandwidth"]! > 0.98 * Self.cpuLines("sequential", dataRate: 8_533e6)["traffic.bandwidth"]!)
    }

    /// GPU-side traffic crosses NVLink-C2C on GB10, where the memory sits on the CPU die, and
    /// not on `h100-sxm`; CPU-side traffic never does, and waits less for its data.
    @Test func theTopologyDecidesWhatTheRequestsCross() {
        let gpuOnSpark = Self.run([Self.traffic(["inFlight": 1, "requests": 200])])
        let cpuOnSpark = Self.run([Self.traffic(["inFlight": 1, "requests": 200], side: "cpu")])
        let gpuOnH100 = Self.run([Self.traffic(["inFlight": 1, "requests": 200])], on: Self.h100)
        #expect(gpuOnSpark["c2c.cpu_to_gpu.bytes"]! == 200 * 128)
        #expect(cpuOnSpark["c2c.cpu_to_gpu.bytes"]! == 0)
        #expect((gpuOnH100["c2c.cpu_to_gpu.bytes"] ?? 0) == 0)
        #expect(cpuOnSpark["traffic.read.latency.mean"]! < gpuOnSpark["traffic.read.latency.mean"]!)
    }
}

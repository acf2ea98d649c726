import Testing
import TwinCore
import TwinModels

@Suite struct PointerChaseTests {
    let parameters = MachineParameters.values(preset: "dgx-spark")!

    func chase(_ core: CoreKind, buffer: UInt64, steps: UInt64 = 2_000, config: MachineConfig? = nil) -> [String: Double] {
        let config = config ?? MachineConfig(parameters)
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 3, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 1_000_000)
        var machine = Simulation(config: config, workload: [.cpuThreads(.chase(core: core, bufferBytes: buffer, steps: steps))], settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    @Test func anL1ResidentChaseCostsTheL1LatencyInCoreCycles() {
        // 16 KiB fits the 64 KiB L1 and is warm: every load is 4 cycles, at 3.9 GHz (X925) and 2.8 GHz (A725).
        let x925 = chase(.x925, buffer: 16 << 10)
        #expect(x925["cpu.chase.l1.fraction"] == 1)
        #expect(abs(x925["cpu.chase.latency.mean"]! - 4 / 3.9) < 0.001)
        let a725 = chase(.a725, buffer: 16 << 10)
        #expect(abs(a725["cpu.chase.latency.mean"]! - 4 / 2.8) < 0.001)
    }

    @Test func latencyClimbsWithTheLevelThatHoldsTheBuffer() {
        let sizes: [UInt64] = [16 << 10, 1 << 20, 12 << 20, 1 << 30]
        let latencies = sizes.map { chase(.x925, buffer: $0)["cpu.chase.latency.mean"]! }
        #expect(latencies == latencies.sorted())
        let dram = chase(.x925, buffer: 1 << 30)
        #expect(dram["cpu.chase.dram.fraction"]! > 0.9)
        // The A725 sees the L3 later than the X925 (C5: ~14 vs > 21 ns).
        #expect(chase(.a725, buffer: 12 << 20)["cpu.chase.latency.mean"]! > chase(.x925, buffer: 12 << 20)["cpu.chase.latency.mean"]! + 5)
    }

    @Test func dramLatencyFollowsTheTimingTable() {
        // Slower DRAM core timings lengthen a DRAM-bound chase by about the added tRCD.
        var slower = parameters
        slower.set("memory.tRCD", parameters["memory.tRCD"] + 10e-9)
        // 20,000 loads, as C5: with fewer, the few that meet an all-bank refresh (tRFC 280 ns,
        // ~7 % of the time) move the mean by a few nanoseconds from one address map to another.
        let base = chase(.x925, buffer: 1 << 30, steps: 20_000)["cpu.chase.latency.mean"]!
        let slow = chase(.x925, buffer: 1 << 30, steps: 20_000, config: MachineConfig(slower))["cpu.chase.latency.mean"]!
        #expect(slow - base > 8 && slow - base < 12, "tRCD + 10 ns moved the chase by \(slow - base) ns")
    }
}

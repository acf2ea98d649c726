import Testing
import TwinCore
import TwinModels

@Suite struct GPUPointerChaseTests {
    let parameters = MachineParameters.values(preset: "dgx-spark")!

    func chase(buffer: UInt64, steps: UInt64 = 4_000, _ change: (inout ParameterValues) -> Void = { _ in }) -> [String: Double] {
        var p = parameters
        change(&p)
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 5, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 1_000_000)
        var machine = Simulation(config: MachineConfig(p), workload: [.gpuChase(bufferBytes: buffer, steps: steps)], settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    var smHz: Double { parameters["gpu.smClock"] }

    @Test func anL1ResidentChaseCostsTheL1HitLatencyInSMCycles() {
        // 64 KiB fits the 128 KiB L1 and is warm: every load is exactly 33 SM cycles.
        let m = chase(buffer: 64 << 10)
        #expect(m["gpu.chase.l1.fraction"] == 1)
        #expect(abs(m["gpu.chase.latency.cycles"]! - parameters["gpu.l1HitLatency"]) < 1e-6)
        #expect(abs(m["gpu.chase.latency.mean"]! - 33 / smHz * 1e9) < 0.001)
    }

    @Test func anL1MissThatHitsTheL2CostsTheLookupTheTransferAndTheL2Latency() {
        // A 1 KiB L1 holds nothing of a 1 MiB buffer, which the L2 and the L1 TLB (2 MiB reach) hold.
        let m = chase(buffer: 1 << 20) { $0.set("gpu.l1Size", 1_024) }
        #expect(m["gpu.chase.l2.fraction"]! > 0.99)
        #expect(m["gpu.chase.l1_tlb_miss.fraction"] == 0)
        // Hand-worked: 33 cycles of lookup, 128 B over 1,536 B per cycle (< 1 cycle, rounded to
        // the edge the next load waits for), then the 100 ns L2 hit latency.
        let expected = 33 + 128.0 / 1_536 + parameters["gpu.l2HitLatency"] * smHz
        let cycles = m["gpu.chase.latency.cycles"]!
        #expect(cycles >= expected - 0.01 && cycles <= expected + 1.01, "\(cycles) cycles, expected \(expected) + up to one edge")
    }

    @Test func pagesBeyondTheL1TLBReachAddTheL2TLBLatency() {
        // 8 MiB of 64 KiB pages against a 32-entry L1 TLB (2 MiB): about 3 loads in 4 miss it.
        let near = chase(buffer: 1 << 20) { $0.set("gpu.l1Size", 1_024) }
        let far = chase(buffer: 8 << 20) { $0.set("gpu.l1Size", 1_024) }
        let missFraction = far["gpu.chase.l1_tlb_miss.fraction"]!
        #expect(abs(missFraction - 0.75) < 0.05)
        #expect(far["gpu.chase.l2_tlb_miss.fraction"] == 0)
        let added = far["gpu.chase.latency.cycles"]! - near["gpu.chase.latency.cycles"]!
        #expect(abs(added - missFraction * parameters["gpu.tlb.l2Latency"]) < 3, "added \(added) cycles for \(missFraction) misses")
    }

    @Test func aMissInBothTLBsAddsThePageWalk() {
        let base = chase(buffer: 8 << 20) { $0.set("gpu.l1Size", 1_024) }
        // A 4-entry L2 TLB cannot hold the buffer's 128 pages.
        let walked = chase(buffer: 8 << 20) {
            $0.set("gpu.l1Size", 1_024)
            $0.set("gpu.tlb.l2Entries", 4)
        }
        let walks = walked["gpu.chase.l2_tlb_miss.fraction"]!
        #expect(walks > 0.7)
        let addedNs = walked["gpu.chase.latency.mean"]! - base["gpu.chase.latency.mean"]!
        let expectedNs = walks * parameters["gpu.tlb.walkLatency"] * 1e9
        #expect(abs(addedNs - expectedNs) < 0.05 * expectedNs, "added \(addedNs) ns, expected \(expectedNs)")
    }

    @Test func aBufferBeyondTheL2GoesToDRAMAcrossTheLink() {
        let l2 = chase(buffer: 8 << 20)
        let dram = chase(buffer: 1 << 30)
        #expect(dram["gpu.chase.dram.fraction"]! > 0.9)
        // The DRAM round trip crosses the fabric and NVLink-C2C twice and waits on a row miss.
        #expect(dram["gpu.chase.latency.mean"]! > l2["gpu.chase.latency.mean"]! + 2 * parameters["gpu.fabricLatency"] * 1e9)
        #expect(dram["memory.bandwidth"]! > 0)
    }

    @Test func latencyFollowsTheSMClockForTheSMsOwnStructures() {
        // Halving the SM clock doubles an L1 hit in time, not in cycles.
        let fast = chase(buffer: 64 << 10)
        let slow = chase(buffer: 64 << 10) { $0.set("gpu.smClock", 1_209e6) }
        #expect(abs(slow["gpu.chase.latency.mean"]! - 2 * fast["gpu.chase.latency.mean"]!) < 0.01)
        #expect(abs(slow["gpu.chase.latency.cycles"]! - fast["gpu.chase.latency.cycles"]!) < 1e-6)
    }
}

import Testing
import TwinCore
import TwinModels

@Suite struct GEMMTests {
    let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    func kernelTimeMicroseconds(_ phase: GEMMPhase, on config: MachineConfig? = nil) -> Double {
        let config = config ?? self.config
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 1, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 10_000_000)
        var machine = Simulation(config: config, workload: [.gemm(phase)], settings: settings)
        let reason = machine.run(until: SimTime.zero + settings.duration)
        #expect(reason == .idle)
        machine.finish()
        return machine.metrics.first { $0.name == "gpu.gemm.kernel_time.mean" }!.value
    }

    @Test func occupancyIsSetByTheScarcestResource() {
        // 3 stages × (128 + 128) × 64 × 2 B = 96 KiB of shared memory: one CTA per 100 KiB SM.
        let big = GEMMKernel(GEMMPhase(m: 4096, n: 4096, k: 4096, precision: .bf16), on: config.compute)
        #expect(big.sharedMemoryPerCTA == 98_304)
        #expect(big.ctasPerSM == 1)
        #expect(big.occupancyLimit == "shared memory")
        // 64 × 64 tiles of 128 threads: 64 registers per thread (32 accumulators + 32), 24 KiB in
        // three stages; 1,536 threads per SM allow 12 CTAs, registers 8, shared memory 4.
        let small = GEMMKernel(GEMMPhase(m: 4096, n: 4096, k: 4096, precision: .bf16, tileM: 64, tileN: 64, tileK: 32,
                                         stages: 3, threadsPerCTA: 128), on: config.compute)
        #expect(small.registersPerThread == 64)
        #expect(small.ctasPerSM == 4)
        #expect(small.occupancyLimit == "shared memory")
        // A CTA larger than an SM cannot run, and says why.
        let huge = GEMMKernel(GEMMPhase(m: 4096, n: 4096, k: 4096, precision: .bf16, tileM: 256, tileN: 256, tileK: 64), on: config.compute)
        #expect(huge.ctasPerSM == 0)
        #expect(huge.unrunnableReason?.contains("shared memory") == true)
    }

    @Test func oneCTAMoreThanAFullWaveTakesASecondWave() {
        // 128 × 128 tiles, one CTA per SM: 6 × 8 = 48 CTAs fill the 48 SMs once; of 7 × 7 = 49 the
        // last waits for a free SM. The math is slowed four-fold so that memory never binds and
        // every CTA takes the same time.
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("gpu.mmaEfficiency", 0.25)
        let slowMath = MachineConfig(values)
        func time(_ blocksM: UInt64, _ blocksN: UInt64) -> Double {
            kernelTimeMicroseconds(GEMMPhase(m: 128 * blocksM, n: 128 * blocksN, k: 1_024, precision: .bf16, launchOverhead: .zero),
                                   on: slowMath)
        }
        let fullWave = time(6, 8)
        let ratio = time(7, 7) / fullWave
        #expect(ratio > 1.8 && ratio < 2.1, "49 CTAs took \(ratio)× the time of 48")
        // A half-full wave takes about as long as a full one: the SMs work in parallel.
        let half = time(4, 6) / fullWave
        #expect(half > 0.9 && half < 1.02, "24 CTAs took \(half)× the time of 48")
    }

    @Test func computeBoundStepsCostTheirTensorCycles() {
        // One CTA, K = 64 × 256 steps: the time approaches steps × cycles per step at the SM clock.
        let phase = GEMMPhase(m: 128, n: 128, k: 64 * 256, precision: .bf16, launchOverhead: .zero)
        let kernel = GEMMKernel(phase, on: config.compute)
        let expected = Double(kernel.steps * kernel.cyclesPerStep) / Double(config.gpu.smClockHz) * 1e6
        let simulated = kernelTimeMicroseconds(phase)
        #expect(simulated >= expected)
        #expect(simulated < expected * 1.02, "pipeline fill and the epilogue take more than 2 %")
        // 2:4 sparsity halves the tensor cycles of a step.
        let sparse = GEMMKernel(GEMMPhase(m: 128, n: 128, k: 64, precision: .fp8, sparse: true), on: config.compute)
        let dense = GEMMKernel(GEMMPhase(m: 128, n: 128, k: 64, precision: .fp8), on: config.compute)
        #expect(sparse.cyclesPerStep * 2 == dense.cyclesPerStep)
    }

    @Test func rasterizationWalksGroupsOfRowBlocks() {
        let kernel = GEMMKernel(GEMMPhase(m: 128 * 10, n: 128 * 3, k: 64, precision: .bf16, rasterGroup: 4), on: config.compute)
        let order = (0..<kernel.ctas).map { kernel.tile(ofCTA: $0) }
        // Group of rows 0–3 column by column, then rows 4–7, then the short group of rows 8–9.
        #expect(order.prefix(5).map(\.mBlock) == [0, 1, 2, 3, 0])
        #expect(order.prefix(5).map(\.nBlock) == [0, 0, 0, 0, 1])
        #expect(order[24].mBlock == 8 && order[25].mBlock == 9 && order[26].nBlock == 1)
        #expect(Set(order.map { "\($0.mBlock),\($0.nBlock)" }).count == 30)
    }
}

@Suite struct GEMMLaunchTests {
    let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    func metrics(_ phase: GEMMPhase) -> [String: Double] {
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 1, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 10_000_000)
        var machine = Simulation(config: config, workload: [.gemm(phase)], settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    @Test func aSlowCallerSetsThePaceOfSmallKernels() {
        // Eight tiny kernels, each a few µs, enqueued 20 µs apart: the phase takes
        // 7 × 20 µs + one launch + one kernel, so ~20 µs per kernel.
        let tiny = GEMMPhase(m: 256, n: 256, k: 256, precision: .bf16, count: 8,
                             launchOverhead: SimDuration(seconds: 2e-6), hostInterval: SimDuration(seconds: 20e-6))
        let perKernel = metrics(tiny)["gpu.gemm.kernel_time.mean"]!
        #expect(perKernel > 17.5 && perKernel < 20, "\(perKernel) us per kernel")
        // With no host cost the kernels follow one another: each takes its launch and its run.
        var eager = tiny
        eager.hostInterval = .zero
        #expect(metrics(eager)["gpu.gemm.kernel_time.mean"]! < 8)
    }

    @Test func clusterMulticastSharesTheL2Bandwidth() {
        // A machine whose L2 is slow enough to bind: a 2 × 1 cluster reads each B slice once for
        // two CTAs, so less time goes to the L2 while the hits and misses stay the same.
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("gpu.l2BytesPerCycle", 64)
        let slowL2 = MachineConfig(values)
        func run(_ phase: GEMMPhase) -> [String: Double] {
            let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 1, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 10_000_000)
            var machine = Simulation(config: slowL2, workload: [.gemm(phase)], settings: settings)
            _ = machine.run(until: SimTime.zero + settings.duration)
            machine.finish()
            return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
        }
        let alone = run(GEMMPhase(m: 1_024, n: 1_024, k: 1_024, precision: .bf16, launchOverhead: .zero))
        let paired = run(GEMMPhase(m: 1_024, n: 1_024, k: 1_024, precision: .bf16, clusterM: 2, launchOverhead: .zero))
        #expect(paired["gpu.gemm.throughput"]! > alone["gpu.gemm.throughput"]! * 1.2)
        #expect(paired["gpu.l2.misses"] == alone["gpu.l2.misses"])
    }
}

@Suite struct PassAndCopyTests {
    func metrics(_ phases: [WorkloadPhase], preset: String = "dgx-spark") -> [String: Double] {
        let config = MachineConfig(MachineParameters.values(preset: preset)!)
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 1, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 10_000_000)
        var machine = Simulation(config: config, workload: phases, settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    @Test func laterPassesOverABufferThatFitsTheL2HitIt() {
        let oneMiB: UInt64 = 1 << 20
        let once = metrics([.streamRead(StreamReadPhase(bufferBytes: oneMiB, totalBytes: oneMiB, pattern: .sequential))])
        let four = metrics([.streamRead(StreamReadPhase(bufferBytes: oneMiB, totalBytes: oneMiB, pattern: .sequential, count: 4))])
        #expect(once["gpu.l2.hit_rate"] == 0)
        #expect(four["gpu.l2.hit_rate"] == 0.75)
        #expect(four["gpu.read.bytes"] == Double(4 * oneMiB))
        // A caller slower than the passes sets the pace: 4 passes enqueued 100 µs apart.
        let paced = metrics([.streamRead(StreamReadPhase(bufferBytes: oneMiB, totalBytes: oneMiB, pattern: .sequential, count: 4,
                                                         hostInterval: SimDuration(seconds: 100e-6)))])
        let seconds = Double(4 * oneMiB) / (paced["gpu.read.bandwidth"]! * 1e9)
        #expect(seconds > 300e-6 && seconds < 310e-6, "\(seconds) s for four paced passes")
    }

    @Test func aCopyCostsItsOverheadThenItsPackets() {
        let copy = CopyPhase(direction: .hostToDevice, bytes: 1 << 20, count: 2, overhead: SimDuration(seconds: 10e-6))
        let result = metrics([.copy(copy)], preset: "h100-sxm")
        // 10 µs, then 1 MiB at 256/280 × 63 GB/s (18.2 µs), then the 1 µs link latency, twice.
        let expected = 10 + Double(1 << 20) / (63e9 * 256 / 280) * 1e6 + 1
        #expect(abs(result["copy.time.mean"]! - expected) < 0.01, "\(result["copy.time.mean"]!) us per copy")
    }
}

extension PassAndCopyTests {
    @Test func aCopyThatFitsTheL2StaysThereAndALargeOneReachesDRAM() {
        let small: UInt64 = 1 << 20, large: UInt64 = 64 << 20
        let inL2 = metrics([.streamRead(StreamReadPhase(bufferBytes: small, totalBytes: small, pattern: .sequential, copy: true))])
        #expect(inL2["memory.write.bytes"] == 0)
        #expect(inL2["gpu.copy.bandwidth"]! > 0)
        // 64 MiB of destination through a 24 MiB L2 that holds the latest lines touched, source
        // and destination alike: about 12 MiB of destination is still dirty in the L2 at the end;
        // the rest was evicted and written back.
        let spilled = metrics([.streamRead(StreamReadPhase(bufferBytes: large, totalBytes: large, pattern: .sequential, copy: true))])
        let written = spilled["memory.write.bytes"]!
        #expect(written > Double(large) - Double(14 << 20) && written < Double(large) - Double(10 << 20), "\(written) B written back")
    }
}

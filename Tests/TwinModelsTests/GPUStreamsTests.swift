import Testing
import TwinCore
import TwinModels

/// Kernels of two GPU streams at once: their CTAs share the SMs under the occupancy rules, and
/// their traffic shares the L2, C2C and DRAM.
@Suite struct GPUStreamsTests {
    static let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 5, samplePeriod: SimDuration(seconds: 2e-6),
                                      eventBudget: 200_000_000)
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    struct Outcome {
        var metrics: [String: Double]
        var readsInFlight: [Double]
        var sampleTimesPs: [UInt64]
    }

    func run(_ phases: [WorkloadPhase], together: Bool) -> Outcome {
        var machine = Simulation(config: Self.spark, program: Program(phases: phases, steps: together ? [0..<phases.count] : nil),
                              settings: Self.settings)
        #expect(machine.run(until: .zero + Self.settings.duration) == .idle)
        machine.finish()
        return Outcome(metrics: Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) }),
                       readsInFlight: machine.series.first { $0.name == "gpu.reads_in_flight" }!.values,
                       sampleTimesPs: machine.sampleTimes)
    }

    /// The occupancy rules applied to the sum of two kernels' CTAs: on GB10 a read CTA (256
    /// threads × 32 registers) fits 6 to an empty SM (threads bind), 5 beside a default bf16
    /// GEMM CTA (256 threads, 96 KiB of shared memory), none once the SM's threads are taken.
    @Test func readCTAsFitBesideAGEMMCTAAsTheSMsResourcesAllow() {
        let compute = Self.spark.compute
        let read = Self.spark.gpu.ctaFootprint
        #expect(read.ctasPerSM(on: compute).count == 6)
        #expect(read.ctasPerSM(on: compute).limit == "threads")
        let gemm = GEMMKernel(GEMMPhase(m: 1024, n: 1024, k: 1024, precision: .bf16), on: compute)
        #expect(gemm.ctasPerSM == 1 && gemm.occupancyLimit == "shared memory")
        var occupancy = SMOccupancy(compute)
        occupancy.place(gemm.footprint, on: 0)
        var placed = 0
        while occupancy.fits(read, on: 0) {
            occupancy.place(read, on: 0)
            placed += 1
        }
        #expect(placed == 5)
        #expect(!occupancy.fits(gemm.footprint, on: 0), "the SM's threads are all taken")
        occupancy.release(read, on: 0)
        #expect(!occupancy.fits(gemm.footprint, on: 0), "one shared-memory-heavy GEMM CTA per SM")
        #expect(occupancy.fits(read, on: 1) && !occupancy.isEmpty)
    }

    /// A small GEMM (64 CTAs on 48 SMs) started before a memory-bound read: the read's CTAs take
    /// what the GEMM leaves (5 of 6 per SM while a GEMM CTA is there), so it has fewer reads in
    /// flight, it shares the L2 and DRAM with the GEMM's operand loads, and it finishes later
    /// than alone; the GEMM is slowed too. Both do all their work.
    @Test func aSmallGEMMAndAReadOnTwoStreamsShareTheSMs() {
        let gemm = WorkloadPhase.gemm(GEMMPhase(m: 1024, n: 1024, k: 16_384, precision: .bf16, launchOverhead: .zero))
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 32 << 20, pattern: .sequential,
                                                            launchOverhead: SimDuration(seconds: 1e-6)))
        let gemmAlone = run([gemm], together: false)
        let readAlone = run([read], together: false)
        let both = run([gemm, read], together: true)
        let limit = Double(Self.spark.gpu.readsInFlightLimit)
        #expect(readAlone.readsInFlight.max() == limit)
        // While the first wave of GEMM CTAs holds every SM, the read has 5 × 48 of its 6 × 48 CTAs.
        let overlap = zip(both.sampleTimesPs, both.readsInFlight).filter { $0.0 > 2_000_000 && $0.0 < 20_000_000 }.map(\.1)
        #expect(!overlap.isEmpty && overlap.allSatisfy { $0 <= limit * 5 / 6 }, "reads in flight beside the GEMM: \(overlap)")
        #expect(both.metrics["gpu.read.bytes"] == Double(32 << 20))
        #expect(both.metrics["gpu.gemm.kernels"] == 1)
        let readTogether = both.metrics["gpu.read.bandwidth"]!, readOnItsOwn = readAlone.metrics["gpu.read.bandwidth"]!
        #expect(readTogether < 0.95 * readOnItsOwn, "read \(readTogether) GB/s beside the GEMM, \(readOnItsOwn) alone")
        let gemmTogether = both.metrics["gpu.gemm.throughput"]!, gemmOnItsOwn = gemmAlone.metrics["gpu.gemm.throughput"]!
        #expect(gemmTogether < gemmOnItsOwn, "gemm \(gemmTogether) TFLOPS beside the read, \(gemmOnItsOwn) alone")
        // The run lasts at least as long as the longer of the two alone.
        #expect(both.metrics["sim.time"]! >= max(gemmAlone.metrics["sim.time"]!, readAlone.metrics["sim.time"]!))
    }

    /// A read started first takes every SM's threads (6 CTAs × 256 of 1,536), so the GEMM's CTAs
    /// wait for the read's CTAs to leave: streams overlap only where the occupancy rules leave
    /// room, here at the read's end, as its CTAs finish their shares.
    @Test func aReadThatFillsTheSMsMakesTheGEMMWait() {
        let gemm = WorkloadPhase.gemm(GEMMPhase(m: 1024, n: 1024, k: 1024, precision: .bf16))
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 8 << 20, pattern: .sequential))
        let gemmAlone = run([gemm], together: false)
        let readAlone = run([read], together: false)
        let both = run([read, gemm], together: true)
        #expect(both.metrics["gpu.read.bytes"] == Double(8 << 20) && both.metrics["gpu.gemm.kernels"] == 1)
        // The GEMM's CTAs ran once the read's had left (its launch overhead had passed by then):
        // the run lasts nearly the two back to back, not the longer of them.
        let gemmExecution = gemmAlone.metrics["sim.time"]! - Self.spark.compute.launchOverhead.seconds
        #expect(both.metrics["sim.time"]! > readAlone.metrics["sim.time"]! + 0.8 * gemmExecution,
                "together \(both.metrics["sim.time"]!) s, read alone \(readAlone.metrics["sim.time"]!) s, GEMM \(gemmExecution) s")
    }

    /// A GPU pointer chase beside a streaming read: the latency under load. Its loads queue
    /// behind the read's at C2C and the channels, so each takes longer than on an idle GPU,
    /// and the chase's buffer, laid out after the read's, stays its own.
    @Test func aChaseBesideAReadTimesTheLatencyUnderLoad() {
        let chase = WorkloadPhase.gpuChase(bufferBytes: 1 << 30, steps: 2_000)
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 512 << 20, pattern: .sequential))
        let idle = run([chase], together: false).metrics
        let loaded = run([read, chase], together: true).metrics
        #expect(loaded["gpu.chase.loads"] == 2_000 && loaded["gpu.read.bytes"] == Double(512 << 20))
        let idleNs = idle["gpu.chase.latency.mean"]!, loadedNs = loaded["gpu.chase.latency.mean"]!
        // Measured 701 → 726 ns: the read keeps DRAM ~88 % busy, so the queues a load meets are short.
        #expect(loadedNs > 1.02 * idleNs, "chase latency \(loadedNs) ns beside the read, \(idleNs) ns alone")
        #expect(loaded["gpu.chase.dram.fraction"]! > 0.9, "the chase's lines are not the read's")
    }
}

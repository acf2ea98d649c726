import TwinCore

/// What the SMs can do, per SM and per SM clock cycle, and what one SM can hold.
public struct GPUComputeConfig: Sendable, Equatable {
    public var sms: Int
    /// Dense tensor-core FLOP per SM per cycle for fp4, fp8, fp16, bf16 (fp32 uses the SIMT lanes).
    public var tensorFlopsPerCycle: [Precision: Double]
    public var fp32FlopsPerCycle: Double
    public var sparseSpeedup: Double
    /// Fraction of the tensor issue rate a GEMM main loop sustains (operand fetch from shared
    /// memory, address arithmetic and barriers take the rest).
    public var mmaEfficiency: Double
    public var maxThreadsPerSM: UInt64
    public var registersPerSM: UInt64
    public var sharedMemoryPerSM: UInt64
    public var sharedMemoryPerCTA: UInt64
    public var maxCTAsPerSM: UInt64
    public var l2: SetAssociativeCache.Config
    /// Bytes the L2 delivers per L2 clock cycle (the SM clock unless `l2ClockHz` is set), all slices together.
    public var l2BytesPerCycle: Double
    /// The L2's own clock, or nil when it runs on the SM clock.
    public var l2ClockHz: Double?

    /// Picoseconds one byte takes on the L2's data path when the SMs run at `smHz`.
    public func l2PicosecondsPerByte(smHz: Double) -> Double {
        1e12 / (l2BytesPerCycle * (l2ClockHz ?? smHz))
    }
    public var l2HitLatency: SimDuration
    public var launchOverhead: SimDuration
    /// Time between two CTA placements of the work distributor, all kernels together.
    public var ctaDispatchInterval: SimDuration
    /// Time from a kernel's last CTA exiting to its completion.
    public var kernelTeardown: SimDuration
    /// Whether the GPU's DRAM traffic crosses NVLink-C2C (GB10) or reaches local memory (H100).
    public var memoryOverC2C: Bool
    /// The clock the datasheet's peak rates are quoted at (`gpu.specClock`).
    public var specClockHz: Double

    public init(_ p: ParameterValues) {
        sms = Int(p["gpu.sms"])
        tensorFlopsPerCycle = [
            .fp4: p["gpu.tensorFlopsPerCycle.fp4"], .fp8: p["gpu.tensorFlopsPerCycle.fp8"],
            .fp16: p["gpu.tensorFlopsPerCycle.fp16"], .bf16: p["gpu.tensorFlopsPerCycle.bf16"],
        ]
        fp32FlopsPerCycle = p["gpu.fp32FlopsPerCycle"]
        sparseSpeedup = p["gpu.sparseSpeedup"]
        mmaEfficiency = p["gpu.mmaEfficiency"]
        maxThreadsPerSM = UInt64(p["gpu.maxThreadsPerSM"])
        registersPerSM = UInt64(p["gpu.registersPerSM"])
        sharedMemoryPerSM = UInt64(p["gpu.sharedMemoryPerSM"])
        sharedMemoryPerCTA = UInt64(p["gpu.sharedMemoryPerCTA"])
        maxCTAsPerSM = UInt64(p["gpu.maxCTAsPerSM"])
        l2 = SetAssociativeCache.Config(capacityBytes: UInt64(p["gpu.l2Size"]), lineBytes: UInt64(p["gpu.lineSize"]), ways: Int(p["gpu.l2Ways"]))
        l2BytesPerCycle = p["gpu.l2BytesPerCycle"]
        l2ClockHz = p["gpu.l2Clock"] > 0 ? p["gpu.l2Clock"] : nil
        l2HitLatency = SimDuration(seconds: p["gpu.l2HitLatency"])
        launchOverhead = SimDuration(seconds: p["gpu.launchOverhead"])
        ctaDispatchInterval = SimDuration(seconds: p["gpu.ctaDispatchInterval"])
        kernelTeardown = SimDuration(seconds: p["gpu.kernelTeardown"])
        memoryOverC2C = p["gpu.memoryOverC2C"] != 0
        specClockHz = p["gpu.specClock"]
    }

    /// The datasheet's peak rate of a precision, FLOP/s: every SM at full issue rate at the spec clock.
    public func specFlopsPerSecond(_ precision: Precision, sparse: Bool) -> Double {
        Double(sms) * peakFlopsPerCycle(precision, sparse: sparse) * specClockHz
    }

    /// FLOP per SM per cycle at full issue rate for a precision.
    public func peakFlopsPerCycle(_ precision: Precision, sparse: Bool) -> Double {
        let dense = precision == .fp32 ? fp32FlopsPerCycle : tensorFlopsPerCycle[precision] ?? 0
        return sparse ? dense * sparseSpeedup : dense
    }
}

/// A GEMM phase laid out on the machine: grid, per-CTA resources, occupancy and per-step cost.
public struct GEMMKernel: Sendable, Equatable {
    public let phase: GEMMPhase
    public let gridM: UInt64
    public let gridN: UInt64
    public let steps: UInt64
    public let sharedMemoryPerCTA: UInt64
    public let registersPerThread: UInt64
    /// What one CTA holds on its SM.
    public let footprint: CTAFootprint
    /// CTAs one SM holds at once when the kernel runs alone, and which resource sets the limit.
    public let ctasPerSM: UInt64
    public let occupancyLimit: String
    /// SM cycles of tensor (or SIMT) work for one K step of one CTA.
    public let cyclesPerStep: UInt64

    public init(_ phase: GEMMPhase, on gpu: GPUComputeConfig) {
        self.phase = phase
        gridM = (phase.m + phase.tileM - 1) / phase.tileM
        gridN = (phase.n + phase.tileN - 1) / phase.tileN
        steps = (phase.k + phase.tileK - 1) / phase.tileK
        // A and B slices of every stage live in shared memory.
        sharedMemoryPerCTA = phase.stages * (phase.tileM + phase.tileN) * phase.tileK * phase.precision.elementBits / 8
        // One fp32 accumulator register per output element per thread, plus addressing and fragments.
        registersPerThread = min(255, (phase.tileM * phase.tileN + phase.threadsPerCTA - 1) / phase.threadsPerCTA + 32)
        footprint = CTAFootprint(threads: phase.threadsPerCTA, registersPerThread: registersPerThread, sharedMemoryBytes: sharedMemoryPerCTA)
        (ctasPerSM, occupancyLimit) = footprint.ctasPerSM(on: gpu)
        let flops = 2 * Double(phase.tileM * phase.tileN * phase.tileK)
        let rate = gpu.peakFlopsPerCycle(phase.precision, sparse: phase.sparse) * gpu.mmaEfficiency * phase.mathEfficiency
        cyclesPerStep = rate > 0 ? max(1, UInt64((flops / rate).rounded(.up))) : .max
    }

    /// Bytes of A and B, laid out from the kernel's base address: B starts on the page after A.
    public var bOffset: UInt64 { (phase.m * phase.k * phase.precision.elementBits / 8 + 4095) / 4096 * 4096 }
    public var operandBytes: UInt64 { bOffset + phase.n * phase.k * phase.precision.elementBits / 8 }

    /// CTAs of the whole grid.
    public var gridCTAs: UInt64 { gridM * gridN }
    /// CTAs that run: the grid, or its first `ctaLimit` CTAs (fast mode's sampled kernels).
    public var ctas: UInt64 { min(gridCTAs, phase.ctaLimit ?? .max) }

    /// CTAs of one raster group: the period of the kernel's operand reuse (a group reads its
    /// rows of A once and walks all of B).
    public var rasterPeriodCTAs: UInt64 { min(max(1, phase.rasterGroup), gridM) * gridN }

    /// Why the kernel cannot run on this GPU, or nil if it can.
    public var unrunnableReason: String? {
        if ctasPerSM == 0 {
            return "one CTA needs more \(occupancyLimit) than an SM has (\(sharedMemoryPerCTA) B shared memory, \(phase.threadsPerCTA) threads × \(registersPerThread) registers)"
        }
        if cyclesPerStep == .max { return "the GPU has no \(phase.precision.rawValue) throughput" }
        return nil
    }

    /// Output tile (row block, column block) of the CTA launched `index`-th, after rasterization:
    /// groups of `rasterGroup` row blocks are walked column by column.
    public func tile(ofCTA index: UInt64) -> (mBlock: UInt64, nBlock: UInt64) {
        let group = max(1, phase.rasterGroup)
        let perGroup = group * gridN
        let groupIndex = index / perGroup
        let firstRow = groupIndex * group
        let rowsInGroup = min(group, gridM - firstRow)
        let within = index % perGroup
        return (firstRow + within % rowsInGroup, within / rowsInGroup)
    }
}

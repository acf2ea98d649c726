import TwinCore

extension Machine {
    /// Scalar metrics of the run so far, in a stable order (their declarations'). Names are
    /// part of the interface.
    public var metrics: [MetricValue] {
        Self.metrics(of: runTotals) + addedKernelMetrics + program.stepMetrics(stepWork, fidelity: .detailed)
    }

    /// What the run has done so far, from the components' stats, as the metrics read it.
    var runTotals: RunTotals {
        var t = RunTotals(config: config, fidelity: .detailed, power: power, workload: phases)
        t.elapsedPs = now.picoseconds
        t.events = eventsHandled
        t.smClockHz = Double(gpu.clock.frequencyHz)
        t.readBytes = Double(gpu.stats.bytesReceived)
        t.readPhasePs = stream.phasePs
        t.readLatency = gpu.stats.latency
        t.gpuCopyBytes = stream.copyBytes
        t.gpuCopyPhasePs = stream.copyPhasePs
        t.gemmKernels = gemm.kernelsCompleted
        t.gemmFlops = gemm.flops
        t.gemmPhasePs = gemm.phasePs
        t.tensorBusyCycles = gemm.tensorBusyCycles
        t.workFlops = gemm.ctaFlops
        t.l2 = l2.stats
        t.copyBytes = copy.bytes
        t.copyPhasePs = copy.phasePs
        t.copies = copy.copies
        t.cpuChaseLoads = Double(chaseStats.loads)
        t.cpuChaseLatencyPs = Double(chaseStats.latencyPs)
        t.cpuChaseLoadsByLevel = chaseStats.loadsByLevel
        t.grace = grace.stats
        t.gpuChaseLoads = Double(gpuChaseStats.loads)
        t.gpuChaseLatencyPs = Double(gpuChaseStats.latencyPs)
        t.gpuChaseSMCycles = gpuChaseStats.smCycles
        t.gpuChaseLoadsByLevel = gpuChaseStats.loadsByLevel
        t.gpuChaseL1TLBMisses = gpuChaseStats.l1TLBMisses
        t.gpuChaseL2TLBMisses = gpuChaseStats.l2TLBMisses
        t.memory = path.controller.totalStats
        t.channelBusyCycles = (0..<path.controller.config.channels).map { path.controller.stats(channel: $0).busyCycles }
        t.memoryReadLatency = path.controller.readLatency
        let elapsed = now - .zero
        t.c2cGPUToCPUUtilization = path.c2c.utilization(.gpuToCPU, over: elapsed)
        t.c2cCPUToGPUUtilization = path.c2c.utilization(.cpuToGPU, over: elapsed)
        t.c2cCPUToGPUBytes = path.c2c.stats(.cpuToGPU).payloadBytes
        t.readLoads(times: sampleTimesPs.map { Double($0) * 1e-12 }, series: series)
        return t
    }
}

/// The datasheet's peaks a run's throughputs are set against (`…ratio_to_spec`), as opposed to
/// the best sampling window of the run itself (`….peak`).
public struct SpecPeaks: Sendable, Equatable {
    /// Peak FLOP rate of the run's GEMMs, TFLOPS: every SM at full tensor (or FP32) issue rate
    /// at `gpu.specClock`; with GEMMs of several precisions, the rate that does all their FLOPs
    /// in the time each precision's peak would take. 0 when no GEMM runs.
    public var gemmTFLOPS: Double
    /// Peak DRAM bandwidth, GB/s: the bus width times the data rate (273 GB/s on GB10).
    public var memoryGBps: Double

    public init(config: MachineConfig, workload: [WorkloadPhase]) {
        var flops = 0.0, specSeconds = 0.0
        for case .gemm(let g) in workload {
            let phaseFlops = 2 * Double(g.m) * Double(g.n) * Double(g.k) * Double(g.count)
            let rate = config.compute.specFlopsPerSecond(g.precision, sparse: g.sparse)
            guard rate > 0 else { continue }
            flops += phaseFlops
            specSeconds += phaseFlops / rate
        }
        gemmTFLOPS = specSeconds > 0 ? flops / specSeconds / 1e12 : 0
        memoryGBps = config.memory.peakBandwidthBytesPerSecond / 1e9
    }
}

import TwinCore

extension Machine {
    /// Scalar metrics of the run so far, in a stable order. Names are part of the interface.
    public var metrics: [MetricValue] {
        var out: [MetricValue] = []
        func add(_ name: String, _ value: Double, _ unit: String) {
            out.append(MetricValue(name: name, value: value, unit: unit))
        }
        let elapsed = now - .zero
        let gpuStats = gpu.stats
        add("sim.time", elapsed.seconds, "s")
        add("sim.events", Double(eventsHandled), "count")
        add("gpu.read.bytes", Double(gpuStats.bytesReceived), "B")
        let active = Double(stream.phasePs) * 1e-12
        add("gpu.read.bandwidth", active > 0 ? Double(gpuStats.bytesReceived) / active / 1e9 : 0, "GB/s")
        let gpuCopySeconds = Double(stream.copyPhasePs) * 1e-12
        add("gpu.copy.bandwidth", gpuCopySeconds > 0 ? Double(stream.copyBytes) / gpuCopySeconds / 1e9 : 0, "GB/s")
        add("gpu.read.latency.mean", gpuStats.latency.meanNs, "ns")
        add("gpu.read.latency.p50", gpuStats.latency.quantileNs(0.5), "ns")
        add("gpu.read.latency.p99", gpuStats.latency.quantileNs(0.99), "ns")
        add("gpu.read.latency.max", Double(gpuStats.latency.maxPs) / 1_000, "ns")

        let g = gemm
        add("gpu.sm_clock", Double(gpu.clock.frequencyHz) / 1e6, "MHz")
        add("gpu.gemm.kernels", Double(g.kernelsCompleted), "count")
        let gemmSeconds = Double(g.phasePs) * 1e-12
        add("gpu.gemm.throughput", gemmSeconds > 0 ? g.flops / gemmSeconds / 1e12 : 0, "TFLOPS")
        add("gpu.gemm.kernel_time.mean", g.kernelsCompleted > 0 ? gemmSeconds / Double(g.kernelsCompleted) * 1e6 : 0, "us")
        let smCycles = elapsed.seconds * Double(config.gpu.smClockHz) * Double(config.compute.sms)
        add("gpu.tensor.utilization", smCycles > 0 ? Double(g.tensorBusyCycles) / smCycles : 0, "ratio")
        add("gpu.l2.hit_rate", l2.stats.hitRate, "ratio")
        add("gpu.l2.misses", Double(l2.stats.misses), "count")

        let copySeconds = Double(copy.phasePs) * 1e-12
        add("copy.bandwidth", copySeconds > 0 ? Double(copy.bytes) / copySeconds / 1e9 : 0, "GB/s")
        add("copy.time.mean", copy.copies > 0 ? copySeconds / Double(copy.copies) * 1e6 : 0, "us")

        let c = chaseStats
        add("cpu.chase.loads", Double(c.loads), "count")
        add("cpu.chase.latency.mean", c.loads > 0 ? Double(c.latencyPs) / Double(c.loads) / 1_000 : 0, "ns")
        for level in PointerChase.Level.allCases {
            add("cpu.chase.\(level).fraction", c.loads > 0 ? Double(c.loadsByLevel[level.rawValue]) / Double(c.loads) : 0, "ratio")
        }

        let t = grace.stats
        let threadSeconds = Double(t.phasePs) * 1e-12
        add("cpu.stream.bytes", Double(t.streamBytes), "B")
        let streamSeconds = Double(t.streamPs) * 1e-12
        add("cpu.stream.bandwidth", streamSeconds > 0 ? Double(t.streamBytes) / streamSeconds / 1e9 : 0, "GB/s")
        add("cpu.stream.latency.mean", t.streamLines > 0 ? Double(t.streamLatencyPs) / Double(t.streamLines) / 1_000 : 0, "ns")
        add("cpu.compute.cycles", Double(t.computeCycles), "count")
        add("cpu.threads.time", threadSeconds, "s")

        let gc = gpuChaseStats
        let gpuLoads = Double(gc.loads)
        add("gpu.chase.loads", gpuLoads, "count")
        add("gpu.chase.latency.mean", gc.loads > 0 ? Double(gc.latencyPs) / gpuLoads / 1_000 : 0, "ns")
        add("gpu.chase.latency.cycles", gc.loads > 0 ? gc.smCycles / gpuLoads : 0, "cycles")
        for level in GPUPointerChase.Level.allCases {
            add("gpu.chase.\(level).fraction", gc.loads > 0 ? Double(gc.loadsByLevel[level.rawValue]) / gpuLoads : 0, "ratio")
        }
        add("gpu.chase.l1_tlb_miss.fraction", gc.loads > 0 ? Double(gc.l1TLBMisses) / gpuLoads : 0, "ratio")
        add("gpu.chase.l2_tlb_miss.fraction", gc.loads > 0 ? Double(gc.l2TLBMisses) / gpuLoads : 0, "ratio")

        let m = path.controller.totalStats
        let mc = path.controller.config
        let elapsedCycles = Double(elapsed.picoseconds) * 1e-12 * Double(mc.clockHz)
        add("memory.bandwidth", elapsed.seconds > 0 ? Double(m.bytes + m.writeBytes) / elapsed.seconds / 1e9 : 0, "GB/s")
        add("memory.write.bytes", Double(m.writeBytes), "B")
        add("memory.write.drains", Double(m.writeDrains), "count")
        add("memory.peak_bandwidth", mc.peakBandwidthBytesPerSecond / 1e9, "GB/s")
        add("memory.row_hit_rate", m.rowHits + m.rowMisses == 0 ? 0 : Double(m.rowHits) / Double(m.rowHits + m.rowMisses), "ratio")
        let readLatency = path.controller.readLatency
        add("memory.read.latency.mean", readLatency.meanNs, "ns")
        add("memory.read.latency.p50", readLatency.quantileNs(0.5), "ns")
        add("memory.read.latency.p99", readLatency.quantileNs(0.99), "ns")
        var utilizations: [Double] = []
        for c in 0..<mc.channels {
            let busy = Double(path.controller.stats(channel: c).busyCycles)
            utilizations.append(elapsedCycles > 0 ? min(1, busy / elapsedCycles) : 0)
        }
        add("memory.channel.utilization.mean", utilizations.reduce(0, +) / Double(max(1, utilizations.count)), "ratio")
        add("memory.channel.utilization.min", utilizations.min() ?? 0, "ratio")
        add("memory.channel.utilization.max", utilizations.max() ?? 0, "ratio")
        for (c, u) in utilizations.enumerated() {
            add("memory.channel.\(c < 10 ? "0" : "")\(c).utilization", u, "ratio")
        }
        add("memory.refresh.overhead",
            elapsedCycles > 0 ? Double(m.refreshCycles) / (elapsedCycles * Double(mc.channels)) : 0, "ratio")
        add("c2c.gpu_to_cpu.utilization", path.c2c.utilization(.gpuToCPU, over: elapsed), "ratio")
        add("c2c.cpu_to_gpu.utilization", path.c2c.utilization(.cpuToGPU, over: elapsed), "ratio")
        add("c2c.cpu_to_gpu.bytes", Double(path.c2c.stats(.cpuToGPU).payloadBytes), "B")

        let times = sampleTimesPs.map { Double($0) * 1e-12 }
        out += Self.loadMetrics(times: times, series: series, power: power, spec: SpecPeaks(config: config, workload: phases))
        out += power.metrics(teraflops: g.ctaFlops / 1e12, gigabytes: Double(gpuStats.bytesReceived) / 1e9)
        out += addedKernelMetrics
        out += program.stepMetrics(stepWork, fidelity: .detailed)
        return out
    }

    /// Load features of the GEMM throughput and of the streamed bandwidth (whichever ran; the
    /// clock and temperature features follow the GEMM if any ran, else the stream).
    static func loadMetrics(times: [Double], series: [SignalSeries], power: PowerSystem, spec: SpecPeaks) -> [MetricValue] {
        func values(_ name: String) -> [Double] { series.first { $0.name == name }!.values }
        let clock = values("clock.gpu"), die = values("temp.gpu_die")
        let applicationMHz = power.config.gpuCeilingHz / 1e6
        let gemm = LoadFeatures(times: times, work: values("gpu.gemm.throughput"), clockMHz: clock, dieC: die)
        let stream = LoadFeatures(times: times, work: values("gpu.read.bandwidth"), clockMHz: clock, dieC: die)
        return gemm.metrics(name: "gpu.gemm.throughput", unit: "TFLOPS", spec: spec.gemmTFLOPS)
            + stream.metrics(name: "gpu.read.bandwidth", unit: "GB/s", spec: spec.memoryGBps)
            + (gemm.peak > 0 ? gemm : stream).loadMetrics(applicationClockMHz: applicationMHz)
    }

    /// The first components of every metric name a node reports (`gpu`, `power`, `step`, …): a
    /// node's name may not be one, so that `spark1.power.package` cannot be mistaken for a
    /// metric of a node's own.
    public static let metricNamespaces: Set<String> = {
        let config = MachineConfig(MachineParameters.values(preset: MachineParameters.presetNames[0])!)
        let names = Fidelity.allCases.flatMap { metricCatalog(config: config, fidelity: $0).map(\.name) } + ["step.01.time"]
        return Set(names.compactMap { $0.split(separator: ".").first.map(String.init) })
    }()

    /// `name` without the node prefix it may have (`spark1.power.package` → `power.package`).
    public static func nodeMetric(_ name: String) -> String {
        guard let dot = name.firstIndex(of: "."), !metricNamespaces.contains(String(name[..<dot])) else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// Names and units of the metrics a machine with this config reports for `program`, for
    /// validating `expect:` entries before a run.
    public static func metricCatalog(config: MachineConfig, program: Program = Program(phases: []),
                                     fidelity: Fidelity = .detailed) -> [(name: String, unit: String)] {
        let settings = RunSettings(duration: SimDuration(picoseconds: 1), seed: 0, samplePeriod: SimDuration(picoseconds: 1), eventBudget: 0)
        let base = fidelity == .fast ? FastMachine(config: config, workload: [], settings: settings).metrics
            : Simulation(config: config, workload: [], settings: settings).metrics
        let added = fidelity == .detailed ? program.addedKernelKinds.flatMap { $0.metrics.map { ($0.name, $0.unit) } } : []
        return base.map { ($0.name, $0.unit) } + added + program.stepMetrics([], fidelity: fidelity).map { ($0.name, $0.unit) }
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

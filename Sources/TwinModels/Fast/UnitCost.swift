import TwinCore

/// What one unit of a phase's work (a kernel, a streaming pass, a copy, a chase) costs at a
/// given clock, measured by running it through the detailed models.
public struct UnitCost: Sendable {
    public var seconds: Double
    /// Tensor-pipe busy SM-cycles.
    public var tensorBusyCycles: Double = 0
    /// DRAM bytes read and written, and bytes across NVLink-C2C.
    public var memoryBytes: Double = 0
    public var c2cBytes: Double = 0
    /// Useful work: GEMM FLOP, and bytes the GPU streamed.
    public var flops: Double = 0
    public var bytesRead: Double = 0
    /// Loads the Grace threads' chase steps timed, and their summed latency, ps.
    public var cpuChaseLoads: Double = 0
    public var cpuChaseLatencyPs: Double = 0
    /// Whether the SMs are busy during the unit (kernels), or only a DMA engine or a core.
    public var gpuBusy: Bool
    /// What a phase of an added kind did, for its metrics (its `phasePs` is fast mode's to fill).
    var kernelTotals: KernelTotals?
    /// What the GPU pointer chase timed in the unit's detailed run.
    var gpuChase = GPUChase()

    /// The GPU chase's loads, their summed latency, ps, and in SM cycles.
    struct GPUChase: Sendable {
        var loads = 0.0
        var latencyPs = 0.0
        var smCycles = 0.0

        /// Adds `fraction` of another unit's.
        mutating func add(_ other: GPUChase, fraction: Double) {
            loads += other.loads * fraction
            latencyPs += other.latencyPs * fraction
            smCycles += other.smCycles * fraction
        }
    }

    /// Linear interpolation: `self` at weight 0, `other` at weight 1.
    func blended(with other: UnitCost, weight w: Double) -> UnitCost {
        func mix(_ a: Double, _ b: Double) -> Double { a + (b - a) * w }
        return UnitCost(seconds: mix(seconds, other.seconds), tensorBusyCycles: mix(tensorBusyCycles, other.tensorBusyCycles),
                        memoryBytes: mix(memoryBytes, other.memoryBytes), c2cBytes: mix(c2cBytes, other.c2cBytes),
                        flops: mix(flops, other.flops), bytesRead: mix(bytesRead, other.bytesRead),
                        cpuChaseLoads: mix(cpuChaseLoads, other.cpuChaseLoads), cpuChaseLatencyPs: mix(cpuChaseLatencyPs, other.cpuChaseLatencyPs),
                        // An added kind's counts are the nearer clock's.
                        gpuBusy: gpuBusy, kernelTotals: w < 0.5 ? kernelTotals : other.kernelTotals,
                        gpuChase: GPUChase(loads: mix(gpuChase.loads, other.gpuChase.loads), latencyPs: mix(gpuChase.latencyPs, other.gpuChase.latencyPs),
                                           smCycles: mix(gpuChase.smCycles, other.gpuChase.smCycles)))
    }
}

/// Measures unit costs with the detailed machine, clocks pinned, and remembers them.
///
/// GPU work is measured on a grid of clocks (every `gridBins` V/f entries below the application
/// clock) and interpolated linearly in the clock period between grid points: a governor that
/// dithers between neighbouring bins then costs two detailed runs, not one per bin. Kernels of
/// more than eight waves are sampled: the first three waves run in detail, and the kernel's time
/// is the first wave plus the measured per-wave time for each further wave (the partial last
/// wave counts whole, as it does on the hardware).
struct UnitCostTable {
    let config: MachineConfig
    let phases: [WorkloadPhase]
    let seed: UInt64
    /// Whether each phase keeps the SMs busy, so that its cost depends on the GPU clock: decided
    /// once, since an added kind's model says it only once built.
    let onGPU: [Bool]
    /// For each phase, the first phase equal to it.
    let sameAs: [Int]
    /// V/f entries between characterised clocks.
    static let gridBins = 8
    static let streamSampleBytes: UInt64 = 64 << 20
    private var measured: [Key: UnitCost] = [:]
    /// Contention factors of a phase run alongside a `cpu` phase, by the partner's index.
    private var contentionFactors: [Int: (partner: Double, cpu: Double)] = [:]
    /// Wall-clock work done here, for the run's report.
    private(set) var detailedRuns = 0
    private(set) var detailedEvents: UInt64 = 0

    struct Key: Hashable {
        /// The first phase of the program equal to the one costed: equal phases cost the same
        /// (an LLM's layers repeat the same kernels), so each is characterised once.
        var phase: Int
        var gpuHz: Double
        /// The phase's first unit, which starts with a cold L2.
        var first: Bool
    }

    init(config: MachineConfig, phases: [WorkloadPhase], seed: UInt64) {
        self.config = config
        self.phases = phases
        self.seed = seed
        var first: [WorkloadPhase: Int] = [:]
        sameAs = phases.indices.map { index in
            if let earlier = first[phases[index]] { return earlier }
            first[phases[index]] = index
            return index
        }
        onGPU = phases.map { phase in
            switch phase {
            case .gemm, .streamRead: true
            case .kernel(let values): values.usesGPU
            case .copy, .cpuThreads, .idle: false
            }
        }
    }

    /// The cost of one unit of phase `index` at the GPU clock `gpuHz`; the phase's first unit
    /// finds the L2 cold, the others find their predecessor's data in it.
    mutating func cost(phase index: Int, gpuHz: Double, first: Bool) -> UnitCost {
        switch onGPU[index] {
        case true:
            let curve = config.power.gpuCurve
            let gridStep = curve.stepHz * Double(Self.gridBins)
            let top = curve.entry(atOrBelow: config.power.gpuApplicationHz)
            let below = max(curve.minHz, top - ((top - gpuHz) / gridStep).rounded(.up) * gridStep)
            let above = min(top, below + gridStep)
            let low = measure(index, gpuHz: below, first: first)
            guard gpuHz > below, above > below else { return low }
            let high = measure(index, gpuHz: above, first: first)
            let weight = (1 / below - 1 / gpuHz) / (1 / below - 1 / above)
            return low.blended(with: high, weight: weight)
        case false:
            return measure(index, gpuHz: 0, first: first)
        }
    }

    /// How much a `cpu` phase and the phase that runs together with it (`together:`) slow each
    /// other, as factors on their times alone: each is the work it did alone over the work it
    /// did together, in the same window of a detailed run (90 % of the shorter one's time alone,
    /// so both run throughout). Work is bytes for the streams and copies, tensor cycles for a
    /// GEMM, loads for a chase, stream bytes for the threads (their compute steps do not
    /// contend). Measured once, at the application clock: the factors are ratios, and the
    /// clock moves both sides' times alike to first order.
    mutating func contention(cpu: Int, partner: Int) -> (partner: Double, cpu: Double) {
        if let known = contentionFactors[partner] { return known }
        var pinned = config
        pinned.power.governorEnabled = false
        guard case .cpuThreads(let given) = phases[cpu] else { preconditionFailure("phase \(cpu) is not a cpu phase") }
        let (threads, _) = Self.sampled(given)
        let sample = Self.contentionSample(phases[partner], on: config)
        let long = RunSettings(duration: SimDuration(seconds: 1e5), seed: seed, samplePeriod: SimDuration(seconds: 1e4),
                               eventBudget: ScenarioDefaults.eventBudget)
        let cpuAlone = run(pinned, [.cpuThreads(threads)], long).now.seconds
        let partnerAlone = run(pinned, [sample], long).now.seconds
        let window = 0.9 * min(cpuAlone, partnerAlone)
        guard window > 0 else { return (1, 1) }
        func work(_ workload: [WorkloadPhase]) -> (partner: Double, cpu: Double) {
            // One step: the phases given run together.
            var simulation = Simulation(config: pinned, program: Program(phases: workload, steps: [0..<workload.count]), settings: long)
            _ = simulation.run(until: .zero + SimDuration(seconds: window))
            detailedRuns += 1
            detailedEvents += simulation.eventsHandled
            let partnerWork = Double(simulation.firstNode.gpu.stats.bytesReceived) + Double(simulation.firstNode.gemm.tensorBusyCycles)
                + Double(simulation.firstNode.copy.bytes) + Double(simulation.firstNode.gpuChaseStats.loads)
                + simulation.firstNode.stepCounters.kernelBytes
            return (partnerWork, Double(simulation.firstNode.grace.stats.streamBytes))
        }
        let alonePartner = work([sample]).partner, aloneCPU = work([.cpuThreads(threads)]).cpu
        let together = work([.cpuThreads(threads), sample])
        func factor(_ alone: Double, _ together: Double) -> Double { alone > 0 && together > 0 ? alone / together : 1 }
        let factors = (partner: factor(alonePartner, together.partner), cpu: factor(aloneCPU, together.cpu))
        contentionFactors[partner] = factors
        return factors
    }

    /// Threads whose programs are long run a shortened copy in detail: every step cut by the one
    /// factor that brings the longest stream to `streamSampleBytes` (compute cycles and chase
    /// steps alike), and the times and bytes measured are scaled back by it. Streams keep their
    /// rate over their length, so the copy costs in proportion.
    static func sampled(_ phase: CPUThreadsPhase) -> (CPUThreadsPhase, scale: Double) {
        let longest = phase.threads.flatMap(\.program).map { step -> UInt64 in
            if case .stream(let bytes) = step { return bytes }
            return 0
        }.max() ?? 0
        guard longest > streamSampleBytes else { return (phase, 1) }
        let fraction = Double(streamSampleBytes) / Double(longest)
        func cut(_ value: UInt64) -> UInt64 { max(1, UInt64((Double(value) * fraction).rounded())) }
        var shortened = phase
        for t in shortened.threads.indices {
            shortened.threads[t].program = shortened.threads[t].program.map { step in
                switch step {
                case .stream(let bytes): .stream(bytes: max(64, cut(bytes)))
                case .compute(let cycles): .compute(cycles: cut(cycles))
                case .chase(let buffer, let steps): .chase(bufferBytes: buffer, steps: cut(steps))
                }
            }
        }
        return (shortened, 1 / fraction)
    }

    /// One unit of a phase, as characterised alone: the first CTA waves of a long GEMM, the
    /// first 64 MiB of a long streaming pass, one copy, without launch and host pacing.
    static func contentionSample(_ phase: WorkloadPhase, on config: MachineConfig) -> WorkloadPhase {
        switch phase {
        case .gemm(var p):
            let kernel = GEMMKernel(p, on: config.compute)
            let wave = UInt64(config.compute.sms) * kernel.ctasPerSM
            if kernel.ctas > 8 * wave { p.ctaLimit = 3 * wave }
            p.count = 1
            p.launchOverhead = .zero
            p.hostInterval = .zero
            return .gemm(p)
        case .streamRead(var p):
            p.totalBytes = min(p.totalBytes, streamSampleBytes)
            p.count = 1
            p.launchOverhead = .zero
            p.hostInterval = .zero
            p.passOverhead = .zero
            return .streamRead(p)
        case .copy(var p):
            p.count = 1
            return .copy(p)
        default:
            return phase
        }
    }

    /// Seconds of one warm unit of a phase at the highest clock measured so far, nil if none
    /// is; it measures nothing, so asking never changes a run.
    func knownUnitSeconds(phase index: Int) -> Double? {
        measured.filter { $0.key.phase == sameAs[index] && !$0.key.first }.max { $0.key.gpuHz < $1.key.gpuHz }?.value.seconds
    }

    private mutating func measure(_ index: Int, gpuHz: Double, first: Bool) -> UnitCost {
        let key = Key(phase: sameAs[index], gpuHz: gpuHz, first: first)
        if let known = measured[key] { return known }
        let (cold, warm) = characterise(sameAs[index], gpuHz: gpuHz)
        measured[Key(phase: sameAs[index], gpuHz: gpuHz, first: true)] = cold
        measured[Key(phase: sameAs[index], gpuHz: gpuHz, first: false)] = warm
        return first ? cold : warm
    }

    /// One detailed run of two units with the clock pinned at `gpuHz`: the first (cold) and the
    /// second (warm) unit's costs.
    private mutating func characterise(_ index: Int, gpuHz: Double) -> (cold: UnitCost, warm: UnitCost) {
        var pinned = config
        if gpuHz > 0 {
            pinned.gpu.smClockHz = UInt64(gpuHz.rounded())
            pinned.power.gpuApplicationHz = gpuHz
            pinned.power.gpuCurve.anchorHz = gpuHz
        }
        pinned.power.governorEnabled = false
        let settings = RunSettings(duration: SimDuration(seconds: 1e5), seed: seed,
                                   samplePeriod: SimDuration(seconds: 1e4), eventBudget: ScenarioDefaults.eventBudget)
        switch phases[index] {
        case .gemm(var phase):
            // Two kernels back to back: the first finds the L2 cold, the second warm.
            let kernel = GEMMKernel(phase, on: config.compute)
            let wave = UInt64(config.compute.sms) * kernel.ctasPerSM
            let sampled = kernel.ctas > 8 * wave
            phase.count = 2
            phase.launchOverhead = .zero
            phase.hostInterval = .zero
            if sampled { phase.ctaLimit = 3 * wave }
            // A sampled kernel's data outgrow the L2 many times over: cold and warm are alike,
            // and one run of its first waves serves both.
            if sampled { phase.count = 1 }
            let marks = run(pinned, [.gemm(phase)], settings).firstNode.unitMarks
            let cold = kernelCost(marks, 0, kernel: kernel, wave: wave, sampled: sampled)
            return (cold, sampled ? cold : kernelCost(marks, 1, kernel: kernel, wave: wave, sampled: sampled))
        case .streamRead(var phase):
            let bytes = phase.totalBytes
            phase.totalBytes = min(bytes, Self.streamSampleBytes)
            phase.count = 2
            phase.launchOverhead = .zero
            phase.hostInterval = .zero
            phase.passOverhead = .zero  // the fast machine waits it out between passes
            let marks = run(pinned, [.streamRead(phase)], settings).firstNode.unitMarks
            let scale = Double(bytes) / Double(phase.totalBytes)
            func scaled(_ unit: Int) -> UnitCost {
                var cost = unitCost(marks, unit)
                cost.seconds *= scale
                cost.memoryBytes *= scale
                cost.c2cBytes *= scale
                cost.bytesRead = Double(bytes)
                return cost
            }
            return (scaled(0), scaled(1))
        case .copy(var phase):
            phase.count = 1
            let cost = counters(run(pinned, [.copy(phase)], settings), gpuBusy: false)
            return (cost, cost)
        case .cpuThreads:
            // CPU work, whole, at the preset clocks: the GPU clock does not touch it. Threads run
            // alone here; `contention` measures what a phase alongside them costs.
            var phase = phases[index]
            var scale = 1.0
            if case .cpuThreads(var threads) = phase {
                (threads, scale) = Self.sampled(threads)
                phase = .cpuThreads(threads)
            }
            var cost = counters(run(pinned, [phase], settings), gpuBusy: false)
            cost.seconds *= scale
            cost.memoryBytes *= scale
            cost.c2cBytes *= scale
            cost.cpuChaseLoads *= scale
            cost.cpuChaseLatencyPs *= scale
            return (cost, cost)
        case .idle(let span):
            let cost = UnitCost(seconds: span.seconds, gpuBusy: false)
            return (cost, cost)
        case .kernel(let values):
            // The whole phase, alone, as one unit (at each grid clock if it keeps the GPU busy).
            let simulation = run(pinned, [.kernel(values)], settings)
            var cost = counters(simulation, gpuBusy: onGPU[index])
            cost.kernelTotals = simulation.firstNode.addedKernelStats[values.kind]
            return (cost, cost)
        }
    }

    private mutating func run(_ config: MachineConfig, _ workload: [WorkloadPhase], _ settings: RunSettings) -> Simulation {
        var simulation = Simulation(config: config, workload: workload, settings: settings)
        simulation.firstNode.recordUnitMarks = true
        let reason = simulation.run(until: .zero + settings.duration)
        precondition(reason == .idle, "a fast-mode unit did not finish in its detailed run: \(reason)")
        detailedRuns += 1
        detailedEvents += simulation.eventsHandled
        return simulation
    }

    /// Unit `index` of a characterisation run, from the marks around it (time zero and zero
    /// counters before the first).
    private func unitCost(_ marks: [UnitMark], _ index: Int) -> UnitCost {
        precondition(marks.count > index, "a characterisation run ended early")
        let b = marks[index]
        let a = index > 0 ? marks[index - 1] : UnitMark(time: .zero, tensorBusyCycles: 0, memoryBytes: 0, c2cBytes: 0)
        return UnitCost(seconds: (b.time - a.time).seconds, tensorBusyCycles: Double(b.tensorBusyCycles - a.tensorBusyCycles),
                        memoryBytes: Double(b.memoryBytes - a.memoryBytes), c2cBytes: Double(b.c2cBytes - a.c2cBytes),
                        gpuBusy: true)
    }

    /// A kernel's cost; a sampled kernel ran its first three waves, the first wave then two at
    /// the per-wave pace, and is extrapolated to its full grid.
    private func kernelCost(_ marks: [UnitMark], _ index: Int, kernel: GEMMKernel, wave: UInt64, sampled: Bool) -> UnitCost {
        var cost = unitCost(marks, index)
        if sampled, let firstWave = marks[index].firstWave?.seconds {
            let perWave = (cost.seconds - firstWave) / 2
            let waves = (kernel.ctas + wave - 1) / wave
            let scale = Double(kernel.ctas) / Double(3 * wave)
            cost.seconds = firstWave + Double(waves - 1) * perWave
            cost.tensorBusyCycles *= scale
            cost.memoryBytes *= scale
            cost.c2cBytes *= scale
        }
        cost.flops = kernel.phase.flops
        return cost
    }

    /// The counters of a whole characterisation run, as one unit.
    private func counters(_ simulation: borrowing Simulation, gpuBusy: Bool) -> UnitCost {
        let m = simulation.firstNode.path.controller.totalStats
        let c2c = simulation.firstNode.path.c2cPayloadBytes
        let chase = simulation.firstNode.chaseStats, gpuChase = simulation.firstNode.gpuChaseStats
        return UnitCost(seconds: simulation.firstNode.now.seconds, tensorBusyCycles: Double(simulation.firstNode.gemm.tensorBusyCycles),
                        memoryBytes: Double(m.bytes + m.writeBytes), c2cBytes: Double(c2c),
                        cpuChaseLoads: Double(chase.loads), cpuChaseLatencyPs: Double(chase.latencyPs), gpuBusy: gpuBusy,
                        gpuChase: UnitCost.GPUChase(loads: Double(gpuChase.loads), latencyPs: Double(gpuChase.latencyPs), smCycles: gpuChase.smCycles))
    }
}

/// Defaults shared by the loader and the models.
public enum ScenarioDefaults {
    /// Event budget when a scenario gives none: enough for minutes of detailed memory traffic,
    /// small enough that a runaway model stops within minutes of wall time.
    public static let eventBudget: UInt64 = 2_000_000_000
    /// `run.seed` when a scenario gives none.
    public static let seed: UInt64 = 1
    /// `run.samplePeriod` when a scenario gives none: the duration over this many samples.
    public static let samplesPerRun = 1_000.0
    /// The most samples a run may take (one per whole sample period), bounding its memory.
    public static let maximumSamplesPerRun: UInt64 = 10_000_000
}

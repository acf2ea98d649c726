import TwinCore

/// What one unit of a phase's work (a kernel, a streaming pass, a copy, a chase) costs at a
/// given clock, measured by running it through the detailed models.
public struct UnitCost: Sendable {
    public var seconds: Double
    /// Tensor-pipe busy SM-cycles.
    public var tensorBusyCycles: Double = 0
    /// DRAM bytes read and written, row activates, and bytes across NVLink-C2C.
    public var memoryBytes: Double = 0
    public var activates: Double = 0
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

    /// Scales the unit's DRAM and C2C traffic by `factor` (a sampled unit's to its whole).
    mutating func scaleTraffic(by factor: Double) {
        memoryBytes *= factor
        activates *= factor
        c2cBytes *= factor
    }

    /// Linear interpolation: `self` at weight 0, `other` at weight 1.
    func blended(with other: UnitCost, weight w: Double) -> UnitCost {
        func mix(_ a: Double, _ b: Double) -> Double { a + (b - a) * w }
        return UnitCost(seconds: mix(seconds, other.seconds), tensorBusyCycles: mix(tensorBusyCycles, other.tensorBusyCycles),
                        memoryBytes: mix(memoryBytes, other.memoryBytes), activates: mix(activates, other.activates),
                        c2cBytes: mix(c2cBytes, other.c2cBytes),
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
/// dithers between neighbouring bins then costs two detailed runs, not one per bin. Long kernels
/// are sampled (`GEMMSample`): their first waves run in detail, up to one raster period after
/// the first wave, and the rest of the grid is extrapolated from that period.
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
    /// Contention factors of a phase run alongside a `cpu` phase, by the partner's index and
    /// the GPU clock.
    private var contentionFactors: [ContentionKey: (partner: Double, cpu: Double)] = [:]

    struct ContentionKey: Hashable {
        var partner: Int
        var gpuHz: Double
    }
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

    /// A unit as characterised, by value: phases of different programs (or of the size grid)
    /// that characterise alike share it.
    struct UnitKey: Hashable {
        var phase: WorkloadPhase
        var gpuHz: Double
        var first: Bool
    }
    private var byUnit: [UnitKey: UnitCost] = [:]
    /// Costs kept between runs (the results database's), and those measured here for it.
    private(set) var store: UnitCostStore?
    /// Costs of loops run as whole iterations, by the loop's first step and the clock.
    private var blockCosts: [BlockKey: BlockCost] = [:]

    struct BlockKey: Hashable {
        var firstStep: Int
        var gpuHz: Double
    }

    init(config: MachineConfig, phases: [WorkloadPhase], seed: UInt64, store: UnitCostStore? = nil) {
        self.config = config
        self.phases = phases
        self.seed = seed
        self.store = store
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
            let (below, above, weight) = gridClocks(around: gpuHz)
            let low = measure(index, gpuHz: below, first: first)
            guard let above else { return low }
            return low.blended(with: measure(index, gpuHz: above, first: first), weight: weight)
        case false:
            return measure(index, gpuHz: 0, first: first)
        }
    }

    /// The characterised clocks around `gpuHz` and its weight between them, linear in the clock
    /// period (no upper clock when `gpuHz` is one of the grid's).
    func gridClocks(around gpuHz: Double) -> (below: Double, above: Double?, weight: Double) {
        let curve = config.power.gpuCurve
        let gridStep = curve.stepHz * Double(Self.gridBins)
        let top = curve.entry(atOrBelow: config.power.gpuApplicationHz)
        let below = max(curve.minHz, top - ((top - gpuHz) / gridStep).rounded(.up) * gridStep)
        let above = min(top, below + gridStep)
        guard gpuHz > below, above > below else { return (below, nil, 0) }
        return (below, above, (1 / below - 1 / gpuHz) / (1 / below - 1 / above))
    }

    /// The machine with the GPU clock pinned at `gpuHz` (0: the preset's clocks) and no governor.
    func pinned(atGPUHz gpuHz: Double) -> MachineConfig {
        var pinned = config
        if gpuHz > 0 {
            pinned.gpu.smClockHz = UInt64(gpuHz.rounded())
            pinned.power.gpuApplicationHz = gpuHz
            pinned.power.gpuCurve.anchorHz = gpuHz
        }
        pinned.power.governorEnabled = false
        return pinned
    }

    /// How much a `cpu` phase and the phase that runs together with it (`together:`) slow each
    /// other, as factors on their times alone: each is the work it did alone over the work it
    /// did together, in the same window of a detailed run (the last 80 % of 90 % of the shorter
    /// one's time alone, so both run throughout and their starts, a GEMM's cold first wave
    /// above all, do not count). Work is bytes for the streams and copies, tensor cycles for a
    /// GEMM, loads for a chase, stream bytes for the threads (their compute steps do not
    /// contend). A partner on the GPU is measured on the grid of clocks its units are: a GEMM
    /// at a lower clock asks less of the DRAM, and the threads get more of it.
    mutating func contention(cpu: Int, partner: Int, gpuHz: Double) -> (partner: Double, cpu: Double) {
        guard onGPU[partner] else { return measuredContention(cpu: cpu, partner: partner, gpuHz: 0) }
        let (below, above, weight) = gridClocks(around: gpuHz)
        let low = measuredContention(cpu: cpu, partner: partner, gpuHz: below)
        guard let above else { return low }
        let high = measuredContention(cpu: cpu, partner: partner, gpuHz: above)
        return (low.partner + (high.partner - low.partner) * weight, low.cpu + (high.cpu - low.cpu) * weight)
    }

    private mutating func measuredContention(cpu: Int, partner: Int, gpuHz: Double) -> (partner: Double, cpu: Double) {
        let key = ContentionKey(partner: partner, gpuHz: gpuHz)
        if let known = contentionFactors[key] { return known }
        let pinned = pinned(atGPUHz: gpuHz)
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
            func done(_ simulation: borrowing Simulation) -> (partner: Double, cpu: Double) {
                let partnerWork = Double(simulation.firstNode.gpu.stats.bytesReceived) + Double(simulation.firstNode.gemm.tensorBusyCycles)
                    + Double(simulation.firstNode.copy.bytes) + Double(simulation.firstNode.gpuChaseStats.loads)
                    + simulation.firstNode.stepCounters.kernelBytes
                return (partnerWork, Double(simulation.firstNode.grace.stats.streamBytes))
            }
            _ = simulation.run(until: .zero + SimDuration(seconds: 0.2 * window))
            let start = done(simulation)
            _ = simulation.run(until: .zero + SimDuration(seconds: window))
            detailedRuns += 1
            detailedEvents += simulation.eventsHandled
            let end = done(simulation)
            return (end.partner - start.partner, end.cpu - start.cpu)
        }
        let alonePartner = work([sample]).partner, aloneCPU = work([.cpuThreads(threads)]).cpu
        let together = work([.cpuThreads(threads), sample])
        func factor(_ alone: Double, _ together: Double) -> Double { alone > 0 && together > 0 ? alone / together : 1 }
        let factors = (partner: factor(alonePartner, together.partner), cpu: factor(aloneCPU, together.cpu))
        contentionFactors[key] = factors
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
        switch characterised(phase) {
        case .gemm(var p):
            p.ctaLimit = GEMMSample(GEMMKernel(p, on: config.compute), on: config.compute)?.ctas
            return .gemm(p)
        case .streamRead(var p):
            p.totalBytes = min(p.totalBytes, streamSampleBytes)
            return .streamRead(p)
        case let unit:
            return unit
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
        let cost = measure(phases[sameAs[index]], usesGPU: onGPU[sameAs[index]], gpuHz: gpuHz, first: first)
        measured[key] = cost
        return cost
    }

    /// Sizes of the streaming-read grid: a read of a size between two of them is costed by
    /// interpolating theirs linearly in bytes, so that the many sizes of an LLM's attention
    /// reads (growing with the context) cost a few characterisations, not one each. Four sizes
    /// an octave from 1 MiB to `streamSampleBytes`, on 64 B lines; below 1 MiB a read is
    /// characterised at its own size (such runs are short, and the latency of the first lines
    /// weighs most there).
    static let streamGridBytes: [UInt64] = (0...24).map { step in
        UInt64((pow2(20 + Double(step) / 4) / 64).rounded()) * 64
    }

    /// 2^x without Foundation.
    static func pow2(_ x: Double) -> Double {
        let whole = x.rounded(.down)
        var value = Double(sign: .plus, exponent: Int(whole), significand: 1)
        // 2^f for the fraction f of a quarter step: exact multiples of 2^(1/4).
        let quarters = Int(((x - whole) * 4).rounded())
        for _ in 0..<quarters { value *= 1.189_207_115_002_721 }
        return value
    }

    /// A sequential read of its own buffer whose size lies strictly between two grid sizes: the
    /// two grid reads around it and its weight between them.
    static func gridNeighbours(_ phase: StreamReadPhase) -> (low: StreamReadPhase, high: StreamReadPhase, weight: Double)? {
        guard phase.pattern == .sequential, !phase.copy, phase.bufferBytes == phase.totalBytes else { return nil }
        let bytes = phase.totalBytes
        let grid = streamGridBytes
        guard bytes > grid[0], bytes < grid[grid.count - 1], let upper = grid.firstIndex(where: { $0 >= bytes }), grid[upper] != bytes else { return nil }
        func read(_ size: UInt64) -> StreamReadPhase {
            var p = phase
            p.bufferBytes = size
            p.totalBytes = size
            return p
        }
        let low = grid[upper - 1], high = grid[upper]
        return (read(low), read(high), Double(bytes - low) / Double(high - low))
    }

    /// The phase as its unit is characterised: one kernel, pass or copy, without the launch and
    /// host pacing fast mode waits out itself.
    static func characterised(_ phase: WorkloadPhase) -> WorkloadPhase {
        switch phase {
        case .gemm(var p):
            p.count = 1
            p.launchOverhead = .zero
            p.hostInterval = .zero
            p.ctaLimit = nil
            return .gemm(p)
        case .streamRead(var p):
            p.count = 1
            p.launchOverhead = .zero
            p.hostInterval = .zero
            p.passOverhead = .zero
            return .streamRead(p)
        case .copy(var p):
            p.count = 1
            return .copy(p)
        case .cpuThreads, .kernel, .idle:
            return phase
        }
    }

    /// The cost of a unit of `phase`, by value: from the grid, from what this run or the store
    /// knows, or measured now.
    private mutating func measure(_ phase: WorkloadPhase, usesGPU: Bool, gpuHz: Double, first: Bool) -> UnitCost {
        if case .streamRead(let read) = phase, let (low, high, weight) = Self.gridNeighbours(read) {
            var cost = measure(.streamRead(low), usesGPU: usesGPU, gpuHz: gpuHz, first: first)
                .blended(with: measure(.streamRead(high), usesGPU: usesGPU, gpuHz: gpuHz, first: first), weight: weight)
            cost.bytesRead = Double(read.totalBytes)
            return cost
        }
        let unit = Self.characterised(phase)
        let key = UnitKey(phase: unit, gpuHz: gpuHz, first: first)
        if let known = byUnit[key] { return known }
        if let stored = store?.cost(unit, gpuHz: gpuHz, first: first) {
            byUnit[key] = stored
            return stored
        }
        let (cold, warm) = characterise(unit, usesGPU: usesGPU, gpuHz: gpuHz)
        byUnit[UnitKey(phase: unit, gpuHz: gpuHz, first: true)] = cold
        byUnit[UnitKey(phase: unit, gpuHz: gpuHz, first: false)] = warm
        store?.record(unit, gpuHz: gpuHz, cold: cold, warm: warm)
        return first ? cold : warm
    }

    /// A loop that fast mode can run as whole iterations: every step one phase, a kernel run
    /// once without launch, pass or host overheads (its steps then follow each other without
    /// gaps but the idle spans between them) or an idle span. Nil for any other loop, which runs
    /// step by step.
    func loopBlock(_ loop: ProgramLoop, program: Program) -> LoopBlock? {
        let first = program.steps[loop.steps.lowerBound].lowerBound, end = program.steps[loop.steps.upperBound - 1].upperBound
        guard end - first == loop.steps.count else { return nil }
        for index in first..<end {
            switch phases[index] {
            case .gemm(let p):
                guard p.count == 1, (p.launchOverhead ?? config.compute.launchOverhead) == .zero, p.hostInterval == .zero else { return nil }
            case .streamRead(let p):
                guard p.count == 1, p.launchOverhead == .zero, p.passOverhead == .zero, p.hostInterval == .zero else { return nil }
            case .idle:
                break
            case .copy, .cpuThreads, .kernel:
                return nil
            }
        }
        return LoopBlock(firstStep: loop.steps.lowerBound, phases: first..<end, backgroundCores: (first..<end).map { program.background($0) },
                         usesGPU: (first..<end).contains { onGPU[$0] })
    }

    /// What one iteration of a loop block costs at `gpuHz`: its phases' units (each its phase's
    /// first, as when they run step by step) and idle spans, summed, with the time the SMs and
    /// the cores are busy in it and each step's time. Kept per clock: the governor's clocks are
    /// the V/f table's bins.
    mutating func blockCost(_ block: LoopBlock, gpuHz: Double) -> BlockCost {
        let key = BlockKey(firstStep: block.firstStep, gpuHz: gpuHz)
        if let known = blockCosts[key] { return known }
        var total = BlockCost(unit: UnitCost(seconds: 0, gpuBusy: block.usesGPU), clusters: config.cpu.topology.clusters)
        total.stepSeconds.reserveCapacity(block.phases.count)
        for (offset, index) in block.phases.enumerated() {
            let unit = cost(phase: index, gpuHz: gpuHz, first: true)
            total.unit.seconds += unit.seconds
            total.unit.tensorBusyCycles += unit.tensorBusyCycles
            total.unit.memoryBytes += unit.memoryBytes
            total.unit.activates += unit.activates
            total.unit.c2cBytes += unit.c2cBytes
            total.unit.flops += unit.flops
            total.unit.bytesRead += unit.bytesRead
            total.stepSeconds.append(unit.seconds)
            if unit.gpuBusy { total.gpuBusySeconds += unit.seconds }
            let cores = config.power.busyCores(phase: phases[index], background: block.backgroundCores[offset])
            for cluster in cores.indices { total.coreBusySeconds[cluster] += Double(cores[cluster]) * unit.seconds }
            switch phases[index] {
            case .gemm:
                total.gemmSeconds += unit.seconds
                total.gemmKernels += 1
            case .streamRead: total.streamSeconds += unit.seconds
            default: break
            }
        }
        blockCosts[key] = total
        return total
    }

    /// A loop fast mode runs as whole iterations: its first step, its phases, their background
    /// cores, and whether any keeps the SMs busy.
    struct LoopBlock {
        let firstStep: Int
        let phases: Range<Int>
        let backgroundCores: [UInt64]
        let usesGPU: Bool
    }

    /// One iteration of a loop block: its units summed, the seconds the SMs and each cluster's
    /// cores are busy (cores × seconds), its time in GEMM and streaming kernels, its GEMM
    /// kernels, and each step's seconds.
    struct BlockCost {
        var unit: UnitCost
        var gpuBusySeconds = 0.0
        var coreBusySeconds: [Double]
        var gemmSeconds = 0.0
        var streamSeconds = 0.0
        var gemmKernels: UInt64 = 0
        var stepSeconds: [Double] = []

        init(unit: UnitCost, clusters: Int) {
            self.unit = unit
            coreBusySeconds = Array(repeating: 0, count: clusters)
        }
    }

    /// One detailed run of two units with the clock pinned at `gpuHz`: the first (cold) and the
    /// second (warm) unit's costs.
    private mutating func characterise(_ unit: WorkloadPhase, usesGPU: Bool, gpuHz: Double) -> (cold: UnitCost, warm: UnitCost) {
        let pinned = pinned(atGPUHz: gpuHz)
        let settings = RunSettings(duration: SimDuration(seconds: 1e5), seed: seed,
                                   samplePeriod: SimDuration(seconds: 1e4), eventBudget: ScenarioDefaults.eventBudget)
        switch unit {
        case .gemm(var phase):
            let kernel = GEMMKernel(phase, on: config.compute)
            phase.launchOverhead = .zero
            phase.hostInterval = .zero
            if let sample = GEMMSample(kernel, on: config.compute) {
                // A sampled kernel's B outgrows the L2: cold and warm are alike, and one run of
                // its first raster groups serves both.
                phase.count = 1
                phase.ctaLimit = sample.ctas
                let mark = run(pinned, [.gemm(phase)], settings).firstNode.unitMarks[0]
                let cost = sampledKernelCost(mark, kernel: kernel, sample: sample)
                return (cost, cost)
            }
            // Two kernels back to back: the first finds the L2 cold, the second warm.
            phase.count = 2
            let marks = run(pinned, [.gemm(phase)], settings).firstNode.unitMarks
            return (kernelCost(marks, 0, kernel: kernel), kernelCost(marks, 1, kernel: kernel))
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
                cost.scaleTraffic(by: scale)
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
            var phase = unit
            var scale = 1.0
            if case .cpuThreads(var threads) = phase {
                (threads, scale) = Self.sampled(threads)
                phase = .cpuThreads(threads)
            }
            var cost = counters(run(pinned, [phase], settings), gpuBusy: false)
            cost.seconds *= scale
            cost.scaleTraffic(by: scale)
            cost.cpuChaseLoads *= scale
            cost.cpuChaseLatencyPs *= scale
            return (cost, cost)
        case .idle(let span):
            let cost = UnitCost(seconds: span.seconds, gpuBusy: false)
            return (cost, cost)
        case .kernel(let values):
            // The whole phase, alone, as one unit (at each grid clock if it keeps the GPU busy).
            let simulation = run(pinned, [.kernel(values)], settings)
            var cost = counters(simulation, gpuBusy: usesGPU)
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
        let a = index > 0 ? marks[index - 1] : UnitMark(time: .zero, tensorBusyCycles: 0, memoryBytes: 0, activates: 0, c2cBytes: 0)
        return UnitCost(seconds: (b.time - a.time).seconds, tensorBusyCycles: Double(b.tensorBusyCycles - a.tensorBusyCycles),
                        memoryBytes: Double(b.memoryBytes - a.memoryBytes), activates: Double(b.activates - a.activates),
                        c2cBytes: Double(b.c2cBytes - a.c2cBytes),
                        gpuBusy: true)
    }

    /// Kernel `index` of a characterisation run.
    private func kernelCost(_ marks: [UnitMark], _ index: Int, kernel: GEMMKernel) -> UnitCost {
        var cost = unitCost(marks, index)
        cost.flops = kernel.phase.flops
        return cost
    }

    /// A sampled kernel's cost, from the run of its sample.
    private func sampledKernelCost(_ mark: UnitMark, kernel: GEMMKernel, sample: GEMMSample) -> UnitCost {
        var cost = kernelCost([mark], 0, kernel: kernel)
        guard let firstWave = mark.firstWave?.seconds, let wholeWaves = mark.wholeWavesTime?.seconds else {
            preconditionFailure("a sampled kernel's run did not mark its waves")
        }
        // The waves, then the kernel's teardown after its last CTA (in the mark, not in the waves).
        cost.seconds = sample.seconds(firstWave: firstWave, wholeWaves: mark.wholeWaves, wholeWavesSeconds: wholeWaves)
            + config.compute.kernelTeardown.seconds
        let scale = Double(sample.gridCTAs) / Double(sample.ctas)
        cost.scaleTraffic(by: scale)
        cost.tensorBusyCycles *= scale
        return cost
    }

    /// The counters of a whole characterisation run, as one unit.
    private func counters(_ simulation: borrowing Simulation, gpuBusy: Bool) -> UnitCost {
        let m = simulation.firstNode.path.controller.totalStats
        let c2c = simulation.firstNode.path.c2cPayloadBytes
        let chase = simulation.firstNode.chaseStats, gpuChase = simulation.firstNode.gpuChaseStats
        return UnitCost(seconds: simulation.firstNode.now.seconds, tensorBusyCycles: Double(simulation.firstNode.gemm.tensorBusyCycles),
                        memoryBytes: Double(m.movedBytes), activates: Double(m.rowMisses), c2cBytes: Double(c2c),
                        cpuChaseLoads: Double(chase.loads), cpuChaseLatencyPs: Double(chase.latencyPs), gpuBusy: gpuBusy,
                        gpuChase: UnitCost.GPUChase(loads: Double(gpuChase.loads), latencyPs: Double(gpuChase.latencyPs), smCycles: gpuChase.smCycles))
    }
}

/// How fast mode samples a long GEMM kernel: its first raster groups run in detail, and the rest
/// of the grid is charged as they were.
///
/// A raster group (`GEMMKernel.rasterPeriodCTAs` CTAs) reads its rows of A once and walks all
/// of B; when B outgrows the L2 each group reads it again, so the DRAM bytes repeat group by
/// group — but where a group starts within a wave shapes what the L2 keeps while the waves
/// straddle it (groups of 512 CTAs on 48 SMs: a pattern of three groups, 10 % apart in DRAM
/// bytes). So the sample is the groups of one whole period of groups and waves together,
/// three groups at most, and at least three waves. A sample of three waves charged a 4096³
/// BF16 kernel on GB10 15 % more DRAM bytes than it moves. A kernel whose B fits in the L2 is
/// not sampled: its first group reads B for the others, and a kernel after it finds B warm.
struct GEMMSample: Equatable {
    /// CTAs of one wave, of the sample (whole raster groups) and of the grid.
    let wave: UInt64
    let ctas: UInt64
    let gridCTAs: UInt64

    /// Nil when B fits in the L2, or the kernel is too short for a sample to save a fifth of it.
    init?(_ kernel: GEMMKernel, on gpu: GPUComputeConfig) {
        wave = UInt64(gpu.sms) * kernel.ctasPerSM
        let period = kernel.rasterPeriodCTAs
        func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? a : gcd(b, a % b) }
        let groupsPerPattern = wave / gcd(period, wave)
        let groupsForThreeWaves = (3 * wave + period - 1) / period
        ctas = max(groupsForThreeWaves, min(groupsPerPattern, 3)) * period
        gridCTAs = kernel.ctas
        guard kernel.operandBytes - kernel.bOffset > gpu.l2.capacityBytes, 5 * ctas <= 4 * gridCTAs else { return nil }
    }

    /// The whole grid's time: the first wave's, then the pace of the sample's later whole waves
    /// for each further wave (a partial last wave counts whole, as it does on the hardware).
    func seconds(firstWave: Double, wholeWaves: UInt64, wholeWavesSeconds: Double) -> Double {
        let waves = (gridCTAs + wave - 1) / wave
        return firstWave + Double(waves - 1) * (wholeWavesSeconds - firstWave) / Double(wholeWaves - 1)
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

import TwinCore

/// What one unit of a phase's work (a kernel, a streaming pass, a copy, a chase) costs at a
/// given clock, measured by running it through the detailed models.
public struct UnitCost: Sendable, Equatable {
    public var seconds: Double
    /// Tensor-pipe busy SM-cycles.
    public var tensorBusyCycles: Double = 0
    /// DRAM bytes read and written, and bytes across NVLink-C2C.
    public var memoryBytes: Double = 0
    public var c2cBytes: Double = 0
    /// Useful work: GEMM FLOP, and bytes the GPU streamed.
    public var flops: Double = 0
    public var bytesRead: Double = 0
    /// Whether the SMs are busy during the unit (kernels), or only a DMA engine or a core.
    public var gpuBusy: Bool

    /// Linear interpolation: `self` at weight 0, `other` at weight 1.
    func blended(with other: UnitCost, weight w: Double) -> UnitCost {
        func mix(_ a: Double, _ b: Double) -> Double { a + (b - a) * w }
        return UnitCost(seconds: mix(seconds, other.seconds), tensorBusyCycles: mix(tensorBusyCycles, other.tensorBusyCycles),
                        memoryBytes: mix(memoryBytes, other.memoryBytes), c2cBytes: mix(c2cBytes, other.c2cBytes),
                        flops: mix(flops, other.flops), bytesRead: mix(bytesRead, other.bytesRead), gpuBusy: gpuBusy)
    }
}

/// Measures unit costs with the detailed machine, clocks pinned, and remembers them.
///
/// GPU work is measured on a grid of clocks (every `gridBins` V/f entries below the application
/// clock) and interpolated linearly in the clock period between grid points: a governor that
/// dithers between neighbouring bins then costs two detailed runs, not one per bin. Kernels of
/// more than four waves are sampled: the first three waves run in detail, and the kernel's time
/// is the first wave plus the measured per-wave time for each further wave (the partial last
/// wave counts whole, as it does on the hardware).
struct UnitCostTable {
    let config: MachineConfig
    let phases: [WorkloadPhase]
    let seed: UInt64
    /// V/f entries between characterised clocks.
    static let gridBins = 8
    static let streamSampleBytes: UInt64 = 64 << 20
    private var measured: [Key: UnitCost] = [:]
    /// Wall-clock work done here, for the run's report.
    private(set) var detailedRuns = 0
    private(set) var detailedEvents: UInt64 = 0

    struct Key: Hashable {
        var phase: Int
        var gpuHz: Double
    }

    init(config: MachineConfig, phases: [WorkloadPhase], seed: UInt64) {
        self.config = config
        self.phases = phases
        self.seed = seed
    }

    /// The cost of one unit of phase `index` at the GPU clock `gpuHz`.
    mutating func cost(phase index: Int, gpuHz: Double) -> UnitCost {
        switch phases[index] {
        case .gemm, .streamRead:
            let curve = config.power.gpuCurve
            let gridStep = curve.stepHz * Double(Self.gridBins)
            let top = curve.entry(atOrBelow: config.power.gpuApplicationHz)
            let below = max(curve.minHz, top - ((top - gpuHz) / gridStep).rounded(.up) * gridStep)
            let above = min(top, below + gridStep)
            let low = measure(index, gpuHz: below)
            guard gpuHz > below, above > below else { return low }
            let high = measure(index, gpuHz: above)
            let weight = (1 / below - 1 / gpuHz) / (1 / below - 1 / above)
            return low.blended(with: high, weight: weight)
        case .copy, .cpuChase, .idle:
            return measure(index, gpuHz: 0)
        }
    }

    private mutating func measure(_ index: Int, gpuHz: Double) -> UnitCost {
        let key = Key(phase: index, gpuHz: gpuHz)
        if let known = measured[key] { return known }
        let cost = characterise(index, gpuHz: gpuHz)
        measured[key] = cost
        return cost
    }

    /// One detailed run of the unit with the clock pinned at `gpuHz`.
    private mutating func characterise(_ index: Int, gpuHz: Double) -> UnitCost {
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
            let kernel = GEMMKernel(phase, on: config.compute)
            let wave = UInt64(config.compute.sms) * kernel.ctasPerSM
            let sampled = kernel.ctas > 4 * wave
            phase.count = 1
            phase.launchOverhead = .zero
            phase.hostInterval = .zero
            if sampled { phase.ctaLimit = 3 * wave }
            var machine = run(pinned, [.gemm(phase)], settings)
            var seconds = machine.now.seconds
            var scale = 1.0
            if sampled, let firstWave = machine.gemm.firstWaveDoneAt {
                let perWave = (machine.now.seconds - firstWave.seconds) / 2
                let waves = (kernel.ctas + wave - 1) / wave
                seconds = firstWave.seconds + Double(waves - 1) * perWave
                scale = Double(kernel.ctas) / Double(3 * wave)
            }
            var cost = counters(&machine, scale: scale, gpuBusy: true, seconds: seconds)
            cost.flops = phase.flops
            return cost
        case .streamRead(var phase):
            let bytes = phase.totalBytes
            phase.totalBytes = min(bytes, Self.streamSampleBytes)
            phase.count = 1
            phase.launchOverhead = .zero
            phase.hostInterval = .zero
            var machine = run(pinned, [.streamRead(phase)], settings)
            let scale = Double(bytes) / Double(phase.totalBytes)
            var cost = counters(&machine, scale: scale, gpuBusy: true, seconds: machine.now.seconds * scale)
            cost.bytesRead = Double(bytes)
            return cost
        case .copy(var phase):
            phase.count = 1
            var machine = run(pinned, [.copy(phase)], settings)
            return counters(&machine, scale: 1, gpuBusy: false, seconds: machine.now.seconds)
        case .cpuChase(let phase):
            var machine = run(pinned, [.cpuChase(phase)], settings)
            return counters(&machine, scale: 1, gpuBusy: false, seconds: machine.now.seconds)
        case .idle(let span):
            return UnitCost(seconds: span.seconds, gpuBusy: false)
        }
    }

    private mutating func run(_ config: MachineConfig, _ workload: [WorkloadPhase], _ settings: RunSettings) -> Machine {
        var machine = Machine(config: config, workload: workload, settings: settings)
        let reason = machine.run(until: .zero + settings.duration)
        precondition(reason == .idle, "a fast-mode unit did not finish in its detailed run: \(reason)")
        detailedRuns += 1
        detailedEvents += machine.eventsHandled
        return machine
    }

    private func counters(_ machine: inout Machine, scale: Double, gpuBusy: Bool, seconds: Double) -> UnitCost {
        let m = machine.memory.totalStats
        let c2c = machine.c2c.stats(.cpuToGPU).payloadBytes + machine.c2c.stats(.gpuToCPU).payloadBytes
        return UnitCost(seconds: seconds, tensorBusyCycles: Double(machine.gemm.tensorBusyCycles) * scale,
                        memoryBytes: Double(m.bytes + m.writeBytes) * scale, c2cBytes: Double(c2c) * scale,
                        gpuBusy: gpuBusy)
    }
}

/// Defaults shared by the loader and the models.
public enum ScenarioDefaults {
    /// Event budget when a scenario gives none: enough for minutes of detailed memory traffic,
    /// small enough that a runaway model stops within minutes of wall time.
    public static let eventBudget: UInt64 = 2_000_000_000
}

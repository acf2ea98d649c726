import TwinCore

/// Fast mode: the workload advances in whole units (kernels, streaming passes, copies) whose
/// durations and activity come from the detailed models at the clocks in force, one governor
/// period at a time. Power, heat and the governor are the same models as in detailed mode.
///
/// A unit that straddles a clock change finishes the rest of its work at the new clock's cost,
/// so the clock's effect on throughput is felt within one period.
public struct FastMachine: ~Copyable {
    public let config: MachineConfig
    public let settings: RunSettings
    let program: Program
    var phases: [WorkloadPhase] { program.phases }
    var costs: UnitCostTable
    var power: PowerSystem

    public private(set) var now = 0.0
    var periodsDone: UInt64 = 0
    public private(set) var workloadFinished = false
    /// Periods and units simulated: fast mode's "events".
    public private(set) var eventsHandled: UInt64 = 0

    // The running phase: its index, units left and the fraction of the current unit left.
    var phaseIndex = 0
    var unitsLeft: UInt64 = 0
    var unitFractionLeft = 0.0
    /// Whether the unit in progress is the phase's first.
    var firstUnit = true
    /// When the phase's next unit may start (launch overheads, host pacing, idle spans).
    var waitSeconds = 0.0
    /// A `cpu` phase in a `together:` step runs as a second track beside the step's other phase
    /// (the loader allows only that pair in fast mode): its index and the fraction of it left.
    /// The workload moves on once both are done.
    var cpuTrack: (phase: Int, left: Double)?
    /// The partner of the CPU track has finished and waits for the track.
    var waitingForCPUTrack = false

    // Totals.
    var flops = 0.0
    var bytesRead = 0.0
    var kernels: UInt64 = 0
    /// Loads the pointer chases timed, and the time they took (CPU, GPU): their mean latency.
    var chaseLoads = [0.0, 0.0]
    var chaseSeconds = [0.0, 0.0]
    /// Sum over GPU-chase time of the SM clock: SM cycles the loads took.
    var gpuChaseCycles = 0.0
    var gemmSeconds = 0.0
    var streamSeconds = 0.0

    /// The time within the running period, seconds: where a phase that ends now ends.
    var clock = 0.0
    /// The counters when the current step started, and the work of each reported step so far.
    var stepStart = StepWork()
    var stepWork: [StepWork] = []

    // Sampling.
    var nextSample: Double
    var lastSampleTime = 0.0
    var lastSampleFlops = 0.0
    var lastSampleBytes = 0.0
    var sampleTimesPs: [UInt64] = []
    var sampleValues: [[Double]]

    /// Signals recorded at every sample, in this order: its own, then the power system's.
    public var signals: [(name: String, unit: String)] {
        Self.ownSignals.map { ($0.name, $0.unit) } + PowerSystem.signals(rails: power.rails).map { ($0.name, $0.unit) }
    }

    /// The detailed mode signals fast mode records too, from its own counters (`takeSample`).
    static let ownSignals: [SignalDeclaration] = [.gpuReadBandwidth, .gemmThroughput]

    public init(config: MachineConfig, workload: [WorkloadPhase], settings: RunSettings, cpuCores: [UInt64] = []) {
        self.init(config: config, program: Program(phases: workload, cpuCores: cpuCores), settings: settings)
    }

    public init(config: MachineConfig, program: Program, settings: RunSettings) {
        precondition(program.steps.allSatisfy { $0.count == 1 || Self.runsAsTrack(program, $0) },
                     "fast mode runs a together step of a cpu phase and one other phase only")
        let workload = program.phases
        self.config = config
        self.settings = settings
        self.program = program
        self.costs = UnitCostTable(config: config, phases: workload, seed: settings.seed)
        self.power = PowerSystem(config: config.power)
        self.nextSample = settings.samplePeriod.seconds
        self.sampleValues = []
        self.sampleValues = signals.map { _ in [] }
        if workload.isEmpty { workloadFinished = true } else { enterPhase(0) }
    }

    /// Whether fast mode can run `step`: a `cpu` phase first, then one phase of another kind.
    /// Added kernel kinds (`KernelKind`) have no fast model yet; the loader keeps them out.
    static let detailedOnly = "added kernel kinds run in detailed mode only"

    public static func runsAsTrack(_ program: Program, _ step: Range<Int>) -> Bool {
        guard step.count == 2, case .cpuThreads = program.phases[step.lowerBound] else { return false }
        if case .cpuThreads = program.phases[step.lowerBound + 1] { return false }
        return true
    }

    mutating func enterPhase(_ index: Int) {
        let step = program.steps[program.step(of: index)]
        if index == step.lowerBound { stepStart = stepCounters }
        if step.count == 2 && index == step.lowerBound {
            // The threads run as a track of their own; the next phase starts with them.
            cpuTrack = (index, 1)
            enterPhase(index + 1)
            return
        }
        phaseIndex = index
        unitFractionLeft = 0
        firstUnit = true
        waitSeconds = 0
        if case .gemm = phases[index] { power.wakeGPU() }
        if case .streamRead = phases[index] { power.wakeGPU() }
        if case .gpuChase = phases[index] { power.wakeGPU() }
        switch phases[index] {
        case .gemm(let p):
            unitsLeft = p.count
            waitSeconds = (p.launchOverhead ?? config.compute.launchOverhead).seconds
        case .streamRead(let p):
            unitsLeft = p.count
            waitSeconds = p.launchOverhead.seconds + p.passOverhead.seconds
        case .copy(let p):
            unitsLeft = p.count
        case .cpuChase, .gpuChase, .cpuThreads:
            unitsLeft = 1
        case .idle(let span):
            unitsLeft = 0
            waitSeconds = span.seconds
        case .kernel:
            preconditionFailure(Self.detailedOnly)
        }
    }

    /// Whether the SMs have work in the running phase.
    var gpuPhase: Bool {
        guard !workloadFinished && !waitingForCPUTrack else { return false }
        switch phases[phaseIndex] {
        case .gemm, .streamRead, .gpuChase: return true
        default: return false
        }
    }

    /// Busy cores per cluster in the running phase (as in detailed mode: the background job,
    /// plus the host or chasing thread).
    var busyCores: [Double] {
        guard !workloadFinished else { return Array(repeating: 0, count: config.cpu.topology.clusters) }
        let background = program.background(phaseIndex)
        if let track = cpuTrack {
            // The threads' cores, and the partner's host thread and background job beside them.
            var host: UInt64 = waitingForCPUTrack ? 0 : 1
            if case .idle = phases[phaseIndex] { host = 0 }
            return config.power.busyCores(phase: phases[track.phase], background: background + host).map { Double($0) }
        }
        // Not `.map(Double.init)`: on UInt64 that picks init(bitPattern:).
        return config.power.busyCores(phase: phases[phaseIndex], background: background).map { Double($0) }
    }

    /// Runs governor periods until `end` seconds, the end of the workload or a shutdown.
    public mutating func run(until end: Double) -> StopReason {
        let period = config.power.stepSeconds
        // Whole periods only; time is counted in periods so that it does not drift.
        while Double(periodsDone + 1) * period <= end * (1 + 1e-12) {
            if workloadFinished { return .idle }
            if power.shutdown { return .halted }
            if eventsHandled >= settings.eventBudget { return .budgetExhausted(limit: settings.eventBudget) }
            runPeriod(period)
        }
        if workloadFinished { return .idle }
        return power.shutdown ? .halted : .reachedEnd
    }

    /// One governor period: work at the current clocks, then power, heat and the governor.
    mutating func runPeriod(_ period: Double) {
        let periodStart = Double(periodsDone) * period
        clock = periodStart
        var activity = Activity()
        activity.busyCores = busyCores
        var left = period
        var busySeconds = 0.0
        var tensorCycles = 0.0
        // While the CPU track runs, the partner's units take longer by the measured contention.
        let contended = cpuTrack.map { costs.contention(cpu: $0.phase, partner: $0.phase + 1) }
        while left > 0 && !workloadFinished && !waitingForCPUTrack {
            if waitSeconds > 0 {
                let wait = min(waitSeconds, left)
                waitSeconds -= wait
                // Time is summed in steps; a remainder below a picosecond is rounding, not a wait.
                if waitSeconds < 1e-12 { waitSeconds = 0 }
                left -= wait
                clock = periodStart + (period - left)
                if gpuPhase { busySeconds += wait }
                accountPhaseTime(wait)
                if waitSeconds > 0 { break }
                if case .idle = phases[phaseIndex] { finishPhase() }
                continue
            }
            if unitFractionLeft == 0 {
                guard unitsLeft > 0 else { finishPhase(); continue }
                unitsLeft -= 1
                unitFractionLeft = 1
            }
            // A GPU phase that begins within the step wakes the clock at once (see enterPhase).
            var cost = costs.cost(phase: phaseIndex, gpuHz: power.gpuHz, first: firstUnit)
            if let contended { cost.seconds *= contended.partner }
            let fraction = min(unitFractionLeft, cost.seconds > 0 ? left / cost.seconds : unitFractionLeft)
            let spent = fraction * cost.seconds
            unitFractionLeft -= fraction
            if unitFractionLeft < 1e-12 { unitFractionLeft = 0 }
            left -= spent
            clock = periodStart + (period - left)
            if cost.gpuBusy { busySeconds += spent }
            tensorCycles += cost.tensorBusyCycles * fraction
            activity.memoryBytes += cost.memoryBytes * fraction
            activity.c2cBytes += cost.c2cBytes * fraction
            flops += cost.flops * fraction
            bytesRead += cost.bytesRead * fraction
            switch phases[phaseIndex] {
            case .cpuChase(let p):
                chaseLoads[0] += Double(p.steps) * fraction
                chaseSeconds[0] += spent
            case .gpuChase(let p):
                chaseLoads[1] += Double(p.steps) * fraction
                chaseSeconds[1] += spent
                gpuChaseCycles += spent * power.gpuHz
            default:
                break
            }
            accountPhaseTime(spent)
            eventsHandled += 1
            if unitFractionLeft == 0 {
                firstUnit = false
                if case .gemm(let p) = phases[phaseIndex] {
                    kernels += 1
                    // Kernels queue on the stream; a slower host paces them.
                    waitSeconds = max(0, p.hostInterval.seconds - cost.seconds)
                } else if case .streamRead(let p) = phases[phaseIndex] {
                    // A pass takes its overhead and its reads, and a slower host paces them.
                    let passSeconds = p.passOverhead.seconds + cost.seconds
                    waitSeconds = p.passOverhead.seconds + max(0, p.hostInterval.seconds - passSeconds)
                }
                if unitsLeft == 0 && waitSeconds == 0 { finishPhase() }
            }
            if spent == 0 && fraction == 0 { break }
        }
        if let track = cpuTrack {
            // The threads' progress this period, slowed while the partner still runs.
            let alone = costs.cost(phase: track.phase, gpuHz: 0, first: true)
            let seconds = alone.seconds * (waitingForCPUTrack ? 1 : contended?.cpu ?? 1)
            let done = seconds > 0 ? min(track.left, period / seconds) : track.left
            activity.memoryBytes += alone.memoryBytes * done
            activity.c2cBytes += alone.c2cBytes * done
            eventsHandled += 1
            cpuTrack = track.left - done > 1e-12 ? (track.phase, track.left - done) : nil
            if cpuTrack == nil { clock = max(clock, periodStart + done * seconds) }
            if cpuTrack == nil && waitingForCPUTrack {
                waitingForCPUTrack = false
                finishPhase()
            }
        }
        activity.gpuBusy = busySeconds / period
        let gpuHz = power.gpuHz
        activity.tensorUtilization = gpuHz > 0 ? tensorCycles / (Double(config.compute.sms) * gpuHz * period) : 0
        periodsDone += 1
        now = Double(periodsDone) * period
        eventsHandled += 1
        power.advancePeriod(activity: activity, now: now, gpuWorkPending: gpuPhase)
        if gpuPhase { power.wakeGPU() }
        while now + 1e-12 >= nextSample {
            takeSample()
            nextSample += settings.samplePeriod.seconds
        }
    }

    /// Simulated seconds until the workload ends, from the unit costs measured so far, for a
    /// progress line's ETA; nil when a phase still to come has no measured cost yet.
    public var estimatedSecondsLeft: Double? {
        guard !workloadFinished else { return 0 }
        func unitSeconds(_ index: Int) -> Double? {
            if case .idle = phases[index] { return 0 }
            return costs.knownUnitSeconds(phase: index)
        }
        guard let current = unitSeconds(phaseIndex) else { return nil }
        var left = waitSeconds + (Double(unitsLeft) + unitFractionLeft) * current
        for index in phases.indices where index > phaseIndex {
            switch phases[index] {
            case .idle(let span): left += span.seconds
            case .gemm(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * max(unit, p.hostInterval.seconds)
            case .streamRead(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * unit
            case .copy(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * unit
            case .cpuChase, .gpuChase, .cpuThreads: guard let unit = unitSeconds(index) else { return nil }; left += unit
            case .kernel: preconditionFailure(Self.detailedOnly)
            }
        }
        return left
    }

    mutating func accountPhaseTime(_ seconds: Double) {
        guard !workloadFinished else { return }
        switch phases[phaseIndex] {
        case .gemm: gemmSeconds += seconds
        case .streamRead: streamSeconds += seconds
        default: break
        }
    }

    mutating func finishPhase() {
        if cpuTrack != nil {
            // The partner is done; the workload moves on when the threads are too.
            waitingForCPUTrack = true
            return
        }
        if phaseIndex + 1 == phases.count || program.step(of: phaseIndex + 1) != program.step(of: phaseIndex) {
            endStep()
        }
        if phaseIndex + 1 < phases.count {
            enterPhase(phaseIndex + 1)
        } else {
            workloadFinished = true
        }
    }

    mutating func takeSample() {
        let window = now - lastSampleTime
        guard window > 0 else { return }
        sampleTimesPs.append(UInt64((now * 1e12).rounded()))
        sampleValues[0].append((bytesRead - lastSampleBytes) / window / 1e9)
        sampleValues[1].append((flops - lastSampleFlops) / window / 1e12)
        for (offset, value) in power.signalValues.enumerated() { sampleValues[Self.ownSignals.count + offset].append(value) }
        lastSampleTime = now
        lastSampleFlops = flops
        lastSampleBytes = bytesRead
    }

    /// The counters a step's work is read from, at `clock`.
    var stepCounters: StepWork {
        var counters = StepWork()
        counters.seconds = clock
        counters.readBytes = bytesRead
        counters.flops = flops
        return counters
    }

    /// Records the work of the step now running, finished or cut short by the end of the run,
    /// if it is reported and not recorded yet.
    mutating func endStep() {
        let step = program.step(of: phaseIndex)
        guard step < program.reportedSteps, stepWork.count == step else { return }
        stepWork.append(stepCounters.since(stepStart))
    }

    /// Ends the run: the step cut short, and a last, partial sample.
    public mutating func finish() {
        if !workloadFinished && !phases.isEmpty {
            clock = now
            endStep()
        }
        takeSample()
    }

    public var sampleTimes: [UInt64] { sampleTimesPs }

    public var series: [SignalSeries] {
        signals.enumerated().map { i, signal in
            SignalSeries(name: signal.name, unit: signal.unit, values: sampleValues[i])
        }
    }

    /// Detailed runs made to measure unit costs, and their events.
    public var characterisation: (runs: Int, events: UInt64) { (costs.detailedRuns, costs.detailedEvents) }

    public var metrics: [MetricValue] {
        var out: [MetricValue] = []
        func add(_ name: String, _ value: Double, _ unit: String) { out.append(MetricValue(name: name, value: value, unit: unit)) }
        add("sim.time", now, "s")
        add("sim.events", Double(eventsHandled), "count")
        add("fast.detailed_runs", Double(costs.detailedRuns), "count")
        add("gpu.sm_clock", power.gpuHz / 1e6, "MHz")
        add("gpu.gemm.kernels", Double(kernels), "count")
        add("gpu.gemm.throughput", gemmSeconds > 0 ? flops / gemmSeconds / 1e12 : 0, "TFLOPS")
        add("gpu.read.bytes", bytesRead, "B")
        add("gpu.read.bandwidth", streamSeconds > 0 ? bytesRead / streamSeconds / 1e9 : 0, "GB/s")
        // A chase is one unit whose time comes from its detailed run: its loads' mean latency.
        add("cpu.chase.loads", chaseLoads[0], "count")
        add("cpu.chase.latency.mean", chaseLoads[0] > 0 ? chaseSeconds[0] / chaseLoads[0] * 1e9 : 0, "ns")
        add("gpu.chase.loads", chaseLoads[1], "count")
        add("gpu.chase.latency.mean", chaseLoads[1] > 0 ? chaseSeconds[1] / chaseLoads[1] * 1e9 : 0, "ns")
        add("gpu.chase.latency.cycles", chaseLoads[1] > 0 ? gpuChaseCycles / chaseLoads[1] : 0, "cycles")
        out += Machine.loadMetrics(times: sampleTimesPs.map { Double($0) * 1e-12 }, series: series, power: power,
                                   spec: SpecPeaks(config: config, workload: phases))
        out += power.metrics(teraflops: flops / 1e12, gigabytes: bytesRead / 1e9)
        out += program.stepMetrics(stepWork, fidelity: .fast)
        return out
    }
}

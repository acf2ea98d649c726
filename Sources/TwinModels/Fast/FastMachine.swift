import TwinCore

/// Fast mode: the workload advances in whole units (kernels, streaming passes, copies) whose
/// durations and activity come from the detailed models at the clocks in force. Power, heat and
/// the governor are the same models as in detailed mode, stepped at the end of each governor
/// period. Time is integer picoseconds: a workload ends when its last unit does, and a run may
/// end between two periods (its last, partial one integrated at `finish`), as in detailed mode.
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

    /// A governor period, ps; time is kept in integer picoseconds as in detailed mode.
    let periodPs: UInt64
    /// How far the run has simulated, ps: the end of the work done so far.
    var nowPs: UInt64 = 0
    var periodsDone: UInt64 = 0
    /// What the governor period in progress has done so far; the power system gets it at the
    /// period's end (or, for a run that ends between periods, at `finish`).
    var period: PeriodWork
    public private(set) var workloadFinished = false
    /// Work steps and periods simulated: fast mode's "events".
    public private(set) var eventsHandled: UInt64 = 0

    // The running phase: its index, units left and the fraction of the current unit left.
    var phaseIndex = 0
    var unitsLeft: UInt64 = 0
    var unitFractionLeft = 0.0
    /// Whether the unit in progress is the phase's first.
    var firstUnit = true
    /// Time until the phase's next unit may start (launch overheads, host pacing, idle spans), ps.
    var waitPs: UInt64 = 0
    /// A `cpu` phase in a `together:` step runs as a second track beside the step's other phase
    /// (the loader allows only that pair in fast mode): its index and the fraction of it left.
    /// The workload moves on once both are done.
    var cpuTrack: (phase: Int, left: Double)?
    /// The partner of the CPU track has finished and waits for the track.
    var waitingForCPUTrack = false

    // Totals.
    var flops = 0.0
    var bytesRead = 0.0
    /// DRAM bytes the units charged, up to the last governor period integrated.
    var memoryBytes = 0.0
    var kernels: UInt64 = 0
    /// Loads the CPU chase steps timed and their summed latency, ps, and what the GPU pointer
    /// chases timed, from the units' detailed runs.
    var cpuChaseLoads = 0.0
    var cpuChaseLatencyPs = 0.0
    var gpuChase = UnitCost.GPUChase()
    var gemmPs: UInt64 = 0
    var streamPs: UInt64 = 0
    /// Each added kind's totals, from its phases' detailed runs and the time they ran here, and
    /// when the running phase started.
    var addedKernelStats: [String: KernelTotals] = [:]
    var phaseStartedPs: UInt64 = 0

    /// The counters when the current step started, and the work of each reported step so far.
    var stepStart = StepWork()
    var stepWork: [StepWork] = []
    /// How long each step took over its runs (as `Machine.stepTimes`), and when the running
    /// step started, ps.
    public private(set) var stepTimes: StepTimes
    var stepStartedPs: UInt64 = 0
    /// Where the program is, with its loops.
    var cursor = ProgramCursor()
    /// The loop running as whole iterations (see `LoopIterations`), if one is.
    var iterating: LoopIterations?

    // Sampling.
    var nextSamplePs: UInt64
    var lastSamplePs: UInt64 = 0
    var lastSampleFlops = 0.0
    var lastSampleBytes = 0.0
    var sampleTimesPs: [UInt64] = []
    var sampleValues: [[Double]]

    /// The work of part of a governor period, summed over the steps that ran in it.
    struct PeriodWork {
        /// Time the SMs had work, ps, and tensor-pipe busy SM-cycles.
        var gpuBusyPs: UInt64 = 0
        var tensorCycles = 0.0
        var memoryBytes = 0.0
        var activates = 0.0
        var c2cBytes = 0.0
        /// Busy cores per cluster times the picoseconds they were busy.
        var coreBusyPs: [Double]

        init(clusters: Int) { coreBusyPs = Array(repeating: 0, count: clusters) }
    }

    /// Where the run is: the end of the work simulated so far.
    public var now: SimTime { SimTime(picoseconds: nowPs) }

    /// Signals recorded at every sample, in this order: its own, then the power system's.
    public var signals: [(name: String, unit: String)] {
        Self.ownSignals.map { ($0.name, $0.unit) } + PowerSystem.signals(rails: power.rails).map { ($0.name, $0.unit) }
    }

    /// The detailed mode signals fast mode records too, from its own counters (`takeSample`).
    static let ownSignals: [SignalDeclaration] = [.gpuReadBandwidth, .gemmThroughput]

    public init(config: MachineConfig, workload: [WorkloadPhase], settings: RunSettings, cpuCores: [UInt64] = []) {
        self.init(config: config, program: Program(phases: workload, cpuCores: cpuCores), settings: settings)
    }

    /// - Parameter costStore: unit costs earlier runs on this machine measured; those this run
    ///   measures are added to it (`costStore` after the run).
    public init(config: MachineConfig, program: Program, settings: RunSettings, costStore: UnitCostStore? = nil) {
        precondition(program.steps.allSatisfy { $0.count == 1 || Self.runsAsTrack(program, $0) },
                     "fast mode runs a together step of a cpu phase and one other phase only")
        let workload = program.phases
        self.config = config
        self.settings = settings
        self.program = program
        self.costs = UnitCostTable(config: config, phases: workload, seed: settings.seed, store: costStore)
        self.power = PowerSystem(config: config.power)
        let periodPs = SimDuration(seconds: config.power.stepSeconds).picoseconds
        precondition(periodPs > 0, "a governor period is longer than a picosecond")
        self.periodPs = periodPs
        self.period = PeriodWork(clusters: config.cpu.topology.clusters)
        self.nextSamplePs = settings.samplePeriod.picoseconds
        let signalCount = Self.ownSignals.count + PowerSystem.signals(rails: PowerSystem.Rails(clusters: config.power.grace.clusters)).count
        self.sampleValues = Array(repeating: [], count: signalCount)
        self.stepTimes = StepTimes(steps: program.steps.count)
        if workload.isEmpty {
            workloadFinished = true
        } else {
            cursor.enter(program)
            enterStep(0)
        }
    }

    /// Starts program step `step`: a loop that can run as whole iterations does so, any other
    /// step starts its first phase.
    mutating func enterStep(_ step: Int) {
        stepStartedPs = nowPs
        if let loop = program.loop(startingAt: step), iterating == nil, let block = costs.loopBlock(loop, program: program) {
            iterating = LoopIterations(loop: loop, block: block)
            phaseIndex = program.steps[step].lowerBound
            power.wakeGPU()
            return
        }
        enterPhase(program.steps[step].lowerBound)
    }

    /// A loop running as whole iterations: its block's cost and what is left of it.
    struct LoopIterations {
        let loop: ProgramLoop
        let block: UnitCostTable.LoopBlock
        var iterationsLeft: UInt64
        /// The fraction of the iteration in progress still to run.
        var fractionLeft = 1.0
        /// Iterations finished, and how much of them ran at each clock: the steps' times are
        /// their costs at those clocks, weighted so (`flush`).
        var finished: UInt64 = 0
        var finishedAt: [Double: Double] = [:]
        /// How much of the iteration in progress ran at each clock.
        var inProgressAt: [Double: Double] = [:]

        init(loop: ProgramLoop, block: UnitCostTable.LoopBlock) {
            self.loop = loop
            self.block = block
            self.iterationsLeft = loop.iterations
        }
    }

    /// Whether fast mode can run `step`: a `cpu` phase first, then one phase of another kind.
    /// An added kind that needs another node (a send) runs in detailed mode only; the loader
    /// keeps it out.
    static let detailedOnly = "this added kernel kind runs in detailed mode only"

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
        phaseStartedPs = nowPs
        unitFractionLeft = 0
        firstUnit = true
        waitPs = 0
        if costs.onGPU[index] { power.wakeGPU() }
        switch phases[index] {
        case .gemm(let p):
            unitsLeft = p.count
            waitPs = (p.launchOverhead ?? config.compute.launchOverhead).picoseconds
        case .streamRead(let p):
            unitsLeft = p.count
            waitPs = (p.launchOverhead + p.passOverhead).picoseconds
        case .copy(let p):
            unitsLeft = p.count
        case .cpuThreads:
            unitsLeft = 1
        case .idle(let span):
            unitsLeft = 0
            waitPs = span.picoseconds
        case .kernel(let values):
            precondition(values.declaration.runsInFastMode, Self.detailedOnly)
            unitsLeft = 1
        }
    }

    /// Whether the SMs have work in the running phase.
    var gpuPhase: Bool {
        if let iterating { return iterating.block.usesGPU }
        return !workloadFinished && !waitingForCPUTrack && costs.onGPU[phaseIndex]
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

    /// Simulates until `end`, the end of the workload or a shutdown: the work at the current
    /// clocks, and at the end of each governor period, power, heat and the governor. A run that
    /// stops between periods leaves the period open; the next call goes on with it.
    public mutating func run(until end: SimTime) -> StopReason {
        while true {
            if workloadFinished { return .idle }
            if power.shutdown { return .halted }
            if eventsHandled >= settings.eventBudget { return .budgetExhausted(limit: settings.eventBudget) }
            let periodEndPs = (periodsDone + 1) * periodPs
            if nowPs == periodEndPs {
                endPeriod()
                continue
            }
            guard nowPs < end.picoseconds else { break }
            advanceWork(until: min(periodEndPs, end.picoseconds))
        }
        return power.shutdown ? .halted : .reachedEnd
    }

    /// Runs the workload from `nowPs` to `endPs` or to its end, whichever is first, in steps
    /// that each end where something changes: a unit or a wait ends, or the CPU track does.
    mutating func advanceWork(until endPs: UInt64) {
        while nowPs < endPs && !workloadFinished {
            if iterating != nil {
                advanceIterations(until: endPs)
                continue
            }
            // While the CPU track runs, the partner's units take longer by the measured contention.
            let contended = cpuTrack.map { costs.contention(cpu: $0.phase, partner: $0.phase + 1, gpuHz: power.gpuHz) }
            var stepPs = endPs - nowPs
            var trackUnit: (cost: UnitCost, ps: Double)?
            if let track = cpuTrack {
                let alone = costs.cost(phase: track.phase, gpuHz: 0, first: true)
                let ps = alone.seconds * 1e12 * (waitingForCPUTrack ? 1 : contended?.cpu ?? 1)
                trackUnit = (alone, ps)
                stepPs = min(stepPs, UInt64((track.left * ps).rounded(.up)))
            }
            var unit: (cost: UnitCost, ps: UInt64)?
            if !waitingForCPUTrack {
                if waitPs > 0 {
                    stepPs = min(stepPs, waitPs)
                } else {
                    if unitFractionLeft == 0 {
                        guard unitsLeft > 0 else { finishPhase(); continue }
                        unitsLeft -= 1
                        unitFractionLeft = 1
                    }
                    // A GPU phase that begins within the period wakes the clock at once (see enterPhase).
                    var cost = costs.cost(phase: phaseIndex, gpuHz: power.gpuHz, first: firstUnit)
                    if let contended { cost.seconds *= contended.partner }
                    let remainingPs = UInt64((unitFractionLeft * cost.seconds * 1e12).rounded())
                    stepPs = min(stepPs, remainingPs)
                    unit = (cost, remainingPs)
                }
            }
            account(stepPs, unitBusy: unit?.cost.gpuBusy)
            nowPs += stepPs
            eventsHandled += 1
            if let (cost, remainingPs) = unit { progressUnit(cost, remainingPs: remainingPs, spentPs: stepPs) }
            else if !waitingForCPUTrack { progressWait(stepPs) }
            if let track = cpuTrack, let (alone, ps) = trackUnit { progressTrack(track, alone: alone, unitPs: ps, spentPs: stepPs) }
        }
    }

    /// The time of a step: GPU-busy time (a unit that keeps the SMs busy, or a GPU phase's
    /// wait) and busy cores for the period, and the phase's time for its metrics.
    mutating func account(_ stepPs: UInt64, unitBusy: Bool?) {
        if unitBusy ?? gpuPhase { period.gpuBusyPs += stepPs }
        let cores = busyCores
        for cluster in cores.indices { period.coreBusyPs[cluster] += cores[cluster] * Double(stepPs) }
        guard !workloadFinished && !waitingForCPUTrack else { return }
        switch phases[phaseIndex] {
        case .gemm: gemmPs += stepPs
        case .streamRead: streamPs += stepPs
        default: break
        }
    }

    mutating func progressWait(_ spentPs: UInt64) {
        waitPs -= spentPs
        if waitPs == 0, case .idle = phases[phaseIndex] { finishPhase() }
    }

    /// The running unit has run `spentPs` of the `remainingPs` it had left at this cost.
    mutating func progressUnit(_ cost: UnitCost, remainingPs: UInt64, spentPs: UInt64) {
        let fraction = spentPs == remainingPs ? unitFractionLeft : unitFractionLeft * Double(spentPs) / Double(remainingPs)
        unitFractionLeft = spentPs == remainingPs ? 0 : unitFractionLeft - fraction
        period.tensorCycles += cost.tensorBusyCycles * fraction
        period.memoryBytes += cost.memoryBytes * fraction
        period.activates += cost.activates * fraction
        period.c2cBytes += cost.c2cBytes * fraction
        flops += cost.flops * fraction
        bytesRead += cost.bytesRead * fraction
        cpuChaseLoads += cost.cpuChaseLoads * fraction
        cpuChaseLatencyPs += cost.cpuChaseLatencyPs * fraction
        gpuChase.add(cost.gpuChase, fraction: fraction)
        guard unitFractionLeft == 0 else { return }
        firstUnit = false
        if case .kernel(let values) = phases[phaseIndex] { accountKernel(values, cost.kernelTotals, fraction: 1) }
        let costPs = UInt64((cost.seconds * 1e12).rounded())
        if case .gemm(let p) = phases[phaseIndex] {
            kernels += 1
            // Kernels queue on the stream; a slower host paces them.
            waitPs = p.hostInterval.picoseconds > costPs ? p.hostInterval.picoseconds - costPs : 0
        } else if case .streamRead(let p) = phases[phaseIndex] {
            // A pass takes its overhead and its reads, and a slower host paces them.
            let passPs = p.passOverhead.picoseconds + costPs
            waitPs = p.passOverhead.picoseconds + (p.hostInterval.picoseconds > passPs ? p.hostInterval.picoseconds - passPs : 0)
        }
        if unitsLeft == 0 && waitPs == 0 { finishPhase() }
    }

    /// Adds `fraction` of an added kind's phase, whose detailed run did `totals`, to its kind's
    /// totals, with the time the phase has run here.
    mutating func accountKernel(_ values: KernelValues, _ totals: KernelTotals?, fraction: Double) {
        var part = (totals ?? KernelTotals()).scaled(by: fraction)
        part.phasePs = nowPs - phaseStartedPs
        addedKernelStats[values.kind, default: KernelTotals()].add(part)
    }

    /// The CPU track has run `spentPs` at `unitPs` for the whole of it.
    mutating func progressTrack(_ track: (phase: Int, left: Double), alone: UnitCost, unitPs: Double, spentPs: UInt64) {
        let done = unitPs > 0 ? min(track.left, Double(spentPs) / unitPs) : track.left
        period.memoryBytes += alone.memoryBytes * done
        period.activates += alone.activates * done
        period.c2cBytes += alone.c2cBytes * done
        cpuChaseLoads += alone.cpuChaseLoads * done
        cpuChaseLatencyPs += alone.cpuChaseLatencyPs * done
        cpuTrack = track.left - done > 1e-12 ? (track.phase, track.left - done) : nil
        if cpuTrack == nil && waitingForCPUTrack {
            waitingForCPUTrack = false
            finishPhase()
        }
    }

    /// A governor period is over: power, heat and the governor, then the samples due.
    mutating func endPeriod() {
        power.advancePeriod(activity: periodActivity(overPs: periodPs), now: now.seconds, gpuWorkPending: gpuPhase)
        memoryBytes += period.memoryBytes
        period = PeriodWork(clusters: config.cpu.topology.clusters)
        periodsDone += 1
        eventsHandled += 1
        if gpuPhase { power.wakeGPU() }
        while nowPs >= nextSamplePs {
            takeSample()
            nextSamplePs += settings.samplePeriod.picoseconds
        }
    }

    /// The activity of the period so far, as averages over `spanPs`.
    func periodActivity(overPs spanPs: UInt64) -> Activity {
        var activity = Activity()
        let span = Double(spanPs)
        activity.busyCores = period.coreBusyPs.map { $0 / span }
        activity.gpuBusy = Double(period.gpuBusyPs) / span
        let gpuHz = power.gpuHz
        activity.tensorUtilization = gpuHz > 0 ? period.tensorCycles / (Double(config.compute.sms) * gpuHz * span * 1e-12) : 0
        activity.memoryBytes = period.memoryBytes
        activity.activates = period.activates
        activity.c2cBytes = period.c2cBytes
        return activity
    }

    /// Simulated seconds until the workload ends, from the unit costs measured so far, for a
    /// progress line's ETA; nil when a phase still to come has no measured cost yet.
    public var estimatedSecondsLeft: Double? {
        guard !workloadFinished else { return 0 }
        // Loops' iterations are not counted here; the ETA counts to run.duration.
        guard program.loops.isEmpty else { return nil }
        func unitSeconds(_ index: Int) -> Double? {
            if case .idle = phases[index] { return 0 }
            return costs.knownUnitSeconds(phase: index)
        }
        guard let current = unitSeconds(phaseIndex) else { return nil }
        var left = Double(waitPs) * 1e-12 + (Double(unitsLeft) + unitFractionLeft) * current
        for index in phases.indices where index > phaseIndex {
            switch phases[index] {
            case .idle(let span): left += span.seconds
            case .gemm(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * max(unit, p.hostInterval.seconds)
            case .streamRead(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * unit
            case .copy(let p): guard let unit = unitSeconds(index) else { return nil }; left += Double(p.count) * unit
            case .cpuThreads: guard let unit = unitSeconds(index) else { return nil }; left += unit
            case .kernel: guard let unit = unitSeconds(index) else { return nil }; left += unit
            }
        }
        return left
    }

    mutating func finishPhase() {
        if cpuTrack != nil {
            // The partner is done; the workload moves on when the threads are too.
            waitingForCPUTrack = true
            return
        }
        // In fast mode a step is one phase, or a cpu track and its partner, which ends last.
        endStep()
        let step = cursor.step
        stepTimes.add(step: step, seconds: Double(nowPs - stepStartedPs) * 1e-12, endingBlock: program.blockEndingAt[step])
        moveOn()
    }

    /// To the program's next step, or its end.
    mutating func moveOn() {
        if let next = cursor.advance(in: program) {
            enterStep(next)
        } else {
            workloadFinished = true
        }
    }

    /// Runs whole iterations of the loop in progress from `nowPs` toward `endPs`: each is one
    /// unit whose cost, at the clock in force, is its steps' summed (`UnitCostTable.blockCost`).
    /// A unit that straddles a clock change finishes at the new clock's cost, as any unit does.
    mutating func advanceIterations(until endPs: UInt64) {
        guard var run = iterating else { return }
        let cost = costs.blockCost(run.block, gpuHz: power.gpuHz)
        let remainingPs = UInt64((run.fractionLeft * cost.unit.seconds * 1e12).rounded())
        let stepPs = min(endPs - nowPs, remainingPs)
        let fraction = stepPs == remainingPs ? run.fractionLeft : run.fractionLeft * Double(stepPs) / Double(remainingPs)
        // Activity over the step in proportion to the iteration's: busy SMs and cores, bytes.
        period.gpuBusyPs += UInt64((cost.gpuBusySeconds * 1e12 * fraction).rounded())
        for cluster in period.coreBusyPs.indices { period.coreBusyPs[cluster] += cost.coreBusySeconds[cluster] * 1e12 * fraction }
        period.tensorCycles += cost.unit.tensorBusyCycles * fraction
        period.memoryBytes += cost.unit.memoryBytes * fraction
        period.activates += cost.unit.activates * fraction
        period.c2cBytes += cost.unit.c2cBytes * fraction
        flops += cost.unit.flops * fraction
        bytesRead += cost.unit.bytesRead * fraction
        gemmPs += UInt64((cost.gemmSeconds * 1e12 * fraction).rounded())
        streamPs += UInt64((cost.streamSeconds * 1e12 * fraction).rounded())
        nowPs += stepPs
        eventsHandled += 1
        run.fractionLeft = stepPs == remainingPs ? 0 : run.fractionLeft - fraction
        run.inProgressAt[power.gpuHz, default: 0] += fraction
        guard run.fractionLeft == 0 else {
            iterating = run
            return
        }
        kernels += cost.gemmKernels
        run.finished += 1
        for (hz, part) in run.inProgressAt { run.finishedAt[hz, default: 0] += part }
        run.inProgressAt.removeAll(keepingCapacity: true)
        run.iterationsLeft -= 1
        run.fractionLeft = 1
        if run.iterationsLeft > 0 {
            iterating = run
            return
        }
        iterating = nil
        flush(run)
        cursor.finishLoop(run.loop)
        moveOn()
    }

    /// Adds a loop's finished iterations to the step times: each step's cost at each clock,
    /// weighted by the iterations' time there (in clock order, so the sums are the same in
    /// every process).
    mutating func flush(_ run: LoopIterations) {
        for hz in run.finishedAt.keys.sorted() {
            stepTimes.addSeconds(run.loop.steps, perIteration: costs.blockCost(run.block, gpuHz: hz).stepSeconds, weight: run.finishedAt[hz]!)
        }
        stepTimes.addRuns(run.loop.steps, iterations: run.finished)
    }

    mutating func takeSample() {
        guard nowPs > lastSamplePs else { return }
        let window = Double(nowPs - lastSamplePs) * 1e-12
        sampleTimesPs.append(nowPs)
        sampleValues[0].append((bytesRead - lastSampleBytes) / window / 1e9)
        sampleValues[1].append((flops - lastSampleFlops) / window / 1e12)
        for (offset, value) in power.signalValues.enumerated() { sampleValues[Self.ownSignals.count + offset].append(value) }
        lastSamplePs = nowPs
        lastSampleFlops = flops
        lastSampleBytes = bytesRead
    }

    /// The counters a step's work is read from, now.
    var stepCounters: StepWork {
        var counters = StepWork()
        counters.seconds = now.seconds
        counters.readBytes = bytesRead
        counters.flops = flops
        counters.kernelBytes = Double(addedKernelStats.values.reduce(0) { $0 + $1.bytes })
        return counters
    }

    /// Records the work of the step now running, finished or cut short by the end of the run,
    /// if it is reported and not recorded yet.
    mutating func endStep() {
        let step = program.step(of: phaseIndex)
        guard step < program.reportedSteps, stepWork.count == step else { return }
        stepWork.append(stepCounters.since(stepStart))
    }

    /// Ends the run: the step cut short, the power of the part of a period run since the last
    /// one (so that a run that ends between periods has its power and energy, as in detailed
    /// mode), and a last, partial sample.
    public mutating func finish() {
        if !workloadFinished && !phases.isEmpty { endStep() }
        // A loop's finished iterations count; the one in progress does not.
        if let run = iterating { flush(run) }
        if !workloadFinished && !waitingForCPUTrack, case .kernel(let values) = phases[phaseIndex], unitFractionLeft > 0 {
            // The phase cut short: the part of its unit done.
            accountKernel(values, costs.cost(phase: phaseIndex, gpuHz: power.gpuHz, first: firstUnit).kernelTotals, fraction: 1 - unitFractionLeft)
        }
        let partialPs = nowPs - periodsDone * periodPs
        if partialPs > 0 && !power.shutdown {
            power.advancePeriod(activity: periodActivity(overPs: partialPs), now: now.seconds, gpuWorkPending: gpuPhase,
                                partial: Double(partialPs) * 1e-12)
            memoryBytes += period.memoryBytes
        }
        takeSample()
    }

    public var sampleTimes: [UInt64] { sampleTimesPs }

    public var series: [SignalSeries] {
        signals.enumerated().map { i, signal in
            SignalSeries(name: signal.name, unit: signal.unit, values: sampleValues[i])
        }
    }

    /// The unit costs kept between runs, with those this run measured added.
    public var costStore: UnitCostStore? { costs.store }

    /// Detailed runs made to measure unit costs, and their events.
    public var characterisation: (runs: Int, events: UInt64) { (costs.detailedRuns, costs.detailedEvents) }

    /// The metrics declared for fast mode, from its totals, and the program steps'.
    public var metrics: [MetricValue] {
        Machine.metrics(of: runTotals) + program.addedKernelMetrics(addedKernelStats) + program.stepMetrics(stepWork, fidelity: .fast)
    }

    /// What the run has done so far, as the metrics read it: the totals fast mode keeps.
    var runTotals: RunTotals {
        var t = RunTotals(config: config, fidelity: .fast, power: power, workload: phases)
        t.elapsedPs = nowPs
        t.events = eventsHandled
        t.detailedRuns = costs.detailedRuns
        t.smClockHz = power.gpuHz
        t.readBytes = bytesRead
        t.memory.bytes = UInt64(memoryBytes.rounded())
        t.readPhasePs = streamPs
        t.gemmKernels = kernels
        t.gemmFlops = flops
        t.gemmPhasePs = gemmPs
        t.workFlops = flops
        t.cpuChaseLoads = cpuChaseLoads
        t.cpuChaseLatencyPs = cpuChaseLatencyPs
        t.gpuChaseLoads = gpuChase.loads
        t.gpuChaseLatencyPs = gpuChase.latencyPs
        t.gpuChaseSMCycles = gpuChase.smCycles
        t.readLoads(times: sampleTimesPs.map { Double($0) * 1e-12 }, series: series)
        return t
    }
}

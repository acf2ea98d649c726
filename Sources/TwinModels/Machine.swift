import TwinCore

/// A scalar result of a run.
public struct MetricValue: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var unit: String

    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// A sampled signal of a run: one value per sample time.
public struct SignalSeries: Sendable, Equatable {
    public var name: String
    public var unit: String
    public var values: [Double]
}

/// One node of a simulation: a GB10's hardware (or another preset's) and its workload. The
/// simulation hands it the events it scheduled; it dispatches each to a concrete component in
/// one `switch`.
///
/// Noncopyable: components are stored inline and mutated in place.
public struct Machine: ~Copyable {
    /// A read in flight, held in a slab the events index.
    struct ReadRequest {
        var address: UInt64
        var issuedAt: SimTime
        /// The streaming kernel's CTA that issued it.
        var cta: UInt32
    }

    /// Signals recorded at every sample, in this order: the node's own, then the power system's.
    public var signals: [(name: String, unit: String)] { Self.signalList(rails: power.rails).map { ($0.name, $0.unit) } }

    public let config: MachineConfig
    public let settings: RunSettings
    /// Set by the simulation before each event it hands over.
    public internal(set) var now = SimTime.zero
    /// Events dispatched to this node so far.
    public internal(set) var eventsHandled: UInt64 = 0
    /// Set when the last phase of the workload has finished.
    public private(set) var workloadFinishedAt: SimTime?

    /// The simulation's event queue, as this node's events go in.
    let queue: NodeQueue
    /// The node's index in its simulation: its random streams derive from it.
    let node: Int
    var gpu: GPUReadEngine
    var path: MemoryPath
    /// The network port's outgoing wire to linked nodes (`nic.*`).
    var nic: C2CLink
    var copy = CopyState()
    var l2: SetAssociativeCache
    /// When the L2's data path to the SMs is next free, and what one byte costs on it.
    var l2FreeAt = SimTime.zero
    var l2PicosecondsPerByte: Double
    var gemm = GEMMState()
    /// What the resident CTAs of every GPU stream's kernel hold on each SM.
    var occupancy: SMOccupancy
    /// When the work distributor may place its next CTA (`nextCTAStart`).
    var ctaDispatcherFreeAt = SimTime.zero
    /// CTAs of a streaming-read kernel per SM when it runs alone.
    let readCTAsPerSM: UInt64
    var stream = StreamState()
    var chaseStats = PointerChaseStats()
    var grace = GraceThreadsState()
    var gpuChaseStats = GPUChaseStats()
    /// The added kernel phase running, and each added kind's totals.
    var addedKernels: [AddedKernelRun?] = Array(repeating: nil, count: Engine.added.count)
    /// The engine slot of the added kernel starting or handling an event now.
    var activeAddedSlot = 0
    var addedKernelStats: [String: KernelTotals] = [:]
    /// Bytes linked nodes' packets brought in.
    var networkReceivedBytes: UInt64 = 0
    let program: Program
    /// The program's step now running, and its phases that have not ended yet.
    var currentStep = 0
    var stepPhasesRunning: [Int] = []
    /// The counters when the current step started, and the work of each reported step so far.
    var stepStart = StepWork()
    var stepStartedAt = SimTime.zero
    var stepWork: [StepWork] = []
    /// How long each step of the program took, over its runs: the workload layer reads its
    /// kernels' and tokens' times from them.
    public private(set) var stepTimes: StepTimes
    /// Where the program is, with its loops.
    var cursor = ProgramCursor()
    var power: PowerSystem
    var powerCounters: PowerCounters
    let powerPeriod: SimDuration
    var lastPowerTick = SimTime.zero
    /// Fast mode's characterisation runs record counters at the end of every unit.
    var recordUnitMarks = false
    var unitMarks: [UnitMark] = []
    /// Set when the dies reached the shutdown temperature; the run ends there.
    public internal(set) var shutdownAt: SimTime?
    var requests: [ReadRequest]
    var freeRequests: [UInt32]

    // Sampling: counters at the previous sample, and the recorded values.
    var sampleTimesPs: [UInt64]
    var sampleValues: [[Double]]
    var lastSampleTime = SimTime.zero
    /// The counters at the last sample, which the next one's signals read differences from.
    var lastSample = SampleCounters()

    /// Events a node of `config` may have pending at once: each read and each CTA has at most
    /// one (a read CTA only until it starts, its reads after), with room for phases and sampling.
    static func eventCapacity(_ config: MachineConfig) -> Int {
        config.gpu.readsInFlightLimit + config.compute.sms * Int(config.compute.maxCTAsPerSM) + 16
            + config.nic.credits + config.nicStagedPackets
    }

    /// Builds the machine and schedules the program's first step and the first sample on `queue`.
    init(config: MachineConfig, program: Program, settings: RunSettings, queue: NodeQueue) {
        precondition(settings.samplePeriod.picoseconds > 0, "sample period must be positive")
        self.queue = queue
        self.node = Int(queue.target)
        self.config = config
        self.settings = settings
        self.program = program
        self.stepTimes = StepTimes(steps: program.steps.count)
        self.power = PowerSystem(config: config.power)
        self.powerCounters = PowerCounters(clusters: config.power.grace.clusters)
        self.powerPeriod = SimDuration(seconds: config.power.stepSeconds)
        var gpuConfig = config.gpu
        gpuConfig.smClockHz = UInt64(config.power.gpuCurve.entry(atOrBelow: Double(config.gpu.smClockHz)).rounded())
        self.gpu = GPUReadEngine(config: gpuConfig, random: RandomStream(seed: settings.seed, node: Int(queue.target), purpose: .gpuReadAddresses))
        self.path = MemoryPath(config: config)
        self.nic = C2CLink(config: config.nic)
        self.l2 = SetAssociativeCache(config: config.compute.l2)
        self.occupancy = SMOccupancy(config.compute)
        let readCTAsPerSM = config.gpu.ctaFootprint.ctasPerSM(on: config.compute).count
        precondition(readCTAsPerSM > 0, "a read kernel's CTA must fit on an SM (MachineConfig.crossCheck)")
        self.readCTAsPerSM = readCTAsPerSM
        self.l2PicosecondsPerByte = config.compute.l2PicosecondsPerByte(smHz: Double(gpuConfig.smClockHz))
        let slots = config.gpu.readsInFlightLimit
        self.requests = Array(repeating: ReadRequest(address: 0, issuedAt: .zero, cta: 0), count: slots)
        self.freeRequests = (0..<UInt32(slots)).reversed()
        let samples = Int(min(settings.duration.picoseconds / settings.samplePeriod.picoseconds + 2, ScenarioDefaults.maximumSamplesPerRun + 2))
        self.sampleTimesPs = []
        self.sampleTimesPs.reserveCapacity(samples)
        self.sampleValues = Self.signalList(rails: PowerSystem.Rails(clusters: config.power.grace.clusters)).map { _ in
            var values: [Double] = []
            values.reserveCapacity(samples)
            return values
        }
        // The order of these three decides their order within their instant (push sequence).
        schedule(NodeEvent.powerTick, at: .zero + powerPeriod, phase: .control)
        if !program.phases.isEmpty {
            cursor.enter(program)
            schedule(NodeEvent.stepStart, at: .zero, phase: .control, payload: 0)
        }
        schedule(NodeEvent.sample, at: .zero + settings.samplePeriod, phase: .sample)
    }

    /// Hands an event to its owner, which reads its own event from the low bits of `kind`.
    mutating func dispatch(_ event: Event) {
        switch EventOwner(rawValue: event.kind >> EventOwner.shift) {
        case .node: handle(NodeEvent(kind: event.kind), payload: event.payload)
        case .gpuReads: handle(GPUReadEvent(kind: event.kind), payload: event.payload)
        case .gemm: handle(GEMMEvent(kind: event.kind), payload: event.payload)
        case .copyEngine: handle(CopyEvent(kind: event.kind))
        case .cpuThreads: handle(CPUThreadEvent(kind: event.kind), payload: event.payload)
        case .addedKernels: handleAddedKernel(event.payload)
        case .networkPort: handle(NetworkEvent(kind: event.kind), payload: event.payload)
        case nil: preconditionFailure("unknown event kind \(event.kind)")
        }
    }

    /// The node's own events: its program's steps, sampling and the governor.
    mutating func handle(_ event: NodeEvent, payload: UInt64) {
        switch event {
        case .stepStart: startStep(Int(payload))
        case .phaseEnd: finishPhase(Int(payload))
        case .sample:
            takeSample()
            schedule(NodeEvent.sample, at: now + settings.samplePeriod, phase: .sample)
        case .powerTick: powerTick()
        }
    }

    /// The phases the program runs, in order.
    var phases: [WorkloadPhase] { program.phases }

    /// Starts every phase of step `step`, in order; the next step starts when all have ended.
    ///
    /// A phase over a named buffer works where the allocator put it. The buffers of the other
    /// phases of the step lie one after the other past the named ones, page aligned, so phases
    /// that run together never share lines; the next step reuses that space.
    mutating func startStep(_ step: Int) {
        currentStep = step
        stepStart = stepCounters
        stepStartedAt = now
        let members = program.steps[step]
        stepPhasesRunning = Array(members)
        var base = program.anonymousBase
        for index in members {
            if let placement = program.placement(index) {
                startPhase(index, base: placement.base)
                continue
            }
            startPhase(index, base: base)
            base += (Self.gpuBufferBytes(phases[index], on: config.compute) + 4095) / 4096 * 4096
        }
        if members.count > 1 { setBusyCores(phases: stepPhasesRunning) }
    }

    /// Bytes of GPU-addressed memory a phase reads or writes from its base.
    static func gpuBufferBytes(_ phase: WorkloadPhase, on compute: GPUComputeConfig) -> UInt64 {
        switch phase {
        case .streamRead(let read): read.copy ? read.destinationOffset + read.bufferBytes : read.bufferBytes
        case .gemm(let gemm): GEMMKernel(gemm, on: compute).operandBytes
        case .kernel(let values): values.declaration.bufferBytes(values)
        case .cpuThreads, .copy, .idle: 0
        }
    }

    mutating func startPhase(_ index: Int, base: UInt64) {
        setBusyCores(phases: [index])
        switch phases[index] {
        case .streamRead(let phase):
            gpuWorkBegins()
            startStream(phase, phaseIndex: index, base: base, destination: program.placement(index)?.destination)
        case .gemm(let phase):
            gpuWorkBegins()
            startGEMM(phase, phaseIndex: index, base: base)
        case .copy(let phase):
            startCopy(phase, phaseIndex: index)
        case .cpuThreads(let phase):
            startCPUThreads(phase, phaseIndex: index)
        case .kernel(let values):
            startAddedKernel(values, phaseIndex: index, base: base)
        case .idle(let span):
            schedule(NodeEvent.phaseEnd, at: now + span, phase: .control, payload: UInt64(index))
        }
    }

    mutating func finishPhase(_ index: Int) {
        stepPhasesRunning.removeAll { $0 == index }
        if !stepPhasesRunning.isEmpty {
            // The others go on; the GPU is idle once none of them is on it.
            if !stepPhasesRunning.contains(where: { phaseUsesGPU($0) }) { gpuWorkEnds() }
            setBusyCores(phases: stepPhasesRunning)
            return
        }
        gpuWorkEnds()
        endStep()
        stepTimes.add(step: currentStep, seconds: (now - stepStartedAt).seconds, endingBlock: program.blockEndingAt[currentStep])
        if let next = cursor.advance(in: program) {
            schedule(NodeEvent.stepStart, at: now, phase: .control, payload: UInt64(next))
        } else {
            clearBusyCores()
            workloadFinishedAt = now
        }
    }

    /// Whether phase `index`, running now, keeps the GPU busy: a GPU engine's, unless it is an
    /// added kind that works elsewhere (a send, CPU-side traffic).
    func phaseUsesGPU(_ index: Int) -> Bool {
        if case .kernel = phases[index], let run = runningAddedKernels.first(where: { $0.phaseIndex == index }) { return run.kernel.usesGPU }
        return Engine(phases[index]).isGPU
    }

    /// A CTA placed on an SM now starts when the work distributor reaches it: one CTA every
    /// `gpu.ctaDispatchInterval`, whatever kernel it belongs to, so a grid's first wave ramps up.
    mutating func nextCTAStart() -> SimTime {
        let start = SimTime.latest(now, ctaDispatcherFreeAt)
        ctaDispatcherFreeAt = start + config.compute.ctaDispatchInterval
        return start
    }

    /// The block scheduler: an SM a CTA has left goes to the kernels with CTAs waiting, the one
    /// that started first served first, as CUDA's scheduler favours the earlier launch.
    mutating func offerSM(_ sm: Int) {
        if stream.readCTAsWaiting && stream.passStartedAt < gemm.kernelStartedAt {
            placeReadCTAs(on: sm)
            placeGEMMCTAs(on: sm)
        } else {
            placeGEMMCTAs(on: sm)
            placeReadCTAs(on: sm)
        }
    }

    /// The counters a step's work is read from.
    var stepCounters: StepWork {
        var counters = StepWork()
        counters.readBytes = Double(gpu.stats.bytesReceived)
        counters.flops = gemm.ctaFlops
        counters.copyBytes = Double(copy.bytes)
        counters.cpuStreamBytes = Double(grace.stats.streamBytes)
        counters.kernelBytes = Double(addedKernelStats.values.reduce(0) { $0 + $1.bytes } + runningAddedKernels.reduce(0) { $0 + $1.kernel.totals.bytes })
        return counters
    }

    /// Records the work of the current step, finished or cut short by the end of the run, if it
    /// is reported and not recorded yet.
    mutating func endStep() {
        guard currentStep < program.reportedSteps, stepWork.count == currentStep else { return }
        var work = stepCounters.since(stepStart)
        work.seconds = (now - stepStartedAt).seconds
        stepWork.append(work)
    }

    /// Ends the run at the current time: closes open phases and takes a last, partial sample.
    public mutating func finish() {
        if workloadFinishedAt == nil && !stepPhasesRunning.isEmpty { endStep() }
        if stream.phase != nil { accountStreamTime() }
        if !grace.threads.isEmpty { grace.account(to: now) }
        path.controller.drainAllWrites(at: now)
        if shutdownAt == nil { advancePower(partial: true) }
        gpuWorkEnds()
        accountBusyCores()
        gpu.stop()
        takeSample()
    }

    /// Times of the samples, picoseconds.
    public var sampleTimes: [UInt64] { sampleTimesPs }

    /// The recorded time series.
    public var series: [SignalSeries] {
        signals.enumerated().map { i, signal in
            SignalSeries(name: signal.name, unit: signal.unit, values: sampleValues[i])
        }
    }
}

import TwinCore

/// One scenario key of an added kernel kind, declared once: the loader reads it by this
/// declaration (range, default) and `describe workload` lists it.
public struct KernelKey: Sendable {
    public var name: String
    /// `.size`, `.count` (both whole) or `.time`, as a scenario writes it (`64 MiB`, `4`, `5 us`).
    public var unit: QuantityKind
    /// nil: the key is required.
    public var defaultValue: Double?
    public var range: ClosedRange<Double>
    public var meaning: String
    /// For a key whose value is one of these words: they are stored as their index.
    public var choices: [String]?
    /// For a key whose value names a node linked to this one: stored as the node's index.
    public var namesPeer = false
    /// How `describe` shows the key's kind of value and its default, where the unit and the
    /// default value do not say it (a mapping, a list, a default from the machine's parameters).
    public var shownUnit: String?
    public var shownDefault: String?

    public init(_ name: String, _ unit: QuantityKind, default defaultValue: Double? = nil, range: ClosedRange<Double>, _ meaning: String) {
        self.name = name
        self.unit = unit
        self.defaultValue = defaultValue
        self.range = range
        self.meaning = meaning
    }

    /// A required key whose value is the name of a node linked to this one.
    public init(_ name: String, peerMeaning meaning: String) {
        self.init(name, .count, range: 0...1_048_576, meaning)
        namesPeer = true
    }

    /// A key whose value is one of `choices`, `defaultChoice` when not given.
    public init(_ name: String, choices: [String], default defaultChoice: String, _ meaning: String) {
        precondition(choices.contains(defaultChoice), "the default of \(name) is not one of its choices")
        self.init(name, .count, default: Double(choices.firstIndex(of: defaultChoice)!), range: 0...Double(choices.count - 1), meaning)
        self.choices = choices
    }
}

/// What the phases of one added kind have done: the counters its metrics read.
public struct KernelTotals: Sendable {
    /// Bytes moved: stored, or read and written.
    public var bytes: UInt64 = 0
    public var kernels: UInt64 = 0
    /// Memory requests issued, and how many of them were reads.
    public var requests: UInt64 = 0
    public var reads: UInt64 = 0
    /// Time the kind's phases ran, ps (filled in by the node).
    public var phasePs: UInt64 = 0
    /// Reads' latency from issue to data back, for kinds that measure it.
    public var readLatency: LatencyHistogram?

    public init() {}

    public var seconds: Double { Double(phasePs) * 1e-12 }

    /// The part `fraction` of the work (counts rounded), for a phase cut short in fast mode.
    func scaled(by fraction: Double) -> KernelTotals {
        var part = self
        func scale(_ n: UInt64) -> UInt64 { UInt64((Double(n) * fraction).rounded()) }
        part.bytes = scale(bytes)
        part.kernels = scale(kernels)
        part.requests = scale(requests)
        part.reads = scale(reads)
        return part
    }

    /// Adds the work of another phase of the same kind.
    mutating func add(_ other: KernelTotals) {
        bytes += other.bytes
        kernels += other.kernels
        requests += other.requests
        reads += other.reads
        phasePs += other.phasePs
        if let latency = other.readLatency {
            if readLatency == nil { readLatency = latency } else { readLatency!.add(latency) }
        }
    }
}

/// One metric of an added kind, declared once: its name, unit, better direction and meaning,
/// and how it reads the kind's totals.
public struct KernelMetric: Sendable {
    public var name: String
    public var unit: String
    public var better: MetricDirection
    public var meaning: String
    public var value: @Sendable (KernelTotals) -> Double

    public init(_ name: String, _ unit: String, _ better: MetricDirection, _ meaning: String, value: @escaping @Sendable (KernelTotals) -> Double) {
        self.name = name
        self.unit = unit
        self.better = better
        self.meaning = meaning
        self.value = value
    }

    /// A kind's bytes over the time its phases ran, GB/s.
    public static func bandwidth(_ name: String, _ meaning: String) -> KernelMetric {
        KernelMetric(name, "GB/s", .higherIsBetter, meaning) { $0.seconds > 0 ? Double($0.bytes) / $0.seconds / 1e9 : 0 }
    }

    /// The metrics of a GPU kernel kind: `gpu.<kind>.bytes`, `.bandwidth`, `.kernels`, `.kernel_time.mean`.
    public static func gpuKernel(_ kind: String) -> [KernelMetric] {
        [KernelMetric("gpu.\(kind).bytes", "B", .neutral, "bytes the kernels moved") { Double($0.bytes) },
         bandwidth("gpu.\(kind).bandwidth", "bytes over the time the phases ran"),
         KernelMetric("gpu.\(kind).kernels", "count", .neutral, "kernels finished") { Double($0.kernels) },
         KernelMetric("gpu.\(kind).kernel_time.mean", "us", .lowerIsBetter, "the phases' time per kernel, launch gaps included") {
             $0.kernels > 0 ? $0.seconds / Double($0.kernels) * 1e6 : 0
         }]
    }
}

/// A kind of GPU kernel added through this structure: its name as a phase `kind:`, its keys,
/// and what it reports. The model behind it conforms to `KernelKind`.
public struct KernelDeclaration: Sendable {
    /// The phase's `kind:` in a scenario, and the middle of its metric names (`gpu.<name>.…`).
    public var name: String
    public var summary: String
    public var keys: [KernelKey]
    /// The phase's GPU buffer, from its key values (the step lays its phases' buffers out one
    /// after the other).
    public var bufferBytes: @Sendable (KernelValues) -> UInt64
    /// The metrics a run with phases of this kind reports, beside the machine's own.
    public var metrics: [KernelMetric]
    /// The engine its phases run on: one phase at a time each, beside the other engines' phases.
    public var engine: Engine
    /// Whether fast mode runs it: each phase as one unit, costed by a detailed run of the phase
    /// alone. Not for a kind that needs another node (a send).
    public var runsInFastMode: Bool

    /// `metrics` defaults to a GPU kernel's (`KernelMetric.gpuKernel`), `engine` to a GPU stream.
    public init(name: String, summary: String, keys: [KernelKey], metrics: [KernelMetric]? = nil, engine: Engine = .kernelStream,
                runsInFastMode: Bool = true, bufferBytes: @escaping @Sendable (KernelValues) -> UInt64) {
        precondition(Engine.added.contains(engine), "an added kind runs on one of the added engines")
        self.name = name
        self.summary = summary
        self.keys = keys
        self.metrics = metrics ?? KernelMetric.gpuKernel(name)
        self.engine = engine
        self.runsInFastMode = runsInFastMode
        self.bufferBytes = bufferBytes
    }

    /// Values of every key, the defaults where `given` has none (nil when a required key is missing).
    public func values(_ given: [String: Double]) -> KernelValues? {
        var values: [Double] = []
        for key in keys {
            guard let value = given[key.name] ?? key.defaultValue else { return nil }
            values.append(value)
        }
        return KernelValues(kind: name, values: values)
    }
}

/// A phase of an added kernel kind: the kind's name and the value of each of its keys, in the
/// declaration's order.
public struct KernelValues: Sendable, Hashable {
    public var kind: String
    public var values: [Double]

    /// The value of key `name` of the kind's declaration.
    public subscript(_ name: String) -> Double {
        guard let index = KernelKinds.declaration(kind)?.keys.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(kind) declares no key \(name)")
        }
        return values[index]
    }

    /// The word chosen for key `name`, one of its `choices`.
    public func choice(_ name: String) -> String {
        guard let key = KernelKinds.declaration(kind)?.keys.first(where: { $0.name == name }), let choices = key.choices else {
            preconditionFailure("\(kind) declares no key \(name) of choices")
        }
        return choices[Int(self[name])]
    }

    public var declaration: KernelDeclaration { KernelKinds.declaration(kind)! }

    /// Whether a phase of these values keeps the GPU busy (its model's `usesGPU`).
    var usesGPU: Bool { KernelKinds.kind(kind)!.init(self, base: 0).usesGPU }
}

/// The model of an added kernel kind, run by its node on its declaration's engine: it starts on
/// the phase's values and buffer, schedules its own events through `Machine.kernelEvent(at:token:)`,
/// and is handed each back. Machine primitives (`gpuStoreLine`, `l2Transfer`, the memory path) do the timing.
protocol KernelKind: Sendable {
    static var declaration: KernelDeclaration { get }
    init(_ values: KernelValues, base: UInt64)
    /// The phase begins: schedule the first kernel.
    mutating func start(on machine: inout Machine)
    /// An event this kernel scheduled has come. Returns true when the phase is over.
    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool
    /// What it has done so far (its `phasePs` is the node's to fill).
    var totals: KernelTotals { get }
    /// Whether it keeps the GPU busy (its clock up, its power drawn) while it runs.
    var usesGPU: Bool { get }
}

extension KernelKind {
    var usesGPU: Bool { true }
}

/// Every added kernel kind. A new kind is its own file (declaration and model) and a line here.
enum KernelKinds {
    static let all: [any KernelKind.Type] = [
        MemsetKernel.self,
        MemoryTraffic.self,
        SendKernel.self,
        GPUChaseKernel.self,
    ]

    static func kind(_ name: String) -> (any KernelKind.Type)? { all.first { $0.declaration.name == name } }
    static func declaration(_ name: String) -> KernelDeclaration? { kind(name)?.declaration }
}

extension KernelDeclaration {
    /// The declarations of every added kernel kind, for the loader and `describe`.
    public static var all: [KernelDeclaration] { KernelKinds.all.map { $0.declaration } }
}

/// The added kernel phase now running on a node.
struct AddedKernelRun: Sendable {
    var kernel: any KernelKind
    var phaseIndex: Int
    var startedAt: SimTime

    /// Its totals, with the time it has run until `now`.
    func totalsNow(at now: SimTime) -> KernelTotals {
        var totals = kernel.totals
        totals.phasePs = (now - startedAt).picoseconds
        return totals
    }
}

extension Machine {
    /// An added-kernel event's payload: the engine slot in the top byte, the kernel's token below.
    static let addedSlotShift: UInt64 = 56

    /// Schedules an event of the added kernel now starting or handling one at `time`; it gets
    /// `token` back.
    mutating func kernelEvent(at time: SimTime, token: UInt64) {
        precondition(token < 1 << Self.addedSlotShift, "a kernel's token fits below its engine slot")
        queue.push(Event(time: time, kind: EventOwner.addedKernels.rawValue << EventOwner.shift, payload: UInt64(activeAddedSlot) << Self.addedSlotShift | token))
    }

    mutating func startAddedKernel(_ values: KernelValues, phaseIndex: Int, base: UInt64) {
        guard let kind = KernelKinds.kind(values.kind) else { preconditionFailure("unknown kernel kind \(values.kind)") }
        let slot = Engine.added.firstIndex(of: kind.declaration.engine)!
        var kernel = kind.init(values, base: base)
        if kernel.usesGPU { gpuWorkBegins() }
        activeAddedSlot = slot
        kernel.start(on: &self)
        addedKernels[slot] = AddedKernelRun(kernel: kernel, phaseIndex: phaseIndex, startedAt: now)
    }

    /// Hands an event to the added kernel of its engine slot (moved out meanwhile, so it may
    /// change the node).
    mutating func handleAddedKernel(_ payload: UInt64) {
        let slot = Int(payload >> Self.addedSlotShift)
        guard var run = addedKernels[slot] else { return }
        addedKernels[slot] = nil
        activeAddedSlot = slot
        let finished = run.kernel.handle(payload & (1 << Self.addedSlotShift - 1), on: &self)
        if finished {
            account(run)
            finishPhase(run.phaseIndex)
        } else {
            addedKernels[slot] = run
        }
    }

    /// The added kernels running now, one per engine at most.
    var runningAddedKernels: [AddedKernelRun] { addedKernels.compactMap { $0 } }

    /// Adds a run's work to its kind's totals (at its end, or at the end of the simulation).
    mutating func account(_ run: AddedKernelRun) {
        let name = type(of: run.kernel).declaration.name
        addedKernelStats[name, default: KernelTotals()].add(run.totalsNow(at: now))
    }

    /// A GPU line store from the SMs through the write-back L2: it takes the L2's data path,
    /// and when it evicts a dirty line, the L2 accepts it once that line's write-back has been
    /// accepted by the memory controller. Returns when the store is done for the SM.
    mutating func gpuStoreLine(_ address: UInt64) -> SimTime {
        let stored = l2Transfer(bytes: config.gpu.lineBytes, at: now)
        l2.access(address, write: true)
        guard l2.victimDirty, let victim = l2.victim else { return stored }
        return SimTime.latest(stored, path.gpuWriteLine(victim, at: now))
    }

    /// Metrics of the added kinds the program runs, in the order they first appear.
    var addedKernelMetrics: [MetricValue] {
        var totals = addedKernelStats
        for run in runningAddedKernels { totals[type(of: run.kernel).declaration.name, default: KernelTotals()].add(run.totalsNow(at: now)) }
        return program.addedKernelMetrics(totals)
    }
}

extension Program {
    /// Metrics of the added kinds the program runs, in the order they first appear, from each
    /// kind's totals (detailed and fast mode alike).
    func addedKernelMetrics(_ totals: [String: KernelTotals]) -> [MetricValue] {
        addedKernelKinds.flatMap { declaration -> [MetricValue] in
            let kindTotals = totals[declaration.name] ?? KernelTotals()
            return declaration.metrics.map { MetricValue(name: $0.name, value: $0.value(kindTotals), unit: $0.unit) }
        }
    }

    /// The added kernel kinds among the phases, in the order they first appear.
    public var addedKernelKinds: [KernelDeclaration] {
        var names: [String] = []
        for case .kernel(let values) in phases where !names.contains(values.kind) { names.append(values.kind) }
        return names.map { KernelKinds.declaration($0)! }
    }
}

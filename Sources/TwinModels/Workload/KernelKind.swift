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

    public init(_ name: String, _ unit: QuantityKind, default defaultValue: Double? = nil, range: ClosedRange<Double>, _ meaning: String) {
        self.name = name
        self.unit = unit
        self.defaultValue = defaultValue
        self.range = range
        self.meaning = meaning
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

    public init(name: String, summary: String, keys: [KernelKey], bufferBytes: @escaping @Sendable (KernelValues) -> UInt64) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.bufferBytes = bufferBytes
    }

    /// The metrics a run with phases of this kind reports, beside the machine's own.
    public var metrics: [(name: String, unit: String)] {
        [("gpu.\(name).bytes", "B"), ("gpu.\(name).bandwidth", "GB/s"), ("gpu.\(name).kernels", "count"),
         ("gpu.\(name).kernel_time.mean", "us")]
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
public struct KernelValues: Sendable, Equatable {
    public var kind: String
    public var values: [Double]

    /// The value of key `name` of the kind's declaration.
    public subscript(_ name: String) -> Double {
        guard let index = KernelKinds.declaration(kind)?.keys.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(kind) declares no key \(name)")
        }
        return values[index]
    }

    public var declaration: KernelDeclaration { KernelKinds.declaration(kind)! }
}

/// The model of an added kernel kind, run by its node: it starts on the phase's values and
/// buffer, schedules its own events through `Machine.kernelEvent(at:token:)`, and is handed each
/// back. Machine primitives (`gpuStoreLine`, `l2Transfer`, the memory path) do the timing.
protocol KernelKind: Sendable {
    static var declaration: KernelDeclaration { get }
    init(_ values: KernelValues, base: UInt64)
    /// The phase begins: schedule the first kernel.
    mutating func start(on machine: inout Machine)
    /// An event this kernel scheduled has come. Returns true when the phase is over.
    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool
    /// Bytes it has moved and kernels it has finished so far.
    var bytesMoved: UInt64 { get }
    var kernelsCompleted: UInt64 { get }
}

/// Every added kernel kind. A new kind is its own file (declaration and model) and a line here.
enum KernelKinds {
    static let all: [any KernelKind.Type] = [
        MemsetKernel.self,
    ]

    static func kind(_ name: String) -> (any KernelKind.Type)? { all.first { $0.declaration.name == name } }
    static func declaration(_ name: String) -> KernelDeclaration? { kind(name)?.declaration }
}

extension KernelDeclaration {
    /// The declarations of every added kernel kind, for the loader and `describe`.
    public static var all: [KernelDeclaration] { KernelKinds.all.map { $0.declaration } }
}

/// What the phases of one added kind have done in a run.
struct AddedKernelStats: Sendable {
    var bytes: UInt64 = 0
    var kernels: UInt64 = 0
    var phasePs: UInt64 = 0
}

/// The added kernel phase now running on a node.
struct AddedKernelRun: Sendable {
    var kernel: any KernelKind
    var phaseIndex: Int
    var startedAt: SimTime
}

extension Machine {
    /// Schedules an event of the running added kernel at `time`; it gets `token` back.
    mutating func kernelEvent(at time: SimTime, token: UInt64) {
        queue.push(Event(time: time, kind: EventKind.addedKernel.rawValue, payload: token))
    }

    mutating func startAddedKernel(_ values: KernelValues, phaseIndex: Int, base: UInt64) {
        guard let kind = KernelKinds.kind(values.kind) else { preconditionFailure("unknown kernel kind \(values.kind)") }
        var kernel = kind.init(values, base: base)
        kernel.start(on: &self)
        addedKernel = AddedKernelRun(kernel: kernel, phaseIndex: phaseIndex, startedAt: now)
    }

    /// Hands an event to the running added kernel (moved out meanwhile, so it may change the node).
    mutating func handleAddedKernel(_ token: UInt64) {
        guard var run = addedKernel else { return }
        addedKernel = nil
        let finished = run.kernel.handle(token, on: &self)
        if finished {
            account(run)
            finishPhase(run.phaseIndex)
        } else {
            addedKernel = run
        }
    }

    /// Adds a run's work to its kind's totals (at its end, or at the end of the simulation).
    mutating func account(_ run: AddedKernelRun) {
        let name = type(of: run.kernel).declaration.name
        var stats = addedKernelStats[name] ?? AddedKernelStats()
        stats.bytes += run.kernel.bytesMoved
        stats.kernels += run.kernel.kernelsCompleted
        stats.phasePs += (now - run.startedAt).picoseconds
        addedKernelStats[name] = stats
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
        program.addedKernelKinds.flatMap { declaration -> [MetricValue] in
            var stats = addedKernelStats[declaration.name] ?? AddedKernelStats()
            if let run = addedKernel, type(of: run.kernel).declaration.name == declaration.name {
                stats.bytes += run.kernel.bytesMoved
                stats.kernels += run.kernel.kernelsCompleted
                stats.phasePs += (now - run.startedAt).picoseconds
            }
            let seconds = Double(stats.phasePs) * 1e-12
            let values = [Double(stats.bytes), seconds > 0 ? Double(stats.bytes) / seconds / 1e9 : 0, Double(stats.kernels),
                          stats.kernels > 0 ? seconds / Double(stats.kernels) * 1e6 : 0]
            return zip(declaration.metrics, values).map { MetricValue(name: $0.name, value: $1, unit: $0.unit) }
        }
    }
}

extension Program {
    /// The added kernel kinds among the phases, in the order they first appear.
    public var addedKernelKinds: [KernelDeclaration] {
        var names: [String] = []
        for case .kernel(let values) in phases where !names.contains(values.kind) { names.append(values.kind) }
        return names.map { KernelKinds.declaration($0)! }
    }
}

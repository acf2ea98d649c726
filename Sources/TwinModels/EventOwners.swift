import TwinCore

/// Who handles an event on a node: the node itself or one of its engines. An event's `kind`
/// holds its owner in the top four bits and the owner's own event below, so each engine
/// declares its events beside its handlers, and a new engine is one case here and one in
/// `Machine.dispatch`.
enum EventOwner: UInt8 {
    case node
    case gpuReads
    case gemm
    case copyEngine
    case cpuThreads
    /// The added kernel kinds' engines (`KernelKind`): the payload says which engine.
    case addedKernels
    case networkPort

    /// Where the owner sits in an event's `kind`.
    static let shift: UInt8 = 4
}

/// The events of one owner, numbered below 16.
protocol OwnedEvent: RawRepresentable where RawValue == UInt8 {
    static var owner: EventOwner { get }
}

extension OwnedEvent {
    /// The event's `kind`: its owner and itself.
    var kind: UInt8 { Self.owner.rawValue << EventOwner.shift | rawValue }

    /// The owner's event an event's `kind` names.
    init(kind: UInt8) {
        guard let event = Self(rawValue: kind & (1 << EventOwner.shift - 1)) else { preconditionFailure("unknown event kind \(kind)") }
        self = event
    }
}

/// The node's own events: its program's steps, sampling and the governor.
enum NodeEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.node
    /// Start step number `payload` of the program: its phases, together.
    case stepStart
    /// Idle phase `payload` is over.
    case phaseEnd
    /// Take a time-series sample.
    case sample
    /// A governor period is over.
    case powerTick
}

extension Machine {
    /// Schedules `event` of this node at `time`.
    func schedule<E: OwnedEvent>(_ event: E, at time: SimTime, phase: EventPhase = .delivery, payload: UInt64 = 0) {
        queue.push(Event(time: time, phase: phase, kind: event.kind, payload: payload))
    }
}

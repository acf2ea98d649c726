/// Tie-break class of events that fall on the same picosecond.
///
/// Events are ordered by `(time, phase, sequence)`. Within one instant, clock edges come first,
/// then deliveries of messages, then control actions (phase changes), and sampling last, so a
/// sample sees the state after everything that happened at its instant.
public enum EventPhase: UInt8, Sendable, BitwiseCopyable, Comparable {
    case clockEdge = 0
    case delivery = 1
    case control = 2
    case sample = 3

    public static func < (lhs: EventPhase, rhs: EventPhase) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A scheduled event: a small plain value, 24 bytes.
///
/// The kernel does not interpret `kind`, `target` or `payload`; the machine that owns the loop
/// does, in one `switch`. Anything larger than the payload lives in a slab the payload indexes.
@frozen
public struct Event: Sendable, BitwiseCopyable, Equatable {
    /// When the event fires.
    public var time: SimTime
    /// A small argument, often an index into a slab of requests.
    public var payload: UInt64
    /// Index of the target component within the array of its kind.
    public var target: UInt32
    /// What happens; meaning defined by the owner of the loop.
    public var kind: UInt8
    /// Tie-break class within one instant.
    public var phase: EventPhase

    @inlinable
    public init(time: SimTime, phase: EventPhase = .delivery, kind: UInt8, target: UInt32 = 0, payload: UInt64 = 0) {
        self.time = time
        self.payload = payload
        self.target = target
        self.kind = kind
        self.phase = phase
    }
}

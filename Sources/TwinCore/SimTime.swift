/// A point in simulated time: an integer count of picoseconds since the start of the run.
///
/// `UInt64` picoseconds cover about 213 days, far more than any run. Points and spans are
/// separate types so that adding two points, a classic simulator bug, does not compile.
/// All arithmetic traps on overflow: a wrapped time would silently reorder events.
@frozen
public struct SimTime: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Picoseconds since the start of the run.
    public var picoseconds: UInt64

    /// Creates a time point from picoseconds since the start of the run.
    @inlinable
    public init(picoseconds: UInt64) { self.picoseconds = picoseconds }

    /// The start of every run.
    public static let zero = SimTime(picoseconds: 0)

    /// The latest representable time; used as "never".
    public static let never = SimTime(picoseconds: .max)

    /// The time in seconds, for reporting only (never for ordering).
    @inlinable
    public var seconds: Double { Double(picoseconds) / 1e12 }

    @inlinable
    public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.picoseconds < rhs.picoseconds }

    /// Time plus a span. Traps on overflow.
    @inlinable
    public static func + (lhs: SimTime, rhs: SimDuration) -> SimTime {
        SimTime(picoseconds: lhs.picoseconds + rhs.picoseconds)
    }

    /// Advances a time by a span. Traps on overflow.
    @inlinable
    public static func += (lhs: inout SimTime, rhs: SimDuration) { lhs = lhs + rhs }

    /// The span from `rhs` to `lhs`. Traps if `rhs` is later than `lhs`.
    @inlinable
    public static func - (lhs: SimTime, rhs: SimTime) -> SimDuration {
        SimDuration(picoseconds: lhs.picoseconds - rhs.picoseconds)
    }

    public var description: String { SimDuration(picoseconds: picoseconds).description }
}

/// A span of simulated time in integer picoseconds.
@frozen
public struct SimDuration: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Length of the span in picoseconds.
    public var picoseconds: UInt64

    /// Creates a span from picoseconds.
    @inlinable
    public init(picoseconds: UInt64) { self.picoseconds = picoseconds }

    /// Creates a span from nanoseconds.
    @inlinable
    public init(nanoseconds: UInt64) { self.picoseconds = nanoseconds * 1_000 }

    /// Creates a span from a duration in seconds, rounded to the nearest picosecond.
    ///
    /// - Precondition: `seconds` is finite, not negative and fits in `UInt64` picoseconds.
    public init(seconds: Double) {
        let ps = (seconds * 1e12).rounded()
        precondition(ps.isFinite && ps >= 0 && ps < 1.8e19, "duration out of range: \(seconds) s")
        self.picoseconds = UInt64(ps)
    }

    /// The empty span.
    public static let zero = SimDuration(picoseconds: 0)

    /// The span in seconds, for reporting and for formulas in `Double`.
    @inlinable
    public var seconds: Double { Double(picoseconds) / 1e12 }

    @inlinable
    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.picoseconds < rhs.picoseconds }

    /// Sum of two spans. Traps on overflow.
    @inlinable
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(picoseconds: lhs.picoseconds + rhs.picoseconds)
    }

    /// Difference of two spans. Traps if `rhs` is longer than `lhs`.
    @inlinable
    public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(picoseconds: lhs.picoseconds - rhs.picoseconds)
    }

    /// A span repeated `count` times. Traps on overflow.
    @inlinable
    public static func * (lhs: SimDuration, count: UInt64) -> SimDuration {
        SimDuration(picoseconds: lhs.picoseconds * count)
    }

    public var description: String {
        let ps = picoseconds
        if ps % 1_000_000_000_000 == 0 { return "\(ps / 1_000_000_000_000) s" }
        if ps % 1_000_000_000 == 0 { return "\(ps / 1_000_000_000) ms" }
        if ps % 1_000_000 == 0 { return "\(ps / 1_000_000) us" }
        if ps % 1_000 == 0 { return "\(ps / 1_000) ns" }
        return "\(ps) ps"
    }
}

extension SimTime {
    /// The later of two points.
    @inlinable
    public static func latest(_ a: SimTime, _ b: SimTime) -> SimTime { a < b ? b : a }
}

/// A clock whose frequency can change during a run (DVFS), with exact edge arithmetic.
///
/// Edge times are never accumulated. The domain remembers an *anchor*: the time of one edge and
/// that edge's cycle number. Edge `anchorCycle + k` lies at `anchor + ceil(k · 10¹² / hz)`
/// picoseconds, computed through `UInt128`, so a 2.8 GHz clock does not drift by a picosecond
/// after billions of cycles. A frequency change takes effect at the first edge at or after the
/// requested time and moves the anchor there.
public struct ClockDomain: Sendable {
    /// Current frequency in hertz.
    public private(set) var frequencyHz: UInt64
    /// Time of the anchor edge.
    public private(set) var anchor: SimTime
    /// Cycle number of the anchor edge.
    public private(set) var anchorCycle: UInt64

    private static let picosecondsPerSecond: UInt128 = 1_000_000_000_000

    /// Creates a clock domain whose cycle 0 is at time zero.
    ///
    /// - Precondition: `frequencyHz` is positive and at most 10¹² (one edge per picosecond).
    public init(frequencyHz: UInt64) {
        precondition(frequencyHz > 0, "clock frequency must be positive")
        precondition(frequencyHz <= 1_000_000_000_000, "clock frequency above 1 THz cannot be resolved in picoseconds")
        self.frequencyHz = frequencyHz
        self.anchor = .zero
        self.anchorCycle = 0
    }

    /// The time of a cycle edge at or after the anchor.
    ///
    /// - Precondition: `cycle >= anchorCycle`.
    public func time(ofCycle cycle: UInt64) -> SimTime {
        precondition(cycle >= anchorCycle, "cycle \(cycle) is before the clock's last frequency change")
        let k = UInt128(cycle - anchorCycle)
        let hz = UInt128(frequencyHz)
        let offset = (k * Self.picosecondsPerSecond + hz - 1) / hz
        precondition(offset <= UInt128(UInt64.max - anchor.picoseconds), "clock edge beyond the end of time")
        return anchor + SimDuration(picoseconds: UInt64(offset))
    }

    /// The number of the first edge at or after `time`.
    ///
    /// - Precondition: `time >= anchor`.
    public func cycle(atOrAfter time: SimTime) -> UInt64 {
        precondition(time >= anchor, "time \(time) is before the clock's last frequency change")
        let d = UInt128((time - anchor).picoseconds)
        if d == 0 { return anchorCycle }
        // Smallest k with ceil(k·10¹²/hz) >= d, that is k·10¹² > (d − 1)·hz.
        let k = (d - 1) * UInt128(frequencyHz) / Self.picosecondsPerSecond + 1
        return anchorCycle + UInt64(k)
    }

    /// The number of edges in `(anchor, time]` plus the anchor's cycle: the cycle count at `time`.
    public func cycles(at time: SimTime) -> UInt64 {
        precondition(time >= anchor, "time \(time) is before the clock's last frequency change")
        let d = UInt128((time - anchor).picoseconds)
        return anchorCycle + UInt64(d * UInt128(frequencyHz) / Self.picosecondsPerSecond)
    }

    /// The first edge at or after `time`.
    public func nextEdge(atOrAfter time: SimTime) -> SimTime {
        self.time(ofCycle: cycle(atOrAfter: time))
    }

    /// The edge `cycles` cycles after the first edge at or after `time`.
    public func edge(after cycles: UInt64, from time: SimTime) -> SimTime {
        self.time(ofCycle: cycle(atOrAfter: time) + cycles)
    }

    /// Changes the frequency; the change takes effect at the first edge at or after `time`.
    ///
    /// - Returns: the time of the edge where the new frequency starts.
    @discardableResult
    public mutating func setFrequency(_ hz: UInt64, at time: SimTime) -> SimTime {
        precondition(hz > 0, "clock frequency must be positive")
        precondition(hz <= 1_000_000_000_000, "clock frequency above 1 THz cannot be resolved in picoseconds")
        let cycle = cycle(atOrAfter: time)
        let edge = self.time(ofCycle: cycle)
        anchor = edge
        anchorCycle = cycle
        frequencyHz = hz
        return edge
    }
}

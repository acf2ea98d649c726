import TwinCore

/// The classic hold model (Jones, 1986) on the event queue: the queue starts with `pending`
/// events; each step pops the earliest and pushes one at its time plus an exponential increment.
///
/// Increments have a 1 µs mean, drawn from a SplitMix64 stream, in picoseconds, the same model
/// as `tools/bench/hold.cpp` and `tools/bench/hold_simpy.py`, so the three can be compared.
public enum HoldBenchmark {
    public struct Result: Sendable {
        public var pending: Int
        public var events: Int
        public var seconds: Double
        /// Sum of popped times: a checksum that also keeps the work from being optimized away.
        public var checksum: UInt64

        public var eventsPerSecond: Double { Double(events) / seconds }
    }

    public static let meanIncrementPs = 1_000_000.0

    public static func run(pending: Int, events: Int, seed: UInt64 = 1) -> Result {
        precondition(pending >= 1 && events >= 1, "the hold model needs pending events and steps")
        var random = RandomStream(state: seed)
        var queue = EventQueue(capacity: pending + 1)
        for _ in 0..<pending {
            let t = UInt64(random.nextExponential(mean: meanIncrementPs))
            queue.push(Event(time: SimTime(picoseconds: t), kind: 0))
        }
        let clock = ContinuousClock()
        let start = clock.now
        var checksum: UInt64 = 0
        for _ in 0..<events {
            var event = queue.pop()
            checksum &+= event.time.picoseconds
            event.time += SimDuration(picoseconds: UInt64(random.nextExponential(mean: meanIncrementPs)))
            queue.push(event)
        }
        let elapsed = clock.now - start
        let (s, attoseconds) = elapsed.components
        return Result(pending: pending, events: events, seconds: Double(s) + Double(attoseconds) * 1e-18, checksum: checksum)
    }
}

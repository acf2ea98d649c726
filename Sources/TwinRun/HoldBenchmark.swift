import TwinCore

/// The classic hold model (Jones, 1986) on the event queue: the queue starts with `pending`
/// events; each step pops the earliest and pushes one at its time plus an exponential increment.
///
/// Increments have a 1 µs mean, drawn from a SplitMix64 stream, in picoseconds, the same model
/// as `tools/bench/hold.cpp` and `tools/bench/hold_simpy.py`, so the three can be compared.
public enum HoldBenchmark {
    /// Where each step's increment comes from.
    public enum Increments: String, CaseIterable, Sendable {
        /// Drawn as the step runs (a logarithm per step): the hold model as specified.
        case drawn
        /// Cycled from a table of `tableSize` draws made before the timer starts, so the
        /// timing is the queue's alone. Every implementation builds the same table from the
        /// same stream, so the checksums still agree.
        case table
    }

    /// Entries of the increment table: 512 KiB, read in order, so the hardware prefetcher
    /// keeps it out of the queue's way.
    public static let tableSize = 1 << 16

    public struct Result: Sendable {
        public var pending: Int
        public var events: Int
        public var seconds: Double
        /// Sum of popped times: a checksum that also keeps the work from being optimized away.
        public var checksum: UInt64

        public var eventsPerSecond: Double { Double(events) / seconds }
    }

    public static let meanIncrementPs = 1_000_000.0

    public static func run(pending: Int, events: Int, seed: UInt64 = 1, increments: Increments = .drawn) -> Result {
        precondition(pending >= 1 && events >= 1, "the hold model needs pending events and steps")
        var random = RandomStream(state: seed)
        var queue = EventQueue(capacity: pending + 1)
        for _ in 0..<pending {
            let t = UInt64(random.nextExponential(mean: meanIncrementPs))
            queue.push(Event(time: SimTime(picoseconds: t), kind: 0))
        }
        let clock = ContinuousClock()
        var checksum: UInt64 = 0
        let start: ContinuousClock.Instant
        switch increments {
        case .drawn:
            start = clock.now
            for _ in 0..<events {
                var event = queue.pop()
                checksum &+= event.time.picoseconds
                event.time += SimDuration(picoseconds: UInt64(random.nextExponential(mean: meanIncrementPs)))
                queue.push(event)
            }
        case .table:
            let table = (0..<tableSize).map { _ in SimDuration(picoseconds: UInt64(random.nextExponential(mean: meanIncrementPs))) }
            start = clock.now
            table.withUnsafeBufferPointer { table in
                for step in 0..<events {
                    var event = queue.pop()
                    checksum &+= event.time.picoseconds
                    event.time += table[step & (tableSize - 1)]
                    queue.push(event)
                }
            }
        }
        let elapsed = clock.now - start
        let (s, attoseconds) = elapsed.components
        return Result(pending: pending, events: events, seconds: Double(s) + Double(attoseconds) * 1e-18, checksum: checksum)
    }
}

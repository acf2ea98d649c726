import TwinCore

/// The walk of a pointer chase, CPU or GPU: which line each load reads and how many loads are
/// left. The next line is drawn uniformly from the buffer by the chase's seeded stream (a random
/// walk rather than one cyclic permutation: the same cache behaviour, without a permutation
/// table the size of the buffer).
struct ChaseWalk: Sendable {
    let lines: UInt64
    let lineBytes: UInt64
    /// Where the buffer starts.
    var base: UInt64 = 0
    var stepsLeft: UInt64
    var random: RandomStream

    init(bufferBytes: UInt64, lineBytes: UInt64, steps: UInt64, random: RandomStream) {
        self.lineBytes = lineBytes
        lines = max(1, bufferBytes / lineBytes)
        stepsLeft = steps
        self.random = random
    }

    /// Draws the next address.
    mutating func nextAddress() -> UInt64 { base + random.next(below: lines) * lineBytes }
}

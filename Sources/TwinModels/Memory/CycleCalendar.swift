/// Which cycles of a resource are taken, one bit per cycle, for several lanes (channels) at once.
///
/// A reservation model times requests in the order they are made, but a request made later may
/// need a slot earlier than one already granted (it waited on nothing). A calendar lets it take
/// any free slot instead of queueing behind the latest grant. Each lane tracks a sliding window of
/// `windowCycles` cycles; cycles before the window's base count as past and cannot be taken.
/// Public for its tests (`CycleCalendarTests` checks it against a plain reference).
public struct CycleCalendar: Sendable {
    static let windowWords = 64
    public static let windowCycles = UInt64(windowWords * 64)

    /// Lane l's cycle x is bit x % 64 of word `l * windowWords + (x / 64) % windowWords`.
    private var words: [UInt64]
    /// Per lane: first cycle the window tracks (a multiple of 64), and the end of the latest mark.
    public private(set) var base: [UInt64]
    private(set) var end: [UInt64]

    public init(lanes: Int) {
        words = Array(repeating: 0, count: lanes * Self.windowWords)
        base = Array(repeating: 0, count: lanes)
        end = Array(repeating: 0, count: lanes)
    }

    @inline(__always)
    private func index(_ lane: Int, _ cycle: UInt64) -> Int {
        lane * Self.windowWords + Int((cycle / 64) % UInt64(Self.windowWords))
    }

    public func isTaken(_ lane: Int, _ cycle: UInt64) -> Bool {
        cycle >= base[lane] && cycle < end[lane] && words[index(lane, cycle)] & (1 << (cycle % 64)) != 0
    }

    /// Marks `cycles` taken, sliding the window forward if they reach past it.
    public mutating func take(_ lane: Int, _ cycles: Range<UInt64>) {
        guard let last = cycles.last else { return }
        slide(lane, through: last)
        // Cycles before the window are past: marking them would clobber a future lap of the ring.
        var cycle = max(cycles.lowerBound, base[lane])
        while cycle < cycles.upperBound {
            let offset = cycle % 64
            let span = min(64 - offset, cycles.upperBound - cycle)
            words[index(lane, cycle)] |= Self.mask(span) << offset
            cycle += span
        }
        end[lane] = max(end[lane], cycles.upperBound)
    }

    /// Marks cycle `start + k` taken for every bit k of `bits`, in one pass over the (at most
    /// three) words they fall in; cycles before the window are past and stay untouched.
    public mutating func take(_ lane: Int, bits: UInt128, from start: UInt64) {
        guard bits != 0 else { return }
        let last = start + UInt64(127 - bits.leadingZeroBitCount)
        slide(lane, through: last)
        var marks = bits
        if start < base[lane] {
            let past = base[lane] - start
            marks = past >= 128 ? 0 : marks & (UInt128.max << past)
        }
        let shift = start % 64
        let low = UInt64(truncatingIfNeeded: marks << shift)
        let middle = UInt64(truncatingIfNeeded: shift == 0 ? marks >> 64 : marks >> (64 - shift))
        let high = shift == 0 ? 0 : UInt64(truncatingIfNeeded: marks >> (128 - shift))
        if low != 0 { words[index(lane, start)] |= low }
        if middle != 0 { words[index(lane, start + 64)] |= middle }
        if high != 0 { words[index(lane, start + 128)] |= high }
        end[lane] = max(end[lane], last + 1)
    }

    /// The low `span` bits set, for `span` in 1...64.
    @inline(__always)
    private static func mask(_ span: UInt64) -> UInt64 { UInt64.max >> (64 - span) }

    /// The first free cycle of `lane` at or after `cycle`, skipping taken cycles a word at a time.
    @inline(__always)
    public func firstFree(_ lane: Int, from cycle: UInt64) -> UInt64 {
        let start = max(cycle, base[lane])
        var word = start / 64
        var mask = UInt64.max << (start % 64)
        while word * 64 < end[lane] {
            let free = ~words[lane * Self.windowWords + Int(word % UInt64(Self.windowWords))] & mask
            if free != 0 { return max(start, word * 64 + UInt64(free.trailingZeroBitCount)) }
            word += 1
            mask = .max
        }
        return max(start, end[lane])
    }

    /// How many cycles in `cycles` are taken.
    public func count(_ lane: Int, _ cycles: Range<UInt64>) -> Int {
        let lower = max(cycles.lowerBound, base[lane])
        let upper = min(cycles.upperBound, end[lane])
        guard lower < upper else { return 0 }
        var total = 0
        var cycle = lower
        while cycle < upper {
            let offset = cycle % 64
            let span = min(64 - offset, upper - cycle)
            total += (words[index(lane, cycle)] & (Self.mask(span) << offset)).nonzeroBitCount
            cycle += span
        }
        return total
    }

    /// The taken bits of `lane` for cycles `start ..< start + 128`, cycle `start` in bit 0; cycles
    /// outside the window read as free.
    @inline(__always)
    public func bits(_ lane: Int, from start: UInt64) -> UInt128 {
        // Three aligned words cover any 128-cycle span.
        let first = start / 64
        let low = UInt128(word(lane, first + 1)) << 64 | UInt128(word(lane, first))
        let shift = start % 64
        guard shift != 0 else { return low }
        return low >> shift | UInt128(word(lane, first + 2)) << (128 - shift)
    }

    /// The 64 cycles from `index * 64` of `lane`; zero outside the window. The window's base is a
    /// multiple of 64 and its end at most one window past the base, so a word is either wholly
    /// inside or wholly outside.
    @inline(__always)
    private func word(_ lane: Int, _ index: UInt64) -> UInt64 {
        let first = index * 64
        return first >= base[lane] && first < end[lane] ? words[self.index(lane, first)] : 0
    }

    /// Moves the window of `lane` forward so that it covers `cycle`, forgetting its oldest cycles.
    private mutating func slide(_ lane: Int, through cycle: UInt64) {
        let oldBase = base[lane]
        guard cycle >= oldBase + Self.windowCycles else { return }
        let newBase = (cycle + 1 - Self.windowCycles + 63) / 64 * 64
        var word = oldBase / 64
        while word < min(newBase / 64, oldBase / 64 + UInt64(Self.windowWords)) {
            words[lane * Self.windowWords + Int(word % UInt64(Self.windowWords))] = 0
            word += 1
        }
        base[lane] = newBase
        end[lane] = max(end[lane], newBase)
    }
}

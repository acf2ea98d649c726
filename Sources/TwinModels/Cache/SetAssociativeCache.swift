import TwinCore
import TwinCoreShims

/// A set-associative cache of lines with least-recently-used replacement: the GPU's L2, the
/// Grace cores' L1 and L2, the clusters' L3 and the system-level cache.
///
/// Only tags are kept (the twin moves no data). A lookup that misses allocates the line at once,
/// evicting the set's least recently used way, so a second request for the same line while the
/// first is still in flight counts as a hit, as an MSHR merge would. Sets are picked by a
/// multiplicative hash of the line number, which spreads strided streams the way the hardware's
/// (unpublished) slice hash does and allows set counts that are not powers of two.
public struct SetAssociativeCache: Sendable {
    public struct Config: Sendable, Equatable {
        public var lineBytes: UInt64
        public var sets: Int
        public var ways: Int

        public init(capacityBytes: UInt64, lineBytes: UInt64, ways: Int) {
            precondition(lineBytes > 0 && ways > 0, "cache needs lines and ways")
            self.lineBytes = lineBytes
            self.ways = ways
            self.sets = max(1, Int(capacityBytes / lineBytes) / ways)
        }

        public var capacityBytes: UInt64 { UInt64(sets * ways) * lineBytes }
    }

    /// Counters since the start of the run.
    public struct Stats: Sendable, Equatable {
        public var hits: UInt64 = 0
        public var misses: UInt64 = 0

        public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
    }

    public let config: Config
    public private(set) var stats = Stats()
    /// Per way, its tag: `empty` when it holds nothing; the top bit marks a dirty line. The
    /// ways of set s are `tags[s * config.ways ..< (s + 1) * config.ways]`.
    private var tags: [UInt64]
    /// Per way, the access count at its last use: the least recently used way has the smallest
    /// stamp; empty ways have stamp 0, so they fill first. Kept apart from the tags so that a
    /// hit reads only the set's tags (a 50 MiB L2's sets are far apart in the host's memory,
    /// and each host cache line touched is a miss).
    private var stamps: [UInt64]
    /// Accesses so far: the clock of the stamps.
    private var accesses: UInt64 = 0
    private let lineDivisor: Divisor
    private static let empty = UInt64.max
    private static let dirtyBit: UInt64 = 1 << 63

    public init(config: Config) {
        self.config = config
        self.tags = Array(repeating: Self.empty, count: config.sets * config.ways)
        self.stamps = Array(repeating: 0, count: config.sets * config.ways)
        self.lineDivisor = Divisor(config.lineBytes)
    }

    /// The line the last miss evicted, if any, and whether it was dirty (written, so that a
    /// write-back cache must write it back).
    public private(set) var victim: UInt64?
    public private(set) var victimDirty = false

    /// Looks up the line holding `address`, allocating it on a miss (and reporting the line it
    /// evicts in `victim`); `write` marks the line dirty.
    ///
    /// - Returns: whether the line was present.
    @discardableResult
    public mutating func access(_ address: UInt64, write: Bool = false) -> Bool {
        let line = lineDivisor.quotient(address)
        let first = setIndex(line) * config.ways
        let end = first + config.ways
        accesses &+= 1
        let now = accesses
        let dirty = write ? Self.dirtyBit : 0
        let hit: Int? = tags.withUnsafeBufferPointer { tags in
            for way in first..<end where tags[way] & ~Self.dirtyBit == line { return way }
            return nil
        }
        let evicted: UInt64?
        if let hit {
            tags[hit] |= dirty
            stamps[hit] = now
            evicted = nil
        } else {
            let oldest = stamps.withUnsafeBufferPointer { stamps in
                var oldest = first
                for way in first..<end where stamps[way] < stamps[oldest] { oldest = way }
                return oldest
            }
            evicted = tags[oldest]
            tags[oldest] = line | dirty
            stamps[oldest] = now
        }
        guard let evicted else {
            stats.hits += 1
            victim = nil
            return true
        }
        stats.misses += 1
        victim = evicted == Self.empty ? nil : (evicted & ~Self.dirtyBit) * config.lineBytes
        victimDirty = evicted != Self.empty && evicted & Self.dirtyBit != 0
        return false
    }

    /// Whether the line holding `address` is present, without touching the replacement order.
    public func contains(_ address: UInt64) -> Bool {
        let line = lineDivisor.quotient(address)
        let first = setIndex(line) * config.ways
        return tags[first..<(first + config.ways)].contains { $0 & ~Self.dirtyBit == line }
    }

    /// Starts loading the tags of the set that holds `address` into the host's caches, for a
    /// lookup soon after: callers that know their next addresses overlap the host's cache
    /// misses. No effect on results.
    public func prefetch(_ address: UInt64) {
        let first = setIndex(lineDivisor.quotient(address)) * config.ways
        // The set's first and last tags and stamps: their host cache lines unless a set spans three.
        tags.withUnsafeBufferPointer { tags in
            twin_prefetch(tags.baseAddress! + first)
            twin_prefetch(tags.baseAddress! + first + config.ways - 1)
        }
        stamps.withUnsafeBufferPointer { stamps in
            twin_prefetch(stamps.baseAddress! + first)
            twin_prefetch(stamps.baseAddress! + first + config.ways - 1)
        }
    }

    /// Fibonacci hashing: the high bits of line × 2^64/φ, scaled to the set count.
    private func setIndex(_ line: UInt64) -> Int {
        let hash = line &* 0x9E37_79B9_7F4A_7C15
        // (Shifts bind tighter than products in Swift.)
        return Int(((hash >> 32) * UInt64(config.sets)) >> 32)
    }

    /// Forgets every line (a cold cache), keeping the counters.
    public mutating func invalidateAll() {
        for i in tags.indices {
            tags[i] = Self.empty
            stamps[i] = 0
        }
    }
}

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
    /// Tags of set s in `tags[s * ways ..< (s + 1) * ways]`, most recently used first; `empty` is
    /// a way holding nothing.
    private var tags: [UInt64]
    private static let empty = UInt64.max
    private static let dirtyBit: UInt64 = 1 << 63

    public init(config: Config) {
        self.config = config
        self.tags = Array(repeating: Self.empty, count: config.sets * config.ways)
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
        let line = address / config.lineBytes
        let first = setIndex(line) * config.ways
        let evicted = tags[first + config.ways - 1]
        let hit = Self.touch(line, dirty: write, first: first, ways: config.ways, in: &tags)
        if hit {
            stats.hits += 1
            victim = nil
        } else {
            stats.misses += 1
            victim = evicted == Self.empty ? nil : (evicted & ~Self.dirtyBit) * config.lineBytes
            victimDirty = evicted != Self.empty && evicted & Self.dirtyBit != 0
        }
        return hit
    }

    /// Whether the line holding `address` is present, without touching the replacement order.
    public func contains(_ address: UInt64) -> Bool {
        let line = address / config.lineBytes
        let first = setIndex(line) * config.ways
        return tags[first..<(first + config.ways)].contains { $0 & ~Self.dirtyBit == line }
    }

    /// Finds `line` among the ways starting at `first` and moves it to the front (most recently
    /// used), inserting it in place of the last (least recently used) way if absent. A tag's top
    /// bit marks it dirty; it travels with the tag.
    private static func touch(_ line: UInt64, dirty: Bool, first: Int, ways: Int, in tags: inout [UInt64]) -> Bool {
        tags.withUnsafeMutableBufferPointer { tags in
            var way = 0
            while way < ways, tags[first + way] & ~dirtyBit != line { way += 1 }
            let hit = way < ways
            let wasDirty = hit && tags[first + way] & dirtyBit != 0
            var i = min(way, ways - 1)
            while i > 0 {
                tags[first + i] = tags[first + i - 1]
                i -= 1
            }
            tags[first] = line | (dirty || wasDirty ? dirtyBit : 0)
            return hit
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
        for i in tags.indices { tags[i] = Self.empty }
    }
}

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

    public init(config: Config) {
        self.config = config
        self.tags = Array(repeating: Self.empty, count: config.sets * config.ways)
    }

    /// Looks up the line holding `address`, allocating it on a miss.
    ///
    /// - Returns: whether the line was present.
    public mutating func access(_ address: UInt64) -> Bool {
        access(address, victim: nil)
    }

    /// Looks up the line holding `address`, allocating it on a miss; on a miss that evicts a
    /// line, `victim` receives that line's address.
    public mutating func access(_ address: UInt64, victim: UnsafeMutablePointer<UInt64>?) -> Bool {
        let line = address / config.lineBytes
        let set = setIndex(line)
        let first = set * config.ways
        let evicted = tags[first + config.ways - 1]
        let hit = Self.touch(line, first: first, ways: config.ways, in: &tags)
        if !hit, evicted != Self.empty, let victim { victim.pointee = evicted * config.lineBytes }
        if hit { stats.hits += 1 } else { stats.misses += 1 }
        return hit
    }

    /// Whether the line holding `address` is present, without touching the replacement order.
    public func contains(_ address: UInt64) -> Bool {
        let line = address / config.lineBytes
        let first = setIndex(line) * config.ways
        return tags[first..<(first + config.ways)].contains(line)
    }

    /// Finds `line` among the ways starting at `first` and moves it to the front (most recently
    /// used), inserting it in place of the last (least recently used) way if absent.
    private static func touch(_ line: UInt64, first: Int, ways: Int, in tags: inout [UInt64]) -> Bool {
        tags.withUnsafeMutableBufferPointer { tags in
            var way = 0
            while way < ways, tags[first + way] != line { way += 1 }
            var i = min(way, ways - 1)
            while i > 0 {
                tags[first + i] = tags[first + i - 1]
                i -= 1
            }
            tags[first] = line
            return way < ways
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

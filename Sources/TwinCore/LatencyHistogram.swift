/// A histogram of latencies with 1 ns buckets up to 65,536 ns and an overflow bucket.
///
/// Linear nanosecond buckets make percentiles exact to the nanosecond, which keeps golden
/// results stable. The storage is allocated once, when the component is built.
public struct LatencyHistogram: Sendable {
    /// Number of 1 ns buckets; latencies at or beyond this many nanoseconds land in overflow.
    public static let bucketCount = 65_536

    private var buckets: [UInt64]
    /// Samples at or beyond `bucketCount` nanoseconds.
    public private(set) var overflowCount: UInt64 = 0
    /// Number of recorded samples.
    public private(set) var count: UInt64 = 0
    /// Sum of recorded latencies in picoseconds, for an exact mean.
    public private(set) var sumPs: UInt64 = 0
    /// Largest recorded latency in picoseconds.
    public private(set) var maxPs: UInt64 = 0

    public init() { buckets = [UInt64](repeating: 0, count: Self.bucketCount) }

    /// Records one latency.
    @inlinable
    public mutating func record(_ latency: SimDuration) {
        recordPs(latency.picoseconds)
    }

    @usableFromInline
    mutating func recordPs(_ ps: UInt64) {
        let ns = Int(ps / 1_000)
        if ns < Self.bucketCount { buckets[ns] += 1 } else { overflowCount += 1 }
        count += 1
        sumPs += ps
        if ps > maxPs { maxPs = ps }
    }

    /// Adds every sample of `other`.
    public mutating func add(_ other: LatencyHistogram) {
        for (ns, n) in other.buckets.enumerated() where n > 0 { buckets[ns] += n }
        overflowCount += other.overflowCount
        count += other.count
        sumPs += other.sumPs
        maxPs = max(maxPs, other.maxPs)
    }

    /// Mean latency in nanoseconds, or zero without samples.
    public var meanNs: Double { count == 0 ? 0 : Double(sumPs) / Double(count) / 1_000 }

    /// The smallest bucket bound (in ns) below which at least `fraction` of the samples lie.
    ///
    /// Returns the upper edge of the bucket holding the quantile, so a p50 of 412 means half
    /// the samples took less than 412 ns. Overflowed quantiles return the maximum.
    public func quantileNs(_ fraction: Double) -> Double {
        precondition(fraction >= 0 && fraction <= 1, "quantile fraction out of range")
        if count == 0 { return 0 }
        let rank = UInt64((fraction * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (ns, n) in buckets.enumerated() where n > 0 {
            seen += n
            if seen >= max(rank, 1) { return Double(ns + 1) }
        }
        return Double(maxPs) / 1_000
    }
}

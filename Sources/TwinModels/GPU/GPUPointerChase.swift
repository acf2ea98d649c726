import TwinCore

/// What one thread on one SM goes through for a load: the SM's L1, then, on a miss, address
/// translation (an L1 TLB per SM and a shared L2 TLB, with a page walk behind them) and the L2.
///
/// The L1 is virtually tagged, so an L1 hit needs no translation; latencies of the SM's own
/// structures are in SM cycles and follow its clock, the page walk is a time (it reads memory).
public struct GPUChaseConfig: Sendable, Equatable {
    public var l1: SetAssociativeCache.Config
    public var l1HitCycles: UInt64
    /// TLBs are caches of pages: their "line" is a page.
    public var l1TLB: SetAssociativeCache.Config
    public var l2TLB: SetAssociativeCache.Config
    /// Cycles an L1 TLB miss adds when the L2 TLB holds the page.
    public var l2TLBCycles: UInt64
    /// What a miss in both TLBs adds on top of that.
    public var walkLatency: SimDuration

    /// Ways of the L1 (its associativity is not published; 4 is that of NVIDIA's L1 tags in
    /// public microbenchmarks) and of the L2 TLB; the L1 TLB is fully associative.
    static let l1Ways = 4
    static let l2TLBWays = 16

    public init(_ p: ParameterValues) {
        let line = UInt64(p["gpu.lineSize"])
        l1 = .init(capacityBytes: UInt64(p["gpu.l1Size"]), lineBytes: line, ways: Self.l1Ways)
        l1HitCycles = UInt64(p["gpu.l1HitLatency"])
        let page = UInt64(p["gpu.tlb.pageSize"])
        let l1Entries = Int(p["gpu.tlb.l1Entries"])
        let l2Entries = Int(p["gpu.tlb.l2Entries"])
        l1TLB = .init(capacityBytes: UInt64(l1Entries) * page, lineBytes: page, ways: l1Entries)
        l2TLB = .init(capacityBytes: UInt64(l2Entries) * page, lineBytes: page, ways: min(l2Entries, Self.l2TLBWays))
        l2TLBCycles = UInt64(p["gpu.tlb.l2Latency"])
        walkLatency = SimDuration(seconds: p["gpu.tlb.walkLatency"])
    }
}

/// Counters of the GPU pointer chases since the start of the run.
struct GPUChaseStats: Sendable {
    var loads: UInt64 = 0
    var latencyPs: UInt64 = 0
    /// Sum over loads of the latency in SM cycles at the clock of the moment.
    var smCycles: Double = 0
    var loadsByLevel = [UInt64](repeating: 0, count: GPUPointerChase.Level.allCases.count)
    var l1TLBMisses: UInt64 = 0
    var l2TLBMisses: UInt64 = 0
}

/// One GPU thread chasing pointers through a buffer (the H100 latency curve): each load's
/// address comes from the previous load, so the loads are serial and each costs the full
/// latency of the level that holds its line.
///
/// The lines come from a `ChaseWalk`, as on the CPU side. Before timing, the chase runs once untimed over the same number of steps, as the benchmark
/// warms up, so small buffers start in the L1 and TLBs and the L2 holds what it would.
struct GPUPointerChase: Sendable {
    enum Level: Int, CaseIterable {
        case l1, l2, dram
    }

    var walk: ChaseWalk
    var l1: SetAssociativeCache
    var l1TLB: SetAssociativeCache
    var l2TLB: SetAssociativeCache

    init(_ phase: GPUChasePhase, config: GPUChaseConfig, lineBytes: UInt64, random: RandomStream) {
        walk = ChaseWalk(bufferBytes: phase.bufferBytes, lineBytes: lineBytes, steps: phase.steps, random: random)
        l1 = SetAssociativeCache(config: config.l1)
        l1TLB = SetAssociativeCache(config: config.l1TLB)
        l2TLB = SetAssociativeCache(config: config.l2TLB)
    }

    /// Translation of an address that missed the L1: whether each TLB level missed (filling it).
    mutating func translate(_ address: UInt64) -> (l1Miss: Bool, l2Miss: Bool) {
        if l1TLB.access(address) { return (false, false) }
        return (true, !l2TLB.access(address))
    }
}

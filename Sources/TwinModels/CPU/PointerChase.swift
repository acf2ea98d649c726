import TwinCore

/// The two kinds of Grace core.
public enum CoreKind: String, Sendable, CaseIterable {
    case x925
    case a725
}

/// The Grace CPU's cache hierarchy as one core sees it, built from resolved parameters.
public struct GraceConfig: Sendable, Equatable {
    public var lineBytes: UInt64
    public var clockHz: [CoreKind: UInt64]
    public var l1: SetAssociativeCache.Config
    public var l2: [CoreKind: SetAssociativeCache.Config]
    public var l3: SetAssociativeCache.Config
    public var slc: SetAssociativeCache.Config
    public var l1LatencyCycles: UInt64
    public var l2LatencyCycles: [CoreKind: UInt64]
    public var l3Latency: SimDuration
    public var a725L3Penalty: SimDuration
    public var slcLatency: SimDuration
    public var fabricLatency: SimDuration
    /// Line reads a streaming thread keeps in flight, per core kind.
    public var linesInFlight: [CoreKind: Int]
    public var topology: GraceTopology

    public init(_ p: ParameterValues) {
        lineBytes = UInt64(p["cpu.lineSize"])
        clockHz = [.x925: UInt64(p["cpu.x925.clock"].rounded()), .a725: UInt64(p["cpu.a725.clock"].rounded())]
        // Associativity barely changes a random chase; these are the cores' documented shapes.
        l1 = .init(capacityBytes: UInt64(p["cpu.l1Size"]), lineBytes: lineBytes, ways: 4)
        l2 = [.x925: .init(capacityBytes: UInt64(p["cpu.x925.l2Size"]), lineBytes: lineBytes, ways: 8),
              .a725: .init(capacityBytes: UInt64(p["cpu.a725.l2Size"]), lineBytes: lineBytes, ways: 8)]
        l3 = .init(capacityBytes: UInt64(p["cpu.l3Size"]), lineBytes: lineBytes, ways: 16)
        slc = .init(capacityBytes: UInt64(p["cpu.slcSize"]), lineBytes: lineBytes, ways: 16)
        l1LatencyCycles = UInt64(p["cpu.l1Latency"])
        l2LatencyCycles = [.x925: UInt64(p["cpu.x925.l2Latency"]), .a725: UInt64(p["cpu.a725.l2Latency"])]
        l3Latency = SimDuration(seconds: p["cpu.l3Latency"])
        a725L3Penalty = SimDuration(seconds: p["cpu.a725.l3Penalty"])
        slcLatency = SimDuration(seconds: p["cpu.slcLatency"])
        fabricLatency = SimDuration(seconds: p["cpu.fabricLatency"])
        linesInFlight = [.x925: Int(p["cpu.x925.linesInFlight"]), .a725: Int(p["cpu.a725.linesInFlight"])]
        topology = GraceTopology(p)
    }
}

/// Counters of the Grace threads' pointer chases since the start of the run.
struct PointerChaseStats: Sendable {
    var loads: UInt64 = 0
    var latencyPs: UInt64 = 0
    var loadsByLevel = [UInt64](repeating: 0, count: PointerChase.Level.allCases.count)
}

/// Grace's cache hierarchy as a pointer chase sees it: which level holds a line, and what a load
/// served there costs. A chase is a step of a Grace thread (`CPUStep.chase`): each load's
/// address comes from the previous load, so the loads are serial and each costs the full latency
/// of the level that holds its line.
enum PointerChase {
    enum Level: Int, CaseIterable {
        case l1, l2, l3, slc, dram
    }

    /// Lines of a buffer just written front to back that the caches of a `core` still hold: as
    /// many as twice their capacity, so that the tail is in them whatever the replacement.
    static func cachedTailLines(core: CoreKind, config: GraceConfig) -> UInt64 {
        (config.l1.capacityBytes + config.l2[core]!.capacityBytes + config.l3.capacityBytes + config.slc.capacityBytes) / config.lineBytes * 2
    }

    /// The level that held the line, filling the core's levels above it. The system-level cache
    /// is a victim cache of the L3: it takes the lines the L3 evicts, not the lines it fills.
    /// The `cpu` phase's threads walk the same hierarchy, with shared L3s and SLC.
    static func lookUp(_ address: UInt64, l1: inout SetAssociativeCache, l2: inout SetAssociativeCache,
                       l3: inout SetAssociativeCache, slc: inout SetAssociativeCache) -> Level {
        if l1.access(address) { return .l1 }
        if l2.access(address) { return .l2 }
        let inL3 = l3.access(address)
        if let victim = l3.victim { slc.access(victim) }
        if inL3 { return .l3 }
        return slc.contains(address) ? .slc : .dram
    }

    /// Latency of a load served by `level` above DRAM, on a `core` whose clock is `clock`.
    static func cacheLatency(_ level: Level, core: CoreKind, clock: ClockDomain, config: GraceConfig) -> SimDuration {
        let cycles = { (n: UInt64) in SimDuration(picoseconds: (clock.time(ofCycle: n) - .zero).picoseconds) }
        switch level {
        case .l1: return cycles(config.l1LatencyCycles)
        case .l2: return cycles(config.l2LatencyCycles[core]!)
        case .l3, .slc, .dram:
            var latency = config.l3Latency
            if core == .a725 { latency = latency + config.a725L3Penalty }
            if level != .l3 { latency = latency + config.slcLatency }
            return latency
        }
    }
}

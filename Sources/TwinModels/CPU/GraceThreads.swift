import TwinCore

/// The Grace CPU's layout, from the preset (`cpu.clusters`, `cpu.x925.perCluster`,
/// `cpu.a725.perCluster`): GB10 has two clusters, each of five X925 and five A725 cores.
public struct GraceTopology: Sendable, Equatable {
    public var clusters: Int
    public var x925PerCluster: Int
    public var a725PerCluster: Int

    public init(_ p: ParameterValues) {
        clusters = Int(p["cpu.clusters"])
        x925PerCluster = Int(p["cpu.x925.perCluster"])
        a725PerCluster = Int(p["cpu.a725.perCluster"])
    }

    /// Cores of one cluster, both kinds.
    public var coresPerCluster: Int { x925PerCluster + a725PerCluster }
    /// Cores of one kind in one cluster.
    public func cores(of kind: CoreKind) -> Int { kind == .x925 ? x925PerCluster : a725PerCluster }
    /// The X925s' share of a cluster's cores.
    public var x925Share: Double { Double(x925PerCluster) / Double(coresPerCluster) }
}

/// A thread of a running `cpu` phase: where it is in its program, its private caches, and the
/// line reads of a stream step in flight.
struct GraceThread: Sendable {
    let core: CoreKind
    let cluster: Int
    let program: [CPUStep]
    /// Start of the thread's own region of the address space: threads never share lines.
    let base: UInt64
    var stepIndex = -1
    var l1: SetAssociativeCache
    var l2: SetAssociativeCache
    /// The core's clock during the running step: its cluster's, as the governor set it.
    var clock: ClockDomain
    var random: RandomStream

    // A stream step.
    var linesToIssue: UInt64 = 0
    var linesToArrive: UInt64 = 0
    var linesInFlight = 0
    var nextLine: UInt64 = 0
    // A chase step.
    var walk: ChaseWalk?

    /// Regions are 1 TiB apart, above anything a GPU phase addresses.
    static let regionBytes: UInt64 = 1 << 40

    init(_ thread: CPUThread, index: Int, config: GraceConfig, random: RandomStream) {
        core = thread.core
        cluster = thread.cluster
        program = thread.program
        base = UInt64(index + 1) * Self.regionBytes
        l1 = SetAssociativeCache(config: config.l1)
        l2 = SetAssociativeCache(config: config.l2[thread.core]!)
        clock = ClockDomain(frequencyHz: config.clockHz[thread.core]!)
        self.random = random
    }
}

/// The caches the threads of a `cpu` phase share: an L3 per cluster and the system-level cache,
/// a victim cache of the L3s.
struct GraceSharedCaches: Sendable {
    var l3: [SetAssociativeCache]
    var slc: SetAssociativeCache

    init(config: GraceConfig) {
        l3 = Array(repeating: SetAssociativeCache(config: config.l3), count: config.topology.clusters)
        slc = SetAssociativeCache(config: config.slc)
    }

    /// The level that holds `address` for `thread`: its own L1 and L2, then its cluster's L3 and
    /// the system-level cache.
    mutating func lookUp(_ address: UInt64, for thread: inout GraceThread) -> PointerChase.Level {
        let cluster = thread.cluster
        return PointerChase.lookUp(address, l1: &thread.l1, l2: &thread.l2, l3: &l3[cluster], slc: &slc)
    }
}

/// Counters of the `cpu` phases since the start of the run.
struct GraceThreadStats: Sendable {
    var streamBytes: UInt64 = 0
    var streamLines: UInt64 = 0
    /// Sum of the stream lines' latencies (issue to data back at the core), picoseconds.
    var streamLatencyPs: UInt64 = 0
    /// Time at least one thread was streaming, picoseconds.
    var streamPs: UInt64 = 0
    var computeCycles: UInt64 = 0
    /// Time `cpu` phases ran, picoseconds.
    var phasePs: UInt64 = 0
}

import TwinCore

/// The Grace CPU's layout: two clusters, each of five X925 and five A725 cores.
public enum GraceTopology {
    public static let clusters = 2
    /// Cores of one kind in one cluster.
    public static let coresPerKind = 5
    /// Cores of one cluster, both kinds.
    public static let coresPerCluster = 2 * coresPerKind
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
        l3 = Array(repeating: SetAssociativeCache(config: config.l3), count: GraceTopology.clusters)
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

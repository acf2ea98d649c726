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

    init(bufferBytes: UInt64, steps: UInt64, config: GPUChaseConfig, lineBytes: UInt64, random: RandomStream) {
        walk = ChaseWalk(bufferBytes: bufferBytes, lineBytes: lineBytes, steps: steps, random: random)
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

/// The GPU pointer chase as a kind of phase (`gpu-chase`): one thread on one SM, on an engine of
/// its own. Its one thread is not counted against the SMs' occupancy: beside another stream's
/// kernel it starts at once, as a one-warp kernel nearly always finds room. It reports the
/// node's `gpu.chase.*` metrics (declared with the node's, so every run has them).
struct GPUChaseKernel: KernelKind {
    static let declaration = KernelDeclaration(
        name: "gpu-chase",
        summary: "one SM thread's dependent loads through a buffer in device memory (reports gpu.chase.*)",
        keys: [
            KernelKey("buffer", .size, range: 1...1e13, "the buffer size, such as 1 GiB, or the name of one of buffers:"),
            KernelKey("steps", .count, range: 1...1e10, "the loads to time, such as 20000"),
        ],
        metrics: [],
        engine: .gpuChase,
        bufferBytes: { UInt64($0["buffer"]) })

    let base: UInt64
    let bufferBytes: UInt64
    let steps: UInt64
    var chase: GPUPointerChase?
    private(set) var totals = KernelTotals()

    init(_ values: KernelValues, base: UInt64) {
        self.base = base
        bufferBytes = UInt64(values["buffer"])
        steps = UInt64(values["steps"])
    }

    /// The L2 and TLBs as the benchmark leaves them before it times anything: initialisation
    /// and an untimed warm-up walk; then the first timed load.
    mutating func start(on machine: inout Machine) {
        let config = machine.config
        var chase = GPUPointerChase(bufferBytes: bufferBytes, steps: steps, config: config.gpuChase, lineBytes: config.gpu.lineBytes,
                                    random: RandomStream(seed: machine.settings.seed, node: machine.node, purpose: .gpuChaseWalk))
        chase.walk.base = base
        // Initialisation writes the buffer front to back through the L2 (the SM's L1 does not
        // keep stores): what it leaves there is the buffer's tail.
        let l2Lines = config.compute.l2.capacityBytes / config.gpu.lineBytes
        for line in (chase.walk.lines - min(chase.walk.lines, 2 * l2Lines))..<chase.walk.lines {
            if !machine.l2.access(base + line * config.gpu.lineBytes) { machine.writeBackVictim() }
        }
        // It also leaves the shared L2 TLB holding the buffer's pages (the SM's own L1 TLB saw
        // only its share of them).
        let page = config.gpuChase.l2TLB.lineBytes
        for address in stride(from: base, to: base + chase.walk.lines * config.gpu.lineBytes, by: Int(page)) {
            chase.l2TLB.access(UInt64(address))
        }
        // Then a warm-up walk as long as the timed one, capped: past a few passes over the
        // largest cache it changes nothing.
        for _ in 0..<min(steps, 4 * l2Lines) {
            let address = chase.walk.nextAddress()
            if chase.l1.access(address) { continue }
            _ = chase.translate(address)
            if !machine.l2.access(address) { machine.writeBackVictim() }
        }
        self.chase = chase
        issueLoad(on: &machine)
    }

    /// A load has its value: the next one, or the phase is over.
    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool {
        guard chase!.walk.stepsLeft > 0 else { return true }
        issueLoad(on: &machine)
        return false
    }

    /// Times the chase's next load: the L1, or translation and the L2, or DRAM behind it.
    mutating func issueLoad(on machine: inout Machine) {
        let config = machine.config, now = machine.now
        let address = chase!.walk.nextAddress()
        // The SM's own structures answer on its clock edges.
        var ready = machine.gpu.clock.edge(after: config.gpuChase.l1HitCycles, from: now)
        var level = GPUPointerChase.Level.l1
        if !chase!.l1.access(address) {
            let (l1Miss, l2Miss) = chase!.translate(address)
            if l1Miss {
                ready = machine.gpu.clock.edge(after: config.gpuChase.l2TLBCycles, from: ready)
                machine.gpuChaseStats.l1TLBMisses += 1
            }
            if l2Miss {
                ready = ready + config.gpuChase.walkLatency
                machine.gpuChaseStats.l2TLBMisses += 1
            }
            if machine.l2.access(address) {
                level = .l2
                ready = machine.l2Transfer(bytes: config.gpu.lineBytes, at: ready)
            } else {
                machine.writeBackVictim()
                level = .dram
                ready = machine.path.gpuFetchLine(address, at: ready)
            }
        }
        let latency = ready - now
        chase!.walk.stepsLeft -= 1
        machine.gpuChaseStats.loads += 1
        machine.gpuChaseStats.latencyPs += latency.picoseconds
        machine.gpuChaseStats.smCycles += latency.seconds * Double(machine.gpu.clock.frequencyHz)
        machine.gpuChaseStats.loadsByLevel[level.rawValue] += 1
        totals.requests += 1
        totals.reads += 1
        machine.kernelEvent(at: ready, token: 0)
    }
}

extension WorkloadPhase {
    /// A `gpu-chase` phase: `steps` timed loads through a buffer of `bufferBytes`.
    public static func gpuChase(bufferBytes: UInt64, steps: UInt64) -> WorkloadPhase {
        .kernel(GPUChaseKernel.declaration.values(["buffer": Double(bufferBytes), "steps": Double(steps)])!)
    }
}

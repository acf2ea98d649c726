import TwinCore

/// How a streaming phase walks its buffer.
public enum AccessPattern: String, Sendable, CaseIterable {
    /// Line after line, wrapping at the end of the buffer.
    case sequential
    /// Uniformly random lines of the buffer, from the engine's seeded stream.
    case random
}

/// The GPU reading a buffer from LPDDR5X through NVLink-C2C, as a saturating read kernel does.
public struct StreamReadPhase: Sendable, Hashable {
    /// Size of the buffer the reads walk over.
    public var bufferBytes: UInt64
    /// Total bytes to read; the phase ends when all have arrived.
    public var totalBytes: UInt64
    public var pattern: AccessPattern
    /// Passes (kernels) over the buffer, each reading `totalBytes` from its start.
    public var count: UInt64
    /// Time from a pass's enqueueing to its first read.
    public var launchOverhead: SimDuration
    /// Host time between two launches; passes queue on the stream.
    public var hostInterval: SimDuration
    /// Whether each line read is also written to a destination buffer right after the source.
    public var copy: Bool
    /// GPU time each pass spends before its first read that no other pass overlaps: the
    /// kernel's start, and work the library does around the reads (torch's sum runs a memset
    /// kernel first and ends with one CTA adding the others' partial sums).
    public var passOverhead: SimDuration

    public init(bufferBytes: UInt64, totalBytes: UInt64, pattern: AccessPattern, count: UInt64 = 1,
                launchOverhead: SimDuration = .zero, hostInterval: SimDuration = .zero, copy: Bool = false,
                passOverhead: SimDuration = .zero) {
        self.bufferBytes = bufferBytes
        self.totalBytes = totalBytes
        self.pattern = pattern
        self.count = count
        self.launchOverhead = launchOverhead
        self.hostInterval = hostInterval
        self.copy = copy
        self.passOverhead = passOverhead
    }

    /// Where the destination of a copy starts: the page after the source buffer.
    public var destinationOffset: UInt64 { (bufferBytes + 4095) / 4096 * 4096 }
}

/// Number formats of the GPU's arithmetic.
public enum Precision: String, Sendable, CaseIterable {
    case fp4, fp8, fp16, bf16, fp32

    /// Bits of one element in memory.
    public var elementBits: UInt64 {
        switch self {
        case .fp4: 4
        case .fp8: 8
        case .fp16, .bf16: 16
        case .fp32: 32
        }
    }
}

/// A matrix multiply C[M×N] = A[M×K] · B[K×N] as a tiled GPU kernel: one CTA per output tile,
/// each looping over K in steps of `tileK` with `stages` loads in flight.
///
/// A is stored row-major (M rows of K), B as N rows of K, both packed at the start of memory;
/// C is written in `outputPrecision` through the L2.
public struct GEMMPhase: Sendable, Hashable {
    /// A placeholder GEMM with the machine's default tile, stages and cluster (`gpu.gemm.*`).
    public static func defaults(on values: ParameterValues) -> GEMMPhase {
        GEMMPhase(m: 1, n: 1, k: 1, precision: .bf16,
                  tileM: UInt64(values["gpu.gemm.tileM"]), tileN: UInt64(values["gpu.gemm.tileN"]), tileK: UInt64(values["gpu.gemm.tileK"]),
                  stages: UInt64(values["gpu.gemm.stages"]), clusterM: UInt64(values["gpu.gemm.clusterM"]))
    }

    public var m: UInt64
    public var n: UInt64
    public var k: UInt64
    public var precision: Precision
    /// 2:4 structured sparsity on A (tensor precisions only).
    public var sparse: Bool
    public var tileM: UInt64
    public var tileN: UInt64
    public var tileK: UInt64
    /// Shared-memory pipeline depth: loads of `stages - 1` steps run ahead of the math.
    public var stages: UInt64
    public var threadsPerCTA: UInt64
    /// CTAs per thread-block cluster along M and along N. A cluster's CTAs share the operand
    /// they have in common through TMA multicast: one L2 read feeds all of them.
    public var clusterM: UInt64
    public var clusterN: UInt64
    /// Tile rasterization: CTAs walk groups of this many tile rows before the next column, so
    /// that neighbouring CTAs share A and B in the L2 (1 is plain column order).
    public var rasterGroup: UInt64
    /// Kernels launched one after the other.
    public var count: UInt64
    /// Time from a kernel's enqueueing to its first CTA; nil takes the machine's.
    public var launchOverhead: SimDuration?
    /// Host time between two launches (the caller's cost per call); kernels queue on the stream.
    public var hostInterval: SimDuration
    /// Runs only the first CTAs of the grid, in launch order; fast mode samples long kernels so.
    public var ctaLimit: UInt64?
    /// The fraction of the machine's MMA rate (`gpu.mmaEfficiency` of the peak) this kernel's
    /// math reaches: 1 for a library GEMM like the calibration's, less for a kernel that does
    /// other work between its MMAs (llama.cpp's MMQ dequantizes its weight tiles to int8).
    public var mathEfficiency: Double = 1

    public init(m: UInt64, n: UInt64, k: UInt64, precision: Precision, sparse: Bool = false,
                tileM: UInt64 = 128, tileN: UInt64 = 128, tileK: UInt64 = 64, stages: UInt64 = 3,
                threadsPerCTA: UInt64 = 256, clusterM: UInt64 = 1, clusterN: UInt64 = 1, rasterGroup: UInt64 = 8, count: UInt64 = 1,
                launchOverhead: SimDuration? = nil, hostInterval: SimDuration = .zero) {
        self.m = m
        self.n = n
        self.k = k
        self.precision = precision
        self.sparse = sparse
        self.tileM = tileM
        self.tileN = tileN
        self.tileK = tileK
        self.stages = stages
        self.threadsPerCTA = threadsPerCTA
        self.clusterM = clusterM
        self.clusterN = clusterN
        self.rasterGroup = rasterGroup
        self.count = count
        self.launchOverhead = launchOverhead
        self.hostInterval = hostInterval
    }

    /// Useful floating-point operations of one kernel (2·M·N·K; padding is not counted).
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// Which way a host copy goes.
public enum CopyDirection: String, Sendable, CaseIterable {
    case hostToDevice = "h2d"
    case deviceToHost = "d2h"
}

/// Copies between host memory (pinned) and the GPU over the host link, one after the other.
public struct CopyPhase: Sendable, Hashable {
    public var direction: CopyDirection
    public var bytes: UInt64
    public var count: UInt64
    /// Fixed cost of each copy before its first byte moves (call, DMA setup, synchronisation).
    public var overhead: SimDuration

    public init(direction: CopyDirection, bytes: UInt64, count: UInt64 = 1, overhead: SimDuration = .zero) {
        self.direction = direction
        self.bytes = bytes
        self.count = count
        self.overhead = overhead
    }
}

/// One step of a Grace thread's program.
public enum CPUStep: Sendable, Hashable {
    /// Reads `bytes` of a buffer of that size front to back, with the core's line reads in
    /// flight together: memory bandwidth as one core sees it.
    case stream(bytes: UInt64)
    /// Runs `cycles` core cycles that touch no memory beyond the L1 (a compute-bound loop), at
    /// its cluster's clock.
    case compute(cycles: UInt64)
    /// `steps` dependent loads of random lines of a buffer. The buffer has just been written
    /// front to back (initialised), so its tail is in the caches when the chase begins, as in
    /// the C5 benchmark.
    case chase(bufferBytes: UInt64, steps: UInt64)
}

/// A software thread pinned to one core of a cluster, running its steps in order.
public struct CPUThread: Sendable, Hashable {
    public var core: CoreKind
    public var cluster: Int
    public var program: [CPUStep]

    public init(core: CoreKind, cluster: Int = 0, program: [CPUStep]) {
        self.core = core
        self.cluster = cluster
        self.program = program
    }
}

/// Threads on the Grace cores, all started together; the phase ends when the last one does.
/// Each has its own buffers and its own L1 and L2; their misses meet at the memory controller.
/// In a `together:` step beside a GPU phase, CPU and GPU traffic meet there.
public struct CPUThreadsPhase: Sendable, Hashable {
    public var threads: [CPUThread]

    public init(threads: [CPUThread]) {
        self.threads = threads
    }

    /// One thread on a `core` of cluster 0 chasing pointers through a buffer (a `cpu-chase`
    /// phase; calibration C5).
    public static func chase(core: CoreKind, bufferBytes: UInt64, steps: UInt64) -> CPUThreadsPhase {
        CPUThreadsPhase(threads: [CPUThread(core: core, program: [.chase(bufferBytes: bufferBytes, steps: steps)])])
    }
}

/// One phase of a workload program (see `Program` for how phases follow or run together).
public enum WorkloadPhase: Sendable, Hashable {
    case streamRead(StreamReadPhase)
    case gemm(GEMMPhase)
    case cpuThreads(CPUThreadsPhase)
    case copy(CopyPhase)
    /// Phases of a kind added through `KernelKind` (memset, traffic, send, gpu-chase, …).
    case kernel(KernelValues)
    /// Nothing runs for the given span.
    case idle(SimDuration)
}

/// How finely a run is simulated.
public enum Fidelity: String, Sendable, CaseIterable {
    /// Every memory request, CTA step and cache line.
    case detailed
    /// Whole kernels and transfers whose costs come from detailed runs at the current clocks.
    case fast
}

/// How a run is driven: sampling and the event budget.
public struct RunSettings: Sendable, Equatable {
    /// Detailed or fast mode.
    public var fidelity: Fidelity = .detailed
    /// Simulated time after which the run stops even if the workload has not finished.
    public var duration: SimDuration
    public var seed: UInt64
    /// Period of the time-series samples.
    public var samplePeriod: SimDuration
    /// Events after which the run stops with an error instead of going on.
    public var eventBudget: UInt64

    public init(duration: SimDuration, seed: UInt64, samplePeriod: SimDuration, eventBudget: UInt64) {
        self.duration = duration
        self.seed = seed
        self.samplePeriod = samplePeriod
        self.eventBudget = eventBudget
    }
}

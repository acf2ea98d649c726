/// A machine's workload: phases in steps. The phases of one step start together; the next step
/// starts when all of them have ended. A plain list of phases is one phase per step; a scenario's
/// `together:` makes a step of several, and `repeat:` copies a block of steps.
public struct Program: Sendable, Equatable {
    /// The most phases a program may have once its repeats are expanded.
    public static let maximumPhases = 100_000

    public var phases: [WorkloadPhase]
    /// Cores a background CPU job keeps busy during each phase (`cpuCores:` on a phase).
    public var cpuCores: [UInt64]
    /// Each step's phases, as a range of `phases`: in order, together covering every phase once.
    public var steps: [Range<Int>]
    /// The buffers the program names (`buffers:`), as the node's allocator placed them.
    public var buffers: [NamedBuffer]
    /// Where each phase over a named buffer works (nil for a phase that gives a buffer size:
    /// its step lays it out after the named buffers, from `anonymousBase`).
    public var placements: [BufferPlacement?]

    /// A program of `phases` with `steps` (nil: one phase per step, one after the other).
    public init(phases: [WorkloadPhase], cpuCores: [UInt64] = [], steps: [Range<Int>]? = nil,
                buffers: [NamedBuffer] = [], placements: [BufferPlacement?] = []) {
        self.phases = phases
        self.cpuCores = cpuCores
        self.steps = steps ?? phases.indices.map { $0..<($0 + 1) }
        self.buffers = buffers
        self.placements = placements
        precondition(self.steps.map(\.count).reduce(0, +) == phases.count
                     && zip(self.steps, self.steps.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound },
                     "a program's steps must cover its phases in order")
        precondition(placements.isEmpty || placements.count == phases.count, "a program places all its phases or none")
    }

    /// Background cores of phase `index`.
    public func background(_ index: Int) -> UInt64 { index < cpuCores.count ? cpuCores[index] : 0 }

    /// Where phase `index`'s named buffer lies, if it names one.
    public func placement(_ index: Int) -> BufferPlacement? { index < placements.count ? placements[index] : nil }

    /// Where the buffers of phases that give a size start: past the named buffers, on a page.
    public var anonymousBase: UInt64 { ((buffers.map(\.end).max() ?? 0) + 4095) / 4096 * 4096 }

    /// The step that holds phase `index`.
    public func step(of index: Int) -> Int {
        var low = 0, high = steps.count - 1
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].upperBound <= index { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The part of the machine a phase occupies. Phases that run together must occupy different
/// ones: each engine runs one phase at a time. The GPU's kernels run on streams, one per kind
/// of kernel, whose CTAs share the SMs (`SMOccupancy`).
public enum Engine: String, Sendable, CaseIterable {
    /// A GPU stream of streaming-read (or copy) kernels.
    case gpuReadStream = "a GPU stream of streaming reads"
    /// A GPU stream of GEMM kernels.
    case gemmStream = "a GPU stream of GEMM kernels"
    /// One SM thread's pointer chase (beside another stream's kernel: latency under load).
    case gpuChase = "the GPU pointer chase"
    /// A GPU stream of kernels of an added kind (`KernelKind`, such as `memset`).
    case kernelStream = "a GPU stream of added kernels"
    /// The memory traffic generator (`traffic`).
    case trafficEngine = "the traffic engine"
    /// The network port to linked nodes (`send`).
    case networkPort = "the network port"
    /// The copy engine over the host link.
    case copyEngine = "the copy engine"
    /// The Grace threads of a `cpu` phase.
    case cpuThreads = "the cpu threads"
    /// An `idle` phase occupies nothing: in a together step it makes the step last at least its span.
    case none

    public init(_ phase: WorkloadPhase) {
        switch phase {
        case .streamRead: self = .gpuReadStream
        case .gemm: self = .gemmStream
        case .copy: self = .copyEngine
        case .kernel(let values): self = values.declaration.engine
        case .cpuThreads: self = .cpuThreads
        case .idle: self = .none
        }
    }

    /// Whether the engine runs on the SMs (GPU-side traffic keeps the GPU busy too; see
    /// `Machine.phaseUsesGPU`).
    public var isGPU: Bool { self == .gpuReadStream || self == .gemmStream || self == .gpuChase || self == .kernelStream }

    /// The engines added kinds run on, in the order of their slots on a node.
    static let added: [Engine] = [.kernelStream, .trafficEngine, .networkPort, .gpuChase]
}

/// A machine's workload: phases in steps. The phases of one step start together; the next step
/// starts when all of them have ended. A plain list of phases is one phase per step; a scenario's
/// `together:` makes a step of several, and `repeat:` copies a block of steps. A loop runs a block
/// of steps many times without copying it (an LLM's decode tokens, thousands of them).
public struct Program: Sendable, Equatable {
    /// The most phases a program may have once its repeats are expanded, LLM phases aside.
    public static let maximumPhases = 100_000
    /// The most phases an LLM phase may expand into (its decode tokens run as loops, so this
    /// bounds the distinct forward steps: ~150 of a 120B MoE model, 36k tokens at 256-token padding).
    public static let maximumLLMPhases = 1_000_000

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
    /// Blocks of steps that run several times over, in order, neither nesting nor overlapping
    /// (fixed once made: `blockEndingAt` and the loop starts are read from them).
    public let loops: [ProgramLoop]
    /// For each step, the block it ends (a loop's, or the step alone), as a range of steps; nil
    /// for a step that does not end one. Step times are committed a whole block at a time.
    public let blockEndingAt: [Range<Int>?]
    /// For each step, the index in `loops` of the loop that begins there, or -1.
    let loopStartingAt: [Int]

    /// A program of `phases` with `steps` (nil: one phase per step, one after the other) and
    /// `loops` over its steps.
    public init(phases: [WorkloadPhase], cpuCores: [UInt64] = [], steps: [Range<Int>]? = nil,
                buffers: [NamedBuffer] = [], placements: [BufferPlacement?] = [], loops: [ProgramLoop] = []) {
        self.phases = phases
        self.cpuCores = cpuCores
        let steps = steps ?? phases.indices.map { $0..<($0 + 1) }
        self.steps = steps
        self.buffers = buffers
        self.placements = placements
        self.loops = loops
        precondition(steps.map(\.count).reduce(0, +) == phases.count
                     && zip(steps, steps.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound },
                     "a program's steps must cover its phases in order")
        precondition(placements.isEmpty || placements.count == phases.count, "a program places all its phases or none")
        precondition(loops.allSatisfy { $0.iterations > 0 && !$0.steps.isEmpty && $0.steps.upperBound <= steps.count }
                     && zip(loops, loops.dropFirst()).allSatisfy { $0.steps.upperBound <= $1.steps.lowerBound },
                     "a program's loops lie in order over its steps, each run at least once")
        var blocks: [Range<Int>?] = steps.indices.map { $0..<($0 + 1) }
        for loop in loops {
            for step in loop.steps { blocks[step] = nil }
            blocks[loop.steps.upperBound - 1] = loop.steps
        }
        blockEndingAt = blocks
        var starts = Array(repeating: -1, count: steps.count)
        for (index, loop) in loops.enumerated() { starts[loop.steps.lowerBound] = index }
        loopStartingAt = starts
    }

    /// The loop whose block begins at `step`, if one does.
    public func loop(startingAt step: Int) -> ProgramLoop? {
        let index = loopStartingAt[step]
        return index < 0 ? nil : loops[index]
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

/// A block of a program's steps run `iterations` times, one after the other.
public struct ProgramLoop: Sendable, Equatable {
    public var steps: Range<Int>
    public var iterations: UInt64

    public init(steps: Range<Int>, iterations: UInt64) {
        self.steps = steps
        self.iterations = iterations
    }
}

/// Where a machine is in its program: the step running, and the iterations left of the loop
/// it is in. Both modes advance through a program with it.
public struct ProgramCursor: Sendable {
    public private(set) var step = 0
    /// Iterations of the current loop still to start after this one, and the loop.
    var iterationsLeft: UInt64 = 0
    var loop: ProgramLoop?

    public init() {}

    /// Moves to the step after `step` (back to a loop's first step while iterations are left);
    /// nil when the program is done.
    public mutating func advance(in program: Program) -> Int? {
        if let loop, step == loop.steps.upperBound - 1, iterationsLeft > 0 {
            iterationsLeft -= 1
            step = loop.steps.lowerBound
            return step
        }
        guard step + 1 < program.steps.count else { return nil }
        step += 1
        enter(program)
        return step
    }

    /// `loop`, which the machine ran whole, is done: the next step is the one after it.
    public mutating func finishLoop(_ loop: ProgramLoop) {
        step = loop.steps.upperBound - 1
        iterationsLeft = 0
    }

    /// At a step that begins a loop, starts its first iteration.
    public mutating func enter(_ program: Program) {
        guard let started = program.loop(startingAt: step) else {
            if let loop, !loop.steps.contains(step) { self.loop = nil }
            return
        }
        loop = started
        iterationsLeft = started.iterations - 1
    }
}

/// How long each step of a program took, summed over its runs, in blocks: a step's time counts
/// once the block that holds it (a loop's iteration, or the step alone) has ended, so that rates
/// are over work finished. Both modes fill it.
public struct StepTimes: Sendable, Equatable {
    /// Per step: seconds over its committed runs, and their number.
    public private(set) var seconds: [Double]
    public private(set) var runs: [UInt64]
    /// Per step: seconds of the block in progress.
    var pending: [Double]

    public init(steps: Int) {
        seconds = Array(repeating: 0, count: steps)
        runs = Array(repeating: 0, count: steps)
        pending = Array(repeating: 0, count: steps)
    }

    /// Step `step` ran for `spent` seconds; `block` is the block it ends, if it ends one.
    public mutating func add(step: Int, seconds spent: Double, endingBlock block: Range<Int>?) {
        pending[step] += spent
        guard let block else { return }
        for s in block {
            seconds[s] += pending[s]
            pending[s] = 0
            runs[s] += 1
        }
    }

    /// A block's iterations ran `weight` times over at a clock where each step took
    /// `perIteration[i]` seconds.
    mutating func addSeconds(_ block: Range<Int>, perIteration: [Double], weight: Double) {
        for (offset, s) in block.enumerated() { seconds[s] += perIteration[offset] * weight }
    }

    /// `iterations` iterations of a block finished.
    mutating func addRuns(_ block: Range<Int>, iterations: UInt64) {
        for s in block { runs[s] += iterations }
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

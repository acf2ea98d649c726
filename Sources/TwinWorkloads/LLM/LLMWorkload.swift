import TwinCore
import TwinModels

/// An LLM run of one node: a model's weight file, its batch, and a prompt to process, tokens
/// to decode, or both (`llm-prefill`, `llm-decode`, `llm-generate`).
public struct LLMWorkload: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// One forward step over each sequence's prompt.
        case prefill
        /// `outputTokens` steps of one token per sequence after `contextTokens` already cached.
        case decode
        /// The prompt, then the output tokens (llama-bench's pp and tg pair).
        case generate
    }

    public var model: ModelDescription
    public var variant: WeightVariant
    public var kvCache: KVCacheFormat
    public var profile: SoftwareProfile
    public var mode: Mode
    public var batch: Int
    public var promptTokens: Int
    /// Tokens cached before the first decode step (decode only; generate starts after its prompt).
    public var contextTokens: Int
    public var outputTokens: Int

    public init(model: ModelDescription, variant: WeightVariant, kvCache: KVCacheFormat, profile: SoftwareProfile, mode: Mode,
                batch: Int, promptTokens: Int = 0, contextTokens: Int = 0, outputTokens: Int = 0) {
        self.model = model
        self.variant = variant
        self.kvCache = kvCache
        self.profile = profile
        self.mode = mode
        self.batch = batch
        self.promptTokens = promptTokens
        self.contextTokens = contextTokens
        self.outputTokens = outputTokens
    }

    /// The forward steps, in order, each with the number of times it runs in a row: the
    /// prompt's once; decode steps whose attention reads the same padded KV length
    /// (`SoftwareProfile.kvPaddingTokens`) have the same kernels, so they are one step run
    /// that many times (its experts drawn once).
    public var forwardSteps: [(step: ForwardStep, repeats: Int)] {
        var steps: [(step: ForwardStep, repeats: Int)] = []
        if mode != .decode { steps.append((ForwardStep(sequences: batch, tokensPerSequence: promptTokens, contextTokens: 0), 1)) }
        if mode != .prefill {
            let start = mode == .decode ? contextTokens : promptTokens
            var token = 0
            while token < outputTokens {
                // The tokens until the attended length (context and the new token) passes the padding.
                let attended = profile.padded(start + token + 1)
                let run = min(outputTokens - token, attended - (start + token))
                steps.append((ForwardStep(sequences: batch, tokensPerSequence: 1, contextTokens: start + token), run))
                token += run
            }
        }
        return steps
    }

    /// The longest context a sequence reaches.
    public var maximumContextTokens: Int {
        switch mode {
        case .prefill: promptTokens
        case .decode: contextTokens + outputTokens
        case .generate: promptTokens + outputTokens
        }
    }

    /// The KV cache's length per sequence: the longest context, padded.
    public var kvCacheTokens: Int { profile.padded(maximumContextTokens) }

    /// What it takes of memory: its KV cache for the longest context (padded), the activations of
    /// its largest step.
    public var footprint: ModelFootprint {
        ModelFootprint(model, variant, kvCache: kvCache, sequences: batch, contextTokens: kvCacheTokens,
                       tokensPerStep: batch * (mode == .decode ? 1 : max(promptTokens, 1)))
    }
}

/// What one program step of a lowered LLM run is: a kernel of a class, the gap before a kernel,
/// or the host's work after a forward step.
public enum LLMStepPart: Sendable, Equatable {
    case kernel(KernelClass)
    case launchGap
    case host
}

/// An LLM workload as program phases for the node's engines, and what each step is. Each kernel
/// is a step of its own, after its launch gap; a forward step ends with the host's work.
public struct LLMPlan: Sendable {
    public var workload: LLMWorkload
    public var phases: [WorkloadPhase] = []
    public var placements: [BufferPlacement?] = []
    public var cpuCores: [UInt64] = []
    /// Per phase (each its own step): its forward step and what it is.
    public var parts: [(forwardStep: Int, part: LLMStepPart)] = []
    /// Per forward step: its tokens, and the bytes and FLOPs of its kernels.
    public var forwardSteps: [ForwardStep] = []
    /// Per forward step: how many times it runs in a row.
    public var repeats: [Int] = []
    /// The forward steps that run more than once, as loops over the plan's steps (one per phase).
    public var loops: [ProgramLoop] = []
    public var stepBytes: [UInt64] = []
    /// Per forward step: the bytes of weights and KV cache its kernels read and write, which
    /// come from and go to DRAM (activations stay in the L2).
    public var stepMemoryBytes: [UInt64] = []
    public var stepFlops: [UInt64] = []

    /// Lowers `workload` onto buffers at `weightsBase`, `kvBase` and `activationsBase`.
    /// GEMV-like kernels (and attention in decode, elementwise work, the embedding and the head)
    /// are streaming reads of the bytes they read, where they lie: memory-bound kernels whose
    /// time the memory path, the L2 and the GPU's reads in flight decide. A matrix over many
    /// tokens (a prefill's, a large batch's) is a GEMM on the tensor cores at its format's rate
    /// (BF16 and FP16 at BF16's, FP8 at FP8's, MXFP4 and NVFP4 at FP4's, llama.cpp's Q8_0 and
    /// Q4_0, int8 MMA, at FP8's) when its FLOPs per weight byte reach `ridgeFlopsPerByte` of its
    /// precision (the machine's peak rate over its DRAM's peak): below that it is memory-bound
    /// and streams its weights, each expert's once.
    public init(_ workload: LLMWorkload, gemmDefaults: GEMMPhase, ridgeFlopsPerByte: [Precision: Double],
                weightsBase: UInt64, kvBase: UInt64, activationsBase: UInt64, seed: UInt64) {
        self.workload = workload
        let pass = ForwardPass(model: workload.model, variant: workload.variant, kvCache: workload.kvCache,
                               maximumContextTokens: workload.kvCacheTokens, kvPaddingTokens: workload.profile.kvPaddingTokens,
                               fusions: workload.profile.fusions, samplesOnGPU: workload.profile.samplesOnGPU,
                               activationFormat: workload.profile.activationFormat, activationQuantize: workload.profile.activationQuantize)
        var routing = RandomStream(seed: seed, purpose: .expertRouting)
        let steps = workload.forwardSteps
        forwardSteps = steps.map(\.step)
        repeats = steps.map(\.repeats)
        let profile = workload.profile
        for (index, step) in forwardSteps.enumerated() {
            let first = phases.count
            defer { if repeats[index] > 1 { loops.append(ProgramLoop(steps: first..<phases.count, iterations: UInt64(repeats[index]))) } }
            let kernels = pass.kernels(step, routing: &routing)
            stepBytes.append(kernels.reduce(0) { $0 + $1.bytes })
            stepMemoryBytes.append(kernels.reduce(0) { $0 + $1.weightBytes + $1.kvReadBytes + $1.kvWriteBytes })
            stepFlops.append(kernels.reduce(0) { $0 + $1.flops })
            for kernel in kernels {
                let launch = profile.launchGap(step)
                if launch.gap.picoseconds > 0 { append(.idle(launch.gap), nil, launch.hostBusy ? 1 : 0, index, .launchGap) }
                append(contentsOf: kernel, index: index, gemmDefaults: gemmDefaults, ridgeFlopsPerByte: ridgeFlopsPerByte,
                       weightsBase: weightsBase, kvBase: kvBase, activationsBase: activationsBase)
            }
            if profile.hostPerStep.picoseconds > 0 { append(.idle(profile.hostPerStep), nil, UInt64(profile.hostCores), index, .host) }
        }
    }

    mutating func append(_ phase: WorkloadPhase, _ placement: BufferPlacement?, _ cores: UInt64, _ step: Int, _ part: LLMStepPart) {
        phases.append(phase)
        placements.append(placement)
        cpuCores.append(cores)
        parts.append((step, part))
    }

    mutating func append(contentsOf kernel: LLMKernel, index: Int, gemmDefaults: GEMMPhase, ridgeFlopsPerByte: [Precision: Double],
                         weightsBase: UInt64, kvBase: UInt64, activationsBase: UInt64) {
        // The ridge point of the rate the kernel reaches: a slower kernel is compute-bound sooner.
        let format = kernel.matrix?.format ?? .bf16
        let quantized = format.runsAtQuantizedGEMMRate
        let efficiency = quantized ? workload.profile.quantizedGEMMEfficiency : 1
        let precision = quantized ? workload.profile.quantizedGEMMPrecision : Self.tensorPrecision(format)
        let computeBound = kernel.weightBytes == 0
            || Double(kernel.flops) / Double(kernel.weightBytes) >= (ridgeFlopsPerByte[precision] ?? 0) * efficiency
        // A framework whose small-batch matrices are its library GEMM runs every matrix so (not routed experts).
        let libraryGEMM = workload.profile.smallBatchMatrices == .gemm && kernel.matrix.map { !$0.routed } == true
        if (kernel.onTensorCores && computeBound) || libraryGEMM, let shape = kernel.matrix {
            var gemm = gemmDefaults
            gemm.m = UInt64((shape.tokens + shape.groups - 1) / shape.groups)
            gemm.count = UInt64(shape.groups)
            gemm.n = UInt64(shape.outputs)
            gemm.k = UInt64(shape.inputs)
            gemm.precision = precision
            gemm.mathEfficiency = efficiency
            gemm.launchOverhead = .zero
            let base = kernel.kernelClass == .attention ? kvBase + kernel.kvOffset : weightsBase + kernel.weightOffset
            append(.gemm(gemm), BufferPlacement(base: base, bytes: max(kernel.weightBytes, kernel.kvReadBytes)), 0, index, .kernel(kernel.kernelClass))
            return
        }
        let (base, bytes): (UInt64, UInt64) =
            if kernel.weightBytes > 0 { (weightsBase + kernel.weightOffset, kernel.weightBytes) }
            else if kernel.kvReadBytes + kernel.kvWriteBytes > 0 { (kvBase + kernel.kvOffset, kernel.kvReadBytes + kernel.kvWriteBytes) }
            else { (activationsBase, kernel.activationBytes) }
        let lines = max((bytes + 63) / 64 * 64, 64)
        let read = StreamReadPhase(bufferBytes: lines, totalBytes: lines, pattern: .sequential)
        append(.streamRead(read), BufferPlacement(base: base, bytes: lines), 0, index, .kernel(kernel.kernelClass))
    }

    /// The tensor-core precision a matrix of `format` runs at.
    public static func tensorPrecision(_ format: WeightFormat) -> Precision {
        switch format {
        case .f32, .bf16: .bf16
        case .fp16: .fp16
        case .fp8, .q8_0, .q4_0: .fp8
        case .mxfp4, .nvfp4: .fp4
        }
    }
}

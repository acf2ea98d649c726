import TwinCore
import TwinModels

/// The software around a model's kernels, as data (`Scenarios/profiles/<name>.yaml`): what a
/// framework adds between kernels and between tokens. Every value carries its source.
public struct SoftwareProfile: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// GPU time between two dependent kernels of a step: the launch latency the GPU sees with
    /// CUDA graphs, or the host's launch cost when kernels are launched one by one.
    public var kernelGap: SimDuration
    /// Host work between two forward steps (sampling, scheduling, building or reusing the graph,
    /// copying inputs and logits): the GPU waits for it.
    public var hostPerStep: SimDuration
    /// Grace cores busy during that host work (they draw the CPU rails' power).
    public var hostCores: Int
    /// Attention reads the KV cache up to the context rounded up to a multiple of this many
    /// tokens (the padded cells are masked, but read): 1 for none. It also sets how many decode
    /// tokens in a row have the same kernels, which fast mode runs as one loop.
    public var kvPaddingTokens: Int
    /// The fraction of the tensor rate the framework's GEMMs over weights whose activations it
    /// quantizes (llama.cpp's MMQ: Q8_0, Q4_0 and MXFP4 weights, more than 8 tokens) reach.
    public var quantizedGEMMEfficiency: Double
    /// The tensor precision those GEMMs run at: `fp8` for int8 MMA (the twin gives int8 FP8's
    /// rate), `fp4` for FP4 MMA, `bf16` for MMA on tiles dequantized in registers (Marlin).
    public var quantizedGEMMPrecision: Precision
    /// How matrices over a few tokens (decode, up to 8 per matrix) run: as GEMV kernels that
    /// stream their weights (llama.cpp's MMVQ and MMVF), or as the library GEMM the framework
    /// uses for every batch (CUTLASS or cuBLAS at M = tokens, in vLLM and SGLang), whose
    /// bandwidth the GEMM model gives from its tiles in flight. Routed experts stream either way.
    public var smallBatchMatrices: SmallBatchMatrices = .stream
    /// Which kernels the framework merges (`KernelFusions`).
    public var fusions = KernelFusions()
    /// Which forward steps run as CUDA graphs; the others launch their kernels one by one.
    public var cudaGraphs: GraphUse = .all
    /// GPU time between two dependent kernels launched one by one (no graph): the host's launch
    /// cost, which the GPU waits out when kernels are short. The host core is busy meanwhile.
    public var eagerKernelGap: SimDuration = .zero

    public enum GraphUse: String, Sendable, CaseIterable {
        /// Every step runs eagerly.
        case none
        /// Decode steps (one token per sequence) run as graphs, prompts eagerly.
        case decode
        /// Every step runs as a graph.
        case all
    }

    /// The gap before each kernel of `step`, and whether the host is busy launching meanwhile.
    public func launchGap(_ step: ForwardStep) -> (gap: SimDuration, hostBusy: Bool) {
        let graphed = cudaGraphs == .all || (cudaGraphs == .decode && step.tokensPerSequence == 1)
        return graphed ? (kernelGap, false) : (eagerKernelGap, true)
    }

    /// The format of the activations between kernels: `f32` in llama.cpp's CUDA backend, `bf16`
    /// in vLLM and SGLang (the checkpoint's dtype). Norms, adds and activation kernels move them.
    public var activationFormat: WeightFormat = .f32
    /// The weight formats before whose matrices the framework runs a kernel of its own that
    /// quantizes the activations (llama.cpp's `quantize_q8_1` before Q8_0, Q4_0 and MXFP4;
    /// SGLang's per-token FP8 quant and `fp4_quantize`). Quantizing fused into a neighbour
    /// (vLLM's Inductor FP8 quant) is not a kernel and is not listed.
    public var activationQuantize: Set<WeightFormat> = []

    /// Where the next token is drawn: on the host (part of `hostPerStep`, llama.cpp's default)
    /// or by a kernel over the logits on the GPU (vLLM's and SGLang's FlashInfer sampling).
    public var samplesOnGPU = false
    /// Where each value comes from, by key.
    public var sources: [String: String]

    public enum SmallBatchMatrices: String, Sendable, CaseIterable {
        case stream, gemm
    }

    public init(name: String, summary: String, kernelGap: SimDuration, hostPerStep: SimDuration, hostCores: Int,
                kvPaddingTokens: Int = 1, quantizedGEMMEfficiency: Double = 1, quantizedGEMMPrecision: Precision = .fp8,
                sources: [String: String]) {
        precondition(kvPaddingTokens >= 1, "KV padding is at least one token")
        precondition(quantizedGEMMEfficiency > 0 && quantizedGEMMEfficiency <= 1, "an efficiency is in (0, 1]")
        self.quantizedGEMMEfficiency = quantizedGEMMEfficiency
        self.quantizedGEMMPrecision = quantizedGEMMPrecision
        self.name = name
        self.summary = summary
        self.kernelGap = kernelGap
        self.hostPerStep = hostPerStep
        self.hostCores = hostCores
        self.kvPaddingTokens = kvPaddingTokens
        self.sources = sources
    }

    /// `tokens` rounded up to the padding.
    public func padded(_ tokens: Int) -> Int {
        (tokens + kvPaddingTokens - 1) / kvPaddingTokens * kvPaddingTokens
    }
}

/// The kernels a framework merges into one, which change how many kernels a forward step
/// launches and the shapes of its matrices (`../shared/llm-kernels.md`).
public struct KernelFusions: Sendable, Equatable {
    /// Q, K and V as one matrix (vLLM's and SGLang's `qkv_proj`); llama.cpp keeps the GGUF's three.
    public var mergedQKV = false
    /// Gate and up as one matrix at every batch, its SwiGLU a kernel of its own (vLLM's and
    /// SGLang's `gate_up_proj` and `silu_and_mul`); false: llama.cpp's, one kernel with its
    /// SwiGLU at one token per sequence, separate matrices and a SwiGLU kernel above.
    public var mergedGateUp = false
    /// The residual add fused with the norm after it (`fused_add_rmsnorm`); false: two kernels.
    public var fusedAddNorm = false

    public init(mergedQKV: Bool = false, mergedGateUp: Bool = false, fusedAddNorm: Bool = false) {
        self.mergedQKV = mergedQKV
        self.mergedGateUp = mergedGateUp
        self.fusedAddNorm = fusedAddNorm
    }
}

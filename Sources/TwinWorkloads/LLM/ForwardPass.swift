import TwinCore
import TwinModels

/// What a kernel of a forward pass is, for the time breakdown by class.
public enum KernelClass: String, Sendable, CaseIterable {
    /// A matrix times a few token vectors (decode), reading its weights once.
    case gemv
    /// A matrix times many tokens (prefill), on the tensor cores.
    case gemm
    case attention
    /// The router, top-k selection and the chosen experts' matrices.
    case moe
    /// Norms, rotary embedding, activations, residual adds, quantizing activations, KV writes.
    case elementwise
    /// The embedding lookup, the output head and sampling on the GPU.
    case embedding
}

/// One kernel of a forward pass, as the workload layer hands it to the hardware models: what it
/// reads and writes, and where (`weights`, `kv` and `activations` buffers), and its arithmetic.
public struct LLMKernel: Sendable, Equatable {
    public var name: String
    public var kernelClass: KernelClass
    /// The layer it belongs to; nil for the embedding lookup and the head.
    public var layer: Int?
    /// The weight bytes it reads, from `weightOffset` in the weights buffer.
    public var weightOffset: UInt64
    public var weightBytes: UInt64
    /// KV-cache bytes it reads and writes, from `kvOffset` in the KV buffer.
    public var kvOffset: UInt64
    public var kvReadBytes: UInt64
    public var kvWriteBytes: UInt64
    /// Activation bytes it reads and writes (in the profile's activation format, in the
    /// activations buffer: small, reused).
    public var activationBytes: UInt64
    public var flops: UInt64
    /// For a matrix kernel: tokens × output features × input features, and the weights' format.
    public var matrix: MatrixShape?
    /// Whether it runs on the tensor cores as a GEMM of `matrix`'s shape (a matrix over more
    /// than `ForwardPass.gemvTokens` tokens, a prefill's attention); else it streams its bytes.
    public var onTensorCores: Bool { matrix != nil && (kernelClass == .gemm || (matrix!.tokens > ForwardPass.gemvTokens && kernelClass != .embedding)) }

    public struct MatrixShape: Sendable, Equatable {
        public var tokens: Int
        public var outputs: Int
        public var inputs: Int
        public var format: WeightFormat
        /// GEMMs it runs as, one after the other, each over `tokens / groups` rows: one per
        /// chosen expert for routed experts (the tokens sorted by expert, as llama.cpp's
        /// `mm_ids_helper` does), else 1.
        public var groups = 1
        /// A routed experts' matrix: each token meets only its chosen experts'.
        public var routed = false
    }

    /// Bytes it moves in all.
    public var bytes: UInt64 { weightBytes + kvReadBytes + kvWriteBytes + activationBytes }
}

/// One forward step of a model: `sequences` sequences, each adding `tokensPerSequence` tokens
/// (1 in decode, the prompt in prefill) to a context of `contextTokens` already cached.
public struct ForwardStep: Sendable, Equatable {
    public var sequences: Int
    public var tokensPerSequence: Int
    public var contextTokens: Int

    public init(sequences: Int, tokensPerSequence: Int, contextTokens: Int) {
        self.sequences = sequences
        self.tokensPerSequence = tokensPerSequence
        self.contextTokens = contextTokens
    }

    public var tokens: Int { sequences * tokensPerSequence }
}

/// Expands a model into the kernels of one forward step, in the order llama.cpp's CUDA backend
/// launches them (`../shared/llm-kernels.md` §1.2–1.4): per layer a norm, the Q, K and V
/// projections, rotary embedding and the KV writes, attention, the output projection, a
/// residual add, a norm, the FFN (or the router, top-k and the chosen experts' matrices), and a
/// residual add; then the final norm and the head (for the last token of each sequence only).
/// Before a matrix whose weight format the framework quantizes activations for, a kernel does
/// so (llama.cpp's `quantize_q8_1` before its MMVQ and MMQ paths, SGLang's FP8 and FP4 quant).
public struct ForwardPass: Sendable {
    public let model: ModelDescription
    public let variant: WeightVariant
    public let kvCache: KVCacheFormat
    /// The sequences' KV region in the KV buffer is laid out for this many tokens each.
    public let maximumContextTokens: Int
    /// Attention reads the cache up to the context rounded up to this many tokens
    /// (`SoftwareProfile.kvPaddingTokens`).
    public let kvPaddingTokens: Int
    /// The kernels the framework merges (llama.cpp's by default).
    public let fusions: KernelFusions
    /// Whether a kernel draws the next tokens from the logits (else the host does).
    public let samplesOnGPU: Bool
    /// The activations' format between kernels (`SoftwareProfile.activationFormat`).
    public let activationFormat: WeightFormat
    /// Weight formats whose matrices a quantize kernel precedes (`SoftwareProfile.activationQuantize`).
    public let activationQuantize: Set<WeightFormat>

    public init(model: ModelDescription, variant: WeightVariant, kvCache: KVCacheFormat, maximumContextTokens: Int, kvPaddingTokens: Int = 1,
                fusions: KernelFusions = KernelFusions(), samplesOnGPU: Bool = false, activationFormat: WeightFormat = .f32,
                activationQuantize: Set<WeightFormat> = [.q8_0, .q4_0, .mxfp4]) {
        self.samplesOnGPU = samplesOnGPU
        self.activationFormat = activationFormat
        self.activationQuantize = activationQuantize
        self.model = model
        self.variant = variant
        self.kvCache = kvCache
        self.maximumContextTokens = maximumContextTokens
        self.kvPaddingTokens = kvPaddingTokens
        self.fusions = fusions
    }

    /// The kernels of `step`. `routing` draws the experts each token's router picks (uniform and
    /// independent: real routing is skewed, which a trace would replace).
    public func kernels(_ step: ForwardStep, routing: inout RandomStream) -> [LLMKernel] {
        var out: [LLMKernel] = []
        var layout = Layout(model: model, variant: variant)
        let h = model.hidden, a = model.attention, f = model.feedForward
        let tokens = step.tokens
        let decode = step.tokensPerSequence == 1
        let f32 = UInt64(4)
        // Bytes of one activation between kernels.
        let act = UInt64(activationFormat.elementBits / 8)
        let hiddenBytes = UInt64(tokens * h) * act

        func elementwise(_ name: String, layer: Int?, bytes: UInt64, flopsPerByte: UInt64 = 1) {
            out.append(LLMKernel(name: name, kernelClass: .elementwise, layer: layer, weightOffset: 0, weightBytes: 0, kvOffset: 0,
                                 kvReadBytes: 0, kvWriteBytes: 0, activationBytes: bytes, flops: bytes / act * flopsPerByte, matrix: nil))
        }
        /// A matrix of `outputs` × `inputs` at the layout's next offset, applied to `rows` tokens.
        func matrix(_ name: String, _ group: TensorGroup, layer: Int?, outputs: Int, inputs: Int, rows: Int, kernelClass: KernelClass? = nil,
                    readBytes: UInt64? = nil, fused: Int = 1) {
            let format = variant.format(group)
            let tensorBytes = format.bytes(elements: UInt64(outputs) * UInt64(inputs))
            let offset = layout.take(tensorBytes)
            if activationQuantize.contains(format) {
                elementwise("\(name).quantize", layer: layer, bytes: UInt64(rows * inputs) * act + Self.quantizedActivationBytes(format, rows: rows, inputs: inputs))
            }
            let cls = kernelClass ?? (rows <= Self.gemvTokens ? .gemv : .gemm)
            let weightBytes = readBytes ?? tensorBytes
            let usedOutputs = UInt64(outputs) * weightBytes / max(tensorBytes, 1)
            // Routed experts: each token meets `expertsPerToken` experts' matrices, so the GEMM has
            // a row per (token, expert) pair and one expert's outputs.
            let routed = group == .experts
            var shape = LLMKernel.MatrixShape(tokens: routed ? rows * f.expertsPerToken : rows, outputs: routed ? outputs / f.experts : outputs,
                                              inputs: inputs, format: format)
            shape.routed = routed
            if routed, let experts = readBytes.map({ Int($0 / max(tensorBytes / UInt64(f.experts), 1)) }), experts > 0 { shape.groups = experts }
            let flops = routed ? 2 * UInt64(shape.tokens) * UInt64(shape.outputs) * UInt64(inputs) : 2 * UInt64(rows) * usedOutputs * UInt64(inputs)
            out.append(LLMKernel(name: name, kernelClass: cls, layer: layer, weightOffset: offset, weightBytes: weightBytes, kvOffset: 0,
                                 kvReadBytes: 0, kvWriteBytes: 0, activationBytes: UInt64(shape.tokens) * (UInt64(inputs) + UInt64(shape.outputs) / UInt64(fused)) * act,
                                 flops: flops, matrix: shape))
        }

        out.append(LLMKernel(name: "token_embd.get_rows", kernelClass: .embedding, layer: nil, weightOffset: layout.take(model.weightBytes(.embeddings, variant)),
                             weightBytes: UInt64(tokens) * variant.format(.embeddings).bytes(elements: UInt64(h)), kvOffset: 0, kvReadBytes: 0, kvWriteBytes: 0,
                             activationBytes: hiddenBytes, flops: 0, matrix: nil))
        let kvPerTokenLayer = model.kvBytesPerTokenPerLayer(kvCache)
        let fused = fusions.fusedAddNorm
        for layer in 0..<model.layers {
            let blk = "blk.\(layer)"
            // With the add fused to the norm after it, a layer's first norm is the previous layer's last add.
            if !fused || layer == 0 { elementwise("\(blk).attn_norm", layer: layer, bytes: 2 * hiddenBytes, flopsPerByte: 4) }
            if fusions.mergedQKV {
                matrix("\(blk).attn_qkv", .attention, layer: layer, outputs: (a.heads + 2 * a.kvHeads) * a.headDim, inputs: h, rows: tokens)
            } else {
                matrix("\(blk).attn_q", .attention, layer: layer, outputs: a.heads * a.headDim, inputs: h, rows: tokens)
                matrix("\(blk).attn_k", .attention, layer: layer, outputs: a.kvHeads * a.headDim, inputs: h, rows: tokens)
                matrix("\(blk).attn_v", .attention, layer: layer, outputs: a.kvHeads * a.headDim, inputs: h, rows: tokens)
            }
            let qBytes = UInt64(tokens * a.heads * a.headDim) * act, kBytes = UInt64(tokens * a.kvHeads * a.headDim) * act
            elementwise("\(blk).rope_q", layer: layer, bytes: 2 * qBytes, flopsPerByte: 2)
            // RoPE on K fused with its KV write (set_rows), then V's write.
            let written = UInt64(tokens) * kvPerTokenLayer / 2
            let kvBase = UInt64(layer) * UInt64(step.sequences) * UInt64(maximumContextTokens) * kvPerTokenLayer
            out.append(LLMKernel(name: "\(blk).rope_k.set_rows", kernelClass: .elementwise, layer: layer, weightOffset: 0, weightBytes: 0,
                                 kvOffset: kvBase, kvReadBytes: 0, kvWriteBytes: written, activationBytes: kBytes, flops: kBytes / act * 2, matrix: nil))
            out.append(LLMKernel(name: "\(blk).set_rows_v", kernelClass: .elementwise, layer: layer, weightOffset: 0, weightBytes: 0,
                                 kvOffset: kvBase, kvReadBytes: 0, kvWriteBytes: written, activationBytes: kBytes, flops: 0, matrix: nil))
            // Attention reads the K and V of every cached token (and the new ones) of each sequence.
            let context = step.contextTokens + step.tokensPerSequence
            let padded = (context + kvPaddingTokens - 1) / kvPaddingTokens * kvPaddingTokens
            let cached = UInt64(model.cachedTokens(layer: layer, contextTokens: padded))
            let attended = decode ? cached : (cached + UInt64(step.contextTokens) + 1) / 2
            // A prefill's attention is compute-bound: Q·Kᵀ and P·V over the attended tokens, on
            // the tensor cores as a matrix of tokens × attended × (2 · heads · head dim).
            let scores: LLMKernel.MatrixShape? = decode ? nil : .init(tokens: tokens, outputs: Int(attended), inputs: 2 * a.heads * a.headDim,
                                                                      format: kvCache == .fp8 ? .fp8 : .bf16)
            out.append(LLMKernel(name: "\(blk).flash_attn", kernelClass: .attention, layer: layer, weightOffset: 0, weightBytes: 0,
                                 kvOffset: kvBase, kvReadBytes: UInt64(step.sequences) * cached * kvPerTokenLayer, kvWriteBytes: 0,
                                 activationBytes: 2 * qBytes,
                                 flops: 4 * UInt64(tokens) * UInt64(a.heads * a.headDim) * attended, matrix: scores))
            matrix("\(blk).attn_output", .attention, layer: layer, outputs: h, inputs: a.heads * a.headDim, rows: tokens)
            if fused {
                elementwise("\(blk).add.ffn_norm", layer: layer, bytes: 4 * hiddenBytes, flopsPerByte: 2)
            } else {
                elementwise("\(blk).add", layer: layer, bytes: 3 * hiddenBytes)
                elementwise("\(blk).ffn_norm", layer: layer, bytes: 2 * hiddenBytes, flopsPerByte: 4)
            }
            if f.isMixture {
                matrix("\(blk).ffn_gate_inp", .router, layer: layer, outputs: f.experts, inputs: h, rows: tokens, kernelClass: .moe)
                out.append(LLMKernel(name: "\(blk).topk_moe", kernelClass: .moe, layer: layer, weightOffset: 0, weightBytes: 0, kvOffset: 0,
                                     kvReadBytes: 0, kvWriteBytes: 0, activationBytes: UInt64(tokens * f.experts) * act * 2, flops: UInt64(tokens * f.experts) * 8, matrix: nil))
                let chosen = UInt64(Self.distinctExperts(tokens: tokens, experts: f.experts, perToken: f.expertsPerToken, routing: &routing))
                let gateUpPerExpert = variant.format(.experts).bytes(elements: UInt64((f.matrices - 1) * f.size * h))
                let downPerExpert = variant.format(.experts).bytes(elements: UInt64(f.size * h))
                // The experts' matrices lie expert after expert; the kernel reads the chosen ones.
                matrix("\(blk).ffn_gate_up_exps", .experts, layer: layer, outputs: f.experts * (f.matrices - 1) * f.size, inputs: h, rows: tokens,
                       kernelClass: .moe, readBytes: chosen * gateUpPerExpert, fused: 2)
                matrix("\(blk).ffn_down_exps", .experts, layer: layer, outputs: f.experts * h, inputs: f.size, rows: tokens,
                       kernelClass: .moe, readBytes: chosen * downPerExpert)
                elementwise("\(blk).moe_weighted_sum", layer: layer, bytes: UInt64(f.expertsPerToken + 1) * hiddenBytes)
            }
            if !f.isMixture || f.sharedExperts > 0 {
                let width = f.size * max(f.sharedExperts, 1)
                if f.gated && fusions.mergedGateUp {
                    // One matrix of gate and up at every batch, then the SwiGLU kernel.
                    matrix("\(blk).ffn_gate_up", .ffn, layer: layer, outputs: 2 * width, inputs: h, rows: tokens)
                    elementwise("\(blk).silu_and_mul", layer: layer, bytes: UInt64(tokens * width) * act * 3, flopsPerByte: 2)
                } else if decode && f.gated {
                    // At one token per sequence llama.cpp computes gate and up, and applies SwiGLU, in one kernel.
                    matrix("\(blk).ffn_gate_up", .ffn, layer: layer, outputs: 2 * width, inputs: h, rows: tokens, fused: 2)
                } else {
                    if f.gated { matrix("\(blk).ffn_gate", .ffn, layer: layer, outputs: width, inputs: h, rows: tokens) }
                    matrix("\(blk).ffn_up", .ffn, layer: layer, outputs: width, inputs: h, rows: tokens)
                    elementwise("\(blk).swiglu", layer: layer, bytes: UInt64(tokens * width) * act * 3, flopsPerByte: 2)
                }
                matrix("\(blk).ffn_down", .ffn, layer: layer, outputs: h, inputs: width, rows: tokens)
            }
            if fused {
                // The add and the next layer's norm (the final norm after the last layer), over every token.
                elementwise(layer + 1 < model.layers ? "\(blk).add_ffn.attn_norm" : "\(blk).add_ffn.output_norm", layer: layer,
                            bytes: 4 * hiddenBytes, flopsPerByte: 2)
            } else {
                elementwise("\(blk).add_ffn", layer: layer, bytes: 3 * hiddenBytes)
            }
        }
        if !fused { elementwise("output_norm", layer: nil, bytes: 2 * UInt64(step.sequences * h) * act, flopsPerByte: 4) }
        if model.tiedEmbeddings { layout.offset = 0 }
        matrix("output", model.tiedEmbeddings ? .embeddings : .head, layer: nil, outputs: model.vocabulary, inputs: h, rows: step.sequences, kernelClass: .embedding)
        if samplesOnGPU {
            // Softmax, then top-k/top-p sampling from the probabilities: about three passes over
            // each sequence's f32 logits (FlashInfer's sampling kernels; an estimate of their traffic).
            let logits = UInt64(step.sequences * model.vocabulary) * f32
            out.append(LLMKernel(name: "sampling", kernelClass: .embedding, layer: nil, weightOffset: 0, weightBytes: 0, kvOffset: 0,
                                 kvReadBytes: 0, kvWriteBytes: 0, activationBytes: 3 * logits, flops: logits / f32 * 8, matrix: nil))
        }
        return out
    }

    /// Tokens up to which a matrix kernel is a GEMV (llama.cpp's MMVQ limit, `MMVQ_MAX_BATCH_SIZE`).
    public static let gemvTokens = 8

    /// The distinct experts `tokens` tokens choose, each `perToken` different ones of `experts`.
    static func distinctExperts(tokens: Int, experts: Int, perToken: Int, routing: inout RandomStream) -> Int {
        var chosen = [Bool](repeating: false, count: experts)
        var count = 0
        for _ in 0..<tokens {
            var picked = 0
            var own = [Bool](repeating: false, count: experts)
            while picked < perToken {
                let expert = Int(routing.next(below: UInt64(experts)))
                if own[expert] { continue }
                own[expert] = true
                picked += 1
                if !chosen[expert] { chosen[expert] = true; count += 1 }
            }
        }
        return count
    }

    /// Where each tensor lies in the weights buffer: in the order the pass reads them.
    struct Layout {
        let model: ModelDescription
        let variant: WeightVariant
        var offset: UInt64 = 0

        mutating func take(_ bytes: UInt64) -> UInt64 {
            defer { offset += bytes }
            return offset
        }
    }
}

extension ForwardPass {
    /// What a quantize kernel writes for `rows` × `inputs` activations ahead of weights in
    /// `format`: llama.cpp's q8_1 blocks (32 int8 and two fp16, 36 bytes) for its integer paths,
    /// FP8 with one f32 scale per token, NVFP4 blocks as the weights', else BF16.
    static func quantizedActivationBytes(_ format: WeightFormat, rows: Int, inputs: Int) -> UInt64 {
        let elements = UInt64(inputs)
        let perRow: UInt64 = switch format {
        case .q8_0, .q4_0, .mxfp4: (elements + 31) / 32 * 36
        case .fp8: elements + 4
        case .nvfp4: WeightFormat.nvfp4.bytes(elements: elements)
        case .f32, .bf16, .fp16: elements * 2
        }
        return UInt64(rows) * perRow
    }
}

extension WeightFormat {
    /// Whether a GEMM over weights of this format runs at the profile's `quantizedGEMMPrecision`
    /// and `quantizedGEMMEfficiency`: formats the frameworks do not hand to the tensor cores as
    /// they are (llama.cpp expands Q8_0, Q4_0 and MXFP4 tiles to int8 for MMQ; vLLM and SGLang on
    /// sm_120 run MXFP4 with Marlin, dequantizing to BF16 in registers).
    public var runsAtQuantizedGEMMRate: Bool { self == .q8_0 || self == .q4_0 || self == .mxfp4 }
}

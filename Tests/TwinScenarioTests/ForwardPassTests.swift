import Testing
import TwinCore
import TwinModels
import TwinScenario
import TwinWorkloads

/// The kernels a forward step expands into, and the bytes they read.
struct ForwardPassTests {
    static func pass(_ model: ModelDescription, _ variant: String? = nil, maxContext: Int = 4_096) -> ForwardPass {
        ForwardPass(model: model, variant: variant.flatMap(model.variant) ?? model.variants[0], kvCache: model.kvCache, maximumContextTokens: maxContext)
    }

    static func kernels(_ pass: ForwardPass, _ step: ForwardStep, seed: UInt64 = 1) -> [LLMKernel] {
        var routing = RandomStream(seed: seed, purpose: .expertRouting)
        return pass.kernels(step, routing: &routing)
    }

    @Test func aDecodeStepOfASmallModelReadsItsWeightsOnceAndItsKVCache() {
        let tiny = ModelDescriptionTests.tiny
        let kernels = Self.kernels(Self.pass(tiny), ForwardStep(sequences: 1, tokensPerSequence: 1, contextTokens: 99))
        // By hand, bf16: Q 64×64, K and V 32×64, O 64×64, gate+up 256×64, down 64×128 per layer;
        // one embedding row of 64; the head 100×64.
        let perLayer = 2 * (64 * 64 + 32 * 64 + 32 * 64 + 64 * 64 + 256 * 64 + 64 * 128)
        #expect(kernels.reduce(0) { $0 + $1.weightBytes } == UInt64(2 * perLayer + 2 * 64 + 2 * 100 * 64))
        // The sliding layer keeps 8 tokens, the full one all 100; 128 B per token per layer.
        #expect(kernels.reduce(0) { $0 + $1.kvReadBytes } == 128 * (8 + 100))
        #expect(kernels.reduce(0) { $0 + $1.kvWriteBytes } == 2 * 128)
        // Per layer: 2 norms, Q K V O, rope, 2 KV writes, attention, gate+up, down, 2 adds.
        #expect(kernels.count == 1 + 2 * 14 + 2)
        #expect(kernels.filter { $0.kernelClass == .gemv }.count == 2 * 6)
    }

    @Test func doublingTheBatchOfADecodeAddsNoWeightBytesForADenseModel() throws {
        let llama = try ModelDescriptionTests.model("llama-3.1-8b")
        let pass = Self.pass(llama, "bf16")
        func weights(_ batch: Int) -> UInt64 {
            Self.kernels(pass, ForwardStep(sequences: batch, tokensPerSequence: 1, contextTokens: 0)).filter { $0.kernelClass != .embedding }.reduce(0) { $0 + $1.weightBytes }
        }
        #expect(weights(1) == weights(8))
        #expect(weights(1) == llama.weightBytes(.attention, llama.variant("bf16")!) + llama.weightBytes(.ffn, llama.variant("bf16")!))
    }

    @Test func anMoEDecodeReadsOnlyTheChosenExperts() throws {
        let oss = try ModelDescriptionTests.model("gpt-oss-120b")
        let variant = oss.variant("mxfp4")!
        let expert = oss.bytesPerExpert(variant)
        for batch in [1, 8, 32] {
            let kernels = Self.kernels(Self.pass(oss, "mxfp4"), ForwardStep(sequences: batch, tokensPerSequence: 1, contextTokens: 0))
            let experts = kernels.filter { $0.name.hasSuffix("_exps") }.reduce(0) { $0 + $1.weightBytes }
            let perLayer = Double(experts) / Double(expert) / Double(oss.layers)
            // Whole experts in every layer (gate and up, then down: one expert's bytes together).
            #expect(experts % expert == 0, "whole experts")
            // Batch 1: exactly 4 of 128; more tokens share experts, so fewer than 4 × batch.
            if batch == 1 { #expect(perLayer == 4) } else { #expect(perLayer > 4 && perLayer < Double(4 * batch) && perLayer <= 128) }
            // Near the expectation E·(1 − (1 − k/E)^B).
            #expect(abs(perLayer - oss.expectedDistinctExperts(tokens: batch)) < 0.15 * oss.expectedDistinctExperts(tokens: batch), "batch \(batch): \(perLayer)")
        }
    }

    @Test func kvBytesReadPerDecodeTokenGrowLinearlyWithContext() throws {
        let llama = try ModelDescriptionTests.model("llama-3.1-8b")
        let pass = Self.pass(llama, "fp8", maxContext: 65_536)
        func kv(_ context: Int) -> UInt64 {
            Self.kernels(pass, ForwardStep(sequences: 1, tokensPerSequence: 1, contextTokens: context)).reduce(0) { $0 + $1.kvReadBytes }
        }
        let step = kv(2_000) - kv(1_000)
        #expect(step == 1_000 * 131_072)
        #expect(kv(32_000) - kv(31_000) == step)
    }

    @Test func aQuantizedFileQuantizesActivationsBeforeEachMatrix() throws {
        let qwen = try ModelDescriptionTests.model("qwen2.5-7b")
        let q8 = Self.kernels(Self.pass(qwen, "gguf-q8_0"), ForwardStep(sequences: 1, tokensPerSequence: 1, contextTokens: 0))
        let bf16 = Self.kernels(Self.pass(qwen, "bf16"), ForwardStep(sequences: 1, tokensPerSequence: 1, contextTokens: 0))
        let matrices = q8.filter { $0.matrix != nil && $0.kernelClass != .attention }.count
        #expect(q8.count - bf16.count == matrices)
        #expect(q8.filter { $0.name.hasSuffix(".quantize") }.count == matrices)
        // By hand: the first layer's Q input, 3,584 f32 read, q8_1 blocks (32 int8 and two fp16) written.
        #expect(q8.first { $0.name.hasSuffix(".quantize") }?.activationBytes == 3_584 * 4 + 3_584 / 32 * 36)
    }

    @Test func aFrameworksActivationFormatAndQuantizeKernelsSetItsElementwiseBytes() throws {
        let llama = try ModelDescriptionTests.model("llama-3.1-8b")
        func pass(_ activations: WeightFormat, quantizing: Set<WeightFormat>) -> ForwardPass {
            ForwardPass(model: llama, variant: llama.variant("fp8")!, kvCache: llama.kvCache, maximumContextTokens: 4_096,
                        fusions: KernelFusions(mergedQKV: true, mergedGateUp: true, fusedAddNorm: true), samplesOnGPU: true,
                        activationFormat: activations, activationQuantize: quantizing)
        }
        let prompt = ForwardStep(sequences: 1, tokensPerSequence: 2_048, contextTokens: 0)
        // SGLang: a per-token FP8 quant before QKV, O, gate_up and down.
        let sglang = Self.kernels(pass(.bf16, quantizing: [.fp8, .nvfp4]), prompt)
        let quantize = sglang.filter { $0.name.hasSuffix(".quantize") }
        #expect(quantize.count == 4 * llama.layers)
        // By hand, the QKV input: 2,048 × 4,096 bf16 read, FP8 and one f32 scale per token written.
        #expect(quantize.first?.activationBytes == 2_048 * 4_096 * 2 + 2_048 * (4_096 + 4))
        // With f32 activations every other elementwise kernel moves twice the bytes.
        let f32 = Self.kernels(pass(.f32, quantizing: [.fp8, .nvfp4]), prompt)
        #expect(f32.count == sglang.count)
        for (bf16Kernel, f32Kernel) in zip(sglang, f32) where bf16Kernel.kernelClass == .elementwise && !bf16Kernel.name.hasSuffix(".quantize") {
            #expect(2 * bf16Kernel.activationBytes == f32Kernel.activationBytes, "\(bf16Kernel.name)")
        }
        // vLLM fuses its FP8 quant into its neighbours: no kernel of its own.
        #expect(Self.kernels(pass(.bf16, quantizing: [.nvfp4]), prompt).count == sglang.count - quantize.count)
    }

    @Test func aPrefillRunsGEMMsAndTheHeadOnlyForTheLastToken() throws {
        let llama = try ModelDescriptionTests.model("llama-3.1-8b")
        let kernels = Self.kernels(Self.pass(llama, "bf16"), ForwardStep(sequences: 1, tokensPerSequence: 2_048, contextTokens: 0))
        #expect(kernels.filter { $0.kernelClass == .gemv }.isEmpty)
        // Q K V O, gate, up, down per layer.
        #expect(kernels.filter { $0.kernelClass == .gemm }.count == 7 * llama.layers)
        let head = kernels.last!
        #expect(head.matrix?.tokens == 1 && head.matrix?.outputs == llama.vocabulary)
        let gemmFlops = kernels.filter { $0.kernelClass == .gemm }.reduce(0) { $0 + $1.flops }
        #expect(gemmFlops == 2 * 2_048 * (llama.parameters(.attention) + llama.parameters(.ffn)))
    }
}

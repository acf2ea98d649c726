import Foundation
import Testing
import TwinModels
import TwinScenario
import TwinWorkloads

/// Model descriptions: every count derives from the architecture, and the files people run have
/// the sizes the counts give.
struct ModelDescriptionTests {
    static let modelsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(ModelFile.folder).path

    static func model(_ name: String) throws -> ModelDescription {
        try ModelFile.load(path: modelsFolder + "/\(name).yaml")
    }

    static let gib = 1_073_741_824.0

    /// A model small enough to count by hand: 2 layers, hidden 64, 4 heads over 2 KV heads of 16,
    /// a SwiGLU FFN of 128, vocabulary 100.
    static let tiny = ModelDescription(
        name: "tiny", summary: "", layers: 2, hidden: 64,
        attention: .init(heads: 4, kvHeads: 2, headDim: 16, pattern: [.sliding, .full], slidingWindowTokens: 8),
        feedForward: .init(size: 128), vocabulary: 100, tiedEmbeddings: false, maxContextTokens: 1024,
        variants: [WeightVariant(name: "bf16", source: "", formats: Dictionary(uniqueKeysWithValues: TensorGroup.allCases.map { ($0, .bf16) }))],
        kvCache: .bf16)

    @Test func everyModelFileLoads() throws {
        let names = ModelFile.names(near: Self.modelsFolder)
        #expect(names.count >= 8)
        for name in names { _ = try Self.model(name) }
    }

    @Test func aSmallModelsCountsMatchAHandCount() {
        let m = Self.tiny
        // Q and O: 64×64 each; K and V: 64×32 each; per layer 12,288; two layers.
        #expect(m.parameters(.attention) == 2 * (64 * 64 * 2 + 64 * 32 * 2))
        // Gate, up and down: 3 × 64 × 128 per layer.
        #expect(m.parameters(.ffn) == 2 * 3 * 64 * 128)
        #expect(m.parameters(.experts) == 0)
        #expect(m.parameters(.embeddings) == 6_400)
        #expect(m.parameters(.head) == 6_400)
        // Two norms per layer and the final one.
        #expect(m.parameters(.vectors) == 2 * 128 + 64)
        #expect(m.weightBytes(m.variants[0]) == 2 * (24_576 + 49_152 + 12_800 + 320))
        // K and V of 2 heads × 16 in bf16: 128 B per token per layer. The sliding layer keeps 8.
        #expect(m.kvCacheBytes(contextTokens: 100, format: .bf16) == 128 * (8 + 100))
        #expect(m.kvCacheBytes(contextTokens: 100, format: .fp8) == 64 * (8 + 100))
    }

    @Test func blockScaledFormatsCountTheirScales() {
        #expect(WeightFormat.mxfp4.bytes(elements: 64) == 2 * (32 * 4 + 8) / 8)
        #expect(WeightFormat.nvfp4.bytes(elements: 32) == 2 * (16 * 4 + 8) / 8)
        #expect(WeightFormat.q8_0.bytes(elements: 32) == 34)
        #expect(WeightFormat.q4_0.bytes(elements: 33) == 2 * 18)
        #expect(WeightFormat.allCases.map(\.bitsPerWeight) == [32, 16, 16, 8, 8.5, 4.5, 4.25, 4.5])
    }

    /// The published totals (`../shared/models.md`) from the architecture alone.
    @Test(arguments: [("gpt-oss-120b", 116.8), ("gpt-oss-20b", 20.9), ("llama-3.1-8b", 8.03), ("llama-3.1-70b", 70.6),
                      ("qwen2.5-7b", 7.62), ("qwen3-235b-a22b", 235.0), ("llama-3.1-405b", 405.9), ("llama-3.2-3b", 3.21)])
    func parameterCountsMatchThePublishedTotals(name: String, billions: Double) throws {
        let total = Double(try Self.model(name).totalParameters) / 1e9
        #expect(abs(total / billions - 1) < 0.01, "\(name): \(total) B")
    }

    /// The GGUF files of `../shared/models.md` are 59.02, 11.27 and 7.54 GiB: the counts and the
    /// formats give the same within 1 %.
    @Test(arguments: [("gpt-oss-120b", "gguf-mxfp4", 59.02), ("gpt-oss-20b", "gguf-mxfp4", 11.27), ("qwen2.5-7b", "gguf-q8_0", 7.54)])
    func fileSizesMatchTheFilesPeopleRun(name: String, variant: String, sizeGiB: Double) throws {
        let model = try Self.model(name)
        let bytes = Double(model.weightBytes(model.variant(variant)!)) / Self.gib
        #expect(abs(bytes / sizeGiB - 1) < 0.01, "\(name) \(variant): \(bytes) GiB")
        // The experts alone at 4.25 bits: the ~60.9 GB the note gives for gpt-oss-120b.
        if name == "gpt-oss-120b" { #expect(abs(Double(model.weightBytes(.experts, model.variant(variant)!)) / 60.9e9 - 1) < 0.005) }
    }

    @Test func kvCacheGrowsLinearlyWithContextAndSlidingLayersStopAtTheirWindow() throws {
        let llama = try Self.model("llama-3.1-8b")
        let perToken = llama.kvBytesPerTokenPerLayer(.bf16) * UInt64(llama.layers)
        #expect(perToken == 131_072)
        for context in [1, 1_000, 32_768] { #expect(llama.kvCacheBytes(contextTokens: context, format: .bf16) == UInt64(context) * perToken) }
        let oss = try Self.model("gpt-oss-120b")
        let full = UInt64(oss.layers / 2) * oss.kvBytesPerTokenPerLayer(.bf16)
        let at1k = oss.kvCacheBytes(contextTokens: 1_000, format: .bf16)
        #expect(oss.kvCacheBytes(contextTokens: 2_000, format: .bf16) - at1k == 1_000 * full)
        #expect(oss.kvCacheBytes(contextTokens: 100, format: .bf16) == 100 * 2 * full)
    }

    @Test func distinctExpertsFollowFromTheBatchAndTopK() throws {
        let oss = try Self.model("gpt-oss-120b")
        #expect(abs(oss.expectedDistinctExperts(tokens: 1) - 4) < 1e-9)
        let at8 = oss.expectedDistinctExperts(tokens: 8)
        // 128 · (1 − (124/128)^8) ≈ 28.2: fewer than 8 × 4, far fewer than 128.
        #expect(abs(at8 - 128 * (1 - pow(124.0 / 128, 8))) < 1e-9)
        #expect(at8 < 32 && oss.expectedDistinctExperts(tokens: 10_000) > 127.99)
        #expect(try Self.model("llama-3.1-8b").expectedDistinctExperts(tokens: 8) == 0)
    }

    @Test func aModelTooLargeForMemoryDoesNotFitAndSaysItsSizes() throws {
        let usable = MachineConfig(MachineParameters.values(preset: "dgx-spark")!).memoryUsableBytes
        let llama = try Self.model("llama-3.1-70b")
        let bf16 = ModelFootprint(llama, llama.variant("bf16")!, kvCache: .bf16, sequences: 1, contextTokens: 4_096, tokensPerStep: 1)
        #expect(!bf16.fits(in: usable))
        #expect(bf16.sizes.hasPrefix("131.4 GiB of weights + 1.3 GiB of KV cache"), "\(bf16.sizes)")
        #expect(llama.largestBatch(llama.variant("bf16")!, kvCache: .bf16, contextTokens: 4_096, usableBytes: usable) == 0)
        // The largest batch fits and one more does not.
        let fp8 = llama.variant("fp8")!
        let batch = llama.largestBatch(fp8, kvCache: .bf16, contextTokens: 8_192, usableBytes: usable)
        #expect(batch > 0)
        for (sequences, fits) in [(batch, true), (batch + 1, false)] {
            #expect(ModelFootprint(llama, fp8, kvCache: .bf16, sequences: sequences, contextTokens: 8_192, tokensPerStep: sequences).fits(in: usable) == fits)
        }
        let context = llama.largestContext(fp8, kvCache: .bf16, sequences: 1, usableBytes: usable)
        #expect(context > 0 && context < llama.maxContextTokens)
        #expect(!ModelFootprint(llama, fp8, kvCache: .bf16, sequences: 1, contextTokens: context + 1, tokensPerStep: 1).fits(in: usable))
    }

    @Test func aBadModelFileGetsEveryProblemAtItsPlace() {
        let text = """
            name: bad
            layers: 2
            hidden: 64
            vocabulary: 100
            maxContext: 1024
            attention: {heads: 6, kvHeads: 4, headDim: 16, layers: [sliding, full]}
            ffn: {size: 128, expertsPerToken: 2, colour: blue}
            weights:
              odd: {source: x, all: fp3}
            """
        var diagnostics: [Diagnostic] = []
        do { _ = try ModelFile.parse(text: text, file: "bad.yaml") } catch let error as ScenarioError { diagnostics = error.diagnostics } catch {}
        let lines = diagnostics.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.keyPath): \($0.message)" }
        #expect(lines.contains { $0.hasPrefix("6:12 attention.slidingWindow: missing required key") }, "\(lines)")
        #expect(lines.contains { $0.contains("attention.kvHeads: expected a divisor of attention.heads (6), found 4") }, "\(lines)")
        #expect(lines.contains { $0.contains("ffn.expertsPerToken: expected no expertsPerToken for a dense FFN") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("7:38 ffn.colour: unknown key") }, "\(lines)")
        #expect(lines.contains { $0.contains("weights.odd.all: expected one of: f32, bf16") && $0.contains("found \"fp3\"") }, "\(lines)")
        #expect(InputKind(text: text) == .model)
    }
}

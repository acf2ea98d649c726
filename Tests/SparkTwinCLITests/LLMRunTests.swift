import Foundation
import Testing
import TwinResults
import TwinRun
import TwinScenario

/// LLM runs end to end: a model's kernels on the node's engines, and the `llm.*` metrics.
@Suite struct LLMRunTests {
    /// A scenario of one LLM phase, read as a file of `Scenarios/workloads/` (where models and
    /// profiles are found).
    static func scenario(_ phase: String, mode: String = "fast") throws -> Scenario {
        let text = """
            name: llm-test
            machine: {preset: dgx-spark}
            workload:
              - {\(phase)}
            run: {duration: 60 s, mode: \(mode), seed: 1, samplePeriod: 10 ms}
            """
        return try ScenarioLoader.parse(text: text, file: packageRoot.appendingPathComponent("Scenarios/workloads/llm-test.yaml").path)
    }

    static func metrics(_ phase: String, mode: String = "fast") throws -> [String: Double] {
        let outcome = ScenarioRunner.run(try scenario(phase, mode: mode))
        #expect(outcome.finished, "\(outcome.record.statusMessage)")
        return Dictionary(outcome.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// A small dense model, written beside the test's scenario: 4 layers, hidden 1024, 188 MB of
    /// bf16 weights, small enough for detailed mode.
    static func smallModel() throws -> String {
        let path = temporaryPath("small-model.yaml")
        try """
            name: small
            layers: 4
            hidden: 1024
            vocabulary: 16000
            maxContext: 4096
            attention: {heads: 8, kvHeads: 2, headDim: 128}
            ffn: {size: 4096}
            weights:
              bf16: {source: test, all: bf16}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func doublingTheBatchOfAMemoryBoundDecodeNearlyDoublesAggregateTokensPerSecond() throws {
        let one = try Self.metrics("kind: llm-decode, model: llama-3.2-3b, batch: 1, tokens: 2")
        let two = try Self.metrics("kind: llm-decode, model: llama-3.2-3b, batch: 2, tokens: 2")
        let ratio = two["llm.decode.tokens_per_s.aggregate"]! / one["llm.decode.tokens_per_s.aggregate"]!
        #expect(ratio > 1.85 && ratio < 2.0, "\(ratio)")
        // Memory-bound: the weights stream at most of the DRAM's peak.
        #expect(one["llm.decode.bandwidth_share"]! > 0.7)
        #expect(one["llm.decode.bytes_per_token"]! > 6.4e9 && one["llm.decode.bytes_per_token"]! < 6.6e9)
    }

    @Test func aComputeBoundPrefillScalesWithTheTensorRateOfItsPrecision() throws {
        let bf16 = try Self.metrics("kind: llm-prefill, model: llama-3.1-8b, weights: bf16, prompt: 1024")
        let fp8 = try Self.metrics("kind: llm-prefill, model: llama-3.1-8b, weights: fp8, prompt: 1024")
        // FP8's tensor rate is twice BF16's: the GEMMs take about half the time.
        let ratio = bf16["llm.prefill.time.gemm"]! / fp8["llm.prefill.time.gemm"]!
        #expect(ratio > 1.7 && ratio < 2.1, "\(ratio)")
        #expect(fp8["llm.prefill.tokens_per_s"]! > bf16["llm.prefill.tokens_per_s"]!)
    }

    @Test func fastModeFollowsDetailedModeOnASmallModel() throws {
        let phase = "kind: llm-generate, model: \(try Self.smallModel()), prompt: 64, tokens: 2"
        let detailed = try Self.metrics(phase, mode: "detailed")
        let fast = try Self.metrics(phase, mode: "fast")
        for name in ["llm.decode.tokens_per_s", "llm.prefill.tokens_per_s"] {
            #expect(abs(fast[name]! / detailed[name]! - 1) < 0.05, "\(name): fast \(fast[name]!) detailed \(detailed[name]!)")
        }
    }

    @Test func aModelTooLargeForMemoryFailsWithTheSizesInItsMessage() {
        #expect {
            _ = try Self.scenario("kind: llm-decode, model: llama-3.1-70b, weights: bf16, tokens: 1")
        } throws: { error in
            let text = "\(error)"
            return text.contains("llm-test.yaml:4:5") && text.contains("workload.0")
                && text.contains("machine.memory.usable (101.0 GiB)") && text.contains("131.4 GiB of weights")
        }
    }

    @Test func badLLMKeysAreReportedAtTheirPlace() {
        #expect {
            _ = try Self.scenario("kind: llm-decode, model: llama-3.1-8b, weights: int3, tokens: 0, prompt: 5")
        } throws: { error in
            let text = "\(error)"
            return text.contains("weights: expected one of llama-3.1-8b's weights (bf16, fp8, nvfp4), found \"int3\"")
                && text.contains("workload.0.tokens: expected a value from 1") && text.contains("workload.0.prompt: unknown key")
        }
    }

    @Test func decodeTokensWithTheSamePaddedKVLengthRunAsOneLoop() throws {
        // From 100 tokens of context, 600 tokens: llama.cpp pads the attended length to 256, so
        // the tokens attend 256 (156 of them), 512 (256) and 768 (188) cells.
        let scenario = try Self.scenario("kind: llm-decode, model: llama-3.2-3b, batch: 1, context: 100, tokens: 600")
        let plan = scenario.nodes[0].llm[0].plan
        #expect(plan.repeats == [156, 256, 188])
        #expect(plan.loops.map(\.iterations) == [156, 256, 188])
        #expect(scenario.program.loops.count == 3)
        // KV bytes read per token grow linearly with the padded length: 256 more cells each time.
        let kv = plan.stepMemoryBytes
        #expect(kv[1] - kv[0] == kv[2] - kv[1])
        #expect(kv[1] - kv[0] == 256 * 28 * 2 * 8 * 128 * 2)  // cells × layers × (K, V) × KV heads × head dim × bf16
        let metrics = try Self.metrics("kind: llm-decode, model: llama-3.2-3b, batch: 1, context: 100, tokens: 600")
        #expect(metrics["llm.kernels"] == Double(600 * plan.parts.filter { if case .kernel = $0.part { true } else { false } }.count / 3))
    }

    @Test func keptUnitCostsMakeASecondRunMeasureNothingAndGiveTheSameResults() throws {
        let store = try ResultStore()
        let scenario = try Self.scenario("kind: llm-decode, model: llama-3.2-3b, batch: 1, context: 200, tokens: 100")
        let cold = ScenarioRunner.run(scenario, keptCosts: store)
        let warm = ScenarioRunner.run(scenario, keptCosts: store)
        func values(_ outcome: RunOutcome) -> [String: Double] {
            Dictionary(outcome.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let c = values(cold), w = values(warm)
        #expect(c["fast.detailed_runs"]! > 0)
        #expect(w["fast.detailed_runs"] == 0)
        #expect(c.filter { $0.key != "fast.detailed_runs" } == w.filter { $0.key != "fast.detailed_runs" })
        #expect(cold.signals.map(\.values) == warm.signals.map(\.values))
    }

    @Test func quantizedGEMMsRunAtTheProfilesEfficiencyOfTheInt8Rate() throws {
        // llama.cpp's MMQ prefill of a Q8_0 model at the profile's efficiency, and at half of it.
        let given = try String(contentsOfFile: packageRoot.appendingPathComponent("Scenarios/profiles/llama.cpp.yaml").path, encoding: .utf8)
        let half = temporaryPath("llama.cpp-half.yaml")
        try given.replacingOccurrences(of: "quantizedGEMMEfficiency:\n  value: 0.1325", with: "quantizedGEMMEfficiency:\n  value: 0.06625")
            .write(toFile: half, atomically: true, encoding: .utf8)
        let phase = "kind: llm-prefill, model: qwen2.5-7b, weights: gguf-q8_0, prompt: 1024"
        let full = try Self.metrics(phase)
        let slower = try Self.metrics(phase + ", profile: \(half)")
        let ratio = slower["llm.prefill.time.gemm"]! / full["llm.prefill.time.gemm"]!
        #expect(ratio > 1.9 && ratio < 2.05, "\(ratio)")
        // A bf16 model's GEMMs are cuBLAS's, at the full rate whatever the efficiency.
        let bf16 = "kind: llm-prefill, model: qwen2.5-7b, weights: bf16, prompt: 1024"
        #expect(try Self.metrics(bf16)["llm.prefill.time.gemm"] == Self.metrics(bf16 + ", profile: \(half)")["llm.prefill.time.gemm"])
    }

    @Test func aFrameworksFusionsAndGEMMsShapeItsDecode() throws {
        // Llama-3.2-3B (bf16, 28 layers), one decode token. llama.cpp: per layer the norm, Q, K,
        // V, RoPE on Q, RoPE on K with its KV write, the V write, attention, O, add, norm, the
        // fused gate+up, down and add (14), then the embedding, the final norm and the head.
        let phase = "kind: llm-decode, model: llama-3.2-3b, batch: 1, tokens: 1"
        let llamaCPP = try Self.metrics(phase)
        #expect(llamaCPP["llm.kernels"] == Double(28 * 14 + 3))
        // SGLang: QKV merged, the add fused with the next norm (the first layer's norm alone),
        // gate_up then silu_and_mul (11 a layer), the embedding, the first norm, the head and
        // sampling on the GPU.
        let sglang = try Self.metrics(phase + ", profile: sglang")
        #expect(sglang["llm.kernels"] == Double(28 * 11 + 4))
        // Its matrices are CUTLASS GEMMs at M = 1: the GEMM model's tiles in flight keep less
        // of the DRAM busy than GEMVs streaming the same weights.
        #expect(sglang["llm.decode.bandwidth"]! < 0.9 * llamaCPP["llm.decode.bandwidth"]!)
        #expect(sglang["llm.decode.bytes_per_token"]! < llamaCPP["llm.decode.bytes_per_token"]!)  // no padding, fewer kernels
    }
}

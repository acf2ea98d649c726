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
    /// rate), `fp4` for FP4 MMA on MXFP4 and NVFP4 weights.
    public var quantizedGEMMPrecision: Precision
    /// Where each value comes from, by key.
    public var sources: [String: String]

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

import TwinCore

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
    /// Where each value comes from, by key.
    public var sources: [String: String]

    public init(name: String, summary: String, kernelGap: SimDuration, hostPerStep: SimDuration, hostCores: Int, sources: [String: String]) {
        self.name = name
        self.summary = summary
        self.kernelGap = kernelGap
        self.hostPerStep = hostPerStep
        self.hostCores = hostCores
        self.sources = sources
    }
}

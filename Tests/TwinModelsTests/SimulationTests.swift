import Testing
import TwinCore
import TwinModels

/// A simulation of several nodes: one event queue, each node with its own hardware, power
/// budget, heat and random streams.
@Suite struct SimulationTests {
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let h100 = MachineConfig(MachineParameters.values(preset: "h100-sxm")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 7, samplePeriod: SimDuration(seconds: 1e-5),
                                      eventBudget: 100_000_000)
    static let read = Program(phases: [.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 8 << 20, pattern: .sequential))])
    static let randomRead = Program(phases: [.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 4 << 20, pattern: .random))])
    static let gemm = Program(phases: [.gemm(GEMMPhase(m: 2048, n: 2048, k: 1024, precision: .bf16, count: 3))])

    struct Results: Equatable {
        var metrics: [MetricValue]
        var series: [SignalSeries]
        var times: [UInt64]
    }

    static func run(_ nodes: [NodeSpec]) -> [Results] {
        var simulation = Simulation(nodes: nodes, settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        return nodes.indices.map { Results(metrics: simulation.metrics(of: $0), series: simulation.series(of: $0),
                                           times: simulation.sampleTimes(of: $0)) }
    }

    /// Two nodes of different presets, each its own workload: every metric, signal and sample
    /// time of each equals its workload run alone, although the two end at different times.
    @Test func eachNodeMatchesItsWorkloadRunAlone() {
        let together = Self.run([NodeSpec(config: Self.spark, program: Self.read), NodeSpec(config: Self.h100, program: Self.gemm)])
        let readAlone = Self.run([NodeSpec(config: Self.spark, program: Self.read)])[0]
        #expect(together[0] == readAlone)
        // The GEMM node is node 1, and alone it is node 0: a GEMM draws no random numbers.
        let gemmAlone = Self.run([NodeSpec(config: Self.h100, program: Self.gemm)])[0]
        #expect(together[1] == gemmAlone)
        #expect(together[0].times.count != together[1].times.count, "the nodes end at different times")
    }

    /// Node names prefix the metrics and signals; an unnamed single node keeps today's names.
    @Test func namedNodesPrefixTheirMetrics() {
        let named = Self.run([NodeSpec(name: "a", config: Self.spark, program: Self.read),
                              NodeSpec(name: "b", config: Self.spark, program: Self.read)])
        let alone = Self.run([NodeSpec(config: Self.spark, program: Self.read)])[0]
        #expect(named[0].metrics.map(\.name) == alone.metrics.map { "a.\($0.name)" })
        #expect(named[1].series.map(\.name) == alone.series.map { "b.\($0.name)" })
        #expect(named[1].metrics.map(\.value) == alone.metrics.map(\.value))
    }

    /// Random streams derive from the node: node 0 draws what a machine alone draws, node 1
    /// other addresses (the same seed on two nodes is not the same walk).
    @Test func randomStreamsDeriveFromTheNode() {
        let two = Self.run([NodeSpec(config: Self.spark, program: Self.randomRead), NodeSpec(config: Self.spark, program: Self.randomRead)])
        let alone = Self.run([NodeSpec(config: Self.spark, program: Self.randomRead)])[0]
        #expect(two[0] == alone)
        func latency(_ results: Results) -> Double? { results.metrics.first { $0.name == "gpu.read.latency.mean" }?.value }
        #expect(latency(two[1]) != latency(alone))
    }
}

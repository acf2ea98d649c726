import Testing
import TwinCore
import TwinModels

/// Every metric is declared once; the catalog the loader and `describe` read is the declarations,
/// and it names what runs report.
struct MetricDeclarationTests {
    static let settings = RunSettings(duration: SimDuration(seconds: 2e-3), seed: 1, samplePeriod: SimDuration(seconds: 5e-4),
                                      eventBudget: 10_000_000)
    static let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 8 << 20, totalBytes: 8 << 20, pattern: .sequential))

    @Test(arguments: ["dgx-spark", "h100-sxm"])
    func theCatalogNamesWhatARunReportsInEachMode(preset: String) {
        let config = MachineConfig(MachineParameters.values(preset: preset)!)
        var detailed = Simulation(config: config, workload: [Self.read], settings: Self.settings)
        _ = detailed.run(until: .zero + Self.settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: [Self.read], settings: Self.settings)
        _ = fast.run(until: .zero + Self.settings.duration)
        fast.finish()
        for (fidelity, metrics) in [(Fidelity.detailed, detailed.metrics), (.fast, fast.metrics)] {
            let catalog = Machine.metricCatalog(config: config, program: Program(phases: [Self.read]), fidelity: fidelity)
            #expect(catalog.map(\.name) == metrics.map(\.name), "\(preset), \(fidelity)")
            #expect(catalog.map(\.unit) == metrics.map(\.unit), "\(preset), \(fidelity)")
        }
    }

    @Test func eachMetricIsDeclaredOnceWithAMeaning() {
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        for fidelity in Fidelity.allCases {
            let declarations = Machine.metricDeclarations(config: config, fidelity: fidelity)
            #expect(Set(declarations.map(\.name)).count == declarations.count, "a name declared twice in \(fidelity) mode")
            #expect(declarations.allSatisfy { !$0.meaning.isEmpty && !$0.unit.isEmpty })
        }
        // Fast mode reports a subset of the declarations, the ones it fills the totals of.
        let detailed = Set(Machine.metricDeclarations(config: config, fidelity: .detailed).map(\.name))
        let fast = Machine.metricDeclarations(config: config, fidelity: .fast).map(\.name)
        #expect(fast.filter { !detailed.contains($0) } == ["fast.detailed_runs"])
    }

    @Test func directionsComeFromTheDeclarations() {
        #expect(Machine.direction(of: "gpu.read.bandwidth") == .higherIsBetter)
        #expect(Machine.direction(of: "spark1.memory.read.latency.p99") == .lowerIsBetter)
        #expect(Machine.direction(of: "step.03.gpu.gemm.throughput") == .higherIsBetter)
        #expect(Machine.direction(of: "step.03.time") == .lowerIsBetter)
        #expect(Machine.direction(of: "traffic.read.latency.mean") == .lowerIsBetter)
        #expect(Machine.direction(of: "sim.events") == .informational)
        #expect(Machine.direction(of: "no.such.metric") == .neutral)
    }
}

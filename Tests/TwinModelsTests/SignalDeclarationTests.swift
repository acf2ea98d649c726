import Testing
import TwinCore
import TwinModels

/// Signals are declared once (`SignalDeclaration`, `PowerSystem.signals`): what `describe
/// signals` lists is what detailed and fast runs record, in order, per cluster of the preset.
@Suite struct SignalDeclarationTests {
    @Test(arguments: [2, 3])
    func runsRecordTheDeclaredSignals(clusters: Int) {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("cpu.clusters", Double(clusters))
        let config = MachineConfig(values)
        let settings = RunSettings(duration: SimDuration(seconds: 2e-4), seed: 1, samplePeriod: SimDuration(seconds: 5e-5), eventBudget: 10_000_000)
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 16 << 20, totalBytes: 4 << 20, pattern: .sequential))
        var simulation = Simulation(config: config, workload: [read], settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        let declared = Machine.signalList(rails: PowerSystem.Rails(clusters: clusters))
        #expect(simulation.series.map(\.name) == declared.map(\.name))
        #expect(simulation.series.map(\.unit) == declared.map(\.unit))
        #expect(declared.filter { $0.name.hasPrefix("power.cpu") }.count == clusters)
        #expect(simulation.series.allSatisfy { $0.values.count == simulation.sampleTimes.count })
        let fast = FastMachine(config: config, workload: [read], settings: settings)
        let fastNames = fast.signals.map(\.name)
        #expect(fastNames.allSatisfy { name in declared.contains { $0.name == name } })
        #expect(fastNames.contains("gpu.read.bandwidth") && fastNames.contains("clock.cpu\(clusters - 1)"))
    }
}

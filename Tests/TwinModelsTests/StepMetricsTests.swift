import Testing
import TwinCore
import TwinModels

/// Every program step reports its own time and throughput (`step.N.…`) next to the run's metrics.
@Suite struct StepMetricsTests {
    static let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.05), seed: 2, samplePeriod: SimDuration(seconds: 1e-4),
                                      eventBudget: 100_000_000)
    static let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 16 << 20, pattern: .sequential))
    static let gemm = WorkloadPhase.gemm(GEMMPhase(m: 1024, n: 1024, k: 1024, precision: .bf16, count: 4))

    func detailed(_ phases: [WorkloadPhase], duration: SimDuration = settings.duration) -> [String: Double] {
        var settings = Self.settings
        settings.duration = duration
        var machine = Simulation(config: Self.config, workload: phases, settings: settings)
        _ = machine.run(until: .zero + duration)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    /// A read then a GEMM: the first step is the read run alone, to the bit; the two steps
    /// tile the run.
    @Test func eachStepReportsItsTimeAndThroughput() {
        let alone = detailed([Self.read])
        let both = detailed([Self.read, Self.gemm])
        #expect(alone["step.1.time"] == nil, "a program of one step reports no steps")
        #expect(both["step.1.time"] == alone["sim.time"])
        #expect(both["step.1.gpu.read.bandwidth"] == Double(16 << 20) / alone["sim.time"]! / 1e9)
        #expect(both["step.1.gpu.gemm.throughput"] == nil, "a step reports the throughputs of its phases' kinds")
        #expect(abs(both["step.1.time"]! + both["step.2.time"]! - both["sim.time"]!) < 1e-15)
        let gemmFlops = 4 * 2.0 * 1024 * 1024 * 1024
        let throughput = both["step.2.gpu.gemm.throughput"]!
        #expect(abs(throughput - gemmFlops / both["step.2.time"]! / 1e12) < 1e-9 * throughput)
    }

    /// A run cut short reports the step it was in up to the cut, and zeros for steps not reached.
    @Test func aStepCutShortAndAStepNotReached() {
        let cut = SimDuration(seconds: 20e-6)
        let run = detailed([Self.read, Self.gemm], duration: cut)
        #expect(run["step.1.time"] == cut.seconds)
        #expect(run["step.1.gpu.read.bandwidth"]! > 0)
        #expect(run["step.2.time"] == 0 && run["step.2.gpu.gemm.throughput"] == 0)
    }

    /// Fast mode fills the same step metrics from its units; the steps end within the run.
    @Test func fastModeReportsTheSameSteps() {
        var machine = FastMachine(config: Self.config, workload: [Self.read, .idle(SimDuration(seconds: 1e-3)), Self.gemm], settings: Self.settings)
        _ = machine.run(until: .zero + Self.settings.duration)
        machine.finish()
        let metrics = Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
        let steps = (1...3).map { metrics["step.\($0).time"]! }
        #expect(steps.allSatisfy { $0 > 0 })
        #expect(abs(steps[1] - 1e-3) < 1e-12, "the idle step lasts its span")
        // The run ends where the workload does, as the steps add up.
        #expect(abs(steps.reduce(0, +) - metrics["sim.time"]!) < 1e-12)
        #expect(metrics["step.1.gpu.read.bandwidth"]! > 100 && metrics["step.3.gpu.gemm.throughput"]! > 10)
        #expect(metrics["step.1.copy.bandwidth"] == nil, "fast mode reports no copy or cpu stream step rates")
    }

    /// The catalog the loader checks `expect:` against lists the program's step metrics,
    /// zero-padded to sort in order, and no more than the program has.
    @Test func theCatalogListsTheProgramsSteps() {
        let program = Program(phases: Array(repeating: Self.read, count: 12))
        let names = Set(Machine.metricCatalog(config: Self.config, program: program).map(\.name))
        #expect(names.contains("step.01.time") && names.contains("step.12.gpu.read.bandwidth"))
        #expect(!names.contains("step.13.time") && !names.contains("step.1.time"))
        let long = Program(phases: Array(repeating: WorkloadPhase.idle(SimDuration(seconds: 1e-6)), count: 500))
        let reported = Machine.metricCatalog(config: Self.config, program: long).filter { $0.name.hasPrefix("step.") }
        #expect(reported.count == Program.maximumReportedSteps)
    }
}

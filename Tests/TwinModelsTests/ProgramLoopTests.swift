import Testing
import TwinCore
import TwinModels

/// Loops: a block of steps run many times without being copied, in both modes.
struct ProgramLoopTests {
    let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    /// A GEMV-like read of its own 3 MiB buffer (between two sizes of fast mode's grid), a gap,
    /// and a small GEMM: the shape of an LLM's decode steps.
    let block: [WorkloadPhase] = [
        .streamRead(StreamReadPhase(bufferBytes: 3 << 20, totalBytes: 3 << 20, pattern: .sequential)),
        .idle(SimDuration(seconds: 2e-6)),
        .gemm(GEMMPhase(m: 256, n: 512, k: 512, precision: .bf16, launchOverhead: .zero)),
    ]
    let settings = RunSettings(duration: SimDuration(seconds: 1), seed: 5, samplePeriod: SimDuration(seconds: 1e-4), eventBudget: 100_000_000)

    func metric(_ metrics: [MetricValue], _ name: String) -> Double {
        metrics.first { $0.name == name }!.value
    }

    /// `iterations` copies of the block, or the block once in a loop of that many iterations.
    func program(iterations: Int, looped: Bool) -> Program {
        if looped { return Program(phases: block, loops: [ProgramLoop(steps: 0..<block.count, iterations: UInt64(iterations))]) }
        return Program(phases: Array(Array(repeating: block, count: iterations).joined()))
    }

    @Test func aLoopRunsAsItsStepsCopiedInDetailedMode() {
        var results: [(metrics: [MetricValue], times: StepTimes)] = []
        for looped in [false, true] {
            var simulation = Simulation(config: config, program: program(iterations: 4, looped: looped), settings: settings)
            #expect(simulation.run(until: .zero + settings.duration) == .idle)
            simulation.finish()
            results.append((simulation.metrics, simulation.stepTimes(of: 0)))
        }
        let copied = results[0], looped = results[1]
        // The same work in the same order: the same time and traffic, to the picosecond.
        for name in ["sim.time", "gpu.read.bandwidth", "gpu.gemm.throughput", "energy.total"] {
            #expect(metric(copied.metrics, name) == metric(looped.metrics, name), "\(name)")
        }
        // Each step's time over its four runs is the four copies' times.
        for step in 0..<block.count {
            #expect(looped.times.runs[step] == 4)
            let copies = (0..<4).map { copied.times.seconds[$0 * block.count + step] }.reduce(0, +)
            #expect(abs(looped.times.seconds[step] - copies) < 1e-15, "step \(step)")
        }
    }

    @Test func fastModeRunsALoopAsWholeIterationsAsItRunsItsSteps() {
        var times: [Double] = [], energies: [Double] = []
        for looped in [false, true] {
            var machine = FastMachine(config: config, program: program(iterations: 200, looped: looped), settings: settings)
            #expect(machine.run(until: .zero + settings.duration) == .idle)
            machine.finish()
            times.append(metric(machine.metrics, "sim.time"))
            energies.append(metric(machine.metrics, "energy.total"))
            if looped {
                // Whole iterations: one work step each, not one per phase and wait.
                #expect(machine.eventsHandled < 200 + 100)
                #expect(machine.stepTimes.runs == [200, 200, 200])
            }
        }
        #expect(abs(times[1] / times[0] - 1) < 1e-6, "step by step \(times[0]) s, whole iterations \(times[1]) s")
        #expect(abs(energies[1] / energies[0] - 1) < 0.01, "\(energies)")
    }

    @Test func aLoopCutShortCountsItsFinishedIterationsOnly() {
        var machine = FastMachine(config: config, program: program(iterations: 1_000, looped: true), settings: settings)
        _ = machine.run(until: .zero + SimDuration(seconds: 1e-3))
        machine.finish()
        let runs = machine.stepTimes.runs[0]
        #expect(runs > 0 && runs < 1_000)
        // The finished iterations' time is within one iteration of the run's.
        let perIteration = machine.stepTimes.seconds.reduce(0, +) / Double(runs)
        let total = machine.stepTimes.seconds.reduce(0, +)
        #expect(total <= 1e-3 && total > 1e-3 - perIteration * 1.01, "\(total) s of \(runs) iterations")
    }

    @Test func aReadBetweenGridSizesCostsInFastModeWhatItTakesInDetailedMode() {
        // 3 MiB and 45 MiB lie between sizes of fast mode's grid (2.83 and 3.36 MiB, 45.25 and 53.8 MiB).
        for bytes: UInt64 in [3 << 20, 45 << 20] {
            let read = [WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: bytes, totalBytes: bytes, pattern: .sequential))]
            var detailed = Simulation(config: config, workload: read, settings: settings)
            _ = detailed.run(until: .zero + settings.duration)
            detailed.finish()
            var fast = FastMachine(config: config, workload: read, settings: settings)
            _ = fast.run(until: .zero + settings.duration)
            fast.finish()
            let d = metric(detailed.metrics, "sim.time"), f = metric(fast.metrics, "sim.time")
            #expect(abs(f / d - 1) < 0.01, "\(bytes) B: detailed \(d) s, fast \(f) s")
        }
    }

    @Test func aKeptCostIsFoundByItsSignatureAndNotMeasuredAgain() {
        let read = [WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 20, totalBytes: 1 << 20, pattern: .sequential, count: 3))]
        var cold = FastMachine(config: config, program: Program(phases: read), settings: settings, costStore: UnitCostStore(machineKey: "k", known: [:]))
        _ = cold.run(until: .zero + settings.duration)
        cold.finish()
        let kept = cold.costStore!
        #expect(cold.characterisation.runs == 1)
        #expect(kept.added.count == 2)  // the cold and the warm unit
        var warm = FastMachine(config: config, program: Program(phases: read), settings: settings,
                               costStore: UnitCostStore(machineKey: "k", known: Dictionary(uniqueKeysWithValues: kept.added.map { ($0.signature, $0.values) })))
        _ = warm.run(until: .zero + settings.duration)
        warm.finish()
        #expect(warm.characterisation.runs == 0)
        #expect(warm.costStore!.added.isEmpty)
        let without = { (metrics: [MetricValue]) in metrics.filter { $0.name != "fast.detailed_runs" } }
        #expect(without(warm.metrics) == without(cold.metrics))
        let warmSeries = warm.series.map { $0.values }, coldSeries = cold.series.map { $0.values }
        #expect(warmSeries == coldSeries)
    }

    @Test func canonicalTextDoesNotDependOnADictionarysOrder() {
        var a: [String: Int] = [:], b: [String: Int] = [:]
        for key in ["x", "y", "z", "w", "v"] { a[key] = key.count }
        for key in ["v", "w", "z", "y", "x"] { b[key] = key.count }
        #expect(UnitCostStore.canonical(a) == UnitCostStore.canonical(b))
        let text = UnitCostStore.machineText(config, seed: 1, build: "b")
        #expect(text == UnitCostStore.machineText(MachineConfig(MachineParameters.values(preset: "dgx-spark")!), seed: 1, build: "b"))
        #expect(text != UnitCostStore.machineText(config, seed: 2, build: "b"))
        var other = MachineParameters.values(preset: "dgx-spark")!
        other.set("memory.tRCD", 20e-9)
        #expect(text != UnitCostStore.machineText(MachineConfig(other), seed: 1, build: "b"))
    }
}

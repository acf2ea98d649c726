import Testing
import TwinCore
import TwinModels

/// Fast mode against detailed mode on a window both can run, with the governor at work.
struct FastModeTests {
    /// A GB10 whose governor acts within the window: a 110 W cap read through a 0.2 ms average,
    /// every 50 µs.
    func machine() -> MachineConfig {
        var p = MachineParameters.values(preset: "dgx-spark")!
        p.set("power.pl1", 110)
        p.set("governor.period", 50e-6)
        p.set("power.step", 50e-6)
        p.set("governor.powerWindow", 200e-6)
        return MachineConfig(p)
    }

    /// 256 CTAs: 5.3 waves on 48 SMs, the last one partial.
    let gemm = WorkloadPhase.gemm(GEMMPhase(m: 2048, n: 2048, k: 256, precision: .bf16, count: 1_000))

    func metric(_ metrics: [MetricValue], _ name: String) -> Double {
        metrics.first { $0.name == name }!.value
    }

    @Test func fastModeStaysWithinTwoPercentOfDetailedMode() {
        let config = machine()
        let settings = RunSettings(duration: SimDuration(seconds: 3e-3), seed: 3, samplePeriod: SimDuration(seconds: 2e-4),
                                   eventBudget: 100_000_000)
        var detailed = Simulation(config: config, workload: [gemm], settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: [gemm], settings: settings)
        _ = fast.run(until: .zero + settings.duration)
        fast.finish()
        let d = detailed.metrics, f = fast.metrics
        // The governor did act: the clock left the application clock in both modes.
        #expect(metric(d, "clock.gpu.min") < 2_418)
        #expect(metric(f, "clock.gpu.min") < 2_418)
        for name in ["gpu.gemm.throughput", "power.package.mean", "power.gpu.mean", "clock.gpu.mean"] {
            let drift = abs(metric(f, name) - metric(d, name)) / metric(d, name)
            #expect(drift < 0.02, "\(name): detailed \(metric(d, name)), fast \(metric(f, name))")
        }
    }

    /// Long kernels: a square one, whose B outgrows the L2 so that every raster group reads it
    /// again and fast mode samples it (`GEMMSample`), and a tall one, whose B fits and is read
    /// once, which fast mode runs whole (three waves of either, as fast mode sampled them
    /// before, charged 15 % and 14 % more DRAM bytes).
    static let longKernels = [GEMMPhase(m: 4096, n: 4096, k: 4096, precision: .bf16, count: 3),
                              GEMMPhase(m: 16384, n: 1024, k: 4096, precision: .bf16, count: 3)]

    @Test(arguments: longKernels)
    func longKernelsAreChargedTheTimeAndDRAMBytesOfWholeOnes(_ phase: GEMMPhase) {
        // Clocks pinned: the time and the bytes of three kernels run in detailed mode, against
        // fast mode's.
        var p = MachineParameters.values(preset: "dgx-spark")!
        p.set("governor.enabled", 0)
        let config = MachineConfig(p)
        let settings = RunSettings(duration: SimDuration(seconds: 1), seed: 1, samplePeriod: SimDuration(seconds: 1e-3),
                                   eventBudget: 100_000_000)
        var detailed = Simulation(config: config, workload: [.gemm(phase)], settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: [.gemm(phase)], settings: settings)
        _ = fast.run(until: .zero + settings.duration)
        fast.finish()
        let d = detailed.metrics, f = fast.metrics
        for name in ["sim.time", "memory.bandwidth", "gpu.gemm.throughput"] {
            let drift = abs(metric(f, name) - metric(d, name)) / metric(d, name)
            #expect(drift < 0.02, "\(name): detailed \(metric(d, name)), fast \(metric(f, name))")
        }
    }

    @Test func aBackgroundCPUJobHeatsTheCPURailAsInDetailedMode() {
        // Ten busy cores over 20 ms of idle GPU: the CPU rail well above its idle draw, alike in both modes.
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        let settings = RunSettings(duration: SimDuration(seconds: 0.02), seed: 1, samplePeriod: SimDuration(seconds: 1e-3),
                                   eventBudget: 1_000_000)
        let idle = [WorkloadPhase.idle(SimDuration(seconds: 0.02))]
        func cpuPower(cores: UInt64, fast: Bool) -> Double {
            if fast {
                var machine = FastMachine(config: config, workload: idle, settings: settings, cpuCores: [cores])
                _ = machine.run(until: .zero + settings.duration)
                machine.finish()
                return metric(machine.metrics, "power.cpu.mean")
            }
            var machine = Simulation(config: config, workload: idle, settings: settings, cpuCores: [cores])
            _ = machine.run(until: .zero + settings.duration)
            machine.finish()
            return metric(machine.metrics, "power.cpu.mean")
        }
        let detailed = cpuPower(cores: 10, fast: false), fast = cpuPower(cores: 10, fast: true)
        #expect(detailed > cpuPower(cores: 0, fast: false) + 3)
        #expect(abs(fast - detailed) / detailed < 0.02, "fast \(fast) W, detailed \(detailed) W")
    }

    @Test func cpuStreamsAlongsideAGPUStreamContendAsInDetailedMode() {
        // Ten X925 streams beside a GPU stream: both slow down at the memory controller. Fast
        // mode runs the threads as a track beside the stream, slowed by measured factors.
        var p = MachineParameters.values(preset: "dgx-spark")!
        p.set("power.step", 50e-6)
        p.set("governor.period", 50e-6)
        let config = MachineConfig(p)
        let threads = (0..<10).map { CPUThread(core: .x925, cluster: $0 / 5, program: [.stream(bytes: 4 << 20)]) }
        func workload(together: Bool) -> Program {
            Program(phases: [.cpuThreads(CPUThreadsPhase(threads: threads)),
                             .streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 32 << 20, pattern: .sequential, count: 1))],
                    steps: together ? [0..<2] : nil)
        }
        let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 1, samplePeriod: SimDuration(seconds: 1e-4),
                                   eventBudget: 100_000_000)
        var detailed = Simulation(config: config, program: workload(together: true), settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        func fast(together: Bool) -> FastMachine {
            var machine = FastMachine(config: config, program: workload(together: together), settings: settings)
            _ = machine.run(until: .zero + settings.duration)
            machine.finish()
            return machine
        }
        let together = fast(together: true), apart = fast(together: false)
        let d = metric(detailed.metrics, "gpu.read.bandwidth"), f = metric(together.metrics, "gpu.read.bandwidth")
        #expect(abs(f - d) / d < 0.02, "GPU stream beside the threads: fast \(f) GB/s, detailed \(d) GB/s")
        #expect(f < 0.95 * metric(apart.metrics, "gpu.read.bandwidth"))
        // The pair ends when both are done, within a power step of detailed mode.
        let end = detailed.workloadFinishedAt!.seconds
        #expect(abs(together.now.seconds - end) <= 2 * config.power.stepSeconds, "fast \(together.now.seconds) s, detailed \(end) s")
        #expect(together.now < apart.now)
    }

    @Test func aChaseInFastModeReportsTheLatencyOfItsDetailedRun() {
        let chases: [WorkloadPhase] = [.gpuChase(bufferBytes: 4 << 20, steps: 3_000),
                                       .cpuThreads(.chase(core: .x925, bufferBytes: 1 << 30, steps: 3_000))]
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 3, samplePeriod: SimDuration(seconds: 1e-3),
                                   eventBudget: 10_000_000)
        var detailed = Simulation(config: config, workload: chases, settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: chases, settings: settings)
        _ = fast.run(until: .zero + settings.duration)
        fast.finish()
        for name in ["gpu.chase.latency.mean", "gpu.chase.latency.cycles", "cpu.chase.latency.mean"] {
            let d = metric(detailed.metrics, name), f = metric(fast.metrics, name)
            #expect(d > 0 && abs(f - d) / d < 0.01, "\(name): fast \(f), detailed \(d)")
        }
    }

    @Test func aFastRunEndsWhenItsWorkloadDoesNotAtTheEndOfAGovernorPeriod() {
        // Two GEMM kernels of ~0.1 ms each: far less than a 10 ms governor period. Fast mode
        // ends where the second kernel does, as detailed mode does, with its power and energy.
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        var phase = GEMMPhase(m: 2048, n: 2048, k: 2048, precision: .bf16)
        phase.count = 2
        let settings = RunSettings(duration: SimDuration(seconds: 1), seed: 3, samplePeriod: SimDuration(seconds: 1e-3),
                                   eventBudget: 100_000_000)
        var detailed = Simulation(config: config, workload: [.gemm(phase)], settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: [.gemm(phase)], settings: settings)
        #expect(fast.run(until: .zero + settings.duration) == .idle)
        fast.finish()
        let end = detailed.workloadFinishedAt!.seconds
        #expect(end < config.power.stepSeconds / 10)
        #expect(abs(fast.now.seconds - end) / end < 0.02, "fast ends at \(fast.now.seconds) s, detailed at \(end) s")
        #expect(metric(fast.metrics, "gpu.gemm.kernels") == 2)
        #expect(metric(fast.metrics, "energy.total") > 0)
    }

    @Test func aFastRunShorterThanAGovernorPeriodSimulatesItsDuration() {
        // 2 ms of a long stream, with 10 ms governor periods: the run stops at 2 ms, having read.
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        let stream = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 1 << 30, pattern: .sequential, count: 1_000))
        let settings = RunSettings(duration: SimDuration(seconds: 2e-3), seed: 1, samplePeriod: SimDuration(seconds: 1e-3),
                                   eventBudget: 10_000_000)
        var fast = FastMachine(config: config, workload: [stream], settings: settings)
        #expect(fast.run(until: .zero + settings.duration) == .reachedEnd)
        fast.finish()
        #expect(fast.now.picoseconds == settings.duration.picoseconds)
        #expect(metric(fast.metrics, "gpu.read.bandwidth") > 100)
        // Fast mode samples at the end of governor periods, and at the end of the run.
        #expect(fast.sampleTimes == [settings.duration.picoseconds])
    }

    @Test func addedKindsRunInFastModeAsTheirDetailedRunsDo() {
        // A memset and a traffic phase, each one unit costed by a detailed run of it alone: the
        // run's time and the kinds' metrics within 2 % of detailed mode.
        let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
        let memset = KernelDeclaration.all.first { $0.name == "memset" }!.values(["buffer": Double(16 << 20), "count": 4])!
        let traffic = KernelDeclaration.all.first { $0.name == "traffic" }!.values(["buffer": Double(64 << 20), "duration": 20e-6])!
        let workload: [WorkloadPhase] = [.kernel(memset), .kernel(traffic)]
        let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 5, samplePeriod: SimDuration(seconds: 1e-4),
                                   eventBudget: 100_000_000)
        var detailed = Simulation(config: config, workload: workload, settings: settings)
        _ = detailed.run(until: .zero + settings.duration)
        detailed.finish()
        var fast = FastMachine(config: config, workload: workload, settings: settings)
        #expect(fast.run(until: .zero + settings.duration) == .idle)
        fast.finish()
        let d = Dictionary(uniqueKeysWithValues: detailed.metrics.map { ($0.name, $0.value) })
        let f = Dictionary(uniqueKeysWithValues: fast.metrics.map { ($0.name, $0.value) })
        for name in ["sim.time", "gpu.memset.bandwidth", "gpu.memset.bytes", "traffic.bandwidth", "traffic.read.latency.mean", "energy.total"] {
            let (dv, fv) = (d[name] ?? 0, f[name] ?? -1)
            #expect(dv > 0 && abs(fv - dv) / dv < 0.02, "\(name): detailed \(dv), fast \(fv)")
        }
        #expect(f["gpu.memset.kernels"] == 4)
        #expect(fast.characterisation.runs == 2, "one detailed run per phase")
    }

    @Test func fastRunsAreReproducible() {
        let settings = RunSettings(duration: SimDuration(seconds: 2e-3), seed: 9, samplePeriod: SimDuration(seconds: 1e-4),
                                   eventBudget: 100_000_000)
        func once() -> [MetricValue] {
            var fast = FastMachine(config: machine(), workload: [gemm, .idle(SimDuration(seconds: 1e-3))], settings: settings)
            _ = fast.run(until: .zero + settings.duration)
            fast.finish()
            return fast.metrics
        }
        #expect(once() == once())
    }

    @Test func cappingTheClockOfMemoryBoundWorkCoolsTheDieAtTheSameBandwidth() {
        // C6: decode-like streaming keeps its speed at 2,000 MHz, and the die runs cooler.
        func run(clockHz: Double) -> [MetricValue] {
            var p = MachineParameters.values(preset: "dgx-spark")!
            p.set("gpu.smClock", clockHz)
            let stream = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 8 << 30, totalBytes: 8 << 30, pattern: .sequential, count: 100_000))
            let settings = RunSettings(duration: SimDuration(seconds: 60), seed: 1, samplePeriod: SimDuration(seconds: 1), eventBudget: 10_000_000)
            var fast = FastMachine(config: MachineConfig(p), workload: [stream], settings: settings)
            _ = fast.run(until: .zero + SimDuration(seconds: 60))
            fast.finish()
            return fast.metrics
        }
        let full = run(clockHz: 2_418e6), capped = run(clockHz: 2_000e6)
        let bandwidth = metric(capped, "gpu.read.bandwidth") / metric(full, "gpu.read.bandwidth")
        #expect(abs(bandwidth - 1) < 0.01)
        #expect(metric(full, "temp.gpu_die.plateau") - metric(capped, "temp.gpu_die.plateau") > 3)
        #expect(metric(capped, "power.package.mean") < metric(full, "power.package.mean") - 10)
    }
}

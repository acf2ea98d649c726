import Testing
import TwinCore
import TwinModels

@Suite struct GraceThreadsTests {
    let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    /// Runs `workload` one phase after the other, or all in one step when `together`.
    func run(_ workload: [WorkloadPhase], together: Bool = false) -> [String: Double] {
        let settings = RunSettings(duration: SimDuration(seconds: 1), seed: 5, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 100_000_000)
        let program = Program(phases: workload, steps: together ? [0..<workload.count] : nil)
        var machine = Simulation(config: config, program: program, settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    func threads(_ count: Int, _ core: CoreKind, cluster: Int = 0, _ program: [CPUStep]) -> [CPUThread] {
        Array(repeating: CPUThread(core: core, cluster: cluster, program: program), count: count)
    }

    @Test func computeStepTakesItsCyclesAtTheClusterClock() {
        // 3.9 M cycles on an X925 at its cluster's 3.9 GHz: 1 ms. On an A725, at 2.8 GHz: 1.393 ms.
        let x925 = run([.cpuThreads(CPUThreadsPhase(threads: threads(1, .x925, [.compute(cycles: 3_900_000)])))])
        #expect(abs(x925["cpu.threads.time"]! - 1e-3) < 1e-9)
        let a725 = run([.cpuThreads(CPUThreadsPhase(threads: threads(1, .a725, [.compute(cycles: 3_900_000)])))])
        #expect(abs(a725["cpu.threads.time"]! - 3_900_000 / 2.8e9) < 1e-9)
        #expect(x925["memory.bandwidth"] == 0)
    }

    @Test func oneCoreStreamsAsItsLinesInFlightAllow() {
        let metrics = run([.cpuThreads(CPUThreadsPhase(threads: threads(1, .x925, [.stream(bytes: 16 << 20)])))])
        #expect(metrics["cpu.stream.bytes"] == Double(16 << 20))
        // Little's law: 48 lines of 64 B in flight over the mean latency of one.
        let expected = 48 * 64 / metrics["cpu.stream.latency.mean"]!
        #expect(abs(metrics["cpu.stream.bandwidth"]! / expected - 1) < 0.02, "\(metrics["cpu.stream.bandwidth"]!) GB/s")
        // A DRAM line costs a chase's ~117 ns and a little more: the stream keeps banks busy.
        #expect(metrics["cpu.stream.latency.mean"]! > 110 && metrics["cpu.stream.latency.mean"]! < 150)
    }

    @Test func theStreamSeriesAddsUpToTheBytesRead() {
        let settings = RunSettings(duration: SimDuration(seconds: 1), seed: 5, samplePeriod: SimDuration(seconds: 40e-6), eventBudget: 100_000_000)
        var machine = Simulation(config: config, workload: [.cpuThreads(CPUThreadsPhase(threads: threads(2, .a725, [.stream(bytes: 4 << 20)])))],
                              settings: settings)
        #expect(machine.run(until: SimTime.zero + settings.duration) == .idle)
        machine.finish()
        let values = machine.series.first { $0.name == "cpu.stream.bandwidth" }!.values
        let times = [0] + machine.sampleTimes
        #expect(values.count > 5)
        let bytes = zip(values, zip(times, times.dropFirst())).reduce(0.0) { $0 + $1.0 * 1e9 * Double($1.1.1 - $1.1.0) * 1e-12 }
        #expect(abs(bytes / Double(2 * 4 << 20) - 1) < 1e-9)
    }

    @Test func manyCoresContendAtTheController() {
        let one = run([.cpuThreads(CPUThreadsPhase(threads: threads(1, .x925, [.stream(bytes: 8 << 20)])))])
        let ten = run([.cpuThreads(CPUThreadsPhase(threads: threads(5, .x925, [.stream(bytes: 8 << 20)])
                                                              + threads(5, .x925, cluster: 1, [.stream(bytes: 8 << 20)])))])
        #expect(ten["cpu.stream.bandwidth"]! > 3 * one["cpu.stream.bandwidth"]!)
        #expect(ten["cpu.stream.bandwidth"]! < 273.056)
        #expect(ten["cpu.stream.latency.mean"]! > one["cpu.stream.latency.mean"]! * 1.2)
    }

    @Test func aChaseStepStartsWithItsBuffersTailInTheCaches() {
        // Initialisation wrote the buffer: a 1 MiB buffer is then in the X925's L1 and 2 MiB L2,
        // and no load goes to DRAM; a 1 GiB one is mostly not, and nearly every load does.
        let small = run([.cpuThreads(.chase(core: .x925, bufferBytes: 1 << 20, steps: 4_000))])
        #expect(small["cpu.chase.loads"] == 4_000)
        #expect(small["cpu.chase.dram.fraction"] == 0)
        #expect(small["cpu.chase.l1.fraction"]! + small["cpu.chase.l2.fraction"]! == 1)
        let large = run([.cpuThreads(.chase(core: .x925, bufferBytes: 1 << 30, steps: 4_000))])
        #expect(large["cpu.chase.dram.fraction"]! > 0.95)
        #expect(large["cpu.chase.latency.mean"]! > 10 * small["cpu.chase.latency.mean"]!)
    }

    @Test func cpuAndGPUTrafficMeetAtTheController() {
        let cpu = threads(5, .x925, [.stream(bytes: 8 << 20)])
        let gpu = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 16 << 20, pattern: .sequential))
        let gpuAlone = run([gpu])
        let cpuAlone = run([.cpuThreads(CPUThreadsPhase(threads: cpu))])
        let together = run([.cpuThreads(CPUThreadsPhase(threads: cpu)), gpu], together: true)
        #expect(together["gpu.read.bandwidth"]! < gpuAlone["gpu.read.bandwidth"]! * 0.95)
        #expect(together["cpu.stream.latency.mean"]! > cpuAlone["cpu.stream.latency.mean"]! * 1.1)
        // Both finished, and the run ended with the later of the two.
        #expect(together["cpu.stream.bytes"] == Double(5 * 8 << 20))
        #expect(together["gpu.read.bytes"] == Double(16 << 20))
        #expect(together["sim.time"]! >= together["cpu.threads.time"]!)
    }

    @Test func sameSeedGivesTheSameThreads() {
        let program: [CPUStep] = [.stream(bytes: 1 << 20), .chase(bufferBytes: 64 << 20, steps: 500), .compute(cycles: 1_000)]
        let workload: [WorkloadPhase] = [.cpuThreads(CPUThreadsPhase(threads: threads(3, .a725, cluster: 1, program)))]
        #expect(run(workload) == run(workload))
    }
}

import Testing
import TwinCore
import TwinModels

@Suite struct MachineTests {
    let config = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    func settings(seed: UInt64 = 7, budget: UInt64 = 100_000_000) -> RunSettings {
        RunSettings(duration: SimDuration(seconds: 1e-3), seed: seed, samplePeriod: SimDuration(seconds: 10e-6), eventBudget: budget)
    }

    func run(_ workload: [WorkloadPhase], _ settings: RunSettings) -> (metrics: [MetricValue], series: [SignalSeries], times: [UInt64], reason: StopReason) {
        var machine = Simulation(config: config, workload: workload, settings: settings)
        let reason = machine.run(until: SimTime.zero + settings.duration)
        machine.finish()
        return (machine.metrics, machine.series, machine.sampleTimes, reason)
    }

    let mixed: [WorkloadPhase] = [
        .streamRead(StreamReadPhase(bufferBytes: 1 << 26, totalBytes: 8 << 20, pattern: .random)),
        .idle(SimDuration(seconds: 5e-6)),
        .streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 8 << 20, pattern: .sequential)),
    ]

    @Test func sameScenarioAndSeedGiveIdenticalResults() {
        let a = run(mixed, settings())
        let b = run(mixed, settings())
        #expect(a.metrics == b.metrics)
        #expect(a.series == b.series)
        #expect(a.times == b.times)
        #expect(a.reason == .idle)
    }

    @Test func anotherSeedChangesTheRandomPhase() {
        let a = run(mixed, settings(seed: 1))
        let b = run(mixed, settings(seed: 2))
        let latency = { (m: [MetricValue]) in m.first { $0.name == "gpu.read.latency.mean" }!.value }
        #expect(latency(a.metrics) != latency(b.metrics))
    }

    @Test func sequentialStreamIsBoundByTheChannelsNotTheIssuePort() {
        let result = run([.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 32 << 20, pattern: .sequential))], settings())
        let metric = { (name: String) in result.metrics.first { $0.name == name }!.value }
        // Peak is 273 GB/s; refresh alone takes ~7 %, so a stream stays below ~254 GB/s.
        #expect(metric("gpu.read.bandwidth") > 200)
        #expect(metric("gpu.read.bandwidth") < 273.056 * (1 - 0.07))
        #expect(metric("memory.row_hit_rate") > 0.85)
        #expect(metric("gpu.read.bytes") == Double(32 << 20))
        // Every read crossed the link back with its 128 B.
        #expect(metric("c2c.cpu_to_gpu.bytes") == Double(32 << 20))
    }

    @Test func randomReadsMissRowsAndLoseBandwidth() {
        let sequential = run([.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 8 << 20, pattern: .sequential))], settings())
        let random = run([.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 8 << 20, pattern: .random))], settings())
        let value = { (m: [MetricValue], name: String) in m.first { $0.name == name }!.value }
        #expect(value(random.metrics, "memory.row_hit_rate") < 0.2)
        #expect(value(random.metrics, "gpu.read.bandwidth") < value(sequential.metrics, "gpu.read.bandwidth"))
    }

    @Test func passOverheadIsPaidByEveryPassAndOverlapsNothing() {
        // Four passes of 64 KiB, enqueued 10 µs apart, the first 10 µs after the phase starts.
        func phaseMicroseconds(hostInterval: Double, passOverhead: Double) -> Double {
            let phase = StreamReadPhase(bufferBytes: 64 << 10, totalBytes: 64 << 10, pattern: .sequential, count: 4,
                                        launchOverhead: SimDuration(seconds: 10e-6), hostInterval: SimDuration(seconds: hostInterval),
                                        passOverhead: SimDuration(seconds: passOverhead))
            let bandwidth = run([.streamRead(phase)], settings()).metrics.first { $0.name == "gpu.read.bandwidth" }!.value
            return Double(4 << 16) / (bandwidth * 1e9) * 1e6
        }
        // Paced by the host: 10 µs + 3 × 10 µs, then the last pass's reads (a few µs).
        let paced = phaseMicroseconds(hostInterval: 10e-6, passOverhead: 0)
        #expect(paced > 40 && paced < 45, "\(paced) µs")
        // An overhead shorter than the host's interval hides behind it, but for the last pass's.
        #expect(abs(phaseMicroseconds(hostInterval: 10e-6, passOverhead: 5e-6) - (paced + 5)) < 0.01)
        // A longer one sets the pace: every pass pays it, back to back with its reads.
        let eager = phaseMicroseconds(hostInterval: 0, passOverhead: 0)
        #expect(abs(phaseMicroseconds(hostInterval: 10e-6, passOverhead: 15e-6) - (eager + 4 * 15)) < 0.5)
    }

    @Test func exceedingTheEventBudgetStopsTheRun() {
        var machine = Simulation(config: config, workload: mixed, settings: settings(budget: 1_000))
        let reason = machine.run(until: SimTime.zero + SimDuration(seconds: 1e-3))
        #expect(reason == .budgetExhausted(limit: 1_000))
        #expect(machine.eventsHandled == 1_000)
    }

    @Test func samplesArriveAtTheSamplePeriod() {
        let result = run([.idle(SimDuration(seconds: 55e-6))], settings())
        #expect(result.times.prefix(5) == [10_000_000, 20_000_000, 30_000_000, 40_000_000, 50_000_000])
        #expect(result.times.last == 55_000_000)  // the final, partial window
        #expect(result.series.allSatisfy { $0.values.count == result.times.count })
    }
}

import Testing
import TwinCore
import TwinModels
import TwinScenario

@Suite struct UnitsTests {
    @Test(arguments: [
        ("2.8 GHz", QuantityKind.frequency, 2.8e9), ("120 ns", .time, 120e-9), ("140 W", .power, 140),
        ("273 GB/s", .bandwidth, 273e9), ("35 C", .temperature, 35), ("8_533 MT/s", .transferRate, 8.533e9),
        ("1 GiB", .size, 1_073_741_824), ("16 bit", .size, 2), ("16", .count, 16), ("50 %", .ratio, 0.5),
        ("1e3 ns", .time, 1e-6), ("100us", .time, 1e-4),
    ])
    func quantitiesParseToBaseUnits(text: String, kind: QuantityKind, expected: Double) throws {
        let value = try Units.parse(text, as: kind).get()
        #expect(abs(value - expected) <= abs(expected) * 1e-12)
    }

    @Test(arguments: [("120", QuantityKind.time), ("2.8 GB", .frequency), ("fast", .bandwidth), ("16 MHz", .count)])
    func quantitiesWithoutTheRightUnitAreRejected(text: String, kind: QuantityKind) {
        #expect(throws: QuantityError.self) { try Units.parse(text, as: kind).get() }
    }
}

@Suite struct ScenarioTests {
    let text = """
        name: ok
        machine:
          preset: dgx-spark
          memory:
            tRCD: 15 ns
        workload:
          - kind: stream-read
            buffer: 64 MiB
            bytes: 1 MiB
          - kind: idle
            duration: 2 us
        run:
          duration: 1 ms
          seed: 5
          samplePeriod: 10 us
        expect:
          - metric: gpu.read.bandwidth
            target: 237 GB/s
            tolerance: 5 %
          - metric: gpu.read.latency.mean
            target: 1 us
            tolerance: 50 ns
        """

    @Test func aValidScenarioBuildsItsMachineAndProgram() throws {
        let scenario = try ScenarioLoader.parse(text: text, file: "ok.yaml")
        #expect(scenario.name == "ok")
        #expect(scenario.parameters["memory.tRCD"] == 15e-9)
        #expect(scenario.machine.memory.tRCDCycles == 16)
        #expect(scenario.workload == [
            .streamRead(StreamReadPhase(bufferBytes: 64 << 20, totalBytes: 1 << 20, pattern: .sequential)),
            .idle(SimDuration(seconds: 2e-6)),
        ])
        #expect(scenario.run.seed == 5)
        #expect(scenario.run.eventBudget == ScenarioLoader.defaultEventBudget)
        #expect(scenario.expectations.count == 2)
        #expect(scenario.expectations[0].target == 237)
        #expect(scenario.expectations[0].accepts(230) && !scenario.expectations[0].accepts(220))
        #expect(scenario.expectations[1].target == 1_000)
        #expect(scenario.expectations[1].tolerance == .absolute(50))
        #expect(scenario.hash.count == 64)
    }

    @Test func overridesReplaceAndAddValuesAndChangeTheHash() throws {
        let base = try ScenarioLoader.parse(text: text, file: "ok.yaml")
        let changed = try ScenarioLoader.parse(text: text, file: "ok.yaml",
                                               overrides: ["run.seed=9", "machine.memory.tRP=20 ns", "workload.0.pattern=random"])
        #expect(changed.run.seed == 9)
        #expect(changed.parameters["memory.tRP"] == 20e-9)
        #expect(changed.workload[0] == .streamRead(StreamReadPhase(bufferBytes: 64 << 20, totalBytes: 1 << 20, pattern: .random)))
        #expect(changed.hash != base.hash)
        #expect(try ScenarioLoader.parse(text: text, file: "ok.yaml").hash == base.hash)
    }

    @Test func cpuThreadsAreReadWithTheirProgramsAndCopies() throws {
        let text = """
            name: threads
            machine: {preset: dgx-spark}
            workload:
              - together:
                  - kind: cpu
                    threads:
                      - {core: x925, cluster: 1, count: 2, program: [stream: 1 MiB, compute: 500]}
                      - core: a725
                        program:
                          - chase: {buffer: 64 MiB, steps: 100}
                  - {kind: idle, duration: 1 us}
              - repeat: 3
                phases:
                  - {kind: idle, duration: 2 us}
                  - together: [{kind: idle, duration: 1 us}, {kind: copy, direction: h2d, bytes: 1 MiB, cpuCores: 2}]
            run: {duration: 1 ms, seed: 1, samplePeriod: 1 us}
            """
        let scenario = try ScenarioLoader.parse(text: text, file: "threads.yaml")
        let streamer = CPUThread(core: .x925, cluster: 1, program: [.stream(bytes: 1 << 20), .compute(cycles: 500)])
        let chaser = CPUThread(core: .a725, program: [.chase(bufferBytes: 64 << 20, steps: 100)])
        #expect(scenario.workload[0] == .cpuThreads(CPUThreadsPhase(threads: [streamer, streamer, chaser])))
        // A together step, then the repeated block's steps three times, flat.
        #expect(scenario.program.phases.count == 2 + 3 * 3)
        let steps: [Range<Int>] = [0..<2, 2..<3, 3..<5, 5..<6, 6..<8, 8..<9, 9..<11]
        #expect(scenario.program.steps == steps)
        let cores: [UInt64] = [0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 2]
        #expect(scenario.program.cpuCores == cores)
        #expect(scenario.program.step(of: 4) == 2 && scenario.program.step(of: 10) == 6)
    }

    @Test func badOverridesAreReportedAsCommandLineErrors() {
        #expect {
            try ScenarioLoader.parse(text: text, file: "ok.yaml", overrides: ["run.seed=-1", "nonsense", "workload.5.kind=idle"])
        } throws: { error in
            let description = (error as? ScenarioError)?.description ?? ""
            return description == """
                --set: error: expected key.path=value, found "nonsense"
                --set: error: workload.5.kind: expected a list index below 2, found "5"
                --set: error: run.seed: expected a non-negative integer, found "-1"
                """
        }
    }
}

@Suite struct NodesScenarioTests {
    let text = """
        name: two
        nodes:
          - name: left
            machine:
              preset: dgx-spark
            workload:
              - kind: stream-read
                buffer: 64 MiB
                bytes: 1 MiB
          - machine:
              preset: h100-sxm
              power:
                pl1: 500 W
            workload:
              - kind: idle
                duration: 2 us
        run:
          duration: 1 ms
        expect:
          - metric: left.gpu.read.bandwidth
            target: 237 GB/s
            tolerance: 50 %
          - metric: node2.power.package.mean
            target: 100 W
            tolerance: 100 %
        """

    /// Each node has its own preset, parameters and program; an unnamed node is node<N>, and
    /// `expect:` names a node's metric with its prefix.
    @Test func eachNodeHasItsMachineAndWorkload() throws {
        let scenario = try ScenarioLoader.parse(text: text, file: "two.yaml")
        #expect(scenario.nodes.map(\.name) == ["left", "node2"])
        #expect(scenario.nodes.map(\.preset) == ["dgx-spark", "h100-sxm"])
        #expect(scenario.nodes[1].parameters["power.pl1"] == 500)
        #expect(scenario.nodes[1].program.phases == [.idle(SimDuration(seconds: 2e-6))])
        #expect(scenario.expectations.map(\.unit) == ["GB/s", "W"])
    }

    /// `--set` reaches a node's keys by their path.
    @Test func overridesReachANodesKeys() throws {
        let scenario = try ScenarioLoader.parse(text: text, file: "two.yaml", overrides: ["nodes.1.machine.power.pl1=300 W",
                                                                                          "nodes.0.workload.0.bytes=2 MiB"])
        #expect(scenario.nodes[1].parameters["power.pl1"] == 300)
        guard case .streamRead(let read) = scenario.nodes[0].program.phases[0] else { Issue.record("not a read"); return }
        #expect(read.totalBytes == 2 << 20)
    }

    /// A metric without its node's prefix is unknown in a scenario of nodes.
    @Test func anUnprefixedMetricIsUnknown() {
        let bad = text.replacingOccurrences(of: "metric: left.gpu.read.bandwidth", with: "metric: gpu.read.bandwidth")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text: bad, file: "two.yaml") }
    }
}

/// Phases of kinds declared through `KernelDeclaration` are read by their declaration: its
/// keys, units, ranges and defaults.
@Suite struct KernelKindScenarioTests {
    func scenario(_ phase: String, mode: String = "detailed") -> String {
        """
        name: fill
        machine:
          preset: dgx-spark
        workload:
          - \(phase)
        run:
          mode: \(mode)
          duration: 1 ms
        expect:
          - metric: gpu.memset.bandwidth
            target: 200 GB/s
            tolerance: 50 %
        """
    }

    func errors(_ text: String) -> String { loadErrors(text, file: "fill.yaml") }

    @Test func aMemsetPhaseTakesItsDeclaredKeysAndDefaults() throws {
        let scenario = try ScenarioLoader.parse(text: scenario("{kind: memset, buffer: 64 MiB, hostInterval: 5 us}"), file: "fill.yaml")
        guard case .kernel(let values) = scenario.program.phases[0] else { Issue.record("not an added kernel"); return }
        #expect(values.kind == "memset")
        #expect(values["buffer"] == Double(64 << 20) && values["count"] == 1 && values["hostInterval"] == 5e-6)
    }

    @Test func badMemsetKeysAreReportedByTheirDeclaration() {
        let missing = errors(scenario("{kind: memset, count: 2}"))
        #expect(missing.contains("workload.0.buffer: missing required key; expected bytes each kernel fills"), "\(missing)")
        let range = errors(scenario("{kind: memset, buffer: 1 MiB, count: 0}"))
        #expect(range.contains("workload.0.count: expected a value from 1 to 1000000000, found \"0\""), "\(range)")
        let unknown = errors(scenario("{kind: memset, buffer: 1 MiB, pattern: random}"))
        #expect(unknown.contains("workload.0.pattern"), "\(unknown)")
        // Fast mode runs a memset phase as one unit; a send, which needs its peer in the same
        // simulation, runs in detailed mode only.
        #expect(errors(scenario("{kind: memset, buffer: 1 MiB}", mode: "fast")).isEmpty)
        let send = """
            name: fast-send
            nodes:
              - {name: a, machine: {preset: dgx-spark}, workload: [{kind: send, to: b, bytes: 1 MiB}]}
              - {name: b, machine: {preset: dgx-spark}, workload: [{kind: idle, duration: 1 us}]}
            links: [{between: [a, b]}]
            run: {duration: 1 ms, mode: fast}
            """
        #expect(errors(send).contains("nodes.0.workload.0.kind: expected a phase kind fast mode models; send runs in detailed mode only"), "\(errors(send))")
        let kinds = errors(scenario("{kind: memfill, buffer: 1 MiB}"))
        #expect(kinds.contains("cpu, copy, idle, memset, traffic, send, gpu-chase, llm-decode, llm-generate, llm-prefill, found \"memfill\""), "\(kinds)")
    }
}

/// `buffers:` names a node's buffers; phases that name one are placed where its allocator put it.
@Suite struct BuffersScenarioTests {
    let text = """
        name: named
        machine:
          preset: dgx-spark
        buffers:
          weights: 3 MiB
          kv: 1 GiB
        workload:
          - {kind: stream-read, buffer: weights, bytes: 1 MiB}
          - {kind: stream-copy, buffer: weights, destination: kv, bytes: 1 MiB}
          - {kind: stream-read, buffer: 64 MiB, bytes: 1 MiB}
          - {kind: memset, buffer: kv}
          - {kind: gemm, m: 512, n: 512, k: 512, precision: bf16, buffer: kv}
        run:
          duration: 1 ms
        """

    @Test func phasesOverNamedBuffersArePlacedWhereTheAllocatorPutThem() throws {
        let program = try ScenarioLoader.parse(text: text, file: "named.yaml").program
        #expect(program.buffers.map(\.name) == ["weights", "kv"])
        #expect(program.buffers.map(\.base) == [0, 4 << 20], "2 MiB aligned")
        let weights = BufferPlacement(base: 0, bytes: 3 << 20), kv = BufferPlacement(base: 4 << 20, bytes: 1 << 30)
        #expect(program.placements == [weights, BufferPlacement(base: 0, bytes: 3 << 20, destination: 4 << 20), nil, kv, kv])
        #expect(program.anonymousBase == (4 << 20) + (1 << 30))
        guard case .streamRead(let read) = program.phases[0], case .kernel(let memset) = program.phases[3] else {
            Issue.record("not a read and a memset"); return
        }
        #expect(read.bufferBytes == 3 << 20, "a named buffer's size is the phase's buffer")
        #expect(memset["buffer"] == Double(1 << 30))
    }

    /// Each node allocates its own buffers, from address 0 of its own memory.
    @Test func eachNodeHasItsOwnBuffers() throws {
        let two = """
            name: two
            nodes:
              - machine: {preset: dgx-spark}
                buffers: {a: 1 GiB, b: 1 MiB}
                workload: [{kind: stream-read, buffer: b, bytes: 1 MiB}]
              - machine: {preset: h100-sxm}
                buffers: {b: 8 MiB}
                workload: [{kind: stream-read, buffer: b, bytes: 1 MiB}]
            run:
              duration: 1 ms
            """
        let nodes = try ScenarioLoader.parse(text: two, file: "two.yaml").nodes
        #expect(nodes[0].program.placements == [BufferPlacement(base: 1 << 30, bytes: 1 << 20)])
        #expect(nodes[1].program.placements == [BufferPlacement(base: 0, bytes: 8 << 20)])
    }

    /// The buffers must fit in the memory a program can allocate: GB10's 101 GiB, or what the
    /// scenario sets.
    @Test func buffersMustFitInUsableMemory() {
        let large = text.replacingOccurrences(of: "kv: 1 GiB", with: "kv: 101 GiB")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text: large, file: "named.yaml") }
        #expect(throws: Never.self) {
            try ScenarioLoader.parse(text: large, file: "named.yaml", overrides: ["machine.memory.usable=102 GiB"])
        }
    }
}

/// The Grace layout comes from the preset's `cpu.clusters`, `cpu.x925.perCluster` and
/// `cpu.a725.perCluster`: the threads a `cpu` phase may place, and the rails and signals a run has.
@Suite struct GraceTopologyScenarioTests {
    func scenario(cpu: String, threads: String) -> String {
        """
        name: layout
        machine:
          preset: dgx-spark
          cpu: {\(cpu)}
        workload:
          - kind: cpu
            threads: [\(threads)]
        run:
          duration: 1 ms
        """
    }

    func errors(_ text: String) -> String { loadErrors(text, file: "layout.yaml") }

    @Test func threadsFitTheClustersAndCoresOfThePreset() {
        let thread = { (cluster: Int, count: Int) in "{core: x925, cluster: \(cluster), count: \(count), program: [{compute: 1000}]}" }
        #expect(errors(scenario(cpu: "clusters: 2", threads: thread(1, 5))) == "")
        #expect(errors(scenario(cpu: "clusters: 2", threads: thread(2, 1))).contains("workload.0.threads.0.cluster: expected a value from 0 to 1"))
        #expect(errors(scenario(cpu: "clusters: 3", threads: thread(2, 1))) == "")
        #expect(errors(scenario(cpu: "clusters: 2", threads: thread(0, 6))).contains("expected a value from 1 to 5"))
        #expect(errors(scenario(cpu: "x925.perCluster: 8", threads: thread(0, 8))) == "")
        let both = thread(0, 5) + ", " + thread(0, 4)
        #expect(errors(scenario(cpu: "x925.perCluster: 8", threads: both)).contains("expected at most 8 threads on the x925 cores of cluster 0, found 9"))
    }

    /// Three clusters: a rail and a clock signal each; a thread on the third heats its rail only.
    @Test func eachClusterHasItsRailAndClock() throws {
        let text = scenario(cpu: "clusters: 3", threads: "{core: x925, cluster: 2, program: [{compute: 1000000}]}")
        let scenario = try ScenarioLoader.parse(text: text, file: "layout.yaml")
        let settings = RunSettings(duration: SimDuration(seconds: 0.02), seed: 1, samplePeriod: SimDuration(seconds: 1e-3), eventBudget: 10_000_000)
        var simulation = Simulation(config: scenario.machine, program: scenario.program, settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        let m = Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
        #expect(simulation.series.map(\.name).filter { $0.hasPrefix("clock.cpu") } == ["clock.cpu0", "clock.cpu1", "clock.cpu2"])
        #expect(m["power.cpu2.mean"]! > m["power.cpu1.mean"]!)
        #expect(abs(m["power.cpu.mean"]! - (m["power.cpu0.mean"]! + m["power.cpu1.mean"]! + m["power.cpu2.mean"]!)) < 1e-9)
        #expect(m["power.cpu3.mean"] == nil)
    }
}

/// The errors of loading scenario `text` as `file`, or "" when it loads.
func loadErrors(_ text: String, file: String) -> String {
    do {
        _ = try ScenarioLoader.parse(text: text, file: file)
        return ""
    } catch {
        return (error as? ScenarioError)?.description ?? "\(error)"
    }
}

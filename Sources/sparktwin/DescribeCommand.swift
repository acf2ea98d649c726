import ArgumentParser
import TwinModels
import TwinRun
import TwinScenario

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List model parameters with unit, default and source.")

    @Argument(help: ArgumentHelp("A component (cpu, gpu, c2c, memory), a parameter path, workload (the declared phase kinds' keys), signals (what a run samples), or metrics (what it reports).",
                                 valueName: "component"))
    var component: String?

    @Option(help: ArgumentHelp("Show this preset's values and their sources.", valueName: "name"))
    var preset = "dgx-spark"

    func run() throws {
        guard let overrides = MachineParameters.presets[preset] else {
            throw CleanExit.message(error: "no preset \"\(preset)\"; presets: \(MachineParameters.presetNames.joined(separator: ", "))")
        }
        if component == "signals" {
            describeSignals()
            return
        }
        if component == "metrics" {
            describeMetrics()
            return
        }
        let handWritten = (HandWrittenKinds.all + HandWrittenKinds.llm).filter { self.component == "workload" || $0.name == self.component }
        let kinds = KernelDeclaration.all.filter { self.component == "workload" || $0.name == self.component }
        if !kinds.isEmpty || !handWritten.isEmpty {
            describePhaseKinds(handWritten, kinds)
            return
        }
        // The paths are printed as `machine.x.y`; accept them so, as `--set` does.
        let component = component.map { $0.hasPrefix("machine.") ? String($0.dropFirst("machine.".count)) : $0 }
        let specs = MachineParameters.all.filter { spec in
            guard let component else { return true }
            return spec.path == component || spec.path.hasPrefix(component + ".")
        }
        guard !specs.isEmpty else {
            let groups = Set(MachineParameters.all.map { String($0.path.split(separator: ".")[0]) }).sorted()
            throw CleanExit.message(error: "no component or parameter \"\(component ?? "")\"; components: \(groups.joined(separator: ", "))")
        }
        var rows = [["parameter", preset, "source", "description"]]
        for spec in specs {
            let entry = overrides.first { $0.path == spec.path }
            let base = entry?.value ?? spec.defaultValue
            let value = formatNumber(Units.value(base, in: spec.displayUnit, of: spec.dimension) ?? base)
            rows.append(["machine.\(spec.path)", spec.displayUnit.isEmpty ? value : "\(value) \(spec.displayUnit)",
                         entry?.source ?? spec.source, spec.summary])
        }
        printTable(rows)
        if component == nil || component == "cpu" {
            print("""

                Workload key cpuCores: N (0–20) on a phase keeps N Grace cores busy while it runs. It costs power
                only (the CPU rails' watts, and so the package budget): it makes no memory traffic. For a CPU job
                that contends for DRAM bandwidth, run a `cpu` phase whose threads have stream steps.
                """)
        }
    }
}

extension Describe {
    /// The signals a run of the preset samples, from their declarations.
    func describeSignals() {
        let rails = PowerSystem.Rails(clusters: MachineConfig(MachineParameters.values(preset: preset)!).cpu.topology.clusters)
        var rows = [["signal", "unit", "description"]]
        for signal in Machine.signalList(rails: rails) { rows.append([signal.name, signal.unit, signal.meaning]) }
        printTable(rows)
        print("""

            Every sample period (run.samplePeriod) in detailed mode; fast mode samples gpu.read.bandwidth,
            gpu.gemm.throughput and the power system's. A scenario of nodes prefixes each with its node.
            """)
    }

    /// The metrics a run of the preset reports, in which modes, which way `compare` calls
    /// better and what each means, from their declarations; then the added kinds'.
    func describeMetrics() {
        let config = MachineConfig(MachineParameters.values(preset: preset)!)
        var rows = [["metric", "unit", "modes", "better", "description"]]
        var listed: Set<String> = []
        for metric in Fidelity.allCases.flatMap({ Machine.metricDeclarations(config: config, fidelity: $0) }) where listed.insert(metric.name).inserted {
            rows.append([metric.name, metric.unit, metric.modes.rawValue, metric.better.rawValue, metric.meaning])
        }
        printTable(rows)
        print("")
        var kinds = [["kind", "metric", "unit", "better", "description"]]
        for declaration in KernelDeclaration.all {
            for metric in declaration.metrics {
                kinds.append([declaration.name, metric.name, metric.unit, metric.better.rawValue, metric.meaning])
            }
        }
        printTable(kinds)
        print("""

            A program of several steps adds step.N.time and its steps' throughputs; a scenario of nodes prefixes
            each metric with its node. `compare` judges a change by the better direction shown, and compares
            ratios in points and temperatures in degrees, the rest relatively.
            """)
    }

    /// The keys of phase kinds, from their declarations: the hand-written kinds', then those
    /// declared through `KernelDeclaration`, with their metrics.
    func describePhaseKinds(_ handWritten: [HandWrittenKinds.Kind], _ declarations: [KernelDeclaration]) {
        var rows = [["kind", "key", "unit", "default", "range", "description"]]
        func add(_ kind: String, _ key: KernelKey) {
            let unit = key.shownUnit ?? (key.namesPeer ? "node" : key.choices == nil ? key.unit.rawValue : "word")
            let range = key.shownUnit == "bool" ? "true | false" : key.shownUnit == "name" ? "" : key.shownRange
            rows.append([kind, key.name, unit, key.shownDefault ?? key.defaultValue.map(key.shown) ?? "required", range, key.meaning])
        }
        for kind in handWritten {
            rows.append([kind.name, "-", "", "", "", kind.summary])
            for key in kind.keys { add(kind.name, key) }
        }
        for declaration in declarations {
            rows.append([declaration.name, "-", "", "", "", declaration.summary])
            for key in declaration.keys { add(declaration.name, key) }
            let metrics = declaration.metrics.map { "\($0.name) (\($0.unit))" }.joined(separator: ", ")
            if !metrics.isEmpty { rows.append([declaration.name, "metrics", "", "", "", metrics]) }
        }
        printTable(rows)
        print("""

            The hand-written kinds report the run's metrics (`sparktwin describe metrics`). Fast mode runs a phase of
            the declared kinds as one unit, costed by a detailed run of it alone (not send, which needs its peer).
            The llm kinds expand into the model's kernels (`sparktwin models` lists the models) and add the llm.* metrics.
            """)
    }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark the simulator's core.", subcommands: [Hold.self, Memory.self])

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the hold model on the event queue and print events per second.")

        @Option(help: ArgumentHelp("Events in the queue throughout.", valueName: "n"))
        var pending: Int = 1_000

        @Option(help: ArgumentHelp("Hold operations (pop one, push one) to time.", valueName: "m"))
        var events: Int = 10_000_000

        @Option(help: ArgumentHelp("Seed of the increment stream.", valueName: "n"))
        var seed: UInt64 = 1

        @Option(help: ArgumentHelp(
            "drawn: each step draws its increment (a logarithm); table: steps cycle through 65,536 draws made before timing, to time the queue alone.",
            valueName: "source"))
        var increments: HoldBenchmark.Increments = .drawn

        func validate() throws {
            guard pending >= 1 && pending < 16_000_000 else { throw ValidationError("--pending must be from 1 to 15,999,999") }
            guard events >= 1 else { throw ValidationError("--events must be at least 1") }
        }

        func run() throws {
            let result = HoldBenchmark.run(pending: pending, events: events, seed: seed, increments: increments)
            print("pending=\(result.pending) events=\(result.events) increments=\(increments.rawValue) seconds=\(String(format: "%.4f", result.seconds)) checksum=\(result.checksum)")
            print("events_per_s=\(String(format: "%.0f", result.eventsPerSecond))")
        }
    }
}

extension Bench {
    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time reads through the detailed memory controller and print requests per second.")

        @Option(help: ArgumentHelp("Reads to time per pattern.", valueName: "n"))
        var requests: Int = 2_000_000

        @Option(help: ArgumentHelp("Machine preset.", valueName: "name"))
        var preset = "dgx-spark"

        func validate() throws {
            guard requests >= 1 else { throw ValidationError("--requests must be at least 1") }
            guard MachineParameters.presets[preset] != nil else {
                throw ValidationError("--preset must be one of: \(MachineParameters.presetNames.joined(separator: ", "))")
            }
        }

        func run() throws {
            for pattern in AccessPattern.allCases {
                let r = MemoryBenchmark.run(preset: preset, pattern: pattern, requests: requests)
                print("pattern=\(pattern.rawValue) requests=\(r.requests) seconds=\(String(format: "%.4f", r.seconds)) "
                      + "baseline_seconds=\(String(format: "%.4f", r.baselineSeconds)) checksum=\(r.checksum)")
                print("requests_per_s=\(String(format: "%.0f", r.requestsPerSecond)) ratio_to_baseline=\(String(format: "%.1f", r.seconds / max(r.baselineSeconds, 1e-9)))")
            }
        }
    }
}

extension HoldBenchmark.Increments: ExpressibleByArgument {}

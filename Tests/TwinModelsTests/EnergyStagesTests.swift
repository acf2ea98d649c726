import Testing
import TwinCore
import TwinModels

/// The energy of moving DRAM bytes, stage by stage (`power.memory.*`, `power.soc.*`,
/// `power.c2c.*` energies): the stages add up, activates separate random lines from a stream,
/// and fast mode charges what detailed mode does.
@Suite struct EnergyStagesTests {
    static let spark = MachineParameters.values(preset: "dgx-spark")!
    static let settings = RunSettings(duration: SimDuration(seconds: 0.004), seed: 1, samplePeriod: SimDuration(seconds: 1e-4),
                                      eventBudget: 100_000_000)

    static func read(_ pattern: AccessPattern) -> WorkloadPhase {
        .streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 1 << 30, pattern: pattern, count: 1))
    }

    static func metrics(_ phases: [WorkloadPhase], parameters: ParameterValues = spark, fast: Bool = false) -> [String: Double] {
        let config = MachineConfig(parameters)
        let metrics: [MetricValue]
        if fast {
            var machine = FastMachine(config: config, workload: phases, settings: settings)
            _ = machine.run(until: .zero + settings.duration)
            machine.finish()
            metrics = machine.metrics
        } else {
            var machine = Simulation(config: config, workload: phases, settings: settings)
            _ = machine.run(until: .zero + settings.duration)
            machine.finish()
            metrics = machine.metrics
        }
        return Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, $0.value) })
    }

    @Test func theStagesAddUpAndRandomLinesPayAnActivateEach() {
        let stream = Self.metrics([Self.read(.sequential)]), random = Self.metrics([Self.read(.random)])
        let p = Self.spark
        for m in [stream, random] {
            let stages = ["dram", "controller", "fabric", "c2c"].map { m["energy.per_byte.\($0)"]! }
            #expect(abs(stages.reduce(0, +) - m["energy.per_byte.total"]!) < 1e-9)
            // The DRAM's bytes cost its array and interface energies, and the activates on top.
            let perByte = (p["power.memory.coreEnergyPerByte"] + p["power.memory.ioEnergyPerByte"]) * 1e12
            #expect(abs(m["energy.per_byte.dram"]! - perByte - m["energy.per_byte.activate"]!) < 1e-9)
            #expect(abs(m["energy.per_byte.controller"]! - p["power.soc.controllerEnergyPerByte"] * 1e12) < 1e-9)
        }
        // A stream opens a 2 KiB page per ~2 KiB (row hits ~93 %); random 128 B lines open one
        // each: 0.5 nJ / 128 B = 3.9 pJ/B.
        let activate = p["power.memory.activateEnergy"] * 1e12
        #expect(abs(random["energy.per_byte.activate"]! - activate / 128) < 0.05 * activate / 128)
        #expect(stream["energy.per_byte.activate"]! < activate / 1_024)
    }

    @Test func theActivateEnergyIsOnTheMemoryRail() {
        // The same random reads with activates twice as dear: the memory rail rises by the
        // activates' energy over the run, and nothing else moves.
        var dear = Self.spark
        dear.set("power.memory.activateEnergy", 2 * Self.spark["power.memory.activateEnergy"])
        let base = Self.metrics([Self.read(.random)]), doubled = Self.metrics([Self.read(.random)], parameters: dear)
        let activatesJ = base["energy.per_byte.activate"]! * 1e-12 * base["memory.bandwidth"]! * 1e9 * base["sim.time"]!
        let railJ = (doubled["power.memory.mean"]! - base["power.memory.mean"]!) * base["sim.time"]!
        #expect(abs(railJ / activatesJ - 1) < 0.01, "rail +\(railJ) J, activates \(activatesJ) J")
        #expect(doubled["power.soc.mean"] == base["power.soc.mean"] && doubled["memory.bandwidth"] == base["memory.bandwidth"])
    }

    @Test(arguments: [AccessPattern.sequential, .random])
    func fastModeChargesTheActivatesDetailedModeCounts(_ pattern: AccessPattern) {
        let detailed = Self.metrics([Self.read(pattern)]), fast = Self.metrics([Self.read(pattern)], fast: true)
        for name in ["energy.per_byte.activate", "energy.per_byte.dram", "power.memory.mean"] {
            #expect(abs(fast[name]! / detailed[name]! - 1) < 0.02, "\(name): detailed \(detailed[name]!), fast \(fast[name]!)")
        }
    }
}

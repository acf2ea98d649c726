import Testing
import TwinModels
import TwinScenario

/// A preset brings its own defaults, and values carried from another preset are flagged.
struct PresetDefaultsTests {
    let gemm = """
        name: g
        machine:
          preset: PRESET
        POWER
        workload:
          - kind: gemm
            m: 4096
            n: 4096
            k: 4096
            precision: bf16
        run:
          duration: 10 ms

        """

    func load(_ preset: String, power: String = "", overrides: [String] = []) throws -> Scenario {
        try ScenarioLoader.parse(text: gemm.replacingOccurrences(of: "PRESET", with: preset).replacingOccurrences(of: "POWER\n", with: power),
                                 file: "g.yaml", overrides: overrides)
    }

    @Test func aGEMMTakesThePresetsTile() throws {
        guard case .gemm(let spark) = try load("dgx-spark").workload[0], case .gemm(let h100) = try load("h100-sxm").workload[0] else {
            Issue.record("expected gemm phases")
            return
        }
        #expect([spark.tileM, spark.tileN, spark.tileK, spark.stages, spark.clusterM] == [128, 128, 64, 3, 1])
        #expect([h100.tileM, h100.tileN, h100.tileK, h100.stages, h100.clusterM] == [128, 256, 64, 4, 2])
    }

    @Test func runSettingsHaveDefaults() throws {
        let scenario = try load("dgx-spark")
        #expect(scenario.run.seed == 1)
        #expect(scenario.run.samplePeriod.picoseconds == 10_000_000)  // 10 ms / 1000
    }

    @Test func aValueOfAnotherPresetIsWarnedAbout() throws {
        let carried = try load("h100-sxm", power: "  power:\n    pl1: 140 W\n")
        #expect(carried.warnings.map(\.description) == [
            "g.yaml:5:10: warning: machine.power.pl1: 140 W is dgx-spark's value, not h100-sxm's (700 W); carried from a dgx-spark scenario?",
        ])
        #expect(try load("dgx-spark", power: "  power:\n    pl1: 140 W\n").warnings.isEmpty)
        #expect(try load("h100-sxm", power: "  power:\n    pl1: 650 W\n").warnings.isEmpty)
    }

    @Test func changingThePresetFlagsEveryValueTheFileSet() throws {
        let switched = try load("dgx-spark", power: "  power:\n    pl1: 180 W\n", overrides: ["machine.preset=h100-sxm"])
        #expect(switched.warnings.map(\.keyPath) == ["machine.power.pl1"])
        #expect(switched.warnings[0].message.contains("kept on h100-sxm, whose own value is 700 W"))
    }
}

import Foundation
import Testing
import TwinResults
import TwinRun
import TwinScenario

/// Each metric's better direction and kind of change, and the scenario keys two runs differ in.
struct MetricKindTests {
    func run(_ id: String, text: String = "", overrides: [String] = [], hash: String = "h") -> RunRecord {
        RunRecord(id: id, scenarioName: "s", scenarioFile: "s.yaml", scenarioText: text, scenarioHash: hash, overrides: overrides,
                  seed: 1, toolVersion: "0.1.0", startedAt: Date(timeIntervalSince1970: 0), wallTimeS: 1, events: 1,
                  simulatedPs: 1, status: "finished", statusMessage: "")
    }

    func compare(_ pairs: [(String, Double, Double, String)]) -> [String: MetricComparison] {
        let result = Comparator.compare(
            baseline: run("a"), baselineMetrics: pairs.map { MetricRecord(runId: "a", name: $0.0, value: $0.1, unit: $0.3) },
            candidate: run("b"), candidateMetrics: pairs.map { MetricRecord(runId: "b", name: $0.0, value: $0.2, unit: $0.3) },
            tolerances: ToleranceTable())
        return Dictionary(uniqueKeysWithValues: result.metrics.map { ($0.metric, $0) })
    }

    @Test func laterFirstThrottleIsBetterAndNeverIsBest() {
        let m = compare([("throttle.first", 0.01, 42.7, "s"), ("throttle.first.power_cap", 0.01, -1, "s"),
                         ("throttle.first.thermal", -1, 69.3, "s"), ("throttle.first.other", -1, -1, "s")])
        #expect(m["throttle.first"]?.verdict == .improved)
        #expect(m["throttle.first"]?.relativeChange == nil)   // not "+427100 %"
        #expect(m["throttle.first"]?.change.map { abs($0 - 42.69) < 1e-9 } == true)
        #expect(m["throttle.first.power_cap"]?.verdict == .improved)
        #expect(m["throttle.first.power_cap"]?.change == nil)
        #expect(m["throttle.first.power_cap"]?.shown(-1) == "never")
        #expect(m["throttle.first.thermal"]?.verdict == .regressed)
        #expect(m["throttle.first.other"]?.verdict == .same)
    }

    @Test func temperaturesAndRatiosChangeInTheirUnit() {
        let m = compare([("temp.gpu_die.max", 81.4, 81.8, "C"), ("temp.sink.max", 72.3, 78.6, "C"),
                         ("throttle.thermal.residency", 0, 0.005, "ratio"), ("gpu.gemm.throughput", 95, 97.5, "TFLOPS")])
        #expect(m["temp.gpu_die.max"]?.verdict == .same)        // 0.4 C, within 0.5 C
        #expect(m["temp.sink.max"]?.verdict == .regressed)
        #expect(m["temp.sink.max"]?.relativeChange == nil)
        #expect(m["throttle.thermal.residency"]?.verdict == .same)  // half a point
        #expect(m["gpu.gemm.throughput"]?.relativeChange.map { abs($0 - 2.5 / 95) < 1e-12 } == true)
    }

    @Test func settingsAndSpecsHaveNoBetterDirection() {
        #expect(MetricKind.of("power.limit").direction == .neutral)
        #expect(MetricKind.of("gpu.gemm.throughput.spec").direction == .neutral)
        #expect(MetricKind.of("gpu.gemm.throughput.ratio_to_spec").direction == .higherIsBetter)
        #expect(MetricKind.of("clock.gpu.loss").direction == .lowerIsBetter)
        #expect(MetricKind.of("temp.gpu_die.rise_tau").direction == .neutral)
        #expect(MetricKind.of("sim.events").direction == .informational)
    }

    @Test func differingScenarioKeysAndOverridesAreListed() {
        let text = "name: s\nmachine:\n  preset: dgx-spark\n  power:\n    pl1: 140 W\nrun:\n  duration: 1 s\n"
        let other = text.replacingOccurrences(of: "140 W", with: "180 W")
        let result = Comparator.compare(baseline: run("a", text: text), baselineMetrics: [],
                                        candidate: run("b", text: other, overrides: ["run.seed=7"], hash: "other"), candidateMetrics: [],
                                        tolerances: ToleranceTable())
        #expect(result.scenarioDifferences == ["machine.power.pl1: 140 W → 180 W", "run.seed: (none) → 7"])
        #expect(result.provenanceWarnings.first?.contains("machine.power.pl1: 140 W → 180 W") == true)
    }
}

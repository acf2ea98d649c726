import Foundation
import Testing
import TwinResults
import TwinRun
import TwinScenario

/// Compare verdicts on hand-made runs.
struct ComparisonTests {
    func run(_ id: String, hash: String = "h", seed: UInt64 = 1, version: String = "0.1.0", overrides: [String] = []) -> RunRecord {
        RunRecord(id: id, scenarioName: "s", scenarioFile: "s.yaml", scenarioText: "", scenarioHash: hash, overrides: overrides,
                  seed: seed, toolVersion: version, startedAt: Date(timeIntervalSince1970: 0), wallTimeS: 1, events: 1,
                  simulatedPs: 1, status: "finished", statusMessage: "")
    }

    func metrics(_ id: String, _ values: [(String, Double, String)]) -> [MetricRecord] {
        values.map { MetricRecord(runId: id, name: $0.0, value: $0.1, unit: $0.2) }
    }

    func verdicts(_ base: [(String, Double, String)], _ cand: [(String, Double, String)],
                  tolerances: ToleranceTable = ToleranceTable()) -> [String: Verdict] {
        let result = Comparator.compare(baseline: run("a"), baselineMetrics: metrics("a", base),
                                        candidate: run("b"), candidateMetrics: metrics("b", cand), tolerances: tolerances)
        return Dictionary(uniqueKeysWithValues: result.metrics.map { ($0.metric, $0.verdict) })
    }

    @Test func improvementRegressionAndWithinTolerance() {
        let v = verdicts(
            [("gpu.gemm.throughput", 90, "TFLOPS"), ("power.package.mean", 140, "W"), ("gpu.read.latency.mean", 800, "ns"),
             ("memory.write.bytes", 100, "B"), ("clock.gpu.mean", 2150, "MHz"), ("sim.events", 10, "count")],
            [("gpu.gemm.throughput", 95, "TFLOPS"), ("power.package.mean", 150, "W"), ("gpu.read.latency.mean", 805, "ns"),
             ("memory.write.bytes", 120, "B"), ("clock.gpu.mean", 2100, "MHz"), ("sim.events", 99, "count")])
        #expect(v["gpu.gemm.throughput"] == .improved)      // higher is better, +5.6 %
        #expect(v["power.package.mean"] == .regressed)      // lower is better, +7 %
        #expect(v["gpu.read.latency.mean"] == .same)        // +0.6 %, within the default 1 %
        #expect(v["memory.write.bytes"] == .changed)        // no better direction
        #expect(v["clock.gpu.mean"] == .regressed)
        #expect(v["sim.events"] == .informational)
    }

    @Test func perMetricAndPrefixTolerancesWin() {
        var table = ToleranceTable(defaultTolerance: .relative(0.01))
        table.perMetric = [(pattern: "power.*", tolerance: .relative(0.10)), (pattern: "temp.gpu_die.max", tolerance: .absolute(3))]
        let v = verdicts([("power.gpu.mean", 90, "W"), ("temp.gpu_die.max", 80, "C"), ("temp.sink.max", 60, "C")],
                         [("power.gpu.mean", 97, "W"), ("temp.gpu_die.max", 82.5, "C"), ("temp.sink.max", 61, "C")], tolerances: table)
        #expect(v["power.gpu.mean"] == .same)
        #expect(v["temp.gpu_die.max"] == .same)
        #expect(v["temp.sink.max"] == .regressed)
    }

    @Test func mismatchedProvenanceIsFlagged() {
        let result = Comparator.compare(baseline: run("a"), baselineMetrics: [],
                                        candidate: run("b", hash: "other", seed: 2, version: "0.2.0"), candidateMetrics: [],
                                        tolerances: ToleranceTable())
        #expect(result.provenanceWarnings.count == 3)
        let same = Comparator.compare(baseline: run("a"), baselineMetrics: [], candidate: run("b"), candidateMetrics: [],
                                      tolerances: ToleranceTable())
        #expect(same.provenanceWarnings.isEmpty)
    }

    @Test func metricsInOneRunOnlyAreMissing() {
        let v = verdicts([("gpu.gemm.throughput", 90, "TFLOPS")], [("gpu.read.bandwidth", 240, "GB/s")])
        #expect(v["gpu.gemm.throughput"] == .missing)
        #expect(v["gpu.read.bandwidth"] == .missing)
    }

    @Test func labelledRunsPairByScenarioAndOverrides() {
        let b = [run("a1"), run("a2", overrides: ["x=1"])]
        let c = [run("b1"), run("b3", overrides: ["x=2"])]
        let paired = Comparator.pair(baseline: b, candidate: c)
        #expect(paired.pairs.map { [$0.0.id, $0.1.id] } == [["a1", "b1"]])
        #expect(paired.unmatchedBaseline.map(\.id) == ["a2"])
        #expect(paired.unmatchedCandidate.map(\.id) == ["b3"])
    }

    @Test func toleranceFilesReportBadValuesWithTheirPosition() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tolerances-\(UUID()).yaml").path
        try "default: 2 %\nmetrics:\n  power.*: 5 %\n  temp.gpu_die.max: lots\ncolour: red\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ScenarioError.self) { try ToleranceFileLoader.load(path: path) }
        do { _ = try ToleranceFileLoader.load(path: path) } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(path):4:21: error: metrics.temp.gpu_die.max: expected a tolerance such as 2 % (relative) or 0.5 (in the metric's unit), found \"lots\"",
                "\(path):5:1: error: colour: unknown key; expected one of: default, metrics",
            ])
        }
        try "default: 2 %\nmetrics:\n  power.*: 5 %\n".write(toFile: path, atomically: true, encoding: .utf8)
        let table = try ToleranceFileLoader.load(path: path)
        #expect(table.tolerance(for: "power.gpu.mean") == .relative(0.05))
        #expect(table.tolerance(for: "gpu.gemm.throughput") == .relative(0.02))
    }
}

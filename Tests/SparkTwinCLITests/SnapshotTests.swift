import Foundation
import Testing
import TwinRun
import TwinScenario

/// Golden results: each scenario listed here has `Tests/Snapshots/<name>.txt` holding its
/// metrics as integers (seconds in ps, ratios in millionths, the rest in thousandths of the
/// unit), so any change to a model's output shows up as
/// a diff to review. `RECORD_SNAPSHOTS=1 swift test` rewrites them and fails on purpose.
@Suite struct SnapshotTests {
    static let scenarios = ["Scenarios/quickstart.yaml", "Scenarios/examples/random-read.yaml"]

    @Test(arguments: scenarios)
    func scenarioResultsMatchTheirSnapshot(path: String) throws {
        let scenario = try ScenarioLoader.load(path: packageRoot.appendingPathComponent(path).path)
        let outcome = ScenarioRunner.run(scenario)
        #expect(outcome.finished)
        var text = "# \(path): metric, integer value, unit of that integer\n"
        for metric in outcome.metrics {
            let (scale, unit) = switch metric.unit {
            case "s": (1e12, "ps")
            case "ratio": (1e6, "ppm")
            default: (1e3, "milli-\(metric.unit)")
            }
            text += "\(metric.name) \(Int64((metric.value * scale).rounded())) \(unit)\n"
        }
        text += "samples \(outcome.sampleTimesPs.count)\n"
        let snapshot = packageRoot.appendingPathComponent("Tests/Snapshots/\(scenario.name).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: snapshot, atomically: true, encoding: .utf8)
            Issue.record("recorded \(snapshot.lastPathComponent); run again without RECORD_SNAPSHOTS")
            return
        }
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(text == expected)
    }
}

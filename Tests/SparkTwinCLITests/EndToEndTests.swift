import Foundation
import Testing
import TwinResults
import TwinRun
import TwinScenario

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("sparktwin-\(UUID().uuidString)-\(name)").path
}

@Suite struct EndToEndTests {
    @Test func quickstartRunsIntoATemporaryDatabaseAndReadsBack() throws {
        let scenario = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path)
        let path = temporaryPath("e2e.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let outcome = ScenarioRunner.run(scenario)
        #expect(outcome.finished)
        #expect(outcome.expectationsPassed)
        try ScenarioRunner.store(outcome, in: ResultStore(path: path, access: .write(createFolder: true)))

        let store = try ResultStore(path: path, access: .read)
        let run = try store.run(outcome.record.id)
        #expect(run.status == "finished")
        #expect(run.scenarioName == "quickstart")
        #expect(run.scenarioHash == scenario.hash)
        #expect(run.seedValue == 42)
        #expect(run.events > 0)
        let metrics = try store.metrics(runId: run.id)
        #expect(metrics == outcome.metrics)
        let bandwidth = try #require(metrics.first { $0.name == "gpu.read.bandwidth" })
        #expect(bandwidth.unit == "GB/s")
        #expect(bandwidth.value > 150 && bandwidth.value < 273)
        let samples = try store.samples(runId: run.id)
        #expect(samples.count == outcome.sampleTimesPs.count * outcome.signals.count)
        #expect(Set(samples.map(\.signal)) == Set(outcome.signals.map(\.name)))
        #expect(try store.expectations(runId: run.id).allSatisfy(\.passed))
    }

    @Test func theSameScenarioAndSeedRunTwiceGiveIdenticalResults() throws {
        let scenario = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/examples/random-read.yaml").path,
                                               overrides: ["workload.0.bytes=4 MiB", "workload.2.bytes=4 MiB"])
        let a = ScenarioRunner.run(scenario)
        let b = ScenarioRunner.run(scenario)
        #expect(a.metrics.map { [$0.name, "\($0.value)", $0.unit] } == b.metrics.map { [$0.name, "\($0.value)", $0.unit] })
        #expect(a.sampleTimesPs == b.sampleTimesPs)
        #expect(a.signals == b.signals)
        #expect(a.record.events == b.record.events)
    }

    @Test func exhaustingTheEventBudgetRecordsAFailedRunWithoutMetrics() throws {
        let scenario = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path,
                                               overrides: ["run.eventBudget=5000"])
        let outcome = ScenarioRunner.run(scenario)
        #expect(!outcome.finished)
        #expect(outcome.record.status == "failed")
        #expect(outcome.record.statusMessage.contains("event budget of 5000 events exhausted"))
        #expect(outcome.metrics.isEmpty)
    }
}

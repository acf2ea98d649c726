import Foundation
import GRDB
import Testing
import TwinResults

@Suite struct ResultStoreTests {
    func record(id: String = "0123456789ab", status: String = "finished") -> RunRecord {
        RunRecord(id: id, scenarioName: "t", scenarioFile: "t.yaml", scenarioText: "name: t", scenarioHash: "h",
                  overrides: ["run.seed=3"], seed: .max, toolVersion: "test", startedAt: Date(timeIntervalSince1970: 0),
                  wallTimeS: 0.5, events: 10, simulatedPs: 1_000, status: status, statusMessage: "")
    }

    @Test func migrationsCreateTheSchema() throws {
        let store = try ResultStore()
        #expect(try store.appliedMigrations() == ["v1 runs, metrics, expectations, series", "v2 labels", "v3 unit costs", "v4 unit costs' activates"])
        #expect(try store.runs().isEmpty)
    }

    @Test func unitCostsAreKeptExactlyPerMachine() throws {
        let store = try ResultStore()
        // Values that a decimal round trip would change.
        let values: [Double] = (0..<13).map { (i: Int) -> Double in 1.0 / Double(i + 3) }
        let doubled: [Double] = values.map { $0 * 2 }, tripled: [Double] = values.map { $0 * 3 }, negated: [Double] = values.map { -$0 }
        try store.insertUnitCosts(machineKey: "m1", [("a", values), ("b", doubled)])
        // A signature already kept stays as it is.
        try store.insertUnitCosts(machineKey: "m1", [("a", tripled)])
        try store.insertUnitCosts(machineKey: "m2", [("a", negated)])
        let kept = try store.unitCosts(machineKey: "m1")
        #expect(kept.count == 2)
        #expect(kept["a"] == values)
        #expect(kept["b"] == doubled)
        #expect(try store.unitCosts(machineKey: "m2")["a"] == negated)
        #expect(try store.unitCosts(machineKey: "none").isEmpty)
    }

    @Test func labelsTravelWithTheirRun() throws {
        let store = try ResultStore()
        try store.insert(run: record(id: "aaaaaaaaaaaa"), metrics: [], expectations: [], sampleTimesPs: [], signals: [], labels: ["v1", "nightly"])
        try store.insert(run: record(id: "bbbbbbbbbbbb", status: "failed"), metrics: [], expectations: [], sampleTimesPs: [], signals: [], labels: ["v1"])
        #expect(try store.labels(runId: "aaaaaaaaaaaa") == ["nightly", "v1"])
        // Only finished runs count for comparisons and resumed sweeps.
        #expect(try store.runs(labelled: "v1").map(\.id) == ["aaaaaaaaaaaa"])
        #expect(try store.finishedScenarioHashes(label: "v1") == ["h"])
    }

    @Test func aRunReadsBackWithMetricsExpectationsAndSeries() throws {
        let store = try ResultStore()
        let run = record()
        try store.insert(run: run,
                         metrics: [MetricRecord(runId: run.id, name: "a", value: 1.5, unit: "GB/s"),
                                   MetricRecord(runId: run.id, name: "b", value: -2, unit: "ns")],
                         expectations: [ExpectationRecord(runId: run.id, metric: "a", target: 1.4, unit: "GB/s", tolerance: "±10 %", value: 1.5, passed: true)],
                         sampleTimesPs: [10, 20],
                         signals: [SignalData(name: "x", unit: "W", values: [1, 2]), SignalData(name: "y", unit: "C", values: [3, 4])])
        let stored = try store.run("0123")
        #expect(stored == run)
        #expect(stored.seedValue == .max)
        #expect(stored.overrides == #"["run.seed=3"]"#)
        #expect(try store.metrics(runId: run.id).map(\.name) == ["a", "b"])
        #expect(try store.expectations(runId: run.id).first?.passed == true)
        #expect(try store.samples(runId: run.id) == [
            SampleRow(signal: "x", unit: "W", timePs: 10, value: 1), SampleRow(signal: "y", unit: "C", timePs: 10, value: 3),
            SampleRow(signal: "x", unit: "W", timePs: 20, value: 2), SampleRow(signal: "y", unit: "C", timePs: 20, value: 4),
        ])
    }

    @Test func aFailedInsertLeavesNothingBehind() throws {
        let store = try ResultStore()
        let run = record()
        // Two metrics with one name violate UNIQUE (runId, name) after the run row is written.
        #expect(throws: (any Error).self) {
            try store.insert(run: run,
                             metrics: [MetricRecord(runId: run.id, name: "a", value: 1, unit: ""),
                                       MetricRecord(runId: run.id, name: "a", value: 2, unit: "")],
                             expectations: [], sampleTimesPs: [], signals: [])
        }
        #expect(try store.runs().isEmpty)
    }

    @Test func ambiguousAndUnknownRunIdsAreErrors() throws {
        let store = try ResultStore()
        for id in ["aaaa00000001", "aaaa00000002"] {
            try store.insert(run: record(id: id), metrics: [], expectations: [], sampleTimesPs: [], signals: [])
        }
        #expect(throws: ResultStoreError.self) { try store.run("aaaa") }
        #expect(throws: ResultStoreError.self) { try store.run("ffff") }
        #expect(try store.run("aaaa00000002").id == "aaaa00000002")
    }

    @Test func aDatabaseFromANewerToolIsLeftAlone() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newer-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ResultStore(path: path, access: .write())
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')") }
        try queue.close()
        #expect(throws: ResultStoreError.self) { try ResultStore(path: path, access: .write()) }
    }

    @Test func readingCommandsDoNotCreateADatabase() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).sqlite").path
        #expect(throws: ResultStoreError.self) { try ResultStore(path: path, access: .read) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

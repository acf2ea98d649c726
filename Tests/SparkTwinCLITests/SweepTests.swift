import Foundation
import Testing
import TwinResults
import TwinRun
import TwinScenario

/// Sweep expansion, errors, resume, shards and merge, on a base scenario that runs in
/// milliseconds.
@Suite(.serialized) struct SweepTests {
    /// A folder with a tiny base scenario and a 12-point sweep over it.
    func fixture() throws -> (folder: String, sweep: String) {
        let folder = temporaryPath("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try tinyScenarioText.write(toFile: folder + "/tiny.yaml", atomically: true, encoding: .utf8)
        try """
            sweep: tiny-grid
            scenario: tiny.yaml
            grid:
              machine.memory.tRCD: 15 ns..21 ns step 3 ns
              workload.0.pattern: [sequential, random]
            zip:
              run.seed: [1, 2]
            """.write(toFile: folder + "/sweep.yaml", atomically: true, encoding: .utf8)
        return (folder, folder + "/sweep.yaml")
    }

    /// (overrides, metric values) of every finished run of a database, sorted.
    func contents(_ db: String) throws -> [String] {
        let store = try ResultStore(path: db, access: .read)
        return try store.runs().filter { $0.status == "finished" }.map { run in
            let values = try store.metrics(runId: run.id).map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            return run.overrides + " " + values
        }.sorted()
    }

    @Test func gridZipAndRangesExpandInOrder() throws {
        let (_, path) = try fixture()
        let sweep = try SweepLoader.load(path: path)
        #expect(sweep.points.count == 12)
        #expect(sweep.points[0].overrides == ["machine.memory.tRCD=15 ns", "workload.0.pattern=sequential", "run.seed=1"])
        #expect(sweep.points[1].overrides == ["machine.memory.tRCD=15 ns", "workload.0.pattern=sequential", "run.seed=2"])
        #expect(sweep.points[11].overrides == ["machine.memory.tRCD=21 ns", "workload.0.pattern=random", "run.seed=2"])
        #expect(sweep.points(shard: 2, of: 5).map(\.index) == [1, 6, 11])
        #expect(try SweepLoader.range("0.5 GHz..1 GHz step 0.25 GHz").get() == ["0.5 GHz", "0.75 GHz", "1 GHz"])
    }

    @Test func badSweepFilesReportEveryErrorWithItsPosition() throws {
        let text = """
            sweep: bad
            scenario: missing.yaml
            grid:
              machine.power.pl1: 100 W..200 C step 20 W
              machine.thermal.ambient: 20 C
              pl1: [1]
            zip:
              run.seed: [1, 2]
              machine.gpu.smClock: [2 GHz]
            colour: red
            """
        #expect(throws: ScenarioError.self) { try SweepLoader.parse(text: text, file: "bad.yaml") }
        do { _ = try SweepLoader.parse(text: text, file: "bad.yaml") } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "bad.yaml:2:11: error: scenario: expected a readable scenario file, found \"missing.yaml\" (\(FileManager.default.currentDirectoryPath)/missing.yaml: cannot open the file: no such file or directory)",
                "bad.yaml:10:1: error: colour: unknown key; expected one of: grid, scenario, sweep, zip",
                "bad.yaml:4:22: error: grid.machine.power.pl1: expected one unit for the start, end and step of a range, found \"W\", \"C\" and \"W\"",
                "bad.yaml:5:28: error: grid.machine.thermal.ambient: expected a list of values or a range such as 100 W..200 W step 20 W, found \"20 C\"",
                "bad.yaml:6:3: error: grid.pl1: expected a scenario key path such as machine.power.pl1, found \"pl1\"",
                "bad.yaml:9:3: error: zip.machine.gpu.smClock: expected 2 values, as zip.run.seed has, found 1",
            ])
        }
    }

    @Test func aBadValueIsReportedOnceAtItsPlaceAndNothingRuns() throws {
        let (folder, _) = try fixture()
        try """
            sweep: partly-bad
            scenario: tiny.yaml
            grid:
              machine.memory.tRCD: [15 ns, 1 parsec, 18 ns]
              run.seed: [1, 2, 3, 4]
            """.write(toFile: folder + "/bad-point.yaml", atomically: true, encoding: .utf8)
        let check = try sparktwin(["check", folder + "/bad-point.yaml", folder + "/sweep.yaml"])
        #expect(check.status == 64)
        #expect(check.stderr == "\(folder)/bad-point.yaml:4:32: error: grid.machine.memory.tRCD: expected a time in one of min, ms, ns, ps, s, us, µs, found \"1 parsec\"\n")
        #expect(check.stdout.contains("sweep.yaml: ok (sweep tiny-grid, 12 points)"))
        let db = folder + "/bad.sqlite"
        let result = try sparktwin(["sweep", folder + "/bad-point.yaml", "--jobs", "2", "--db", db])
        #expect(result.status == 64)
        #expect(result.stderr.hasSuffix("1 error; nothing was run\n"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func aKilledSweepResumesWithoutRepeatingFinishedPoints() throws {
        let (folder, path) = try fixture()
        let db = folder + "/resume.sqlite"
        // Half the points finish, as if the sweep had been killed there.
        let first = try sparktwin(["sweep", path, "--shard", "1/2", "--jobs", "2", "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = try sparktwin(["sweep", path, "--jobs", "2", "--db", db])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("points=12 ran=6 skipped=6 failed=0"))
        let runs = try ResultStore(path: db, access: .read).runs()
        #expect(runs.count == 12)
        #expect(Set(runs.map(\.overrides)).count == 12)
        // A real kill: stop a sweep mid-way, then resume; every point is there once.
        let killedDB = folder + "/killed.sqlite"
        let binary = try #require(sparktwinBinary())
        let process = Process()
        process.executableURL = binary
        process.arguments = ["sweep", path, "--jobs", "1", "--db", killedDB]
        process.currentDirectoryURL = packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var finished = 0
        for _ in 0..<600 where finished < 3 {
            Thread.sleep(forTimeInterval: 0.05)
            finished = (try? ResultStore(path: killedDB, access: .read).runs().count) ?? 0
        }
        process.terminate()
        process.waitUntilExit()
        let again = try sparktwin(["sweep", path, "--jobs", "2", "--db", killedDB])
        #expect(again.status == 0, "\(again.stderr)")
        let all = try ResultStore(path: killedDB, access: .read).runs()
        #expect(all.count == 12)
        #expect(Set(all.map(\.overrides)).count == 12)
    }

    @Test func shardsMergeIntoTheUnshardedSweepAndMergeIsIdempotent() throws {
        let (folder, path) = try fixture()
        let whole = folder + "/whole.sqlite"
        #expect(try sparktwin(["sweep", path, "--jobs", "2", "--db", whole]).status == 0)
        var shards: [String] = []
        for i in 1...3 {
            let db = folder + "/shard\(i).sqlite"
            #expect(try sparktwin(["sweep", path, "--shard", "\(i)/3", "--jobs", "1", "--db", db]).status == 0)
            shards.append(db)
        }
        let merged = folder + "/merged.sqlite"
        let first = try sparktwin(["merge"] + shards + ["--into", merged])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 runs merged"))
        #expect(try contents(merged) == contents(whole))
        let second = try sparktwin(["merge"] + shards + ["--into", merged])
        #expect(second.stdout.components(separatedBy: "0 runs merged").count == 4)
        #expect(try ResultStore(path: merged, access: .read).runs().count == 12)
        // Not a SparkTwin database, or not a database at all: refused, nothing changes.
        let junk = folder + "/junk.sqlite"
        try "not a database".write(toFile: junk, atomically: true, encoding: .utf8)
        let refused = try sparktwin(["merge", junk, "--into", merged])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot open \(junk) as a SparkTwin database"))
        #expect(try String(contentsOfFile: junk, encoding: .utf8) == "not a database")
        #expect(try ResultStore(path: merged, access: .read).runs().count == 12)
        let store = try ResultStore(path: merged, access: .read)
        let sample = try #require(store.runs().first)
        #expect(try store.labels(runId: sample.id) == ["sweep:tiny-grid"])
        #expect(try !store.samples(runId: sample.id).isEmpty)
    }

    @Test func compareGatesOnRegressionsInEveryFormat() throws {
        let (folder, _) = try fixture()
        let db = folder + "/compare.sqlite"
        let base = folder + "/tiny.yaml"
        #expect(try sparktwin(["run", base, "--db", db, "--label", "old"]).status == 0)
        #expect(try sparktwin(["run", base, "--db", db, "--label", "same"]).status == 0)
        // Slower DRAM: a regression of the read bandwidth (and latency).
        #expect(try sparktwin(["run", base, "--db", db, "--label", "slow", "--set", "machine.memory.tRCD=40ns"]).status == 0)
        let same = try sparktwin(["compare", "--baseline", "old", "--candidate", "same", "--db", db])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(!same.stdout.contains("regressed"))
        let store = try ResultStore(path: db, access: .read)
        let ids = [try store.runs(labelled: "old")[0].id, try store.runs(labelled: "slow")[0].id]
        let slow = try sparktwin(["compare", ids[0], ids[1], "--db", db, "--format", "json", "--metric", "gpu.read"])
        #expect(slow.status == 1)
        #expect(slow.stderr.contains("scenarios differ") && slow.stderr.contains("machine.memory.tRCD: (none) → 40ns"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(slow.stdout.utf8)) as? [String: Any])
        let metrics = try #require((json["comparisons"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]])
        #expect(metrics.contains { $0["metric"] as? String == "gpu.read.latency.mean" && $0["verdict"] as? String == "regressed" })
        let loose = try sparktwin(["compare", ids[0], ids[1], "--db", db, "--format", "csv", "--metric", "gpu.read", "--tolerance", "1000 %"])
        #expect(loose.status == 0)
        #expect(loose.stdout.hasPrefix("scenario,metric,baseline,candidate,change,change %,unit,tolerance,verdict\n"))
    }
}

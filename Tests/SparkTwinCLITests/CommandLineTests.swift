import Foundation
import Testing
import TwinResults
import TwinScenario

/// The built `sparktwin` binary, if any.
func sparktwinBinary() -> URL? {
    [
        Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("sparktwin"),
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sparktwin"),
        packageRoot.appendingPathComponent(".build/debug/sparktwin"),
    ].compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs the built `sparktwin` binary (which `swift test` builds) and captures its output.
func sparktwin(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let (process, out, err) = try startSparktwin(arguments)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite(.serialized) struct CommandLineTests {
    @Test func badScenarioIsRejectedAndNothingIsWritten() throws {
        let db = temporaryPath("bad.sqlite")
        let result = try sparktwin(["run", "Tests/TwinScenarioTests/BadScenarios/missing.yaml", "--db", db])
        #expect(result.status == 64)
        #expect(result.stderr == """
            Tests/TwinScenarioTests/BadScenarios/missing.yaml:3:11: error: machine.preset: expected one of: dgx-spark, h100-sxm, found "dgx-sparkle"
            Tests/TwinScenarioTests/BadScenarios/missing.yaml:4:11: error: workload: expected at least one phase, found an empty list
            Tests/TwinScenarioTests/BadScenarios/missing.yaml:6:3: error: run.duration: missing required key; expected a time such as 10 ms
            3 errors; nothing was run

            """)
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func runThenListShowAndExport() throws {
        let db = temporaryPath("cli.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let run = try sparktwin(["run", "Scenarios/quickstart.yaml", "--db", db, "--seed", "3", "--set", "workload.0.bytes=8 MiB"])
        #expect(run.status == 0, "\(run.stderr)")
        let runs = try sparktwin(["runs", "--db", db])
        let id = String(try #require(runs.stdout.split(separator: " ").first))
        #expect(id.count == 12)
        #expect(runs.stdout.contains("finished  quickstart  seed=3"))
        let show = try sparktwin(["show", id, "--db", db])
        #expect(show.stdout.contains("overrides         [\"workload.0.bytes=8 MiB\",\"run.seed=3\"]"))
        #expect(show.stdout.contains("memory.refresh.overhead"))
        let series = try sparktwin(["export", id, "--series", "--db", db])
        let lines = series.stdout.split(separator: "\n")
        #expect(lines.first == "t_s,signal,value")
        #expect(lines.count > 10)
        #expect(lines[1].hasPrefix("1e-05,gpu.read.bandwidth,"))
        let metrics = try sparktwin(["export", id, "--metrics", "--format", "json", "--db", db])
        let parsed = try JSONSerialization.jsonObject(with: Data(metrics.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.contains { $0["name"] as? String == "gpu.read.bandwidth" } == true)
    }

    /// A run of two nodes: a summary row per node, both nodes' metrics and signals stored under
    /// their names, and `compare` and `report` showing both.
    @Test func twoNodesRunCompareAndReport() throws {
        let db = temporaryPath("nodes.sqlite"), out = temporaryPath("nodes-report")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            try? FileManager.default.removeItem(atPath: out)
        }
        let file = "Scenarios/examples/two-sparks.yaml"
        let small = ["--set", "nodes.0.workload.0.bytes=4 MiB", "--set", "nodes.1.workload.0.count=1"]
        let run = try sparktwin(["run", file, "--db", db, "--label", "base"] + small)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("two-sparks/spark1") && run.stdout.contains("two-sparks/spark2"))
        let capped = try sparktwin(["run", file, "--db", db, "--label", "slow"] + small + ["--set", "nodes.1.machine.gpu.smClock=1 GHz"])
        #expect(capped.status == 0, "\(capped.stderr)")
        let store = try ResultStore(path: db, access: .read)
        let ids = [try store.runs(labelled: "base")[0].id, try store.runs(labelled: "slow")[0].id]
        let metrics = try store.metrics(runId: ids[0]).map(\.name)
        #expect(metrics.contains("spark1.gpu.read.bandwidth") && metrics.contains("spark2.gpu.gemm.throughput"))
        #expect(!metrics.contains("gpu.read.bandwidth"))
        let signals = Set(try store.samples(runId: ids[0]).map(\.signal))
        #expect(signals.contains("spark1.clock.gpu") && signals.contains("spark2.power.package"))
        // The slower clock on spark2 is a regression of its GEMM; spark1 is unchanged.
        let compare = try sparktwin(["compare", ids[0], ids[1], "--db", db, "--format", "csv"])
        let lines = compare.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains(",spark2.gpu.gemm.throughput,") && $0.hasSuffix(",regressed") })
        #expect(lines.contains { $0.contains(",spark1.gpu.read.bandwidth,") && $0.hasSuffix(",same") })
        let report = try sparktwin(["report", ids[0], "--db", db, "--out", out])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(page.contains("spark1.gpu.read.bandwidth") && page.contains("spark2.gpu.gemm.throughput"))
    }

    /// Linked nodes from a scenario file: each send's bytes reach the peer's memory, and a
    /// slower line rate on one port is a regression of that node's send only.
    @Test func linkedNodesSendAndCompare() throws {
        let db = temporaryPath("linked.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let file = "Scenarios/examples/two-sparks-linked.yaml"
        let small = ["--set", "nodes.0.workload.0.together.0.count=1", "--set", "nodes.0.workload.0.together.1.bytes=4 MiB",
                     "--set", "nodes.1.workload.0.bytes=4 MiB"]
        let base = try sparktwin(["run", file, "--db", db, "--label", "base"] + small)
        #expect(base.status == 0, "\(base.stderr)")
        let slow = try sparktwin(["run", file, "--db", db, "--label", "slow"] + small + ["--set", "nodes.1.machine.nic.bandwidthPerDirection=10 GB/s"])
        #expect(slow.status == 0, "\(slow.stderr)")
        let store = try ResultStore(path: db, access: .read)
        let ids = [try store.runs(labelled: "base")[0].id, try store.runs(labelled: "slow")[0].id]
        let metrics = Dictionary(uniqueKeysWithValues: try store.metrics(runId: ids[0]).map { ($0.name, $0.value) })
        #expect(metrics["spark1.nic.tx.bytes"] == Double(4 << 20) && metrics["spark2.nic.tx.bytes"] == Double(4 << 20))
        #expect(metrics["spark1.memory.write.bytes"]! >= Double(4 << 20) && metrics["spark2.memory.write.bytes"]! >= Double(4 << 20))
        let compare = try sparktwin(["compare", ids[0], ids[1], "--db", db, "--format", "csv"])
        let lines = compare.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains(",spark2.nic.tx.bandwidth,") && $0.hasSuffix(",regressed") }, "\(compare.stdout)")
    }

    @Test func readingAMissingDatabaseIsAClearError() throws {
        let result = try sparktwin(["runs", "--db", "/nonexistent/x.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: no results database at /nonexistent/x.sqlite; run a scenario first\n")
    }

    @Test func describeListsEveryParameterWithItsSource() throws {
        let result = try sparktwin(["describe", "memory"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("machine.memory.tRCD"))
        #expect(result.stdout.contains("18 ns"))
        #expect(result.stdout.contains("LPDDR5X table"))
        #expect(try sparktwin(["describe", "flux"]).status == 1)
        // Another preset shows its own values and their sources.
        let h100 = try sparktwin(["describe", "memory.tRCD", "--preset", "h100-sxm"])
        #expect(h100.stdout.contains("14 ns") && h100.stdout.contains("HBM"))
        #expect(try sparktwin(["describe", "--preset", "b200"]).status == 1)
    }

    /// `describe signals` and `describe metrics` list what a run records, from the declarations,
    /// with the direction `compare` calls better.
    @Test func describeListsSignalsAndMetrics() throws {
        let signals = try sparktwin(["describe", "signals"])
        #expect(signals.status == 0)
        let signalLines = signals.stdout.split(separator: "\n")
        #expect(signalLines.contains { $0.hasPrefix("clock.cpu1 ") && $0.contains("cluster 1") })
        #expect(signalLines.contains { $0.hasPrefix("gpu.read.bandwidth ") && $0.contains("GB/s") })
        let metrics = try sparktwin(["describe", "metrics"])
        #expect(metrics.status == 0)
        let metricLines = metrics.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(metricLines.contains { $0.starts(with: ["gpu.read.bandwidth", "GB/s", "both", "higher"]) })
        #expect(metricLines.contains { $0.starts(with: ["gpu.read.latency.p99", "ns", "detailed", "lower"]) })
        #expect(metricLines.contains { $0.starts(with: ["traffic", "traffic.read.latency.p99", "ns", "lower"]) })
    }

    @Test func memoryBenchmarkPrintsRequestsPerSecondPerPattern() throws {
        let result = try sparktwin(["bench", "memory", "--requests", "20000"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("pattern=sequential requests=20000 ") && lines[2].hasPrefix("pattern=random "))
        #expect(lines[1].hasPrefix("requests_per_s=") && lines[3].hasPrefix("requests_per_s="))
    }

    @Test func holdBenchmarkEndsWithEventsPerSecond() throws {
        let result = try sparktwin(["bench", "hold", "--pending", "100", "--events", "10000"])
        #expect(result.status == 0)
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("events_per_s="))
        #expect(Double(last.dropFirst("events_per_s=".count)) ?? 0 > 0)
    }
}

@Suite(.serialized) struct ValidateCommandTests {
    @Test func fastCalibrationScenariosPass() throws {
        let files = ["gb10-c1-stream-read", "gb10-c5-chase-dram", "gb10-c5-chase-l3", "h100-h2d-pinned", "h100-d2h-pinned"]
        let result = try sparktwin(["validate"] + files.map { "Scenarios/calibration/\($0).yaml" })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").dropFirst().prefix(files.count)
        for (file, row) in zip(files, rows) {
            #expect(row.hasPrefix(file) && row.hasSuffix("ok"), "\(row)")
        }
    }

    @Test func parallelValidationGivesTheSameTable() throws {
        let files = ["Scenarios/calibration/gb10-c5-chase-l3.yaml", "Scenarios/calibration/h100-h2d-pinned.yaml",
                     "Tests/SparkTwinCLITests/Curves/tenfold.yaml", "Tests/SparkTwinCLITests/Curves/pinned-clock.yaml"]
        // Everything above the timing table: figures, values and every curve point, in file order.
        func table(jobs: Int) throws -> String {
            let result = try sparktwin(["validate", "--points", "--jobs", String(jobs)] + files)
            #expect(result.status == 1)  // the test curves fail on purpose
            return String(result.stdout.components(separatedBy: "\nfile ")[0])
        }
        let serial = try table(jobs: 1)
        #expect(serial.contains("m=512 n=512 k=512") && serial.contains("h100-h2d-pinned"))
        #expect(try table(jobs: 3) == serial)
    }

    @Test func validateProgressCountsEveryRun() throws {
        // One scenario and a curve of two points: three runs.
        let result = try sparktwin(["validate", "--progress", "Scenarios/calibration/gb10-c5-chase-l3.yaml",
                                    "Tests/SparkTwinCLITests/Curves/tenfold.yaml"])
        let updates = result.stderr.components(separatedBy: "\r")
        #expect(updates.last?.contains("] 3/3 done, 0 running, 0 failed") == true, "\(result.stderr)")
        #expect(!result.stdout.contains("\r"))
    }

    @Test func curveFarFromItsMeasurementFails() throws {
        let result = try sparktwin(["validate", "Tests/SparkTwinCLITests/Curves/tenfold.yaml", "--points"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("tenfold: gpu.gemm.throughput") && lines[1].hasSuffix("FAIL"))
        #expect(lines[1].contains("MAPE 9"))  // every point about -90 %
        #expect(lines.contains { $0.hasPrefix("m=512 n=512 k=512") })
        #expect(result.stderr.contains("outside tolerance"))
    }

    @Test func badCurveFileIsReportedWithItsPosition() throws {
        let result = try sparktwin(["validate", "Tests/SparkTwinCLITests/Curves/bad.yaml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("bad.yaml:4:9: error: metric: unknown metric \"gpu.gemm.throughputs\""))
        #expect(result.stderr.contains("points: expected at least two points, found 1"))
    }

    @Test func curveLevelSetAppliesToEveryPoint() throws {
        guard case .curve(let curve) = try CalibrationLoader.load(path: "Tests/SparkTwinCLITests/Curves/pinned-clock.yaml") else {
            Issue.record("pinned-clock.yaml did not load as a curve")
            return
        }
        #expect(curve.points.count == 2)
        for point in curve.points {
            #expect(point.scenario.machine.gpu.smClockHz == 1_000_000_000)
        }
        // Labels name what changes from point to point, not the shared conditions, and keep
        // values with dots of their own whole.
        #expect(curve.points.map(\.label) == ["m=256 n=256 k=256", "m=512 n=512 k=512 launchOverhead=2.5 us"])
    }

    @Test func badCurveLevelSetIsReportedOnceAtItsPosition() throws {
        let result = try sparktwin(["validate", "Tests/SparkTwinCLITests/Curves/bad-curve-set.yaml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("bad-curve-set.yaml:6:6: error: set: machine.gpu.smClocks: unknown parameter"))
        #expect(result.stderr.contains("1 error; nothing was run"))
    }
}

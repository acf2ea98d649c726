import Foundation
import GRDB
import Testing
import TwinCore
import TwinResults
import TwinRun
import TwinScenario

/// Starts the built `sparktwin` without waiting for it.
func startSparktwin(_ arguments: [String]) throws -> (process: Process, stdout: Pipe, stderr: Pipe) {
    let binary = try #require(sparktwinBinary(), "sparktwin binary not built")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    return (process, out, err)
}

/// SHA-256 of a file's bytes, to show a command left it as it was.
func digest(_ path: String) throws -> String {
    SHA256.digest(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).map { String(format: "%02x", $0) }.joined()
}

/// A scenario that runs in milliseconds.
let tinyScenarioText = """
    name: tiny
    machine:
      preset: dgx-spark
    workload:
      - kind: stream-read
        buffer: 1 MiB
        bytes: 64 KiB
    run:
      duration: 1 ms
      seed: 1
      samplePeriod: 100 us
    """

/// The tiny scenario in a fresh folder.
func tinyFolder() throws -> String {
    let folder = temporaryPath("robust-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try tinyScenarioText.write(toFile: folder + "/tiny.yaml", atomically: true, encoding: .utf8)
    return folder
}

/// Every finished run of a database is whole: its metrics and time series are there.
func expectFinishedRunsAreComplete(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let store = try ResultStore(path: db, access: .read)
    #expect(try store.integrityCheck() == "ok", sourceLocation: sourceLocation)
    for run in try store.runs() where run.status == "finished" {
        #expect(try !store.metrics(runId: run.id).isEmpty, "run \(run.id) is finished without metrics", sourceLocation: sourceLocation)
        #expect(try !store.samples(runId: run.id).isEmpty, "run \(run.id) is finished without series", sourceLocation: sourceLocation)
    }
}

@Suite(.serialized) struct SweepBoundsTests {
    @Test func aHugeGridIsRefusedWithItsProductBeforeAnythingIsBuilt() throws {
        let text = """
            sweep: huge
            scenario: Scenarios/quickstart.yaml
            grid:
              machine.power.pl1: 100 W..200 W step 1 W
              machine.thermal.ambient: 20 C..40 C step 0.1 C
              run.seed: 1..1000 step 1
            """
        do {
            _ = try SweepLoader.parse(text: text, file: packageRoot.path + "/huge.yaml")
            Issue.record("a 20-million-point sweep was accepted")
        } catch let error as ScenarioError {
            #expect(error.description == "\(packageRoot.path)/huge.yaml:4:3: error: grid: expected at most 100,000 points, found 20,301,000 (101 × 201 × 1000); split the sweep or use coarser steps")
        }
        // A range whose count does not fit an integer is refused too, not trapped on.
        #expect(SweepLoader.range("0..1e300 step 1e-300").isFailure)
    }

    @Test func eachProblemOfASweepIsReportedOnceAtItsPlace() throws {
        let folder = try tinyFolder()
        try """
            sweep: bad
            scenario: tiny.yaml
            grid:
              machine.memory.tRCDD: 15 ns..21 ns step 3 ns
              machine.memory.tRP: [15 ns, 1 parsec, 18 ns, 1 parsec]
              workload.0.bytez: [1, 2, 3, 4]
            zip:
              run.seed: [1, 2]
            """.write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        let check = try sparktwin(["check", folder + "/bad.yaml"])
        #expect(check.status == 64)
        #expect(check.stderr.split(separator: "\n").map(String.init) == [
            "\(folder)/bad.yaml:4:3: error: grid.machine.memory.tRCDD: unknown parameter (did you mean machine.memory.tRCD?); `sparktwin describe` lists them all",
            "\(folder)/bad.yaml:5:31: error: grid.machine.memory.tRP: expected a time in one of min, ms, ns, ps, s, us, µs, found \"1 parsec\"",
            "\(folder)/bad.yaml:6:3: error: grid.workload.0.bytez: unknown key (did you mean bytes?); expected one of: buffer, bytes, count, cpuCores, hostInterval, kind, launchOverhead, passOverhead, pattern",
        ])
        // `sweep` checks the whole file first and runs nothing.
        let db = folder + "/bad.sqlite"
        let sweep = try sparktwin(["sweep", folder + "/bad.yaml", "--db", db])
        #expect(sweep.status == 64)
        #expect(sweep.stderr.hasSuffix("3 errors; nothing was run\n"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func aPointThatFailsWhileRunningIsStoredAndTheOthersRun() throws {
        let folder = try tinyFolder()
        // One event is too few for any run: that point fails at run time, after the check.
        try """
            sweep: partly-bad
            scenario: tiny.yaml
            grid:
              run.eventBudget: [100000000, 1, 200000000]
            """.write(toFile: folder + "/budget.yaml", atomically: true, encoding: .utf8)
        let db = folder + "/budget.sqlite"
        let result = try sparktwin(["sweep", folder + "/budget.yaml", "--jobs", "2", "--db", db])
        #expect(result.status == 1)
        #expect(result.stdout.contains("points=3 ran=2 skipped=0 failed=1"))
        #expect(result.stderr.contains("error: point 1 (run.eventBudget=1) failed: event budget of 1 events exhausted"))
        #expect(try ResultStore(path: db, access: .read).runs().map(\.status).sorted() == ["failed", "finished", "finished"])
    }
}

@Suite(.serialized) struct ResultsDatabaseTests {
    static let fixtures = packageRoot.appendingPathComponent("Tests/SparkTwinCLITests/SchemaFixtures").path

    /// A database made in a fresh folder from a fixture's SQL dump (`schema-v1.sql`, dumped
    /// from a database of that schema version), in WAL mode as the tool writes them.
    func copy(_ name: String) throws -> String {
        let folder = temporaryPath("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        let dump = try String(contentsOfFile: Self.fixtures + "/" + name.replacingOccurrences(of: ".sqlite", with: ".sql"), encoding: .utf8)
        let queue = try DatabaseQueue(path: path)
        // The dump's own BEGIN and COMMIT lines give way to GRDB's transaction.
        let statements = dump.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0 != "BEGIN TRANSACTION;" && $0 != "COMMIT;" }.joined(separator: "\n")
        // The dump creates tables alphabetically, children before the runs they refer to.
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.inTransaction { try db.execute(sql: statements); return .commit }
        }
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        return path
    }

    @Test func readCommandsNeverWriteAndSayWhenADatabaseNeedsMigrating() throws {
        let old = try copy("schema-v1.sqlite")
        let before = try digest(old)
        for command in [["runs"], ["compare", "--baseline", "a", "--candidate", "b"], ["report", "--sweep", "x", "--out", old + "-report"]] {
            let result = try sparktwin(command + ["--db", old])
            #expect(result.status != 0)
            #expect(result.stderr.contains("was written by an older sparktwin and needs migrating"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("sparktwin migrate --db \(old)"))
        }
        #expect(try digest(old) == before)
        let migrate = try sparktwin(["migrate", "--db", old])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("migrated; its schema now has v1 runs, metrics, expectations, series, v2 labels, v3 unit costs, v4 unit costs' activates"))
        let runs = try sparktwin(["runs", "--db", old])
        #expect(runs.status == 0)
        #expect(runs.stdout.split(separator: "\n").count == 2)
        #expect(try sparktwin(["migrate", "--db", old]).stdout.contains("already at the current schema"))
    }

    @Test func everyEarlierSchemaOpensAndTheCurrentOneReadsWithoutChange() throws {
        for name in ["schema-v1.sqlite", "schema-v2.sqlite", "schema-v3.sqlite", "schema-v4.sqlite"] {
            let path = try copy(name)
            let store = try ResultStore(path: path, access: .write())
            #expect(try store.pendingMigrations().isEmpty)
            #expect(try store.runs().count == 2, "\(name)")
            #expect(try store.integrityCheck() == "ok")
        }
        let current = try copy("schema-v4.sqlite")
        let before = try digest(current)
        let id = try #require(try ResultStore(path: current, access: .read).runs().first?.id)
        for command in [["runs"], ["show", id], ["export", id, "--series"]] {
            #expect(try sparktwin(command + ["--db", current]).status == 0)
        }
        #expect(try digest(current) == before)
    }

    @Test func aDatabaseFromANewerVersionIsRefusedAndLeftByteForByte() throws {
        let newer = try copy("schema-newer.sqlite")
        let before = try digest(newer)
        let folder = try tinyFolder()
        for command in [["runs"], ["migrate"], ["run", folder + "/tiny.yaml"]] {
            let result = try sparktwin(command + ["--db", newer])
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains("was written by a newer sparktwin"), "\(command): \(result.stderr)")
        }
        #expect(try digest(newer) == before)
    }

    @Test func aMissingFolderInAGivenPathIsAnError() throws {
        let folder = try tinyFolder()
        let db = folder + "/typo/results.sqlite"
        let result = try sparktwin(["run", folder + "/tiny.yaml", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: no folder \(folder)/typo for results database \(db); create it first"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/typo"))
    }

    @Test func anotherUsersDatabaseCanBeRead() throws {
        // Needs a user to switch to: root (as in CI containers) with runuser.
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
        let folder = try tinyFolder()
        chmod(folder, 0o755)
        let db = folder + "/archive.sqlite"
        #expect(try sparktwin(["run", folder + "/tiny.yaml", "--db", db]).status == 0)
        chmod(db, 0o644)
        let before = try digest(db)
        // A copy the other user can reach: the build folder may sit in a private one.
        let binary = folder + "/sparktwin"
        try FileManager.default.copyItem(atPath: try #require(sparktwinBinary()).path, toPath: binary)
        chmod(binary, 0o755)
        let id = try #require(try ResultStore(path: db, access: .read).runs().first?.id)
        for command in [["runs"], ["show", id], ["export", id, "--series", "--format", "json"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "nobody", "--", binary] + command + ["--db", db]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(command): \(stderr)")
        }
        #expect(try digest(db) == before)
    }
}

@Suite(.serialized) struct KillAndConcurrencyTests {
    @Test func killedRunsAndSweepsLeaveAWholeDatabaseAndResume() throws {
        let folder = try tinyFolder()
        let db = folder + "/killed.sqlite"
        var random = RandomStream(seed: 17, streamID: 1)
        func delay() -> Double { 0.05 + Double(random.next() % 1_000) / 1_000 * 1.2 }
        // Runs of the quickstart, a third of a second each, killed at random moments.
        for _ in 0..<3 {
            let started = try startSparktwin(["run", "Scenarios/quickstart.yaml", "Scenarios/quickstart.yaml", "Scenarios/quickstart.yaml", "--db", db])
            Thread.sleep(forTimeInterval: delay())
            kill(started.process.processIdentifier, SIGKILL)
            started.process.waitUntilExit()
            if FileManager.default.fileExists(atPath: db) { try expectFinishedRunsAreComplete(db) }
        }
        // A sweep killed again and again, then finished: each point once.
        try """
            sweep: kill-me
            scenario: tiny.yaml
            grid:
              machine.memory.tRCD: 15 ns..26 ns step 1 ns
              workload.0.bytes: [256 KiB, 1 MiB]
            """.write(toFile: folder + "/kill.yaml", atomically: true, encoding: .utf8)
        for _ in 0..<3 {
            let started = try startSparktwin(["sweep", folder + "/kill.yaml", "--jobs", "2", "--db", db])
            Thread.sleep(forTimeInterval: delay())
            kill(started.process.processIdentifier, SIGKILL)
            started.process.waitUntilExit()
            try expectFinishedRunsAreComplete(db)
        }
        let finish = try sparktwin(["sweep", folder + "/kill.yaml", "--jobs", "2", "--db", db])
        #expect(finish.status == 0, "\(finish.stderr)")
        try expectFinishedRunsAreComplete(db)
        let store = try ResultStore(path: db, access: .read)
        let points = try store.runs(labelled: "sweep:kill-me")
        #expect(points.count == 24)
        #expect(Set(points.map(\.overrides)).count == 24)
    }

    @Test func writersAndReadersShareOneDatabaseWithoutLosingRuns() throws {
        let folder = try tinyFolder()
        let db = folder + "/shared.sqlite"
        // Four writers start together on a database none of them has created yet.
        let writers = try (0..<4).map { _ in
            try startSparktwin(["run", folder + "/tiny.yaml", folder + "/tiny.yaml", folder + "/tiny.yaml", "--db", db])
        }
        var readerErrors: [String] = []
        var readers = 0
        while writers.contains(where: { $0.process.isRunning }) || readers < 4 {
            let reader = try startSparktwin(["runs", "--db", db])
            let stderr = String(decoding: reader.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            reader.process.waitUntilExit()
            // Before the first writer has created the file, "no results database" is right.
            if reader.process.terminationStatus != 0 && !stderr.contains("no results database") { readerErrors.append(stderr) }
            readers += 1
        }
        for writer in writers {
            let stderr = String(decoding: writer.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            writer.process.waitUntilExit()
            #expect(writer.process.terminationStatus == 0, "\(stderr)")
            #expect(!stderr.contains("locked"))
        }
        #expect(readerErrors.isEmpty, "\(readerErrors)")
        #expect(try ResultStore(path: db, access: .read).runs().count == 12)
        try expectFinishedRunsAreComplete(db)
    }

    @Test func ctrlCStopsARunAndASweepAndStoresNothingHalfDone() throws {
        let folder = try tinyFolder()
        let db = folder + "/interrupted.sqlite"
        let run = try startSparktwin(["run", "Scenarios/examples/cpu-steals-bandwidth.yaml", "--db", db])
        Thread.sleep(forTimeInterval: 1.5)
        run.process.interrupt()
        let runErr = String(decoding: run.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 130, "\(runErr)")
        #expect(runErr.contains("interrupted: Scenarios/examples/cpu-steals-bandwidth.yaml was not finished and nothing of it was stored"))
        #expect(try ResultStore(path: db, access: .read).runs().isEmpty)

        try """
            sweep: stop-me
            scenario: \(packageRoot.path)/Scenarios/quickstart.yaml
            grid:
              run.seed: 1..8 step 1
            """.write(toFile: folder + "/stop.yaml", atomically: true, encoding: .utf8)
        let sweep = try startSparktwin(["sweep", folder + "/stop.yaml", "--jobs", "1", "--db", db])
        Thread.sleep(forTimeInterval: 1.2)
        sweep.process.interrupt()
        let sweepErr = String(decoding: sweep.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sweep.process.waitUntilExit()
        #expect(sweep.process.terminationStatus == 130, "\(sweepErr)")
        #expect(sweepErr.contains("not run and nothing of them stored"))
        try expectFinishedRunsAreComplete(db)
        let kept = try ResultStore(path: db, access: .read).runs()
        #expect(kept.count < 8 && kept.allSatisfy { $0.status == "finished" })
        #expect(try sparktwin(["sweep", folder + "/stop.yaml", "--jobs", "2", "--db", db]).status == 0)
        #expect(try ResultStore(path: db, access: .read).runs(labelled: "sweep:stop-me").count == 8)
    }
}

@Suite struct DeterminismTests {
    @Test func theSameScenarioAndSeedGiveTheSameBytesAcrossRunsAndJobs() throws {
        let folder = try tinyFolder()
        let db = folder + "/same.sqlite"
        for _ in 0..<2 { #expect(try sparktwin(["run", "Scenarios/quickstart.yaml", "--db", db]).status == 0) }
        let ids = try ResultStore(path: db, access: .read).runs().map(\.id)
        #expect(ids.count == 2)
        let exports = try ids.map { id in
            try sparktwin(["export", id, "--metrics", "--db", db]).stdout + sparktwin(["export", id, "--series", "--db", db]).stdout
        }
        #expect(exports[0] == exports[1])
        #expect(exports[0].count > 10_000)
        try """
            sweep: jobs
            scenario: tiny.yaml
            grid:
              machine.memory.tRCD: 15 ns..20 ns step 1 ns
              workload.0.pattern: [sequential, random]
            """.write(toFile: folder + "/jobs.yaml", atomically: true, encoding: .utf8)
        var contents: [[String]] = []
        for jobs in ["1", "2"] {
            let jobsDB = folder + "/jobs-\(jobs).sqlite"
            #expect(try sparktwin(["sweep", folder + "/jobs.yaml", "--jobs", jobs, "--db", jobsDB]).status == 0)
            let store = try ResultStore(path: jobsDB, access: .read)
            contents.append(try store.runs().map { run in
                let metrics = try store.metrics(runId: run.id).map { "\($0.name)=\($0.value.bitPattern)" }
                let samples = try store.samples(runId: run.id).map { "\($0.signal)@\($0.timePs)=\($0.value.bitPattern)" }
                return run.overrides + " " + (metrics + samples).joined(separator: ",")
            }.sorted())
        }
        #expect(contents[0] == contents[1])
    }
}

@Suite struct FuzzTests {
    static let cases = packageRoot.appendingPathComponent("Tests/SparkTwinCLITests/FuzzCases").path

    @Test func mutantsOfEveryInputFileAreValidOrPositionedErrors() throws {
        let keep = temporaryPath("fuzz")
        let result = try sparktwin(["fuzz", "--count", "400", "--seed", "2026", "--keep", keep])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(", 0 without;"), "\(result.stdout)")
        #expect(result.stdout.contains("400 inputs from \(InputMutator.seeds(under: packageRoot.path + "/Scenarios").count) files"))
    }

    @Test func keptRegressionCasesStayPositioned() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.cases).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 20)
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.cases + "/" + name)))
            // The first line names the seed file the case is read as.
            let newline = try #require(bytes.firstIndex(of: 0x0A))
            let header = String(decoding: bytes[..<newline], as: UTF8.self)
            let seed = try #require(header.split(separator: " ").dropFirst(2).first.map(String.init), "\(name): \(header)")
            let problems = InputCheck.problems(bytes: Array(bytes[(newline + 1)...]), file: packageRoot.path + "/" + seed)
            #expect(InputOracle.unpositioned(problems).isEmpty, "\(name): \(problems)")
        }
    }

    @Test func calibrationMeasurementsMustBeAboveZero() throws {
        let text = """
            curve: zero
            source: test data
            scenario: base/small-gemm.yaml
            metric: gpu.gemm.throughput
            tolerance: 10 %
            points:
              - set: {workload.0.m: 256}
                measured: 0 TFLOPS
              - set: {workload.0.m: 512}
                measured: -3 TFLOPS
            """
        let file = packageRoot.path + "/Tests/SparkTwinCLITests/Curves/zero.yaml"
        let problems = InputCheck.problems(text: text, file: file).map(\.description)
        #expect(problems == [
            "\(file):8:15: error: points.0.measured: expected a measured value above zero, found \"0 TFLOPS\"",
            "\(file):10:15: error: points.1.measured: expected a measured value above zero, found \"-3 TFLOPS\"",
        ])
    }

    @Test func aNegativeSeedIsAValueToReject() throws {
        let result = try sparktwin(["run", "Scenarios/quickstart.yaml", "--seed", "-1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--seed: expected a whole number from 0 to 18446744073709551615, found \"-1\""))
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}

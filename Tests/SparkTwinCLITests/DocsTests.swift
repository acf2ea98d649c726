import Foundation
import Testing

/// The README's quickstart output and the flags of every command it shows agree with the tool
/// (`tools/docs.py check --quick`); the studies table is checked by the full command.
@Suite(.serialized) struct DocsTests {
    @Test func readmeAgreesWithTheTool() throws {
        let binary = try #require(sparktwinBinary(), "sparktwin binary not built")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            Issue.record("python3 is needed to check the README")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["tools/docs.py", "check", "--quick", "--binary", binary.path]
        process.currentDirectoryURL = packageRoot
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
    }
}

/// `delete` removes runs and all they stored, and asks before deleting several.
@Suite(.serialized) struct DeleteTests {
    @Test func deleteRemovesARunAndRefusesManyWithoutConfirmation() throws {
        let db = temporaryPath("delete.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        for seed in ["1", "2", "3"] {
            let run = try sparktwin(["run", "Scenarios/quickstart.yaml", "--db", db, "--seed", seed, "--set", "workload.0.bytes=8 MiB"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let ids = try sparktwin(["runs", "--db", db]).stdout.split(separator: "\n").map { String($0.prefix(12)) }
        #expect(ids.count == 3)
        let many = try sparktwin(["delete", ids[0], ids[1], "--db", db])
        #expect(many.status != 0)
        #expect(many.stderr.contains("needs --yes"))
        let one = try sparktwin(["delete", ids[0], "--db", db])
        #expect(one.status == 0)
        #expect(one.stdout == "deleted 1 run\n")
        let both = try sparktwin(["delete", ids[1], ids[2], "--yes", "--db", db])
        #expect(both.stdout == "deleted 2 runs\n")
        #expect(try sparktwin(["runs", "--db", db]).stdout.isEmpty)
        let gone = try sparktwin(["show", ids[1], "--db", db])
        #expect(gone.status != 0)
    }
}

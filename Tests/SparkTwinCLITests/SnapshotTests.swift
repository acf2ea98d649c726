import Foundation
import Testing
import TwinRun
import TwinScenario

/// Golden results: every run the files of `Scenarios/` describe has its metrics, to the last
/// bit, and the digest of its series in `Tests/Snapshots/scenarios/`. The suite runs the
/// quick ones; `sparktwin snapshot` (release build, minutes) runs them all, and
/// `sparktwin snapshot --record` rewrites them after a change meant to move values.
@Suite struct SnapshotTests {
    static let scenariosFolder = packageRoot.appendingPathComponent("Scenarios").path
    static let snapshotsFolder = packageRoot.appendingPathComponent("Tests/Snapshots/scenarios").path

    /// Input files whose runs take well under a second each in a release build.
    static let quickFiles = [
        "quickstart.yaml", "examples/random-read.yaml", "calibration/gb10-c1-stream-read.yaml",
        "calibration/gb10-c5-chase-l3.yaml", "calibration/gb10-c5-chase-dram.yaml", "calibration/h100-h2d-pinned.yaml",
        "calibration/h100-gpu-chase-latency.yaml", "examples/memory-load.yaml", "examples/spark-to-spark.yaml",
    ]

    @Test func everyInputFileHasASnapshotWithASectionPerRun() throws {
        let cases = try ScenarioSnapshots.cases(in: Self.scenariosFolder)
        #expect(cases.count > 100)
        for (file, runs) in Dictionary(grouping: cases, by: \.file) {
            let path = ScenarioSnapshots.snapshotPath(of: file, in: Self.snapshotsFolder)
            let text = try? String(contentsOfFile: path, encoding: .utf8)
            #expect(text != nil, "no snapshot for \(file): run `sparktwin snapshot --record --only \(file)`")
            let sections = text?.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) } ?? []
            #expect(sections == runs.map(\.point).filter { !$0.isEmpty }, "\(file): its snapshot's points are not the file's")
        }
    }

    @Test(arguments: quickFiles)
    func runsMatchTheirSnapshotToTheLastBit(file: String) throws {
        let cases = try ScenarioSnapshots.cases(in: Self.scenariosFolder).filter { $0.file == file }
        #expect(!cases.isEmpty)
        let outcomes = ScenarioSnapshots.run(cases, jobs: 1)
        for (_, text) in ScenarioSnapshots.texts(cases, outcomes) {
            let expected = try String(contentsOfFile: ScenarioSnapshots.snapshotPath(of: file, in: Self.snapshotsFolder), encoding: .utf8)
            let moved = ScenarioSnapshots.differences(expected: expected, actual: text)
            #expect(moved.isEmpty, "\(file): \(moved.prefix(10).joined(separator: "; "))")
        }
    }

    @Test func differencesNameTheValuesThatMoved() {
        let old = "# f\n## a=1\nx 1.0 s\ny 2.0 B\n## a=2\nx 3.0 s\n"
        let new = "# f\n## a=1\nx 1.0 s\ny 2.5 B\n## a=2\nz 4.0 s\n"
        #expect(ScenarioSnapshots.differences(expected: old, actual: new) == [
            "a=1: y 2.0 B → 2.5 B", "a=2: z (new) 4.0 s", "a=2: x 3.0 s (gone)",
        ])
        #expect(ScenarioSnapshots.differences(expected: old, actual: old).isEmpty)
    }
}

import Foundation
import Testing
import TwinScenario

/// Golden error text for bad scenarios: each `BadScenarios/x.yaml` has `x.expected` beside it.
/// `RECORD_SNAPSHOTS=1 swift test` rewrites the expected files and fails on purpose.
@Suite struct ScenarioErrorTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadScenarios")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test func thereAreGoldenCases() {
        #expect(Self.cases.count >= 7)
    }

    @Test(arguments: cases)
    func badScenarioReportsEveryErrorWithItsPosition(name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var actual = ""
        do {
            _ = try ScenarioLoader.parse(text: text, file: "BadScenarios/\(name)")
            Issue.record("\(name) was accepted")
        } catch let error as ScenarioError {
            actual = error.description + "\n"
        }
        let expectedURL = url.deletingPathExtension().appendingPathExtension("expected")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedURL.lastPathComponent); run again without RECORD_SNAPSHOTS")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected)
    }
}

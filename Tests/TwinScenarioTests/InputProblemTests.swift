import Foundation
import Testing
import TwinScenario

/// Input problems outside a scenario's keys — the file itself, its bytes, YAML the reader
/// refuses — and the smaller checks of values, each said in the tool's words at a position.
@Suite struct InputProblemTests {
    func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func problems(loading path: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(path: path)
            return []
        } catch let error as ScenarioError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    func problems(parsing text: String, overrides: [String] = []) -> [String] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: "s.yaml", overrides: overrides)
            return []
        } catch let error as ScenarioError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static let scenario = """
        name: x
        machine:
          preset: dgx-spark
        workload:
          - kind: stream-read
            buffer: 1 GiB
            bytes: 1 MiB
        run:
          duration: 1 ms

        """

    @Test func filesThatAreNotYAMLTextSayWhatTheyAre() throws {
        let folder = FileManager.default.temporaryDirectory.path
        #expect(problems(loading: folder) == ["\(folder): error: expected a YAML file, found a folder"])
        #expect(problems(loading: "/dev/null") == ["/dev/null: error: expected a YAML file, found a character device"])
        #expect(problems(loading: "/no/such.yaml") == ["/no/such.yaml: error: cannot open the file: no such file or directory"])
        let latin1 = try temporaryFile("latin1.yaml", Array("name: x\nmachine:\n  preset: caf".utf8) + [0xE9, 0x0A])
        #expect(problems(loading: latin1) == ["\(latin1):3:14: error: expected UTF-8 text, found the byte 0xE9; save the file as UTF-8"])
        let large = try temporaryFile("large.yaml", [])
        try FileHandle(forWritingAtPath: large)!.truncate(atOffset: 17 << 20)
        #expect(problems(loading: large) == ["\(large): error: expected a file of at most 16,777,216 bytes, found 17,825,792"])
    }

    @Test func yamlTheReaderRefusesIsAPositionedError() {
        #expect(problems(parsing: "name: a\u{01}b\n") == ["s.yaml:1:8: error: expected printable text, found the control character U+0001"])
        let deep = "a: " + String(repeating: "[", count: 1_500) + String(repeating: "]", count: 1_500) + "\n"
        #expect(problems(parsing: deep) == ["s.yaml:1:5: error: expected at most 1,000 levels of nested lists and mappings, found more"])
        // Just inside the limit, the nesting is the scenario's problem, not the reader's.
        let inside = "name: " + String(repeating: "[", count: 999) + String(repeating: "]", count: 999) + "\n"
        #expect(problems(parsing: inside).first?.hasPrefix("s.yaml:1:7: error: name: expected a string") == true)
    }

    @Test func unknownKeysSuggestTheNearestKnownOne() {
        let text = Self.scenario.replacingOccurrences(of: "  duration: 1 ms", with: "  durration: 1 ms")
        #expect(problems(parsing: text).contains("s.yaml:9:3: error: run.durration: unknown key (did you mean duration?); expected one of: duration, eventBudget, mode, samplePeriod, seed"))
        // Far from every key, no guess.
        let far = Self.scenario + "colour: red\n"
        #expect(problems(parsing: far).contains { $0.hasPrefix("s.yaml:10:1: error: colour: unknown key; expected one of:") })
    }

    @Test func theSampleLimitCountsWholePeriods() {
        let exactly = Self.scenario.replacingOccurrences(of: "duration: 1 ms", with: "duration: 10 s\n  samplePeriod: 1 us")
        #expect(problems(parsing: exactly) == [])
        let over = Self.scenario.replacingOccurrences(of: "duration: 1 ms", with: "duration: 10 s\n  samplePeriod: 999 ns")
        #expect(problems(parsing: over) == ["s.yaml:10:17: error: run.samplePeriod: expected at most 10,000,000 samples per run, found 10,010,010; lengthen the period"])
    }

    @Test func expectationTargetsMustMakeSenseForTheirTolerance() {
        let negative = Self.scenario + "expect:\n  - {metric: gpu.read.bandwidth, target: -5 GB/s, tolerance: 1 GB/s}\n"
        #expect(problems(parsing: negative) == ["s.yaml:11:42: error: expect.0.target: expected a target of zero or more, found \"-5 GB/s\""])
        let zeroRelative = Self.scenario + "expect:\n  - {metric: throttle.first, target: 0 s, tolerance: 5 %}\n"
        #expect(problems(parsing: zeroRelative) == ["s.yaml:11:54: error: expect.0.tolerance: expected an absolute tolerance such as 0.5 s for a target of zero (a relative one allows only 0 itself), found \"5 %\""])
        let zeroAbsolute = Self.scenario + "expect:\n  - {metric: throttle.first, target: 0 s, tolerance: 1 ms}\n"
        #expect(problems(parsing: zeroAbsolute) == [])
    }

    @Test func siSizesThatLookBinaryAreNoted() throws {
        let text = Self.scenario.replacingOccurrences(of: "bytes: 1 MiB", with: "bytes: 64 MB")
        let scenario = try ScenarioLoader.parse(text: text, file: "s.yaml")
        #expect(scenario.warnings.map(\.description) == ["s.yaml:7:12: warning: workload.0.bytes: 64 MB is 64,000,000 B (SI units are powers of 1000); 64 MiB is 67,108,864 B"])
        let plain = try ScenarioLoader.parse(text: Self.scenario.replacingOccurrences(of: "bytes: 1 MiB", with: "bytes: 60 MB"), file: "s.yaml")
        #expect(plain.warnings.isEmpty)
    }

    @Test func inputKindsAreToldByTheirTopLevelKeys() {
        #expect(InputKind(text: Self.scenario) == .scenario)
        #expect(InputKind(text: "sweep: a\nscenario: b.yaml\n") == .sweep)
        #expect(InputKind(text: "# c\ncurve: a\n") == .curve)
        #expect(InputKind(text: "default: 1 %\nmetrics:\n  temp.*: 1\n") == .tolerances)
        #expect(InputKind(text: "metrics: x\nmachine: y\n") == .scenario)
    }
}

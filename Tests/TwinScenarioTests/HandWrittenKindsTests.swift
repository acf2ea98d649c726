import Testing
import TwinModels
import TwinScenario

/// The loader reads the hand-written kinds' numbers by their declarations (`HandWrittenKinds`).
struct HandWrittenKindsTests {
    /// A phase of each kind with its required keys, which loads.
    static let minimal: [String: String] = [
        "stream-read": "kind: stream-read, buffer: 1 MiB, bytes: 1 MiB",
        "stream-copy": "kind: stream-copy, buffer: 1 MiB, bytes: 1 MiB",
        "gemm": "kind: gemm, m: 256, n: 256, k: 256, precision: bf16",
        "copy": "kind: copy, direction: h2d, bytes: 1 MiB",
        "cpu-chase": "kind: cpu-chase, core: x925, buffer: 1 MiB, steps: 10",
        "cpu": "kind: cpu, threads: [{core: x925, program: [compute: 10]}]",
        "idle": "kind: idle, duration: 1 us",
    ]

    func load(_ phase: String) -> String {
        loadErrors("name: t\nmachine: {preset: dgx-spark}\nworkload:\n  - {\(phase)}\nrun: {duration: 1 ms}\n", file: "t.yaml")
    }

    @Test func everyKindIsDeclaredAndItsMinimalPhaseLoads() {
        #expect(Set(HandWrittenKinds.all.map(\.name)) == Set(Self.minimal.keys))
        for (kind, phase) in Self.minimal { #expect(load(phase).isEmpty, "\(kind): \(load(phase))") }
    }

    @Test func aNumberBelowItsDeclaredRangeIsRejectedWithThatRange() {
        for kind in HandWrittenKinds.all {
            for key in kind.keys where key.choices == nil && key.shownUnit == nil && [.count, .time].contains(key.unit) && key.range.lowerBound > 0 {
                // Replace the key if the minimal phase has it, else add it.
                var parts = Self.minimal[kind.name]!.components(separatedBy: ", ").filter { !$0.hasPrefix("\(key.name):") }
                parts.append("\(key.name): \(key.unit == .time ? "0 s" : "0")")
                let errors = load(parts.joined(separator: ", "))
                #expect(errors.contains("workload.0.\(key.name): expected a value from \(key.shown(key.range.lowerBound))"), "\(kind.name).\(key.name): \(errors)")
            }
        }
    }
}

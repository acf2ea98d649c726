import Testing
import TwinModels

/// Every declared parameter reaches the model: changing it changes the machine's configuration
/// (or the GEMM defaults the loader reads from it). A parameter that is declared, documented and
/// read by nothing fails here, and is either wired in or removed.
@Suite struct ParameterEffectTests {
    /// Values to try in place of `value`, inside the spec's range: a doubling, a halving, the
    /// range's ends, each rounded when the parameter is whole.
    static func perturbations(of value: Double, _ spec: ParameterSpec) -> [Double] {
        [value * 2, value / 2, value + 1, spec.maximum, spec.minimum]
            .map { spec.integral ? $0.rounded() : $0 }
            .filter { $0 != value && $0 >= spec.minimum && $0 <= spec.maximum }
    }

    static func changes(_ spec: ParameterSpec, in base: ParameterValues) -> Bool {
        let config = MachineConfig(base), gemm = GEMMPhase.defaults(on: base)
        return perturbations(of: base[spec.path], spec).contains { value in
            var changed = base
            changed.set(spec.path, value)
            return MachineConfig(changed) != config || GEMMPhase.defaults(on: changed) != gemm
        }
    }

    @Test func everyDeclaredParameterChangesTheMachine() {
        let unread = MachineParameters.all.filter { spec in
            !MachineParameters.presetNames.contains { Self.changes(spec, in: MachineParameters.values(preset: $0)!) }
        }.map(\.path)
        #expect(unread.isEmpty, "declared but read by nothing: \(unread)")
    }

    /// The check itself can fail: a parameter the configuration does not hold is found.
    @Test func anUndeclaredValueIsNotMistakenForARead() {
        let spec = ParameterSpec("test.unused", .count, default: 1, unit: "", range: 0...10, integral: true,
                                 source: "test", "Read by nothing.")
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set(spec.path, 1)
        #expect(!Self.changes(spec, in: values))
        #expect(Self.changes(MachineParameters.spec("memory.usable")!, in: values))
        #expect(Self.perturbations(of: 1, spec) == [2, 2, 10, 0], "a half rounds back to 1")
    }
}

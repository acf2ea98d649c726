/// Unit costs kept between runs: what earlier runs on the same machine measured, and what this
/// run measures for later ones. The results layer loads and saves it (the `unitCost` table); fast
/// mode reads it before characterising a unit and records every unit it characterises.
///
/// A cost is found by its unit's signature: the characterised phase (one kernel, pass or copy,
/// as `UnitCostTable.characterised` makes it), the GPU clock and whether the L2 was cold. The
/// machine — every parameter, the seed and the build that measured it — is the store's
/// `machineKey`, which the caller makes (`UnitCostStore.machineKey`); a store is for one key.
/// Phases of added kinds (`KernelKind`) are not kept: their costs carry the kind's own totals.
public struct UnitCostStore: Sendable {
    /// The machine, seed and build the costs are for.
    public let machineKey: String
    /// Costs loaded, by signature.
    var known: [String: UnitCost]
    /// Costs measured in this run, by signature, in the order measured.
    public private(set) var added: [(signature: String, values: [Double])] = []

    /// A store for `machineKey` holding `known` (signature → values in `UnitCost.storedValues` order).
    public init(machineKey: String, known: [String: [Double]]) {
        self.machineKey = machineKey
        self.known = known.compactMapValues(UnitCost.init(storedValues:))
    }

    /// The key of a machine: its whole configuration (the parameters after presets and
    /// overrides), the seed its characterisation runs use, and the build, as text for a hash.
    public static func machineText(_ config: MachineConfig, seed: UInt64, build: String) -> String {
        "\(canonical(config))|seed \(seed)|build \(build)"
    }

    /// The signature of a characterised unit at a clock, cold or warm.
    static func signature(_ unit: WorkloadPhase, gpuHz: Double, first: Bool) -> String? {
        if case .kernel = unit { return nil }
        return "\(canonical(unit))|\(gpuHz)|\(first ? "cold" : "warm")"
    }

    /// A value as text that is the same in every process: every stored property by name, and a
    /// dictionary's or set's entries sorted (their order depends on the process's hash seed).
    public static func canonical(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        let children = mirror.children.map { child in (child.label.map { "\($0): " } ?? "") + canonical(child.value) }
        switch mirror.displayStyle {
        case .dictionary, .set:
            return "[" + children.sorted().joined(separator: ", ") + "]"
        case .collection:
            return "[" + children.joined(separator: ", ") + "]"
        case .optional:
            return children.first ?? "nil"
        case .enum where children.isEmpty:
            return "\(value)"
        case .struct, .class, .tuple, .enum:
            return "\(mirror.subjectType)(" + children.joined(separator: ", ") + ")"
        default:
            return "\(value)"
        }
    }

    func cost(_ unit: WorkloadPhase, gpuHz: Double, first: Bool) -> UnitCost? {
        Self.signature(unit, gpuHz: gpuHz, first: first).flatMap { known[$0] }
    }

    mutating func record(_ unit: WorkloadPhase, gpuHz: Double, cold: UnitCost, warm: UnitCost) {
        for (first, cost) in [(true, cold), (false, warm)] {
            guard let signature = Self.signature(unit, gpuHz: gpuHz, first: first), known[signature] == nil else { continue }
            known[signature] = cost
            added.append((signature, cost.storedValues))
        }
    }
}

extension UnitCost {
    /// Names of the values a stored cost keeps, in order (the `unitCost` table's columns).
    public static let storedNames = ["seconds", "tensorBusyCycles", "memoryBytes", "c2cBytes", "flops", "bytesRead",
                                     "cpuChaseLoads", "cpuChaseLatencyPs", "gpuBusy", "gpuChaseLoads", "gpuChaseLatencyPs", "gpuChaseSMCycles",
                                     "activates"]

    /// The cost as stored: every value, exactly (SQLite keeps doubles bit for bit).
    var storedValues: [Double] {
        [seconds, tensorBusyCycles, memoryBytes, c2cBytes, flops, bytesRead, cpuChaseLoads, cpuChaseLatencyPs,
         gpuBusy ? 1 : 0, gpuChase.loads, gpuChase.latencyPs, gpuChase.smCycles, activates]
    }

    /// A stored cost; nil for a row of another shape.
    init?(storedValues v: [Double]) {
        guard v.count == Self.storedNames.count else { return nil }
        self.init(seconds: v[0], tensorBusyCycles: v[1], memoryBytes: v[2], activates: v[12], c2cBytes: v[3], flops: v[4], bytesRead: v[5],
                  cpuChaseLoads: v[6], cpuChaseLatencyPs: v[7], gpuBusy: v[8] != 0,
                  gpuChase: GPUChase(loads: v[9], latencyPs: v[10], smCycles: v[11]))
    }
}

import TwinCore

/// Which way a metric should move to be better, as `compare` judges a change of it.
public enum MetricDirection: String, Sendable, CaseIterable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    /// Neither way is better in itself (bytes moved, kernel counts, settings); a change is reported.
    case neutral
    /// About the simulator, not the machine (events, simulated time): shown, never judged.
    case informational = "info"
}

/// One metric of a node, declared once: its name, unit, better direction and meaning, the modes
/// that report it, and how it reads the run's totals. Detailed and fast mode fill the same
/// `RunTotals`; the loader, `describe` and `compare` read the declarations without a run.
public struct MetricDeclaration: Sendable {
    public let name: String
    public let unit: String
    public let better: MetricDirection
    public let meaning: String
    /// The modes that report it: those that fill the totals its value reads.
    public let modes: Modes
    let value: @Sendable (RunTotals) -> Double

    public enum Modes: String, Sendable {
        case detailed, fast, both

        public func include(_ fidelity: Fidelity) -> Bool { self == .both || rawValue == fidelity.rawValue }
    }

    init(_ name: String, _ unit: String, _ better: MetricDirection, _ meaning: String, modes: Modes = .detailed,
         value: @escaping @Sendable (RunTotals) -> Double) {
        self.name = name
        self.unit = unit
        self.better = better
        self.meaning = meaning
        self.modes = modes
        self.value = value
    }

    /// The metric of `totals`.
    func metric(_ totals: RunTotals) -> MetricValue { MetricValue(name: name, value: value(totals), unit: unit) }

    /// `amount` over `seconds`, in units of `scale` per second; 0 for no time.
    static func rate(_ amount: Double, over seconds: Double, per scale: Double) -> Double {
        seconds > 0 ? amount / seconds / scale : 0
    }

    /// `part` of `whole`; 0 for no whole.
    static func share(_ part: Double, of whole: Double) -> Double { whole > 0 ? part / whole : 0 }
}

extension Machine {
    /// Every metric a node of `config` reports in `fidelity` for `program`, in the order of its
    /// results: the node's own, the power system's, the added kinds' and the program steps'.
    /// Built from declarations alone: no machine is made.
    public static func metricCatalog(config: MachineConfig, program: Program = Program(phases: []),
                                     fidelity: Fidelity = .detailed) -> [(name: String, unit: String)] {
        let declared = metricDeclarations(config: config, fidelity: fidelity).map { ($0.name, $0.unit) }
        let added = program.addedKernelKinds.flatMap { $0.metrics.map { ($0.name, $0.unit) } }
        return declared + added + program.stepMetrics([], fidelity: fidelity).map { ($0.name, $0.unit) }
    }

    /// The declarations of the metrics a node of `config` reports in `fidelity`, in order.
    public static func metricDeclarations(config: MachineConfig, fidelity: Fidelity) -> [MetricDeclaration] {
        let all = nodeMetrics(config: config) + loadMetrics + PowerSystem.metricDeclarations(rails: PowerSystem.Rails(clusters: config.power.grace.clusters))
        return all.filter { $0.modes.include(fidelity) }
    }

    /// The metrics of `totals`, as their declarations for `totals.fidelity` read them.
    static func metrics(of totals: RunTotals) -> [MetricValue] {
        metricDeclarations(config: totals.config, fidelity: totals.fidelity).map { $0.metric(totals) }
    }

    /// The first components of every metric name a node reports (`gpu`, `power`, `step`, …): a
    /// node's name may not be one, so that `spark1.power.package` cannot be mistaken for a
    /// metric of a node's own.
    public static let metricNamespaces: Set<String> = {
        Set((Array(declaredMetrics.keys) + ["step.01.time"]).compactMap { $0.split(separator: ".").first.map(String.init) })
    }()

    /// `name` without the node prefix it may have (`spark1.power.package` → `power.package`).
    public static func nodeMetric(_ name: String) -> String {
        guard let dot = name.firstIndex(of: "."), !metricNamespaces.contains(String(name[..<dot])) else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// The unit and better direction of every metric any preset's node reports, by name: its
    /// own, the power system's, the added kinds'.
    static let declaredMetrics: [String: (unit: String, better: MetricDirection)] = {
        var declared: [String: (unit: String, better: MetricDirection)] = [:]
        for preset in MachineParameters.presetNames {
            let config = MachineConfig(MachineParameters.values(preset: preset)!)
            for fidelity in Fidelity.allCases {
                for metric in metricDeclarations(config: config, fidelity: fidelity) { declared[metric.name] = (metric.unit, metric.better) }
            }
        }
        for kind in KernelDeclaration.all {
            for metric in kind.metrics { declared[metric.name] = (metric.unit, metric.better) }
        }
        return declared
    }()

    /// The unit and better direction of metric `name` (of a node, of a step), from its
    /// declaration; nil for a name none has. A step's metric (`step.03.gpu.read.bandwidth`) is
    /// the run's metric it repeats, and its time is better shorter.
    public static func declaredMetric(_ name: String) -> (unit: String, better: MetricDirection)? {
        let metric = nodeMetric(name)
        let parts = metric.split(separator: ".", maxSplits: 2)
        if parts.count == 3 && parts[0] == "step" && parts[1].allSatisfy(\.isNumber) {
            return parts[2] == "time" ? ("s", .lowerIsBetter) : declaredMetrics[String(parts[2])]
        }
        return declaredMetrics[metric]
    }

    /// Which way metric `name` should move to be better; neutral for a name no declaration has.
    public static func direction(of name: String) -> MetricDirection { declaredMetric(name)?.better ?? .neutral }
}

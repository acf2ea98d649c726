/// The physical dimension of a parameter or metric; decides which units a value may carry.
public enum QuantityKind: String, Sendable, CaseIterable {
    case time
    case frequency
    case transferRate
    case bandwidth
    case size
    case power
    case temperature
    case count
    case ratio
    case flopRate
    case voltage
    case capacitance
    case energyPerByte
    case energy
    case thermalResistance
    case heatCapacity

    /// The unit in which values of this dimension are stored (SI or a plain count).
    public var baseUnit: String {
        switch self {
        case .time: "s"
        case .frequency: "Hz"
        case .transferRate: "T/s"
        case .bandwidth: "B/s"
        case .size: "B"
        case .power: "W"
        case .temperature: "C"
        case .count: ""
        case .ratio: ""
        case .flopRate: "FLOP/s"
        case .voltage: "V"
        case .capacitance: "F"
        case .energyPerByte: "J/B"
        case .energy: "J"
        case .thermalResistance: "K/W"
        case .heatCapacity: "J/K"
        }
    }
}

/// One model parameter: its name, unit, default and where the default comes from.
///
/// Each component declares its parameters in one static table; validation, `sparktwin
/// describe` and the configs all read that table, so a parameter cannot exist in one place
/// and be missing from another.
public struct ParameterSpec: Sendable {
    /// Dotted path below `machine:` in a scenario, e.g. `memory.tRCD`.
    public let path: String
    /// What the value measures.
    public let dimension: QuantityKind
    /// Default for the `dgx-spark` preset, in the dimension's base unit.
    public let defaultValue: Double
    /// The unit used to display the default (`ns`, `GB/s`).
    public let displayUnit: String
    /// Smallest accepted value (inclusive), in the base unit.
    public let minimum: Double
    /// Largest accepted value (inclusive), in the base unit.
    public let maximum: Double
    /// Whether the value must be a whole number.
    public let integral: Bool
    /// Citation for the default: a datasheet, a talk, a named measurement, or "estimate".
    public let source: String
    /// One sentence on what the parameter does.
    public let summary: String

    public init(
        _ path: String, _ dimension: QuantityKind, default defaultValue: Double, unit displayUnit: String,
        range: ClosedRange<Double>, integral: Bool = false, source: String, _ summary: String
    ) {
        self.path = path
        self.dimension = dimension
        self.defaultValue = defaultValue
        self.displayUnit = displayUnit
        self.minimum = range.lowerBound
        self.maximum = range.upperBound
        self.integral = integral
        self.source = source
        self.summary = summary
    }
}

/// Resolved parameter values by path, in base units: the preset, then the scenario's overrides.
///
/// Control plane only: configs read it once when the machine is built.
public struct ParameterValues: Sendable, Equatable {
    public private(set) var values: [String: Double]

    public init(values: [String: Double]) { self.values = values }

    /// The value of a declared parameter.
    ///
    /// - Precondition: the path is declared in `MachineParameters.all` and has a value.
    public subscript(path: String) -> Double {
        guard let value = values[path] else { preconditionFailure("parameter \(path) has no value") }
        return value
    }

    /// Replaces one value.
    public mutating func set(_ path: String, _ value: Double) { values[path] = value }
}

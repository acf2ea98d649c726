import Foundation
import TwinModels

/// Units a quantity may carry, by dimension, with their factor to the dimension's base unit.
public enum Units {
    /// A unit's size relative to its dimension's base unit: `scale × 10^exponent`.
    ///
    /// Keeping the decimal exponent apart lets conversions divide by exact powers of ten, so
    /// "15 ns" is exactly the double nearest 15e-9 and "1 us" in ns is exactly 1000.
    public struct Scale: Sendable, Equatable {
        var scale: Double
        var exponent: Int
    }

    static func s(_ scale: Double, _ exponent: Int = 0) -> Scale { Scale(scale: scale, exponent: exponent) }

    static let table: [QuantityKind: [String: Scale]] = [
        .time: ["ps": s(1, -12), "ns": s(1, -9), "us": s(1, -6), "µs": s(1, -6), "ms": s(1, -3), "s": s(1), "min": s(60)],
        .frequency: ["Hz": s(1), "kHz": s(1, 3), "MHz": s(1, 6), "GHz": s(1, 9)],
        .transferRate: ["T/s": s(1), "MT/s": s(1, 6), "GT/s": s(1, 9)],
        .bandwidth: ["B/s": s(1), "kB/s": s(1, 3), "MB/s": s(1, 6), "GB/s": s(1, 9), "TB/s": s(1, 12),
                     "KiB/s": s(1_024), "MiB/s": s(1_048_576), "GiB/s": s(1_073_741_824)],
        .size: ["bit": s(0.125), "B": s(1), "kB": s(1, 3), "MB": s(1, 6), "GB": s(1, 9), "TB": s(1, 12),
                "KiB": s(1_024), "MiB": s(1_048_576), "GiB": s(1_073_741_824), "TiB": s(1_099_511_627_776)],
        .power: ["mW": s(1, -3), "W": s(1), "kW": s(1, 3)],
        .temperature: ["C": s(1), "°C": s(1)],
        .count: ["": s(1), "count": s(1), "cycles": s(1)],
        .ratio: ["": s(1), "%": s(1, -2), "ratio": s(1)],
        .flopRate: ["FLOP/s": s(1), "GFLOPS": s(1, 9), "TFLOPS": s(1, 12), "PFLOPS": s(1, 15)],
        .voltage: ["mV": s(1, -3), "V": s(1)],
        .capacitance: ["pF": s(1, -12), "nF": s(1, -9), "uF": s(1, -6), "µF": s(1, -6), "F": s(1)],
        .energyPerByte: ["pJ/B": s(1, -12), "nJ/B": s(1, -9), "pJ/bit": s(8, -12), "J/B": s(1)],
        .energy: ["pJ": s(1, -12), "nJ": s(1, -9), "uJ": s(1, -6), "µJ": s(1, -6), "mJ": s(1, -3), "J": s(1)],
        .thermalResistance: ["K/W": s(1), "C/W": s(1), "°C/W": s(1)],
        .heatCapacity: ["J/K": s(1), "J/C": s(1), "kJ/K": s(1, 3)],
    ]

    /// `value` in unit `from` expressed in unit `to` (same dimension).
    static func convert(_ value: Double, from: Scale, to: Scale) -> Double {
        let scaled = value * (from.scale / to.scale)
        let exponent = from.exponent - to.exponent
        var power = 1.0
        for _ in 0..<abs(exponent) { power *= 10 }
        return exponent >= 0 ? scaled * power : scaled / power
    }

    /// Example text for an error message, per dimension.
    static let examples: [QuantityKind: String] = [
        .time: "120 ns", .frequency: "2.8 GHz", .transferRate: "8533 MT/s", .bandwidth: "273 GB/s",
        .size: "1 GiB", .power: "140 W", .temperature: "35 C", .count: "16", .ratio: "0.5 or 50 %",
        .flopRate: "93 TFLOPS", .voltage: "0.85 V", .capacitance: "30 nF", .energyPerByte: "40 pJ/B", .energy: "0.5 nJ",
        .thermalResistance: "0.3 K/W", .heatCapacity: "400 J/K",
    ]

    /// The factor from `unit` to its dimension's base unit, if `unit` is known for `dimension`.
    public static func factor(_ unit: String, in dimension: QuantityKind) -> Double? {
        table[dimension]?[unit].map { convert(1, from: $0, to: s(1)) }
    }

    /// A value in the dimension's base unit expressed in `unit`, converted exactly where the
    /// units differ by powers of ten.
    public static func value(_ base: Double, in unit: String, of dimension: QuantityKind) -> Double? {
        table[dimension]?[unit].map { convert(base, from: s(1), to: $0) }
    }

    /// The dimension of a unit label as used for metrics (`GB/s`, `ns`, `ratio`).
    public static func dimension(ofUnit unit: String) -> QuantityKind? {
        for dimension in QuantityKind.allCases where table[dimension]?[unit] != nil && !unit.isEmpty {
            return dimension
        }
        return nil
    }

    /// Parses `"2.8 GHz"`, `"8_533 MT/s"` or `"16"` into a value in the dimension's base unit,
    /// or in `targetUnit` when one is given.
    ///
    /// - Returns: the value, or a message saying what was expected.
    public static func parse(_ text: String, as dimension: QuantityKind, in targetUnit: String? = nil) -> Result<Double, QuantityError> {
        let (number, unit) = split(text)
        let example = examples[dimension] ?? ""
        guard let number else {
            return .failure(QuantityError(expected: "a \(describe(dimension)) such as \(example)"))
        }
        guard let scale = table[dimension]?[unit] else {
            if unit.isEmpty {
                return .failure(QuantityError(expected: "a \(describe(dimension)) with a unit, such as \(example)"))
            }
            let known = (table[dimension] ?? [:]).keys.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
            return .failure(QuantityError(expected: "a \(describe(dimension)) in one of \(known)"))
        }
        let target = targetUnit.flatMap { table[dimension]?[$0] } ?? s(1)
        return .success(convert(number, from: scale, to: target))
    }

    /// The number (nil if there is none, or it is not finite) and the unit word of `"64 MiB"`.
    static func split(_ text: String) -> (number: Double?, unit: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var numberEnd = trimmed.startIndex
        while numberEnd < trimmed.endIndex, "0123456789.+-eE_".contains(trimmed[numberEnd]) {
            // An 'e' that starts a unit word (none exist today) would be read as an exponent.
            numberEnd = trimmed.index(after: numberEnd)
        }
        let number = Double(trimmed[..<numberEnd].replacingOccurrences(of: "_", with: "")).flatMap { $0.isFinite ? $0 : nil }
        return (number, trimmed[numberEnd...].trimmingCharacters(in: .whitespaces))
    }

    /// SI size units and their binary counterparts: `64 MB` is 64,000,000 B, `64 MiB` 67,108,864 B.
    static let binaryCounterpart = ["kB": "KiB", "MB": "MiB", "GB": "GiB", "TB": "TiB"]

    /// A note for a size written in SI units with a power-of-two number (`64 MB`), which is
    /// usually meant as binary; nil for other sizes.
    public static func siSizeNote(_ text: String) -> String? {
        let (number, unit) = split(text)
        guard let number, let binary = binaryCounterpart[unit], number >= 2, number <= 65_536,
              number == number.rounded(), Int(number).nonzeroBitCount == 1,
              let si = table[.size]?[unit], let base = table[.size]?[binary] else { return nil }
        let siBytes = convert(number, from: si, to: s(1)), binaryBytes = convert(number, from: base, to: s(1))
        return "\(text.trimmingCharacters(in: .whitespaces)) is \(grouped(Int(siBytes))) B (SI units are powers of 1000); "
            + "\(Int(number)) \(binary) is \(grouped(Int(binaryBytes))) B"
    }

    /// The name of a dimension in an error message.
    public static func describe(_ dimension: QuantityKind) -> String {
        switch dimension {
        case .time: "time"
        case .frequency: "frequency"
        case .transferRate: "transfer rate"
        case .bandwidth: "bandwidth"
        case .size: "size"
        case .power: "power"
        case .temperature: "temperature"
        case .count: "whole number"
        case .ratio: "ratio"
        case .flopRate: "floating-point rate"
        case .voltage: "voltage"
        case .capacitance: "capacitance"
        case .energyPerByte: "energy per byte"
        case .energy: "energy"
        case .thermalResistance: "thermal resistance"
        case .heatCapacity: "heat capacity"
        }
    }
}

/// What a quantity should have looked like.
public struct QuantityError: Error, Sendable {
    public var expected: String
}


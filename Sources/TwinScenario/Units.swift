import Foundation
import TwinModels

/// Units a quantity may carry, by dimension, with their factor to the dimension's base unit.
public enum Units {
    static let table: [QuantityKind: [String: Double]] = [
        .time: ["ps": 1e-12, "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "min": 60],
        .frequency: ["Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9],
        .transferRate: ["T/s": 1, "MT/s": 1e6, "GT/s": 1e9],
        .bandwidth: ["B/s": 1, "kB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "TB/s": 1e12,
                     "KiB/s": 1_024, "MiB/s": 1_048_576, "GiB/s": 1_073_741_824],
        .size: ["bit": 0.125, "B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
                "KiB": 1_024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776],
        .power: ["mW": 1e-3, "W": 1, "kW": 1e3],
        .temperature: ["C": 1, "°C": 1],
        .count: ["": 1, "count": 1],
        .ratio: ["": 1, "%": 0.01, "ratio": 1],
    ]

    /// Example text for an error message, per dimension.
    static let examples: [QuantityKind: String] = [
        .time: "120 ns", .frequency: "2.8 GHz", .transferRate: "8533 MT/s", .bandwidth: "273 GB/s",
        .size: "1 GiB", .power: "140 W", .temperature: "35 C", .count: "16", .ratio: "0.5 or 50 %",
    ]

    /// The factor from `unit` to its dimension's base unit, if `unit` is known for `dimension`.
    public static func factor(_ unit: String, in dimension: QuantityKind) -> Double? {
        table[dimension]?[unit]
    }

    /// The dimension of a unit label as used for metrics (`GB/s`, `ns`, `ratio`).
    public static func dimension(ofUnit unit: String) -> QuantityKind? {
        for dimension in QuantityKind.allCases where table[dimension]?[unit] != nil && !unit.isEmpty {
            return dimension
        }
        return nil
    }

    /// Parses `"2.8 GHz"`, `"8_533 MT/s"` or `"16"` into a value in the dimension's base unit.
    ///
    /// - Returns: the value, or a message saying what was expected.
    public static func parse(_ text: String, as dimension: QuantityKind) -> Result<Double, QuantityError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var numberEnd = trimmed.startIndex
        while numberEnd < trimmed.endIndex, "0123456789.+-eE_".contains(trimmed[numberEnd]) {
            // An 'e' that starts a unit word (none exist today) would be read as an exponent.
            numberEnd = trimmed.index(after: numberEnd)
        }
        let numberText = trimmed[..<numberEnd].replacingOccurrences(of: "_", with: "")
        let unit = trimmed[numberEnd...].trimmingCharacters(in: .whitespaces)
        let example = examples[dimension] ?? ""
        guard let number = Double(numberText), number.isFinite else {
            return .failure(QuantityError(expected: "a \(describe(dimension)) such as \(example)"))
        }
        guard let factor = factor(unit, in: dimension) else {
            if unit.isEmpty {
                return .failure(QuantityError(expected: "a \(describe(dimension)) with a unit, such as \(example)"))
            }
            let known = (table[dimension] ?? [:]).keys.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
            return .failure(QuantityError(expected: "a \(describe(dimension)) in one of \(known)"))
        }
        return .success(number * factor)
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
        }
    }
}

/// What a quantity should have looked like.
public struct QuantityError: Error, Sendable {
    public var expected: String
}


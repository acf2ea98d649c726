#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded SplitMix64 random stream (Steele, Lea and Flood, 2014).
///
/// Each component owns one stream derived from the scenario seed and the component's stable
/// identifier, so adding a component never changes the numbers another one draws. The
/// mapping from bits to ranges is our own, so golden results do not depend on the standard
/// library's algorithms.
@frozen
public struct RandomStream: Sendable {
    @usableFromInline var state: UInt64

    /// Creates a stream from a raw 64-bit state.
    @inlinable
    public init(state: UInt64) { self.state = state }

    /// Derives the stream of component `streamID` from the scenario seed.
    public init(seed: UInt64, streamID: UInt64) {
        var mixer = RandomStream(state: seed)
        let base = mixer.next()
        var second = RandomStream(state: base ^ (streamID &* 0xD1B5_4A32_D192_ED03))
        self.state = second.next()
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    ///
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        return next().multipliedFullWidth(by: bound).high
    }

    /// An exponentially distributed value with the given mean.
    @inlinable
    public mutating func nextExponential(mean: Double) -> Double {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        -log(1.0 - nextUnit()) * mean
    }
}

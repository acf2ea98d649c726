/// Division by a number fixed when a model is built: a shift and a mask when it is a power of
/// two (line sizes and channel, bank and page counts usually are), a hardware divide otherwise.
/// Address decoding divides several times per request, and a 64-bit divide costs tens of cycles.
@frozen
public struct Divisor: Sendable, Equatable {
    public let value: UInt64
    @usableFromInline let shift: UInt64
    @usableFromInline let isPowerOfTwo: Bool

    public init(_ value: UInt64) {
        precondition(value > 0, "division by zero")
        self.value = value
        self.isPowerOfTwo = value.nonzeroBitCount == 1
        self.shift = UInt64(value.trailingZeroBitCount)
    }

    @inlinable @inline(__always)
    public func quotient(_ x: UInt64) -> UInt64 { isPowerOfTwo ? x >> shift : x / value }

    @inlinable @inline(__always)
    public func remainder(_ x: UInt64) -> UInt64 { isPowerOfTwo ? x & (value - 1) : x % value }
}

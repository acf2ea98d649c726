/// How a tensor's numbers are stored: element bits, and for block-scaled formats the elements
/// that share a scale and the scale's bits (`../shared/models.md`, "Weight formats").
public enum WeightFormat: String, Sendable, CaseIterable {
    case f32
    case bf16
    case fp16
    /// FP8 E4M3 with a per-tensor or per-channel scale (the scale's bytes are a rounding error).
    case fp8
    /// llama.cpp Q8_0: blocks of 32 int8 and one fp16 scale.
    case q8_0
    /// llama.cpp Q4_0: blocks of 32 4-bit values and one fp16 scale.
    case q4_0
    /// OCP MXFP4: blocks of 32 E2M1 values and one 8-bit E8M0 scale.
    case mxfp4
    /// NVFP4: blocks of 16 E2M1 values and one FP8 E4M3 scale, plus a per-tensor FP32 scale.
    case nvfp4

    /// Bits of one element, without its block's scale.
    public var elementBits: Int {
        switch self {
        case .f32: 32
        case .bf16, .fp16: 16
        case .fp8, .q8_0: 8
        case .q4_0, .mxfp4, .nvfp4: 4
        }
    }

    /// Elements that share one scale, and that scale's bits (1 and 0 for unscaled formats).
    public var block: (elements: Int, scaleBits: Int) {
        switch self {
        case .f32, .bf16, .fp16, .fp8: (1, 0)
        case .q8_0, .q4_0: (32, 16)
        case .mxfp4: (32, 8)
        case .nvfp4: (16, 8)
        }
    }

    /// Bits per element with the scales: 16, 8, 8.5, 4.5, 4.25, 4.5.
    public var bitsPerWeight: Double {
        Double(elementBits) + Double(block.scaleBits) / Double(block.elements)
    }

    /// Bytes of `elements` numbers laid out in whole blocks (a row of `elements` values that is
    /// not a multiple of the block takes one more block).
    public func bytes(elements: UInt64) -> UInt64 {
        let (blockElements, scaleBits) = block
        let blocks = (elements + UInt64(blockElements) - 1) / UInt64(blockElements)
        return (blocks * UInt64(blockElements * elementBits + scaleBits) + 7) / 8
    }
}

/// How the KV cache stores keys and values.
public enum KVCacheFormat: String, Sendable, CaseIterable {
    case bf16
    case fp16
    case fp8

    public var bytesPerElement: UInt64 { self == .fp8 ? 1 : 2 }
}

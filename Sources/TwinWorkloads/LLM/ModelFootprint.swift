/// What running a model takes of unified memory: its weights, the KV cache of its sequences
/// and the activations of one forward step, against what a program can allocate
/// (`memory.usable`).
public struct ModelFootprint: Sendable, Equatable {
    public var weightBytes: UInt64
    public var kvCacheBytes: UInt64
    public var activationBytes: UInt64

    public var totalBytes: UInt64 { weightBytes + kvCacheBytes + activationBytes }

    /// `sequences` sequences of `contextTokens` each, a step of `tokensPerStep` tokens (the batch
    /// in decode, the prompt's tokens in prefill).
    public init(_ model: ModelDescription, _ variant: WeightVariant, kvCache: KVCacheFormat, sequences: Int, contextTokens: Int,
                tokensPerStep: Int) {
        weightBytes = model.weightBytes(variant)
        kvCacheBytes = UInt64(sequences) * model.kvCacheBytes(contextTokens: contextTokens, format: kvCache)
        activationBytes = Self.activationBytes(model, tokensPerStep: tokensPerStep, sequences: sequences)
    }

    /// Activations of one step, f32 as llama.cpp's compute buffer keeps them: per token the
    /// residual, the normed input, the attention and FFN outputs (4 × hidden), Q, K and V, and
    /// the gate and up outputs of each expert it uses; and the logits of each sequence. An
    /// estimate of the buffer's size, not of a framework's allocator (which rounds and reuses).
    static func activationBytes(_ model: ModelDescription, tokensPerStep: Int, sequences: Int) -> UInt64 {
        let a = model.attention, f = model.feedForward
        let ffnWidth = (f.isMixture ? f.expertsPerToken + f.sharedExperts : 1) * f.size * (f.gated ? 2 : 1)
        let perToken = 4 * model.hidden + (a.heads + 2 * a.kvHeads) * a.headDim + ffnWidth
        return 4 * (UInt64(tokensPerStep) * UInt64(perToken) + UInt64(sequences) * UInt64(model.vocabulary))
    }

    /// Whether it fits in `usableBytes`.
    public func fits(in usableBytes: UInt64) -> Bool { totalBytes <= usableBytes }

    /// The sizes, for a message: "59.0 GiB of weights + 4.5 GiB of KV cache + 0.1 GiB of
    /// activations = 63.6 GiB".
    public var sizes: String {
        "\(gib(weightBytes)) of weights + \(gib(kvCacheBytes)) of KV cache + \(gib(activationBytes)) of activations = \(gib(totalBytes))"
    }
}

extension ModelDescription {
    /// The most sequences of `contextTokens` that fit in `usableBytes`, each decoding one token
    /// a step (0 when not even one does).
    public func largestBatch(_ variant: WeightVariant, kvCache: KVCacheFormat, contextTokens: Int, usableBytes: UInt64) -> Int {
        var fitting = 0, step = 1 << 20
        while step > 0 {
            let candidate = fitting + step
            let footprint = ModelFootprint(self, variant, kvCache: kvCache, sequences: candidate, contextTokens: contextTokens, tokensPerStep: candidate)
            if footprint.fits(in: usableBytes) { fitting = candidate }
            step >>= 1
        }
        return fitting
    }

    /// The longest context, up to the model's own limit, at which `sequences` sequences fit in
    /// `usableBytes` (0 when none does).
    public func largestContext(_ variant: WeightVariant, kvCache: KVCacheFormat, sequences: Int, usableBytes: UInt64) -> Int {
        var fitting = 0, step = 1
        while step < maxContextTokens { step <<= 1 }
        while step > 0 {
            let candidate = fitting + step
            if candidate <= maxContextTokens,
               ModelFootprint(self, variant, kvCache: kvCache, sequences: sequences, contextTokens: candidate, tokensPerStep: sequences).fits(in: usableBytes) {
                fitting = candidate
            }
            step >>= 1
        }
        return fitting
    }
}

/// Bytes in GiB with one decimal (two below 1 GiB).
public func gib(_ bytes: UInt64) -> String {
    let value = Double(bytes) / 1_073_741_824
    let digits = value < 1 ? 2 : 1
    var scaled = (value * (digits == 2 ? 100 : 10)).rounded()
    scaled /= digits == 2 ? 100 : 10
    var text = "\(scaled)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text[text.index(after: dot)...].count
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text + " GiB"
}

/// Parameter counts, weight bytes and KV-cache bytes, derived from the architecture.
extension ModelDescription {
    /// Parameters of one layer's Q, K, V and output projections.
    public var attentionParametersPerLayer: UInt64 {
        let a = attention, h = UInt64(hidden)
        return h * UInt64(a.heads * a.headDim) * 2 + h * UInt64(a.kvHeads * a.headDim) * 2
    }

    /// Parameters of one routed expert, or of a dense layer's FFN.
    public var parametersPerExpert: UInt64 { UInt64(feedForward.matrices) * UInt64(hidden) * UInt64(feedForward.size) }

    /// Parameters of group `group`, all layers.
    public func parameters(_ group: TensorGroup) -> UInt64 {
        let layers = UInt64(self.layers), h = UInt64(hidden), f = feedForward
        switch group {
        case .attention: return layers * attentionParametersPerLayer
        case .ffn: return layers * parametersPerExpert * UInt64(f.isMixture ? f.sharedExperts : 1)
        case .experts: return layers * parametersPerExpert * UInt64(f.experts)
        case .router: return layers * h * UInt64(f.experts)
        case .embeddings: return UInt64(vocabulary) * h
        case .head: return tiedEmbeddings ? 0 : UInt64(vocabulary) * h
        case .vectors: return layers * vectorParametersPerLayer + h
        }
    }

    /// Norm weights (two per layer, and Q/K norms), biases and sinks of one layer.
    var vectorParametersPerLayer: UInt64 {
        let a = attention, f = feedForward, h = UInt64(hidden)
        var count = 2 * h
        if a.qkNorm { count += 2 * UInt64(a.headDim) }
        if a.qkvBias { count += UInt64((a.heads + 2 * a.kvHeads) * a.headDim) }
        if a.outputBias { count += h }
        if a.sinks { count += UInt64(a.heads) }
        if f.biases {
            // Each expert's (or the FFN's) gate and up outputs and down output; the router's.
            let perExpert = UInt64(f.matrices - 1) * UInt64(f.size) + h
            count += perExpert * UInt64(f.isMixture ? f.experts + f.sharedExperts : 1) + UInt64(f.experts)
        }
        return count
    }

    public var totalParameters: UInt64 { TensorGroup.allCases.reduce(0) { $0 + parameters($1) } }

    /// Parameters one token uses: every group but the routed experts, of which `expertsPerToken`,
    /// and one row of the embeddings.
    public var activeParameters: UInt64 {
        var count: UInt64 = 0
        for group in TensorGroup.allCases {
            switch group {
            case .experts: count += UInt64(layers) * parametersPerExpert * UInt64(feedForward.expertsPerToken)
            case .embeddings: count += tiedEmbeddings ? parameters(.embeddings) : UInt64(hidden)
            default: count += parameters(group)
            }
        }
        return count
    }

    /// Bytes of group `group` in `variant`. Matrices are laid out in whole blocks along their
    /// rows of `hidden` (or `size`) elements; every dimension here is a multiple of the blocks.
    public func weightBytes(_ group: TensorGroup, _ variant: WeightVariant) -> UInt64 {
        variant.format(group).bytes(elements: parameters(group))
    }

    public func weightBytes(_ variant: WeightVariant) -> UInt64 {
        TensorGroup.allCases.reduce(0) { $0 + weightBytes($1, variant) }
    }

    /// Bytes of one routed expert of one layer.
    public func bytesPerExpert(_ variant: WeightVariant) -> UInt64 {
        variant.format(.experts).bytes(elements: parametersPerExpert)
    }

    /// Tokens of a context of `contextTokens` that layer `index` keeps in its KV cache.
    public func cachedTokens(layer index: Int, contextTokens: Int) -> Int {
        guard layerAttention(index) == .sliding, let window = attention.slidingWindowTokens else { return contextTokens }
        return min(contextTokens, window)
    }

    /// KV-cache bytes of one token in one layer: its key and value for every KV head.
    public func kvBytesPerTokenPerLayer(_ format: KVCacheFormat) -> UInt64 {
        2 * UInt64(attention.kvHeads * attention.headDim) * format.bytesPerElement
    }

    /// KV-cache bytes of one sequence of `contextTokens` over all layers: also what one decode
    /// step of that sequence reads of it.
    public func kvCacheBytes(contextTokens: Int, format: KVCacheFormat) -> UInt64 {
        let perToken = kvBytesPerTokenPerLayer(format)
        return (0..<layers).reduce(0) { $0 + UInt64(cachedTokens(layer: $1, contextTokens: contextTokens)) * perToken }
    }

    /// Distinct routed experts a layer reads for a batch of `tokens`, if the router picks
    /// `expertsPerToken` of `experts` uniformly and independently for each: E·(1 − (1 − k/E)^B).
    /// An expectation; real routing is skewed, which makes it smaller.
    public func expectedDistinctExperts(tokens: Int) -> Double {
        let f = feedForward
        guard f.isMixture, tokens > 0 else { return 0 }
        let e = Double(f.experts), k = Double(f.expertsPerToken)
        return e * (1 - pow1p(-k / e, tokens))
    }
}

/// (1 + x)^n for small x and whole n ≥ 0, exactly by squaring (no Foundation in this layer).
func pow1p(_ x: Double, _ n: Int) -> Double {
    var result = 1.0, base = 1 + x, exponent = n
    while exponent > 0 {
        if exponent & 1 == 1 { result *= base }
        base *= base
        exponent >>= 1
    }
    return result
}

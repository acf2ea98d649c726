/// An LLM's architecture as its published configuration gives it, and the weight formats of the
/// files it is run from. Read from `Scenarios/models/<name>.yaml`; code derives every count.
public struct ModelDescription: Sendable, Equatable {
    public var name: String
    public var summary: String
    public var layers: Int
    public var hidden: Int
    public var attention: Attention
    public var feedForward: FeedForward
    public var vocabulary: Int
    /// The output head reuses the embedding matrix.
    public var tiedEmbeddings: Bool
    /// The longest context the model is made for, tokens.
    public var maxContextTokens: Int
    /// The weight files it is run from, by name (`bf16`, `fp8`, `gguf-mxfp4`, …).
    public var variants: [WeightVariant]
    public var kvCache: KVCacheFormat

    public init(name: String, summary: String, layers: Int, hidden: Int, attention: Attention, feedForward: FeedForward,
                vocabulary: Int, tiedEmbeddings: Bool, maxContextTokens: Int, variants: [WeightVariant], kvCache: KVCacheFormat) {
        self.name = name
        self.summary = summary
        self.layers = layers
        self.hidden = hidden
        self.attention = attention
        self.feedForward = feedForward
        self.vocabulary = vocabulary
        self.tiedEmbeddings = tiedEmbeddings
        self.maxContextTokens = maxContextTokens
        self.variants = variants
        self.kvCache = kvCache
    }

    /// What a layer's attention sees of the context.
    public enum LayerAttention: String, Sendable, CaseIterable {
        case full
        /// The last `slidingWindowTokens` tokens only.
        case sliding
    }

    public struct Attention: Sendable, Equatable {
        public var heads: Int
        public var kvHeads: Int
        public var headDim: Int
        /// Biases on the Q, K and V projections, and on the output projection.
        public var qkvBias: Bool
        public var outputBias: Bool
        /// A learned sink logit per head (gpt-oss).
        public var sinks: Bool
        /// RMS norms on Q and K per head (Qwen3).
        public var qkNorm: Bool
        /// The layers' kinds, repeated over the layers from the first.
        public var pattern: [LayerAttention]
        public var slidingWindowTokens: Int?

        public init(heads: Int, kvHeads: Int, headDim: Int, qkvBias: Bool = false, outputBias: Bool = false, sinks: Bool = false,
                    qkNorm: Bool = false, pattern: [LayerAttention] = [.full], slidingWindowTokens: Int? = nil) {
            self.heads = heads
            self.kvHeads = kvHeads
            self.headDim = headDim
            self.qkvBias = qkvBias
            self.outputBias = outputBias
            self.sinks = sinks
            self.qkNorm = qkNorm
            self.pattern = pattern
            self.slidingWindowTokens = slidingWindowTokens
        }
    }

    public struct FeedForward: Sendable, Equatable {
        /// The intermediate size (per expert for a mixture of experts).
        public var size: Int
        /// Gate, up and down matrices (SwiGLU); false: up and down only.
        public var gated: Bool
        /// Routed experts (0: a dense FFN) and how many each token uses.
        public var experts: Int
        public var expertsPerToken: Int
        /// Experts every token uses beside the routed ones.
        public var sharedExperts: Int
        /// Biases on the expert (or FFN) matrices and the router (gpt-oss).
        public var biases: Bool

        public init(size: Int, gated: Bool = true, experts: Int = 0, expertsPerToken: Int = 0, sharedExperts: Int = 0, biases: Bool = false) {
            self.size = size
            self.gated = gated
            self.experts = experts
            self.expertsPerToken = expertsPerToken
            self.sharedExperts = sharedExperts
            self.biases = biases
        }

        public var isMixture: Bool { experts > 0 }
        /// Matrices of one expert or of the dense FFN.
        var matrices: Int { gated ? 3 : 2 }
    }

    /// The kind of the layer at `index` (0-based).
    public func layerAttention(_ index: Int) -> LayerAttention { attention.pattern[index % attention.pattern.count] }

    public func variant(_ name: String) -> WeightVariant? { variants.first { $0.name == name } }
}

/// Groups of tensors that share a weight format in a file and are read alike.
public enum TensorGroup: String, Sendable, CaseIterable {
    /// Q, K, V and output projections.
    case attention
    /// The dense FFN, and shared experts: read for every token.
    case ffn
    /// Routed experts: a token reads only those the router chose.
    case experts
    case router
    case embeddings
    /// The output projection to the vocabulary (nothing of its own when tied to the embeddings).
    case head
    /// Norm weights, biases and sinks.
    case vectors
}

/// One file of a model: the format of each tensor group.
public struct WeightVariant: Sendable, Equatable {
    public var name: String
    /// Where the formats come from (the checkpoint, a GGUF file).
    public var source: String
    public var formats: [TensorGroup: WeightFormat]

    public init(name: String, source: String, formats: [TensorGroup: WeightFormat]) {
        self.name = name
        self.source = source
        self.formats = formats
    }

    public func format(_ group: TensorGroup) -> WeightFormat { formats[group]! }
}

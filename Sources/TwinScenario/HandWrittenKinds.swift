import TwinModels
import TwinWorkloads

/// The keys of the phase kinds the loader reads by hand (`readPhase`), declared once: the
/// loader reads each number by its declaration (unit, range, default, and what a missing one
/// expects), `phaseKeys` is their names, and `sparktwin describe workload` lists them beside the
/// kinds declared through `KernelDeclaration`.
public enum HandWrittenKinds {
    public struct Kind: Sendable {
        public var name: String
        public var summary: String
        public var keys: [KernelKey]

        /// The declaration of key `name`.
        public subscript(_ name: String) -> KernelKey {
            guard let key = keys.first(where: { $0.name == name }) else { preconditionFailure("\(self.name) declares no key \(name)") }
            return key
        }
    }

    static func key(_ name: String, _ unit: QuantityKind, default value: Double? = nil, range: ClosedRange<Double>, _ meaning: String,
                    shownUnit: String? = nil, shownDefault: String? = nil) -> KernelKey {
        var key = KernelKey(name, unit, default: value, range: range, meaning)
        key.shownUnit = shownUnit
        key.shownDefault = shownDefault
        return key
    }

    /// A key whose value is one of `choices`; required without a default.
    static func words(_ name: String, _ choices: [String], default value: String? = nil, _ meaning: String) -> KernelKey {
        if let value { return KernelKey(name, choices: choices, default: value, meaning) }
        var key = KernelKey(name, .count, range: 0...Double(choices.count - 1), meaning)
        key.choices = choices
        return key
    }

    static let bufferMeaning = "the buffer size, such as 1 GiB, or the name of one of buffers:"

    static let streamKeys: [KernelKey] = [
        key("buffer", .size, range: 1...1e15, bufferMeaning, shownUnit: "size or name"),
        key("bytes", .size, range: 1...1e18, "the bytes to read, such as 4 GiB"),
        words("pattern", AccessPattern.allCases.map(\.rawValue), default: "sequential", "how the reads walk the buffer"),
        key("count", .count, default: 1, range: 1...1e9, "passes (kernels), each reading bytes from the buffer's start"),
        key("launchOverhead", .time, default: 0, range: 0...1, "time from a pass's enqueueing to its first read"),
        key("hostInterval", .time, default: 0, range: 0...1, "host time between two launches; passes queue on the stream"),
        key("passOverhead", .time, default: 0, range: 0...1, "GPU time each pass spends before its first read (library work around it)"),
    ]

    public static let all: [Kind] = [
        Kind(name: "stream-read", summary: "the GPU reading a buffer from DRAM, as a saturating read kernel does", keys: streamKeys),
        Kind(name: "stream-copy", summary: "the GPU reading a buffer and writing each line to a destination right after it",
             keys: streamKeys + [key("destination", .size, range: 1...1e15, "the named buffer the copy writes (with a named buffer)",
                                     shownUnit: "name", shownDefault: "after the source")]),
        Kind(name: "gemm", summary: "C[M×N] = A[M×K]·B[K×N] as a tiled tensor-core kernel, one CTA per output tile", keys: [
            key("m", .count, range: 1...1e7, "a matrix dimension such as 8192"),
            key("n", .count, range: 1...1e7, "a matrix dimension such as 8192"),
            key("k", .count, range: 1...1e7, "a matrix dimension such as 8192"),
            words("precision", Precision.allCases.map(\.rawValue), "a precision"),
            key("sparse", .count, default: 0, range: 0...1, "2:4 structured sparsity on A (tensor precisions)", shownUnit: "bool", shownDefault: "false"),
            key("tile", .count, range: 8...1024, "the CTA's output tile and K step {m, n, k}, each 8 – 1024",
                shownUnit: "mapping", shownDefault: "gpu.gemm.tileM, .tileN, .tileK"),
            key("stages", .count, range: 2...16, "shared-memory pipeline depth", shownDefault: "gpu.gemm.stages"),
            key("threads", .count, range: 32...1024, "threads per CTA", shownDefault: "256"),
            key("cluster", .count, range: 1...16, "CTAs per thread-block cluster {m, n}, at most 16 together",
                shownUnit: "mapping", shownDefault: "gpu.gemm.clusterM, 1"),
            key("rasterGroup", .count, range: 1...1024, "tile rows a CTA group walks before the next column", shownDefault: "8"),
            key("count", .count, range: 1...1e9, "kernels launched one after the other", shownDefault: "1"),
            key("launchOverhead", .time, range: 0...1, "time from a kernel's enqueueing to its first CTA", shownDefault: "gpu.launchOverhead"),
            key("hostInterval", .time, default: 0, range: 0...1, "host time between two launches; kernels queue on the stream"),
            key("buffer", .size, range: 1...1e15, "the named buffer holding A, then B from the next page", shownUnit: "name",
                shownDefault: "laid out by the step"),
        ]),
        Kind(name: "copy", summary: "host copies over the host link (pinned memory), one after the other", keys: [
            words("direction", CopyDirection.allCases.map(\.rawValue), "h2d or d2h"),
            key("bytes", .size, range: 1...1e13, "the bytes to copy, such as 1 GiB"),
            key("count", .count, default: 1, range: 1...1e9, "copies one after the other"),
            key("overhead", .time, default: 0, range: 0...1, "fixed cost of each copy before its first byte moves"),
        ]),
        Kind(name: "cpu-chase", summary: "one Grace thread's dependent loads through a buffer (a one-thread cpu phase)", keys: [
            words("core", CoreKind.allCases.map(\.rawValue), "a core kind"),
            key("buffer", .size, range: 64...1e13, "the buffer size, such as 1 GiB"),
            key("steps", .count, range: 1...1e10, "the loads to time, such as 20000"),
        ]),
        Kind(name: "cpu", summary: "threads on the Grace cores running programs of stream, compute and chase steps, together", keys: [
            key("threads", .count, range: 1...1e6, "a list of threads {core, cluster, count, program}", shownUnit: "list"),
        ]),
        Kind(name: "idle", summary: "nothing runs for the given span", keys: [
            key("duration", .time, range: 1e-12...1e6, "a time such as 1 ms"),
        ]),
    ]

    /// The LLM kinds, each expanded into a model's kernels (`ScenarioLoader.readLLM`).
    public static let llm: [Kind] = {
        var kvCache = words("kvCache", KVCacheFormat.allCases.map(\.rawValue), default: "bf16", "the KV cache's format")
        kvCache.shownDefault = "the model's"
        let model: [KernelKey] = [
            key("model", .count, range: 0...0, "a model of Scenarios/models/ (its name) or a model file", shownUnit: "name"),
            key("weights", .count, range: 0...0, "one of the model's weight files", shownUnit: "name", shownDefault: "the model's first"),
            kvCache,
            key("profile", .count, range: 0...0, "a software profile of Scenarios/profiles/", shownUnit: "name", shownDefault: "llama.cpp"),
            key("batch", .count, default: 1, range: 1...4_096, "sequences processed together"),
        ]
        let seed = key("seed", .count, default: 1, range: 0...1e18, "seeds the router's draws of experts")
        let prompt = key("prompt", .count, range: 1...1_048_576, "prompt tokens of each sequence, at most the model's context")
        let tokens = key("tokens", .count, range: 1...100_000, "tokens each sequence decodes, one step each")
        return [
            Kind(name: "llm-prefill", summary: "a model's forward step over each sequence's prompt", keys: model + [prompt, seed]),
            Kind(name: "llm-decode", summary: "a model decoding one token per sequence a step, after `context` cached tokens",
                 keys: model + [key("context", .count, default: 0, range: 0...1_048_576, "tokens already in each sequence's KV cache"), tokens, seed]),
            Kind(name: "llm-generate", summary: "a prompt, then tokens decoded (llama-bench's pp and tg)", keys: model + [prompt, tokens, seed]),
        ]
    }()

    /// The declaration of kind `name`.
    public static func kind(_ name: String) -> Kind {
        guard let kind = all.first(where: { $0.name == name }) else { preconditionFailure("no hand-written kind \(name)") }
        return kind
    }
}

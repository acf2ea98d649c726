import Foundation
import TwinWorkloads
import Yams

/// Model description files (`Scenarios/models/<name>.yaml`): an LLM's architecture and the
/// formats of the files it is run from, read with the scenario reader's diagnostics.
public enum ModelFile {
    /// Where model files are looked for, by name.
    public static let folder = "Scenarios/models"

    /// The description in the file at `path`.
    ///
    /// - Throws: `ScenarioError` with every problem in the file.
    public static func load(path: String) throws -> ModelDescription {
        try parse(text: try InputFile.read(path: path), file: path)
    }

    /// The description in `text`, read as the file at `path`.
    public static func parse(text: String, file path: String) throws -> ModelDescription {
        try InputFile.document(text, file: path, expected: "a model description", read: read(_:sink:))
    }

    /// The file of model `name` (or a path ending in `.yaml`, taken beside `near` when relative).
    public static func locate(_ name: String, near folder: String? = nil) -> String? {
        if name.hasSuffix(".yaml") {
            guard let folder, !name.hasPrefix("/") else { return name }
            let beside = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: beside) ? beside : name
        }
        return folders(Self.folder, near: folder).lazy.map { $0.appendingPathComponent("\(name).yaml").path }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The names of the models in the nearest models folder.
    public static func names(near folder: String? = nil) -> [String] {
        guard let nearest = folders(Self.folder, near: folder).first else { return [] }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: nearest.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Every folder `Scenarios/<kind>` (`Scenarios/models`), nearest first: `<kind>/` or
    /// `Scenarios/<kind>/` in `near` (a scenario's folder) or a folder above it, then the same
    /// from the current folder, then from the checkout the binary was built in.
    static func folders(_ scenariosFolder: String, near folder: String?) -> [URL] {
        let kind = URL(fileURLWithPath: scenariosFolder).lastPathComponent
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let folder { starts.insert(URL(fileURLWithPath: folder), at: 0) }
        if let binary = Bundle.main.executableURL { starts.append(binary.resolvingSymlinksInPath().deletingLastPathComponent()) }
        var found: [URL] = []
        for start in starts {
            var place = start.standardizedFileURL
            while true {
                for candidate in [place.appendingPathComponent(kind), place.appendingPathComponent(scenariosFolder)] {
                    var isFolder: ObjCBool = false
                    if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), isFolder.boolValue, !found.contains(candidate) {
                        found.append(candidate)
                    }
                }
                if place.path == "/" { break }
                place = place.deletingLastPathComponent()
            }
        }
        return found
    }

    static func read(_ root: Node, sink: inout DiagnosticSink) -> ModelDescription? {
        guard var top = MappingReader(root, path: "", sink: &sink) else { return nil }
        let name = sink.string(top.required("name", "the model's name", sink: &sink), "name")
        let summary = sink.string(top.optional("summary"), "summary") ?? ""
        func count(_ key: String, _ reader: inout MappingReader, _ path: String, required: Bool = true, minimum: UInt64 = 1) -> Int? {
            let node = required ? reader.required(key, "a whole number of at least \(minimum)", sink: &sink) : reader.optional(key)
            guard let node else { return nil }
            guard let value = sink.unsigned(node, join(path, key), minimum: minimum) else { return nil }
            guard value <= 1 << 30 else {
                sink.error(node, join(path, key), "expected at most \(grouped(1 << 30)), found \(grouped(Int(value)))")
                return nil
            }
            return Int(value)
        }
        let layers = count("layers", &top, "")
        let hidden = count("hidden", &top, "")
        let vocabulary = count("vocabulary", &top, "")
        let maxContext = count("maxContext", &top, "")
        let tied = sink.bool(top.optional("tiedEmbeddings"), "tiedEmbeddings") ?? false
        let kvCache = sink.choice(top.optional("kvCache"), "kvCache", KVCacheFormat.self) ?? (top.optional("kvCache") == nil ? .bf16 : nil)

        var attention: ModelDescription.Attention?
        if let node = top.required("attention", "a mapping of heads, kvHeads, headDim, …", sink: &sink),
           var reader = MappingReader(node, path: "attention", sink: &sink) {
            let heads = count("heads", &reader, "attention")
            let kvHeads = count("kvHeads", &reader, "attention")
            let headDim = count("headDim", &reader, "attention")
            let biases = sink.choice(reader.optional("biases"), "attention.biases", AttentionBiases.self) ?? .none
            let sinks = sink.bool(reader.optional("sinks"), "attention.sinks") ?? false
            let qkNorm = sink.bool(reader.optional("qkNorm"), "attention.qkNorm") ?? false
            let window = count("slidingWindow", &reader, "attention", required: false)
            var pattern: [ModelDescription.LayerAttention] = [.full]
            if let node = reader.optional("layers") {
                if case .sequence(let items) = node, !items.isEmpty {
                    pattern = items.enumerated().compactMap { sink.choice($1, "attention.layers.\($0)", ModelDescription.LayerAttention.self) }
                    if pattern.count != items.count { pattern = [] }
                } else {
                    sink.error(node, "attention.layers", "expected a list of full or sliding, repeated over the layers, found \(found(node))")
                }
            }
            if pattern.contains(.sliding) && window == nil {
                sink.error(node, "attention.slidingWindow", "missing required key; expected the sliding layers' window, tokens")
            }
            if let heads, let kvHeads, heads % kvHeads != 0 {
                sink.error(reader.optional("kvHeads"), "attention.kvHeads", "expected a divisor of attention.heads (\(heads)), found \(kvHeads)")
            }
            reader.rejectUnknownKeys(sink: &sink)
            if let heads, let kvHeads, let headDim, !pattern.isEmpty {
                attention = .init(heads: heads, kvHeads: kvHeads, headDim: headDim, qkvBias: biases != .none, outputBias: biases == .qkvo,
                                  sinks: sinks, qkNorm: qkNorm, pattern: pattern, slidingWindowTokens: window)
            }
        }

        var feedForward: ModelDescription.FeedForward?
        if let node = top.required("ffn", "a mapping of size and, for a mixture of experts, experts and expertsPerToken", sink: &sink),
           var reader = MappingReader(node, path: "ffn", sink: &sink) {
            let size = count("size", &reader, "ffn")
            let gated = sink.bool(reader.optional("gated"), "ffn.gated") ?? true
            let experts = count("experts", &reader, "ffn", required: false, minimum: 0) ?? 0
            let perToken = count("expertsPerToken", &reader, "ffn", required: experts > 0)
            let shared = count("sharedExperts", &reader, "ffn", required: false, minimum: 0) ?? 0
            let biases = sink.bool(reader.optional("biases"), "ffn.biases") ?? false
            if experts == 0, let node = reader.optional("expertsPerToken") {
                sink.error(node, "ffn.expertsPerToken", "expected no expertsPerToken for a dense FFN (ffn.experts is 0)")
            }
            if let perToken, experts > 0, perToken > experts {
                sink.error(reader.optional("expertsPerToken"), "ffn.expertsPerToken", "expected at most ffn.experts (\(experts)), found \(perToken)")
            }
            reader.rejectUnknownKeys(sink: &sink)
            if let size { feedForward = .init(size: size, gated: gated, experts: experts, expertsPerToken: experts > 0 ? perToken ?? 0 : 0, sharedExperts: shared, biases: biases) }
        }

        var variants: [WeightVariant] = []
        if let node = top.required("weights", "a mapping of weight files by name, each with its formats", sink: &sink) {
            if case .mapping(let mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard case .scalar(let scalar) = key else { continue }
                    if let variant = readVariant(scalar.string, value, experts: (feedForward?.experts ?? 0) > 0, sink: &sink) { variants.append(variant) }
                }
            } else {
                sink.error(node, "weights", "expected a mapping of weight files by name (bf16: {all: bf16}), found \(found(node))")
            }
        }
        top.rejectUnknownKeys(sink: &sink)
        guard let name, let layers, let hidden, let vocabulary, let maxContext, let kvCache, let attention, let feedForward, !variants.isEmpty else { return nil }
        return ModelDescription(name: name, summary: summary, layers: layers, hidden: hidden, attention: attention, feedForward: feedForward,
                                vocabulary: vocabulary, tiedEmbeddings: tied, maxContextTokens: maxContext, variants: variants, kvCache: kvCache)
    }

    /// One weight file: `all:` the format of every matrix, overridden per tensor group;
    /// `vectors` (norms, biases, sinks) default to bf16.
    static func readVariant(_ name: String, _ node: Node, experts: Bool, sink: inout DiagnosticSink) -> WeightVariant? {
        let path = "weights.\(name)"
        guard var reader = MappingReader(node, path: path, sink: &sink) else { return nil }
        let source = sink.string(reader.required("source", "where these formats come from (the checkpoint, a GGUF file)", sink: &sink), join(path, "source"))
        let all = sink.choice(reader.required("all", "the format of every matrix (\(WeightFormat.allCases.map(\.rawValue).joined(separator: ", ")))", sink: &sink),
                              join(path, "all"), WeightFormat.self)
        var formats: [TensorGroup: WeightFormat] = [:]
        var complete = all != nil
        for group in TensorGroup.allCases {
            guard let value = reader.optional(group.rawValue) else {
                if let all { formats[group] = group == .vectors ? .bf16 : all }
                continue
            }
            if group == .experts && !experts { sink.error(value, join(path, group.rawValue), "expected no experts format for a dense FFN (ffn.experts is 0)") }
            if let format = sink.choice(value, join(path, group.rawValue), WeightFormat.self) { formats[group] = format } else { complete = false }
        }
        reader.rejectUnknownKeys(sink: &sink)
        guard complete, let source else { return nil }
        return WeightVariant(name: name, source: source, formats: formats)
    }

    enum AttentionBiases: String, CaseIterable {
        case none
        /// On the Q, K and V projections.
        case qkv
        /// On Q, K, V and the output projection.
        case qkvo
    }
}

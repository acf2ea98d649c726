import Foundation
import TwinCore
import TwinModels
import TwinWorkloads
import Yams

/// Software profile files (`Scenarios/profiles/<name>.yaml`): what a framework adds around a
/// model's kernels. Every value is `{value:, source:}`, so none is without its origin.
public enum ProfileFile {
    public static let folder = "Scenarios/profiles"

    public static func load(path: String) throws -> SoftwareProfile {
        try parse(text: try InputFile.read(path: path), file: path)
    }

    public static func parse(text: String, file path: String) throws -> SoftwareProfile {
        try InputFile.document(text, file: path, expected: "a software profile", read: read(_:sink:))
    }

    /// The file of profile `name` (or a path ending in `.yaml`), found as model files are.
    public static func locate(_ name: String, near folder: String? = nil) -> String? {
        if name.hasSuffix(".yaml") { return ModelFile.locate(name, near: folder) }
        return ModelFile.folders(Self.folder, near: folder).lazy.map { $0.appendingPathComponent("\(name).yaml").path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    static func read(_ root: Node, sink: inout DiagnosticSink) -> SoftwareProfile? {
        guard var top = MappingReader(root, path: "", sink: &sink) else { return nil }
        let name = sink.string(top.required("name", "the profile's name", sink: &sink), "name")
        let summary = sink.string(top.optional("summary"), "summary") ?? ""
        var sources: [String: String] = [:]
        /// A `{value:, source:}` entry: its value read by `value` (given the node and its key
        /// path), its source kept; nil, with the errors in `sink`, when either is wrong.
        func entry<T>(_ key: String, expected: String, value read: (Node, String, inout DiagnosticSink) -> T?) -> T? {
            guard let node = top.required(key, "a mapping of value and source", sink: &sink),
                  var reader = MappingReader(node, path: key, sink: &sink) else { return nil }
            let value = reader.required("value", expected, sink: &sink).flatMap { read($0, join(key, "value"), &sink) }
            if let source = sink.string(reader.required("source", "where the value comes from", sink: &sink), join(key, "source")) { sources[key] = source }
            reader.rejectUnknownKeys(sink: &sink)
            return value
        }
        /// A quantity entry.
        func sourced(_ key: String, _ dimension: QuantityKind, range: ClosedRange<Double>) -> Double? {
            entry(key, expected: "the \(Units.describe(dimension))") { node, path, sink in
                sink.quantity(node, path, dimension, range: range, integral: dimension == .count)
            }
        }
        let gap = sourced("kernelGap", .time, range: 0...1)
        let host = sourced("hostPerStep", .time, range: 0...10)
        let cores = sourced("hostCores", .count, range: 0...64)
        let padding = sourced("kvPaddingTokens", .count, range: 1...65_536)
        let mmq = sourced("quantizedGEMMEfficiency", .ratio, range: 0.001...1)
        /// An entry whose value is one of `choices`.
        func sourcedChoice(_ key: String, _ choices: [String: String]) -> String? {
            let expected = choices.keys.sorted().map { "\($0)\(choices[$0]!.isEmpty ? "" : " (\(choices[$0]!))")" }.joined(separator: " or ")
            return entry(key, expected: expected) { node, path, sink in
                guard let text = sink.string(node, path) else { return nil }
                if choices[text] == nil { sink.error(node, path, "expected \(expected), found \"\(text)\"") }
                return choices[text] == nil ? nil : text
            }
        }
        let mmqPrecision = sourcedChoice("quantizedGEMMPrecision", ["fp8": "int8 MMA", "fp4": "FP4 MMA", "bf16": "BF16 MMA on dequantized tiles"])
            .flatMap(Precision.init(rawValue:))
        let smallBatch = sourcedChoice("smallBatchMatrices", ["stream": "GEMV kernels", "gemm": "the library GEMM"])
            .flatMap(SoftwareProfile.SmallBatchMatrices.init(rawValue:))
        let yesNo = ["true": "", "false": ""]
        let mergedQKV = sourcedChoice("mergedQKV", yesNo), mergedGateUp = sourcedChoice("mergedGateUp", yesNo)
        let fusedAddNorm = sourcedChoice("fusedAddNorm", yesNo)
        let sampling = sourcedChoice("sampling", ["cpu": "in the host's work", "gpu": "a kernel over the logits"])
        let graphs = sourcedChoice("cudaGraphs", ["none": "every step eager", "decode": "decode steps as graphs", "all": "every step as a graph"])
            .flatMap(SoftwareProfile.GraphUse.init(rawValue:))
        let eagerGap = sourced("eagerKernelGap", .time, range: 0...1)
        let activationFormat = sourcedChoice("activationFormat", ["f32": "4 bytes", "bf16": "2 bytes"]).flatMap(WeightFormat.init(rawValue:))
        /// An entry whose value is a list of weight formats, possibly empty.
        func sourcedFormats(_ key: String) -> Set<WeightFormat>? {
            let expected = "a list of weight formats (\(WeightFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
            return entry(key, expected: expected) { node, path, sink in
                guard case .sequence(let items) = node else {
                    sink.error(node, path, "expected \(expected)")
                    return nil
                }
                var formats: Set<WeightFormat>? = []
                for (index, item) in items.enumerated() {
                    let itemPath = "\(path)[\(index)]"
                    guard let text = sink.string(item, itemPath) else { formats = nil; continue }
                    if let format = WeightFormat(rawValue: text) { formats?.insert(format) }
                    else { sink.error(item, itemPath, "expected one of \(expected), found \"\(text)\""); formats = nil }
                }
                return formats
            }
        }
        let activationQuantize = sourcedFormats("activationQuantize")
        top.rejectUnknownKeys(sink: &sink)
        guard let name, let gap, let host, let cores, let padding, let mmq, let mmqPrecision, let smallBatch,
              let mergedQKV, let mergedGateUp, let fusedAddNorm, let sampling, let graphs, let eagerGap,
              let activationFormat, let activationQuantize else { return nil }
        var profile = SoftwareProfile(name: name, summary: summary, kernelGap: SimDuration(seconds: gap), hostPerStep: SimDuration(seconds: host),
                                      hostCores: Int(cores), kvPaddingTokens: Int(padding), quantizedGEMMEfficiency: mmq,
                                      quantizedGEMMPrecision: mmqPrecision, sources: sources)
        profile.smallBatchMatrices = smallBatch
        profile.samplesOnGPU = sampling == "gpu"
        profile.cudaGraphs = graphs
        profile.eagerKernelGap = SimDuration(seconds: eagerGap)
        profile.activationFormat = activationFormat
        profile.activationQuantize = activationQuantize
        profile.fusions = KernelFusions(mergedQKV: mergedQKV == "true", mergedGateUp: mergedGateUp == "true", fusedAddNorm: fusedAddNorm == "true")
        return profile
    }
}

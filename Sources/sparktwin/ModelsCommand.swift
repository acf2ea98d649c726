import ArgumentParser
import TwinModels
import TwinScenario
import TwinWorkloads

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the LLM model descriptions, or show one: parameters and bytes per tensor group, KV cache, and what fits.",
        discussion: """
            Models are read from Scenarios/models/<name>.yaml (architecture from the published configuration, \
            the formats of each weight file). Every count is derived from the architecture. What fits is \
            weights + KV cache + activations against the preset's machine.memory.usable.
            """)

    @Argument(help: ArgumentHelp("A model's name or file; none lists them.", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("Show only this weight file (default: each).", valueName: "name"))
    var weights: String?

    @Option(help: ArgumentHelp("Sequences decoding together.", valueName: "N"))
    var batch = 1

    @Option(help: ArgumentHelp("Context depth of each sequence, tokens.", valueName: "tokens"))
    var context = 32_768

    @Option(help: ArgumentHelp("The KV cache's format (default: the model's).", valueName: "bf16|fp16|fp8"))
    var kvCache: String?

    @Option(help: ArgumentHelp("The machine whose memory.usable the model must fit in.", valueName: "name"))
    var preset = "dgx-spark"

    func validate() throws {
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        if context < 0 { throw ValidationError("--context must not be negative") }
    }

    func run() throws {
        guard let model else {
            let names = ModelFile.names()
            guard !names.isEmpty else { throw CleanExit.message(error: "no \(ModelFile.folder) folder here or above") }
            var rows = [["model", "layers", "parameters", "active", "weights", "summary"]]
            for name in names {
                let description = try loadModel(name)
                rows.append([name, "\(description.layers)", billions(description.totalParameters), billions(description.activeParameters),
                             description.variants.map(\.name).joined(separator: ", "), description.summary])
            }
            printTable(rows)
            return
        }
        guard let values = MachineParameters.values(preset: preset) else {
            throw CleanExit.message(error: "no preset \"\(preset)\"; presets: \(MachineParameters.presetNames.joined(separator: ", "))")
        }
        let usable = MachineConfig(values).memoryUsableBytes
        let description = try loadModel(model)
        let kv: KVCacheFormat
        if let kvCache {
            guard let format = KVCacheFormat(rawValue: kvCache) else {
                throw CleanExit.message(error: "no KV-cache format \"\(kvCache)\"; formats: \(KVCacheFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kv = format
        } else {
            kv = description.kvCache
        }
        var variants = description.variants
        if let weights {
            guard let variant = description.variant(weights) else {
                throw CleanExit.message(error: "\(description.name) has no weights \"\(weights)\"; it has: \(description.variants.map(\.name).joined(separator: ", "))")
            }
            variants = [variant]
        }
        print("\(description.name): \(description.summary)")
        print("\(description.layers) layers, hidden \(description.hidden), \(billions(description.totalParameters)) parameters, \(billions(description.activeParameters)) active per token")
        let window = description.attention.slidingWindowTokens.map { ", the sliding layers keeping the last \(grouped($0)) tokens" } ?? ""
        print("KV cache (\(kv.rawValue)): \(grouped(Int(description.kvBytesPerTokenPerLayer(kv)))) B per token per layer; " +
              "\(gib(description.kvCacheBytes(contextTokens: context, format: kv))) per sequence at \(grouped(context)) tokens\(window)")
        print("")
        var rows = [["group", "parameters"] + variants.map { "\($0.name) format" } + variants.map { "\($0.name) bytes" }]
        for group in TensorGroup.allCases where description.parameters(group) > 0 {
            rows.append([group.rawValue, grouped(Int(description.parameters(group)))] + variants.map { $0.format(group).rawValue }
                        + variants.map { gib(description.weightBytes(group, $0)) })
        }
        rows.append(["total", grouped(Int(description.totalParameters))] + variants.map { _ in "" } + variants.map { gib(description.weightBytes($0)) })
        printTable(rows)
        print("")
        print("On \(preset) (machine.memory.usable \(gib(usable))), batch \(batch) at \(grouped(context)) tokens of context:")
        var fitRows = [["weights", "footprint", "fits", "largest batch at this context", "longest context at this batch"]]
        for variant in variants {
            let footprint = ModelFootprint(description, variant, kvCache: kv, sequences: batch, contextTokens: context, tokensPerStep: batch)
            fitRows.append([variant.name, footprint.sizes, footprint.fits(in: usable) ? "yes" : "no",
                            grouped(description.largestBatch(variant, kvCache: kv, contextTokens: context, usableBytes: usable)),
                            grouped(description.largestContext(variant, kvCache: kv, sequences: batch, usableBytes: usable))])
        }
        printTable(fitRows)
    }

    func loadModel(_ name: String) throws -> ModelDescription {
        guard let path = ModelFile.locate(name) else {
            throw CleanExit.message(error: "no model \"\(name)\"; models: \(ModelFile.names().joined(separator: ", "))")
        }
        do {
            return try ModelFile.load(path: path)
        } catch let error as ScenarioError {
            throw CleanExit.message(error: error.description)
        }
    }

    func billions(_ count: UInt64) -> String {
        let value = (Double(count) / 1e8).rounded() / 10
        return "\(value) B"
    }
}

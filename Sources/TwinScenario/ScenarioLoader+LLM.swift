import Foundation
import TwinCore
import TwinModels
import TwinWorkloads
import Yams

/// An LLM run of a node, as the loader expanded it: the plan, and the program step its first
/// phase is.
public struct LLMRun: Sendable {
    public var plan: LLMPlan
    public var firstStep: Int
}

extension ScenarioLoader {
    /// The kinds of LLM phase, each expanded into the kernels of its forward steps.
    static let llmKinds: [String: LLMWorkload.Mode] = ["llm-prefill": .prefill, "llm-decode": .decode, "llm-generate": .generate]


    /// An `llm-prefill`, `llm-decode` or `llm-generate` phase: the model's file and weights, the
    /// software profile, the batch and the tokens; expanded into one step per kernel (after its
    /// launch gap) and the host's work after each forward step. Its weights, KV cache and
    /// activations are buffers of their own after the named ones, and must fit in what is left
    /// of `memory.usable`.
    static func readLLM(_ item: Node, mode: LLMWorkload.Mode, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> (StepsRead, LLMPlan)? {
        guard var reader = MappingReader(item, path: path, sink: &sink) else { return nil }
        _ = reader.optional("kind")
        let folder = URL(fileURLWithPath: sink.file).deletingLastPathComponent().path
        let declared = HandWrittenKinds.llm.first { llmKinds[$0.name] == mode }!
        /// Key `name` of the kind, by its declaration.
        func count(_ name: String) -> Int? { readDeclared(&reader, declared[name], path: path, sink: &sink).map { Int($0) } }
        var model: ModelDescription?
        let modelNode = reader.required("model", "a model's name (a file of Scenarios/models/) or file", sink: &sink)
        if let modelNode, let name = sink.string(modelNode, join(path, "model")) {
            if let file = ModelFile.locate(name, near: folder) {
                do { model = try ModelFile.load(path: file) } catch let error as ScenarioError {
                    let first = error.diagnostics.first.map(\.description) ?? ""
                    sink.error(modelNode, join(path, "model"), "expected a valid model file, found problems in \(file): \(first)")
                } catch {}
            } else {
                sink.error(modelNode, join(path, "model"), "expected one of the models of \(ModelFile.folder) (\(ModelFile.names(near: folder).joined(separator: ", "))) or a file, found \"\(name)\"")
            }
        }
        var variant: WeightVariant?
        let weightsNode = reader.optional("weights")
        if let model {
            if let weightsNode {
                if let name = sink.string(weightsNode, join(path, "weights")) {
                    variant = model.variant(name)
                    if variant == nil { sink.error(weightsNode, join(path, "weights"), "expected one of \(model.name)'s weights (\(model.variants.map(\.name).joined(separator: ", "))), found \"\(name)\"") }
                }
            } else {
                variant = model.variants.first
            }
        }
        let kvNode = reader.optional("kvCache")
        let kvCache = kvNode.map { sink.choice($0, join(path, "kvCache"), KVCacheFormat.self) } ?? model?.kvCache
        var profile: SoftwareProfile?
        let profileNode = reader.optional("profile")
        let profileName = profileNode.map { sink.string($0, join(path, "profile")) } ?? "llama.cpp"
        if let profileName {
            if let file = ProfileFile.locate(profileName, near: folder) {
                do { profile = try ProfileFile.load(path: file) } catch let error as ScenarioError {
                    sink.error(profileNode ?? item, join(path, "profile"), "expected a valid profile file, found problems in \(file): \(error.diagnostics.first.map(\.description) ?? "")")
                } catch {}
            } else {
                sink.error(profileNode ?? item, join(path, "profile"), "expected a profile of \(ProfileFile.folder), found \"\(profileName)\"")
            }
        }
        let batch = count("batch")
        let prompt = mode == .decode ? 0 : count("prompt")
        let contextTokens = mode == .decode ? count("context") : 0
        let tokens = mode == .prefill ? 0 : count("tokens")
        let seed = UInt64(count("seed") ?? 1)
        reader.rejectUnknownKeys(sink: &sink)
        guard let model, let variant, let kvCache, let profile, let batch, let prompt, let contextTokens, let tokens else { return nil }
        let workload = LLMWorkload(model: model, variant: variant, kvCache: kvCache, profile: profile, mode: mode, batch: batch,
                                   promptTokens: prompt, contextTokens: contextTokens, outputTokens: tokens)
        if workload.maximumContextTokens > model.maxContextTokens {
            sink.error(item, path, "expected a context of at most \(grouped(model.maxContextTokens)) tokens (\(model.name)'s), found \(grouped(workload.maximumContextTokens)) with the output tokens")
            return nil
        }
        // Weights, KV cache and activations after the named buffers, each 2 MiB aligned.
        let namedEnd = context.buffers.values.map(\.end).max() ?? 0
        let footprint = workload.footprint
        func aligned(_ bytes: UInt64) -> UInt64 { (bytes + BufferAllocator.alignmentBytes - 1) / BufferAllocator.alignmentBytes * BufferAllocator.alignmentBytes }
        let weightsBase = aligned(namedEnd)
        let kvBase = aligned(weightsBase + footprint.weightBytes)
        let activationsBase = aligned(kvBase + footprint.kvCacheBytes)
        let end = activationsBase + footprint.activationBytes
        if let usable = context.memoryUsableBytes, end > usable {
            let named = namedEnd > 0 ? ", \(gib(namedEnd)) of it named buffers" : ""
            let batchFits = model.largestBatch(variant, kvCache: kvCache, contextTokens: workload.maximumContextTokens, usableBytes: usable - min(usable, weightsBase))
            let contextFits = model.largestContext(variant, kvCache: kvCache, sequences: batch, usableBytes: usable - min(usable, weightsBase))
            sink.error(item, path, "expected the model to fit in machine.memory.usable (\(gib(usable))\(named)): \(model.name) \(variant.name) at batch \(batch) and \(grouped(workload.maximumContextTokens)) tokens of context takes \(footprint.sizes); at that context \(grouped(batchFits)) sequences fit, at that batch a context of \(grouped(contextFits)) tokens")
            return nil
        }
        let plan = LLMPlan(workload, gemmDefaults: context.gemmDefaults, ridgeFlopsPerByte: context.ridgeFlopsPerByte,
                           weightsBase: weightsBase, kvBase: kvBase, activationsBase: activationsBase, seed: seed)
        if plan.phases.count > Program.maximumLLMPhases {
            sink.error(item, path, "expected at most \(grouped(Program.maximumLLMPhases)) phases (kernels, launch gaps and host work), found \(grouped(plan.phases.count)); decode fewer tokens")
            return nil
        }
        var read = StepsRead()
        read.phases = plan.phases
        read.placements = plan.placements
        read.cores = plan.cpuCores
        read.nodes = Array(repeating: item, count: plan.phases.count)
        read.paths = Array(repeating: path, count: plan.phases.count)
        read.steps = plan.phases.indices.map { $0..<($0 + 1) }
        read.loops = plan.loops
        read.buffers = [NamedBuffer(name: "\(path).weights", bytes: footprint.weightBytes, base: weightsBase),
                        NamedBuffer(name: "\(path).kv", bytes: footprint.kvCacheBytes, base: kvBase),
                        NamedBuffer(name: "\(path).activations", bytes: footprint.activationBytes, base: activationsBase)]
        return (read, plan)
    }
}

extension ScenarioNode {
    /// The metrics of the node's LLM phases (`llm.*`; with a phase's index in the workload when
    /// the program has several), from its steps' times and its own metrics.
    public func llmMetrics(stepTimes: StepTimes, runMetrics: [MetricValue]) -> [MetricValue] {
        llm.enumerated().flatMap { index, run in
            LLMMetrics.metrics(run.plan, firstStep: run.firstStep, stepTimes: stepTimes, runMetrics: runMetrics,
                               peakBandwidthBytesPerSecond: machine.memory.peakBandwidthBytesPerSecond).map { metric in
                guard llm.count > 1 else { return metric }
                var numbered = metric
                numbered.name = "llm\(index + 1)" + metric.name.dropFirst("llm".count)
                return numbered
            }
        }
    }
}

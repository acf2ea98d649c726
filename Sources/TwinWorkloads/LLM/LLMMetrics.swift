import TwinModels

/// The metrics of an LLM run, declared once: read from when each program step ended and from
/// the run's own metrics (energy, the DRAM's peak).
public enum LLMMetrics {
    public struct Declaration: Sendable {
        public var name: String
        public var unit: String
        public var better: MetricDirection
        public var meaning: String
    }

    static func d(_ name: String, _ unit: String, _ better: MetricDirection, _ meaning: String) -> Declaration {
        Declaration(name: name, unit: unit, better: better, meaning: meaning)
    }

    /// The time breakdown's classes: the kernels' and the gaps between them.
    public static let timeClasses: [String] = KernelClass.allCases.map(\.rawValue) + ["launch", "host"]

    public static let declarations: [Declaration] = [
        d("llm.prefill.tokens_per_s", "tok/s", .higherIsBetter, "prompt tokens over the prefill's time (every sequence's), host work included"),
        d("llm.time_to_first_token", "ms", .lowerIsBetter, "from the start to the end of the prefill and its host work: the first output token is sampled"),
        d("llm.decode.tokens_per_s", "tok/s", .higherIsBetter, "output tokens of one sequence over the decode's time"),
        d("llm.decode.tokens_per_s.aggregate", "tok/s", .higherIsBetter, "output tokens of all sequences over the decode's time"),
        d("llm.decode.time_per_token", "ms", .lowerIsBetter, "the decode's time per step (one token of each sequence)"),
        d("llm.decode.bytes_per_token", "B", .neutral, "bytes the kernels of a decode step move, over the sequences"),
        d("llm.decode.flops_per_token", "FLOP", .neutral, "FLOPs of a decode step, over the sequences"),
        d("llm.decode.bandwidth", "GB/s", .higherIsBetter, "weight and KV-cache bytes the decode steps read and write (DRAM traffic) over the decode's time"),
        d("llm.decode.bandwidth_share", "ratio", .higherIsBetter, "that bandwidth over the DRAM's peak"),
        d("llm.prefill.flops_per_token", "FLOP", .neutral, "FLOPs of the prefill over its prompt tokens"),
        d("llm.energy_per_token", "J", .lowerIsBetter, "the run's package energy over the tokens it processed (prompt and output)"),
        d("llm.memory.weights", "B", .neutral, "the weight file's bytes"),
        d("llm.memory.kv_cache", "B", .neutral, "the KV cache of every sequence at its longest context"),
        d("llm.memory.activations", "B", .neutral, "one step's activations (an estimate)"),
        d("llm.memory.total", "B", .neutral, "weights, KV cache and activations"),
        d("llm.kernels", "count", .neutral, "kernels launched"),
    ] + timeClasses.map { d("llm.decode.token_time.\($0)", "us", .lowerIsBetter, "a decode step's time in \($0 == "launch" ? "launch gaps" : $0 == "host" ? "host work" : "\($0) kernels")") }
      + timeClasses.map { d("llm.prefill.time.\($0)", "ms", .lowerIsBetter, "the prefill's time in \($0 == "launch" ? "launch gaps" : $0 == "host" ? "host work" : "\($0) kernels")") }

    public static func declaration(_ name: String) -> Declaration? { declarations.first { $0.name == name } }

    /// The metrics of `plan`, whose first phase is program step `firstStep`, from `stepEndsPs`
    /// (every program step's end), the run's metrics and the DRAM's peak. Steps the run did not
    /// reach count as not run: rates are over what finished.
    public static func metrics(_ plan: LLMPlan, firstStep: Int, stepEndsPs: [UInt64], runMetrics: [MetricValue],
                               peakBandwidthBytesPerSecond: Double) -> [MetricValue] {
        let w = plan.workload
        let startPs = firstStep == 0 ? 0 : stepEndsPs[firstStep - 1]
        var forwardPs = [UInt64](repeating: 0, count: plan.forwardSteps.count)
        var forwardDone = [Bool](repeating: false, count: plan.forwardSteps.count)
        var classPs = [[UInt64]](repeating: [UInt64](repeating: 0, count: timeClasses.count), count: 2)
        var previous = startPs
        var kernels = 0
        for (offset, part) in plan.parts.enumerated() {
            let step = firstStep + offset
            guard step < stepEndsPs.count else { break }
            let span = stepEndsPs[step] - previous
            previous = stepEndsPs[step]
            forwardPs[part.forwardStep] += span
            forwardDone[part.forwardStep] = offset + 1 == plan.parts.count || plan.parts[offset + 1].forwardStep != part.forwardStep
            let slot: Int
            switch part.part {
            case .kernel(let kernelClass):
                slot = KernelClass.allCases.firstIndex(of: kernelClass)!
                kernels += 1
            case .launchGap: slot = timeClasses.count - 2
            case .host: slot = timeClasses.count - 1
            }
            classPs[plan.forwardSteps[part.forwardStep].tokensPerSequence == 1 ? 0 : 1][slot] += span
        }
        var out: [MetricValue] = []
        func add(_ name: String, _ value: Double) { out.append(MetricValue(name: name, value: value, unit: declaration(name)!.unit)) }
        let prefill = plan.forwardSteps.indices.filter { plan.forwardSteps[$0].tokensPerSequence > 1 || w.mode == .prefill }
        let decode = plan.forwardSteps.indices.filter { !prefill.contains($0) }
        let prefillDone = prefill.filter { forwardDone[$0] }, decodeDone = decode.filter { forwardDone[$0] }
        let prefillS = Double(prefillDone.reduce(0) { $0 + forwardPs[$1] }) * 1e-12
        let decodeS = Double(decodeDone.reduce(0) { $0 + forwardPs[$1] }) * 1e-12
        let promptTokens = Double(prefillDone.reduce(0) { $0 + plan.forwardSteps[$1].tokens })
        let outputSteps = Double(decodeDone.count)
        if !prefill.isEmpty {
            add("llm.prefill.tokens_per_s", prefillS > 0 ? promptTokens / prefillS : 0)
            add("llm.time_to_first_token", prefillDone.isEmpty ? 0 : prefillS * 1e3)
            add("llm.prefill.flops_per_token", promptTokens > 0 ? Double(prefillDone.reduce(0) { $0 + plan.stepFlops[$1] }) / promptTokens : 0)
            for (slot, name) in timeClasses.enumerated() { add("llm.prefill.time.\(name)", Double(classPs[1][slot]) * 1e-9) }
        }
        if !decode.isEmpty {
            let perSequence = decodeS > 0 ? outputSteps / decodeS : 0
            add("llm.decode.tokens_per_s", perSequence)
            add("llm.decode.tokens_per_s.aggregate", perSequence * Double(w.batch))
            add("llm.decode.time_per_token", outputSteps > 0 ? decodeS / outputSteps * 1e3 : 0)
            let bytes = Double(decodeDone.reduce(0) { $0 + plan.stepBytes[$1] })
            let tokens = outputSteps * Double(w.batch)
            add("llm.decode.bytes_per_token", tokens > 0 ? bytes / tokens : 0)
            add("llm.decode.flops_per_token", tokens > 0 ? Double(decodeDone.reduce(0) { $0 + plan.stepFlops[$1] }) / tokens : 0)
            let memoryBytes = Double(decodeDone.reduce(0) { $0 + plan.stepMemoryBytes[$1] })
            let bandwidth = decodeS > 0 ? memoryBytes / decodeS / 1e9 : 0
            add("llm.decode.bandwidth", bandwidth)
            let peak = peakBandwidthBytesPerSecond / 1e9
            add("llm.decode.bandwidth_share", peak > 0 ? bandwidth / peak : 0)
            for (slot, name) in timeClasses.enumerated() { add("llm.decode.token_time.\(name)", outputSteps > 0 ? Double(classPs[0][slot]) * 1e-6 / outputSteps : 0) }
        }
        let energy = runMetrics.first { $0.name == "energy.total" }?.value ?? 0
        let processed = promptTokens + outputSteps * Double(w.batch)
        add("llm.energy_per_token", processed > 0 ? energy / processed : 0)
        let footprint = w.footprint
        add("llm.memory.weights", Double(footprint.weightBytes))
        add("llm.memory.kv_cache", Double(footprint.kvCacheBytes))
        add("llm.memory.activations", Double(footprint.activationBytes))
        add("llm.memory.total", Double(footprint.totalBytes))
        add("llm.kernels", Double(kernels))
        return out
    }
}

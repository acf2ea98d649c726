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

    /// The metrics of `plan`, whose first phase is program step `firstStep`, from `stepTimes`
    /// (every program step's time over its runs), the run's metrics and the DRAM's peak. Work the
    /// run did not finish (a forward step cut short, a loop's last iteration) counts as not run:
    /// rates are over what finished.
    public static func metrics(_ plan: LLMPlan, firstStep: Int, stepTimes: StepTimes, runMetrics: [MetricValue],
                               peakBandwidthBytesPerSecond: Double) -> [MetricValue] {
        let w = plan.workload
        var forwardSeconds = [Double](repeating: 0, count: plan.forwardSteps.count)
        // Runs of each forward step that finished: its last step's.
        var forwardRuns = [UInt64](repeating: 0, count: plan.forwardSteps.count)
        var classSeconds = [[Double]](repeating: [Double](repeating: 0, count: timeClasses.count), count: 2)
        var kernels: UInt64 = 0
        for (offset, part) in plan.parts.enumerated() {
            let step = firstStep + offset
            let seconds = stepTimes.seconds[step], runs = stepTimes.runs[step]
            forwardSeconds[part.forwardStep] += seconds
            if offset + 1 == plan.parts.count || plan.parts[offset + 1].forwardStep != part.forwardStep { forwardRuns[part.forwardStep] = runs }
            let slot: Int
            switch part.part {
            case .kernel(let kernelClass):
                slot = KernelClass.allCases.firstIndex(of: kernelClass)!
                kernels += runs
            case .launchGap: slot = timeClasses.count - 2
            case .host: slot = timeClasses.count - 1
            }
            classSeconds[plan.forwardSteps[part.forwardStep].tokensPerSequence == 1 ? 0 : 1][slot] += seconds
        }
        var out: [MetricValue] = []
        func add(_ name: String, _ value: Double) { out.append(MetricValue(name: name, value: value, unit: declaration(name)!.unit)) }
        let prefill = plan.forwardSteps.indices.filter { plan.forwardSteps[$0].tokensPerSequence > 1 || w.mode == .prefill }
        let decode = plan.forwardSteps.indices.filter { !prefill.contains($0) }
        let prefillDone = prefill.filter { forwardRuns[$0] > 0 }, decodeDone = decode.filter { forwardRuns[$0] > 0 }
        let prefillS = prefillDone.reduce(0) { $0 + forwardSeconds[$1] }
        let decodeS = decodeDone.reduce(0) { $0 + forwardSeconds[$1] }
        let promptTokens = Double(prefillDone.reduce(0) { $0 + plan.forwardSteps[$1].tokens })
        let outputSteps = Double(decodeDone.reduce(0) { $0 + forwardRuns[$1] })
        /// A per-forward-step amount over the decode steps that finished, each as many times as it ran.
        func decodeTotal(_ perStep: [UInt64]) -> Double { decodeDone.reduce(0) { $0 + Double(perStep[$1]) * Double(forwardRuns[$1]) } }
        if !prefill.isEmpty {
            add("llm.prefill.tokens_per_s", prefillS > 0 ? promptTokens / prefillS : 0)
            add("llm.time_to_first_token", prefillDone.isEmpty ? 0 : prefillS * 1e3)
            add("llm.prefill.flops_per_token", promptTokens > 0 ? Double(prefillDone.reduce(0) { $0 + plan.stepFlops[$1] }) / promptTokens : 0)
            for (slot, name) in timeClasses.enumerated() { add("llm.prefill.time.\(name)", classSeconds[1][slot] * 1e3) }
        }
        if !decode.isEmpty {
            let perSequence = decodeS > 0 ? outputSteps / decodeS : 0
            add("llm.decode.tokens_per_s", perSequence)
            add("llm.decode.tokens_per_s.aggregate", perSequence * Double(w.batch))
            add("llm.decode.time_per_token", outputSteps > 0 ? decodeS / outputSteps * 1e3 : 0)
            let tokens = outputSteps * Double(w.batch)
            add("llm.decode.bytes_per_token", tokens > 0 ? decodeTotal(plan.stepBytes) / tokens : 0)
            add("llm.decode.flops_per_token", tokens > 0 ? decodeTotal(plan.stepFlops) / tokens : 0)
            let bandwidth = decodeS > 0 ? decodeTotal(plan.stepMemoryBytes) / decodeS / 1e9 : 0
            add("llm.decode.bandwidth", bandwidth)
            let peak = peakBandwidthBytesPerSecond / 1e9
            add("llm.decode.bandwidth_share", peak > 0 ? bandwidth / peak : 0)
            for (slot, name) in timeClasses.enumerated() { add("llm.decode.token_time.\(name)", outputSteps > 0 ? classSeconds[0][slot] * 1e6 / outputSteps : 0) }
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

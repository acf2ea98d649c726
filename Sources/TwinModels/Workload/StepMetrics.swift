/// What one program step did: its time and the work of its phases. Detailed and fast mode fill
/// it from their counters at each step's start and end.
public struct StepWork: Sendable, Equatable {
    public var seconds = 0.0
    /// Bytes the GPU's streaming reads received.
    public var readBytes = 0.0
    /// FLOPs of the GEMM CTAs (or fast-mode units) done.
    public var flops = 0.0
    /// Bytes host copies moved (detailed mode).
    public var copyBytes = 0.0
    /// Bytes the Grace threads' stream steps read (detailed mode).
    public var cpuStreamBytes = 0.0
    /// Bytes the phases of added kinds (`KernelKind`) moved.
    public var kernelBytes = 0.0

    public init() {}

    /// The work done between two readings of the counters.
    public func since(_ start: StepWork) -> StepWork {
        var work = StepWork()
        work.seconds = seconds - start.seconds
        work.readBytes = readBytes - start.readBytes
        work.flops = flops - start.flops
        work.copyBytes = copyBytes - start.copyBytes
        work.cpuStreamBytes = cpuStreamBytes - start.cpuStreamBytes
        work.kernelBytes = kernelBytes - start.kernelBytes
        return work
    }
}

extension Program {
    /// Steps past this many report no metrics of their own (a `repeat:` may make 100,000).
    public static let maximumReportedSteps = 100

    /// Steps that report `step.N.…` metrics: none for a program of one step (the run's metrics
    /// are that step's) or one with loops (whose steps run many times), else the first
    /// `maximumReportedSteps`.
    public var reportedSteps: Int { steps.count > 1 && loops.isEmpty ? min(steps.count, Self.maximumReportedSteps) : 0 }

    /// Each reported step's time and, for the kinds of phase it holds, its throughput over that
    /// time: `step.N.time`, `step.N.gpu.read.bandwidth`, `step.N.gpu.gemm.throughput`, for a phase of
    /// an added kind its bandwidth metric (`step.N.traffic.bandwidth`), and in detailed mode
    /// `step.N.copy.bandwidth` and `step.N.cpu.stream.bandwidth`. Steps count from
    /// 1 once repeats are expanded, zero-padded so that names sort in order; a step the run did
    /// not reach reports zeros. `work` holds the steps finished or cut short, in order.
    public func stepMetrics(_ work: [StepWork], fidelity: Fidelity) -> [MetricValue] {
        let digits = String(reportedSteps).count
        var out: [MetricValue] = []
        for step in 0..<reportedSteps {
            var label = String(step + 1)
            label = String(repeating: "0", count: digits - label.count) + label
            let w = step < work.count ? work[step] : StepWork()
            func add(_ name: String, _ amount: Double, per scale: Double, _ unit: String) {
                out.append(MetricValue(name: "step.\(label).\(name)", value: w.seconds > 0 ? amount / w.seconds / scale : 0, unit: unit))
            }
            out.append(MetricValue(name: "step.\(label).time", value: w.seconds, unit: "s"))
            let members = phases[steps[step]]
            if members.contains(where: { if case .streamRead = $0 { true } else { false } }) {
                add("gpu.read.bandwidth", w.readBytes, per: 1e9, "GB/s")
            }
            if members.contains(where: { if case .gemm = $0 { true } else { false } }) {
                add("gpu.gemm.throughput", w.flops, per: 1e12, "TFLOPS")
            }
            for case .kernel(let values) in members {
                if let metric = values.declaration.metrics.first(where: { $0.name.hasSuffix(".bandwidth") }) {
                    add(metric.name, w.kernelBytes, per: 1e9, metric.unit)
                }
            }
            guard fidelity == .detailed else { continue }
            if members.contains(where: { if case .copy = $0 { true } else { false } }) {
                add("copy.bandwidth", w.copyBytes, per: 1e9, "GB/s")
            }
            if members.contains(where: { if case .cpuThreads(let p) = $0 { p.streams } else { false } }) {
                add("cpu.stream.bandwidth", w.cpuStreamBytes, per: 1e9, "GB/s")
            }
        }
        return out
    }
}

extension CPUThreadsPhase {
    /// Whether any thread's program has a stream step.
    var streams: Bool {
        threads.contains { $0.program.contains { if case .stream = $0 { true } else { false } } }
    }
}

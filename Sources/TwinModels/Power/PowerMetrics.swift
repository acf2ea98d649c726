/// Features of a run's sampled signals while the workload ran (windows with work in them).
///
/// The first load window (warm-up) and the last (usually partial) are left out of peak and
/// sustained. Peak is the best remaining window; sustained is the mean of the steady tail, the
/// second half of the remaining windows; the clock and die temperature are averaged over the
/// same tail. Thermal time scales: the rise time constant is the time, from 3 s into the load,
/// to cover 63.2 % of the way to the plateau (the heat sink's scale); the fall time constant is
/// the time, from the last load window, to cover 63.2 % of the drop of the next 3 s (the die's).
/// `tools/calibration/h100_sustained.py` applies the same definitions to the measurements.
public struct LoadFeatures: Sendable, Equatable {
    public var first = 0.0
    public var peak = 0.0
    public var sustained = 0.0
    public var sustainedClockMHz = 0.0
    public var plateauC = 0.0
    public var riseTauSeconds = 0.0
    public var fallTauSeconds = 0.0

    public var ratio: Double { peak > 0 ? sustained / peak : 0 }

    public init(times: [Double], work: [Double], clockMHz: [Double], dieC: [Double]) {
        let load = work.indices.filter { work[$0] > 0 }
        guard let firstIndex = load.first, let lastIndex = load.last else { return }
        first = work[firstIndex]
        let inner = load.count > 2 ? Array(load.dropFirst().dropLast()) : load
        peak = inner.map { work[$0] }.max() ?? 0
        let tail = Array(inner.suffix(max(1, inner.count / 2)))
        func mean(_ values: [Double]) -> Double { tail.map { values[$0] }.reduce(0, +) / Double(tail.count) }
        sustained = mean(work)
        sustainedClockMHz = mean(clockMHz)
        plateauC = mean(dieC)
        riseTauSeconds = Self.timeToCover(times: times, values: dieC, from: times[firstIndex] + 3, towards: plateauC) ?? 0
        if let after = times.firstIndex(where: { $0 >= times[lastIndex] + 3 }) {
            let drop = dieC[lastIndex] - dieC[after]
            fallTauSeconds = Self.timeToCover(times: times, values: dieC, from: times[lastIndex], towards: dieC[lastIndex] - drop, startValue: dieC[lastIndex]) ?? 0
        }
    }

    /// Seconds from `start` until the signal has covered 63.2 % of the way from its value at
    /// `start` to `target`, interpolating between samples; nil if it never does.
    static func timeToCover(times: [Double], values: [Double], from start: Double, towards target: Double, startValue: Double? = nil) -> Double? {
        guard let i0 = times.firstIndex(where: { $0 >= start - 1e-9 }) else { return nil }
        let v0 = startValue ?? values[i0]
        let goal = v0 + 0.632 * (target - v0)
        guard abs(target - v0) > 1e-9 else { return nil }
        let rising = target > v0
        for i in i0..<values.count where rising ? values[i] >= goal : values[i] <= goal {
            guard i > i0 else { return times[i] - start }
            let (t1, v1, t2, v2) = (times[i - 1], values[i - 1], times[i], values[i])
            let t = v2 == v1 ? t2 : t1 + (goal - v1) / (v2 - v1) * (t2 - t1)
            return t - start
        }
        return nil
    }

    /// The features as metrics, `name` being the work signal (`gpu.gemm.throughput`). `peak` is
    /// the best window of this run; `spec` is the datasheet's peak (0 when it has none), and
    /// `.ratio_to_spec` the sustained rate over it.
    public func metrics(name: String, unit: String, spec: Double) -> [MetricValue] {
        [MetricValue(name: "\(name).first", value: first, unit: unit),
         MetricValue(name: "\(name).peak", value: peak, unit: unit),
         MetricValue(name: "\(name).sustained", value: sustained, unit: unit),
         MetricValue(name: "\(name).sustained_ratio", value: ratio, unit: "ratio"),
         MetricValue(name: "\(name).loss_from_first", value: first > 0 ? 1 - sustained / first : 0, unit: "ratio"),
         MetricValue(name: "\(name).spec", value: spec, unit: unit),
         MetricValue(name: "\(name).ratio_to_spec", value: spec > 0 ? sustained / spec : 0, unit: "ratio")]
    }

    /// Clock and temperature features of the load.
    public func loadMetrics(applicationClockMHz: Double) -> [MetricValue] {
        [MetricValue(name: "clock.gpu.sustained", value: sustainedClockMHz, unit: "MHz"),
         MetricValue(name: "clock.gpu.loss", value: sustainedClockMHz > 0 ? 1 - sustainedClockMHz / applicationClockMHz : 0, unit: "ratio"),
         MetricValue(name: "temp.gpu_die.plateau", value: plateauC, unit: "C"),
         MetricValue(name: "temp.gpu_die.rise_tau", value: riseTauSeconds, unit: "s"),
         MetricValue(name: "temp.gpu_die.fall_tau", value: fallTauSeconds, unit: "s")]
    }
}

extension PowerSystem {
    /// Power, energy, temperature, clock and throttle metrics of the run so far.
    ///
    /// - Parameters:
    ///   - teraflops: useful work done, TFLOP (GEMM), for energy per unit of work.
    ///   - gigabytes: bytes the GPU streamed, GB, likewise.
    public func metrics(teraflops: Double, gigabytes: Double) -> [MetricValue] {
        var out: [MetricValue] = []
        func add(_ name: String, _ value: Double, _ unit: String) {
            out.append(MetricValue(name: name, value: value.isFinite ? value : 0, unit: unit))
        }
        let s = stats
        let seconds = s.seconds
        let energy = s.railJ.reduce(0, +)
        for rail in rails.indices {
            add("power.\(rails.name(rail)).mean", seconds > 0 ? s.railJ[rail] / seconds : 0, "W")
            add("power.\(rails.name(rail)).max", s.railMaxW[rail], "W")
        }
        var cpuJ = s.railJ[rails.cpu(0)]
        for cluster in 1..<rails.clusters { cpuJ += s.railJ[rails.cpu(cluster)] }
        add("power.cpu.mean", seconds > 0 ? cpuJ / seconds : 0, "W")
        add("power.package.mean", seconds > 0 ? energy / seconds : 0, "W")
        add("power.package.max", s.packageMaxW, "W")
        add("power.limit", config.limitW, "W")
        add("energy.total", energy, "J")
        add("energy.per_tflop", teraflops > 0 ? energy / teraflops : 0, "J/TFLOP")
        add("energy.per_gb_read", gigabytes > 0 ? energy / gigabytes : 0, "J/GB")
        for node in Node.allCases {
            add("temp.\(node.name).max", seconds > 0 ? s.nodeMaxC[node.rawValue] : temperatureC(node), "C")
            add("temp.\(node.name).final", temperatureC(node), "C")
        }
        add("fan.speed.final", fanSpeed, "ratio")
        add("clock.gpu.mean", seconds > 0 ? s.gpuHzSeconds / seconds / 1e6 : gpuHz / 1e6, "MHz")
        add("clock.gpu.min", seconds > 0 ? s.gpuMinHz / 1e6 : gpuHz / 1e6, "MHz")
        for cluster in 0..<rails.clusters {
            add("clock.cpu\(cluster).mean", seconds > 0 ? s.cpuHzSeconds[cluster] / seconds / 1e6 : cpuHz[cluster] / 1e6, "MHz")
            add("clock.cpu\(cluster).min", seconds > 0 ? s.cpuMinHz[cluster] / 1e6 : cpuHz[cluster] / 1e6, "MHz")
        }
        add("throttle.first", s.firstThrottleSeconds ?? -1, "s")
        for reason in ThrottleReason.allCases where reason != .none {
            add("throttle.first.\(reason.name)", s.firstThrottleSecondsByReason[reason.rawValue] ?? -1, "s")
            add("throttle.\(reason.name).residency", seconds > 0 ? s.reasonSeconds[reason.rawValue] / seconds : 0, "ratio")
        }
        add("thermal.shutdown", s.shutdownSeconds == nil ? 0 : 1, "count")
        return out
    }
}

/// Peak and sustained throughput of a signal sampled in windows.
///
/// The first window (warm-up: clocks and caches settle, the first kernel launches) and the last
/// (usually partial) are left out. Peak is the best remaining window; sustained is the mean of
/// the steady tail, the second half of the remaining windows.
public struct WindowedThroughput: Sendable, Equatable {
    public var peak: Double
    public var sustained: Double

    public var ratio: Double { peak > 0 ? sustained / peak : 0 }

    public init(windows: [Double]) {
        let inner = windows.count > 2 ? Array(windows[1..<(windows.count - 1)]) : windows
        peak = inner.max() ?? 0
        let tail = inner.suffix(max(1, inner.count / 2))
        sustained = tail.isEmpty ? 0 : tail.reduce(0, +) / Double(tail.count)
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
        for rail in Rail.allCases {
            add("power.\(rail.name).mean", seconds > 0 ? s.railJ[rail.rawValue] / seconds : 0, "W")
            add("power.\(rail.name).max", s.railMaxW[rail.rawValue], "W")
        }
        let cpuJ = s.railJ[Rail.cpu0.rawValue] + s.railJ[Rail.cpu1.rawValue]
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
        for cluster in 0..<PowerConfig.clusters {
            add("clock.cpu\(cluster).mean", seconds > 0 ? s.cpuHzSeconds[cluster] / seconds / 1e6 : cpuHz[cluster] / 1e6, "MHz")
            add("clock.cpu\(cluster).min", seconds > 0 ? s.cpuMinHz[cluster] / 1e6 : cpuHz[cluster] / 1e6, "MHz")
        }
        add("throttle.first", s.firstThrottleSeconds ?? -1, "s")
        for reason in ThrottleReason.allCases where reason != .none {
            add("throttle.\(reason.name).residency", seconds > 0 ? s.reasonSeconds[reason.rawValue] / seconds : 0, "ratio")
        }
        add("thermal.shutdown", s.shutdownSeconds == nil ? 0 : 1, "count")
        return out
    }
}

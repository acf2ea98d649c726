/// Features of a run's sampled signals while the workload ran (windows with work in them).
///
/// The first load window (warm-up) and the last (usually partial) are left out of peak and
/// sustained. Peak is the best remaining window; sustained is the mean of the steady tail, the
/// second half of the remaining windows; the clock and die temperature are averaged over the
/// same tail, and the clock's swing is its highest less its lowest sample there (samples at the
/// idle clock, the GPU between kernels, left out). Thermal time scales: the rise time constant
/// is the time, from 3 s into the load, to cover 63.2 % of the way to the plateau (the heat
/// sink's scale); the fall time constant is the time, from the last load window, to cover
/// 63.2 % of the drop of the next 3 s (the die's).
/// `tools/calibration/h100_sustained.py` applies the same definitions to the measurements.
public struct LoadFeatures: Sendable, Equatable {
    public var first = 0.0
    public var peak = 0.0
    public var sustained = 0.0
    public var sustainedClockMHz = 0.0
    public var clockSwingMHz = 0.0
    public var plateauC = 0.0
    public var riseTauSeconds = 0.0
    public var fallTauSeconds = 0.0

    public var ratio: Double { peak > 0 ? sustained / peak : 0 }

    /// No load: every feature 0.
    public init() {}

    public init(times: [Double], work: [Double], clockMHz: [Double], dieC: [Double], idleClockMHz: Double = 0) {
        let load = work.indices.filter { work[$0] > 0 }
        guard let firstIndex = load.first, let lastIndex = load.last else { return }
        first = work[firstIndex]
        let inner = load.count > 2 ? Array(load.dropFirst().dropLast()) : load
        peak = inner.map { work[$0] }.max() ?? 0
        let tail = Array(inner.suffix(max(1, inner.count / 2)))
        func mean(_ values: [Double]) -> Double { tail.map { values[$0] }.reduce(0, +) / Double(tail.count) }
        sustained = mean(work)
        sustainedClockMHz = mean(clockMHz)
        let tailClocksMHz = tail.map { clockMHz[$0] }.filter { $0 > idleClockMHz }
        clockSwingMHz = (tailClocksMHz.max() ?? 0) - (tailClocksMHz.min() ?? 0)
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
}

extension PowerSystem {
    /// The power, energy, temperature, clock and throttle metrics of a node with `rails`, read
    /// from the power system at the end of the run (`RunTotals.power`). Energy per unit of work
    /// is set against the GEMM FLOPs done and the bytes the GPU streamed.
    static func metricDeclarations(rails: Rails) -> [MetricDeclaration] {
        typealias M = MetricDeclaration
        /// A declaration for both modes whose value is 0 when not finite.
        func metric(_ name: String, _ unit: String, _ better: MetricDirection, _ meaning: String,
                    _ value: @escaping @Sendable (PowerSystem, RunTotals) -> Double) -> M {
            M(name, unit, better, meaning, modes: .both) { totals in
                let v = value(totals.power, totals)
                return v.isFinite ? v : 0
            }
        }
        /// The mean over the run of a quantity whose time integral `integral` is, or `now` for no time.
        @Sendable func mean(_ p: PowerSystem, _ integral: Double, or now: Double) -> Double { p.stats.seconds > 0 ? integral / p.stats.seconds : now }
        var out: [M] = []
        for rail in rails.indices {
            let name = rails.name(rail)
            out.append(metric("power.\(name).mean", "W", .lowerIsBetter, "the \(name) rail's mean power") { p, _ in mean(p, p.stats.railJ[rail], or: 0) })
            out.append(metric("power.\(name).max", "W", .lowerIsBetter, "the \(name) rail's highest power over a power step") { p, _ in p.stats.railMaxW[rail] })
        }
        out += [
            metric("power.cpu.mean", "W", .lowerIsBetter, "the CPU clusters' rails' mean power, together") { p, _ in
                var cpuJ = p.stats.railJ[rails.cpu(0)]
                for cluster in 1..<rails.clusters { cpuJ += p.stats.railJ[rails.cpu(cluster)] }
                return mean(p, cpuJ, or: 0)
            },
            metric("power.package.mean", "W", .lowerIsBetter, "the package's mean power: every rail") { p, _ in mean(p, p.stats.railJ.reduce(0, +), or: 0) },
            metric("power.package.max", "W", .lowerIsBetter, "the package's highest power over a power step") { p, _ in p.stats.packageMaxW },
            metric("power.limit", "W", .neutral, "the package limit in force (power.pl1)") { p, _ in p.config.limitW },
            metric("energy.total", "J", .lowerIsBetter, "the package's energy over the run") { p, _ in p.stats.railJ.reduce(0, +) },
            metric("energy.per_tflop", "J/TFLOP", .lowerIsBetter, "package energy per TFLOP of GEMM work done") { p, t in
                t.workFlops / 1e12 > 0 ? p.stats.railJ.reduce(0, +) / (t.workFlops / 1e12) : 0
            },
            metric("energy.per_gb_read", "J/GB", .lowerIsBetter, "package energy per GB the GPU streamed") { p, t in
                t.readBytes / 1e9 > 0 ? p.stats.railJ.reduce(0, +) / (t.readBytes / 1e9) : 0
            },
        ]
        /// The energy of the run's traffic by stage, per DRAM byte, in pJ/B.
        @Sendable func perByte(_ p: PowerSystem, _ stage: (EnergyStages) -> Double) -> Double {
            let stages = EnergyStages(config: p.config, memoryBytes: p.stats.memoryBytes, activates: p.stats.activates, c2cBytes: p.stats.c2cBytes)
            return p.stats.memoryBytes > 0 ? stage(stages) / p.stats.memoryBytes * 1e12 : 0
        }
        out += [
            metric("energy.per_byte.dram", "pJ/B", .lowerIsBetter, "DRAM energy per byte read or written: arrays, interface and activates (memory rail, above its background)") { p, _ in
                perByte(p) { $0.memoryRailJ }
            },
            metric("energy.per_byte.activate", "pJ/B", .lowerIsBetter, "the DRAM's activates per byte: one per page of a stream, one per line of random reads") { p, _ in
                perByte(p) { $0.activateJ }
            },
            metric("energy.per_byte.controller", "pJ/B", .lowerIsBetter, "the memory controllers and PHYs, per DRAM byte") { p, _ in perByte(p) { $0.controllerJ } },
            metric("energy.per_byte.fabric", "pJ/B", .lowerIsBetter, "the CPU die's fabric and system-level cache, per DRAM byte") { p, _ in perByte(p) { $0.fabricJ } },
            metric("energy.per_byte.c2c", "pJ/B", .lowerIsBetter, "NVLink-C2C, per DRAM byte") { p, _ in perByte(p) { $0.c2cJ } },
            metric("energy.per_byte.total", "pJ/B", .lowerIsBetter, "every stage a DRAM byte crosses outside the GPU, per byte: DRAM, controller, fabric and C2C") { p, _ in
                perByte(p) { $0.totalJ }
            },
        ]
        for node in Node.allCases {
            out.append(metric("temp.\(node.name).max", "C", .lowerIsBetter, "the \(node.name) node's highest temperature") { p, _ in
                p.stats.seconds > 0 ? p.stats.nodeMaxC[node.rawValue] : p.temperatureC(node)
            })
            out.append(metric("temp.\(node.name).final", "C", .lowerIsBetter, "the \(node.name) node's temperature at the end") { p, _ in p.temperatureC(node) })
        }
        out += [
            metric("fan.speed.final", "ratio", .lowerIsBetter, "fan speed at the end, of its highest") { p, _ in p.fanSpeed },
            metric("clock.gpu.mean", "MHz", .higherIsBetter, "the GPU clock's mean over the run") { p, _ in mean(p, p.stats.gpuHzSeconds, or: p.gpuHz) / 1e6 },
            metric("clock.gpu.min", "MHz", .higherIsBetter, "the lowest GPU clock of the run") { p, _ in (p.stats.seconds > 0 ? p.stats.gpuMinHz : p.gpuHz) / 1e6 },
        ]
        for cluster in 0..<rails.clusters {
            out.append(metric("clock.cpu\(cluster).mean", "MHz", .higherIsBetter, "CPU cluster \(cluster)'s mean clock") { p, _ in
                mean(p, p.stats.cpuHzSeconds[cluster], or: p.cpuHz[cluster]) / 1e6
            })
            out.append(metric("clock.cpu\(cluster).min", "MHz", .higherIsBetter, "CPU cluster \(cluster)'s lowest clock") { p, _ in
                (p.stats.seconds > 0 ? p.stats.cpuMinHz[cluster] : p.cpuHz[cluster]) / 1e6
            })
        }
        out.append(metric("throttle.first", "s", .higherIsBetter, "when a limit first held the GPU clock down; −1: never") { p, _ in p.stats.firstThrottleSeconds ?? -1 })
        for reason in ThrottleReason.allCases where reason != .none {
            out.append(metric("throttle.first.\(reason.name)", "s", .higherIsBetter, "when the \(reason.name) limit first held the clock down; −1: never") { p, _ in
                p.stats.firstThrottleSecondsByReason[reason.rawValue] ?? -1
            })
            out.append(metric("throttle.\(reason.name).residency", "ratio", .lowerIsBetter, "share of the run the \(reason.name) limit held the clock down") { p, _ in
                p.stats.seconds > 0 ? p.stats.reasonSeconds[reason.rawValue] / p.stats.seconds : 0
            })
        }
        out.append(metric("thermal.shutdown", "count", .lowerIsBetter, "1 if a die reached the shutdown temperature") { p, _ in p.stats.shutdownSeconds == nil ? 0 : 1 })
        return out
    }
}

extension PowerSystem {
    /// Its metrics now, as a node of `config` that did no GEMM or streaming work reports them:
    /// for a power system stepped on its own.
    public func metrics(node config: MachineConfig) -> [MetricValue] {
        let totals = RunTotals(config: config, fidelity: .detailed, power: self, workload: [])
        return Self.metricDeclarations(rails: rails).map { $0.metric(totals) }
    }
}

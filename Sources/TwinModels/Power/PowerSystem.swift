import Foundation
import TwinCore

/// What the blocks did during one governor period, read from their activity counters.
public struct Activity: Sendable, Equatable {
    /// Fraction of the period a GPU kernel or stream ran.
    public var gpuBusy: Double = 0
    /// Tensor-pipe busy SM-cycles over all SM-cycles of the period.
    public var tensorUtilization: Double = 0
    /// DRAM bytes read and written, and row activates.
    public var memoryBytes: Double = 0
    public var activates: Double = 0
    /// Bytes across NVLink-C2C, both directions.
    public var c2cBytes: Double = 0
    /// Busy cores per CPU cluster, averaged over the period (a cluster not listed: none).
    public var busyCores: [Double] = []

    public init() {}
}

/// Why the GPU clock is below its ceiling.
public enum ThrottleReason: Int, Sendable, CaseIterable {
    case none = 0
    case powerCap = 1
    case thermal = 2
    /// The degraded power state, or clocks pinned below the ceiling.
    case other = 3

    public var name: String {
        switch self {
        case .none: "none"
        case .powerCap: "power_cap"
        case .thermal: "thermal"
        case .other: "other"
        }
    }
}

/// Power rails, the thermal network and the firmware-like governor, advanced one governor
/// period at a time from the activity the performance models measured.
///
/// The power of a period comes from the clocks in force during it and the temperatures at its
/// start; the heat it makes is then integrated exactly over the period; last, the governor reads
/// its averaged package power and the die temperatures and picks the clocks of the next period.
public struct PowerSystem: Sendable {
    /// The power rails, by index: the GPU, one per CPU cluster (`cpu0`, `cpu1`, … as the
    /// preset's `cpu.clusters`), the memory and the rest of the SoC.
    public struct Rails: Sendable, Equatable {
        public let clusters: Int

        public init(clusters: Int) { self.clusters = clusters }
        public var gpu: Int { 0 }
        public func cpu(_ cluster: Int) -> Int { 1 + cluster }
        public var memory: Int { 1 + clusters }
        public var soc: Int { 2 + clusters }
        public var count: Int { 3 + clusters }
        public var indices: Range<Int> { 0..<count }

        public func name(_ rail: Int) -> String {
            switch rail {
            case gpu: "gpu"
            case memory: "memory"
            case soc: "soc"
            default: "cpu\(rail - 1)"
            }
        }
    }

    /// Thermal nodes, in the network's order.
    public enum Node: Int, CaseIterable, Sendable {
        case gpuDie, cpuDie, sink
        public var name: String {
            switch self {
            case .gpuDie: "gpu_die"
            case .cpuDie: "cpu_die"
            case .sink: "sink"
            }
        }
    }

    public let config: PowerConfig
    public let rails: Rails
    public private(set) var thermal: RCNetwork

    // Clocks in force now.
    public private(set) var gpuHz: Double
    public private(set) var cpuHz: [Double]
    /// Clocks the governor has chosen; the GPU drops to its idle clock while it has no work.
    public private(set) var gpuTargetHz: Double
    public private(set) var fanSpeed: Double
    public private(set) var reason = ThrottleReason.none
    public private(set) var shutdown = false
    /// Rail powers over the last period, W, by `rails` index.
    public private(set) var railW: [Double]
    /// The package power average the governor reads.
    public private(set) var averagedPackageW = 0.0
    /// Whether the die's temperature holds the GPU clock down: above the threshold (threshold
    /// control) or with the PI law's ceiling binding (PI control).
    private var thermalSlowdown = false
    /// PI control: the integral part of the thermal clock ceiling, Hz.
    private var thermalIntegralHz: Double
    /// The limit whose cut last took a clock below its ceiling: while the clocks climb back
    /// with power under the cap, the deficit is still that limit's doing, not the cap's.
    private var deficitCause = ThrottleReason.none
    /// Power steps advanced so far; the governor acts every `governorEvery` of them.
    private var steps: UInt64 = 0
    #if SPARKTWIN_INTERNAL_CHECKS
    /// The package's energy since the start, step by step, against the rails' totals.
    private var packageJ = 0.0
    #endif

    public private(set) var stats: Stats

    /// Totals and extremes since the start of the run.
    public struct Stats: Sendable {
        public var seconds = 0.0
        public var railJ: [Double]
        public var railMaxW: [Double]
        public var packageMaxW = 0.0
        public var nodeMaxC: [Double] = Array(repeating: -.infinity, count: Node.allCases.count)
        /// Time integrals of the clocks (Hz·s) and their minima.
        public var gpuHzSeconds = 0.0
        public var gpuMinHz = Double.infinity
        public var cpuHzSeconds: [Double]
        public var cpuMinHz: [Double]
        public var reasonSeconds: [Double] = Array(repeating: 0, count: ThrottleReason.allCases.count)
        /// When each reason first held the clock down (nil if never), by `ThrottleReason.rawValue`.
        public var firstThrottleSecondsByReason: [Double?] = Array(repeating: nil, count: ThrottleReason.allCases.count)
        /// When any reason first held the clock down.
        public var firstThrottleSeconds: Double? { firstThrottleSecondsByReason.compactMap { $0 }.min() }
        public var shutdownSeconds: Double?
        /// DRAM bytes, activates and bytes across NVLink-C2C the rails were charged for.
        public var memoryBytes = 0.0
        public var activates = 0.0
        public var c2cBytes = 0.0

        init(rails: Rails) {
            railJ = Array(repeating: 0, count: rails.count)
            railMaxW = Array(repeating: 0, count: rails.count)
            cpuHzSeconds = Array(repeating: 0, count: rails.clusters)
            cpuMinHz = Array(repeating: .infinity, count: rails.clusters)
        }
    }

    public init(config: PowerConfig) {
        self.config = config
        rails = Rails(clusters: config.grace.clusters)
        railW = Array(repeating: 0, count: rails.count)
        stats = Stats(rails: rails)
        let c = config
        let n = Node.allCases.count
        var conductance = Array(repeating: 0.0, count: n * n)
        let gpuDie = Node.gpuDie.rawValue, cpuDie = Node.cpuDie.rawValue, sink = Node.sink.rawValue
        conductance[gpuDie * n + sink] = 1 / c.gpuDieToSinkKPerW
        conductance[sink * n + gpuDie] = 1 / c.gpuDieToSinkKPerW
        conductance[cpuDie * n + sink] = 1 / c.cpuDieToSinkKPerW
        conductance[sink * n + cpuDie] = 1 / c.cpuDieToSinkKPerW
        var toAmbient = Array(repeating: 0.0, count: n)
        toAmbient[sink] = Self.sinkConductance(config: c, fanSpeed: c.fanMinSpeed)
        thermal = RCNetwork(heatCapacityJPerK: [c.gpuDieJPerK, c.cpuDieJPerK, c.sinkJPerK],
                            conductanceWPerK: conductance, toAmbientWPerK: toAmbient, initialC: c.ambientC)
        gpuTargetHz = c.gpuCeilingHz
        thermalIntegralHz = c.gpuCeilingHz
        gpuHz = c.gpuCurve.minHz
        cpuHz = Array(repeating: c.cpuCeilingHz, count: c.grace.clusters)
        fanSpeed = c.fanMinSpeed
        settleIdle()
        // The governor has been reading the idle machine's power: a load's first steps raise
        // that average, they do not replace it.
        averagedPackageW = railPowers(Activity()).reduce(0, +)
    }

    /// Starts the run from the idle machine's thermal steady state, as a machine that has been
    /// on for a while: leakage, temperatures and the fan are iterated to a fixed point.
    mutating func settleIdle() {
        for _ in 0..<50 {
            let power = railPowers(Activity())
            let nodes = nodePower(power)
            let steady = thermal.steadyStateC(powerW: nodes, ambientC: config.ambientC)
            thermal.set(temperaturesC: steady)
            fanSpeed = fanSpeed(sinkC: temperatureC(.sink))
            thermal.setToAmbient(Node.sink.rawValue, wattsPerKelvin: Self.sinkConductance(config: config, fanSpeed: fanSpeed))
        }
    }

    /// Heat per thermal node: the GPU rail into the GPU die; the CPU clusters and the rest of the
    /// SoC (memory controllers included) into the CPU die; the DRAM packages into the heat sink.
    func nodePower(_ railW: [Double]) -> [Double] {
        var cpuDieW = railW[rails.cpu(0)]
        for cluster in 1..<rails.clusters { cpuDieW += railW[rails.cpu(cluster)] }
        return [railW[rails.gpu], cpuDieW + railW[rails.soc], railW[rails.memory]]
    }

    /// Sink-to-air conductance at a fan speed: a passive share plus the fan's.
    static func sinkConductance(config c: PowerConfig, fanSpeed: Double) -> Double {
        (c.fanPassive + (1 - c.fanPassive) * fanSpeed) / c.sinkToAirKPerW
    }

    /// The fan curve: minimum speed up to the start temperature, linear to the highest speed.
    func fanSpeed(sinkC: Double) -> Double {
        let c = config
        let span = max(c.fanFullC - c.fanStartC, 1e-9)
        let ramp = min(max((sinkC - c.fanStartC) / span, 0), 1)
        return min(c.fanMaxSpeed, c.fanMinSpeed + (1 - c.fanMinSpeed) * ramp)
    }

    public func temperatureC(_ node: Node) -> Double { thermal.temperatureC[node.rawValue] }
    public var packageW: Double { railW.reduce(0, +) }

    /// Leakage of a block at a voltage and temperature.
    func leakage(_ atOneVoltAt25C: Double, volts: Double, temperatureC: Double) -> Double {
        atOneVoltAt25C * volts * pow(2, (temperatureC - 25) / config.leakageDoublingC)
    }

    /// Rail powers for an activity over `seconds` at the current clocks and temperatures, W.
    public func railPowers(_ activity: Activity, seconds: Double? = nil) -> [Double] {
        let c = config
        var power = Array(repeating: 0.0, count: rails.count)
        let gpuVolts = c.gpuCurve.volts(atHz: gpuHz)
        let gpuFarads = c.gpuBaseFarads + c.gpuBusyFarads * activity.gpuBusy + c.gpuTensorFarads * activity.tensorUtilization
        power[rails.gpu] = leakage(c.gpuLeakageW, volts: gpuVolts, temperatureC: temperatureC(.gpuDie))
            + gpuFarads * gpuVolts * gpuVolts * gpuHz
        // A busy core is an X925 at the cluster clock or an A725 at its share of it, in the
        // proportion of the cluster's cores (GB10: half each).
        let x925Share = c.grace.x925Share
        let coreClockRatio = x925Share + (1 - x925Share) * c.a725ClockRatio
        for cluster in 0..<rails.clusters {
            let volts = c.cpuCurve.volts(atHz: cpuHz[cluster])
            let coreHz = cpuHz[cluster] * coreClockRatio
            let busy = cluster < activity.busyCores.count ? activity.busyCores[cluster] : 0
            let dynamic = (c.cpuBaseFarads * cpuHz[cluster] + c.cpuCoreFarads * busy * coreHz) * volts * volts
            power[rails.cpu(cluster)] = leakage(c.cpuLeakageW, volts: volts, temperatureC: temperatureC(.cpuDie)) + dynamic
        }
        let seconds = seconds ?? c.stepSeconds
        let stages = EnergyStages(config: c, memoryBytes: activity.memoryBytes, activates: activity.activates, c2cBytes: activity.c2cBytes)
        power[rails.memory] = c.memoryBackgroundW + stages.memoryRailJ / seconds
        power[rails.soc] = c.socStaticW + stages.socRailJ / seconds
        return power
    }

    /// Advances one power step that ran at the current clocks with `activity`; at the end of
    /// each governor period the governor then chooses the clocks of the next one.
    ///
    /// - Parameters:
    ///   - now: simulated time at the end of the period, seconds.
    ///   - gpuWorkPending: whether the GPU has work in the next period (it idles otherwise).
    /// - Parameter partial: the length of a last, shorter step at the end of a run; the
    ///   governor does not act on it.
    public mutating func advancePeriod(activity: Activity, now: Double, gpuWorkPending: Bool, partial: Double? = nil) {
        let c = config
        let dt = partial ?? c.stepSeconds
        railW = railPowers(activity, seconds: dt)
        let package = packageW
        #if SPARKTWIN_INTERNAL_CHECKS
        checkEnergy(packageW: package, seconds: dt)
        #endif
        thermal.step(seconds: dt, powerW: nodePower(railW), ambientC: c.ambientC)
        fanSpeed = fanSpeed(sinkC: temperatureC(.sink))
        thermal.setToAmbient(Node.sink.rawValue, wattsPerKelvin: Self.sinkConductance(config: c, fanSpeed: fanSpeed))

        // Statistics of the period that just ran.
        stats.seconds += dt
        stats.memoryBytes += activity.memoryBytes
        stats.activates += activity.activates
        stats.c2cBytes += activity.c2cBytes
        for rail in rails.indices {
            stats.railJ[rail] += railW[rail] * dt
            stats.railMaxW[rail] = max(stats.railMaxW[rail], railW[rail])
        }
        stats.packageMaxW = max(stats.packageMaxW, package)
        for node in Node.allCases {
            stats.nodeMaxC[node.rawValue] = max(stats.nodeMaxC[node.rawValue], temperatureC(node))
        }
        stats.gpuHzSeconds += gpuHz * dt
        stats.gpuMinHz = min(stats.gpuMinHz, gpuHz)
        for cluster in 0..<rails.clusters {
            stats.cpuHzSeconds[cluster] += cpuHz[cluster] * dt
            stats.cpuMinHz[cluster] = min(stats.cpuMinHz[cluster], cpuHz[cluster])
        }
        stats.reasonSeconds[reason.rawValue] += dt
        if reason != .none && stats.firstThrottleSecondsByReason[reason.rawValue] == nil {
            stats.firstThrottleSecondsByReason[reason.rawValue] = now - dt
        }

        // The governor.
        let alpha = c.powerWindowSeconds > 0 ? 1 - exp(-dt / c.powerWindowSeconds) : 1
        averagedPackageW += alpha * (package - averagedPackageW)
        let hottest = max(temperatureC(.gpuDie), temperatureC(.cpuDie))
        if hottest >= c.shutdownC {
            shutdown = true
            stats.shutdownSeconds = now
        }
        let gpuDieC = temperatureC(.gpuDie)
        if !c.thermalPI {
            if gpuDieC > c.slowdownC { thermalSlowdown = true }
            if gpuDieC < c.slowdownC - c.slowdownHysteresisC { thermalSlowdown = false }
        }
        if partial != nil { return }
        steps += 1
        if c.governorEnabled && steps % UInt64(c.governorEvery) == 0 { govern() }
        gpuHz = gpuWorkPending ? gpuTargetHz : c.gpuCurve.minHz
        reason = gpuWorkPending ? throttleReason() : .none
    }

    #if SPARKTWIN_INTERNAL_CHECKS
    /// Stops unless every rail's power is finite and non-negative, the heat the step puts into
    /// the thermal network is the package power (no rail left out of the heat), and the energy
    /// of the run so far is the sum of its rails' energies.
    private mutating func checkEnergy(packageW: Double, seconds: Double) {
        if !railW.allSatisfy({ $0.isFinite && $0 >= 0 }) { internalCheckFailed("power: a rail's power is negative or not finite: \(railW)") }
        let heatW = nodePower(railW).reduce(0, +)
        if abs(heatW - packageW) > 1e-9 * max(1, packageW) {
            internalCheckFailed("power: \(heatW) W of heat into the thermal network, but the rails draw \(packageW) W")
        }
        packageJ += packageW * seconds
        let railsJ = stats.railJ.reduce(0, +) + railW.reduce(0) { $0 + $1 * seconds }
        if abs(railsJ - packageJ) > 1e-9 * max(1, packageJ) {
            internalCheckFailed("power: the rails' energies add to \(railsJ) J, the package's steps to \(packageJ) J")
        }
    }
    #endif

    /// One step of the control loop: cut clocks in proportion to the power above the limit,
    /// climb back one step at a time below it, and hold the GPU under the thermal ceiling.
    mutating func govern() {
        let c = config
        let limit = c.limitW
        let cpuCeiling = c.cpuCeilingHz
        let gpuFloor = c.gpuCurve.minHz
        if averagedPackageW > limit {
            let cut = c.gain * (averagedPackageW - limit) / averagedPackageW
            let canCutGPU = gpuTargetHz > gpuFloor
            let canCutCPU = cpuHz.contains { $0 > c.cpuCurve.minHz }
            if (c.cpuFirst && canCutGPU) || !canCutCPU {
                let bins = max(1, Int((gpuTargetHz * cut / c.gpuCurve.stepHz).rounded()))
                gpuTargetHz = c.gpuCurve.entry(gpuTargetHz, movedBy: -bins)
            } else {
                cpuHz = cpuHz.map { c.cpuCurve.entry($0, movedBy: -1) }
            }
            deficitCause = .powerCap
        } else if averagedPackageW < limit - c.hysteresisW && (c.thermalPI || !thermalSlowdown) {
            let cpuBelow = cpuHz.contains { $0 < cpuCeiling }
            let gpuBelow = gpuTargetHz < c.gpuCeilingHz
            if cpuBelow && (c.cpuFirst || !gpuBelow) {
                cpuHz = cpuHz.map { min(cpuCeiling, c.cpuCurve.entry($0, movedBy: 1)) }
            } else if gpuBelow {
                gpuTargetHz = min(c.gpuCeilingHz, c.gpuCurve.entry(gpuTargetHz, movedBy: c.stepUpBins))
            }
        }
        gpuTargetHz = min(gpuTargetHz, c.gpuCeilingHz)
        if c.thermalPI {
            applyThermalCeiling()
        } else if thermalSlowdown {
            // Proportional to the overshoot: a bin per period at the threshold, more above it.
            // A fixed large cut would undershoot badly, since the die lags the clock by ~1 s.
            let overshoot = (temperatureC(.gpuDie) - c.slowdownC) / max(c.slowdownHysteresisC, 0.1)
            gpuTargetHz = c.gpuCurve.entry(gpuTargetHz, movedBy: -max(1, Int(overshoot.rounded(.up))))
            deficitCause = .thermal
        }
        cpuHz = cpuHz.map { min($0, cpuCeiling) }
        if !clocksBelowCeilings { deficitCause = .none }
    }

    /// PI control of the GPU clock on the die's margin to the slowdown temperature: the ceiling
    /// is the integral of the margin plus a share of it, so the die settles at the slowdown
    /// temperature. A die cooler than `slowdownHysteresisC` below it leaves the law at rest,
    /// its ceiling one climb above the clock. While another limit holds the clock lower, the
    /// integral stays within that climb: it does not wind up, so a die that turns hot is cut at once.
    mutating func applyThermalCeiling() {
        let c = config
        let marginK = min(c.slowdownC - temperatureC(.gpuDie), c.slowdownHysteresisC)
        let periodSeconds = c.stepSeconds * Double(c.governorEvery)
        let oneClimbAboveHz = gpuTargetHz + Double(c.stepUpBins) * c.gpuCurve.stepHz
        if marginK >= c.slowdownHysteresisC {
            thermalIntegralHz = oneClimbAboveHz
        } else {
            thermalIntegralHz += c.thermalIntegralHzPerKSecond * marginK * periodSeconds
            if !thermalSlowdown { thermalIntegralHz = min(thermalIntegralHz, oneClimbAboveHz) }
        }
        thermalIntegralHz = min(max(thermalIntegralHz, c.gpuCurve.minHz), c.gpuCeilingHz)
        let ceilingHz = c.gpuCurve.entry(atOrBelow: thermalIntegralHz + c.thermalProportionalHzPerK * marginK)
        thermalSlowdown = gpuTargetHz > ceilingHz
        if thermalSlowdown {
            gpuTargetHz = ceilingHz
            deficitCause = .thermal
        }
    }

    /// GPU work starts: the clock leaves idle for the governor's choice at once.
    public mutating func wakeGPU() {
        gpuHz = gpuTargetHz
    }

    /// Signals recorded at every sample, in this order (see `signalValues`).
    public static func signals(rails: Rails) -> [(name: String, unit: String, meaning: String)] {
        var out: [(name: String, unit: String, meaning: String)] = [("clock.gpu", "MHz", "GPU clock in force")]
        for cluster in 0..<rails.clusters { out.append(("clock.cpu\(cluster)", "MHz", "X925 clock of CPU cluster \(cluster)")) }
        for rail in rails.indices { out.append(("power.\(rails.name(rail))", "W", "the \(rails.name(rail)) rail's power over the last power step")) }
        out += [("power.package", "W", "the rails' sum over the last power step"),
                ("power.package.averaged", "W", "the package power the governor reads (averaged over governor.powerWindow)"),
                ("power.limit", "W", "the package limit in force")]
        for node in Node.allCases { out.append(("temp.\(node.name)", "C", "temperature of the thermal network's \(node.name) node")) }
        out += [("fan.speed", "ratio", "fan speed, of its highest"),
                ("throttle.reason", "code", "why the GPU clock is below its ceiling: 0 none, 1 power cap, 2 thermal, 3 other")]
        return out
    }

    /// The values of `signals` now: clocks in force, rail powers of the last period.
    public var signalValues: [Double] {
        var out: [Double] = [gpuHz / 1e6]
        for hz in cpuHz { out.append(hz / 1e6) }
        out += railW
        out += [packageW, averagedPackageW, config.limitW]
        out += thermal.temperatureC
        out += [fanSpeed, Double(reason.rawValue)]
        return out
    }

    var clocksBelowCeilings: Bool {
        gpuTargetHz < config.gpuCeilingHz || cpuHz.contains(where: { $0 < config.cpuCeilingHz })
    }

    /// The limit binding now. Thermal while the slowdown holds; the cap while the clocks are
    /// below their ceilings and the averaged power is within the governor's hysteresis of the
    /// limit (it would not climb); otherwise, with power to spare, the clocks are climbing back
    /// from the last cut, which is blamed on the limit that made it.
    func throttleReason() -> ThrottleReason {
        let c = config
        if thermalSlowdown && c.governorEnabled { return .thermal }
        let applicationHz = c.gpuCurve.entry(atOrBelow: c.gpuApplicationHz)
        if clocksBelowCeilings {
            if averagedPackageW >= c.limitW - c.hysteresisW || deficitCause == .none { return .powerCap }
            return deficitCause
        }
        if c.degraded && gpuTargetHz < applicationHz { return .other }
        return .none
    }
}

/// A clock domain's V/f table: entries every `stepHz` through `anchorHz` (the application
/// clock), from `minHz` to `maxHz`; the voltage is `minVolts` up to `kneeHz`, then rises linearly
/// to `maxVolts` at `maxHz`.
public struct VFCurve: Sendable, Equatable {
    public var anchorHz: Double
    public var minHz: Double
    public var kneeHz: Double
    public var maxHz: Double
    public var stepHz: Double
    public var minVolts: Double
    public var maxVolts: Double

    public func volts(atHz f: Double) -> Double {
        guard f > kneeHz, maxHz > kneeHz else { return minVolts }
        return minVolts + (maxVolts - minVolts) * min(1, (f - kneeHz) / (maxHz - kneeHz))
    }

    /// The highest table entry at or below `f`, within the table.
    public func entry(atOrBelow f: Double) -> Double {
        let steps = ((f - anchorHz) / stepHz + 1e-9).rounded(.down)
        return min(max(anchorHz + steps * stepHz, minHz), maxHz)
    }

    /// The entry `bins` steps away from `f` (negative goes down), within the table.
    public func entry(_ f: Double, movedBy bins: Int) -> Double {
        entry(atOrBelow: entry(atOrBelow: f) + Double(bins) * stepHz)
    }
}

/// Everything the power, thermal and governor models read, resolved from parameters.
public struct PowerConfig: Sendable, Equatable {
    public var gpuCurve: VFCurve
    /// The GPU application clock: the ceiling the governor climbs back to.
    public var gpuApplicationHz: Double
    public var cpuCurve: VFCurve
    /// The clusters and cores whose rails and busy cores the power model counts.
    public var grace: GraceTopology
    /// A725 clock over X925 clock; the A725 cores follow their cluster's clock in proportion.
    public var a725ClockRatio: Double

    public var pl1W: Double
    public var gpuLeakageW: Double
    public var cpuLeakageW: Double
    public var leakageDoublingC: Double
    public var gpuBaseFarads: Double
    public var gpuBusyFarads: Double
    public var gpuTensorFarads: Double
    public var cpuBaseFarads: Double
    public var cpuCoreFarads: Double
    public var memoryBackgroundW: Double
    /// DRAM energy: per byte in the arrays and datapaths, per byte at the interface, and per
    /// activate (with its precharge).
    public var memoryCoreJoulesPerByte: Double
    public var memoryIOJoulesPerByte: Double
    public var activateJoules: Double
    /// Per DRAM byte in the memory controllers and their PHYs.
    public var controllerJoulesPerByte: Double
    public var c2cJoulesPerByte: Double
    public var socStaticW: Double
    public var fabricJoulesPerByte: Double

    public var ambientC: Double
    public var gpuDieJPerK: Double
    public var cpuDieJPerK: Double
    public var sinkJPerK: Double
    public var gpuDieToSinkKPerW: Double
    public var cpuDieToSinkKPerW: Double
    public var sinkToAirKPerW: Double
    public var fanPassive: Double
    public var fanMinSpeed: Double
    public var fanMaxSpeed: Double
    public var fanStartC: Double
    public var fanFullC: Double

    public var governorEnabled: Bool
    /// Step of the power and thermal integration (and of the machine's power ticks).
    public var stepSeconds: Double
    /// Power steps per governor decision.
    public var governorEvery: Int
    public var powerWindowSeconds: Double
    public var gain: Double
    public var stepUpBins: Int
    public var hysteresisW: Double
    public var slowdownC: Double
    public var slowdownHysteresisC: Double
    /// Whether a PI law sets the thermal clock ceiling (else the threshold policy).
    public var thermalPI: Bool
    public var thermalProportionalHzPerK: Double
    public var thermalIntegralHzPerKSecond: Double
    public var shutdownC: Double
    public var cpuFirst: Bool
    public var degraded: Bool
    public var degradedPl1W: Double
    public var degradedGPUHz: Double
    public var degradedCPUHz: Double

    public init(_ p: ParameterValues) {
        grace = GraceTopology(p)
        gpuCurve = VFCurve(anchorHz: p["gpu.smClock"], minHz: p["gpu.idleClock"], kneeHz: p["gpu.kneeClock"], maxHz: p["gpu.maxClock"],
                           stepHz: p["gpu.clockStep"], minVolts: p["gpu.minVoltage"], maxVolts: p["gpu.maxVoltage"])
        gpuApplicationHz = p["gpu.smClock"]
        cpuCurve = VFCurve(anchorHz: p["cpu.x925.clock"], minHz: p["cpu.minClock"], kneeHz: p["cpu.minClock"], maxHz: p["cpu.x925.clock"],
                           stepHz: p["cpu.clockStep"], minVolts: p["cpu.minVoltage"], maxVolts: p["cpu.maxVoltage"])
        a725ClockRatio = p["cpu.a725.clock"] / p["cpu.x925.clock"]
        pl1W = p["power.pl1"]
        gpuLeakageW = p["power.gpu.leakage"]
        cpuLeakageW = p["power.cpu.leakage"]
        leakageDoublingC = p["power.leakageDoubling"]
        gpuBaseFarads = p["power.gpu.baseCapacitance"]
        gpuBusyFarads = p["power.gpu.busyCapacitance"]
        gpuTensorFarads = p["power.gpu.tensorCapacitance"]
        cpuBaseFarads = p["power.cpu.baseCapacitance"]
        cpuCoreFarads = p["power.cpu.coreCapacitance"]
        memoryBackgroundW = p["power.memory.background"]
        memoryCoreJoulesPerByte = p["power.memory.coreEnergyPerByte"]
        memoryIOJoulesPerByte = p["power.memory.ioEnergyPerByte"]
        activateJoules = p["power.memory.activateEnergy"]
        controllerJoulesPerByte = p["power.soc.controllerEnergyPerByte"]
        c2cJoulesPerByte = p["power.c2c.energyPerByte"]
        socStaticW = p["power.soc.static"]
        fabricJoulesPerByte = p["power.soc.fabricEnergyPerByte"]
        ambientC = p["thermal.ambient"]
        gpuDieJPerK = p["thermal.gpuDie.heatCapacity"]
        cpuDieJPerK = p["thermal.cpuDie.heatCapacity"]
        sinkJPerK = p["thermal.sink.heatCapacity"]
        gpuDieToSinkKPerW = p["thermal.gpuDie.toSink"]
        cpuDieToSinkKPerW = p["thermal.cpuDie.toSink"]
        sinkToAirKPerW = p["thermal.sink.toAir"]
        fanPassive = p["thermal.fan.passive"]
        fanMinSpeed = p["thermal.fan.minSpeed"]
        fanMaxSpeed = p["thermal.fan.maxSpeed"]
        fanStartC = p["thermal.fan.startTemp"]
        fanFullC = p["thermal.fan.fullTemp"]
        governorEnabled = p["governor.enabled"] != 0
        stepSeconds = p["power.step"]
        governorEvery = max(1, Int((p["governor.period"] / p["power.step"]).rounded()))
        powerWindowSeconds = p["governor.powerWindow"]
        gain = p["governor.gain"]
        stepUpBins = Int(p["governor.stepUp"])
        hysteresisW = p["governor.hysteresis"]
        slowdownC = p["governor.slowdownTemp"]
        slowdownHysteresisC = p["governor.slowdownHysteresis"]
        thermalPI = p["governor.thermalControl"] != 0
        thermalProportionalHzPerK = p["governor.thermalProportional"]
        thermalIntegralHzPerKSecond = p["governor.thermalIntegral"]
        shutdownC = p["governor.shutdownTemp"]
        cpuFirst = p["governor.cpuFirst"] != 0
        degraded = p["governor.degraded"] != 0
        degradedPl1W = p["governor.degradedPl1"]
        degradedGPUHz = p["governor.degradedGPUClock"]
        degradedCPUHz = p["governor.degradedCPUClock"]
    }

    /// Busy cores per cluster while a phase runs: its background job plus one core for the host
    /// (or chasing) thread of any phase but idle, cluster 0 filled first.
    /// A `cpu` phase's threads are busy on their own clusters, the background job fills the rest.
    public func busyCores(phase: WorkloadPhase, background: UInt64) -> [UInt64] {
        let perCluster = UInt64(grace.coresPerCluster)
        var busy = [UInt64](repeating: 0, count: grace.clusters)
        if case .cpuThreads(let p) = phase {
            for thread in p.threads { busy[thread.cluster] += 1 }
            var left = background
            for cluster in busy.indices {
                let taken = min(left, perCluster - min(perCluster, busy[cluster]))
                busy[cluster] = min(perCluster, busy[cluster] + taken)
                left -= taken
            }
            return busy
        }
        var left = background
        if case .idle = phase {} else { left += 1 }
        for cluster in busy.indices {
            busy[cluster] = min(left, perCluster)
            left -= busy[cluster]
        }
        return busy
    }

    /// Package limit in force.
    public var limitW: Double { degraded ? min(pl1W, degradedPl1W) : pl1W }
    /// Highest GPU clock the governor may choose.
    public var gpuCeilingHz: Double {
        gpuCurve.entry(atOrBelow: degraded ? min(gpuApplicationHz, degradedGPUHz) : gpuApplicationHz)
    }
    /// Highest X925 clock the governor may choose for a cluster.
    public var cpuCeilingHz: Double {
        cpuCurve.entry(atOrBelow: degraded ? min(cpuCurve.maxHz, degradedCPUHz) : cpuCurve.maxHz)
    }
}

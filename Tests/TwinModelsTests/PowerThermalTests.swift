import Foundation
import Testing
import TwinCore
import TwinModels

/// The thermal network against closed forms, and the governor's behaviour on hand-made activity.
struct ThermalNetworkTests {
    func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    @Test(arguments: [1e-4, 0.05, 1.0, 37.0, 1e4])
    func singleNodeMatchesItsStepResponse(step: Double) {
        // T(t) = Ta + P·R·(1 − e^(−t/RC)) + (T0 − Ta)·e^(−t/RC)
        let c = 40.0, r = 0.5, p = 120.0, ambient = 25.0
        var network = RCNetwork(heatCapacityJPerK: [c], conductanceWPerK: [0], toAmbientWPerK: [1 / r], initialC: 30)
        var t = 0.0
        for _ in 0..<20 {
            network.step(seconds: step, powerW: [p], ambientC: ambient)
            t += step
            let exact = ambient + p * r * (1 - exp(-t / (r * c))) + (30 - ambient) * exp(-t / (r * c))
            #expect(relativeError(network.temperatureC[0], exact) < 1e-6)
        }
    }

    @Test(arguments: [0.01, 0.7, 30.0, 600.0])
    func twoNodeNetworkMatchesItsAnalyticSolution(step: Double) {
        // Die (C1) —G12— sink (C2) —G2a— air; power into the die. Solved with Sylvester's
        // formula for the 2×2 exponential, independently of the network's Taylor series.
        let c1 = 6.0, c2 = 120.0, g12 = 10.0, g2a = 3.0, p = 90.0, ambient = 25.0
        var network = RCNetwork(heatCapacityJPerK: [c1, c2], conductanceWPerK: [0, g12, g12, 0],
                                toAmbientWPerK: [0, g2a], initialC: ambient)
        let a = [[-g12 / c1, g12 / c1], [g12 / c2, -(g12 + g2a) / c2]]
        let trace = a[0][0] + a[1][1]
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let root = (trace * trace - 4 * det).squareRoot()
        let l1 = (trace + root) / 2, l2 = (trace - root) / 2
        // Steady state: sink at Ta + P/G2a, die P/G12 above it.
        let steady = [ambient + p / g2a + p / g12, ambient + p / g2a]
        var t = 0.0
        for _ in 0..<10 {
            network.step(seconds: step, powerW: [p, 0], ambientC: ambient)
            t += step
            let e1 = exp(l1 * t), e2 = exp(l2 * t)
            for i in 0..<2 {
                var value = steady[i]
                for j in 0..<2 {
                    let identity = i == j ? 1.0 : 0.0
                    let m = e1 * (a[i][j] - l2 * identity) / (l1 - l2) + e2 * (a[i][j] - l1 * identity) / (l2 - l1)
                    value += m * (ambient - steady[j])
                }
                #expect(relativeError(network.temperatureC[i], value) < 1e-6)
            }
        }
    }

    @Test func oneLongStepEqualsManyShortOnes() {
        let make = { RCNetwork(heatCapacityJPerK: [6, 3, 60], conductanceWPerK: [0, 0, 10, 0, 0, 4, 10, 4, 0],
                               toAmbientWPerK: [0, 0, 2.5], initialC: 40) }
        var long = make(), short = make()
        long.step(seconds: 50, powerW: [90, 30, 15], ambientC: 25)
        for _ in 0..<5_000 { short.step(seconds: 0.01, powerW: [90, 30, 15], ambientC: 25) }
        for i in 0..<3 { #expect(relativeError(long.temperatureC[i], short.temperatureC[i]) < 1e-9) }
    }
}

struct PowerSystemTests {
    let dgxSpark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)

    /// The activity of a tensor-bound GEMM: every SM busy, tensor pipes ~96 % busy.
    func gemmActivity(_ config: PowerConfig, busyCores: Double = 1, bytesPerSecond: Double = 200e9) -> Activity {
        var a = Activity()
        a.gpuBusy = 1
        a.tensorUtilization = 0.96
        a.memoryBytes = bytesPerSecond * config.stepSeconds
        a.c2cBytes = a.memoryBytes
        a.busyCores = [busyCores, 0]
        return a
    }

    @Test func vfTableSnapsToEntriesThroughTheApplicationClock() {
        let curve = dgxSpark.power.gpuCurve
        #expect(curve.entry(atOrBelow: 2_418e6) == 2_418e6)
        #expect(curve.entry(atOrBelow: 2_417e6) == 2_403e6)
        #expect(curve.entry(2_418e6, movedBy: -2) == 2_388e6)
        #expect(curve.entry(atOrBelow: 1) == 208e6)
        #expect(curve.volts(atHz: 500e6) == 0.60)
        #expect(abs(curve.volts(atHz: 3_003e6) - 1.05) < 1e-12)
    }

    @Test func idleGPUDrawsAboutThreeWatts() {
        // GB10 README: GPU ~3 W at 208 MHz when idle; the model starts from the idle steady state.
        var system = PowerSystem(config: dgxSpark.power)
        system.advancePeriod(activity: Activity(), now: 0.01, gpuWorkPending: false)
        #expect(system.gpuHz == 208e6)
        #expect(abs(system.railW[system.rails.gpu] - 3) < 0.5)
    }

    @Test func governorHoldsThePackageAtTheLimit() {
        var system = PowerSystem(config: dgxSpark.power)
        system.wakeGPU()
        var t = 0.0
        var packages: [Double] = []
        for _ in 0..<3_000 {
            t += system.config.stepSeconds
            system.advancePeriod(activity: gemmActivity(system.config), now: t, gpuWorkPending: true)
            packages.append(system.packageW)
        }
        let tail = packages.suffix(1_000)
        let mean = tail.reduce(0, +) / Double(tail.count)
        #expect(abs(mean - 140) < 3)
        #expect(system.gpuHz < 2_418e6)
        #expect(system.reason == .powerCap)
        #expect(system.stats.firstThrottleSeconds != nil)
    }

    @Test func busyCPUCoresTakeWattsFromTheGPU() {
        // C4: with the CPU served first, busy cores raise the CPU rails and the GPU gives way.
        func settle(cores: Double) -> (gpuW: Double, cpuW: Double, gpuHz: Double) {
            var system = PowerSystem(config: dgxSpark.power)
            system.wakeGPU()
            for i in 1...3_000 {
                var activity = gemmActivity(system.config)
                activity.busyCores = [min(cores, 10), max(0, cores - 10)]
                system.advancePeriod(activity: activity, now: Double(i) * 0.01, gpuWorkPending: true)
            }
            return (system.railW[0], system.railW[1] + system.railW[2], system.gpuHz)
        }
        let light = settle(cores: 1), busy = settle(cores: 20)
        #expect(busy.cpuW > light.cpuW + 8)
        #expect(busy.gpuW < light.gpuW - 6)
        #expect(busy.gpuHz < light.gpuHz)
    }

    @Test func degradedStateCapsPowerAndClocks() {
        var config = dgxSpark.power
        config.degraded = true
        var system = PowerSystem(config: config)
        system.wakeGPU()
        #expect(system.gpuHz <= 850e6)
        for i in 1...3_000 {
            // Below 850 MHz the kernel moves a tenth of its full-speed traffic.
            system.advancePeriod(activity: gemmActivity(config, bytesPerSecond: 20e9), now: Double(i) * 0.01, gpuWorkPending: true)
        }
        #expect(system.averagedPackageW < 20 + 3)
        #expect(system.cpuHz.allSatisfy { $0 <= 2_000e6 })
        #expect(system.gpuHz <= 850e6)
    }

    @Test func aBlockedHeatSinkSlowsTheGPUDown() {
        var parameters = MachineParameters.values(preset: "dgx-spark")!
        parameters.set("thermal.sink.toAir", 0.8)   // a fan and fins full of dust
        parameters.set("thermal.sink.heatCapacity", 5)
        let config = MachineConfig(parameters)
        var system = PowerSystem(config: config.power)
        system.wakeGPU()
        var sawThermal = false
        for i in 1...6_000 {
            system.advancePeriod(activity: gemmActivity(config.power), now: Double(i) * 0.01, gpuWorkPending: true)
            sawThermal = sawThermal || system.reason == .thermal
        }
        #expect(sawThermal)
        #expect(!system.shutdown)
        #expect(system.temperatureC(.gpuDie) < config.power.slowdownC + 1)
        #expect(system.gpuHz < 1_500e6)
        #expect(system.stats.reasonSeconds[ThrottleReason.thermal.rawValue] > 0)
    }

    /// Ten minutes of the GEMM's activity at 40 °C ambient, stepped on the power system alone:
    /// the GPU clock of every governor period and the die's temperatures.
    func hotGEMM(thermalControl: Double) -> (clocksMHz: [Double], dieC: [Double]) {
        var parameters = MachineParameters.values(preset: "dgx-spark")!
        parameters.set("thermal.ambient", 40)
        parameters.set("governor.thermalControl", thermalControl)
        let config = MachineConfig(parameters).power
        var system = PowerSystem(config: config)
        system.wakeGPU()
        var clocks: [Double] = [], die: [Double] = []
        for i in 1...60_000 {
            system.advancePeriod(activity: gemmActivity(config), now: Double(i) * config.stepSeconds, gpuWorkPending: true)
            clocks.append(system.gpuHz / 1e6)
            die.append(system.temperatureC(.gpuDie))
        }
        return (clocks, die)
    }

    @Test func thePIThermalLawSettlesWhereTheThresholdPolicySwings() {
        // The last five minutes of a hot GEMM: the PI law holds the die at 90 °C within a bin
        // or two; the threshold policy cuts below 87 °C's worth of clock and climbs back, over and over.
        let pi = hotGEMM(thermalControl: 1), threshold = hotGEMM(thermalControl: 0)
        func swing(_ clocks: [Double]) -> Double { clocks.suffix(30_000).max()! - clocks.suffix(30_000).min()! }
        #expect(swing(pi.clocksMHz) <= 30)
        #expect(swing(threshold.clocksMHz) > 300)
        let tailDieC = pi.dieC.suffix(30_000)
        #expect(tailDieC.allSatisfy { abs($0 - 90) < 0.5 })
        #expect(pi.dieC.max()! < 91.5)
        // Settling at the limit keeps more clock than swinging below it.
        let mean = { (c: ArraySlice<Double>) in c.reduce(0, +) / Double(c.count) }
        #expect(mean(pi.clocksMHz.suffix(30_000)) > mean(threshold.clocksMHz.suffix(30_000)))
    }

    @Test(arguments: [(0.001, false), (0.010, false), (0.100, true)])
    func theH100ControllerLetsShortBurstsRunAndCutsALongOneAfterItsWindow(burstSeconds: Double, cut: Bool) {
        // H100 sustained.csv: the first 72 ms of a GEMM run at the full-clock rate, the next
        // window at the capped one. The controller reads the package power through a 100 ms
        // average, so a 1 or 10 ms burst never reaches 700 W in it, and a 100 ms one is cut
        // after 60 to 100 ms at the full clock.
        var parameters = MachineParameters.values(preset: "h100-sxm")!
        parameters.set("power.step", 0.001)
        let config = MachineConfig(parameters).power
        var system = PowerSystem(config: config)
        let idleSteps = 200, burstSteps = Int((burstSeconds / config.stepSeconds).rounded())
        var firstCut: Double?
        let burst = (idleSteps + 1)...(idleSteps + burstSteps)
        for i in 1...(idleSteps + burstSteps + 100) {
            var activity = Activity()
            if burst.contains(i) { activity = gemmActivity(config, busyCores: 0, bytesPerSecond: 1e12) }
            system.advancePeriod(activity: activity, now: Double(i) * config.stepSeconds, gpuWorkPending: burst.contains(i + 1))
            // The clock the next step of the burst runs at.
            if burst.contains(i + 1) && firstCut == nil && system.gpuHz < config.gpuCeilingHz { firstCut = Double(i - idleSteps) * config.stepSeconds }
        }
        #expect(system.stats.packageMaxW > config.limitW * 1.4)
        if cut {
            let seconds = try! #require(firstCut)
            #expect(seconds >= 0.060 && seconds <= 0.100)
        } else {
            #expect(firstCut == nil)
        }
    }

    @Test func reachingTheShutdownTemperatureEndsTheRun() {
        var parameters = MachineParameters.values(preset: "dgx-spark")!
        parameters.set("thermal.ambient", 75)
        parameters.set("thermal.sink.toAir", 0.8)
        let config = MachineConfig(parameters)
        let settings = RunSettings(duration: SimDuration(seconds: 10), seed: 1, samplePeriod: SimDuration(seconds: 0.1), eventBudget: 1_000_000)
        var machine = FastMachine(config: config, workload: [.idle(SimDuration(seconds: 20))], settings: settings)
        #expect(machine.run(until: .zero + SimDuration(seconds: 10)) == .halted)
        machine.finish()
        #expect(machine.metrics.first { $0.name == "thermal.shutdown" }?.value == 1)
        #expect(machine.now.seconds < 1)
    }
}

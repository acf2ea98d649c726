import Testing
import TwinCore
import TwinModels

/// Throttle residency follows the limit that binds at each moment, tested on machines where only
/// one limit can bind.
struct ThrottleAttributionTests {
    func gemmActivity(_ config: PowerConfig) -> Activity {
        var a = Activity()
        a.gpuBusy = 1
        a.tensorUtilization = 0.96
        a.memoryBytes = 200e9 * config.stepSeconds
        a.c2cBytes = a.memoryBytes
        a.busyCores = [1, 0]
        return a
    }

    func run(_ set: [(String, Double)], steps: Int) -> PowerSystem {
        var parameters = MachineParameters.values(preset: "dgx-spark")!
        for (path, value) in set { parameters.set(path, value) }
        let config = MachineConfig(parameters).power
        var system = PowerSystem(config: config)
        system.wakeGPU()
        for i in 1...steps {
            system.advancePeriod(activity: gemmActivity(config), now: Double(i) * config.stepSeconds, gpuWorkPending: true)
        }
        return system
    }

    @Test func onlyTheHeatCanBind() {
        // The cap far above what the package can draw, the heat sink clogged: every clock below
        // the ceiling, the climbs back after each cut included, is the heat's doing.
        let system = run([("power.pl1", 1_000), ("thermal.sink.toAir", 0.8), ("thermal.sink.heatCapacity", 5)], steps: 6_000)
        let s = system.stats
        #expect(s.reasonSeconds[ThrottleReason.thermal.rawValue] > 1)
        #expect(s.reasonSeconds[ThrottleReason.powerCap.rawValue] == 0)
        #expect(s.firstThrottleSecondsByReason[ThrottleReason.powerCap.rawValue] == nil)
        let thermalFirst = try! #require(s.firstThrottleSecondsByReason[ThrottleReason.thermal.rawValue])
        #expect(thermalFirst > 0.5)  // the die takes time to heat; nothing throttles before
        #expect(s.firstThrottleSeconds == thermalFirst)
    }

    @Test func onlyTheCapCanBind() {
        // The slowdown far above any temperature the die reaches: all throttling is the cap's.
        let system = run([("power.pl1", 100), ("governor.slowdownTemp", 250), ("governor.shutdownTemp", 300)], steps: 3_000)
        let s = system.stats
        #expect(s.reasonSeconds[ThrottleReason.thermal.rawValue] == 0)
        #expect(s.firstThrottleSecondsByReason[ThrottleReason.thermal.rawValue] == nil)
        #expect(s.reasonSeconds[ThrottleReason.powerCap.rawValue] / s.seconds > 0.95)
        #expect(s.firstThrottleSecondsByReason[ThrottleReason.powerCap.rawValue]! < 0.1)
    }

    @Test func firstThrottleTimesAreMetricsPerReason() {
        let set = [("power.pl1", 1_000.0), ("thermal.sink.toAir", 0.8), ("thermal.sink.heatCapacity", 5)]
        let system = run(set, steps: 2_000)
        var parameters = MachineParameters.values(preset: "dgx-spark")!
        for (path, value) in set { parameters.set(path, value) }
        let metrics = Dictionary(uniqueKeysWithValues: system.metrics(node: MachineConfig(parameters)).map { ($0.name, $0.value) })
        #expect(metrics["throttle.first.power_cap"] == -1)
        #expect(metrics["throttle.first.thermal"]! > 0)
        #expect(metrics["throttle.first"] == metrics["throttle.first.thermal"])
        #expect(metrics["throttle.power_cap.residency"] == 0)
    }
}

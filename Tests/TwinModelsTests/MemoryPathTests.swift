import Testing
import TwinCore
import TwinModels

/// The one memory path of a node: every requester reaches DRAM through it, and on GB10 host
/// copies cross the same NVLink-C2C as the GPU's DRAM traffic.
@Suite struct MemoryPathTests {
    static let settings = RunSettings(duration: SimDuration(seconds: 0.1), seed: 3, samplePeriod: SimDuration(seconds: 1e-4),
                                      eventBudget: 100_000_000)

    func run(_ preset: String, _ phases: [WorkloadPhase], together: Bool) -> [String: Double] {
        var machine = Simulation(config: MachineConfig(MachineParameters.values(preset: preset)!),
                              program: Program(phases: phases, steps: together ? [0..<phases.count] : nil), settings: Self.settings)
        #expect(machine.run(until: .zero + Self.settings.duration) == .idle)
        machine.finish()
        return Dictionary(uniqueKeysWithValues: machine.metrics.map { ($0.name, $0.value) })
    }

    /// A host-to-device copy and a GPU streaming read at once: on GB10 both cross C2C towards
    /// the GPU and slow each other; on H100 the copy crosses PCIe and the read stays in HBM.
    @Test(arguments: [("dgx-spark", true), ("h100-sxm", false)])
    func aCopyAndAGPUStreamShareC2COnlyOnGB10(preset: String, shared: Bool) {
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 64 << 20, pattern: .sequential))
        let copy = WorkloadPhase.copy(CopyPhase(direction: .hostToDevice, bytes: 8 << 20, count: 4))
        let readAlone = run(preset, [read], together: false)["gpu.read.bandwidth"]!
        let copyAlone = run(preset, [copy], together: false)["copy.bandwidth"]!
        let both = run(preset, [read, copy], together: true)
        if shared {
            // The link serves packets first come, first served, so each gets a share in proportion
            // to what it keeps queued: the read's ~1,500 lines in flight against the copy's chunk
            // (measured: read 240 → 228 GB/s, copy 240 → 80 GB/s; the copy runs on alone after the read).
            #expect(both["gpu.read.bandwidth"]! < 0.97 * readAlone, "read \(both["gpu.read.bandwidth"]!) GB/s together, \(readAlone) alone")
            #expect(both["copy.bandwidth"]! < 0.5 * copyAlone, "copy \(both["copy.bandwidth"]!) GB/s together, \(copyAlone) alone")
            // The link carried both: its GPU-bound direction near its flit rate while they overlapped.
            #expect(both["c2c.cpu_to_gpu.bytes"]! >= Double((64 + 32) << 20))
        } else {
            #expect(both["gpu.read.bandwidth"] == readAlone)
            #expect(both["copy.bandwidth"] == copyAlone)
        }
        #expect(both["gpu.read.bytes"] == Double(64 << 20))
    }

    /// Every declared machine parameter is read into the machine's configuration (or, for the
    /// gemm defaults, into a gemm phase's defaults) on at least one preset: changing it changes
    /// something. A parameter that nothing reads fails here.
    @Test func everyDeclaredParameterIsRead() {
        for spec in MachineParameters.all {
            var changesSomething = false
            for preset in MachineParameters.presetNames {
                let base = MachineParameters.values(preset: preset)!
                let value = base[spec.path]
                var candidates = [value * 1.5, value * 0.5, value + 1, spec.minimum, spec.maximum]
                if spec.integral { candidates = candidates.map { $0.rounded() } }
                // Changes within range that keep the machine consistent, until one shows (a floor
                // such as tRRD's 4 clocks binds only when raised far enough).
                for changed in candidates where changed != value && changed >= spec.minimum && changed <= spec.maximum {
                    var p = base
                    p.set(spec.path, changed)
                    guard MachineConfig.crossCheck(p).isEmpty else { continue }
                    changesSomething = MachineConfig(p) != MachineConfig(base) || GEMMPhase.defaults(on: p) != GEMMPhase.defaults(on: base)
                    if changesSomething { break }
                }
                if changesSomething { break }
            }
            #expect(changesSomething, "\(spec.path) is declared but changing it changes nothing")
        }
    }
}

import Testing
import TwinCore
import TwinModels

/// Kernel kinds added through `KernelKind`: declared once (keys, metrics), run by the node's
/// generic dispatch. Memset is the first of them.
@Suite struct KernelKindTests {
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.05), seed: 3, samplePeriod: SimDuration(seconds: 1e-5),
                                      eventBudget: 100_000_000)

    static func memset(_ bytes: UInt64, count: Double = 1) -> WorkloadPhase {
        let declaration = KernelDeclaration.all.first { $0.name == "memset" }!
        return .kernel(declaration.values(["buffer": Double(bytes), "count": count])!)
    }

    static func run(_ program: Program, on config: MachineConfig = spark) -> [String: Double] {
        var simulation = Simulation(config: config, program: program, settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        return Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
    }

    @Test func theDeclarationGivesDefaultsAndRequiresTheBuffer() {
        let declaration = KernelDeclaration.all.first { $0.name == "memset" }!
        #expect(declaration.values([:]) == nil, "buffer has no default")
        let values = declaration.values(["buffer": 4096])!
        #expect(values["count"] == 1 && values["launchOverhead"] == 0)
        #expect(declaration.metrics.map(\.name).contains("gpu.memset.bandwidth"))
    }

    /// A buffer four times the L2: every line is stored once, the L2 writes back what it evicts
    /// (all but what it still holds at the end), and the stores go no faster than DRAM takes
    /// the write-backs: the kernel lasts at least their bytes at the controller's peak.
    @Test func aMemsetLargerThanTheL2GoesAtTheWritePaceOfDRAM() {
        let l2 = Self.spark.compute.l2.capacityBytes
        let bytes = 4 * l2
        let m = Self.run(Program(phases: [Self.memset(bytes)]))
        #expect(m["gpu.memset.bytes"] == Double(bytes))
        #expect(m["gpu.memset.kernels"] == 1)
        #expect(m["memory.write.bytes"]! >= Double(bytes - l2) && m["memory.write.bytes"]! <= Double(bytes))
        let seconds = m["gpu.memset.kernel_time.mean"]! * 1e-6
        #expect(seconds >= m["memory.write.bytes"]! / (m["memory.peak_bandwidth"]! * 1e9))
        #expect(m["gpu.memset.bandwidth"]! > 50)
        #expect(m["gpu.read.bytes"] == 0, "a memset reads nothing")
    }

    /// A buffer the L2 holds is stored at the L2's pace after the first kernel: far faster than
    /// one DRAM must take.
    @Test func aMemsetTheL2HoldsIsFasterThanOneDRAMTakes() {
        let small = Self.run(Program(phases: [Self.memset(4 << 20, count: 8)]))
        let large = Self.run(Program(phases: [Self.memset(256 << 20)]))
        #expect(small["gpu.memset.bandwidth"]! > 3 * large["gpu.memset.bandwidth"]!)
        #expect(small["gpu.l2.hit_rate"]! > 0.8)
    }

    /// A memset beside a streaming read: they meet at the L2's data path and the controller,
    /// and the read finishes later than alone. Same seed, same results.
    @Test func aMemsetBesideAReadSlowsIt() {
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 30, totalBytes: 64 << 20, pattern: .sequential))
        let alone = Self.run(Program(phases: [read]))
        let together = Program(phases: [read, Self.memset(256 << 20)], steps: [0..<2])
        let beside = Self.run(together)
        #expect(beside["gpu.read.bandwidth"]! < 0.9 * alone["gpu.read.bandwidth"]!)
        #expect(beside == Self.run(together))
    }
}

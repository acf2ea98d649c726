import Testing
import TwinCore
import TwinModels

/// A kernel's start and end from the CTA scheduler: the work distributor's pace, the drain as
/// streaming CTAs finish their shares, and the teardown before the stream's next kernel.
@Suite struct SmallKernelTests {
    static let spark = MachineParameters.values(preset: "dgx-spark")!
    static let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 3, samplePeriod: SimDuration(seconds: 1e-4),
                                      eventBudget: 50_000_000)

    /// The run's time for `phases` on GB10 with `change` applied to its parameters; with
    /// `placements`, each phase works on its own buffer.
    static func seconds(_ phases: [WorkloadPhase], placements: [BufferPlacement?] = [],
                        _ change: (inout ParameterValues) -> Void = { _ in }) -> Double {
        var p = spark
        change(&p)
        var machine = Simulation(config: MachineConfig(p), program: Program(phases: phases, placements: placements), settings: settings)
        #expect(machine.run(until: .zero + settings.duration) == .idle)
        machine.finish()
        return machine.metrics.first { $0.name == "sim.time" }!.value
    }

    /// `kernels` streaming reads of `bytes` each, every one over buffer bytes no other reads (so
    /// none finds the lines of another in the L2), back to back with no launch gap.
    static func reads(_ kernels: Int, of bytes: UInt64, _ change: (inout ParameterValues) -> Void = { _ in }) -> Double {
        let phases = (0..<kernels).map { _ in WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: bytes, totalBytes: bytes, pattern: .sequential)) }
        let placements = (0..<UInt64(kernels)).map { BufferPlacement(base: $0 * bytes, bytes: bytes) }
        return seconds(phases, placements: placements, change)
    }

    /// Each of 64 kernels of 1 MiB costs more than its bytes at the long kernel's rate: the
    /// teardown, and an empty pipe at its start and a drain at its end that one long kernel of the
    /// same 64 MiB pays once.
    @Test func shortKernelsCostMoreThanOneLongKernelOfTheSameBytes() {
        let teardown = Self.spark["gpu.kernelTeardown"]
        let long = Self.reads(1, of: 64 << 20)
        let short = Self.reads(64, of: 1 << 20)
        let perKernel = (short - long) / 63
        #expect(perKernel > teardown + 0.2e-6 && perKernel < teardown + 2e-6, "\(perKernel * 1e6) µs per kernel")
        // Without the teardown each kernel still pays its start and end.
        let noTeardown: (inout ParameterValues) -> Void = { $0.set("gpu.kernelTeardown", 0) }
        let shortBare = Self.reads(64, of: 1 << 20, noTeardown), longBare = Self.reads(1, of: 64 << 20, noTeardown)
        let bare = (shortBare - longBare) / 63
        #expect(bare > 0.2e-6 && abs(perKernel - bare - teardown) < 0.1e-6, "\(bare * 1e6) µs per kernel without teardown")
    }

    /// The teardown is paid once per kernel, GEMM or streaming read: four kernels take four
    /// teardowns more when it grows by 10 µs (well above any other change it causes).
    @Test func everyKernelPaysTheTeardownOnce() {
        let gemm = WorkloadPhase.gemm(GEMMPhase(m: 512, n: 512, k: 512, precision: .bf16, count: 4, launchOverhead: .zero))
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 1 << 20, totalBytes: 1 << 20, pattern: .sequential, count: 4))
        for phase in [gemm, read] {
            let base = Self.seconds([phase])
            let longer = Self.seconds([phase]) { $0.set("gpu.kernelTeardown", Self.spark["gpu.kernelTeardown"] + 10e-6) }
            #expect(abs((longer - base) - 40e-6) < 0.5e-6, "\(phase): \((longer - base) * 1e6) µs more")
        }
    }

    /// The work distributor places one CTA per interval: at 100 ns a streaming read's 288 CTAs
    /// take 28.7 µs to place, so even a tiny read lasts that long, while at 0 its last CTA starts
    /// at once. A GEMM of one wave (48 CTAs) ends later too, but by less than its last CTA's
    /// 4.7 µs: placed at once, all 48 load their first stages together and queue at the memory;
    /// placed one by one, the first are under way before the last arrive.
    @Test func theWorkDistributorPacesTheFirstWave() {
        let slow: (inout ParameterValues) -> Void = { $0.set("gpu.ctaDispatchInterval", 100e-9) }
        let instant: (inout ParameterValues) -> Void = { $0.set("gpu.ctaDispatchInterval", 0); $0.set("gpu.kernelTeardown", 0) }
        let grid = Self.spark["gpu.sms"] * 6
        #expect(Self.reads(1, of: 64 << 10, slow) > (grid - 1) * 100e-9)
        #expect(Self.reads(1, of: 64 << 10, instant) < 3e-6)
        let gemm = [WorkloadPhase.gemm(GEMMPhase(m: 768, n: 1024, k: 1024, precision: .bf16, launchOverhead: .zero))]
        let paced = Self.seconds(gemm, slow), unpaced = Self.seconds(gemm) { $0.set("gpu.ctaDispatchInterval", 0) }
        #expect(paced - unpaced > 1e-6 && paced - unpaced < 4.8e-6, "\((paced - unpaced) * 1e6) µs later")
    }
}

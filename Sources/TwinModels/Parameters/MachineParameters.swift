/// The table of every machine parameter, with the `dgx-spark` defaults and their sources.
///
/// Sources: "GB10 README" is `shared/calibration/gb10/README.md` (NVIDIA specifications,
/// Hot Chips 2025 coverage and named measurements); "LPDDR5X table" is
/// `shared/calibration/gb10/lpddr5x-timing.md` (typical JEDEC LPDDR5 core timings in ns, as used
/// by public DRAM simulators). "estimate" marks values no public source gives; they are
/// overridable and listed as such by `sparktwin describe`.
public enum MachineParameters {
    public static let all: [ParameterSpec] = cpu + gpu + dvfs + c2c + host + memory + power + thermal + governor

    static let cpu: [ParameterSpec] = [
        ParameterSpec("cpu.x925.clock", .frequency, default: 3_900e6, unit: "GHz", range: 1e8...1e10,
                      source: "GB10 README: X925 up to 3.9 GHz (cluster 0) / 4.0 GHz (cluster 1), measured",
                      "Clock of the Cortex-X925 cores."),
        ParameterSpec("cpu.a725.clock", .frequency, default: 2_800e6, unit: "GHz", range: 1e8...1e10,
                      source: "GB10 README: A725 2.8 GHz (measured)",
                      "Clock of the Cortex-A725 cores."),
        ParameterSpec("cpu.lineSize", .size, default: 64, unit: "B", range: 32...1024, integral: true,
                      source: "Arm Cortex-X925 / A725 technical reference manuals: 64 B lines",
                      "Cache line of the Grace cores' caches."),
        ParameterSpec("cpu.l1Size", .size, default: 65_536, unit: "KiB", range: 1_024...1e8, integral: true,
                      source: "GB10 README: 64 KiB L1 D per core (measured)",
                      "L1 data cache per core."),
        ParameterSpec("cpu.l1Latency", .count, default: 4, unit: "cycles", range: 1...100, integral: true,
                      source: "Arm Cortex-X925 / A725 technical reference manuals: 4-cycle load-to-use",
                      "Load-to-use latency of an L1 hit, core cycles."),
        ParameterSpec("cpu.x925.l2Size", .size, default: 2_097_152, unit: "MiB", range: 1_024...1e9, integral: true,
                      source: "GB10 README: 2 MiB L2 per X925 (spec)",
                      "Private L2 of an X925 core."),
        ParameterSpec("cpu.x925.l2Latency", .count, default: 12, unit: "cycles", range: 1...1_000, integral: true,
                      source: "estimate: Arm's published X925 L2 load-to-use latency class",
                      "Load-to-use latency of an L2 hit on an X925, core cycles."),
        ParameterSpec("cpu.a725.l2Size", .size, default: 524_288, unit: "KiB", range: 1_024...1e9, integral: true,
                      source: "GB10 README: 512 KiB L2 per A725 (spec)",
                      "Private L2 of an A725 core."),
        ParameterSpec("cpu.a725.l2Latency", .count, default: 9, unit: "cycles", range: 1...1_000, integral: true,
                      source: "GB10 README: A725 L2 9 cycles ≈ 3.2 ns (measured)",
                      "Load-to-use latency of an L2 hit on an A725, core cycles."),
        ParameterSpec("cpu.l3Size", .size, default: 16_777_216, unit: "MiB", range: 0...1e10, integral: true,
                      source: "GB10 README: 16 MiB per cluster (Hot Chips 2025); the porting guide's 16 + 8 and the measured 8 + 16 MiB stay reachable by override",
                      "Shared L3 of each cluster."),
        ParameterSpec("cpu.l3Latency", .time, default: 16e-9, unit: "ns", range: 0...1e-6,
                      source: "calibrated: C5, L3 ~14 ns from an X925 (measured), read as a chase over 12 MiB: mostly L3 hits, some L2",
                      "Load-to-use latency of an L3 hit from an X925 core."),
        ParameterSpec("cpu.a725.l3Penalty", .time, default: 7e-9, unit: "ns", range: 0...1e-6,
                      source: "calibrated: C5, L3 >21 ns from an A725 vs ~14 ns from an X925 (measured)",
                      "Extra L3 latency seen from an A725 core."),
        ParameterSpec("cpu.slcSize", .size, default: 16_777_216, unit: "MiB", range: 0...1e10, integral: true,
                      source: "GB10 README: 16 MiB system-level cache on the CPU die (spec)",
                      "System-level cache, shared by the clusters and SoC engines."),
        ParameterSpec("cpu.slcLatency", .time, default: 15e-9, unit: "ns", range: 0...1e-6,
                      source: "estimate: a hop across the CPU die's fabric beyond the L3",
                      "Latency a system-level-cache lookup adds to an L3 miss."),
        ParameterSpec("cpu.fabricLatency", .time, default: 5e-9, unit: "ns", range: 0...1e-6,
                      source: "calibrated: C5, DRAM ~113 ns from a core (measured), given the LPDDR5X timing table",
                      "One-way latency between the system-level cache and the memory controller's front end."),
    ]

    static let gpu: [ParameterSpec] = [
        ParameterSpec("gpu.smClock", .frequency, default: 2_418e6, unit: "MHz", range: 1e6...5e9,
                      source: "GB10 README: default application clock 2,418 MHz (measured)",
                      "GPU SM clock; the memory request port issues at most one line request per SM cycle."),
        ParameterSpec("gpu.sms", .count, default: 48, unit: "", range: 1...1024, integral: true,
                      source: "GB10 README: 48 SMs (spec)",
                      "Number of streaming multiprocessors."),
        ParameterSpec("gpu.readsInFlightPerSM", .count, default: 32, unit: "", range: 1...4096, integral: true,
                      source: "estimate: outstanding L1 misses per SM, typical of recent NVIDIA GPUs",
                      "Line reads one SM can have outstanding; bounds the memory-level parallelism."),
        ParameterSpec("gpu.requestsPerCycle", .count, default: 1, unit: "", range: 1...1_024, integral: true,
                      source: "estimate: GB10's single path from the L2 to NVLink-C2C (128 B × 2.418 GHz = 310 GB/s, above the 273 GB/s of DRAM)",
                      "Line requests the GPU's fabric accepts per SM cycle, all SMs together."),
        ParameterSpec("gpu.lineSize", .size, default: 128, unit: "B", range: 32...4096, integral: true,
                      source: "NVIDIA CUDA programming guide: 128 B L2 line",
                      "Size of one GPU memory read request."),
        ParameterSpec("gpu.fabricLatency", .time, default: 150e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: one-way SM → L2 → C2C port latency",
                      "One-way latency between an SM and the GPU side of NVLink-C2C."),
        ParameterSpec("gpu.tensorFlopsPerCycle.fp4", .count, default: 4_096, unit: "FLOP", range: 0...1e6,
                      source: "GB10 README: ~500 TFLOPS dense FP4 (derived from the 1 PFLOP sparse spec)",
                      "Dense FP4 tensor FLOP per SM per cycle (block-scaled MMA)."),
        ParameterSpec("gpu.tensorFlopsPerCycle.fp8", .count, default: 2_048, unit: "FLOP", range: 0...1e6,
                      source: "GB10 README: ~250 TFLOPS dense FP8 (derived)",
                      "Dense FP8 tensor FLOP per SM per cycle."),
        ParameterSpec("gpu.tensorFlopsPerCycle.fp16", .count, default: 1_024, unit: "FLOP", range: 0...1e6,
                      source: "GB10 README: 48 SM × 1,024 FLOP/clk (derived)",
                      "Dense FP16 tensor FLOP per SM per cycle."),
        ParameterSpec("gpu.tensorFlopsPerCycle.bf16", .count, default: 1_024, unit: "FLOP", range: 0...1e6,
                      source: "GB10 README: 48 SM × 1,024 FLOP/clk ≈ 119 TFLOPS at 2,418 MHz (derived)",
                      "Dense BF16 tensor FLOP per SM per cycle."),
        ParameterSpec("gpu.fp32FlopsPerCycle", .count, default: 256, unit: "FLOP", range: 0...1e6,
                      source: "GB10 README: 128 FP32 lanes per SM, one FMA each; 31 TFLOPS (spec)",
                      "FP32 SIMT FLOP per SM per cycle."),
        ParameterSpec("gpu.sparseSpeedup", .ratio, default: 2, unit: "×", range: 1...8,
                      source: "GB10 README: 1,000 TFLOPS FP4 with 2:4 sparsity vs ~500 dense",
                      "Tensor throughput factor of 2:4 structured sparsity."),
        ParameterSpec("gpu.mmaEfficiency", .ratio, default: 0.92, unit: "", range: 0.01...1,
                      source: "calibrated: C2 (92–95 TFLOPS dense BF16 at 2,150 MHz), with the mma.sync-only tensor path of the GB10 README",
                      "Fraction of the tensor issue rate a GEMM main loop sustains."),
        ParameterSpec("gpu.maxThreadsPerSM", .count, default: 1_536, unit: "", range: 32...65_536, integral: true,
                      source: "GB10 README: 1,536 threads per SM (measured)",
                      "Resident threads per SM; bounds occupancy."),
        ParameterSpec("gpu.registersPerSM", .count, default: 65_536, unit: "", range: 1_024...1_048_576, integral: true,
                      source: "CUDA programming guide: 64 K 32-bit registers per SM (compute capability 12.x)",
                      "Registers per SM; bounds occupancy."),
        ParameterSpec("gpu.sharedMemoryPerSM", .size, default: 102_400, unit: "KiB", range: 0...16_777_216, integral: true,
                      source: "CUDA programming guide: 100 KiB shared memory per SM (compute capability 12.x)",
                      "Shared memory per SM; bounds occupancy."),
        ParameterSpec("gpu.sharedMemoryPerCTA", .size, default: 101_376, unit: "KiB", range: 0...16_777_216, integral: true,
                      source: "GB10 README: at most 99 KiB shared memory per block (measured)",
                      "Largest shared-memory allocation of one CTA."),
        ParameterSpec("gpu.maxCTAsPerSM", .count, default: 24, unit: "", range: 1...256, integral: true,
                      source: "CUDA programming guide: 24 resident blocks per SM (compute capability 12.x)",
                      "Resident CTAs per SM; bounds occupancy."),
        ParameterSpec("gpu.l2Size", .size, default: 25_165_824, unit: "MiB", range: 0...1e10, integral: true,
                      source: "GB10 README: 24 MiB L2 (spec)",
                      "Capacity of the GPU's L2."),
        ParameterSpec("gpu.l2Ways", .count, default: 16, unit: "", range: 1...128, integral: true,
                      source: "estimate: associativity is not published",
                      "Ways per L2 set (least-recently-used replacement)."),
        ParameterSpec("gpu.l2BytesPerCycle", .count, default: 1_536, unit: "B", range: 1...1e6,
                      source: "estimate: 32 B per SM per SM cycle, all slices together",
                      "Bytes the L2 delivers to the SMs per SM clock cycle."),
        ParameterSpec("gpu.l2HitLatency", .time, default: 100e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: ~200 SM cycles, as on recent NVIDIA GPUs",
                      "Latency of a request that hits in the L2, SM to SM."),
        ParameterSpec("gpu.launchOverhead", .time, default: 5e-6, unit: "us", range: 0...1,
                      source: "estimate: host-side launch to first CTA, as on discrete NVIDIA GPUs",
                      "Time from a kernel's launch to its first CTA; a GEMM phase may override it."),
        ParameterSpec("gpu.memoryOverC2C", .count, default: 1, unit: "", range: 0...1, integral: true,
                      source: "GB10 README: the memory controllers sit on the CPU die; all GPU DRAM traffic crosses C2C",
                      "1 if the GPU reaches DRAM through NVLink-C2C, 0 for local memory."),
    ]

    static let c2c: [ParameterSpec] = [
        ParameterSpec("c2c.bandwidthPerDirection", .bandwidth, default: 300e9, unit: "GB/s", range: 1e6...1e13,
                      source: "GB10 README: ~600 GB/s aggregate, both directions together (spec)",
                      "Raw bandwidth of NVLink-C2C in each direction."),
        ParameterSpec("c2c.latency", .time, default: 30e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: die-to-die link and protocol layers",
                      "One-way latency of a flit across the link, after serialization."),
        ParameterSpec("c2c.flitSize", .size, default: 16, unit: "B", range: 1...1024, integral: true,
                      source: "estimate: link transfer unit",
                      "Unit of transfer on the link; packets occupy whole flits."),
        ParameterSpec("c2c.maxPayload", .size, default: 128, unit: "B", range: 1...65_536, integral: true,
                      source: "estimate: one GPU line per packet", "Largest payload of one C2C packet."),
        ParameterSpec("c2c.headerSize", .size, default: 32, unit: "B", range: 0...1024, integral: true,
                      source: "calibrated: C1 (231–243 GB/s streaming read); two flits of header and framing per packet, as the link's protocol overhead is not public",
                      "Header bytes carried by every request and response packet."),
    ]

    /// The link host copies cross. On GB10 the host is the CPU die, so it is NVLink-C2C itself.
    static let host: [ParameterSpec] = [
        ParameterSpec("host.bandwidthPerDirection", .bandwidth, default: 300e9, unit: "GB/s", range: 1e6...1e13,
                      source: "GB10 README: NVLink-C2C, ~600 GB/s aggregate (spec)",
                      "Raw bandwidth of the host link in each direction."),
        ParameterSpec("host.latency", .time, default: 30e-9, unit: "ns", range: 0...1e-3,
                      source: "as c2c.latency (estimate)", "One-way latency of the host link."),
        ParameterSpec("host.flitSize", .size, default: 16, unit: "B", range: 1...1024, integral: true,
                      source: "as c2c.flitSize (estimate)", "Unit of transfer on the host link."),
        ParameterSpec("host.headerSize", .size, default: 32, unit: "B", range: 0...1024, integral: true,
                      source: "as c2c.headerSize (calibrated on C1)", "Header and framing bytes of every host-link packet."),
        ParameterSpec("host.maxPayload", .size, default: 128, unit: "B", range: 1...65_536, integral: true,
                      source: "estimate: one GPU line per C2C packet", "Largest payload of one host-link packet."),
    ]

    static let memory: [ParameterSpec] = [
        ParameterSpec("memory.dataRate", .transferRate, default: 8_533e6, unit: "MT/s", range: 1e8...2e10,
                      source: "GB10 README: LPDDR5X-8533 (spec)",
                      "Transfers per second on each data pin."),
        ParameterSpec("memory.beatsPerClock", .count, default: 8, unit: "", range: 1...16, integral: true,
                      source: "LPDDR5X table: CK = data rate / 8 (WCK:CK = 4:1, data on both WCK edges)",
                      "Data beats per memory command clock; sets CK from the data rate."),
        ParameterSpec("memory.channels", .count, default: 16, unit: "", range: 1...256, integral: true,
                      source: "GB10 README: 256-bit as 16 channels × 16 bit (spec)",
                      "Independent memory channels."),
        ParameterSpec("memory.channelWidth", .size, default: 2, unit: "B", range: 1...64, integral: true,
                      source: "GB10 README: 16-bit channels (spec)",
                      "Data bus width of one channel."),
        ParameterSpec("memory.banks", .count, default: 16, unit: "", range: 1...64, integral: true,
                      source: "LPDDR5X table: 16 banks per channel",
                      "Banks per channel, each with one open row."),
        ParameterSpec("memory.pageSize", .size, default: 2_048, unit: "B", range: 64...65_536, integral: true,
                      source: "LPDDR5X table: 2 KiB page per x16 channel",
                      "Row-buffer size of one bank."),
        ParameterSpec("memory.burstLength", .count, default: 16, unit: "", range: 2...64, integral: true,
                      source: "LPDDR5X table: BL16",
                      "Beats per read burst; a burst moves burstLength × channelWidth bytes."),
        ParameterSpec("memory.interleave", .size, default: 256, unit: "B", range: 32...65_536, integral: true,
                      source: "estimate: GB10's address mapping is not public",
                      "Consecutive bytes placed on one channel before moving to the next."),
        ParameterSpec("memory.addressHash", .count, default: 1, unit: "", range: 0...1, integral: true,
                      source: "estimate: controllers hash higher address bits into channel and bank selection",
                      "1 folds higher address bits into the channel and bank numbers; 0 maps them plainly."),
        ParameterSpec("memory.pageTimeout", .time, default: 100e-9, unit: "ns", range: 0...1,
                      source: "estimate: adaptive open-page policy of recent memory controllers",
                      "A row idle this long is precharged in the background, so the next miss to its bank skips tRP."),
        ParameterSpec("memory.controllerLatency", .time, default: 20e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: request path through the CPU die's fabric and controller front end",
                      "Latency from the C2C port to the channel's command queue."),
        ParameterSpec("memory.RL", .time, default: 21.25e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table: RL 21.25 ns (23 CK at 8533, an estimate)",
                      "Read latency from column command to first data."),
        ParameterSpec("memory.WL", .time, default: 11.25e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table: WL 11.25 ns (12 CK at 8533, an estimate)",
                      "Write latency from column command to first data."),
        ParameterSpec("memory.tWR", .time, default: 34e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Write recovery: last write data to precharge."),
        ParameterSpec("memory.tWTR", .time, default: 12e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table: tWTR_L (bank groups are not modelled, so the long one)",
                      "Last write data to the next read command of the channel."),
        ParameterSpec("memory.turnaround", .time, default: 2e-9, unit: "ns", range: 0...1e-6,
                      source: "estimate: ~2 CK of idle data bus between read data and write data",
                      "Data-bus idle time when the channel turns from reads to writes."),
        ParameterSpec("memory.writeBatch", .count, default: 16, unit: "", range: 1...1_024, integral: true,
                      source: "estimate: write-queue high watermark of a GPU-class controller",
                      "Writes a channel queues before draining them in one batch."),
        ParameterSpec("memory.tRCD", .time, default: 18e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Activate to read or write."),
        ParameterSpec("memory.tRP", .time, default: 18e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table: tRPpb", "Precharge of one bank."),
        ParameterSpec("memory.tRAS", .time, default: 42e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Activate to precharge, same bank."),
        ParameterSpec("memory.tRTP", .time, default: 7.5e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Read to precharge, same bank."),
        ParameterSpec("memory.tRRD", .time, default: 5e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Activate to activate, different banks of one channel."),
        ParameterSpec("memory.tFAW", .time, default: 20e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table", "Window that may hold at most four activates per channel."),
        ParameterSpec("memory.tRFCab", .time, default: 280e-9, unit: "ns", range: 0...1e-5,
                      source: "LPDDR5X table: 16 Gb die", "Duration of an all-bank refresh."),
        ParameterSpec("memory.tREFI", .time, default: 3_906e-9, unit: "ns", range: 1e-8...1e-3,
                      source: "LPDDR5X table", "Interval between all-bank refreshes of one channel."),
    ]

    /// The spec of a declared parameter, if any.
    public static func spec(_ path: String) -> ParameterSpec? { all.first { $0.path == path } }

    /// A preset's value for one parameter, with where it comes from.
    public struct PresetValue: Sendable {
        public let path: String
        public let value: Double
        public let source: String

        init(_ path: String, _ value: Double, _ source: String) {
            self.path = path
            self.value = value
            self.source = source
        }
    }

    /// Presets are data: each one is a set of values over the `dgx-spark` defaults.
    public static let presets: [String: [PresetValue]] = [
        "dgx-spark": [],
        "h100-sxm": h100SXM,
    ]

    /// NVIDIA H100 SXM5 80 GB: "H100 README" is `shared/calibration/h100-sxm/README.md` (public
    /// specifications and the driver's device properties, `device.txt`).
    static let hbmTimings = "estimate: typical HBM core timings of public DRAM simulator presets"

    static let h100SXM: [PresetValue] = [
        PresetValue("gpu.smClock", 1_980e6, "H100 README: max boost 1,980 MHz; device.txt clock_rate"),
        PresetValue("gpu.sms", 132, "H100 README: 132 SMs"),
        PresetValue("gpu.requestsPerCycle", 32, "estimate: one request per L2 slice pair per cycle (~8 TB/s at 1,980 MHz)"),
        PresetValue("gpu.readsInFlightPerSM", 64, "estimate: enough memory-level parallelism for ~3 TB/s at ~600 ns"),
        PresetValue("gpu.fabricLatency", 120e-9, "estimate: SM → L2 → HBM controller, one way"),
        PresetValue("gpu.tensorFlopsPerCycle.fp4", 0, "H100 README: no FP4 tensor path (4th-generation tensor cores)"),
        PresetValue("gpu.tensorFlopsPerCycle.fp8", 8_192, "H100 README: 1,979 TFLOPS FP8 = 132 SM × 8,192 FLOP/clk at ~1,830 MHz"),
        PresetValue("gpu.tensorFlopsPerCycle.fp16", 4_096, "H100 README: 989 TFLOPS = 132 SM × 4,096 FLOP/clk at ~1,830 MHz"),
        PresetValue("gpu.tensorFlopsPerCycle.bf16", 4_096, "H100 README: 989 TFLOPS = 132 SM × 4,096 FLOP/clk at ~1,830 MHz"),
        PresetValue("gpu.fp32FlopsPerCycle", 256, "H100 README: 128 FP32 lanes per SM"),
        PresetValue("gpu.mmaEfficiency", 0.8, "estimate: wgmma main-loop efficiency of cuBLAS-class kernels (not fitted: the H100 curves are L2-bound in the twin)"),
        PresetValue("gpu.maxThreadsPerSM", 2_048, "H100 README: 2,048 threads per SM; device.txt"),
        PresetValue("gpu.registersPerSM", 65_536, "H100 README: 64 K registers per SM; device.txt"),
        PresetValue("gpu.sharedMemoryPerSM", 233_472, "H100 README: 228 KiB shared memory per SM; device.txt"),
        PresetValue("gpu.sharedMemoryPerCTA", 232_448, "CUDA programming guide: 227 KiB per block (compute capability 9.0)"),
        PresetValue("gpu.maxCTAsPerSM", 32, "CUDA programming guide: 32 resident blocks per SM (compute capability 9.0)"),
        PresetValue("gpu.l2Size", 52_428_800, "H100 README: 50 MiB L2; device.txt L2_cache_size"),
        PresetValue("gpu.l2BytesPerCycle", 2_816, "estimate: ~5.5 TB/s L2 bandwidth at 1,980 MHz (public microbenchmarks)"),
        PresetValue("gpu.l2HitLatency", 95e-9, "H100 latency.csv: ~186 cycles at 256 KiB (L1 miss, L2 hit) at 1,980 MHz"),
        PresetValue("gpu.launchOverhead", 6e-6, "estimate: launch latency, below the ~6.5 µs per-call floor of small copies in H100 bw.csv"),
        PresetValue("gpu.memoryOverC2C", 0, "H100 README: HBM3 attached to the GPU die"),
        PresetValue("host.bandwidthPerDirection", 63e9, "H100 README: PCIe Gen5 x16, 32 GT/s × 16 lanes × 128/130 encoding"),
        PresetValue("host.latency", 1e-6, "estimate: PCIe round trip through the root complex"),
        PresetValue("host.flitSize", 4, "PCIe: TLPs are counted in 4-byte double words"),
        PresetValue("host.headerSize", 24, "PCIe: 16 B TLP header (4 DW, 64-bit address) + 6 B sequence number and LCRC + 2 B framing"),
        PresetValue("host.maxPayload", 256, "PCIe: a typical server's 256 B maximum payload size"),
        PresetValue("memory.dataRate", 5_238e6, "H100 device.txt: memory_clock_rate 2,619 MHz, double data rate"),
        PresetValue("memory.beatsPerClock", 2, "HBM3: data on both edges of the 2,619 MHz clock"),
        PresetValue("memory.channels", 160, "H100 README: 5,120-bit HBM3 bus as 160 pseudo-channels × 32 bit"),
        PresetValue("memory.channelWidth", 4, "HBM3: 32-bit pseudo-channels"),
        PresetValue("memory.burstLength", 8, "HBM3: BL8, 32 B per pseudo-channel burst"),
        PresetValue("memory.pageSize", 1_024, "HBM3: 1 KiB page per pseudo-channel"),
        PresetValue("memory.RL", 14e-9, hbmTimings),
        PresetValue("memory.tRCD", 14e-9, hbmTimings),
        PresetValue("memory.WL", 4e-9, hbmTimings),
        PresetValue("memory.tWR", 16e-9, hbmTimings),
        PresetValue("memory.tWTR", 8e-9, hbmTimings),
        PresetValue("memory.tRP", 14e-9, hbmTimings),
        PresetValue("memory.tRAS", 33e-9, hbmTimings),
        PresetValue("memory.tRTP", 5e-9, hbmTimings),
        PresetValue("memory.tRRD", 4e-9, hbmTimings),
        PresetValue("memory.tFAW", 16e-9, hbmTimings),
        PresetValue("memory.tRFCab", 350e-9, hbmTimings),
        PresetValue("memory.tREFI", 3_900e-9, hbmTimings),
    ]

    /// Names of the known presets, sorted.
    public static var presetNames: [String] { presets.keys.sorted() }

    /// The values of a preset, or nil if the preset is unknown.
    public static func values(preset: String) -> ParameterValues? {
        guard let overrides = presets[preset] else { return nil }
        var values = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0.defaultValue) })
        for entry in overrides { values[entry.path] = entry.value }
        return ParameterValues(values: values)
    }
}

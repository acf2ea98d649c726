/// The table of every machine parameter, with the `dgx-spark` defaults and their sources.
///
/// Sources: "GB10 README" is `shared/calibration/gb10/README.md` (NVIDIA specifications,
/// Hot Chips 2025 coverage and named measurements); "LPDDR5X table" is
/// `shared/calibration/gb10/lpddr5x-timing.md` (typical JEDEC LPDDR5 core timings in ns, as used
/// by public DRAM simulators). "estimate" marks values no public source gives; they are
/// overridable and listed as such by `sparktwin describe`.
public enum MachineParameters {
    public static let all: [ParameterSpec] = gpu + c2c + memory

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
        ParameterSpec("gpu.lineSize", .size, default: 128, unit: "B", range: 32...4096, integral: true,
                      source: "NVIDIA CUDA programming guide: 128 B L2 line",
                      "Size of one GPU memory read request."),
        ParameterSpec("gpu.fabricLatency", .time, default: 150e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: one-way SM → L2 → C2C port latency",
                      "One-way latency between an SM and the GPU side of NVLink-C2C."),
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
        ParameterSpec("c2c.headerSize", .size, default: 16, unit: "B", range: 0...1024, integral: true,
                      source: "estimate: one flit of header per packet",
                      "Header bytes carried by every request and response packet."),
    ]

    static let memory: [ParameterSpec] = [
        ParameterSpec("memory.dataRate", .transferRate, default: 8_533e6, unit: "MT/s", range: 1e8...2e10,
                      source: "GB10 README: LPDDR5X-8533 (spec)",
                      "Transfers per second on each data pin."),
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
        ParameterSpec("memory.controllerLatency", .time, default: 20e-9, unit: "ns", range: 0...1e-5,
                      source: "estimate: request path through the CPU die's fabric and controller front end",
                      "Latency from the C2C port to the channel's command queue."),
        ParameterSpec("memory.RL", .time, default: 21.25e-9, unit: "ns", range: 0...1e-6,
                      source: "LPDDR5X table: RL 21.25 ns (23 CK at 8533, an estimate)",
                      "Read latency from column command to first data."),
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

    /// Presets are data: each one is a set of values over the defaults.
    public static let presets: [String: [String: Double]] = [
        "dgx-spark": [:],
    ]

    /// Names of the known presets, sorted.
    public static var presetNames: [String] { presets.keys.sorted() }

    /// The values of a preset, or nil if the preset is unknown.
    public static func values(preset: String) -> ParameterValues? {
        guard let overrides = presets[preset] else { return nil }
        var values = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0.defaultValue) })
        for (path, value) in overrides { values[path] = value }
        return ParameterValues(values: values)
    }
}

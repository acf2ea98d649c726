import TwinCore

/// The counters a node's sampled signals are read from, taken at each sample.
struct SampleCounters: Sendable {
    var readBytes: UInt64 = 0
    var readLatencyPs: UInt64 = 0
    var readsCompleted: UInt64 = 0
    var readsInFlight = 0
    var rowHits: UInt64 = 0
    var rowMisses: UInt64 = 0
    var c2cBusyFlits: UInt64 = 0
    var gemmFlops = 0.0
    var cpuStreamBytes: UInt64 = 0
}

/// What a signal reads at a sample: the counters now and at the sample before, the seconds
/// between them, and NVLink-C2C's flit rate (for its utilization).
struct SampleWindow {
    var now: SampleCounters
    var last: SampleCounters
    var seconds: Double
    var c2cFlitRateHz: Double
}

/// One sampled signal, declared once: its name, unit and meaning, and how detailed mode
/// computes it from a sample window. Fast mode records some of them (`Fast/FastMachine.swift`)
/// from its own counters, under the same declaration.
public struct SignalDeclaration: Sendable {
    public let name: String
    public let unit: String
    public let meaning: String
    let value: @Sendable (SampleWindow) -> Double

    init(_ name: String, _ unit: String, _ meaning: String, value: @escaping @Sendable (SampleWindow) -> Double) {
        self.name = name
        self.unit = unit
        self.meaning = meaning
        self.value = value
    }

    static let gpuReadBandwidth = SignalDeclaration("gpu.read.bandwidth", "GB/s", "bytes the GPU's streaming reads received over the sample") { w in
        Double(w.now.readBytes - w.last.readBytes) / w.seconds / 1e9
    }
    static let gpuReadLatency = SignalDeclaration("gpu.read.latency.mean", "ns", "mean time of the GPU reads completed over the sample") { w in
        let reads = w.now.readsCompleted - w.last.readsCompleted
        return reads == 0 ? 0 : Double(w.now.readLatencyPs - w.last.readLatencyPs) / Double(reads) / 1_000
    }
    static let gpuReadsInFlight = SignalDeclaration("gpu.reads_in_flight", "count", "GPU line reads outstanding at the sample") { w in
        Double(w.now.readsInFlight)
    }
    static let memoryRowHitRate = SignalDeclaration("memory.row_hit_rate", "ratio", "DRAM accesses over the sample that found their row open") { w in
        let hits = w.now.rowHits - w.last.rowHits, misses = w.now.rowMisses - w.last.rowMisses
        return hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses)
    }
    static let c2cUtilization = SignalDeclaration("c2c.cpu_to_gpu.utilization", "ratio", "share of the sample NVLink-C2C's CPU-to-GPU direction sent flits") { w in
        Double(w.now.c2cBusyFlits - w.last.c2cBusyFlits) / w.c2cFlitRateHz / w.seconds
    }
    static let gemmThroughput = SignalDeclaration("gpu.gemm.throughput", "TFLOPS", "GEMM FLOPs done over the sample") { w in
        (w.now.gemmFlops - w.last.gemmFlops) / w.seconds / 1e12
    }
    static let cpuStreamBandwidth = SignalDeclaration("cpu.stream.bandwidth", "GB/s", "bytes the Grace threads' stream steps read over the sample") { w in
        Double(w.now.cpuStreamBytes - w.last.cpuStreamBytes) / w.seconds / 1e9
    }
}

extension Machine {
    /// The node's own signals, recorded at every sample in this order, before the power system's.
    public static let ownSignals: [SignalDeclaration] = [
        .gpuReadBandwidth, .gpuReadLatency, .gpuReadsInFlight, .memoryRowHitRate, .c2cUtilization, .gemmThroughput, .cpuStreamBandwidth,
    ]

    /// Every signal a node with `rails` records, with its meaning, for `describe`.
    public static func signalList(rails: PowerSystem.Rails) -> [(name: String, unit: String, meaning: String)] {
        ownSignals.map { ($0.name, $0.unit, $0.meaning) } + PowerSystem.signals(rails: rails)
    }

    /// The counters the signals read, now.
    var sampleCounters: SampleCounters {
        let memory = path.controller.totalStats
        return SampleCounters(readBytes: gpu.stats.bytesReceived, readLatencyPs: gpu.stats.latencySumPs, readsCompleted: gpu.stats.readsCompleted,
                              readsInFlight: gpu.readsInFlight, rowHits: memory.rowHits, rowMisses: memory.rowMisses,
                              c2cBusyFlits: path.c2c.stats(.cpuToGPU).busyFlits, gemmFlops: gemm.ctaFlops,
                              cpuStreamBytes: grace.stats.streamBytes)
    }

    /// Records every signal at the current time, from the counters since the last sample.
    mutating func takeSample() {
        let window = now - lastSampleTime
        guard window.picoseconds > 0 else { return }
        let counters = sampleCounters
        let sample = SampleWindow(now: counters, last: lastSample, seconds: window.seconds, c2cFlitRateHz: Double(config.c2c.flitRateHz))
        sampleTimesPs.append(now.picoseconds)
        for (index, signal) in Self.ownSignals.enumerated() { sampleValues[index].append(signal.value(sample)) }
        for (offset, value) in power.signalValues.enumerated() { sampleValues[Self.ownSignals.count + offset].append(value) }
        lastSampleTime = now
        lastSample = counters
    }
}

import TwinCore

/// What a node's run did, as its metrics read it. Detailed mode fills it from its components'
/// stats (`Machine.runTotals`); fast mode fills the part its units give (`FastMachine.runTotals`)
/// and reports the metrics declared for both modes.
public struct RunTotals: Sendable {
    public let config: MachineConfig
    public let fidelity: Fidelity
    var elapsedPs: UInt64 = 0
    var events: UInt64 = 0
    /// Fast mode: the detailed runs that measured its unit costs.
    var detailedRuns = 0
    /// The SM clock in force at the end of the run.
    var smClockHz = 0.0

    // The GPU's streaming reads (stream-read, stream-copy): bytes received, the time their
    // phases ran, and each read's latency.
    var readBytes = 0.0
    var readPhasePs: UInt64 = 0
    var readLatency = LatencyHistogram()
    /// Bytes stream-copy phases read and wrote, and the time they ran.
    var gpuCopyBytes: UInt64 = 0
    var gpuCopyPhasePs: UInt64 = 0

    // GEMM: kernels finished, their FLOPs and the time their phases ran; tensor-pipe busy
    // SM-cycles; FLOPs of the CTAs retired (the work energy is set against).
    var gemmKernels: UInt64 = 0
    var gemmFlops = 0.0
    var gemmPhasePs: UInt64 = 0
    var tensorBusyCycles: UInt64 = 0
    var workFlops = 0.0
    var l2 = SetAssociativeCache.Stats()

    // Host copies.
    var copyBytes: UInt64 = 0
    var copyPhasePs: UInt64 = 0
    var copies: UInt64 = 0

    // The Grace threads' chase steps: loads (fractional in fast mode, mid-unit), their summed
    // latency, ps, and where they hit.
    var cpuChaseLoads = 0.0
    var cpuChaseLatencyPs = 0.0
    var cpuChaseLoadsByLevel = [UInt64](repeating: 0, count: PointerChase.Level.allCases.count)

    var grace = GraceThreadStats()

    // The GPU pointer chase, likewise, with its latency in SM cycles and its TLB misses.
    var gpuChaseLoads = 0.0
    var gpuChaseLatencyPs = 0.0
    var gpuChaseSMCycles = 0.0
    var gpuChaseLoadsByLevel = [UInt64](repeating: 0, count: GPUPointerChase.Level.allCases.count)
    var gpuChaseL1TLBMisses: UInt64 = 0
    var gpuChaseL2TLBMisses: UInt64 = 0

    // DRAM: the channels' summed stats, each channel's busy cycles, read latency at the controller.
    var memory = MemoryController.ChannelStats()
    var channelBusyCycles: [UInt64] = []
    var memoryReadLatency = LatencyHistogram()
    // NVLink-C2C: each direction's utilization over the run, and the CPU-to-GPU payload.
    var c2cGPUToCPUUtilization = 0.0
    var c2cCPUToGPUUtilization = 0.0
    var c2cCPUToGPUBytes: UInt64 = 0

    /// The load features of the sampled GEMM throughput and streamed bandwidth, and the peaks
    /// of the datasheet they are set against.
    var gemmLoad = LoadFeatures()
    var streamLoad = LoadFeatures()
    var spec: SpecPeaks
    /// The power system at the end of the run: its energy, temperatures, clocks and throttles.
    var power: PowerSystem

    init(config: MachineConfig, fidelity: Fidelity, power: PowerSystem, workload: [WorkloadPhase]) {
        self.config = config
        self.fidelity = fidelity
        self.power = power
        self.spec = SpecPeaks(config: config, workload: workload)
    }

    var seconds: Double { Double(elapsedPs) / 1e12 }

    /// Reads the load features from a run's sampled signals.
    mutating func readLoads(times: [Double], series: [SignalSeries]) {
        func values(_ name: String) -> [Double] { series.first { $0.name == name }!.values }
        let clock = values("clock.gpu"), die = values("temp.gpu_die")
        let idleMHz = power.config.gpuCurve.minHz / 1e6
        gemmLoad = LoadFeatures(times: times, work: values("gpu.gemm.throughput"), clockMHz: clock, dieC: die, idleClockMHz: idleMHz)
        streamLoad = LoadFeatures(times: times, work: values("gpu.read.bandwidth"), clockMHz: clock, dieC: die, idleClockMHz: idleMHz)
    }
}

extension Machine {
    /// The node's own metrics, in the order of its results.
    static func nodeMetrics(config: MachineConfig) -> [MetricDeclaration] {
        typealias M = MetricDeclaration
        let rate = M.rate, share = M.share
        var out: [M] = [
            M("sim.time", "s", .informational, "simulated time the run reached", modes: .both) { $0.seconds },
            M("sim.events", "count", .informational, "events handled (fast mode: work steps and governor periods)", modes: .both) { Double($0.events) },
            M("fast.detailed_runs", "count", .informational, "detailed runs fast mode made to measure its unit costs (0 when the results database kept them all)", modes: .fast) { Double($0.detailedRuns) },
            M("gpu.read.bytes", "B", .neutral, "bytes the GPU's streaming reads received", modes: .both) { $0.readBytes },
            M("gpu.read.bandwidth", "GB/s", .higherIsBetter, "streamed bytes over the time the stream phases ran, launches included", modes: .both) {
                rate($0.readBytes, Double($0.readPhasePs) * 1e-12, 1e9)
            },
            M("gpu.copy.bandwidth", "GB/s", .higherIsBetter, "bytes stream-copy phases read and wrote, over their time") {
                rate(Double($0.gpuCopyBytes), Double($0.gpuCopyPhasePs) * 1e-12, 1e9)
            },
            M("gpu.read.latency.mean", "ns", .lowerIsBetter, "mean time of a GPU line read, issue to data at the SM") { $0.readLatency.meanNs },
            M("gpu.read.latency.p50", "ns", .lowerIsBetter, "median time of a GPU line read") { $0.readLatency.quantileNs(0.5) },
            M("gpu.read.latency.p99", "ns", .lowerIsBetter, "99th percentile of a GPU line read's time") { $0.readLatency.quantileNs(0.99) },
            M("gpu.read.latency.max", "ns", .lowerIsBetter, "longest GPU line read") { Double($0.readLatency.maxPs) / 1_000 },
            M("gpu.sm_clock", "MHz", .neutral, "SM clock in force at the end of the run", modes: .both) { $0.smClockHz / 1e6 },
            M("gpu.gemm.kernels", "count", .neutral, "GEMM kernels finished", modes: .both) { Double($0.gemmKernels) },
            M("gpu.gemm.throughput", "TFLOPS", .higherIsBetter, "GEMM FLOPs over the time the GEMM phases ran", modes: .both) {
                rate($0.gemmFlops, Double($0.gemmPhasePs) * 1e-12, 1e12)
            },
            M("gpu.gemm.kernel_time.mean", "us", .lowerIsBetter, "the GEMM phases' time per kernel, launch gaps included") {
                $0.gemmKernels > 0 ? Double($0.gemmPhasePs) * 1e-12 / Double($0.gemmKernels) * 1e6 : 0
            },
            M("gpu.tensor.utilization", "ratio", .neutral, "tensor-pipe busy SM-cycles over the run's SM-cycles at the application clock") {
                let smCycles = $0.seconds * Double($0.config.gpu.smClockHz) * Double($0.config.compute.sms)
                return smCycles > 0 ? Double($0.tensorBusyCycles) / smCycles : 0
            },
            M("gpu.l2.hit_rate", "ratio", .higherIsBetter, "GPU L2 accesses that hit") { $0.l2.hitRate },
            M("gpu.l2.misses", "count", .neutral, "GPU L2 accesses that missed") { Double($0.l2.misses) },
            M("copy.bandwidth", "GB/s", .higherIsBetter, "bytes host copies moved over the time the copy phases ran") {
                rate(Double($0.copyBytes), Double($0.copyPhasePs) * 1e-12, 1e9)
            },
            M("copy.time.mean", "us", .lowerIsBetter, "the copy phases' time per copy") {
                $0.copies > 0 ? Double($0.copyPhasePs) * 1e-12 / Double($0.copies) * 1e6 : 0
            },
            M("cpu.chase.loads", "count", .neutral, "loads the Grace threads' chase steps (a cpu-chase phase's) timed", modes: .both) { $0.cpuChaseLoads },
            M("cpu.chase.latency.mean", "ns", .lowerIsBetter, "mean time of a Grace chase load, issue to value at the core", modes: .both) {
                $0.cpuChaseLoads > 0 ? $0.cpuChaseLatencyPs / $0.cpuChaseLoads / 1_000 : 0
            },
        ]
        for level in PointerChase.Level.allCases {
            out.append(M("cpu.chase.\(level).fraction", "ratio", .neutral, "CPU chase loads served by the \(level)") {
                share(Double($0.cpuChaseLoadsByLevel[level.rawValue]), $0.cpuChaseLoads)
            })
        }
        out += [
            M("cpu.stream.bytes", "B", .neutral, "bytes the Grace threads' stream steps read") { Double($0.grace.streamBytes) },
            M("cpu.stream.bandwidth", "GB/s", .higherIsBetter, "stream bytes over the time at least one thread streamed") {
                rate(Double($0.grace.streamBytes), Double($0.grace.streamPs) * 1e-12, 1e9)
            },
            M("cpu.stream.latency.mean", "ns", .lowerIsBetter, "mean time of a Grace stream line, issue to data at the core") {
                $0.grace.streamLines > 0 ? Double($0.grace.streamLatencyPs) / Double($0.grace.streamLines) / 1_000 : 0
            },
            M("cpu.compute.cycles", "count", .neutral, "core cycles the threads' compute steps ran") { Double($0.grace.computeCycles) },
            M("cpu.threads.time", "s", .lowerIsBetter, "time the cpu phases ran") { Double($0.grace.phasePs) * 1e-12 },
            M("gpu.chase.loads", "count", .neutral, "loads the GPU pointer chase timed", modes: .both) { $0.gpuChaseLoads },
            M("gpu.chase.latency.mean", "ns", .lowerIsBetter, "mean time of a GPU chase load", modes: .both) {
                $0.gpuChaseLoads > 0 ? $0.gpuChaseLatencyPs / $0.gpuChaseLoads / 1_000 : 0
            },
            M("gpu.chase.latency.cycles", "cycles", .lowerIsBetter, "mean time of a GPU chase load in SM cycles at the clock of the moment", modes: .both) {
                $0.gpuChaseLoads > 0 ? $0.gpuChaseSMCycles / $0.gpuChaseLoads : 0
            },
        ]
        for level in GPUPointerChase.Level.allCases {
            out.append(M("gpu.chase.\(level).fraction", "ratio", .neutral, "GPU chase loads served by the \(level)") {
                share(Double($0.gpuChaseLoadsByLevel[level.rawValue]), $0.gpuChaseLoads)
            })
        }
        out += [
            M("gpu.chase.l1_tlb_miss.fraction", "ratio", .neutral, "GPU chase loads that missed the L1 TLB") { share(Double($0.gpuChaseL1TLBMisses), $0.gpuChaseLoads) },
            M("gpu.chase.l2_tlb_miss.fraction", "ratio", .neutral, "GPU chase loads that missed the L2 TLB") { share(Double($0.gpuChaseL2TLBMisses), $0.gpuChaseLoads) },
            M("memory.bandwidth", "GB/s", .higherIsBetter, "DRAM bytes read and written over the run", modes: .both) {
                rate(Double($0.memory.movedBytes), $0.seconds, 1e9)
            },
            M("memory.write.bytes", "B", .neutral, "DRAM bytes written") { Double($0.memory.writeBytes) },
            M("memory.write.drains", "count", .neutral, "times a channel turned its bus around to drain writes") { Double($0.memory.writeDrains) },
            M("memory.peak_bandwidth", "GB/s", .neutral, "the DRAM's bus width times its data rate") { $0.config.memory.peakBandwidthBytesPerSecond / 1e9 },
            M("memory.row_hit_rate", "ratio", .higherIsBetter, "DRAM accesses that found their row open") {
                $0.memory.rowHits + $0.memory.rowMisses == 0 ? 0 : Double($0.memory.rowHits) / Double($0.memory.rowHits + $0.memory.rowMisses)
            },
            M("memory.read.latency.mean", "ns", .lowerIsBetter, "mean time of a read at the controller, arrival to data leaving its channel") {
                $0.memoryReadLatency.meanNs
            },
            M("memory.read.latency.p50", "ns", .lowerIsBetter, "median time of a read at the controller") { $0.memoryReadLatency.quantileNs(0.5) },
            M("memory.read.latency.p99", "ns", .lowerIsBetter, "99th percentile of a read's time at the controller") { $0.memoryReadLatency.quantileNs(0.99) },
            M("memory.channel.utilization.mean", "ratio", .neutral, "mean over the channels of the share of the run their bus was busy") {
                let u = $0.channelUtilizations
                return u.reduce(0, +) / Double(max(1, u.count))
            },
            M("memory.channel.utilization.min", "ratio", .neutral, "the least busy channel's share") { $0.channelUtilizations.min() ?? 0 },
            M("memory.channel.utilization.max", "ratio", .neutral, "the busiest channel's share") { $0.channelUtilizations.max() ?? 0 },
        ]
        for channel in 0..<config.memory.channels {
            out.append(M("memory.channel.\(channel < 10 ? "0" : "")\(channel).utilization", "ratio", .neutral, "share of the run channel \(channel)'s bus was busy") {
                $0.channelUtilizations[channel]
            })
        }
        out += [
            M("memory.refresh.overhead", "ratio", .lowerIsBetter, "share of the banks' cycles spent refreshing (all-bank refresh: of the channels')") {
                let bankCycles = $0.memoryCycles * Double($0.config.memory.channels * $0.config.memory.banks)
                return bankCycles > 0 ? Double($0.memory.refreshBankCycles) / bankCycles : 0
            },
            M("memory.read_queue.waited", "ratio", .lowerIsBetter, "share of reads that waited at the front end for room in their channel's read queue (memory.readQueue)") {
                let m = $0.memory
                return m.reads > 0 ? Double(m.readQueueWaits) / Double(m.reads) : 0
            },
            M("memory.command_bus.utilization", "ratio", .neutral, "share of the command buses' cycles that carried activates, reads, writes and precharges") {
                let cycles = $0.memoryCycles * Double($0.config.memory.channels * $0.config.memory.commandBuses)
                return cycles > 0 ? Double($0.memory.commandCycles) / cycles : 0
            },
            M("c2c.gpu_to_cpu.utilization", "ratio", .neutral, "share of the run NVLink-C2C's GPU-to-CPU direction sent flits") { $0.c2cGPUToCPUUtilization },
            M("c2c.cpu_to_gpu.utilization", "ratio", .neutral, "share of the run NVLink-C2C's CPU-to-GPU direction sent flits") { $0.c2cCPUToGPUUtilization },
            M("c2c.cpu_to_gpu.bytes", "B", .neutral, "payload bytes NVLink-C2C carried to the GPU") { Double($0.c2cCPUToGPUBytes) },
        ]
        return out
    }

    /// Load features of the GEMM throughput and of the streamed bandwidth (whichever ran; the
    /// clock and temperature features follow the GEMM if any ran, else the stream).
    static let loadMetrics: [MetricDeclaration] = {
        typealias M = MetricDeclaration
        func features(_ name: String, _ unit: String, _ what: String, _ load: @escaping @Sendable (RunTotals) -> LoadFeatures,
                      spec: @escaping @Sendable (RunTotals) -> Double) -> [M] {
            [M("\(name).first", unit, .higherIsBetter, "\(what) in the first sample window with work", modes: .both) { load($0).first },
             M("\(name).peak", unit, .higherIsBetter, "\(what) in the best sample window, the first and last left out", modes: .both) { load($0).peak },
             M("\(name).sustained", unit, .higherIsBetter, "\(what) over the second half of the load's windows", modes: .both) { load($0).sustained },
             M("\(name).sustained_ratio", "ratio", .higherIsBetter, "sustained over peak", modes: .both) { load($0).ratio },
             M("\(name).loss_from_first", "ratio", .lowerIsBetter, "1 − sustained over first", modes: .both) {
                 let l = load($0)
                 return l.first > 0 ? 1 - l.sustained / l.first : 0
             },
             M("\(name).spec", unit, .neutral, "the datasheet's peak for the run's work", modes: .both) { spec($0) },
             M("\(name).ratio_to_spec", "ratio", .higherIsBetter, "sustained over the datasheet's peak", modes: .both) {
                 let s = spec($0)
                 return s > 0 ? load($0).sustained / s : 0
             }]
        }
        /// The load the clock and temperature features follow.
        @Sendable func heat(_ t: RunTotals) -> LoadFeatures { t.gemmLoad.peak > 0 ? t.gemmLoad : t.streamLoad }
        return features("gpu.gemm.throughput", "TFLOPS", "GEMM throughput", { $0.gemmLoad }, spec: { $0.spec.gemmTFLOPS })
            + features("gpu.read.bandwidth", "GB/s", "streamed bandwidth", { $0.streamLoad }, spec: { $0.spec.memoryGBps })
            + [M("clock.gpu.sustained", "MHz", .higherIsBetter, "mean GPU clock over the load's sustained windows", modes: .both) { heat($0).sustainedClockMHz },
               M("clock.gpu.swing", "MHz", .lowerIsBetter, "the GPU clock's highest less its lowest sample over the load's sustained windows: how far the governor's clock oscillates once the load has settled", modes: .both) { heat($0).clockSwingMHz },
               M("clock.gpu.loss", "ratio", .lowerIsBetter, "1 − sustained clock over the application clock", modes: .both) {
                   let mhz = heat($0).sustainedClockMHz
                   return mhz > 0 ? 1 - mhz / ($0.power.config.gpuCeilingHz / 1e6) : 0
               },
               M("temp.gpu_die.plateau", "C", .lowerIsBetter, "mean GPU die temperature over the load's sustained windows", modes: .both) { heat($0).plateauC },
               M("temp.gpu_die.rise_tau", "s", .neutral, "time from 3 s into the load to 63.2 % of the way to the plateau", modes: .both) { heat($0).riseTauSeconds },
               M("temp.gpu_die.fall_tau", "s", .neutral, "time from the load's end to 63.2 % of the next 3 s' drop", modes: .both) { heat($0).fallTauSeconds }]
    }()
}

extension RunTotals {
    /// The memory controller's cycles over the run.
    var memoryCycles: Double { Double(elapsedPs) * 1e-12 * Double(config.memory.clockHz) }

    /// Each channel's busy share of the run.
    var channelUtilizations: [Double] {
        let cycles = memoryCycles
        return channelBusyCycles.map { cycles > 0 ? min(1, Double($0) / cycles) : 0 }
    }
}

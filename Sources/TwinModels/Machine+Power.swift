import TwinCore

/// Activity counters at the last governor tick, and the GPU's busy time.
struct PowerCounters: Sendable {
    var tensorBusyCycles: UInt64 = 0
    var memoryBytes: UInt64 = 0
    var activates: UInt64 = 0
    var c2cBytes: UInt64 = 0
    var gpuBusyPs: UInt64 = 0
    var cpuCoreBusyPs: [UInt64]
    /// When the running GPU phase began to count as busy, if one runs.
    var gpuBusySince: SimTime?
    /// Busy time accumulated by finished stretches of GPU work.
    var gpuBusyTotalPs: UInt64 = 0
    /// Busy cores per cluster now (host thread, chase thread, background job), and since when.
    var busyCores: [UInt64]
    var busyCoresSince = SimTime.zero
    var cpuCoreBusyTotalPs: [UInt64]

    init(clusters: Int) {
        cpuCoreBusyPs = Array(repeating: 0, count: clusters)
        busyCores = Array(repeating: 0, count: clusters)
        cpuCoreBusyTotalPs = Array(repeating: 0, count: clusters)
    }
}

/// Counters at the end of a unit of work (a kernel, a streaming pass), for fast mode to
/// measure steady-state units as the difference of two marks.
struct UnitMark: Sendable {
    var time: SimTime
    var tensorBusyCycles: UInt64
    var memoryBytes: UInt64
    var activates: UInt64
    var c2cBytes: UInt64
    /// For kernels: time from the kernel's start to the retirement of its first full wave, and
    /// the whole waves retired and the time to the last of them.
    var firstWave: SimDuration?
    var wholeWaves: UInt64 = 0
    var wholeWavesTime: SimDuration?
}

extension Machine {
    /// Notes the counters at the end of a unit of work.
    mutating func markUnit() {
        guard recordUnitMarks else { return }
        let m = path.controller.totalStats
        unitMarks.append(UnitMark(time: now, tensorBusyCycles: gemm.tensorBusyCycles, memoryBytes: m.movedBytes,
                                  activates: m.rowMisses, c2cBytes: path.c2cPayloadBytes,
                                  firstWave: gemm.firstWaveDoneAt.map { $0 - gemm.kernelStartedAt }, wholeWaves: gemm.wholeWavesDone,
                                  wholeWavesTime: gemm.wholeWavesDoneAt.map { $0 - gemm.kernelStartedAt }))
    }

    /// A governor period is over: measure the activity since the last tick, let the power
    /// system advance, apply the clocks it chose and schedule the next tick.
    mutating func powerTick() {
        advancePower(partial: false)
        applyGPUClock()
        if power.shutdown {
            shutdownAt = now
            return
        }
        schedule(NodeEvent.powerTick, at: now + powerPeriod, phase: .control)
    }

    /// Feeds the activity since the last tick to the power system. A partial step (the end of a
    /// run between ticks) is integrated too, so that short runs have power and energy figures.
    mutating func advancePower(partial: Bool) {
        let elapsed = now - lastPowerTick
        guard elapsed.picoseconds > 0 else { return }
        var activity = Activity()
        let periodPs = Double(elapsed.picoseconds)
        let busyTotal = gpuBusyPicoseconds
        activity.gpuBusy = min(1, Double(busyTotal - powerCounters.gpuBusyPs) / periodPs)
        let smCycles = elapsed.seconds * power.gpuHz * Double(config.compute.sms)
        activity.tensorUtilization = min(1, Double(gemm.tensorBusyCycles - powerCounters.tensorBusyCycles) / max(smCycles, 1))
        let m = path.controller.totalStats
        activity.memoryBytes = Double(m.movedBytes - powerCounters.memoryBytes)
        activity.activates = Double(m.rowMisses - powerCounters.activates)
        let c2cBytes = path.c2cPayloadBytes
        activity.c2cBytes = Double(c2cBytes - powerCounters.c2cBytes)
        accountBusyCores()
        activity.busyCores = powerCounters.cpuCoreBusyTotalPs.indices.map { cluster in
            Double(powerCounters.cpuCoreBusyTotalPs[cluster] - powerCounters.cpuCoreBusyPs[cluster]) / periodPs
        }
        powerCounters.gpuBusyPs = busyTotal
        powerCounters.tensorBusyCycles = gemm.tensorBusyCycles
        powerCounters.memoryBytes = m.movedBytes
        powerCounters.activates = m.rowMisses
        powerCounters.c2cBytes = c2cBytes
        powerCounters.cpuCoreBusyPs = powerCounters.cpuCoreBusyTotalPs
        lastPowerTick = now
        power.advancePeriod(activity: activity, now: now.seconds, gpuWorkPending: gpuHasWork,
                            partial: partial ? elapsed.seconds : nil)
    }

    /// Moves the SM clock domain to the clock the power system chose.
    mutating func applyGPUClock() {
        let hz = UInt64(power.gpuHz.rounded())
        guard hz != gpu.clock.frequencyHz else { return }
        gpu.setClock(hz: hz, at: now)
        l2PicosecondsPerByte = config.compute.l2PicosecondsPerByte(smHz: Double(hz))
    }

    /// Whether a GPU phase (kernel, stream or added kernel) is running.
    var gpuHasWork: Bool { gemm.kernel != nil || stream.phase != nil || runningAddedKernels.contains { $0.kernel.usesGPU } }

    /// GPU busy time up to now.
    var gpuBusyPicoseconds: UInt64 {
        powerCounters.gpuBusyTotalPs + (powerCounters.gpuBusySince.map { (now - $0).picoseconds } ?? 0)
    }

    mutating func gpuWorkBegins() {
        if powerCounters.gpuBusySince == nil { powerCounters.gpuBusySince = now }
        power.wakeGPU()
        applyGPUClock()
    }

    mutating func gpuWorkEnds() {
        if let since = powerCounters.gpuBusySince {
            powerCounters.gpuBusyTotalPs += (now - since).picoseconds
            powerCounters.gpuBusySince = nil
        }
    }

    /// Closes the busy-core interval up to now.
    mutating func accountBusyCores() {
        let span = (now - powerCounters.busyCoresSince).picoseconds
        for cluster in powerCounters.busyCores.indices {
            powerCounters.cpuCoreBusyTotalPs[cluster] += span * powerCounters.busyCores[cluster]
        }
        powerCounters.busyCoresSince = now
    }

    /// Sets the busy cores for the phases running now: each phase's background job, plus one
    /// core of cluster 0 for the host thread of a GPU phase or the chasing thread; summed over
    /// phases running together, at most a cluster's cores each.
    mutating func setBusyCores(phases indices: [Int]) {
        accountBusyCores()
        let topology = config.cpu.topology
        var busy = [UInt64](repeating: 0, count: topology.clusters)
        for index in indices {
            let cores = config.power.busyCores(phase: phases[index], background: program.background(index))
            for cluster in busy.indices { busy[cluster] = min(UInt64(topology.coresPerCluster), busy[cluster] + cores[cluster]) }
        }
        powerCounters.busyCores = busy
    }

    mutating func clearBusyCores() {
        accountBusyCores()
        powerCounters.busyCores = Array(repeating: 0, count: config.cpu.topology.clusters)
    }
}

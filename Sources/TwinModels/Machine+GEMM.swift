import TwinCore

/// A resident CTA: where it runs, which output tile it computes and the K step it is at.
struct CTASlot: Sendable {
    var sm: Int
    var mBlock: UInt64
    var nBlock: UInt64
    var step: UInt64
}

/// The GEMM kernels of the running phase and their CTAs on the SMs.
///
/// The CTA scheduler hands the grid out in launch order: first breadth-first over the SMs up to
/// the occupancy limit, then one new CTA to whichever SM just retired one. Waves, and the tail
/// of a grid that does not fill the last one, follow from that; nothing counts waves.
struct GEMMState: Sendable {
    var kernel: GEMMKernel?
    var phaseIndex = 0
    /// Where A and B start (B on the page after A).
    var aBase: UInt64 = 0
    var bBase: UInt64 = 0
    var launches = KernelLaunches()
    var nextCTA: UInt64 = 0
    var ctasDone: UInt64 = 0
    /// Per SM: the cycle its tensor pipe is free.
    var tensorFreeCycle: [UInt64] = []
    var slots: [CTASlot] = []
    var freeSlots: [UInt32] = []
    /// When the operands of each pipeline stage of each slot are in shared memory:
    /// `stageReady[slot * stages + step % stages]`.
    var stageReady: [SimTime] = []

    // Counters since the start of the run.
    var kernelsCompleted: UInt64 = 0
    var flops: Double = 0
    /// Time GEMM phases ran, from each phase's start to its latest finished kernel.
    var phasePs: UInt64 = 0
    var phaseAccountedTo = SimTime.zero
    var tensorBusyCycles: UInt64 = 0
    /// FLOPs of retired CTAs, for throughput over windows shorter than a kernel.
    var ctaFlops: Double = 0
    /// When the running kernel's first full wave of CTAs had retired.
    var firstWaveDoneAt: SimTime?
    var kernelStartedAt = SimTime.zero
    /// For fast mode's samples (`Machine.recordUnitMarks`): the running kernel's whole waves
    /// retired, and when the last of them had.
    var wholeWavesDone: UInt64 = 0
    var wholeWavesDoneAt: SimTime?
}

/// A GEMM kernel's events.
enum GEMMEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.gemm
    /// The kernel's launch overhead is over: its first CTAs reach the SMs.
    case kernelStart
    /// The work distributor has placed CTA slot `payload`: it loads its first stages.
    case ctaStart
    /// The operands of the current K step of CTA slot `payload` are ready.
    case ctaStep
    /// CTA slot `payload` has written its tile and retires.
    case ctaDone
    /// The kernel completes, its teardown after the last CTA over (no payload).
    case kernelDone
}

extension Machine {
    mutating func handle(_ event: GEMMEvent, payload: UInt64) {
        switch event {
        case .kernelStart: startKernel()
        case .ctaStart: startCTA(slot: Int(payload))
        case .ctaStep: runCTAStep(slot: Int(payload))
        case .ctaDone: retireCTA(slot: Int(payload))
        case .kernelDone: completeKernel()
        }
    }

    mutating func startGEMM(_ phase: GEMMPhase, phaseIndex: Int, base: UInt64) {
        let kernel = GEMMKernel(phase, on: config.compute)
        precondition(kernel.unrunnableReason == nil, kernel.unrunnableReason ?? "")
        let slots = config.compute.sms * Int(kernel.ctasPerSM)
        gemm.kernel = kernel
        gemm.phaseIndex = phaseIndex
        gemm.aBase = base
        gemm.bBase = base + kernel.bOffset
        gemm.launches = KernelLaunches(startingAt: now, hostInterval: phase.hostInterval,
                                       launchOverhead: phase.launchOverhead ?? config.compute.launchOverhead)
        gemm.phaseAccountedTo = now
        gemm.tensorFreeCycle = Array(repeating: 0, count: config.compute.sms)
        gemm.slots = Array(repeating: CTASlot(sm: 0, mBlock: 0, nBlock: 0, step: 0), count: slots)
        gemm.freeSlots = (0..<UInt32(slots)).reversed()
        gemm.stageReady = Array(repeating: .zero, count: slots * Int(phase.stages))
        launchKernel()
    }

    /// Queues the phase's next kernel on its stream (`KernelLaunches` paces it).
    mutating func launchKernel() {
        schedule(GEMMEvent.kernelStart, at: gemm.launches.next(after: now), phase: .control)
    }

    /// The kernel's first CTAs reach the SMs, breadth-first over the SMs as long as they fit
    /// beside what other streams' kernels hold.
    mutating func startKernel() {
        let kernel = gemm.kernel!
        gemm.kernelStartedAt = now
        gemm.firstWaveDoneAt = nil
        gemm.wholeWavesDone = 0
        gemm.wholeWavesDoneAt = nil
        gemm.nextCTA = 0
        gemm.ctasDone = 0
        for _ in 0..<kernel.ctasPerSM {
            for sm in 0..<config.compute.sms where gemm.nextCTA < kernel.ctas && occupancy.fits(kernel.footprint, on: sm) {
                dispatchCTA(on: sm)
            }
        }
    }

    /// Whether the GEMM kernel has CTAs waiting for room on the SMs.
    var gemmCTAsWaiting: Bool {
        guard let kernel = gemm.kernel else { return false }
        return gemm.nextCTA < kernel.ctas
    }

    /// Places the GEMM's waiting CTAs on `sm` while they fit.
    mutating func placeGEMMCTAs(on sm: Int) {
        while gemmCTAsWaiting && occupancy.fits(gemm.kernel!.footprint, on: sm) { dispatchCTA(on: sm) }
    }

    /// Places the grid's next CTA on `sm`; it starts when the work distributor reaches it.
    mutating func dispatchCTA(on sm: Int) {
        let kernel = gemm.kernel!
        let slot = Int(gemm.freeSlots.removeLast())
        let tile = kernel.tile(ofCTA: gemm.nextCTA)
        gemm.nextCTA += 1
        occupancy.place(kernel.footprint, on: sm)
        gemm.slots[slot] = CTASlot(sm: sm, mBlock: tile.mBlock, nBlock: tile.nBlock, step: 0)
        let start = nextCTAStart()
        if start == now {
            startCTA(slot: slot)
        } else {
            schedule(GEMMEvent.ctaStart, at: start, payload: UInt64(slot))
        }
    }

    /// A placed CTA starts: it loads its first `stages - 1` K steps.
    mutating func startCTA(slot: Int) {
        let kernel = gemm.kernel!
        let stages = kernel.phase.stages
        for step in 0..<min(stages - 1, kernel.steps) {
            gemm.stageReady[slot * Int(stages) + Int(step % stages)] = loadStage(slot: slot, step: step, at: now)
        }
        let ready = gemm.stageReady[slot * Int(stages)]
        schedule(GEMMEvent.ctaStep, at: SimTime.latest(now, ready), payload: UInt64(slot))
    }

    /// The operands of the CTA's current step are in shared memory: run its math on the SM's
    /// tensor pipe (shared with the SM's other CTAs) and start the load `stages - 1` steps ahead.
    mutating func runCTAStep(slot: Int) {
        let kernel = gemm.kernel!
        let stages = kernel.phase.stages
        let cta = gemm.slots[slot]
        let startCycle = max(gpu.clock.cycle(atOrAfter: now), gemm.tensorFreeCycle[cta.sm])
        let endCycle = startCycle + kernel.cyclesPerStep
        gemm.tensorFreeCycle[cta.sm] = endCycle
        gemm.tensorBusyCycles += kernel.cyclesPerStep
        let ahead = cta.step + stages - 1
        if ahead < kernel.steps {
            gemm.stageReady[slot * Int(stages) + Int(ahead % stages)] =
                loadStage(slot: slot, step: ahead, at: gpu.clock.time(ofCycle: startCycle))
        }
        let end = gpu.clock.time(ofCycle: endCycle)
        if cta.step + 1 < kernel.steps {
            gemm.slots[slot].step += 1
            let ready = gemm.stageReady[slot * Int(stages) + Int((cta.step + 1) % stages)]
            schedule(GEMMEvent.ctaStep, at: SimTime.latest(end, ready), payload: UInt64(slot))
        } else {
            // Epilogue: the C tile goes out through the L2.
            let p = kernel.phase
            let outputBits: UInt64 = p.precision == .fp32 ? 32 : 16
            let done = l2Transfer(bytes: p.tileM * p.tileN * outputBits / 8, at: end)
            schedule(GEMMEvent.ctaDone, at: done, payload: UInt64(slot))
        }
    }

    mutating func retireCTA(slot: Int) {
        let kernel = gemm.kernel!
        let sm = gemm.slots[slot].sm
        occupancy.release(kernel.footprint, on: sm)
        gemm.freeSlots.append(UInt32(slot))
        gemm.ctasDone += 1
        gemm.ctaFlops += kernel.phase.flops / Double(kernel.gridCTAs)
        let wave = UInt64(config.compute.sms) * kernel.ctasPerSM
        if gemm.ctasDone == wave {
            gemm.firstWaveDoneAt = now
        }
        if recordUnitMarks && gemm.ctasDone % wave == 0 {
            gemm.wholeWavesDone = gemm.ctasDone / wave
            gemm.wholeWavesDoneAt = now
        }
        offerSM(sm)
        guard gemm.ctasDone == kernel.ctas else { return }
        if config.compute.kernelTeardown.picoseconds == 0 {
            completeKernel()
        } else {
            schedule(GEMMEvent.kernelDone, at: now + config.compute.kernelTeardown, phase: .control)
        }
    }

    /// The kernel's last CTA has exited and its teardown is over: launch the next or end the phase.
    mutating func completeKernel() {
        let kernel = gemm.kernel!
        gemm.kernelsCompleted += 1
        gemm.flops += kernel.phase.flops * Double(kernel.ctas) / Double(kernel.gridCTAs)
        gemm.phasePs += (now - gemm.phaseAccountedTo).picoseconds
        gemm.phaseAccountedTo = now
        markUnit()
        if gemm.launches.launched < kernel.phase.count {
            launchKernel()
        } else {
            gemm.kernel = nil
            finishPhase(gemm.phaseIndex)
        }
    }

    /// Loads the A and B slices of one K step of a CTA, line by line through the L2.
    ///
    /// In a cluster, the CTAs along N multicast their common A slice and those along M their
    /// common B slice: each pays its share of the L2 bandwidth; every line is still looked up
    /// (the partners' lookups hit), so the L2's contents and DRAM traffic stay exact.
    ///
    /// - Returns: when the last byte is in shared memory.
    mutating func loadStage(slot: Int, step: UInt64, at time: SimTime) -> SimTime {
        let p = gemm.kernel!.phase
        let cta = gemm.slots[slot]
        let bits = p.precision.elementBits
        let line = config.gpu.lineBytes
        let k0 = step * p.tileK
        let kEnd = min(p.k, k0 + p.tileK)
        var bytes: UInt64 = 0
        var missesDone = time
        // Rows ahead whose L2 sets are prefetched: the lookups of a stage are known in advance,
        // so the host's cache misses on the L2's tags overlap instead of following each other.
        let prefetchRows: UInt64 = 16
        func rows(_ first: UInt64, _ end: UInt64, base: UInt64, sharedBy: UInt64, machine: inout Machine) {
            func rowStart(_ row: UInt64) -> UInt64 { base + (row * p.k + k0) * bits / 8 }
            for row in first..<min(end, first + prefetchRows) { machine.l2.prefetch(rowStart(row)) }
            for row in first..<end {
                if row + prefetchRows < end { machine.l2.prefetch(rowStart(row + prefetchRows)) }
                let start = rowStart(row)
                let last = base + ((row * p.k + kEnd) * bits + 7) / 8 - 1
                var address = start / line * line
                while address <= last {
                    bytes += line / sharedBy
                    if !machine.l2.access(address) {
                        machine.writeBackVictim()
                        missesDone = SimTime.latest(missesDone, machine.path.gpuFetchLine(address, at: time))
                    }
                    address += line
                }
            }
        }
        rows(cta.mBlock * p.tileM, min(p.m, (cta.mBlock + 1) * p.tileM), base: gemm.aBase, sharedBy: p.clusterN, machine: &self)
        rows(cta.nBlock * p.tileN, min(p.n, (cta.nBlock + 1) * p.tileN), base: gemm.bBase, sharedBy: p.clusterM, machine: &self)
        return SimTime.latest(l2Transfer(bytes: bytes, at: time), missesDone)
    }

    /// Moves `bytes` between the L2 and the SMs, sharing the L2's bandwidth first come, first served.
    ///
    /// - Returns: when the last byte has arrived.
    mutating func l2Transfer(bytes: UInt64, at time: SimTime) -> SimTime {
        let start = SimTime.latest(time, l2FreeAt)
        let transfer = SimDuration(picoseconds: UInt64((Double(bytes) * l2PicosecondsPerByte).rounded(.up)))
        l2FreeAt = start + transfer
        return l2FreeAt + config.compute.l2HitLatency
    }

}

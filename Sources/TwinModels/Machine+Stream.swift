import TwinCore

/// The streaming-read phase now running: its passes over the buffer, each one kernel.
///
/// A pass's kernel is a grid of persistent CTAs, `readCTAsPerSM` per SM, each with a fixed share
/// of the pass's lines (a grid-stride loop: `lines / grid`, one more for the first `lines % grid`).
/// An SM's running CTAs keep `gpu.readsInFlightPerSM` reads in flight, in proportion to how many
/// of its `readCTAsPerSM` run, and take turns issuing (as their warps do), so the CTAs of one SM
/// progress alike. The work distributor places them one at a time
/// (`gpu.ctaDispatchInterval`), so the first reads ramp up; a CTA leaves its SM when its last
/// read is back, so the reads in flight drain as CTAs finish, and the kernel completes
/// `gpu.kernelTeardown` after the last. Beside another stream's kernel the CTAs that do not fit
/// wait for room.
struct StreamState: Sendable {
    var phase: StreamReadPhase?
    var phaseIndex = 0
    /// Where the source buffer starts, and a copy's destination (by default right after it).
    var base: UInt64 = 0
    var destinationBase: UInt64 = 0
    var launches = KernelLaunches()
    /// Whether a pass's kernel is on the GPU (from its CTAs' placement to its completion) and when it started.
    var passRunning = false
    var passStartedAt = SimTime.zero
    /// Per SM: the running pass's CTAs placed on it; those that have started (their indices at
    /// `sm * readCTAsPerSM` in `smCTAs`), their reads in flight, and whose turn it is to issue.
    var residentCTAs: [UInt64] = []
    var smRunningCTAs: [UInt32] = []
    var smCTAs: [UInt32] = []
    var smReadsInFlight: [UInt32] = []
    var smNextCTA: [UInt32] = []
    /// Reads in flight per SM when all its `readCTAsPerSM` run.
    var readsPerSM: UInt64 = 0
    /// The grid's CTAs, in launch order.
    var ctas: [ReadCTA] = []
    /// CTAs placed so far (in grid order), and those whose last read is back.
    var ctasPlaced: UInt64 = 0
    var ctasDone: UInt64 = 0
    /// Time stream phases ran, launches included, up to `accountedTo`.
    var phasePs: UInt64 = 0
    var accountedTo = SimTime.zero
    /// The same for copy phases alone, and the bytes they read and wrote.
    var copyPhasePs: UInt64 = 0
    var copyBytes: UInt64 = 0

    /// CTAs of the running pass's grid.
    var gridCTAs: UInt64 { UInt64(ctas.count) }

    /// Whether the running pass has CTAs waiting for room on the SMs.
    var readCTAsWaiting: Bool { passRunning && ctasPlaced < gridCTAs }
}

/// One CTA of a streaming-read kernel: the lines it has yet to issue, the reads it has in
/// flight and its SM.
struct ReadCTA: Sendable {
    var linesLeft: UInt64 = 0
    var readsInFlight: UInt32 = 0
    var sm: UInt32 = 0
}

/// What happens to a GPU stream's reads; the payload is the read's slot in `Machine.requests`.
enum GPUReadEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.gpuReads
    /// The read reaches the memory controller's front end.
    case atController
    /// Its data has left its channel.
    case leftChannel
    /// Its data is back at the SM.
    case dataBack
    /// A streaming phase's next pass starts (no payload).
    case passStart
    /// The work distributor has placed CTA `payload` of the pass: it starts its reads.
    case ctaStart
    /// The pass's kernel completes, its teardown over (no payload).
    case passEnd
}

extension Machine {
    /// A GPU streaming read's events.
    mutating func handle(_ event: GPUReadEvent, payload: UInt64) {
        switch event {
        case .atController:
            let request = requests[Int(payload)]
            let done = path.controller.read(address: request.address, bytes: config.gpu.lineBytes, at: now)
            schedule(GPUReadEvent.leftChannel, at: done, payload: payload)
        case .leftChannel:
            schedule(GPUReadEvent.dataBack, at: path.gpuDataReturns(leavingChannelAt: now), payload: payload)
        case .dataBack: receive(Int(payload))
        case .passStart: startStreamPass()
        case .ctaStart: startReadCTA(payload)
        case .passEnd: finishStreamPass()
        }
    }

    /// Issues the next line read of the pass for CTA `cta`.
    mutating func issueRead(cta: UInt64) {
        let (address, portTime, issueTime) = gpu.issue(at: now)
        stream.ctas[Int(cta)].linesLeft -= 1
        stream.ctas[Int(cta)].readsInFlight += 1
        stream.smReadsInFlight[Int(stream.ctas[Int(cta)].sm)] += 1
        let slot = freeRequests.removeLast()
        requests[Int(slot)] = ReadRequest(address: address, issuedAt: issueTime, cta: UInt32(cta))
        let hit = l2.access(address)
        if !hit { writeBackVictim() }
        if hit {
            let arrival = l2Transfer(bytes: config.gpu.lineBytes, at: issueTime)
            schedule(GPUReadEvent.dataBack, at: arrival, payload: UInt64(slot))
            return
        }
        let atController = path.gpuRequestArrives(leavingPortAt: portTime)
        schedule(GPUReadEvent.atController, at: atController, payload: UInt64(slot))
    }

    /// A read's data is back: its SM issues the next, and its CTA leaves after its last read.
    mutating func receive(_ slot: Int) {
        let cta = UInt64(requests[slot].cta)
        gpu.complete(issuedAt: requests[slot].issuedAt, at: now)
        if stream.phase!.copy { storeCopiedLine(source: requests[slot].address) }
        freeRequests.append(UInt32(slot))
        stream.ctas[Int(cta)].readsInFlight -= 1
        let sm = Int(stream.ctas[Int(cta)].sm)
        stream.smReadsInFlight[sm] -= 1
        issueReads(sm: sm)
        let state = stream.ctas[Int(cta)]
        if state.linesLeft == 0 && state.readsInFlight == 0 { retireReadCTA(cta) }
    }

    /// Issues reads on `sm` up to its running CTAs' share of `readsPerSM`, the CTAs with lines
    /// left taking turns.
    mutating func issueReads(sm: Int) {
        let running = Int(stream.smRunningCTAs[sm])
        guard running > 0 else { return }
        let limit = max(1, stream.readsPerSM * UInt64(running) / readCTAsPerSM)
        let first = sm * Int(readCTAsPerSM)
        var passed = 0
        while UInt64(stream.smReadsInFlight[sm]) < limit && passed < running {
            let turn = Int(stream.smNextCTA[sm]) % running
            stream.smNextCTA[sm] = UInt32(turn + 1)
            let cta = UInt64(stream.smCTAs[first + turn])
            if stream.ctas[Int(cta)].linesLeft > 0 {
                issueRead(cta: cta)
                passed = 0
            } else {
                passed += 1
            }
        }
    }

    mutating func startStream(_ phase: StreamReadPhase, phaseIndex: Int, base: UInt64, destination: UInt64?) {
        stream.phase = phase
        stream.phaseIndex = phaseIndex
        stream.base = base
        stream.destinationBase = destination ?? base + phase.destinationOffset
        stream.launches = KernelLaunches(startingAt: now, hostInterval: phase.hostInterval, launchOverhead: phase.launchOverhead)
        stream.accountedTo = now
        if stream.residentCTAs.isEmpty {
            let grid = config.compute.sms * Int(readCTAsPerSM)
            stream.residentCTAs = Array(repeating: 0, count: config.compute.sms)
            stream.smRunningCTAs = Array(repeating: 0, count: config.compute.sms)
            stream.smCTAs = Array(repeating: 0, count: grid)
            stream.smReadsInFlight = Array(repeating: 0, count: config.compute.sms)
            stream.smNextCTA = Array(repeating: 0, count: config.compute.sms)
            stream.ctas = Array(repeating: ReadCTA(), count: grid)
            stream.readsPerSM = UInt64(config.gpu.readsInFlightLimit / config.compute.sms)
        }
        launchStreamPass()
    }

    /// Queues the next pass as a kernel on the stream (`KernelLaunches` paces it); it reads
    /// `passOverhead` after its start.
    mutating func launchStreamPass() {
        let start = stream.launches.next(after: now) + stream.phase!.passOverhead
        if start == now {
            startStreamPass()
        } else {
            schedule(GPUReadEvent.passStart, at: start, phase: .control)
        }
    }

    /// A pass's kernel reaches the GPU: each CTA gets its share of the lines, and they go
    /// breadth-first over the SMs as long as they fit beside other streams' kernels.
    mutating func startStreamPass() {
        gpu.begin(stream.phase!, base: stream.base)
        stream.passRunning = true
        stream.passStartedAt = now
        let grid = stream.gridCTAs, lines = gpu.phaseLines
        for cta in 0..<grid { stream.ctas[Int(cta)] = ReadCTA(linesLeft: lines / grid + (cta < lines % grid ? 1 : 0)) }
        stream.ctasPlaced = 0
        stream.ctasDone = 0
        for _ in 0..<readCTAsPerSM {
            for sm in 0..<config.compute.sms where occupancy.fits(config.gpu.ctaFootprint, on: sm) {
                placeReadCTA(on: sm)
            }
        }
    }

    /// Places waiting CTAs of the running pass on `sm` while they fit.
    mutating func placeReadCTAs(on sm: Int) {
        while stream.readCTAsWaiting && stream.residentCTAs[sm] < readCTAsPerSM && occupancy.fits(config.gpu.ctaFootprint, on: sm) {
            placeReadCTA(on: sm)
        }
    }

    /// Places the grid's next CTA on `sm`; it starts when the work distributor reaches it.
    mutating func placeReadCTA(on sm: Int) {
        let cta = stream.ctasPlaced
        occupancy.place(config.gpu.ctaFootprint, on: sm)
        stream.residentCTAs[sm] += 1
        stream.ctasPlaced += 1
        stream.ctas[Int(cta)].sm = UInt32(sm)
        let start = nextCTAStart()
        if start == now {
            startReadCTA(cta)
        } else {
            schedule(GPUReadEvent.ctaStart, at: start, payload: cta)
        }
    }

    /// CTA `cta` starts: it joins its SM's running CTAs, which may now have more reads in
    /// flight, or leaves at once if it has no lines.
    mutating func startReadCTA(_ cta: UInt64) {
        guard stream.ctas[Int(cta)].linesLeft > 0 else { return retireReadCTA(cta, running: false) }
        let sm = Int(stream.ctas[Int(cta)].sm)
        stream.smCTAs[sm * Int(readCTAsPerSM) + Int(stream.smRunningCTAs[sm])] = UInt32(cta)
        stream.smRunningCTAs[sm] += 1
        issueReads(sm: sm)
    }

    /// CTA `cta` has its last read back: it leaves its SM for waiting CTAs. After the grid's last,
    /// the kernel completes once its teardown is over.
    mutating func retireReadCTA(_ cta: UInt64, running: Bool = true) {
        let sm = Int(stream.ctas[Int(cta)].sm)
        occupancy.release(config.gpu.ctaFootprint, on: sm)
        if running {
            // Out of the SM's running list: the last running CTA takes its place.
            let first = sm * Int(readCTAsPerSM), last = first + Int(stream.smRunningCTAs[sm]) - 1
            let index = (first...last).first { stream.smCTAs[$0] == UInt32(cta) }!
            stream.smCTAs[index] = stream.smCTAs[last]
            stream.smRunningCTAs[sm] -= 1
        }
        stream.residentCTAs[sm] -= 1
        stream.ctasDone += 1
        offerSM(sm)
        guard stream.ctasDone == stream.gridCTAs else { return }
        let teardown = config.compute.kernelTeardown
        if teardown.picoseconds == 0 {
            finishStreamPass()
        } else {
            schedule(GPUReadEvent.passEnd, at: now + teardown, phase: .control)
        }
    }

    /// The pass's kernel has completed: launch the next pass or end the phase.
    mutating func finishStreamPass() {
        accountStreamTime()
        markUnit()
        stream.passRunning = false
        if stream.launches.launched < stream.phase!.count {
            launchStreamPass()
        } else {
            stream.phase = nil
            finishPhase(stream.phaseIndex)
        }
    }

/// A copy's line has arrived: store it to the destination, through the write-back L2.
    mutating func storeCopiedLine(source address: UInt64) {
        let destination = address - stream.base + stream.destinationBase
        _ = l2Transfer(bytes: config.gpu.lineBytes, at: now)
        l2.access(destination, write: true)
        writeBackVictim()
        stream.copyBytes += 2 * config.gpu.lineBytes
    }

    /// Writes the line the L2's last miss evicted back to DRAM if it was dirty (posted: nothing
    /// waits for it, but it takes its share of the link and the channel).
    mutating func writeBackVictim() {
        guard l2.victimDirty, let victim = l2.victim else { return }
        path.gpuWriteLine(victim, at: now)
    }

    mutating func accountStreamTime() {
        if stream.phase!.copy { stream.copyPhasePs += (now - stream.accountedTo).picoseconds }
        stream.phasePs += (now - stream.accountedTo).picoseconds
        stream.accountedTo = now
    }
}

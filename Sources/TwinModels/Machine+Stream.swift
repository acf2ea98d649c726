import TwinCore

/// The streaming-read phase now running: its passes over the buffer, each one kernel.
///
/// A pass's kernel is a grid of persistent CTAs, `readCTAsPerSM` per SM, that together keep the
/// GPU's reads in flight; each CTA resident carries its share. Beside another stream's kernel
/// the CTAs that do not fit wait for room, and the pass has fewer reads in flight meanwhile.
struct StreamState: Sendable {
    var phase: StreamReadPhase?
    var phaseIndex = 0
    /// Where the source buffer starts, and a copy's destination (by default right after it).
    var base: UInt64 = 0
    var destinationBase: UInt64 = 0
    var launches = KernelLaunches()
    /// Whether a pass's kernel is on the SMs, when it started, its CTAs on each SM and those waiting.
    var passRunning = false
    var passStartedAt = SimTime.zero
    var residentCTAs: [UInt64] = []
    var residentTotal: UInt64 = 0
    var ctasWaiting: UInt64 = 0
    /// Time stream phases ran, launches included, up to `accountedTo`.
    var phasePs: UInt64 = 0
    var accountedTo = SimTime.zero
    /// The same for copy phases alone, and the bytes they read and wrote.
    var copyPhasePs: UInt64 = 0
    var copyBytes: UInt64 = 0
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
        }
    }

    mutating func issueRead() {
        let (address, portTime, issueTime) = gpu.issue(at: now)
        let slot = freeRequests.removeLast()
        requests[Int(slot)] = ReadRequest(address: address, issuedAt: issueTime)
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

    mutating func receive(_ slot: Int) {
        gpu.complete(issuedAt: requests[slot].issuedAt, at: now)
        if stream.phase!.copy { storeCopiedLine(source: requests[slot].address) }
        freeRequests.append(UInt32(slot))
        if gpu.canIssue { issueRead() }
        if gpu.phaseComplete && gpu.readsInFlight == 0 {
            finishStreamPass()
        }
    }

    mutating func startStream(_ phase: StreamReadPhase, phaseIndex: Int, base: UInt64, destination: UInt64?) {
        stream.phase = phase
        stream.phaseIndex = phaseIndex
        stream.base = base
        stream.destinationBase = destination ?? base + phase.destinationOffset
        stream.launches = KernelLaunches(startingAt: now, hostInterval: phase.hostInterval, launchOverhead: phase.launchOverhead)
        stream.accountedTo = now
        if stream.residentCTAs.isEmpty { stream.residentCTAs = Array(repeating: 0, count: config.compute.sms) }
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

    /// A pass's kernel reaches the SMs: its CTAs go breadth-first over the SMs as long as they
    /// fit beside other streams' kernels, and the reads they carry start.
    mutating func startStreamPass() {
        gpu.begin(stream.phase!, base: stream.base)
        stream.passRunning = true
        stream.passStartedAt = now
        stream.ctasWaiting = UInt64(config.compute.sms) * readCTAsPerSM
        for _ in 0..<readCTAsPerSM {
            for sm in 0..<config.compute.sms where occupancy.fits(config.gpu.ctaFootprint, on: sm) {
                placeReadCTA(on: sm)
            }
        }
        allowReads()
        if gpu.phaseComplete { finishStreamPass() }
    }

    /// Places waiting CTAs of the running pass on `sm` while they fit.
    mutating func placeReadCTAs(on sm: Int) {
        guard stream.passRunning, stream.ctasWaiting > 0 else { return }
        let before = stream.residentTotal
        while stream.ctasWaiting > 0 && stream.residentCTAs[sm] < readCTAsPerSM && occupancy.fits(config.gpu.ctaFootprint, on: sm) {
            placeReadCTA(on: sm)
        }
        if stream.residentTotal != before { allowReads() }
    }

    mutating func placeReadCTA(on sm: Int) {
        occupancy.place(config.gpu.ctaFootprint, on: sm)
        stream.residentCTAs[sm] += 1
        stream.residentTotal += 1
        stream.ctasWaiting -= 1
    }

    /// Sets the reads in flight the resident CTAs carry and issues up to it.
    mutating func allowReads() {
        let grid = UInt64(config.compute.sms) * readCTAsPerSM
        gpu.readsAllowed = Int(UInt64(config.gpu.readsInFlightLimit) * stream.residentTotal / grid)
        while gpu.canIssue { issueRead() }
    }

    /// The last read of a pass is back: its CTAs leave the SMs; launch the next pass or end the phase.
    mutating func finishStreamPass() {
        accountStreamTime()
        markUnit()
        stream.passRunning = false
        stream.ctasWaiting = 0
        for sm in 0..<config.compute.sms where stream.residentCTAs[sm] > 0 {
            for _ in 0..<stream.residentCTAs[sm] { occupancy.release(config.gpu.ctaFootprint, on: sm) }
            stream.residentCTAs[sm] = 0
        }
        stream.residentTotal = 0
        if gemmCTAsWaiting {
            for sm in 0..<config.compute.sms { placeGEMMCTAs(on: sm) }
        }
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

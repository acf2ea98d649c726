import TwinCore

/// The streaming-read phase now running: its passes over the buffer, each one kernel.
struct StreamState: Sendable {
    var phase: StreamReadPhase?
    var phaseIndex = 0
    var passesLaunched: UInt64 = 0
    var phaseStartedAt = SimTime.zero
    /// Time stream phases ran, launches included, up to `accountedTo`.
    var phasePs: UInt64 = 0
    var accountedTo = SimTime.zero
    /// The same for copy phases alone, and the bytes they read and wrote.
    var copyPhasePs: UInt64 = 0
    var copyBytes: UInt64 = 0
}

extension Machine {
    mutating func startStream(_ phase: StreamReadPhase, phaseIndex: Int) {
        stream.phase = phase
        stream.phaseIndex = phaseIndex
        stream.passesLaunched = 0
        stream.phaseStartedAt = now
        stream.accountedTo = now
        launchStreamPass()
    }

    /// Queues the next pass as a kernel on the stream, paced like GEMM launches: enqueued every
    /// `hostInterval`, started `launchOverhead` later or when the pass before it ends, and
    /// reading `passOverhead` after its start.
    mutating func launchStreamPass() {
        let phase = stream.phase!
        let enqueued = stream.phaseStartedAt + SimDuration(picoseconds: phase.hostInterval.picoseconds * stream.passesLaunched)
        stream.passesLaunched += 1
        let start = SimTime.latest(now, enqueued + phase.launchOverhead) + phase.passOverhead
        if start == now {
            startStreamPass()
        } else {
            queue.push(Event(time: start, phase: .control, kind: EventKind.streamPass.rawValue))
        }
    }

    mutating func startStreamPass() {
        gpu.begin(stream.phase!)
        while gpu.canIssue { issueRead() }
        if gpu.phaseComplete { finishStreamPass() }
    }

    /// The last read of a pass is back: launch the next pass or end the phase.
    mutating func finishStreamPass() {
        accountStreamTime()
        markUnit()
        if stream.passesLaunched < stream.phase!.count {
            launchStreamPass()
        } else {
            stream.phase = nil
            finishPhase(stream.phaseIndex)
        }
    }

    /// A copy's line has arrived: store it to the destination, through the write-back L2.
    mutating func storeCopiedLine(source address: UInt64) {
        let destination = address + stream.phase!.destinationOffset
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

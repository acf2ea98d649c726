import TwinCore

/// The copy phase now running, and the counters of all copies.
struct CopyState: Sendable {
    var phase: CopyPhase?
    var phaseIndex = 0
    var copiesLeft: UInt64 = 0
    var phaseStartedAt = SimTime.zero
    // Counters since the start of the run.
    var copies: UInt64 = 0
    var bytes: UInt64 = 0
    var phasePs: UInt64 = 0
}

extension Machine {
    mutating func startCopy(_ phase: CopyPhase, phaseIndex: Int) {
        copy.phase = phase
        copy.phaseIndex = phaseIndex
        copy.copiesLeft = phase.count
        copy.phaseStartedAt = now
        nextCopy()
    }

    /// One copy: its fixed cost (setup, synchronisation), then the bytes in packets over the host
    /// link. Copies run one after the other, as synchronous copies from one thread do.
    mutating func nextCopy() {
        let phase = copy.phase!
        let direction: C2CLink.Direction = phase.direction == .hostToDevice ? .cpuToGPU : .gpuToCPU
        let done = hostLink.sendBulk(direction, bytes: phase.bytes, at: now + phase.overhead)
        copy.copiesLeft -= 1
        queue.push(Event(time: done, kind: EventKind.copyDone.rawValue))
    }

    mutating func finishCopy() {
        copy.copies += 1
        copy.bytes += copy.phase!.bytes
        if copy.copiesLeft > 0 {
            nextCopy()
        } else {
            copy.phasePs += (now - copy.phaseStartedAt).picoseconds
            copy.phase = nil
            finishPhase(copy.phaseIndex)
        }
    }
}

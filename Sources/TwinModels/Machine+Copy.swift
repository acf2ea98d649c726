import TwinCore

/// The copy phase now running, and the counters of all copies.
struct CopyState: Sendable {
    var phase: CopyPhase?
    var phaseIndex = 0
    var copiesLeft: UInt64 = 0
    /// Bytes of the copy in progress not yet on the link.
    var bytesLeft: UInt64 = 0
    var phaseStartedAt = SimTime.zero
    // Counters since the start of the run.
    var copies: UInt64 = 0
    var bytes: UInt64 = 0
    var phasePs: UInt64 = 0
}

/// The copy engine's events.
enum CopyEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.copyEngine
    /// A host copy's next chunk may go on the link.
    case chunk
    /// A host copy's last byte has arrived.
    case done
}

extension Machine {
    mutating func handle(_ event: CopyEvent) {
        switch event {
        case .chunk: sendCopyChunk()
        case .done: finishCopy()
        }
    }

    mutating func startCopy(_ phase: CopyPhase, phaseIndex: Int) {
        copy.phase = phase
        copy.phaseIndex = phaseIndex
        copy.copiesLeft = phase.count
        copy.phaseStartedAt = now
        nextCopy()
    }

    /// One copy: its fixed cost (setup, synchronisation), then the bytes in packets over the host
    /// link (NVLink-C2C on GB10, shared with the GPU's DRAM traffic), a chunk at a time so that
    /// other traffic interleaves. Copies run one after the other, as synchronous copies from one
    /// thread do.
    mutating func nextCopy() {
        copy.copiesLeft -= 1
        copy.bytesLeft = copy.phase!.bytes
        schedule(CopyEvent.chunk, at: now + copy.phase!.overhead)
    }

    /// Puts the copy's next chunk on the link. The engine keeps one chunk queued behind the one
    /// on the wire: the next is queued when this one starts, so that on a busy link the copy
    /// takes its turn among the other packets instead of waiting for the whole queue each time.
    mutating func sendCopyChunk() {
        let bytes = min(copy.bytesLeft, config.copyChunkBytes)
        let sent = path.hostCopy(copy.phase!.direction, bytes: bytes, at: now)
        copy.bytesLeft -= bytes
        if copy.bytesLeft > 0 {
            schedule(CopyEvent.chunk, at: SimTime.latest(now, sent.starts))
        } else {
            schedule(CopyEvent.done, at: sent.arrives)
        }
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

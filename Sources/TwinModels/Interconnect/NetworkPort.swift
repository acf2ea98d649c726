import TwinCore

/// A packet between linked nodes, packed into an event's payload: where in the transfer its
/// bytes go, how many, whether it is the transfer's last, and which node sent it.
struct NetworkPacket: Equatable {
    var offset: UInt64
    var bytes: UInt64
    var last: Bool
    var sender: Int

    static let offsetBits: UInt64 = 40, bytesBits: UInt64 = 13

    init(offset: UInt64, bytes: UInt64, last: Bool, sender: Int) {
        precondition(offset < 1 << Self.offsetBits && bytes >= 1 && bytes <= 1 << Self.bytesBits && sender < 64,
                     "a packet of a transfer under 1 TiB, of at most 8 KiB, from one of 64 nodes")
        self.offset = offset
        self.bytes = bytes
        self.last = last
        self.sender = sender
    }

    init(_ payload: UInt64) {
        offset = payload & ((1 << Self.offsetBits) - 1)
        bytes = (payload >> Self.offsetBits & ((1 << Self.bytesBits) - 1)) + 1
        last = payload >> (Self.offsetBits + Self.bytesBits) & 1 == 1
        sender = Int(payload >> (Self.offsetBits + Self.bytesBits + 1))
    }

    var payload: UInt64 {
        offset | (bytes - 1) << Self.offsetBits | (last ? 1 : 0) << (Self.offsetBits + Self.bytesBits)
            | UInt64(sender) << (Self.offsetBits + Self.bytesBits + 1)
    }
}

/// The network port's events, scheduled by a linked node.
enum NetworkEvent: UInt8, OwnedEvent {
    static let owner = EventOwner.networkPort
    /// A packet from a linked node has reached this node's port (`payload`: `NetworkPacket`).
    case deliver
    /// The peer has written the last packet of this node's `send`.
    case acknowledge
}

extension Machine {
    mutating func handle(_ event: NetworkEvent, payload: UInt64) {
        switch event {
        case .deliver: receivePacket(NetworkPacket(payload))
        case .acknowledge:
            handleAddedKernel(UInt64(Engine.added.firstIndex(of: .networkPort)!) << Self.addedSlotShift | SendKernel.acknowledged)
        }
    }

    /// Puts a packet of a `send` on the port's wire once its bytes are read (`ready`): it waits
    /// for a credit (an acknowledgement of an earlier packet, a round trip after it) and the
    /// wire, and the peer receives it one `nic.latency` after its last byte left.
    ///
    /// - Returns: when its last byte leaves the port.
    mutating func sendPacket(to peer: Int, offset: UInt64, bytes: UInt64, last: Bool, ready: SimTime) -> SimTime {
        let arrives = nic.send(.cpuToGPU, payloadBytes: bytes, at: ready)
        let packet = NetworkPacket(offset: offset, bytes: bytes, last: last, sender: node)
        queue.push(Event(time: arrives, kind: NetworkEvent.deliver.kind, payload: packet.payload), toNode: peer)
        return SimTime(picoseconds: arrives.picoseconds - config.nic.latency.picoseconds)
    }

    /// A peer's packet has arrived: the port writes its bytes into DRAM from the CPU side, past
    /// the node's named buffers, line by line (posted writes, as RoCE's DMA writes are). After
    /// the last packet of a transfer is written, the acknowledgement goes back to the sender.
    mutating func receivePacket(_ packet: NetworkPacket) {
        let line = config.cpu.lineBytes
        let arrival = now + config.cpu.fabricLatency
        var written = now
        var offset = packet.offset / line * line
        while offset < packet.offset + packet.bytes {
            written = SimTime.latest(written, path.cpuWriteLine(program.anonymousBase + offset, bytes: line, arrivingAt: arrival))
            offset += line
        }
        networkReceivedBytes += packet.bytes
        if packet.last {
            queue.push(Event(time: written + config.nic.latency, kind: NetworkEvent.acknowledge.kind), toNode: packet.sender)
        }
    }
}

/// A one-sided RDMA write of `bytes` to a linked node (`to:`), RoCE without GPUDirect: the port
/// reads the bytes from this node's DRAM (CPU side, line by line, a few packets ahead of the
/// wire), sends them in packets of `nic.maxPayload`, at most `nic.credits` unacknowledged, and
/// the peer writes them into its DRAM. The phase ends when the peer acknowledges the last
/// packet, once written. The source wraps around `buffer` when it is smaller than `bytes`.
struct SendKernel: KernelKind {
    static let declaration = KernelDeclaration(
        name: "send",
        summary: "an RDMA write to a linked node over the network port, from DRAM to the peer's DRAM",
        keys: [
            KernelKey("to", peerMeaning: "the linked node it writes to"),
            KernelKey("bytes", .size, range: 128...1_099_511_627_776, "bytes it sends"),
            KernelKey("buffer", .size, default: 0, range: 0...1_099_511_627_776, "bytes of the source it reads, wrapping; 0: as many as it sends"),
        ],
        metrics: [
            KernelMetric("nic.tx.bytes", "B", .neutral, "bytes put on the wire by send phases") { Double($0.bytes) },
            .bandwidth("nic.tx.bandwidth", "those bytes over the time the send phases ran, to the last acknowledgement"),
            KernelMetric("nic.tx.transfers", "count", .neutral, "send phases acknowledged") { Double($0.kernels) },
        ],
        engine: .networkPort,
        runsInFastMode: false,
        bufferBytes: { $0["buffer"] > 0 ? UInt64($0["buffer"]) : UInt64($0["bytes"]) })

    /// Tokens: a packet's last byte has left the port; the peer has acknowledged the last packet.
    static let packetLeft: UInt64 = 0, acknowledged: UInt64 = 1

    let base: UInt64
    let peer: Int
    let totalBytes: UInt64
    let sourceBytes: UInt64
    var sentBytes: UInt64 = 0
    /// Packets read from memory whose last byte has not left yet.
    var staged = 0
    private(set) var totals = KernelTotals()
    var usesGPU: Bool { false }

    init(_ values: KernelValues, base: UInt64) {
        self.base = base
        peer = Int(values["to"])
        totalBytes = UInt64(values["bytes"])
        sourceBytes = values["buffer"] > 0 ? UInt64(values["buffer"]) : totalBytes
    }

    mutating func start(on machine: inout Machine) { stagePackets(on: &machine) }

    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool {
        if token == Self.acknowledged {
            totals.kernels += 1
            return true
        }
        staged -= 1
        stagePackets(on: &machine)
        return false
    }

    /// Reads packets from memory while the port has room for them, and puts each on the wire.
    mutating func stagePackets(on machine: inout Machine) {
        let payload = machine.config.nic.maxPayloadBytes, line = machine.config.cpu.lineBytes
        let wrap = max(line, sourceBytes / line * line)
        while staged < machine.config.nicStagedPackets && sentBytes < totalBytes {
            let bytes = min(payload, totalBytes - sentBytes)
            var ready = machine.now
            var offset: UInt64 = 0
            while offset < bytes {
                let address = base + (sentBytes + offset) % wrap / line * line
                ready = SimTime.latest(ready, machine.path.cpuReadLine(address, bytes: line, arrivingAt: machine.now + machine.config.cpu.fabricLatency))
                offset += line
            }
            let leaves = machine.sendPacket(to: peer, offset: sentBytes, bytes: bytes, last: sentBytes + bytes == totalBytes, ready: ready)
            sentBytes += bytes
            staged += 1
            totals.bytes += bytes
            totals.requests += 1
            machine.kernelEvent(at: leaves, token: Self.packetLeft)
        }
    }
}

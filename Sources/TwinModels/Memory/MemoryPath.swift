import TwinCore

/// The one way every requester of a node reaches DRAM, and the link host copies cross.
///
/// The topology comes from the preset (`gpu.memoryOverC2C`): on GB10 the memory controllers sit
/// on the CPU die, so GPU traffic crosses NVLink-C2C both ways, and host copies (the host is the
/// CPU die) cross the same link: a copy and a GPU stream running together share its flits and
/// credits. On a GPU with local memory (`h100-sxm`) the GPU reaches its controller directly and
/// copies cross a host link of their own (`host.*`, PCIe there).
///
/// Calls need not come in time order: the link and the controller serve them in call order.
struct MemoryPath {
    var controller: MemoryController
    /// NVLink-C2C; it carries GPU DRAM traffic only when `memoryOverC2C`.
    var c2c: C2CLink
    /// The separate host link of a GPU with local memory; nil when copies share C2C.
    var hostLink: C2CLink?
    let memoryOverC2C: Bool
    let gpuFabric: SimDuration
    let gpuLineBytes: UInt64
    let cpuFabric: SimDuration

    init(config: MachineConfig) {
        controller = MemoryController(config: config.memory)
        c2c = C2CLink(config: config.c2c)
        memoryOverC2C = config.compute.memoryOverC2C
        hostLink = memoryOverC2C ? nil : C2CLink(config: config.host)
        gpuFabric = config.gpu.fabricLatency
        gpuLineBytes = config.gpu.lineBytes
        cpuFabric = config.cpu.fabricLatency
    }

    /// A GPU read request leaves the SM's port at `port`; returns when it reaches the controller.
    @inline(__always)
    mutating func gpuRequestArrives(leavingPortAt port: SimTime) -> SimTime {
        memoryOverC2C ? c2c.send(.gpuToCPU, payloadBytes: 0, at: port) : port
    }

    /// A GPU line's data leaves its channel at `done`; returns when it is back at the L2 or SM.
    @inline(__always)
    mutating func gpuDataReturns(leavingChannelAt done: SimTime) -> SimTime {
        (memoryOverC2C ? c2c.send(.cpuToGPU, payloadBytes: gpuLineBytes, at: done) : done) + gpuFabric
    }

    /// A whole GPU line read, issued at `time` from the L2: returns when it is back there.
    mutating func gpuFetchLine(_ address: UInt64, at time: SimTime) -> SimTime {
        let atController = gpuRequestArrives(leavingPortAt: time + gpuFabric)
        return gpuDataReturns(leavingChannelAt: controller.read(address: address, bytes: gpuLineBytes, at: atController))
    }

    /// A posted GPU line write (an L2 victim) issued at `time`: it takes its share of the link
    /// and the channel. Returns when the controller accepts it, for a writer that waits for room.
    @discardableResult
    mutating func gpuWriteLine(_ address: UInt64, at time: SimTime) -> SimTime {
        let port = time + gpuFabric
        let atController = memoryOverC2C ? c2c.send(.gpuToCPU, payloadBytes: gpuLineBytes, at: port) : port
        return controller.write(address: address, bytes: gpuLineBytes, at: atController)
    }

    /// A Grace line read that reaches the controller's front end at `time`: returns when it is
    /// back at its core.
    mutating func cpuReadLine(_ address: UInt64, bytes: UInt64, arrivingAt time: SimTime) -> SimTime {
        controller.read(address: address, bytes: bytes, at: time) + cpuFabric
    }

    /// A posted Grace line write that reaches the controller's front end at `time`: returns when
    /// the controller accepts it.
    mutating func cpuWriteLine(_ address: UInt64, bytes: UInt64, arrivingAt time: SimTime) -> SimTime {
        controller.write(address: address, bytes: bytes, at: time)
    }

    /// A chunk of a host copy, `bytes` starting at `time`, in packets over C2C (GB10) or the host
    /// link. - Returns: when its first flit goes, when its last leaves, and when it arrives.
    mutating func hostCopy(_ direction: CopyDirection, bytes: UInt64, at time: SimTime) -> (starts: SimTime, leaves: SimTime, arrives: SimTime) {
        let lane: C2CLink.Direction = direction == .hostToDevice ? .cpuToGPU : .gpuToCPU
        if hostLink == nil { return c2c.sendBulk(lane, bytes: bytes, at: time) }
        return hostLink!.sendBulk(lane, bytes: bytes, at: time)
    }

    /// Payload bytes C2C has carried both ways: GPU traffic, and copies where they share it.
    var c2cPayloadBytes: UInt64 { c2c.stats(.cpuToGPU).payloadBytes + c2c.stats(.gpuToCPU).payloadBytes }
}

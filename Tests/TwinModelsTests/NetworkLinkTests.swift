import Testing
import TwinCore
import TwinModels

/// Two nodes linked through their network ports (`nic.*`): a `send` reads its bytes from the
/// sender's DRAM, puts them on the wire in packets, and the peer writes them into its DRAM.
@Suite struct NetworkLinkTests {
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.05), seed: 2, samplePeriod: SimDuration(seconds: 1e-4),
                                      eventBudget: 100_000_000)

    static func send(_ bytes: Double, to peer: Int) -> WorkloadPhase {
        let declaration = KernelDeclaration.all.first { $0.name == "send" }!
        return .kernel(declaration.values(["to": Double(peer), "bytes": bytes])!)
    }

    /// Runs a sender (node 0) and a receiver (node 1) idle for a microsecond, linked.
    static func run(_ sender: [WorkloadPhase], config: MachineConfig = spark, receiver: [WorkloadPhase]? = nil) -> [String: Double] {
        let nodes = [NodeSpec(name: "a", config: config, program: Program(phases: sender)),
                     NodeSpec(name: "b", config: config, program: Program(phases: receiver ?? [.idle(SimDuration(seconds: 1e-6))]))]
        var simulation = Simulation(nodes: nodes, links: [(0, 1)], settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        return Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
    }

    /// A transfer at the line rate: every packet's payload and framing at `nic.bandwidth`, then
    /// the last one's flight, its write at the peer and the acknowledgement's flight back.
    @Test func aTransferTakesItsWireBytesAtTheLineRatePlusARoundTrip() {
        let bytes = 16.0 * 1_048_576
        let m = Self.run([Self.send(bytes, to: 1)])
        let nic = Self.spark.nic
        let packets = (bytes / Double(nic.maxPayloadBytes)).rounded(.up)
        let wireSeconds = (bytes + packets * Double(nic.headerBytes)) / Double(nic.flitRateHz * nic.flitBytes)
        let expected = wireSeconds + 2 * nic.latency.seconds
        let seconds = bytes / (m["a.nic.tx.bandwidth"]! * 1e9)
        #expect(seconds >= expected)
        #expect(seconds < expected * 1.01 + 1e-6, "\(seconds) s against \(expected) s")
        #expect(m["a.nic.tx.bytes"] == bytes && m["a.nic.tx.transfers"] == 1)
        #expect(m["b.memory.write.bytes"] == bytes, "the peer wrote every byte")
        #expect(m["a.memory.write.bytes"] == 0)
        #expect(m["a.clock.gpu.mean"]! < 500, "a send leaves the GPU at its idle clock")
    }

    /// With few credits and a long flight, the window binds: packets in flight over the round
    /// trip (Little's law), far below the line rate.
    @Test func aSmallWindowOverALongFlightBindsAsLittlesLawSays() {
        var values = MachineParameters.values(preset: "dgx-spark")!
        values.set("nic.credits", 4)
        values.set("nic.latency", 50e-6)
        let config = MachineConfig(values)
        let m = Self.run([Self.send(4 * 1_048_576, to: 1)], config: config)
        let nic = config.nic
        let packetSeconds = Double(nic.maxPayloadBytes + nic.headerBytes) / Double(nic.flitRateHz)
        let roundTrip = packetSeconds + 2 * nic.latency.seconds
        let littles = 4 * Double(nic.maxPayloadBytes) / roundTrip / 1e9
        #expect(abs(m["a.nic.tx.bandwidth"]! / littles - 1) < 0.03, "\(m["a.nic.tx.bandwidth"]!) GB/s against \(littles) GB/s")
    }

    /// The receiver's own work meets the incoming writes at its memory controller.
    @Test func incomingWritesMeetTheReceiversOwnTraffic() {
        let read = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: 256 << 20, totalBytes: 256 << 20, pattern: .sequential))
        let alone = Self.run([.idle(SimDuration(seconds: 1e-6))], receiver: [read])
        let beside = Self.run([Self.send(64 * 1_048_576, to: 1)], receiver: [read])
        #expect(beside["b.memory.write.bytes"]! > 0)
        #expect(beside["b.gpu.read.bandwidth"]! < alone["b.gpu.read.bandwidth"]!)
        #expect(beside == Self.run([Self.send(64 * 1_048_576, to: 1)], receiver: [read]), "same seed, same results")
    }

    /// Added kinds on different engines run in one step: a memset on a GPU stream, CPU-side
    /// traffic on the traffic engine and a send on the port, each to its end.
    @Test func addedKindsOnTheirOwnEnginesRunTogether() {
        let kinds = Dictionary(uniqueKeysWithValues: KernelDeclaration.all.map { ($0.name, $0) })
        #expect(kinds["memset"]!.engine == .kernelStream && kinds["traffic"]!.engine == .trafficEngine && kinds["send"]!.engine == .networkPort)
        let memset = WorkloadPhase.kernel(kinds["memset"]!.values(["buffer": Double(16 << 20)])!)
        let traffic = WorkloadPhase.kernel(kinds["traffic"]!.values(["buffer": Double(16 << 20), "side": 1, "requests": 4_000])!)
        let nodes = [NodeSpec(name: "a", config: Self.spark, program: Program(phases: [memset, traffic, Self.send(Double(4 << 20), to: 1)], steps: [0..<3])),
                     NodeSpec(name: "b", config: Self.spark, program: Program(phases: [.idle(SimDuration(seconds: 1e-6))]))]
        var simulation = Simulation(nodes: nodes, links: [(0, 1)], settings: Self.settings)
        #expect(simulation.run(until: .zero + Self.settings.duration) == .idle)
        simulation.finish()
        let m = Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
        #expect(m["a.gpu.memset.bytes"] == Double(16 << 20) && m["a.gpu.memset.kernels"] == 1)
        #expect(m["a.traffic.requests"] == 4_000 && m["a.traffic.bytes"] == 4_000 * 64)
        #expect(m["a.nic.tx.transfers"] == 1 && m["b.memory.write.bytes"] == Double(4 << 20))
    }
}

import Testing
import TwinCore
import TwinModels

/// Named buffers: each its own address range from the node's allocator, the same for every
/// phase that names it, so phases over one buffer meet its lines in the L2 and phases over
/// different buffers do not.
@Suite struct BuffersTests {
    static let spark = MachineConfig(MachineParameters.values(preset: "dgx-spark")!)
    static let settings = RunSettings(duration: SimDuration(seconds: 0.01), seed: 5, samplePeriod: SimDuration(seconds: 1e-5),
                                      eventBudget: 100_000_000)
    static let bytes: UInt64 = 8 << 20

    static func read(copy: Bool = false) -> WorkloadPhase {
        .streamRead(StreamReadPhase(bufferBytes: bytes, totalBytes: bytes, pattern: .sequential, copy: copy))
    }

    static func run(_ program: Program) -> [String: Double] {
        var simulation = Simulation(config: spark, program: program, settings: settings)
        _ = simulation.run(until: .zero + settings.duration)
        simulation.finish()
        return Dictionary(uniqueKeysWithValues: simulation.metrics.map { ($0.name, $0.value) })
    }

    /// Buffers `names`, `bytes` each, allocated in order.
    static func allocate(_ names: [String]) -> [NamedBuffer] {
        var allocator = BufferAllocator(capacityBytes: spark.memoryUsableBytes)
        return names.map { allocator.allocate($0, bytes: bytes)! }
    }

    static func placed(_ buffer: NamedBuffer, destination: NamedBuffer? = nil) -> BufferPlacement {
        BufferPlacement(base: buffer.base, bytes: buffer.bytes, destination: destination?.base)
    }

    @Test func theAllocatorAlignsEachBufferAndKeepsWithinItsCapacity() {
        var allocator = BufferAllocator(capacityBytes: 8 << 20)
        let a = allocator.allocate("a", bytes: 3 << 20)!
        let b = allocator.allocate("b", bytes: 1 << 20)!
        #expect(a.base == 0 && b.base == BufferAllocator.alignmentBytes * 2, "3 MiB rounds up to two 2 MiB pages")
        #expect(allocator.endAfter(3 << 20) == 9 << 20)
        #expect(allocator.allocate("c", bytes: 3 << 20) == nil, "6 MiB + 3 MiB does not fit in 8 MiB")
        #expect(allocator.allocate("d", bytes: 2 << 20)?.base == 6 << 20, "a failed allocation takes nothing")
        #expect(allocator.allocate("e", bytes: .max) == nil)
    }

    /// The same buffer read twice: the second read meets the lines the first left in the L2 and
    /// goes faster. Another buffer of the same size, read after it, misses as the first did.
    @Test func phasesOverTheSameBufferHitTheL2AndOverAnotherDoNot() {
        let buffers = Self.allocate(["weights", "activations"])
        let program = Program(phases: [Self.read(), Self.read(), Self.read()], buffers: buffers,
                              placements: [Self.placed(buffers[0]), Self.placed(buffers[0]), Self.placed(buffers[1])])
        let m = Self.run(program)
        let first = m["step.1.gpu.read.bandwidth"]!, again = m["step.2.gpu.read.bandwidth"]!, other = m["step.3.gpu.read.bandwidth"]!
        #expect(again > 1.2 * first, "the second read of weights hits its lines")
        #expect(abs(other - first) < 0.02 * first, "activations misses, as weights did the first time")
        // Without names every phase's buffer lies at the same address: the third read hits too.
        let anonymous = Self.run(Program(phases: [Self.read(), Self.read(), Self.read()]))
        #expect(anonymous["step.3.gpu.read.bandwidth"]! > 1.2 * first)
        #expect(m == Self.run(program), "same seed, same results")
    }

    /// A copy into a named destination stores there: a read of the destination afterwards finds
    /// the stored lines in the L2, a read of a third buffer does not.
    @Test func aCopyWritesItsNamedDestination() {
        let buffers = Self.allocate(["source", "destination", "other"])
        let copy = Self.placed(buffers[0], destination: buffers[1])
        let ofDestination = Self.run(Program(phases: [Self.read(copy: true), Self.read()], buffers: buffers,
                                             placements: [copy, Self.placed(buffers[1])]))
        let ofOther = Self.run(Program(phases: [Self.read(copy: true), Self.read()], buffers: buffers,
                                       placements: [copy, Self.placed(buffers[2])]))
        #expect(ofDestination["step.2.gpu.read.bandwidth"]! > 1.2 * ofOther["step.2.gpu.read.bandwidth"]!)
    }

    /// Phases that give a size lie past the named buffers: a sized read after a named one does
    /// not meet the named buffer's lines.
    @Test func sizedPhasesLieBeyondTheNamedBuffers() {
        let buffers = Self.allocate(["weights"])
        let program = Program(phases: [Self.read(), Self.read()], buffers: buffers, placements: [Self.placed(buffers[0]), nil])
        #expect(program.anonymousBase == buffers[0].end)
        let m = Self.run(program)
        #expect(abs(m["step.2.gpu.read.bandwidth"]! - m["step.1.gpu.read.bandwidth"]!) < 0.02 * m["step.1.gpu.read.bandwidth"]!)
    }
}

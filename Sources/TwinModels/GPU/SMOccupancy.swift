import TwinCore

/// What one CTA of a kernel holds on its SM while it is resident.
public struct CTAFootprint: Sendable, Equatable {
    public var threads: UInt64
    public var registersPerThread: UInt64
    public var sharedMemoryBytes: UInt64

    public init(threads: UInt64, registersPerThread: UInt64, sharedMemoryBytes: UInt64) {
        self.threads = threads
        self.registersPerThread = registersPerThread
        self.sharedMemoryBytes = sharedMemoryBytes
    }

    /// CTAs of this footprint one empty SM holds, and the resource that sets the limit.
    public func ctasPerSM(on gpu: GPUComputeConfig) -> (count: UInt64, limit: String) {
        let limits: [(String, UInt64)] = [
            ("threads", gpu.maxThreadsPerSM / threads),
            ("registers", gpu.registersPerSM / (registersPerThread * threads)),
            ("shared memory", sharedMemoryBytes > gpu.sharedMemoryPerCTA ? 0 : gpu.sharedMemoryPerSM / max(1, sharedMemoryBytes)),
            ("CTA slots", gpu.maxCTAsPerSM),
        ]
        let binding = limits.min { $0.1 < $1.1 }!
        return (binding.1, binding.0)
    }
}

/// The resources of every SM that resident CTAs hold, whichever kernel (GPU stream) they
/// belong to. Kernels running together share the SMs: a CTA is placed only where its threads,
/// registers, shared memory and CTA slot all still fit, the occupancy rules of one kernel
/// applied to the sum of all.
public struct SMOccupancy: Sendable {
    private let maxThreads: UInt64
    private let maxRegisters: UInt64
    private let maxSharedMemory: UInt64
    private let maxCTAs: UInt64
    private var threads: [UInt64]
    private var registers: [UInt64]
    private var sharedMemory: [UInt64]
    private var ctas: [UInt64]

    public init(_ gpu: GPUComputeConfig) {
        maxThreads = gpu.maxThreadsPerSM
        maxRegisters = gpu.registersPerSM
        maxSharedMemory = gpu.sharedMemoryPerSM
        maxCTAs = gpu.maxCTAsPerSM
        threads = Array(repeating: 0, count: gpu.sms)
        registers = threads
        sharedMemory = threads
        ctas = threads
    }

    public var sms: Int { ctas.count }

    public func fits(_ cta: CTAFootprint, on sm: Int) -> Bool {
        threads[sm] + cta.threads <= maxThreads
            && registers[sm] + cta.threads * cta.registersPerThread <= maxRegisters
            && sharedMemory[sm] + cta.sharedMemoryBytes <= maxSharedMemory
            && ctas[sm] < maxCTAs
    }

    public mutating func place(_ cta: CTAFootprint, on sm: Int) {
        precondition(fits(cta, on: sm), "a CTA placed on an SM without room for it")
        threads[sm] += cta.threads
        registers[sm] += cta.threads * cta.registersPerThread
        sharedMemory[sm] += cta.sharedMemoryBytes
        ctas[sm] += 1
    }

    public mutating func release(_ cta: CTAFootprint, on sm: Int) {
        precondition(ctas[sm] > 0 && threads[sm] >= cta.threads, "a CTA released from an SM that does not hold it")
        threads[sm] -= cta.threads
        registers[sm] -= cta.threads * cta.registersPerThread
        sharedMemory[sm] -= cta.sharedMemoryBytes
        ctas[sm] -= 1
    }

    /// Whether no CTA is resident anywhere.
    public var isEmpty: Bool { ctas.allSatisfy { $0 == 0 } }
}

/// When the kernels of one GPU stream start: the host enqueues kernel i at `i × hostInterval`
/// after the phase starts; the GPU starts it `launchOverhead` after that, or when the kernel
/// before it on the stream ends, whichever is later. A caller slower than the kernels therefore
/// sets the pace, as in timed loops of small kernels.
struct KernelLaunches: Sendable {
    var phaseStartedAt = SimTime.zero
    var hostInterval = SimDuration.zero
    var launchOverhead = SimDuration.zero
    var launched: UInt64 = 0

    init() {}

    init(startingAt time: SimTime, hostInterval: SimDuration, launchOverhead: SimDuration) {
        phaseStartedAt = time
        self.hostInterval = hostInterval
        self.launchOverhead = launchOverhead
    }

    /// Launches the next kernel; the one before it ends at `now`. Returns when it starts.
    mutating func next(after now: SimTime) -> SimTime {
        let enqueued = phaseStartedAt + SimDuration(picoseconds: hostInterval.picoseconds * launched)
        launched += 1
        return SimTime.latest(now, enqueued + launchOverhead)
    }
}

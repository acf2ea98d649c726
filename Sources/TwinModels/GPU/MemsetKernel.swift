import TwinCore

/// `cudaMemset`-like kernels: each fills a buffer with full-line stores, front to back, with the
/// GPU's memory-level parallelism (`gpu.readsInFlightPerSM` per SM: stores occupy the same
/// miss-handling slots as reads). A buffer that fits the L2 stays there; a larger one evicts
/// dirty lines, whose write-backs cross NVLink-C2C (on GB10) to the controller's write queues,
/// and the stores then go at the pace the controller drains them.
struct MemsetKernel: KernelKind {
    static let declaration = KernelDeclaration(
        name: "memset",
        summary: "kernels filling a GPU buffer with line stores through the L2 (cudaMemset)",
        keys: [
            KernelKey("buffer", .size, range: 128...8_796_093_022_208, "bytes each kernel fills"),
            KernelKey("count", .count, default: 1, range: 1...1e9, "kernels launched one after the other"),
            KernelKey("launchOverhead", .time, default: 0, range: 0...1, "time from a kernel's enqueueing to its first store"),
            KernelKey("hostInterval", .time, default: 0, range: 0...1, "host time between two launches; kernels queue on the stream"),
        ],
        bufferBytes: { UInt64($0["buffer"]) })

    /// Tokens of the events it schedules.
    private static let kernelStarts: UInt64 = 0, storeDone: UInt64 = 1, kernelCompletes: UInt64 = 2

    let base: UInt64
    let bufferBytes: UInt64
    /// Lines each kernel stores, known once it sees the machine's line size.
    var lines: UInt64 = 0
    let count: UInt64
    var launches: KernelLaunches
    let launchOverhead: SimDuration
    let hostInterval: SimDuration
    var linesIssued: UInt64 = 0
    var linesDone: UInt64 = 0
    private(set) var totals = KernelTotals()

    init(_ values: KernelValues, base: UInt64) {
        self.base = base
        bufferBytes = UInt64(values["buffer"])
        count = UInt64(values["count"])
        launchOverhead = SimDuration(seconds: values["launchOverhead"])
        hostInterval = SimDuration(seconds: values["hostInterval"])
        launches = KernelLaunches()
    }

    mutating func start(on machine: inout Machine) {
        let lineBytes = machine.config.gpu.lineBytes
        lines = (bufferBytes + lineBytes - 1) / lineBytes
        launches = KernelLaunches(startingAt: machine.now, hostInterval: hostInterval, launchOverhead: launchOverhead)
        machine.kernelEvent(at: launches.next(after: machine.now), token: Self.kernelStarts)
    }

    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool {
        let lineBytes = machine.config.gpu.lineBytes
        let storesInFlight = UInt64(machine.config.gpu.readsInFlightLimit)
        if token == Self.kernelCompletes {
            totals.kernels += 1
            if totals.kernels == count { return true }
            machine.kernelEvent(at: launches.next(after: machine.now), token: Self.kernelStarts)
            return false
        }
        if token == Self.kernelStarts {
            linesIssued = 0
            linesDone = 0
        } else {
            linesDone += 1
            totals.bytes += lineBytes
        }
        if linesDone == lines {
            // The kernel completes after its teardown (`gpu.kernelTeardown`).
            machine.kernelEvent(at: machine.now + machine.config.compute.kernelTeardown, token: Self.kernelCompletes)
            return false
        }
        // Keep the stores in flight: all of them at a kernel's start, one more as each is done.
        while linesIssued < lines && linesIssued - linesDone < storesInFlight {
            let done = machine.gpuStoreLine(base + linesIssued * lineBytes)
            linesIssued += 1
            machine.kernelEvent(at: done, token: Self.storeDone)
        }
        return false
    }
}

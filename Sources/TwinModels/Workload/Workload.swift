import TwinCore

/// How a streaming phase walks its buffer.
public enum AccessPattern: String, Sendable, CaseIterable {
    /// Line after line, wrapping at the end of the buffer.
    case sequential
    /// Uniformly random lines of the buffer, from the engine's seeded stream.
    case random
}

/// The GPU reading a buffer from LPDDR5X through NVLink-C2C, as a saturating read kernel does.
public struct StreamReadPhase: Sendable, Equatable {
    /// Size of the buffer the reads walk over.
    public var bufferBytes: UInt64
    /// Total bytes to read; the phase ends when all have arrived.
    public var totalBytes: UInt64
    public var pattern: AccessPattern

    public init(bufferBytes: UInt64, totalBytes: UInt64, pattern: AccessPattern) {
        self.bufferBytes = bufferBytes
        self.totalBytes = totalBytes
        self.pattern = pattern
    }
}

/// One step of a workload program; phases run one after the other.
public enum WorkloadPhase: Sendable, Equatable {
    case streamRead(StreamReadPhase)
    /// Nothing runs for the given span.
    case idle(SimDuration)
}

/// How a run is driven: sampling and the event budget.
public struct RunSettings: Sendable, Equatable {
    /// Simulated time after which the run stops even if the workload has not finished.
    public var duration: SimDuration
    public var seed: UInt64
    /// Period of the time-series samples.
    public var samplePeriod: SimDuration
    /// Events after which the run stops with an error instead of going on.
    public var eventBudget: UInt64

    public init(duration: SimDuration, seed: UInt64, samplePeriod: SimDuration, eventBudget: UInt64) {
        self.duration = duration
        self.seed = seed
        self.samplePeriod = samplePeriod
        self.eventBudget = eventBudget
    }
}

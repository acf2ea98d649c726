/// Why a call to a machine's `run(until:)` returned.
public enum StopReason: Sendable, Equatable {
    /// Simulated time reached the requested end.
    case reachedEnd
    /// No event is pending: the workload is complete.
    case idle
    /// The slice of events the caller allowed was used up (the caller may continue).
    case sliceExhausted
    /// The run's total event budget is used up; the run must stop.
    case budgetExhausted(limit: UInt64)
    /// The model ended the run itself (a thermal shutdown, say).
    case halted
}

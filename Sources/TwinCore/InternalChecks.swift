/// Internal invariant checks, in the manner of swift-collections' `COLLECTIONS_INTERNAL_CHECKS`:
/// compiled in only when the build defines `SPARKTWIN_INTERNAL_CHECKS`, which the test suite's
/// build does (`tools/test.sh` passes `-Xswiftc -DSPARKTWIN_INTERNAL_CHECKS`), so ordinary
/// builds pay nothing for them. A check that fails stops the process with its message, as a
/// `precondition` does, but with its message in optimized builds too (it calls `fatalError`).
public enum InternalChecks {
    /// Whether this build checks its internal invariants.
    #if SPARKTWIN_INTERNAL_CHECKS
    public static let enabled = true
    #else
    public static let enabled = false
    #endif
}

/// Stops with `message` when `condition` is false, in a build with internal checks; compiles to
/// nothing otherwise.
@inlinable @inline(__always)
public func internalInvariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                              file: StaticString = #fileID, line: UInt = #line) {
    #if SPARKTWIN_INTERNAL_CHECKS
    if !condition() { internalCheckFailed(message(), file: file, line: line) }
    #endif
}

/// Stops the process: an internal invariant does not hold.
@inline(never)
public func internalCheckFailed(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("internal check failed: \(message)", file: file, line: line)
}

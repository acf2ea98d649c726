import Testing
import TwinCore

/// The internal invariant checks (`SPARKTWIN_INTERNAL_CHECKS`) are on in the test build, and
/// the checkers they run find what they look for.
@Suite struct InternalChecksTests {
    /// `tools/test.sh` builds the suite with the checks: every simulation the suite runs checks
    /// heap order, bank, bus and credit states and energy as it goes.
    @Test func theSuiteIsBuiltWithInternalChecks() {
        #expect(InternalChecks.enabled, "run the suite with tools/test.sh, which passes -Xswiftc -DSPARKTWIN_INTERNAL_CHECKS")
    }

    @Test func heapOrderCheckFindsAnEntryEarlierThanItsParent() {
        func violation(_ keys: [UInt128], vacantRoot: Bool = false) -> Int? {
            keys.withUnsafeBufferPointer { EventQueue.orderViolation(inHeap: $0, vacantRoot: vacantRoot) }
        }
        #expect(violation([]) == nil)
        #expect(violation([7]) == nil)
        #expect(violation([1, 2, 3, 4, 5, 6, 7, 8, 9]) == nil)
        #expect(violation([1, 2, 3, 0]) == 3)
        // Entry 5's parent is entry 1 ((5 - 1) / 4).
        #expect(violation([1, 6, 3, 4, 5, 5]) == 5)
        // A vacant root holds the popped key, which children may not be compared with.
        #expect(violation([9, 2, 3, 4, 5], vacantRoot: true) == nil)
        #expect(violation([9, 2, 3, 4, 5], vacantRoot: false) == 1)
    }

    /// Through pushes, pops that leave the root vacant, pushes that fill it, and growth, the
    /// queue's storage keeps every invariant.
    @Test(arguments: 0..<20)
    func queueKeepsItsInvariantsThroughEveryOperation(seed: Int) {
        var random = RandomStream(seed: UInt64(seed), streamID: 5)
        var queue = EventQueue(capacity: 2)
        #expect(queue.invariantViolation() == nil)
        for i in 0..<3_000 {
            if queue.isEmpty || random.next(below: 3) != 0 {
                queue.push(Event(time: SimTime(picoseconds: random.next(below: 500)), kind: 1, target: 0, payload: UInt64(i)))
            } else {
                _ = queue.pop()
            }
            if let violation = queue.invariantViolation() {
                Issue.record("after operation \(i): \(violation)")
                return
            }
        }
    }
}

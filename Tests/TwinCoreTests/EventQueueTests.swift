import Testing
import TwinCore

@Suite struct EventQueueTests {
    /// An event whose payload is its push index, so ties can be checked against push order.
    func event(time: UInt64, phase: EventPhase, index: Int) -> Event {
        Event(time: SimTime(picoseconds: time), phase: phase, kind: 1, target: 0, payload: UInt64(index))
    }

    /// The total order the queue must produce: time, then phase, then push order.
    func sortedReference(_ events: [Event]) -> [Event] {
        events.sorted { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.phase != b.phase { return a.phase < b.phase }
            return a.payload < b.payload
        }
    }

    /// A queue grown past 2 MiB of keys, whose buffers sit on huge pages where the system
    /// allows it, still pops in order.
    @Test func aLargeQueuePopsInOrder() {
        var random = RandomStream(seed: 11, streamID: 3)
        var queue = EventQueue(capacity: 16)
        let count = 200_000
        var events: [Event] = []
        for i in 0..<count {
            let e = event(time: random.next(below: 1_000_000), phase: .delivery, index: i)
            events.append(e)
            queue.push(e)
        }
        var popped: [Event] = []
        while !queue.isEmpty { popped.append(queue.pop()) }
        #expect(popped == sortedReference(events))
    }

    @Test(arguments: 0..<200)
    func interleavedPushesAndPopsMatchASortedReference(seed: Int) {
        var random = RandomStream(seed: UInt64(seed), streamID: 77)
        var queue = EventQueue(capacity: 1 + Int(random.next(below: 8)))
        var pending: [Event] = []
        var now: UInt64 = 0
        var pushes = 0
        // Small time ranges force many ties; phases break some of them.
        let timeRange = 1 + random.next(below: seed % 3 == 0 ? 4 : 1_000_000)
        for _ in 0..<2_000 {
            if random.next(below: 100) < 55 || pending.isEmpty {
                let e = event(time: now + random.next(below: timeRange), phase: EventPhase(rawValue: UInt8(random.next(below: 4)))!, index: pushes)
                pushes += 1
                queue.push(e)
                pending.append(e)
            } else {
                let expected = sortedReference(pending)[0]
                let nextTime = queue.nextTime()
                #expect(nextTime == expected.time)
                let got = queue.pop()
                #expect(got == expected)
                pending.removeAll { $0.payload == expected.payload }
                now = got.time.picoseconds
            }
            let count = queue.count
            #expect(count == pending.count)
        }
        for expected in sortedReference(pending) {
            let got = queue.pop()
            #expect(got == expected)
        }
        let empty = queue.isEmpty
        let next = queue.nextTime()
        #expect(empty)
        #expect(next == nil)
    }

    @Test func everyOrderOfSixTiedEventsPopsInTotalOrder() {
        // Three instants × two phases, pushed in every one of the 720 orders.
        let base = (0..<6).map { (time: UInt64($0 / 2) * 10, phase: $0 % 2 == 0 ? EventPhase.delivery : .sample) }
        var permutation = Array(0..<6)
        var count = 0
        repeat {
            var queue = EventQueue(capacity: 2)
            var pushed: [Event] = []
            for (i, p) in permutation.enumerated() {
                let e = event(time: base[p].time, phase: base[p].phase, index: i)
                queue.push(e)
                pushed.append(e)
            }
            for expected in sortedReference(pushed) {
                let got = queue.pop()
                #expect(got == expected)
            }
            count += 1
        } while nextPermutation(&permutation)
        #expect(count == 720)
    }

    @Test func growsBeyondItsInitialCapacityKeepingOrder() {
        var queue = EventQueue(capacity: 1)
        for i in (0..<10_000).reversed() { queue.push(event(time: UInt64(i), phase: .delivery, index: i)) }
        for i in 0..<10_000 {
            let got = queue.pop()
            #expect(got.time.picoseconds == UInt64(i))
        }
    }

    @Test func popFromAnEmptyQueueTraps() async {
        await #expect(processExitsWith: .failure) {
            var queue = EventQueue(capacity: 4)
            _ = queue.pop()
        }
    }

    func nextPermutation(_ a: inout [Int]) -> Bool {
        var i = a.count - 2
        while i >= 0 && a[i] >= a[i + 1] { i -= 1 }
        if i < 0 { return false }
        var j = a.count - 1
        while a[j] <= a[i] { j -= 1 }
        a.swapAt(i, j)
        a[(i + 1)...].reverse()
        return true
    }
}

@Suite struct RandomStreamTests {
    @Test func streamsAreReproducibleAndIndependent() {
        var a = RandomStream(seed: 42, streamID: 1)
        var b = RandomStream(seed: 42, streamID: 1)
        var c = RandomStream(seed: 42, streamID: 2)
        let sa = (0..<8).map { _ in a.next() }
        #expect(sa == (0..<8).map { _ in b.next() })
        #expect(sa != (0..<8).map { _ in c.next() })
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        var r = RandomStream(state: 0)
        #expect(r.next() == 0xE220_A839_7B1D_CDAF)
        #expect(r.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func boundedAndExponentialDrawsStayInRange() {
        var r = RandomStream(seed: 3, streamID: 3)
        var sum = 0.0
        for _ in 0..<100_000 {
            #expect(r.next(below: 10) < 10)
            let x = r.nextExponential(mean: 2)
            #expect(x >= 0 && x.isFinite)
            sum += x
        }
        #expect(abs(sum / 100_000 - 2) < 0.05)
    }
}

@Suite struct LatencyHistogramTests {
    @Test func quantilesAreExactToTheNanosecond() {
        var h = LatencyHistogram()
        for ns in 1...100 { h.record(SimDuration(nanoseconds: UInt64(ns))) }
        #expect(h.count == 100)
        #expect(h.meanNs == 50.5)
        #expect(h.quantileNs(0.5) == 51)   // 50 samples are below 51 ns
        #expect(h.quantileNs(0.99) == 100)
        h.record(SimDuration(nanoseconds: 1_000_000))
        #expect(h.overflowCount == 1)
        #expect(h.quantileNs(1) == 1_000_000)
    }
}

import Testing
import TwinCore

@Suite struct ClockDomainTests {
    /// Exact reference: edge k after an anchor at `a` is at a + ceil(k·10¹²/hz).
    func reference(_ anchor: UInt64, _ k: UInt64, _ hz: UInt64) -> UInt64 {
        let num = UInt128(k) * 1_000_000_000_000
        return anchor + UInt64((num + UInt128(hz) - 1) / UInt128(hz))
    }

    @Test func edgesOfA2p8GHzClockDoNotDrift() {
        let clock = ClockDomain(frequencyHz: 2_800_000_000)
        // 2.8 GHz has a period of 357.142857… ps: accumulating a rounded period drifts.
        #expect(clock.time(ofCycle: 7).picoseconds == 2_500)
        #expect(clock.time(ofCycle: 2_800_000_000).picoseconds == 1_000_000_000_000)
        #expect(clock.time(ofCycle: 2_800_000_000_000).picoseconds == 1_000_000_000_000_000)
        #expect(clock.time(ofCycle: 1).picoseconds == 358)
    }

    @Test(arguments: [1_066_625_000 as UInt64, 2_418_000_000, 2_800_000_000, 3_003_000_000, 208_000_000, 1_000_000_000_000])
    func cycleLookupInvertsEdgeTimes(hz: UInt64) {
        let clock = ClockDomain(frequencyHz: hz)
        var random = RandomStream(seed: hz, streamID: 0)
        for _ in 0..<2_000 {
            let n = random.next(below: 1 << 40)
            let edge = clock.time(ofCycle: n)
            #expect(edge.picoseconds == reference(0, n, hz))
            #expect(clock.cycle(atOrAfter: edge) == n)
            #expect(clock.cycles(at: edge) == n)
            if n > 0, clock.time(ofCycle: n - 1).picoseconds < edge.picoseconds - 1 {
                // One picosecond before an edge (and after the previous one), the next edge is that edge.
                #expect(clock.cycle(atOrAfter: SimTime(picoseconds: edge.picoseconds - 1)) == n)
            }
            // One picosecond after, the next edge is the following one.
            #expect(clock.cycle(atOrAfter: SimTime(picoseconds: edge.picoseconds + 1)) == n + 1)
        }
    }

    @Test func frequencyChangeTakesEffectAtTheNextEdgeExactly() {
        var clock = ClockDomain(frequencyHz: 2_418_000_000)
        let requested = SimTime(picoseconds: 1_000_000)  // 1 µs
        let switchCycle = clock.cycle(atOrAfter: requested)
        let switchEdge = clock.time(ofCycle: switchCycle)
        let applied = clock.setFrequency(2_150_000_000, at: requested)
        #expect(applied == switchEdge)
        #expect(applied >= requested)
        #expect(switchEdge.picoseconds == reference(0, switchCycle, 2_418_000_000))
        // After the change, edges count from the switch edge at the new period.
        for k: UInt64 in [0, 1, 2, 215, 2_150_000_000, 123_456_789_012] {
            #expect(clock.time(ofCycle: switchCycle + k).picoseconds == reference(switchEdge.picoseconds, k, 2_150_000_000))
        }
        // A second change, down to the idle clock, and back up.
        let second = clock.setFrequency(208_000_000, at: SimTime(picoseconds: 5_000_000))
        let secondCycle = clock.cycle(atOrAfter: second)
        #expect(clock.time(ofCycle: secondCycle + 3).picoseconds == reference(second.picoseconds, 3, 208_000_000))
        #expect(clock.cycles(at: second) == secondCycle)
    }

    @Test func edgesAreStrictlyIncreasingAcrossChanges() {
        var clock = ClockDomain(frequencyHz: 1_000_000_000)
        var random = RandomStream(seed: 9, streamID: 9)
        var last = SimTime.zero
        var cycle: UInt64 = 0
        for step in 0..<5_000 {
            if step % 50 == 0 {
                let hz = 200_000_000 + random.next(below: 3_000_000_000)
                clock.setFrequency(hz, at: last)
                cycle = clock.cycle(atOrAfter: last)
            }
            cycle += 1
            let edge = clock.time(ofCycle: cycle)
            #expect(edge > last)
            last = edge
        }
    }

    @Test func zeroFrequencyIsRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = ClockDomain(frequencyHz: 0)
        }
    }
}

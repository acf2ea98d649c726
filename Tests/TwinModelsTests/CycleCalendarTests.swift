import Testing
import TwinCore
import TwinModels

/// The calendar against a plain set of taken cycles, over random reservations that slide the
/// window many times.
@Suite struct CycleCalendarTests {
    /// What the calendar must report: a set of taken cycles per lane, and the window's base,
    /// before which cycles are past (free, and not takeable).
    struct Reference {
        var taken: [Set<UInt64>]
        var base: [UInt64]

        mutating func take(_ lane: Int, _ cycles: Range<UInt64>) {
            let last = cycles.upperBound - 1
            if last >= base[lane] + CycleCalendar.windowCycles {
                base[lane] = (last + 1 - CycleCalendar.windowCycles + 63) / 64 * 64
                taken[lane] = taken[lane].filter { $0 >= base[lane] }
            }
            for cycle in cycles where cycle >= base[lane] { taken[lane].insert(cycle) }
        }

        /// Cycle `start + k` for each bit k: the window slides to the last, then each is taken.
        mutating func take(_ lane: Int, bits: UInt128, from start: UInt64) {
            guard bits != 0 else { return }
            take(lane, (start + UInt64(127 - bits.leadingZeroBitCount))..<(start + UInt64(128 - bits.leadingZeroBitCount)))
            for k in 0..<128 where bits & (1 << UInt128(k)) != 0 { take(lane, (start + UInt64(k))..<(start + UInt64(k) + 1)) }
        }

        func isTaken(_ lane: Int, _ cycle: UInt64) -> Bool { cycle >= base[lane] && taken[lane].contains(cycle) }
    }

    @Test(arguments: 0..<20)
    func reservationsMatchASetOfTakenCycles(seed: Int) {
        let lanes = 3
        var calendar = CycleCalendar(lanes: lanes)
        var reference = Reference(taken: Array(repeating: [], count: lanes), base: Array(repeating: 0, count: lanes))
        var random = RandomStream(seed: UInt64(seed), streamID: 21)
        var now: [UInt64] = Array(repeating: 0, count: lanes)
        for _ in 0..<400 {
            let lane = Int(random.next(below: UInt64(lanes)))
            // Mostly near the lane's latest reservations, sometimes far ahead (a slide).
            now[lane] += random.next(below: 100) < 3 ? random.next(below: 3 * CycleCalendar.windowCycles) : random.next(below: 40)
            let start = now[lane] - min(now[lane], random.next(below: 200))
            if random.next(below: 2) == 0 {
                let cycles = start..<(start + 1 + random.next(below: 70))
                calendar.take(lane, cycles)
                reference.take(lane, cycles)
            } else {
                // A scattered set within 128 cycles, as a line's bursts and their commands are taken.
                let bits = UInt128(random.next(below: UInt64.max)) << 64 | UInt128(random.next(below: UInt64.max)) & UInt128(random.next(below: UInt64.max))
                calendar.take(lane, bits: bits, from: start)
                reference.take(lane, bits: bits, from: start)
            }
            #expect(calendar.base[lane] == reference.base[lane])

            let probe = now[lane] - min(now[lane], random.next(below: 300)) + random.next(below: 100)
            var expectedBits: UInt128 = 0
            for offset in 0..<128 where reference.isTaken(lane, probe + UInt64(offset)) { expectedBits |= 1 << offset }
            #expect(calendar.bits(lane, from: probe) == expectedBits)
            var free = max(probe, reference.base[lane])
            while reference.isTaken(lane, free) { free += 1 }
            #expect(calendar.firstFree(lane, from: probe) == free)
            let span = probe..<(probe + random.next(below: 300))
            #expect(calendar.count(lane, span) == span.filter { reference.isTaken(lane, $0) }.count)
        }
    }
}

import Foundation
import Testing
import TwinRun

/// The hold benchmark against the hold model written the slow, obvious way: a linear scan for
/// the earliest `(time, sequence)` and its own SplitMix64, as `tools/bench/hold.cpp` has it.
/// Equal checksums mean the timed loop runs the model it claims to, with either increment source.
@Suite struct HoldBenchmarkTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func exponentialPs() -> UInt64 {
            UInt64(-Foundation.log(1.0 - Double(next() >> 11) * 0x1.0p-53) * 1e6)
        }
    }

    static func referenceChecksum(pending: Int, events: Int, seed: UInt64, increments: HoldBenchmark.Increments) -> UInt64 {
        var random = SplitMix64(state: seed)
        var times = (0..<pending).map { _ in random.exponentialPs() }
        var sequences = Array(UInt64(0)..<UInt64(pending))
        var nextSequence = UInt64(pending)
        let table = increments == .table ? (0..<HoldBenchmark.tableSize).map { _ in random.exponentialPs() } : []
        var checksum: UInt64 = 0
        for step in 0..<events {
            var earliest = 0
            for i in 1..<pending where (times[i], sequences[i]) < (times[earliest], sequences[earliest]) { earliest = i }
            checksum &+= times[earliest]
            times[earliest] += increments == .table ? table[step % table.count] : random.exponentialPs()
            sequences[earliest] = nextSequence
            nextSequence += 1
        }
        return checksum
    }

    @Test(arguments: HoldBenchmark.Increments.allCases)
    func runsTheHoldModel(increments: HoldBenchmark.Increments) {
        // More steps than the table has entries, so it wraps around.
        let events = HoldBenchmark.tableSize + 5_000
        let result = HoldBenchmark.run(pending: 40, events: events, seed: 7, increments: increments)
        #expect(result.checksum == Self.referenceChecksum(pending: 40, events: events, seed: 7, increments: increments))
    }
}

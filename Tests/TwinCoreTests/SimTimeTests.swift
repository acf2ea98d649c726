import Testing
import TwinCore

@Suite struct SimTimeTests {
    @Test func pointPlusSpanAndDifference() {
        let t = SimTime(picoseconds: 1_000) + SimDuration(nanoseconds: 2)
        #expect(t.picoseconds == 3_000)
        #expect((t - SimTime(picoseconds: 500)).picoseconds == 2_500)
        #expect((SimDuration(picoseconds: 7) + SimDuration(picoseconds: 5)).picoseconds == 12)
        #expect((SimDuration(picoseconds: 7) - SimDuration(picoseconds: 5)).picoseconds == 2)
    }

    @Test func secondsRoundToNearestPicosecond() {
        #expect(SimDuration(seconds: 1.5e-9).picoseconds == 1_500)
        #expect(SimDuration(seconds: 2.0000000000004e-12).picoseconds == 2)
        #expect(SimDuration(seconds: 1).description == "1 s")
        #expect(SimDuration(picoseconds: 1_500).description == "1500 ps")
    }

    @Test func additionPastTheEndOfTimeTraps() async {
        await #expect(processExitsWith: .failure) {
            print(SimTime(picoseconds: .max - 1) + SimDuration(picoseconds: 2))  // used, or release mode drops the trapping arithmetic
        }
    }

    @Test func negativeDifferenceTraps() async {
        await #expect(processExitsWith: .failure) {
            print(SimTime(picoseconds: 1) - SimTime(picoseconds: 2))  // used, or release mode drops the trapping arithmetic
        }
    }

    @Test func negativeSpanTraps() async {
        await #expect(processExitsWith: .failure) {
            print(SimDuration(picoseconds: 1) - SimDuration(picoseconds: 2))  // used, or release mode drops the trapping arithmetic
        }
    }
}

import Testing
import TwinCore

@Suite struct DivisorTests {
    @Test(arguments: [UInt64(1), 2, 3, 7, 64, 96, 128, 4096, 6000, 1 << 40, UInt64.max])
    func quotientAndRemainderMatchDivision(divisor: UInt64) {
        let d = Divisor(divisor)
        var random = RandomStream(seed: divisor, streamID: 5)
        for _ in 0..<1_000 {
            let x = random.next()
            #expect(d.quotient(x) == x / divisor)
            #expect(d.remainder(x) == x % divisor)
        }
        #expect(d.quotient(0) == 0 && d.remainder(divisor - 1) == divisor - 1)
    }
}

import TwinCore
import TwinModels

/// Requests per wall second through the detailed memory controller, alone: reads offered at
/// the channels' peak rate, in time order, to sequential lines and to random lines of 1 GiB.
///
/// The baseline in the same run is the same loop with the controller call replaced by the
/// address arithmetic alone, so the ratio is the controller's own cost per request.
public enum MemoryBenchmark {
    public struct Result: Sendable {
        public var pattern: AccessPattern
        public var requests: Int
        public var seconds: Double
        public var baselineSeconds: Double
        /// Sum of completion times: keeps the work from being optimized away.
        public var checksum: UInt64

        public var requestsPerSecond: Double { Double(requests) / seconds }
    }

    public static func run(preset: String = "dgx-spark", pattern: AccessPattern, requests: Int, seed: UInt64 = 1) -> Result {
        let config = MemoryController.Config(MachineParameters.values(preset: preset)!)
        let line: UInt64 = 128
        let lines: UInt64 = (1 << 30) / line
        // One request per line time at the peak bandwidth of all channels.
        let gapPs = UInt64(Double(line) / config.peakBandwidthBytesPerSecond * 1e12)
        func address(_ i: Int, _ random: inout RandomStream) -> UInt64 {
            pattern == .sequential ? UInt64(i) % lines * line : random.next(below: lines) * line
        }
        let clock = ContinuousClock()
        var random = RandomStream(seed: seed, streamID: 9)
        var baselineSum: UInt64 = 0
        let baselineStart = clock.now
        for i in 0..<requests { baselineSum &+= address(i, &random) &+ UInt64(i) * gapPs }
        let baseline = clock.now - baselineStart

        var memory = MemoryController(config: config)
        random = RandomStream(seed: seed, streamID: 9)
        var checksum: UInt64 = baselineSum & 1
        let start = clock.now
        for i in 0..<requests {
            let done = memory.read(address: address(i, &random), bytes: line, at: SimTime(picoseconds: UInt64(i) * gapPs))
            checksum &+= done.picoseconds
        }
        let elapsed = clock.now - start
        return Result(pattern: pattern, requests: requests, seconds: seconds(elapsed), baselineSeconds: seconds(baseline), checksum: checksum)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

import Testing
import TwinCore
import TwinModels

/// The twin set up as the plain LPDDR5 system a peer DRAM simulator (Ramulator 2, DRAMsim3) is
/// run with, and checked against the closed forms such a simulator follows. The twin was never
/// fitted to one; to run one beside it, configure it as `plain` says:
///
/// - LPDDR5-6400: 16 channels × 16 bit, one rank, 16 banks in 4 bank groups (bank-group mode),
///   BL16 (32 B per burst, 2 CK), 2 KiB pages, CK 800 MHz;
/// - timings of `shared/calibration/gb10/lpddr5x-timing.md`, column "cycles at 6400": RL 17,
///   WL 9, tRCD 15, tRP 15, tRAS 34, tWR 28, tRTP 8, tCCD_L 4, tRRD 4, tFAW 16, tWTR 10,
///   tRFCab 224, tREFI 3,125; all-bank refresh;
/// - open page, FR-FCFS, unbounded queues, no front-end latency;
/// - address map: 64 B (two bursts) per channel, then channel, bank group, column, bank, row,
///   no hashing;
/// - 64 B reads from a 1 GiB region, sequential or uniformly random, N outstanding (closed loop).
@Suite struct PeerDRAMCrossCheckTests {
    static let plain: MachineConfig = {
        var values = MachineParameters.values(preset: "dgx-spark")!
        for (path, value) in [("memory.dataRate", 6_400e6), ("memory.pagePolicy", 0), ("memory.controllerLatency", 0),
                              ("memory.interleave", 64), ("memory.addressHash", 0), ("memory.readQueue", 0), ("memory.refreshMode", 0)] {
            values.set(path, value)
        }
        return MachineConfig(values)
    }()
    static let ckNs = 1.25
    /// The bus less all-bank refresh: 32 B per 2 CK per channel × 16, × (1 − 224 / 3,125).
    static let busLessRefreshGBps = 32.0 / (2 * ckNs) * 16 * (1 - 224.0 / 3_125)
    /// Random lines: per channel and line, 5 command clocks (ACT-1, ACT-2, two reads, a
    /// precharge) against an activate per tRRD (4 CK), four per tFAW (16 CK: 4 CK a line) and
    /// 4 data clocks: the command bus binds, 64 B per 5 CK.
    static let randomLimitGBps = 64.0 / (5 * ckNs) * 16 * (1 - 224.0 / 3_125)

    static func lines(_ pattern: String, inFlight: Double, duration: Double = 50e-6) -> [String: Double] {
        MemoryTrafficTests.run([MemoryTrafficTests.traffic(["buffer": Double(1 << 30), "inFlight": inFlight, "duration": duration],
                                                           side: "cpu", pattern: pattern)], on: plain)
    }

    @Test func aSequentialReadRunsAtTheBusRateLessRefresh() {
        let m = Self.lines("sequential", inFlight: 4_096)
        let gbps = m["traffic.bandwidth"]!
        #expect(gbps <= Self.busLessRefreshGBps && gbps > 0.98 * Self.busLessRefreshGBps, "\(gbps) GB/s against \(Self.busLessRefreshGBps)")
        #expect(m["memory.row_hit_rate"]! > 0.95)
    }

    @Test func randomReadsRunBelowTheirCommandAndActivateLimit() {
        let m = Self.lines("random", inFlight: 4_096)
        let gbps = m["traffic.bandwidth"]!
        #expect(gbps <= Self.randomLimitGBps && gbps > 0.85 * Self.randomLimitGBps, "\(gbps) GB/s against \(Self.randomLimitGBps)")
        #expect(m["memory.row_hit_rate"]! < 0.05)
    }

    /// Latency against load for random lines, N = 1 to 4,096 outstanding: every point obeys
    /// Little's law (N lines over the mean latency is the bandwidth); alone, a read takes a row
    /// miss or conflict, tRCD + RL + two bursts to tRP + tRCD + RL + two bursts (plus a refresh
    /// it may meet); the bandwidth climbs to the random limit, and past the knee the latency
    /// grows as N / bandwidth, linearly.
    @Test func latencyUnderLoadFollowsLittlesLawAndSaturatesAtTheRandomLimit() {
        var points: [(n: Double, gbps: Double, ns: Double)] = []
        for n in [1.0, 4, 16, 64, 256, 1_024, 4_096] {
            // Long enough that the loop's fill and drain (one latency each) are under 0.5 %.
            let m = Self.lines("random", inFlight: n, duration: n < 256 ? 200e-6 : 400e-6)
            points.append((n, m["traffic.bandwidth"]!, m["traffic.read.latency.mean"]!))
        }
        for p in points {
            let littles = p.n * 64 / p.ns
            #expect(abs(p.gbps / littles - 1) < 0.01, "N = \(p.n): \(p.gbps) GB/s, Little's law \(littles)")
        }
        let missNs = Double(15 + 17 + 4) * Self.ckNs, conflictNs = Double(15 + 15 + 17 + 4) * Self.ckNs
        #expect(points[0].ns >= missNs && points[0].ns < conflictNs + 10, "alone: \(points[0].ns) ns")
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.gbps < $1.gbps * 1.001 })
        #expect(points.last!.gbps > 0.85 * Self.randomLimitGBps)
        let ratio = points[6].ns / points[5].ns
        #expect(abs(ratio - 4) < 0.4, "latency at 4,096 over 1,024 outstanding: \(ratio)")
    }
}

/// The configuration of every component, built from resolved parameters.
public struct MachineConfig: Sendable, Equatable {
    public var gpu: GPUReadEngine.Config
    public var c2c: C2CLink.Config
    public var host: C2CLink.Config
    /// The network port to linked nodes (`nic.*`), timed as a link of its own.
    public var nic: C2CLink.Config
    /// Packets the port reads from memory ahead of the wire (`nic.stagedPackets`).
    public var nicStagedPackets: Int
    /// Bytes a host copy puts on its link at once (`copy.chunkSize`).
    public var copyChunkBytes: UInt64
    public var memory: MemoryController.Config
    /// Bytes a program's named buffers may take (`memory.usable`).
    public var memoryUsableBytes: UInt64
    public var compute: GPUComputeConfig
    public var cpu: GraceConfig
    public var gpuChase: GPUChaseConfig
    public var power: PowerConfig

    public init(_ parameters: ParameterValues) {
        compute = GPUComputeConfig(parameters)
        cpu = GraceConfig(parameters)
        gpuChase = GPUChaseConfig(parameters)
        gpu = GPUReadEngine.Config(parameters)
        c2c = C2CLink.Config(parameters)
        host = C2CLink.Config(parameters, prefix: "host")
        nic = C2CLink.Config(parameters, prefix: "nic")
        nicStagedPackets = Int(parameters["nic.stagedPackets"])
        copyChunkBytes = UInt64(parameters["copy.chunkSize"])
        memory = MemoryController.Config(parameters)
        memoryUsableBytes = UInt64(parameters["memory.usable"])
        power = PowerConfig(parameters)
    }

    /// Rules that tie several parameters together, as `(parameter path, message)` pairs; empty
    /// when the configuration is consistent.
    public static func crossCheck(_ p: ParameterValues) -> [(path: String, message: String)] {
        var problems: [(String, String)] = []
        let burst = p["memory.channelWidth"] * p["memory.burstLength"]
        let interleave = p["memory.interleave"]
        let line = p["gpu.lineSize"]
        if interleave.truncatingRemainder(dividingBy: burst) != 0 {
            problems.append(("memory.interleave", "expected a multiple of the burst size (\(Int(burst)) B), found \(Int(interleave)) B"))
        }
        if interleave.truncatingRemainder(dividingBy: line) != 0 {
            problems.append(("memory.interleave", "expected a multiple of gpu.lineSize (\(Int(line)) B), found \(Int(interleave)) B"))
        }
        if p["memory.pageSize"].truncatingRemainder(dividingBy: interleave) != 0 {
            problems.append(("memory.interleave", "expected a divisor of memory.pageSize (\(Int(p["memory.pageSize"])) B), found \(Int(interleave)) B"))
        }
        if line.truncatingRemainder(dividingBy: burst) != 0 {
            problems.append(("gpu.lineSize", "expected a multiple of the burst size (\(Int(burst)) B), found \(Int(line)) B"))
        }
        let cpuLine = p["cpu.lineSize"]
        if interleave.truncatingRemainder(dividingBy: cpuLine) != 0 {
            problems.append(("cpu.lineSize", "expected a divisor of memory.interleave (\(Int(interleave)) B), found \(Int(cpuLine)) B"))
        }
        if cpuLine.truncatingRemainder(dividingBy: burst) != 0 {
            problems.append(("cpu.lineSize", "expected a multiple of the burst size (\(Int(burst)) B), found \(Int(cpuLine)) B"))
        }
        if p["gpu.read.threadsPerCTA"] > p["gpu.maxThreadsPerSM"] || p["gpu.read.threadsPerCTA"] * p["gpu.read.registersPerThread"] > p["gpu.registersPerSM"] {
            problems.append(("gpu.read.threadsPerCTA", "expected a CTA that fits on an SM (at most gpu.maxThreadsPerSM = \(Int(p["gpu.maxThreadsPerSM"])) threads and gpu.registersPerSM = \(Int(p["gpu.registersPerSM"])) registers), found \(Int(p["gpu.read.threadsPerCTA"])) threads × \(Int(p["gpu.read.registersPerThread"])) registers"))
        }
        if p["memory.banks"].truncatingRemainder(dividingBy: p["memory.bankGroups"]) != 0 {
            problems.append(("memory.bankGroups", "expected a divisor of memory.banks (\(Int(p["memory.banks"]))), found \(Int(p["memory.bankGroups"]))"))
        }
        // The activate calendar looks 64 memory cycles around a candidate.
        let cycleSeconds = p["memory.beatsPerClock"] / p["memory.dataRate"]
        for path in ["memory.tRRD", "memory.tFAW"] where p[path] / cycleSeconds > 64 {
            problems.append((path, "expected at most 64 memory clock cycles (\(nanoseconds(64 * cycleSeconds))), found \(nanoseconds(p[path]))"))
        }
        let burstClocks = (p["memory.burstLength"] / p["memory.beatsPerClock"]).rounded(.up)
        if p["memory.columnCommandClocks"] > burstClocks {
            problems.append(("memory.columnCommandClocks", "expected at most one burst's clocks (\(Int(burstClocks))), found \(Int(p["memory.columnCommandClocks"]))"))
        }
        if p["memory.tRFCab"] >= p["memory.tREFI"] {
            problems.append(("memory.tRFCab", "expected less than memory.tREFI (\(nanoseconds(p["memory.tREFI"]))), found \(nanoseconds(p["memory.tRFCab"]))"))
        }
        if p["memory.refreshMode"] == 1 {
            let slots = (p["memory.tREFI"] / p["memory.tREFIpb"]).rounded()
            if slots < 1 || abs(p["memory.tREFI"] / p["memory.tREFIpb"] - slots) > 0.01 * slots
                || Int(p["memory.banks"]) % Int(slots) != 0 {
                problems.append(("memory.tREFIpb", "expected memory.tREFI (\(nanoseconds(p["memory.tREFI"]))) over it to be a whole number that divides memory.banks (\(Int(p["memory.banks"]))), found \(nanoseconds(p["memory.tREFIpb"]))"))
            } else if p["memory.tRFCpb"] >= p["memory.tREFIpb"] * slots {
                problems.append(("memory.tRFCpb", "expected less than memory.tREFI (\(nanoseconds(p["memory.tREFI"]))), found \(nanoseconds(p["memory.tRFCpb"]))"))
            }
        }
        let ghz = { (hz: Double) in "\(hz / 1e6) MHz" }
        if p["gpu.smClock"] > p["gpu.maxClock"] || p["gpu.smClock"] < p["gpu.idleClock"] {
            problems.append(("gpu.smClock", "expected a clock from gpu.idleClock (\(ghz(p["gpu.idleClock"]))) to gpu.maxClock (\(ghz(p["gpu.maxClock"]))), found \(ghz(p["gpu.smClock"]))"))
        }
        if p["cpu.minClock"] > p["cpu.x925.clock"] {
            problems.append(("cpu.minClock", "expected at most cpu.x925.clock (\(ghz(p["cpu.x925.clock"]))), found \(ghz(p["cpu.minClock"]))"))
        }
        if p["thermal.fan.fullTemp"] <= p["thermal.fan.startTemp"] {
            problems.append(("thermal.fan.fullTemp", "expected above thermal.fan.startTemp (\(p["thermal.fan.startTemp"]) C), found \(p["thermal.fan.fullTemp"]) C"))
        }
        let stepsPerPeriod = p["governor.period"] / p["power.step"]
        if abs(stepsPerPeriod - stepsPerPeriod.rounded()) > 1e-6 * stepsPerPeriod || stepsPerPeriod < 0.5 {
            problems.append(("governor.period", "expected a whole multiple of power.step (\(nanoseconds(p["power.step"]))), found \(nanoseconds(p["governor.period"]))"))
        }
        if p["governor.shutdownTemp"] <= p["governor.slowdownTemp"] {
            problems.append(("governor.shutdownTemp", "expected above governor.slowdownTemp (\(p["governor.slowdownTemp"]) C), found \(p["governor.shutdownTemp"]) C"))
        }
        return problems
    }

    /// Seconds as nanoseconds for a message, to the picosecond.
    static func nanoseconds(_ seconds: Double) -> String {
        let picoseconds = Int64((seconds * 1e12).rounded())
        var fraction = String(picoseconds % 1_000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(picoseconds / 1_000)\(fraction.isEmpty ? "" : "." + fraction) ns"
    }
}

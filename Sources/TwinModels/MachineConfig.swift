/// The configuration of every component, built from resolved parameters.
public struct MachineConfig: Sendable, Equatable {
    public var gpu: GPUReadEngine.Config
    public var c2c: C2CLink.Config
    public var host: C2CLink.Config
    public var memory: MemoryController.Config
    public var compute: GPUComputeConfig
    public var cpu: GraceConfig

    public init(_ parameters: ParameterValues) {
        compute = GPUComputeConfig(parameters)
        cpu = GraceConfig(parameters)
        gpu = GPUReadEngine.Config(parameters)
        c2c = C2CLink.Config(parameters)
        host = C2CLink.Config(parameters, prefix: "host")
        memory = MemoryController.Config(parameters)
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
        if line.truncatingRemainder(dividingBy: burst) != 0 {
            problems.append(("gpu.lineSize", "expected a multiple of the burst size (\(Int(burst)) B), found \(Int(line)) B"))
        }
        if p["memory.tRFCab"] >= p["memory.tREFI"] {
            problems.append(("memory.tRFCab", "expected less than memory.tREFI (\(p["memory.tREFI"] * 1e9) ns), found \(p["memory.tRFCab"] * 1e9) ns"))
        }
        return problems
    }
}

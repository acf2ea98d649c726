import TwinCore

/// What one of a node's random streams is for. Each purpose has its own stream, derived from
/// the run's seed, the node and the purpose, so adding a stream never changes the numbers
/// another one draws. The numbers are part of the golden results: never renumber one.
public enum StreamPurpose: Sendable, Equatable {
    /// The GPU read engine's random line addresses.
    case gpuReadAddresses
    /// The GPU pointer chase's walk.
    case gpuChaseWalk
    /// Grace thread `index` of a `cpu` phase (its chases draw their walks from it).
    case graceThread(Int)
    /// A traffic phase's random line addresses.
    case trafficAddresses
    /// The experts an LLM's router picks for each token (the workload layer's expansion).
    case expertRouting

    var number: UInt64 {
        switch self {
        case .gpuReadAddresses: 1
        // 2 was the CPU pointer chase's walk, now a Grace thread's (`graceThread(0)`).
        case .gpuChaseWalk: 3
        case .trafficAddresses: 4
        case .expertRouting: 5
        case .graceThread(let index): 16 + UInt64(index)
        }
    }
}

extension RandomStream {
    /// The stream of `purpose` on node `node` (0 until a simulation holds several nodes; node 0's
    /// streams are the ones every single-node result was recorded with).
    public init(seed: UInt64, node: Int = 0, purpose: StreamPurpose) {
        self.init(seed: seed, streamID: UInt64(node) << 32 | purpose.number)
    }
}

import Testing
import TwinCore
import TwinModels

@Suite struct RandomStreamsTests {
    /// Node 0's streams are the ones every single-node golden result was recorded with.
    @Test func nodeZeroKeepsTheRecordedStreams() {
        let recorded: [(StreamPurpose, UInt64)] = [(.gpuReadAddresses, 1), (.gpuChaseWalk, 3), (.graceThread(0), 16), (.graceThread(9), 25)]
        for (purpose, id) in recorded {
            var derived = RandomStream(seed: 42, purpose: purpose)
            var legacy = RandomStream(seed: 42, streamID: id)
            #expect(derived.next() == legacy.next(), "\(purpose)")
        }
    }

    @Test func everyNodeAndPurposeHasItsOwnStream() {
        let purposes: [StreamPurpose] = [.gpuReadAddresses, .gpuChaseWalk, .graceThread(0), .graceThread(1)]
        var firsts: Set<UInt64> = []
        for node in 0..<4 {
            for purpose in purposes {
                var stream = RandomStream(seed: 7, node: node, purpose: purpose)
                firsts.insert(stream.next())
            }
        }
        #expect(firsts.count == 4 * purposes.count)
    }
}

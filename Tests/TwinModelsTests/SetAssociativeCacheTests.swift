import Testing
import TwinModels

@Suite struct SetAssociativeCacheTests {
    @Test func secondAccessToALineHits() {
        var cache = SetAssociativeCache(config: .init(capacityBytes: 1 << 20, lineBytes: 128, ways: 16))
        #expect(cache.access(4_096) == false)
        #expect(cache.access(4_096 + 127) == true)   // same line
        #expect(cache.access(4_096 + 128) == false)  // next line
        #expect(cache.stats.hits == 1 && cache.stats.misses == 2)
    }

    @Test func aWorkingSetThatFitsHitsAfterTheFirstPass() {
        // Half the capacity: the hash spreads lines over sets unevenly, so stay well inside it.
        var cache = SetAssociativeCache(config: .init(capacityBytes: 1 << 20, lineBytes: 128, ways: 16))
        let lines: UInt64 = (1 << 19) / 128
        for line in 0..<lines { _ = cache.access(line * 128) }
        let missesAfterFill = cache.stats.misses
        for line in 0..<lines { _ = cache.access(line * 128) }
        #expect(missesAfterFill == lines)
        #expect(cache.stats.misses - missesAfterFill < lines / 50)
    }

    @Test func leastRecentlyUsedWayIsEvicted() {
        // One set of two ways: a, b, touch a, c evicts b.
        var cache = SetAssociativeCache(config: .init(capacityBytes: 256, lineBytes: 128, ways: 2))
        #expect(cache.config.sets == 1)
        _ = cache.access(0)
        _ = cache.access(128)
        _ = cache.access(0)
        _ = cache.access(256)
        #expect(cache.access(0) == true)
        #expect(cache.access(128) == false)
    }

    @Test func aStreamLargerThanTheCacheNeverHits() {
        var cache = SetAssociativeCache(config: .init(capacityBytes: 1 << 20, lineBytes: 128, ways: 16))
        for pass in 0..<2 {
            for line in UInt64(0)..<UInt64(4 << 20) / 128 { _ = cache.access(line * 128) }
            _ = pass
        }
        #expect(cache.stats.hits < cache.stats.misses / 20)
    }
}

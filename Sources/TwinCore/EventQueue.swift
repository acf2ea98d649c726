import TwinCoreShims

/// The pending-event set: a 4-ary min-heap of 128-bit keys over buffers allocated up front.
///
/// Each key packs `time` (high 64 bits), then `phase` (4 bits), a push `sequence` (36 bits) and
/// the `slot` (24 bits) where the event's body waits in a slab. Comparing two keys is therefore
/// one 128-bit comparison that already implements the total order `(time, phase, sequence)`;
/// the heap's own order is never relied on to break ties.
///
/// The heap array is offset by three entries in a 64-byte-aligned buffer, so the four children
/// of a node (4 × 16 bytes) share one cache line. The smallest child is chosen by the times
/// alone (the keys' high words), with 64-bit comparisons the compiler turns into conditional
/// moves; only when two of the times compared are equal do the full keys decide, on a side
/// path. Unused entries hold the maximum key, so a node's last group of children needs no
/// bounds checks.
///
/// A pop leaves the root *vacant* instead of sifting at once: if a push follows (the common
/// pattern of a handler scheduling its follow-up), the new key drops into the root and one
/// sift-down does the work of two. Any other operation first fills the vacancy the usual way.
///
/// Buffers of 2 MiB or more sit on huge pages where the system allows it: a heap of 10⁶
/// events spans 16 MiB of keys, and its random lower levels would otherwise miss the TLB too
/// (measured ~5–10 % more events per second at N = 10⁶).
///
/// The queue is noncopyable: it owns its buffers and frees them when it goes away.
public struct EventQueue: ~Copyable {
    @usableFromInline static let slotBits: UInt64 = 24
    @usableFromInline static let sequenceBits: UInt64 = 36
    @usableFromInline static let slotMask: UInt64 = (1 << slotBits) - 1
    @usableFromInline static let sequenceLimit: UInt64 = 1 << sequenceBits
    /// The largest number of events that can be pending at once.
    public static let maximumCapacity = Int(1 << slotBits)
    /// Heap entries sit at `logical index + offset`, aligning each group of four children.
    @usableFromInline static let offset = 3
    /// Heaps larger than this (16 B keys: 1 MiB) outgrow the private caches; only then is the
    /// next level prefetched during a sift.
    @usableFromInline static let prefetchThreshold = 1 << 16

    @usableFromInline var keys: UnsafeMutablePointer<UInt128>
    @usableFromInline var bodies: UnsafeMutablePointer<Event>
    @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeCount: Int
    @usableFromInline var capacity: Int
    @usableFromInline var nextSequence: UInt64
    /// Entries in the heap array, including a vacant root.
    @usableFromInline var storedCount: Int
    /// Whether the root entry was popped and not yet refilled.
    @usableFromInline var rootVacant: Bool

    /// Number of pending events.
    @inlinable public var count: Int { rootVacant ? storedCount - 1 : storedCount }

    /// Creates an empty queue with room for `capacity` pending events before it must grow.
    ///
    /// - Precondition: `1 <= capacity <= maximumCapacity`.
    public init(capacity: Int) {
        precondition(capacity >= 1 && capacity <= Self.maximumCapacity, "event queue capacity out of range: \(capacity)")
        self.capacity = capacity
        self.storedCount = 0
        self.rootVacant = false
        self.nextSequence = 0
        self.keys = Self.allocateKeys(capacity: capacity)
        self.bodies = Self.allocateBuffer(of: Event.self, count: capacity)
        self.freeSlots = Self.allocateBuffer(of: UInt32.self, count: capacity)
        for i in 0..<capacity { freeSlots[i] = UInt32(capacity - 1 - i) }
        self.freeCount = capacity
    }

    deinit {
        twin_free(keys)
        twin_free(bodies)
        twin_free(freeSlots)
    }

    /// Entries needed for `capacity` events: the offset, the events, and a full last child group.
    @usableFromInline static func keyEntries(capacity: Int) -> Int { capacity + offset + 4 }

    @usableFromInline static func allocateKeys(capacity: Int) -> UnsafeMutablePointer<UInt128> {
        let entries = keyEntries(capacity: capacity)
        let keys = allocateBuffer(of: UInt128.self, count: entries)
        keys.initialize(repeating: .max, count: entries)
        return keys
    }

    /// A buffer from `twin_allocate_buffer`: cache-line aligned, on huge pages when large.
    @usableFromInline static func allocateBuffer<Element>(of type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        guard let raw = twin_allocate_buffer(count * MemoryLayout<Element>.stride) else {
            fatalError("out of memory for an event queue of \(count) entries")
        }
        return raw.bindMemory(to: Element.self, capacity: count)
    }

    /// Whether no event is pending.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Total events pushed so far.
    @inlinable public var pushedCount: UInt64 { nextSequence }

    /// The time of the earliest pending event, if any.
    @inlinable
    public mutating func nextTime() -> SimTime? {
        if rootVacant { fillVacantRoot() }
        return storedCount == 0 ? nil : SimTime(picoseconds: UInt64(truncatingIfNeeded: keys[Self.offset] >> 64))
    }

    /// Schedules an event.
    ///
    /// - Complexity: O(log₄ n) comparisons; no allocation unless the queue must grow.
    @inlinable
    public mutating func push(_ event: Event) {
        if freeCount == 0 { grow() }
        freeCount -= 1
        let slot = freeSlots[freeCount]
        bodies[Int(slot)] = event
        precondition(nextSequence < Self.sequenceLimit, "event sequence space exhausted; raise the event budget check")
        let low = (UInt64(event.phase.rawValue) << 60) | (nextSequence << Self.slotBits) | UInt64(slot)
        nextSequence += 1
        let key = (UInt128(event.time.picoseconds) << 64) | UInt128(low)
        if rootVacant {
            rootVacant = false
            siftDown(key)
        } else {
            siftUp(key, from: storedCount)
            storedCount += 1
        }
        #if SPARKTWIN_INTERNAL_CHECKS
        // The whole heap every so often (O(n)); each sift checks its own entry (`siftUp`).
        if nextSequence % Self.fullCheckInterval == 0 || storedCount <= 8 { checkInvariants() }
        #endif
    }

    /// Removes and returns the earliest event.
    ///
    /// - Precondition: the queue is not empty.
    @inlinable
    public mutating func pop() -> Event {
        if rootVacant { fillVacantRoot() }
        precondition(storedCount > 0, "pop from an empty event queue")
        let top = keys[Self.offset]
        internalInvariant((1...4).allSatisfy { keys[Self.offset + $0] >= top }, "event queue: popped a key above a child of the root")
        rootVacant = true
        let slot = Int(UInt64(truncatingIfNeeded: top) & Self.slotMask)
        freeSlots[freeCount] = UInt32(slot)
        freeCount += 1
        return bodies[slot]
    }

    /// Moves the last entry into the vacant root and sifts it down: the deferred half of a pop.
    @inlinable
    mutating func fillVacantRoot() {
        let heap = keys + Self.offset
        rootVacant = false
        storedCount -= 1
        let last = heap[storedCount]
        heap[storedCount] = .max
        if storedCount > 0 { siftDown(last) }
    }

    @inlinable
    mutating func siftUp(_ key: UInt128, from start: Int) {
        let heap = keys + Self.offset
        var i = start
        while i > 0 {
            let parent = (i &- 1) >> 2
            let parentKey = heap[parent]
            if key >= parentKey { break }
            heap[i] = parentKey
            i = parent
        }
        heap[i] = key
        // Entries past the heap hold the maximum key, so a leaf's children compare as later.
        internalInvariant(i == 0 || heap[(i &- 1) >> 2] <= key, "event queue: entry \(i) is earlier than its parent")
        internalInvariant((1...4).allSatisfy { 4 &* i &+ $0 >= capacity &+ 4 || heap[4 &* i &+ $0] >= key },
                          "event queue: entry \(i) is later than a child")
    }

    /// Places `key` into the hole at the root.
    ///
    /// Bottom-up (Wegener): the hole first descends to a leaf along the smallest children,
    /// without comparing against `key`, then `key` climbs back up. A key just pushed is usually
    /// later than most pending events, so it climbs little, and the descent has no
    /// data-dependent branch. Entries are addressed by byte offset, which saves the scaling of
    /// each index on the path (measured: ~6 % more events per second at N = 10³). Inlined into
    /// `push`, where the key is computed alongside the descent instead of before a call.
    @inlinable @inline(__always)
    mutating func siftDown(_ key: UInt128) {
        let heap = UnsafeMutableRawPointer(keys + Self.offset)
        let n = storedCount
        // Byte offsets of 16-byte entries: entry i at 16i, its first child at 64i + 16. The
        // arithmetic wraps instead of trapping: every offset is below 16 × (capacity + 8), far
        // from overflow, and the checks would sit on the critical path of each level.
        let end = n &* 16
        var hole = 0
        if n > Self.prefetchThreshold {
            while true {
                let first = hole &* 4 &+ 16
                if first >= end { break }
                let grandchildren = first &* 4 &+ 16
                if grandchildren < end {
                    let line = UnsafeRawPointer(heap + grandchildren)
                    twin_prefetch(line)
                    twin_prefetch(line + 64)
                    twin_prefetch(line + 128)
                    twin_prefetch(line + 192)
                }
                hole = Self.promoteSmallestChild(heap, hole: hole, first: first)
            }
        } else {
            while true {
                let first = hole &* 4 &+ 16
                if first >= end { break }
                hole = Self.promoteSmallestChild(heap, hole: hole, first: first)
            }
        }
        siftUp(key, from: hole >> 4)
    }

    /// Moves the smallest of the four children at byte offset `first` into the hole at byte
    /// offset `hole`, and returns the byte offset of the new hole.
    ///
    /// The choice waits on the loads and comparisons of each level in turn, so it compares the
    /// 64-bit times, not the 128-bit keys (measured: ~20 % more events per second at N = 10³).
    /// The times alone decide unless two that meet in the comparisons are equal, which is the
    /// only way two children can share the earliest time. A time is a key's high word, at byte
    /// 8 of its entry (the keys are little-endian).
    @inlinable @inline(__always)
    static func promoteSmallestChild(_ heap: UnsafeMutableRawPointer, hole: Int, first: Int) -> Int {
        let group = heap + first
        let times = (group.load(fromByteOffset: 8, as: UInt64.self), group.load(fromByteOffset: 24, as: UInt64.self),
                     group.load(fromByteOffset: 40, as: UInt64.self), group.load(fromByteOffset: 56, as: UInt64.self))
        let byTime = smallestOfFour(times, first: first)
        var chosen = byTime.offset
        if times.0 == times.1 || times.2 == times.3 || byTime.pairWinners.0 == byTime.pairWinners.1 {
            chosen = smallestByKey(group, first: first)
        }
        (heap + hole).storeBytes(of: (heap + chosen).load(as: UInt128.self), as: UInt128.self)
        return chosen
    }

    /// The byte offset of the smallest full key among the four children at byte offset `first`:
    /// the side path for equal times, out of line so the common path stays short.
    @inlinable @inline(never)
    static func smallestByKey(_ group: UnsafeMutableRawPointer, first: Int) -> Int {
        let keys = (group.load(as: UInt128.self), group.load(fromByteOffset: 16, as: UInt128.self),
                    group.load(fromByteOffset: 32, as: UInt128.self), group.load(fromByteOffset: 48, as: UInt128.self))
        return smallestOfFour(keys, first: first).offset
    }

    /// The smallest of four entries of 16 bytes from byte offset `first` as a knockout: the
    /// winners of (0, 1) and (2, 3), then the final. Returns the winner's byte offset and the two
    /// pair winners. Written with selects the compiler turns into conditional moves.
    @inlinable @inline(__always)
    static func smallestOfFour<Value: Comparable>(_ v: (Value, Value, Value, Value), first: Int)
        -> (offset: Int, pairWinners: (Value, Value)) {
        let ab = v.1 < v.0 ? v.1 : v.0
        let iab = v.1 < v.0 ? first &+ 16 : first
        let cd = v.3 < v.2 ? v.3 : v.2
        let icd = v.3 < v.2 ? first &+ 48 : first &+ 32
        return (cd < ab ? icd : iab, (ab, cd))
    }

    /// Operations between two whole-heap checks in a build with internal checks.
    @usableFromInline static let fullCheckInterval: UInt64 = 1_024

    /// Stops with the first broken invariant (`invariantViolation`), if any.
    @usableFromInline func checkInvariants() {
        if let violation = invariantViolation() { internalCheckFailed("event queue: \(violation)") }
    }

    /// The first broken invariant of the queue's storage, or nil: every entry no earlier than
    /// its parent, the entries past the heap (as far as the last entries' children) at the
    /// maximum key, and every slot either free or holding one pending event, never both.
    ///
    /// - Complexity: O(capacity); the internal checks run it every `fullCheckInterval` pushes.
    public func invariantViolation() -> String? {
        let heap = keys + Self.offset
        if let i = Self.orderViolation(inHeap: UnsafeBufferPointer(start: heap, count: storedCount), vacantRoot: rootVacant) {
            return "entry \(i) is earlier than its parent"
        }
        let padEnd = min(4 * storedCount + 5, capacity + 4)
        if storedCount < padEnd, let i = (storedCount..<padEnd).first(where: { heap[$0] != .max }) {
            return "entry \(i), past the \(storedCount) stored, is not the maximum key"
        }
        guard freeCount + count == capacity else {
            return "\(freeCount) free slots and \(count) pending events for \(capacity) slots"
        }
        var used = [Bool](repeating: false, count: capacity)
        for i in 0..<freeCount {
            let slot = Int(freeSlots[i])
            guard slot < capacity, !used[slot] else { return "free slot \(slot) is out of range or listed twice" }
            used[slot] = true
        }
        for i in (rootVacant ? 1 : 0)..<storedCount {
            let slot = Int(UInt64(truncatingIfNeeded: heap[i]) & Self.slotMask)
            guard slot < capacity, !used[slot] else { return "entry \(i)'s slot \(slot) is free or held twice" }
            used[slot] = true
        }
        return nil
    }

    /// The first entry of a 4-ary heap that is earlier than its parent, or nil. A vacant root's
    /// key is stale, so its children are not compared with it.
    public static func orderViolation(inHeap heap: UnsafeBufferPointer<UInt128>, vacantRoot: Bool) -> Int? {
        guard heap.count > 1 else { return nil }
        return (1..<heap.count).first { i in !(vacantRoot && i <= 4) && heap[i] < heap[(i - 1) >> 2] }
    }

    /// Doubles the capacity; rare, so run time stays free of allocation in steady state.
    @usableFromInline
    mutating func grow() {
        if rootVacant { fillVacantRoot() }
        let newCapacity = min(capacity * 2, Self.maximumCapacity)
        precondition(newCapacity > capacity, "more than \(Self.maximumCapacity) events pending at once")
        let newKeys = Self.allocateKeys(capacity: newCapacity)
        (newKeys + Self.offset).update(from: keys + Self.offset, count: storedCount)
        twin_free(keys)
        keys = newKeys
        let newBodies = Self.allocateBuffer(of: Event.self, count: newCapacity)
        newBodies.update(from: bodies, count: capacity)
        twin_free(bodies)
        bodies = newBodies
        let newFree = Self.allocateBuffer(of: UInt32.self, count: newCapacity)
        // Every old slot is in use (that is why we grow), so only the new ones are free.
        for i in 0..<(newCapacity - capacity) { newFree[i] = UInt32(newCapacity - 1 - i) }
        twin_free(freeSlots)
        freeSlots = newFree
        freeCount = newCapacity - capacity
        capacity = newCapacity
    }
}

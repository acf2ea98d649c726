/// A buffer a program names (`buffers: {weights: 8 GiB}`): its own address range in the node's
/// memory, the same for every phase that names it. Phases over the same buffer meet each other's
/// lines in the L2; phases over different buffers do not.
public struct NamedBuffer: Sendable, Equatable {
    public var name: String
    public var bytes: UInt64
    /// Where it starts in the node's (unified) address space.
    public var base: UInt64

    public init(name: String, bytes: UInt64, base: UInt64) {
        self.name = name
        self.bytes = bytes
        self.base = base
    }

    public var end: UInt64 { base + bytes }
}

/// Where a phase over named buffers works: its buffer's base and, for a stream copy, its
/// destination's.
public struct BufferPlacement: Sendable, Equatable {
    public var base: UInt64
    /// The named buffer's size.
    public var bytes: UInt64
    public var destination: UInt64?

    public init(base: UInt64, bytes: UInt64, destination: UInt64? = nil) {
        self.base = base
        self.bytes = bytes
        self.destination = destination
    }
}

/// The node's allocator: named buffers one after the other from address 0, each aligned to
/// `alignmentBytes` as the CUDA allocator aligns large allocations to its 2 MiB pages, while the
/// total stays within the memory a program can allocate (`memory.usable`).
public struct BufferAllocator: Sendable {
    public static let alignmentBytes: UInt64 = 2 << 20

    public let capacityBytes: UInt64
    public private(set) var buffers: [NamedBuffer] = []
    /// The first free address: where the next buffer goes, and where the phases without a named
    /// buffer lay out theirs.
    public private(set) var end: UInt64 = 0

    public init(capacityBytes: UInt64) {
        self.capacityBytes = capacityBytes
    }

    /// The bytes allocated once `bytes` more are, alignment included.
    public func endAfter(_ bytes: UInt64) -> UInt64 { Self.aligned(end) + bytes }

    /// Allocates `bytes` as `name`; nil when they do not fit in what is left.
    public mutating func allocate(_ name: String, bytes: UInt64) -> NamedBuffer? {
        let base = Self.aligned(end)
        guard bytes <= capacityBytes, base <= capacityBytes - bytes else { return nil }
        let buffer = NamedBuffer(name: name, bytes: bytes, base: base)
        buffers.append(buffer)
        end = buffer.end
        return buffer
    }

    static func aligned(_ address: UInt64) -> UInt64 { (address + alignmentBytes - 1) / alignmentBytes * alignmentBytes }
}

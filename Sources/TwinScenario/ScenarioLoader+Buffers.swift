import TwinModels
import Yams

extension ScenarioLoader {
    /// What a node's phases are read against: its machine's GEMM defaults and its named buffers.
    struct PhaseContext {
        var gemmDefaults: GEMMPhase
        /// The node's CPU clusters and cores, which `cpu` phases' threads and `cpuCores:` fit in.
        var grace: GraceTopology
        /// The nodes linked to this one, by name: what a `send`'s `to:` may name.
        var peers: [String: Int] = [:]
        var buffers: [String: NamedBuffer] = [:]
        /// What the node's programs may allocate (nil when its machine did not read).
        var memoryUsableBytes: UInt64?
        /// FLOPs per DRAM byte at which a GEMM of each precision stops being memory-bound: the
        /// peak tensor rate at the SM clock over the DRAM's peak bandwidth.
        var ridgeFlopsPerByte: [Precision: Double] = [:]
        /// Whether the phases read now are the workload's own items (not in a `repeat:` or
        /// `together:`).
        var topLevel = true

        var nested: PhaseContext {
            var inner = self
            inner.topLevel = false
            return inner
        }
    }

    /// A phase as read, and where it works if it names a buffer.
    typealias PhaseRead = (phase: WorkloadPhase, placement: BufferPlacement?)

    /// A phase's `buffer:` as read: its size, and the named buffer it is, if any.
    struct BufferRead {
        var bytes: UInt64
        var named: NamedBuffer?

        var placement: BufferPlacement? { named.map { BufferPlacement(base: $0.base, bytes: $0.bytes) } }
    }

    /// `buffers:`, a mapping of names to sizes, allocated in order by the node's allocator
    /// within `memory.usable` (nil capacity: the machine did not read, so only the sizes are checked).
    static func readBuffers(_ node: Node, path: String, capacityBytes: UInt64?, sink: inout DiagnosticSink) -> [String: NamedBuffer]? {
        guard let reader = MappingReader(node, path: path, sink: &sink) else { return nil }
        if reader.entries.isEmpty {
            sink.error(node, path, "expected a mapping of buffer names to sizes, such as {weights: 8 GiB}, found an empty mapping")
            return nil
        }
        var allocator = BufferAllocator(capacityBytes: capacityBytes ?? .max)
        var buffers: [String: NamedBuffer] = [:]
        var failed = false
        for entry in reader.entries {
            let entryPath = join(path, entry.key)
            guard isBufferName(entry.key) else {
                sink.error(entry.keyNode, entryPath, "expected a buffer name of a letter then letters, digits, '_' or '-', found \"\(entry.key)\"")
                failed = true
                continue
            }
            guard let bytes = sink.quantity(entry.value, entryPath, .size, range: 1...1e15, integral: true) else {
                failed = true
                continue
            }
            guard let buffer = allocator.allocate(entry.key, bytes: UInt64(bytes)) else {
                let capacity = DiagnosticSink.format(Double(allocator.capacityBytes), .size)
                let total = DiagnosticSink.format(Double(allocator.endAfter(UInt64(bytes))), .size)
                sink.error(entry.value, entryPath,
                           "expected buffers that fit in machine.memory.usable (\(capacity)); with \(entry.key) they take \(total), \(BufferAllocator.alignmentBytes >> 20) MiB aligned")
                failed = true
                continue
            }
            buffers[entry.key] = buffer
        }
        return failed ? nil : buffers
    }

    /// Whether `name` can name a buffer: it starts with a letter, so it never reads as a size.
    static func isBufferName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return isValidNodeName(name)
    }

    /// A `buffer:` that is a size such as 1 GiB within `range`, or the name of one of the node's buffers.
    static func readBuffer(_ node: Node?, _ path: String, range: ClosedRange<Double>, context: PhaseContext,
                           sink: inout DiagnosticSink) -> BufferRead? {
        guard let node else { return nil }
        // Without buffers: a word is a size in error ("big"), not a name.
        guard case .scalar(let scalar) = node, isBufferName(scalar.string), !context.buffers.isEmpty else {
            return sink.quantity(node, path, .size, range: range, integral: true).map { BufferRead(bytes: UInt64($0)) }
        }
        guard let read = readNamedBuffer(node, path, context: context, sink: &sink) else { return nil }
        guard range.contains(Double(read.bytes)) else {
            sink.error(node, path, "expected a buffer of \(DiagnosticSink.format(range.lowerBound, .size)) to \(DiagnosticSink.format(range.upperBound, .size)), found \(scalar.string) of \(DiagnosticSink.format(Double(read.bytes), .size))")
            return nil
        }
        return read
    }

    /// The name of one of the node's buffers.
    static func readNamedBuffer(_ node: Node, _ path: String, context: PhaseContext, sink: inout DiagnosticSink) -> BufferRead? {
        guard let name = sink.string(node, path) else { return nil }
        if let buffer = context.buffers[name] { return BufferRead(bytes: buffer.bytes, named: buffer) }
        let names = context.buffers.values.sorted { $0.base < $1.base }.map(\.name)
        let known = names.isEmpty ? "none are declared (buffers: {\(name): 1 GiB} beside workload:)" : names.joined(separator: ", ")
        let near = names.map { ($0, editDistance($0.lowercased(), name.lowercased())) }.min { $0.1 < $1.1 }
        let suggestion = near.map { $0.1 <= 2 ? " (did you mean \($0.0)?)" : "" } ?? ""
        sink.error(node, path, "expected the name of one of buffers: (\(known)), found \"\(name)\"\(suggestion)")
        return nil
    }

    /// A stream copy's `destination:`, the named buffer it writes: required when its source is a
    /// named buffer, and only then (a sized source's copy goes right after it). Nil when there is
    /// none, `.some(nil)` when it is in error.
    static func readDestination(_ node: Node?, in phase: Node, source: BufferRead?, path: String, context: PhaseContext,
                                sink: inout DiagnosticSink) -> NamedBuffer?? {
        let destinationPath = join(path, "destination")
        guard let source else { return node == nil ? nil : .some(nil) }
        guard let node else {
            guard let named = source.named else { return nil }
            sink.error(phase, destinationPath, "missing required key; expected the named buffer the copy of \(named.name) writes")
            return .some(nil)
        }
        guard let named = source.named else {
            sink.error(node, destinationPath, "expected no destination beside a buffer size: a copy of a sized buffer writes right after it; name both buffers to place them")
            return .some(nil)
        }
        guard let destination = readNamedBuffer(node, destinationPath, context: context, sink: &sink)?.named else { return .some(nil) }
        if destination.name == named.name {
            sink.error(node, destinationPath, "expected another buffer than the source, found \(named.name) again")
            return .some(nil)
        }
        if destination.bytes < named.bytes {
            sink.error(node, destinationPath, "expected a buffer at least as large as \(named.name) (\(DiagnosticSink.format(Double(named.bytes), .size))), found \(destination.name) of \(DiagnosticSink.format(Double(destination.bytes), .size))")
            return .some(nil)
        }
        return .some(destination)
    }
}

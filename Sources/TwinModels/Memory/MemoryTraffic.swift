import TwinCore

/// A memory traffic generator, as DRAM simulators have one: line requests put straight onto the
/// node's memory path, past the caches, from the GPU side (the SMs' fabric port, so over
/// NVLink-C2C on GB10, as the GPU's misses go) or the CPU side (the Grace fabric, straight to the
/// controller). It reads and writes whole lines of its side in a mix (`reads`), line after line
/// through its buffer or at random lines of it, with at most `inFlight` requests outstanding
/// and, with `rate`, no faster than an offered bandwidth: a closed loop without it, an open one
/// (that backs up when the memory cannot keep up) with it. It stops issuing after `requests`
/// requests or at `duration`, whichever comes first (one pass over the buffer when neither is
/// given), and ends when its last request is done. A read is done when its data is back at the
/// side's port; a write is posted, done when the controller accepts it.
struct MemoryTraffic: KernelKind {
    static let declaration = KernelDeclaration(
        name: "traffic",
        summary: "a memory traffic generator: line reads and writes onto the memory path, past the caches",
        keys: [
            KernelKey("buffer", .size, range: 128...8_796_093_022_208, "bytes of the region it addresses"),
            KernelKey("side", choices: ["gpu", "cpu"], default: "gpu",
                      "where requests start: the GPU's fabric (over NVLink-C2C on GB10) or the Grace fabric"),
            KernelKey("pattern", choices: ["sequential", "random"], default: "sequential",
                      "line after line through the buffer, or uniformly random lines of it"),
            KernelKey("reads", .ratio, default: 1, range: 0...1, "share of requests that are reads; the writes are spread evenly among them"),
            KernelKey("inFlight", .count, default: 0, range: 0...1_048_576,
                      "requests outstanding at most; 0: the side's own (gpu.sms × gpu.readsInFlightPerSM, or cpu.x925.linesInFlight of one core)"),
            KernelKey("rate", .bandwidth, default: 0, range: 0...1e15, "offered bandwidth, a line per line size / rate at most; 0: as fast as inFlight allows"),
            KernelKey("requests", .count, default: 0, range: 0...1e12, "requests it issues; 0: one pass over the buffer, or no limit with a duration"),
            KernelKey("duration", .time, default: 0, range: 0...3_600, "time it issues requests for; 0: no limit"),
        ],
        metrics: [
            KernelMetric("traffic.bytes", "B", .neutral, "bytes of the requests done") { Double($0.bytes) },
            .bandwidth("traffic.bandwidth", "bytes over the time the traffic phases ran"),
            KernelMetric("traffic.requests", "count", .neutral, "requests issued, reads and writes") { Double($0.requests) },
            KernelMetric("traffic.reads", "count", .neutral, "read requests issued") { Double($0.reads) },
            KernelMetric("traffic.read.latency.mean", "ns", .lowerIsBetter, "reads' time from issue to data back") { $0.readLatency?.meanNs ?? 0 },
            KernelMetric("traffic.read.latency.p50", "ns", .lowerIsBetter, "median read latency") { $0.readLatency?.quantileNs(0.5) ?? 0 },
            KernelMetric("traffic.read.latency.p99", "ns", .lowerIsBetter, "99th-percentile read latency") { $0.readLatency?.quantileNs(0.99) ?? 0 },
        ],
        engine: .trafficEngine,
        bufferBytes: { UInt64($0["buffer"]) })

    /// Tokens of the events it schedules.
    private static let issueDue: UInt64 = 0, requestDone: UInt64 = 1

    let base: UInt64
    let bufferBytes: UInt64
    let fromGPU: Bool
    let random: Bool
    /// Share of requests that are writes.
    let writeShare: Double
    let inFlightGiven: Int
    let rateBytesPerSecond: Double
    let requestsGiven: UInt64
    let duration: SimDuration
    // Known once it sees the machine.
    var lineBytes: UInt64 = 0
    var lines: UInt64 = 0
    var inFlightLimit = 0
    var requestLimit: UInt64 = 0
    var startedAt = SimTime.zero
    var deadline: SimTime?
    var addresses = RandomStream(seed: 0, streamID: 0)
    var issued: UInt64 = 0
    var inFlight = 0
    /// Whether an `issueDue` event is on its way.
    var issueScheduled = false
    private(set) var totals = KernelTotals()
    var usesGPU: Bool { fromGPU }

    init(_ values: KernelValues, base: UInt64) {
        self.base = base
        bufferBytes = UInt64(values["buffer"])
        fromGPU = values.choice("side") == "gpu"
        random = values.choice("pattern") == "random"
        writeShare = 1 - values["reads"]
        inFlightGiven = Int(values["inFlight"])
        rateBytesPerSecond = values["rate"]
        requestsGiven = UInt64(values["requests"])
        duration = SimDuration(seconds: values["duration"])
        totals.readLatency = LatencyHistogram()
    }

    mutating func start(on machine: inout Machine) {
        let config = machine.config
        lineBytes = fromGPU ? config.gpu.lineBytes : config.cpu.lineBytes
        lines = max(1, bufferBytes / lineBytes)
        inFlightLimit = inFlightGiven > 0 ? inFlightGiven : fromGPU ? config.gpu.readsInFlightLimit : config.cpu.linesInFlight[.x925]!
        requestLimit = requestsGiven > 0 ? requestsGiven : duration.picoseconds > 0 ? .max : lines
        startedAt = machine.now
        deadline = duration.picoseconds > 0 ? machine.now + duration : nil
        addresses = RandomStream(seed: machine.settings.seed, node: machine.node, purpose: .trafficAddresses)
        issueWhatIsDue(on: &machine)
    }

    mutating func handle(_ token: UInt64, on machine: inout Machine) -> Bool {
        if token == Self.requestDone {
            inFlight -= 1
            totals.bytes += lineBytes
        } else {
            issueScheduled = false
        }
        issueWhatIsDue(on: &machine)
        return inFlight == 0 && !issueScheduled && doneIssuing(at: machine.now)
    }

    func doneIssuing(at now: SimTime) -> Bool {
        issued >= requestLimit || deadline.map { now >= $0 } ?? false
    }

    /// When request `index` may go at the offered rate: `index` lines of time after the start.
    func dueTime(_ index: UInt64) -> SimTime {
        startedAt + SimDuration(picoseconds: UInt64((Double(index) * Double(lineBytes) / rateBytesPerSecond * 1e12).rounded(.down)))
    }

    /// Issues every request that may go now, and schedules the next one the rate holds back
    /// (or the deadline, if that comes first, so the phase ends on time).
    mutating func issueWhatIsDue(on machine: inout Machine) {
        while inFlight < inFlightLimit && !doneIssuing(at: machine.now) {
            if rateBytesPerSecond > 0 {
                let due = dueTime(issued)
                if due > machine.now {
                    if !issueScheduled {
                        machine.kernelEvent(at: deadline.map { min(due, $0) } ?? due, token: Self.issueDue)
                        issueScheduled = true
                    }
                    return
                }
            }
            issueOne(on: &machine)
        }
    }

    mutating func issueOne(on machine: inout Machine) {
        let index = issued
        let line = random ? addresses.next(below: lines) : index % lines
        let address = base + line * lineBytes
        // Request i is a write when the count of writes due by i + 1 passes that due by i.
        let isWrite = (Double(index + 1) * writeShare).rounded(.down) > (Double(index) * writeShare).rounded(.down)
        let now = machine.now
        let done: SimTime
        if isWrite {
            done = fromGPU ? machine.path.gpuWriteLine(address, at: now)
                : machine.path.cpuWriteLine(address, bytes: lineBytes, arrivingAt: now + machine.config.cpu.fabricLatency)
        } else {
            done = fromGPU ? machine.path.gpuFetchLine(address, at: now)
                : machine.path.cpuReadLine(address, bytes: lineBytes, arrivingAt: now + machine.config.cpu.fabricLatency)
            totals.reads += 1
            totals.readLatency!.record(done - now)
        }
        issued += 1
        inFlight += 1
        totals.requests += 1
        machine.kernelEvent(at: done, token: Self.requestDone)
    }
}

import TwinCore

extension Machine {
    /// Starts a GPU pointer chase: an untimed warm-up walk first, then the timed loads.
    ///
    /// Its one thread is not counted against the SMs' occupancy: beside another stream's kernel
    /// it starts at once, as a one-warp kernel nearly always finds room.
    mutating func startGPUChase(_ phase: GPUChasePhase, base: UInt64) {
        var chase = GPUPointerChase(phase, config: config.gpuChase, lineBytes: config.gpu.lineBytes,
                                    random: RandomStream(seed: settings.seed, node: node, purpose: .gpuChaseWalk))
        chase.walk.base = base
        // Initialisation writes the buffer front to back through the L2 (the SM's L1 does not
        // keep stores): what it leaves there is the buffer's tail.
        let l2Lines = config.compute.l2.capacityBytes / config.gpu.lineBytes
        for line in (chase.walk.lines - min(chase.walk.lines, 2 * l2Lines))..<chase.walk.lines {
            if !l2.access(base + line * config.gpu.lineBytes) { writeBackVictim() }
        }
        // It also leaves the shared L2 TLB holding the buffer's pages (the SM's own L1 TLB saw
        // only its share of them).
        let page = config.gpuChase.l2TLB.lineBytes
        for address in stride(from: base, to: base + chase.walk.lines * config.gpu.lineBytes, by: Int(page)) {
            chase.l2TLB.access(UInt64(address))
        }
        // Then a warm-up walk as long as the timed one, capped: past a few passes over the
        // largest cache it changes nothing.
        for _ in 0..<min(phase.steps, 4 * l2Lines) {
            let address = chase.walk.nextAddress()
            if chase.l1.access(address) { continue }
            _ = chase.translate(address)
            if !l2.access(address) { writeBackVictim() }
        }
        gpuChase = chase
        issueGPUChaseLoad()
    }

    /// Times the chase's next load: the L1, or translation and the L2, or DRAM behind it.
    mutating func issueGPUChaseLoad() {
        let address = gpuChase!.walk.nextAddress()
        // The SM's own structures answer on its clock edges.
        var ready = gpu.clock.edge(after: config.gpuChase.l1HitCycles, from: now)
        var level = GPUPointerChase.Level.l1
        if !gpuChase!.l1.access(address) {
            let (l1Miss, l2Miss) = gpuChase!.translate(address)
            if l1Miss {
                ready = gpu.clock.edge(after: config.gpuChase.l2TLBCycles, from: ready)
                gpuChaseStats.l1TLBMisses += 1
            }
            if l2Miss {
                ready = ready + config.gpuChase.walkLatency
                gpuChaseStats.l2TLBMisses += 1
            }
            if l2.access(address) {
                level = .l2
                ready = l2Transfer(bytes: config.gpu.lineBytes, at: ready)
            } else {
                writeBackVictim()
                level = .dram
                ready = path.gpuFetchLine(address, at: ready)
            }
        }
        let latency = ready - now
        gpuChase!.walk.stepsLeft -= 1
        gpuChaseStats.loads += 1
        gpuChaseStats.latencyPs += latency.picoseconds
        gpuChaseStats.smCycles += latency.seconds * Double(gpu.clock.frequencyHz)
        gpuChaseStats.loadsByLevel[level.rawValue] += 1
        queue.push(Event(time: ready, kind: EventKind.gpuLoad.rawValue))
    }
}

import Foundation
import TwinCore
import TwinModels
import TwinWorkloads
import Yams

extension ScenarioLoader {
    /// Whether a scenario name is safe in file names, URLs and shell commands.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    static func read(_ root: Node, file: String, text: String, overrides: [String], sink: inout DiagnosticSink) -> Scenario? {
        guard var top = MappingReader(root, path: "", sink: &sink) else { return nil }
        let nameNode = top.required("name", "a scenario name", sink: &sink)
        var name = sink.string(nameNode, "name")
        if let given = name, !isValidName(given) {
            sink.error(nameNode, "name", "expected letters, digits, '.', '_' or '-', found \"\(given)\"")
            name = nil
        }
        let summary = sink.string(top.optional("description"), "description") ?? ""
        var nodes: [NodeRead]?
        var links: [NodeLink] = []
        if let nodesNode = top.optional("nodes") {
            for key in ["machine", "buffers", "workload"] {
                guard let stray = top.optional(key) else { continue }
                sink.error(stray, key, "expected no top-level \(key) beside nodes: each node gives its own machine and workload")
            }
            let names = nodeNames(nodesNode)
            links = top.optional("links").map { readLinks($0, names: names, sink: &sink) } ?? []
            nodes = readNodes(nodesNode, links: links, sink: &sink)
        } else {
            if let stray = top.optional("links") {
                sink.error(stray, "links", "expected links only between the nodes of a scenario of nodes:")
            }
            let machineNode = top.required("machine", "a mapping with a preset (or nodes: a list of machines, each with its workload)", sink: &sink)
            let machine = machineNode.flatMap { readMachine($0, path: "machine", sink: &sink) }
            let workloadNode = top.required("workload", "a list of phases", sink: &sink)
            nodes = [readNode(name: nil, machine: machine, buffers: top.optional("buffers"), workload: workloadNode, path: "", sink: &sink)]
        }
        let run = top.required("run", "a mapping with a duration (seed and samplePeriod optional)", sink: &sink).flatMap { readRun($0, sink: &sink) }
        let expectNode = top.optional("expect")
        top.rejectUnknownKeys(sink: &sink)
        var expectations: [Expectation]? = []
        if let expectNode {
            // Metric names can only be checked against consistent machines.
            let catalogs = nodes?.map { node in
                node.machine.map { machine in
                    let llm = node.read?.llm.isEmpty == false ? LLMMetrics.declarations.map { (name: $0.name, unit: $0.unit) } : []
                    return (Machine.metricCatalog(config: machine.config, program: node.read?.program ?? Program(phases: []),
                                                  fidelity: run?.fidelity ?? .detailed) + llm)
                        .map { entry in (name: node.name.map { "\($0).\(entry.name)" } ?? entry.name, unit: entry.unit) }
                }
            }
            let catalog = catalogs.flatMap { all in all.contains { $0 == nil } ? nil : all.flatMap { $0! } }
            expectations = readExpectations(expectNode, catalog: catalog, sink: &sink)
        }
        for node in nodes ?? [] {
            if let machine = node.machine, let read = node.read { checkFits(read, on: machine.config, sink: &sink) }
            if let read = node.read, run?.fidelity == .fast { checkFastSteps(read, sink: &sink) }
        }
        guard let name, let nodes, let run, let expectations, sink.diagnostics.isEmpty else { return nil }
        var scenarioNodes: [ScenarioNode] = []
        var warnings = sink.warnings
        for node in nodes {
            guard let machine = node.machine, let read = node.read else { return nil }
            scenarioNodes.append(ScenarioNode(name: node.name, preset: machine.preset, parameters: machine.values,
                                              machine: machine.config, program: read.program, llm: read.llm))
            warnings += presetWarnings(preset: machine.preset, setInFile: machine.setInFile, machinePath: join(node.path, "machine"),
                                       file: file, overrides: overrides)
        }
        var scenario = Scenario(name: name, summary: summary, file: file, text: text, overrides: overrides,
                                nodes: scenarioNodes, run: run, expectations: expectations)
        scenario.warnings = warnings
        scenario.links = links
        return scenario
    }

    /// The names of `nodes:`' nodes as they will be read (`node1`, … where none is given), for
    /// the links between them; nil where a name is not a string.
    static func nodeNames(_ node: Node) -> [String?] {
        guard case .sequence(let items) = node else { return [] }
        return items.enumerated().map { index, item in
            guard case .mapping(let mapping) = item else { return nil }
            guard let nameNode = mapping["name"] else { return "node\(index + 1)" }
            if case .scalar(let scalar) = nameNode { return scalar.string }
            return nil
        }
    }

    /// `links:`, a list of `{between: [a, b]}` naming two different nodes, each pair once.
    /// Returns the links that are well formed (errors report the others).
    static func readLinks(_ node: Node, names: [String?], sink: inout DiagnosticSink) -> [NodeLink] {
        guard case .sequence(let items) = node else {
            sink.error(node, "links", "expected a list of links, each {between: [node, node]}, found \(found(node))")
            return []
        }
        let known = names.compactMap { $0 }
        var links: [NodeLink] = []
        for (index, item) in items.enumerated() {
            let path = "links.\(index)"
            guard var reader = MappingReader(item, path: path, sink: &sink) else {
                continue
            }
            let between = reader.required("between", "the names of the two nodes it connects", sink: &sink)
            reader.rejectUnknownKeys(sink: &sink)
            guard let between else {
                continue
            }
            guard case .sequence(let ends) = between, ends.count == 2 else {
                sink.error(between, join(path, "between"), "expected the names of two nodes, such as [spark1, spark2], found \(found(between))")
                continue
            }
            var indices: [Int] = []
            for (end, endNode) in ends.enumerated() {
                guard let name = sink.string(endNode, join(path, "between.\(end)")) else { continue }
                if let i = names.firstIndex(of: name) {
                    indices.append(i)
                } else {
                    sink.error(endNode, join(path, "between.\(end)"), "expected the name of a node (\(known.joined(separator: ", "))), found \"\(name)\"")
                }
            }
            guard indices.count == 2 else {
                continue
            }
            let link = NodeLink(first: min(indices[0], indices[1]), second: max(indices[0], indices[1]))
            if link.first == link.second {
                sink.error(between, join(path, "between"), "expected two different nodes, found \"\(names[link.first] ?? "")\" twice")
            } else if links.contains(link) {
                sink.error(between, join(path, "between"), "expected each pair of nodes linked once, found \(names[link.first] ?? "") and \(names[link.second] ?? "") again")
            } else {
                links.append(link)
            }
        }
        // A bad entry is reported; the good ones still tell the nodes who their peers are.
        return links
    }

    /// A machine as read: its preset, every parameter's value, and the values the file set.
    typealias MachineRead = (preset: String, values: ParameterValues, config: MachineConfig,
                             setInFile: [(path: String, value: Double, node: Node)])

    /// One node as read; `path` is where its `machine:` and `workload:` sit (`nodes.1`, or the top).
    struct NodeRead {
        var name: String?
        var machine: MachineRead?
        var read: ProgramRead?
        var path: String
    }

    /// The most nodes a scenario may declare.
    static let maximumNodes = 64

    /// `nodes:`, a list of `{name, machine, workload}`; names default to node1, node2, ….
    static func readNodes(_ node: Node, links: [NodeLink], sink: inout DiagnosticSink) -> [NodeRead]? {
        guard case .sequence(let sequence) = node, !sequence.isEmpty, sequence.count <= maximumNodes else {
            sink.error(node, "nodes", "expected a list of 1 to \(maximumNodes) nodes, each a mapping with a machine and a workload, found \(found(node))")
            return nil
        }
        var out: [NodeRead] = []
        var seen: Set<String> = []
        let names = nodeNames(node)
        for (index, item) in sequence.enumerated() {
            let path = "nodes.\(index)"
            guard var reader = MappingReader(item, path: path, sink: &sink) else { continue }
            let nameNode = reader.optional("name")
            var name: String? = nameNode.map { sink.string($0, join(path, "name")) } ?? "node\(index + 1)"
            if let given = name, !isValidNodeName(given) {
                sink.error(nameNode, join(path, "name"), "expected letters, digits, '_' or '-' (its metrics are named \"<name>.gpu.read.bandwidth\"), found \"\(given)\"")
                name = nil
            } else if let given = name, Machine.metricNamespaces.contains(given) {
                sink.error(nameNode, join(path, "name"), "expected a name that is not a metric namespace (\(Machine.metricNamespaces.sorted().joined(separator: ", "))), found \"\(given)\"")
                name = nil
            } else if let given = name, !seen.insert(given).inserted {
                sink.error(nameNode ?? item, join(path, "name"), "expected a name no other node has, found \"\(given)\" again")
                name = nil
            }
            let machine = reader.required("machine", "a mapping with a preset", sink: &sink)
                .flatMap { readMachine($0, path: join(path, "machine"), sink: &sink) }
            let buffers = reader.optional("buffers")
            let workload = reader.required("workload", "a list of phases", sink: &sink)
            reader.rejectUnknownKeys(sink: &sink)
            var peers: [String: Int] = [:]
            for link in links where link.first == index || link.second == index {
                let peer = link.first == index ? link.second : link.first
                if let peerName = names[peer] { peers[peerName] = peer }
            }
            out.append(readNode(name: name ?? "node\(index + 1)", machine: machine, buffers: buffers, workload: workload, path: path,
                                peers: peers, sink: &sink))
        }
        return out.count == sequence.count ? out : nil
    }

    /// Whether a node name is safe as a metric prefix: no dots.
    static func isValidNodeName(_ name: String) -> Bool { isValidName(name) && !name.contains(".") }

    /// A node's buffers, placed by its allocator, and its workload read against them and its
    /// machine's GEMM defaults.
    static func readNode(name: String?, machine: MachineRead?, buffers: Node?, workload: Node?, path: String,
                         peers: [String: Int] = [:], sink: inout DiagnosticSink) -> NodeRead {
        let gemmDefaults = machine.map { GEMMPhase.defaults(on: $0.values) } ?? GEMMPhase(m: 1, n: 1, k: 1, precision: .bf16)
        var context = PhaseContext(gemmDefaults: gemmDefaults,
                                   grace: machine?.config.cpu.topology ?? GraceTopology(MachineParameters.values(preset: "dgx-spark")!),
                                   peers: peers)
        context.memoryUsableBytes = machine?.config.memoryUsableBytes
        if let config = machine?.config {
            for precision in Precision.allCases {
                let peakFlops = Double(config.compute.sms) * config.compute.peakFlopsPerCycle(precision, sparse: false) * Double(config.gpu.smClockHz)
                context.ridgeFlopsPerByte[precision] = peakFlops / config.memory.peakBandwidthBytesPerSecond
            }
        }
        if let buffers {
            guard let placed = readBuffers(buffers, path: join(path, "buffers"), capacityBytes: machine?.config.memoryUsableBytes,
                                           sink: &sink) else {
                return NodeRead(name: name, machine: machine, read: nil, path: path)
            }
            context.buffers = placed
        }
        let read = workload.flatMap { readProgram($0, path: join(path, "workload"), context: context, sink: &sink) }
        return NodeRead(name: name, machine: machine, read: read, path: path)
    }

    /// Values that look carried over from another preset: a value the file sets that is another
    /// preset's default and not this one's (a GB10 file's `pl1: 140 W` on `h100-sxm`), and,
    /// when `--set machine.preset=` changed the preset, every value the file set for the old one.
    static func presetWarnings(preset: String, setInFile: [(path: String, value: Double, node: Node)], machinePath: String,
                               file: String, overrides: [String]) -> [Diagnostic] {
        guard let own = MachineParameters.values(preset: preset) else { return [] }
        let presetChanged = overrides.contains { $0.hasPrefix("\(machinePath).preset=") }
        var out: [Diagnostic] = []
        for entry in setInFile where entry.value != own[entry.path] {
            guard let spec = MachineParameters.spec(entry.path) else { continue }
            func shown(_ value: Double) -> String {
                let inUnit = Units.value(value, in: spec.displayUnit, of: spec.dimension) ?? value
                return spec.displayUnit.isEmpty ? DiagnosticSink.trim(inUnit) : "\(DiagnosticSink.trim(inUnit)) \(spec.displayUnit)"
            }
            let other = MachineParameters.presetNames.first { name in
                name != preset && MachineParameters.values(preset: name).map { $0[entry.path] == entry.value } == true
            }
            let message: String
            if presetChanged {
                message = "\(shown(entry.value)) was set in the file and is kept on \(preset), whose own value is \(shown(own[entry.path])); drop it or set it for \(preset)"
            } else if let other {
                message = "\(shown(entry.value)) is \(other)'s value, not \(preset)'s (\(shown(own[entry.path]))); carried from a \(other) scenario?"
            } else {
                continue
            }
            out.append(Diagnostic(file: file, line: entry.node.mark?.line, column: entry.node.mark?.column,
                                  keyPath: "\(machinePath).\(entry.path)", message: message, isWarning: true))
        }
        return out
    }

    // MARK: machine

    static func readMachine(_ node: Node, path: String, sink: inout DiagnosticSink) -> MachineRead? {
        guard var reader = MappingReader(node, path: path, sink: &sink) else { return nil }
        let presetNode = reader.required("preset", "one of: \(MachineParameters.presetNames.joined(separator: ", "))", sink: &sink)
        let preset = sink.string(presetNode, join(path, "preset"))
        var values = preset.flatMap { MachineParameters.values(preset: $0) }
        if let preset, values == nil {
            sink.error(presetNode, join(path, "preset"), "expected one of: \(MachineParameters.presetNames.joined(separator: ", ")), found \"\(preset)\"")
        }
        let errorsBefore = sink.diagnostics.count
        var leafMarks: [String: Node] = [:]
        for entry in reader.entries where entry.key != "preset" {
            _ = reader.optional(entry.key)
            readOverrides(entry.value, keyNode: entry.keyNode, machinePath: path, parameterPath: entry.key, into: &values,
                          marks: &leafMarks, sink: &sink)
        }
        reader.rejectUnknownKeys(sink: &sink)
        guard let preset, let resolved = values, sink.diagnostics.count == errorsBefore else { return nil }
        let problems = MachineConfig.crossCheck(resolved)
        for problem in problems {
            sink.error(leafMarks[problem.path] ?? node, "\(path).\(problem.path)", problem.message)
        }
        guard problems.isEmpty else { return nil }
        // Values given in the file (nodes with a mark), not by --set.
        let setInFile = leafMarks.sorted { $0.key < $1.key }.compactMap { path, node in
            node.mark == nil ? nil : (path: path, value: resolved[path], node: node)
        }
        return (preset, resolved, MachineConfig(resolved), setInFile)
    }

    /// Reads nested override mappings down to declared parameters.
    static func readOverrides(_ node: Node, keyNode: Node, machinePath: String, parameterPath: String, into values: inout ParameterValues?,
                              marks: inout [String: Node], sink: inout DiagnosticSink) {
        let keyPath = "\(machinePath).\(parameterPath)"
        if let spec = MachineParameters.spec(parameterPath) {
            marks[parameterPath] = node
            if let value = sink.quantity(node, keyPath, spec.dimension, range: spec.minimum...spec.maximum, integral: spec.integral) {
                values?.set(spec.path, value)
            }
            return
        }
        let isGroup = MachineParameters.all.contains { $0.path.hasPrefix(parameterPath + ".") }
        guard isGroup, case .mapping(let mapping) = node else {
            sink.error(keyNode, keyPath, "unknown parameter\(suggestion(for: parameterPath, in: machinePath)); `sparktwin describe` lists them all")
            return
        }
        for (key, value) in mapping {
            guard let name = key.string else {
                sink.error(key, keyPath, "expected a plain key, found \(found(key))")
                continue
            }
            readOverrides(value, keyNode: key, machinePath: machinePath, parameterPath: "\(parameterPath).\(name)", into: &values,
                          marks: &marks, sink: &sink)
        }
    }

    /// "; did you mean x?" when a declared parameter is one or two edits away.
    static func suggestion(for path: String, in machinePath: String) -> String {
        let best = MachineParameters.all.map { ($0.path, editDistance($0.path.lowercased(), path.lowercased())) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2 else { return "" }
        return " (did you mean \(machinePath).\(best.0)?)"
    }

    // MARK: workload

    enum PhaseKind: String, CaseIterable {
        case streamRead = "stream-read"
        case streamCopy = "stream-copy"
        case gemm
        case cpuChase = "cpu-chase"
        case cpu
        case copy
        case idle
    }

    /// Keys of every hand-written phase kind, so that a phase of unknown kind does not also
    /// report them as unknown.
    static let phaseKeys = HandWrittenKinds.all.flatMap { $0.keys.map(\.name) }

    /// Key `key` of a phase, by its declaration: its unit and range (whole for counts and
    /// sizes); when absent, its default (or `machineDefault`), or for a required key the error
    /// that it is missing, expecting its meaning. nil when it is missing or wrong.
    static func readDeclared(_ reader: inout MappingReader, _ key: KernelKey, path: String, machineDefault: Double? = nil,
                             sink: inout DiagnosticSink) -> Double? {
        let fallback = key.defaultValue ?? machineDefault
        guard let node = fallback == nil ? reader.required(key.name, key.meaning, sink: &sink) : reader.optional(key.name) else { return fallback }
        return sink.quantity(node, join(path, key.name), key.unit, range: key.range, integral: key.unit == .count || key.unit == .size)
    }

    /// A program as read, with the node and key path of each of its phases (a repeated phase
    /// keeps its one place in the file).
    struct ProgramRead {
        var program: Program
        var nodes: [Node]
        var paths: [String]
        var llm: [LLMRun] = []
    }

    /// What `readSteps` builds: phases, their places, and the steps as ranges over them.
    struct StepsRead {
        var phases: [WorkloadPhase] = []
        var cores: [UInt64] = []
        var nodes: [Node] = []
        var paths: [String] = []
        var steps: [Range<Int>] = []
        /// Loops over `steps` (an LLM's repeated decode steps).
        var loops: [ProgramLoop] = []
        var placements: [BufferPlacement?] = []
        /// Buffers of LLM phases, and their plans with the index of their first phase.
        var buffers: [NamedBuffer] = []
        var llm: [(firstPhase: Int, plan: LLMPlan)] = []

        mutating func append(_ other: StepsRead) {
            let offset = phases.count
            buffers += other.buffers
            llm += other.llm.map { ($0.firstPhase + offset, $0.plan) }
            phases += other.phases
            placements += other.placements
            cores += other.cores
            nodes += other.nodes
            paths += other.paths
            let stepOffset = steps.count
            loops += other.loops.map { ProgramLoop(steps: ($0.steps.lowerBound + stepOffset)..<($0.steps.upperBound + stepOffset), iterations: $0.iterations) }
            steps += other.steps.map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
        }
    }

    /// The workload: a list whose items are phases (`kind:`), `together:` lists of phases that
    /// start at once (the next item starts when all have ended), and `repeat: N` with `phases:`,
    /// a block of items run N times.
    static func readProgram(_ node: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> ProgramRead? {
        guard let read = readSteps(node, path: path, context: context, sink: &sink) else { return nil }
        let placed = read.placements.contains { $0 != nil }
        let program = Program(phases: read.phases, cpuCores: read.cores, steps: read.steps,
                              buffers: (Array(context.buffers.values) + read.buffers).sorted { $0.base < $1.base },
                              placements: placed ? read.placements : [], loops: read.loops)
        return ProgramRead(program: program, nodes: read.nodes, paths: read.paths,
                           llm: read.llm.map { LLMRun(plan: $0.plan, firstStep: program.step(of: $0.firstPhase)) })
    }

    static func readSteps(_ node: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> StepsRead? {
        guard case .sequence(let sequence) = node else {
            sink.error(node, path, "expected a list of phases, found \(found(node))")
            return nil
        }
        if sequence.isEmpty {
            sink.error(node, path, "expected at least one phase, found an empty list")
            return nil
        }
        var read = StepsRead()
        var failed = false
        var llmPhases = 0
        for (index, item) in sequence.enumerated() {
            let itemPath = join(path, "\(index)")
            guard case .mapping(let mapping) = item else {
                sink.error(item, itemPath, "expected a phase (a mapping with kind:), together: or repeat:, found \(found(item))")
                failed = true
                continue
            }
            if let members = mapping["together"] {
                guard let group = readTogether(members, mapping: item, path: itemPath, context: context, sink: &sink) else {
                    failed = true
                    continue
                }
                read.append(group)
            } else if mapping["repeat"] != nil {
                guard let block = readRepeat(item, path: itemPath, context: context, sink: &sink) else {
                    failed = true
                    continue
                }
                read.append(block)
            } else if case .scalar(let kind)? = mapping["kind"], let mode = llmKinds[kind.string] {
                guard context.topLevel else {
                    sink.error(item, itemPath, "expected an \(kind.string) phase at the top level of the workload: it is a sequence of kernels of its own, not a phase to repeat or run together")
                    failed = true
                    continue
                }
                guard let (steps, plan) = readLLM(item, mode: mode, path: itemPath, context: context, sink: &sink) else {
                    failed = true
                    continue
                }
                var llmRead = steps
                llmRead.llm = [(0, plan)]
                read.append(llmRead)
                llmPhases += plan.phases.count
            } else if let phase = readPhaseWithCores(item, path: itemPath, context: context, sink: &sink) {
                read.append(phase)
            } else {
                failed = true
            }
            if read.phases.count - llmPhases > Program.maximumPhases {
                sink.error(item, itemPath, "expected at most \(grouped(Program.maximumPhases)) phases once repeats are expanded, found \(grouped(read.phases.count)) by here")
                return nil
            }
        }
        return failed ? nil : read
    }

    /// One phase as a step of its own, with its background job (`cpuCores:`).
    static func readPhaseWithCores(_ item: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> StepsRead? {
        var cores: UInt64 = 0
        if case .mapping(let mapping) = item, let coresNode = mapping["cpuCores"] {
            let limit = Double(context.grace.coresPerCluster * context.grace.clusters)
            cores = sink.quantity(coresNode, join(path, "cpuCores"), .count, range: 0...limit, integral: true).map { UInt64($0) } ?? 0
        }
        guard let phase = readPhase(item, path: path, context: context, sink: &sink) else { return nil }
        return StepsRead(phases: [phase.phase], cores: [cores], nodes: [item], paths: [path], steps: [0..<1], placements: [phase.placement])
    }

    /// `together:` phases: one step; each engine (a GPU stream per kind of kernel, the copy
    /// engine, the chase thread, the cpu threads) runs one phase at a time, so they must occupy
    /// different ones.
    static func readTogether(_ members: Node, mapping: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> StepsRead? {
        guard var reader = MappingReader(mapping, path: path, sink: &sink) else { return nil }
        _ = reader.optional("together")
        reader.rejectUnknownKeys(sink: &sink)
        let listPath = join(path, "together")
        guard case .sequence(let items) = members, items.count >= 2 else {
            let what = if case .sequence(let items) = members { items.count == 1 ? "a list of one" : "an empty list" } else { found(members) }
            sink.error(members, listPath, "expected a list of at least two phases to run together, found \(what)")
            return nil
        }
        var group = StepsRead()
        var engines: [Engine: String] = [:]
        var failed = false
        for (index, item) in items.enumerated() {
            let itemPath = join(listPath, "\(index)")
            guard let phase = readPhaseWithCores(item, path: itemPath, context: context, sink: &sink) else {
                failed = true
                continue
            }
            let engine = Engine(phase.phases[0])
            if engine != .none, let first = engines[engine] {
                sink.error(item, itemPath, "expected a phase on another engine than \(first)'s: each engine (here \(engine.rawValue)) runs one phase at a time")
                failed = true
            }
            engines[engine] = engines[engine] ?? itemPath
            group.append(phase)
        }
        if failed { return nil }
        group.steps = [0..<group.phases.count]
        return group
    }

    /// `repeat: N` with `phases:`: the block's steps N times over.
    static func readRepeat(_ item: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> StepsRead? {
        guard var reader = MappingReader(item, path: path, sink: &sink) else { return nil }
        let times = sink.quantity(reader.required("repeat", "a count such as 10", sink: &sink), join(path, "repeat"), .count,
                                  range: 1...Double(Program.maximumPhases), integral: true)
        let blockNode = reader.required("phases", "the list of phases to repeat", sink: &sink)
        reader.rejectUnknownKeys(sink: &sink)
        guard let blockNode, let block = readSteps(blockNode, path: join(path, "phases"), context: context.nested, sink: &sink),
              let times else { return nil }
        let total = block.phases.count * Int(times)
        guard total <= Program.maximumPhases else {
            sink.error(item, join(path, "repeat"), "expected at most \(grouped(Program.maximumPhases)) phases once repeats are expanded, found \(grouped(total)) (\(grouped(block.phases.count)) × \(grouped(Int(times))))")
            return nil
        }
        var read = StepsRead()
        for _ in 0..<Int(times) { read.append(block) }
        return read
    }

    /// Fast mode runs a `together:` step only as a `cpu` phase first and one phase of another kind.
    static func checkFastSteps(_ read: ProgramRead, sink: inout DiagnosticSink) {
        var reported: Set<String> = []
        for (index, phase) in read.program.phases.enumerated() {
            guard case .kernel(let values) = phase, !values.declaration.runsInFastMode, reported.insert(read.paths[index]).inserted else { continue }
            sink.error(read.nodes[index], join(read.paths[index], "kind"),
                       "expected a phase kind fast mode models; \(values.kind) runs in detailed mode only (run.mode: detailed)")
        }
        for step in read.program.steps where step.count > 1 && !FastMachine.runsAsTrack(read.program, step) {
            let path = String(read.paths[step.lowerBound].dropLast(2))
            guard reported.insert(path).inserted else { continue }
            sink.error(read.nodes[step.lowerBound], path,
                       "expected, in fast mode, a cpu phase first and one phase of another kind; run.mode: detailed runs any phases on different engines together")
        }
    }

    /// Reports kernels that cannot run on the machine (a CTA larger than an SM, say).
    static func checkFits(_ read: ProgramRead, on machine: MachineConfig, sink: inout DiagnosticSink) {
        var checked: Set<String> = []
        for (index, phase) in read.program.phases.enumerated() where checked.insert(read.paths[index]).inserted {
            let node = read.nodes[index], path = read.paths[index]
            let bufferNode = node["buffer"] ?? node
            switch phase {
            case .gemm(let gemm):
                let kernel = GEMMKernel(gemm, on: machine.compute)
                if let reason = kernel.unrunnableReason {
                    sink.error(node, path, "expected a kernel that fits the machine; \(reason)")
                }
                if let placement = read.program.placement(index), placement.bytes < kernel.operandBytes {
                    sink.error(bufferNode, join(path, "buffer"),
                               "expected a buffer that holds A and B (\(DiagnosticSink.format(Double(kernel.operandBytes), .size))), found one of \(DiagnosticSink.format(Double(placement.bytes), .size))")
                }
            case .kernel(let values) where values.declaration.bufferBytes(values) < machine.gpu.lineBytes:
                sink.error(bufferNode, join(path, "buffer"),
                           "expected at least one GPU line (\(machine.gpu.lineBytes) B), found \(values.declaration.bufferBytes(values)) B")
            case .streamRead(let stream) where stream.bufferBytes < machine.gpu.lineBytes:
                sink.error(bufferNode, join(path, "buffer"),
                           "expected at least one GPU line (\(machine.gpu.lineBytes) B), found \(stream.bufferBytes) B")
            default:
                continue
            }
        }
    }

    static func readPhase(_ node: Node, path: String, context: PhaseContext, sink: inout DiagnosticSink) -> PhaseRead? {
        guard var reader = MappingReader(node, path: path, sink: &sink) else { return nil }
        let kindNode = reader.required("kind", "a phase kind", sink: &sink)
        _ = reader.optional("cpuCores")  // read by readWorkload
        defer { reader.rejectUnknownKeys(sink: &sink) }
        let name = sink.string(kindNode, join(path, "kind"))
        if let declaration = KernelDeclaration.all.first(where: { $0.name == name }) {
            return readKernel(&reader, declaration, path: path, context: context, sink: &sink)
        }
        var kind: PhaseKind?
        if let kindNode, let name {
            kind = PhaseKind(rawValue: name)
            if kind == nil {
                let allowed = (PhaseKind.allCases.map(\.rawValue) + KernelDeclaration.all.map(\.name) + llmKinds.keys.sorted()).joined(separator: ", ")
                sink.error(kindNode, join(path, "kind"), "expected one of: \(allowed), found \"\(name)\"")
            }
        }
        let declared = kind.map { HandWrittenKinds.kind($0.rawValue) }
        /// Key `name` of the kind, by its declaration.
        func number(_ name: String) -> Double? { readDeclared(&reader, declared![name], path: path, sink: &sink) }
        switch kind {
        case .streamRead, .streamCopy:
            let bufferKey = declared!["buffer"]
            let buffer = readBuffer(reader.required("buffer", bufferKey.meaning, sink: &sink),
                                    join(path, "buffer"), range: bufferKey.range, context: context, sink: &sink)
            var destination: NamedBuffer??
            if kind == .streamCopy {
                destination = readDestination(reader.optional("destination"), in: node, source: buffer, path: path, context: context, sink: &sink)
            }
            let bytes = number("bytes")
            let pattern = reader.optional("pattern").map { sink.choice($0, join(path, "pattern"), AccessPattern.self) } ?? .sequential
            let count = number("count"), overhead = number("launchOverhead"), host = number("hostInterval"), passOverhead = number("passOverhead")
            guard let buffer, let bytes, let pattern, let count, let overhead, let host, let passOverhead,
                  destination.map({ $0 != nil }) ?? true else { return nil }
            let phase = WorkloadPhase.streamRead(StreamReadPhase(bufferBytes: buffer.bytes, totalBytes: UInt64(bytes), pattern: pattern, count: UInt64(count),
                                                                 launchOverhead: SimDuration(seconds: overhead), hostInterval: SimDuration(seconds: host),
                                                                 copy: kind == .streamCopy, passOverhead: SimDuration(seconds: passOverhead)))
            return (phase, buffer.named.map { BufferPlacement(base: $0.base, bytes: $0.bytes, destination: destination??.base) })
        case .gemm:
            // The operands (A, then B from the next page) in a named buffer, or laid out by the step.
            let buffer = reader.optional("buffer").map { readNamedBuffer($0, join(path, "buffer"), context: context, sink: &sink) }
            guard let phase = readGEMM(&reader, declared!, path: path, defaults: context.gemmDefaults, sink: &sink),
                  buffer.map({ $0 != nil }) ?? true else { return nil }
            return (phase, buffer??.placement)
        case .copy:
            let direction = sink.choice(reader.required("direction", "h2d or d2h", sink: &sink), join(path, "direction"), CopyDirection.self)
            let bytes = number("bytes"), count = number("count"), overhead = number("overhead")
            guard let direction, let bytes, let count, let overhead else { return nil }
            return (.copy(CopyPhase(direction: direction, bytes: UInt64(bytes), count: UInt64(count), overhead: SimDuration(seconds: overhead))), nil)
        case .cpuChase:
            let core = sink.choice(reader.required("core", "a core kind", sink: &sink), join(path, "core"), CoreKind.self)
            if case .scalar(let scalar) = reader.optional("buffer"), context.buffers[scalar.string] != nil {
                sink.error(reader.optional("buffer"), join(path, "buffer"), "expected a size such as 1 GiB: named buffers place GPU phases, a cpu-chase walks a range of its own")
                return nil
            }
            let buffer = number("buffer"), steps = number("steps")
            guard let core, let buffer, let steps else { return nil }
            // One thread on the core kind given, in cluster 0: a `cpu` phase of one chase step.
            return (.cpuThreads(.chase(core: core, bufferBytes: UInt64(buffer), steps: UInt64(steps))), nil)
        case .cpu:
            guard let threadsNode = reader.required("threads", "a list of threads", sink: &sink),
                  let threads = readThreads(threadsNode, path: join(path, "threads"), grace: context.grace, sink: &sink) else { return nil }
            return (.cpuThreads(CPUThreadsPhase(threads: threads)), nil)
        case .idle:
            let duration = number("duration")
            guard let duration else { return nil }
            return (.idle(SimDuration(seconds: duration)), nil)
        case nil:
            // Still read the keys any kind may use, so they are not reported as unknown too.
            for key in phaseKeys + KernelDeclaration.all.flatMap({ $0.keys.map(\.name) }) { _ = reader.optional(key) }
            return nil
        }
    }

    /// A phase of an added kernel kind: each of its declared keys, by the declaration's unit,
    /// range and default.
    /// A `buffer` key of size may instead name one of the node's buffers.
    static func readKernel(_ reader: inout MappingReader, _ declaration: KernelDeclaration, path: String,
                           context: PhaseContext, sink: inout DiagnosticSink) -> PhaseRead? {
        var given: [String: Double] = [:]
        var placement: BufferPlacement?
        var failed = false
        for key in declaration.keys {
            let keyNode = key.defaultValue == nil ? reader.required(key.name, key.meaning, sink: &sink) : reader.optional(key.name)
            guard let keyNode else {
                failed = failed || key.defaultValue == nil
                continue
            }
            if key.name == "buffer" && key.unit == .size {
                if let buffer = readBuffer(keyNode, join(path, key.name), range: key.range, context: context, sink: &sink) {
                    given[key.name] = Double(buffer.bytes)
                    placement = buffer.placement
                } else {
                    failed = true
                }
            } else if key.namesPeer {
                guard let word = sink.string(keyNode, join(path, key.name)) else {
                    failed = true
                    continue
                }
                if let peer = context.peers[word] {
                    given[key.name] = Double(peer)
                } else {
                    let linked = context.peers.keys.sorted()
                    sink.error(keyNode, join(path, key.name), linked.isEmpty
                               ? "expected the name of a node linked to this one, found \"\(word)\"; this node has no links (links: [{between: [a, b]}])"
                               : "expected the name of a node linked to this one (\(linked.joined(separator: ", "))), found \"\(word)\"")
                    failed = true
                }
            } else if let choices = key.choices {
                guard let word = sink.string(keyNode, join(path, key.name)) else {
                    failed = true
                    continue
                }
                if let index = choices.firstIndex(of: word) {
                    given[key.name] = Double(index)
                } else {
                    sink.error(keyNode, join(path, key.name), "expected one of: \(choices.joined(separator: ", ")), found \"\(word)\"")
                    failed = true
                }
            } else if let value = sink.quantity(keyNode, join(path, key.name), key.unit, range: key.range,
                                                integral: key.unit == .count || key.unit == .size) {
                given[key.name] = value
            } else {
                failed = true
            }
        }
        guard !failed, let values = declaration.values(given) else { return nil }
        return (.kernel(values), placement)
    }

    /// A `cpu` phase's threads: each `{core, cluster, count, program}`, `count` copies of it on as
    /// many cores of its kind in its cluster.
    static func readThreads(_ node: Node, path: String, grace: GraceTopology, sink: inout DiagnosticSink) -> [CPUThread]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            sink.error(node, path, "expected a list of threads, found \(found(node))")
            return nil
        }
        var threads: [CPUThread] = []
        var failed = false
        var cores: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let itemPath = join(path, "\(index)")
            guard var reader = MappingReader(item, path: itemPath, sink: &sink) else {
                failed = true
                continue
            }
            let core = sink.choice(reader.required("core", "a core kind", sink: &sink), join(itemPath, "core"), CoreKind.self)
            let cluster = reader.optional("cluster").map {
                sink.quantity($0, join(itemPath, "cluster"), .count, range: 0...Double(grace.clusters - 1), integral: true)
            } ?? 0
            let count = reader.optional("count").map {
                sink.quantity($0, join(itemPath, "count"), .count, range: 1...Double(max(grace.x925PerCluster, grace.a725PerCluster)), integral: true)
            } ?? 1
            let program = reader.required("program", "a list of steps", sink: &sink).flatMap { readProgram($0, path: join(itemPath, "program"), sink: &sink) }
            reader.rejectUnknownKeys(sink: &sink)
            guard let core, let cluster, let count, let program else {
                failed = true
                continue
            }
            let key = "\(core.rawValue) cores of cluster \(Int(cluster))"
            cores[key, default: 0] += Int(count)
            if cores[key]! > grace.cores(of: core) {
                sink.error(item, itemPath, "expected at most \(grace.cores(of: core)) threads on the \(key), found \(cores[key]!)")
                failed = true
                continue
            }
            threads += Array(repeating: CPUThread(core: core, cluster: Int(cluster), program: program), count: Int(count))
        }
        return failed ? nil : threads
    }

    /// A thread's steps, each a mapping with one key: `stream: 1 GiB`, `compute: 1000000` (cycles)
    /// or `chase: {buffer: 1 GiB, steps: 20000}`.
    static func readProgram(_ node: Node, path: String, sink: inout DiagnosticSink) -> [CPUStep]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            sink.error(node, path, "expected a list of steps, found \(found(node))")
            return nil
        }
        var steps: [CPUStep] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let stepPath = join(path, "\(index)")
            guard var reader = MappingReader(item, path: stepPath, sink: &sink) else {
                failed = true
                continue
            }
            let stream = reader.optional("stream"), compute = reader.optional("compute"), chase = reader.optional("chase")
            reader.rejectUnknownKeys(sink: &sink)
            let given = [stream, compute, chase].compactMap { $0 }.count
            guard given == 1 else {
                sink.error(item, stepPath, "expected one of stream, compute or chase, found \(given == 0 ? "none" : "\(given) of them")")
                failed = true
                continue
            }
            var step: CPUStep?
            if let stream {
                step = sink.quantity(stream, join(stepPath, "stream"), .size, range: 64...1e13, integral: true).map { .stream(bytes: UInt64($0)) }
            } else if let compute {
                step = sink.quantity(compute, join(stepPath, "compute"), .count, range: 1...1e15, integral: true).map { .compute(cycles: UInt64($0)) }
            } else if let chase, var chaseReader = MappingReader(chase, path: join(stepPath, "chase"), sink: &sink) {
                let chasePath = join(stepPath, "chase")
                let buffer = sink.quantity(chaseReader.required("buffer", "the buffer size, such as 1 GiB", sink: &sink),
                                           join(chasePath, "buffer"), .size, range: 64...1e13, integral: true)
                let loads = sink.quantity(chaseReader.required("steps", "the loads to time, such as 20000", sink: &sink),
                                          join(chasePath, "steps"), .count, range: 1...1e10, integral: true)
                chaseReader.rejectUnknownKeys(sink: &sink)
                if let buffer, let loads { step = .chase(bufferBytes: UInt64(buffer), steps: UInt64(loads)) }
            }
            if let step { steps.append(step) } else { failed = true }
        }
        return failed ? nil : steps
    }

    /// `defaults` carries the machine's own tile, stages and cluster (`gpu.gemm.*` of its preset).
    static func readGEMM(_ reader: inout MappingReader, _ declared: HandWrittenKinds.Kind, path: String, defaults: GEMMPhase,
                         sink: inout DiagnosticSink) -> WorkloadPhase? {
        /// Whole-number key `name`, by its declaration; `machineDefault` when absent.
        func whole(_ name: String, machineDefault: UInt64? = nil) -> UInt64? {
            // Not `.map(Double.init)`: on UInt64 that picks init(bitPattern:).
            readDeclared(&reader, declared[name], path: path, machineDefault: machineDefault.map { Double($0) }, sink: &sink).map { UInt64($0) }
        }
        /// A part `key` of `tile` or `cluster`, in that key's range.
        func whole(_ node: Node?, _ key: String, _ range: ClosedRange<Double>) -> UInt64? {
            sink.quantity(node, key, .count, range: range, integral: true).map { UInt64($0) }
        }
        let m = whole("m"), n = whole("n"), k = whole("k")
        let precision = sink.choice(reader.required("precision", "a precision", sink: &sink), join(path, "precision"), Precision.self)
        let sparse = reader.optional("sparse").map { sink.bool($0, join(path, "sparse")) } ?? false
        if sparse == true, precision == .fp32 {
            sink.error(reader.optional("sparse"), join(path, "sparse"), "expected false for fp32 (2:4 sparsity is a tensor-core feature), found true")
        }
        var tile: (UInt64?, UInt64?, UInt64?)? = (defaults.tileM, defaults.tileN, defaults.tileK)
        if let tileNode = reader.optional("tile") {
            let tilePath = join(path, "tile")
            if var tileReader = MappingReader(tileNode, path: tilePath, sink: &sink) {
                let range = declared["tile"].range
                let tm = tileReader.optional("m").map { whole($0, join(tilePath, "m"), range) } ?? defaults.tileM
                let tn = tileReader.optional("n").map { whole($0, join(tilePath, "n"), range) } ?? defaults.tileN
                let tk = tileReader.optional("k").map { whole($0, join(tilePath, "k"), range) } ?? defaults.tileK
                tileReader.rejectUnknownKeys(sink: &sink)
                tile = (tm, tn, tk)
            } else {
                tile = nil
            }
        }
        var cluster: (UInt64?, UInt64?)? = (defaults.clusterM, defaults.clusterN)
        if let clusterNode = reader.optional("cluster") {
            let clusterPath = join(path, "cluster")
            if var clusterReader = MappingReader(clusterNode, path: clusterPath, sink: &sink) {
                let range = declared["cluster"].range
                let cm = clusterReader.optional("m").map { whole($0, join(clusterPath, "m"), range) } ?? defaults.clusterM
                let cn = clusterReader.optional("n").map { whole($0, join(clusterPath, "n"), range) } ?? defaults.clusterN
                clusterReader.rejectUnknownKeys(sink: &sink)
                cluster = (cm, cn)
                if let cm, let cn, cm * cn > 16 {
                    sink.error(clusterNode, clusterPath, "expected at most 16 CTAs per cluster, found \(cm) × \(cn)")
                    cluster = nil
                }
            } else {
                cluster = nil
            }
        }
        let stages = whole("stages", machineDefault: defaults.stages), threads = whole("threads", machineDefault: defaults.threadsPerCTA)
        let group = whole("rasterGroup", machineDefault: defaults.rasterGroup), count = whole("count", machineDefault: defaults.count)
        // Absent, the machine's launch overhead applies (nil).
        let overhead: Double?? = reader.optional("launchOverhead").map {
            sink.quantity($0, join(path, "launchOverhead"), .time, range: declared["launchOverhead"].range)
        }
        let hostInterval = readDeclared(&reader, declared["hostInterval"], path: path, sink: &sink)
        guard let m, let n, let k, let precision, let sparse, let tile, let tm = tile.0, let tn = tile.1, let tk = tile.2,
              let cluster, let cm = cluster.0, let cn = cluster.1, let stages, let threads, let group, let count else { return nil }
        if case .some(.none) = overhead { return nil }
        guard let hostInterval else { return nil }
        return .gemm(GEMMPhase(m: m, n: n, k: k, precision: precision, sparse: sparse, tileM: tm, tileN: tn, tileK: tk,
                               stages: stages, threadsPerCTA: threads, clusterM: cm, clusterN: cn, rasterGroup: group, count: count,
                               launchOverhead: overhead.flatMap { $0 }.map { SimDuration(seconds: $0) },
                               hostInterval: SimDuration(seconds: hostInterval)))
    }

    // MARK: run

    static func readRun(_ node: Node, sink: inout DiagnosticSink) -> RunSettings? {
        guard var reader = MappingReader(node, path: "run", sink: &sink) else { return nil }
        let duration = sink.quantity(reader.required("duration", "a time such as 10 ms", sink: &sink), "run.duration", .time, range: 1e-12...1e6)
        let seed = reader.optional("seed").map { sink.unsigned($0, "run.seed") } ?? ScenarioDefaults.seed
        let givenPeriod: Double?? = reader.optional("samplePeriod").map {
            sink.quantity($0, "run.samplePeriod", .time, range: 1e-12...1e6)
        }
        // A thousand samples over the run unless the scenario says otherwise.
        let period: Double? = givenPeriod ?? duration.map { max(1e-12, ($0 / ScenarioDefaults.samplesPerRun * 1e12).rounded(.down) / 1e12) }
        let budget = reader.optional("eventBudget").map { sink.unsigned($0, "run.eventBudget", minimum: 1) } ?? defaultEventBudget
        let fidelity = reader.optional("mode").map { sink.choice($0, "run.mode", Fidelity.self) } ?? .detailed
        reader.rejectUnknownKeys(sink: &sink)
        guard let duration, let seed, let period, let budget, let fidelity else { return nil }
        var settings = RunSettings(duration: SimDuration(seconds: duration), seed: seed,
                                   samplePeriod: SimDuration(seconds: period), eventBudget: budget)
        // The run takes one sample per whole period, as the runner counts them.
        let samples = settings.duration.picoseconds / max(1, settings.samplePeriod.picoseconds)
        if samples > ScenarioDefaults.maximumSamplesPerRun {
            sink.error(reader.optional("samplePeriod"), "run.samplePeriod",
                       "expected at most \(grouped(Int(ScenarioDefaults.maximumSamplesPerRun))) samples per run, found \(grouped(Int(samples))); lengthen the period")
            return nil
        }
        settings.fidelity = fidelity
        return settings
    }

    // MARK: expect

    static func readExpectations(_ node: Node, catalog: [(name: String, unit: String)]?, sink: inout DiagnosticSink) -> [Expectation]? {
        guard case .sequence(let sequence) = node else {
            sink.error(node, "expect", "expected a list of {metric, target, tolerance}, found \(found(node))")
            return nil
        }
        var out: [Expectation] = []
        var failed = false
        for (index, item) in sequence.enumerated() {
            let path = "expect.\(index)"
            guard var reader = MappingReader(item, path: path, sink: &sink) else { failed = true; continue }
            let metricNode = reader.required("metric", "a metric name", sink: &sink)
            let targetNode = reader.required("target", "a value such as 237 GB/s", sink: &sink)
            let toleranceNode = reader.required("tolerance", "a relative (5 %) or absolute (2 ns) tolerance", sink: &sink)
            reader.rejectUnknownKeys(sink: &sink)
            guard let metric = sink.string(metricNode, join(path, "metric")) else { failed = true; continue }
            guard let catalog else { failed = true; continue }
            guard let unit = catalog.first(where: { $0.name == metric })?.unit else {
                // A node's metric named without its node (`gpu.read.bandwidth` for `spark1.gpu.read.bandwidth`).
                let ofNode = catalog.map(\.name).first { $0.hasSuffix(".\(metric)") && !$0.dropLast(metric.count + 1).contains(".") }
                let near = (ofNode ?? catalog.map(\.name).first { editDistance($0, metric) <= 3 }).map { "; did you mean \($0)?" } ?? ""
                sink.error(metricNode, join(path, "metric"), "unknown metric \"\(metric)\"\(near)")
                failed = true
                continue
            }
            let dimension = Units.dimension(ofUnit: unit) ?? .count
            let target = sink.quantity(targetNode, join(path, "target"), dimension, in: unit)
            var tolerance: Tolerance?
            if let text = sink.string(toleranceNode, join(path, "tolerance")) {
                if text.hasSuffix("%") {
                    tolerance = sink.quantity(toleranceNode, join(path, "tolerance"), .ratio, range: 0...10).map { .relative($0) }
                } else {
                    tolerance = sink.quantity(toleranceNode, join(path, "tolerance"), dimension, in: unit, range: 0...Double.greatestFiniteMagnitude)
                        .map { .absolute($0) }
                }
            }
            guard let target, let tolerance else { failed = true; continue }
            if target < 0 {
                sink.error(targetNode, join(path, "target"), "expected a target of zero or more, found \(found(targetNode!))")
                failed = true
                continue
            }
            if case .relative = tolerance, target == 0 {
                sink.error(toleranceNode, join(path, "tolerance"),
                           "expected an absolute tolerance such as 0.5 \(unit.isEmpty ? "" : unit) for a target of zero (a relative one allows only 0 itself), found \(found(toleranceNode!))")
                failed = true
                continue
            }
            out.append(Expectation(metric: metric, target: target, unit: unit, tolerance: tolerance))
        }
        return failed ? nil : out
    }
}

extension KernelKey {
    /// A value of this key as a scenario would write it (`64 MiB`, `5 us`, or the word chosen).
    public func shown(_ value: Double) -> String {
        if let choices, let index = Int(exactly: value), choices.indices.contains(index) { return choices[index] }
        return DiagnosticSink.format(value, unit)
    }

    /// The values the key takes, as `describe` lists them.
    public var shownRange: String {
        if namesPeer { return "a node linked to this one" }
        return choices.map { $0.joined(separator: " | ") } ?? "\(shown(range.lowerBound)) – \(shown(range.upperBound))"
    }
}

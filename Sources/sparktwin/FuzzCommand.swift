import ArgumentParser
import Foundation
import TwinRun
import TwinScenario

struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the input loaders against mutants of real files (a robustness test).",
        discussion: """
            Every YAML file under --corpus seeds the mutants; each is checked as `sparktwin check` \
            would. It fails when a problem is reported without file:line:col, an input takes longer \
            than --timeout, or the process grows past --memory; a crash is the process dying. With \
            --keep, the input being checked is in <folder>/current.yaml (a crash's culprit), and \
            failing inputs and ones whose first problem has a new wording are written there as \
            regression cases (the suite runs Tests/TwinScenarioTests/FuzzCases/).
            """)

    @Option(help: ArgumentHelp("Mutants to check.", valueName: "n"))
    var count = 300

    @Option(help: ArgumentHelp("Seed of the mutations: the same seed and corpus give the same mutants.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Folder of seed files.", valueName: "folder"))
    var corpus = "Scenarios"

    @Option(help: ArgumentHelp("Folder for the current, failing and new-shaped inputs.", valueName: "folder"))
    var keep: String?

    @Option(help: ArgumentHelp("Longest check of one input, in seconds.", valueName: "s"))
    var timeout = 5.0

    @Option(help: ArgumentHelp("Largest resident memory of the process, in MiB.", valueName: "MiB"))
    var memory = 2_048

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count: expected at least 1, found \(count)") }
        guard timeout > 0, memory > 0 else { throw ValidationError("--timeout and --memory: expected positive values") }
    }

    func run() throws {
        let seeds = InputMutator.seeds(under: corpus)
        guard !seeds.isEmpty else { throw CleanExit.message(error: "no readable .yaml files under \(corpus)") }
        if let keep {
            do { try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true) } catch {
                throw CleanExit.message(error: "cannot create \(keep): \(error.localizedDescription)")
            }
        }
        var mutator = InputMutator(seeds: seeds, seed: seed)
        let watchdog = FuzzWatchdog(timeoutSeconds: timeout, memoryBytes: memory << 20, keep: keep)
        watchdog.start()
        let clock = ContinuousClock()
        let start = clock.now
        var valid = 0, rejected = 0, failures = 0, kept = 0
        var slowest: (seconds: Double, mutations: [String]) = (0, [])
        var shapes: Set<String> = []
        for index in 0..<count {
            let mutant = mutator.next()
            let header = Data("# fuzz: \(mutant.path) (\(mutant.mutations.joined(separator: "; ")))\n".utf8)
            if let keep { try? (header + Data(mutant.bytes)).write(to: URL(fileURLWithPath: "\(keep)/current.yaml")) }
            watchdog.begin(index: index, header: header, bytes: mutant.bytes)
            let before = clock.now
            let problems = InputCheck.problems(bytes: mutant.bytes, file: mutant.path)
            let seconds = Double((clock.now - before).components.attoseconds) * 1e-18 + Double((clock.now - before).components.seconds)
            watchdog.end()
            if seconds > slowest.seconds { slowest = (seconds, mutant.mutations) }
            let unpositioned = InputOracle.unpositioned(problems)
            if problems.isEmpty { valid += 1 } else { rejected += 1 }
            var save: String?
            if !unpositioned.isEmpty {
                failures += 1
                printError("fuzz: input \(index) (\(mutant.path): \(mutant.mutations.joined(separator: "; "))) has problems without file:line:col:")
                for problem in unpositioned { printError("  \(problem)") }
                save = "fail-\(index).yaml"
            } else if let first = problems.first, shapes.insert(InputOracle.shape(first)).inserted {
                save = "case-\(seed)-\(index).yaml"
            }
            if let keep, let save {
                try? (header + Data(mutant.bytes)).write(to: URL(fileURLWithPath: "\(keep)/\(save)"))
                kept += 1
            }
        }
        if let keep { try? FileManager.default.removeItem(atPath: "\(keep)/current.yaml") }
        let wall = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) * 1e-18
        print(String(format: "fuzz: %d inputs from %d files (seed %llu) in %.1f s: %d valid, %d rejected with positions, %d without; "
                     + "slowest %.3f s; peak resident %d MiB%@",
                     count, seeds.count, seed, wall, valid, rejected - failures, failures, slowest.seconds,
                     FuzzWatchdog.peakResidentBytes() >> 20, keep.map { "; \(kept) kept in \($0)" } ?? ""))
        if failures > 0 { throw ExitCode.failure }
    }
}

/// Ends the fuzzer when one input hangs or the process grows too large, saving the input.
final class FuzzWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var current: (index: Int, header: Data, bytes: [UInt8], since: Date)?
    let timeoutSeconds: Double
    let memoryBytes: Int
    let keep: String?

    init(timeoutSeconds: Double, memoryBytes: Int, keep: String?) {
        self.timeoutSeconds = timeoutSeconds
        self.memoryBytes = memoryBytes
        self.keep = keep
    }

    func begin(index: Int, header: Data, bytes: [UInt8]) { lock.withLock { current = (index, header, bytes, Date()) } }
    func end() { lock.withLock { current = nil } }

    func start() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                let (input, resident) = lock.withLock { (current, Self.residentBytes()) }
                guard let input else { continue }
                if Date().timeIntervalSince(input.since) > timeoutSeconds {
                    give(up: "input \(input.index) took more than \(timeoutSeconds) s", input, name: "hang")
                }
                if resident > memoryBytes {
                    give(up: "input \(input.index) grew the process to \(resident >> 20) MiB", input, name: "memory")
                }
            }
        }
        thread.start()
    }

    private func give(up reason: String, _ input: (index: Int, header: Data, bytes: [UInt8], since: Date), name: String) {
        var saved = ""
        if let keep {
            let path = "\(keep)/\(name)-\(input.index).yaml"
            try? (input.header + Data(input.bytes)).write(to: URL(fileURLWithPath: path))
            saved = "; saved as \(path)"
        }
        FileHandle.standardError.write(Data("fuzz: \(reason)\(saved)\n\(String(decoding: input.header, as: UTF8.self))".utf8))
        exit(name == "hang" ? 3 : 4)
    }

    /// Resident memory now, from /proc (0 where there is none).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    /// The most resident memory the process has had.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1_024
    }
}

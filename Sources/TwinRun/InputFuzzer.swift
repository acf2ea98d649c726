import Foundation
import TwinCore
import TwinScenario

/// A structured fuzzer for the tool's input files: it mutates real files (scenarios, sweeps,
/// curves, tolerance files) the way people and tools get them wrong — a value replaced by an
/// extreme or a word, a key misspelt, lines lost, duplicated or re-indented, stray bytes,
/// deep nesting, YAML anchors and tags, lines spliced from another kind of file — and checks
/// each mutant as `sparktwin check` would. The oracle: the input is valid, or every problem
/// is reported at a `file:line:col`.
public struct InputMutator {
    public struct Seed: Sendable {
        public var path: String
        public var text: String
    }

    public struct Mutant: Sendable {
        /// The seed file the mutant is read as (relative references resolve next to it).
        public var path: String
        /// The file's bytes, not always UTF-8.
        public var bytes: [UInt8]
        /// The mutations applied, for a report.
        public var mutations: [String]
    }

    let seeds: [Seed]
    var random: RandomStream

    public init(seeds: [Seed], seed: UInt64) {
        precondition(!seeds.isEmpty, "the fuzzer needs at least one seed file")
        self.seeds = seeds
        self.random = RandomStream(seed: seed, streamID: 0xF022)
    }

    /// Every YAML file under `folder`, sorted by path so a seed gives the same mutants anywhere.
    public static func seeds(under folder: String) -> [Seed] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".yaml") { paths.append((folder as NSString).appendingPathComponent(relative)) }
        }
        return paths.sorted().compactMap { path in (try? ScenarioLoader.readText(path: path)).map { Seed(path: path, text: $0) } }
    }

    /// Values that have broken parsers before: extremes, non-numbers, wrong units, YAML words.
    static let interestingValues = [
        "", "0", "-1", "-0", "1e308", "-1e308", "1e-320", "nan", ".nan", ".inf", "-.inf", "18446744073709551616",
        "9223372036854775807", "-9223372036854775808", "0x10", "1_000_000 GiB", "64 MB", "1e30 TiB", "0 B", "1 ps",
        "0 s", "1e30 s", "1e-30 s", "3 GHz", "0 Hz", "-40 C", "1e6 C", "0 W", "1e12 W", "5 %", "1e9 %", "-5 %",
        "1 W..200 W step 0 W", "1 W..1e300 W step 1 W", "0..1e18 step 1", "1..3 step 1", "10 W..1 W step 1 W",
        "[]", "{}", "[1, 2", "{a: 1", "~", "null", "true", "no", "\"\"", "'", "\"unterminated", "ü", "💥", "\u{202E}",
        "&a x", "*a", "*missing", "!!binary AAAA", "!!int 12", "!custom x", "? x", "- x", "a: b: c", "|", ">-",
        String(repeating: "9", count: 400), String(repeating: "a", count: 5_000),
        "gemm", "stream-read", "host-copy", "cpu-chase", "detailed", "fast", "h100-sxm", "dgx-spark", "fp4", "bf16",
    ]

    /// Bytes that are not text, or are text that YAML treats specially.
    static let interestingBytes: [[UInt8]] = [
        [0x00], [0x01], [0x1B], [0x7F], [0xFF], [0xFE, 0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x09], [0x0D],
        [0xEF, 0xBB, 0xBF], Array("\t".utf8), Array(": ".utf8), Array("- ".utf8), Array("#".utf8), Array("---\n".utf8),
        Array("...\n".utf8), Array("%YAML 1.1\n".utf8), Array("\"".utf8), Array("'".utf8), Array("{".utf8), Array("[".utf8),
    ]

    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(max(1, n))) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// The next mutant: one to four mutations of one seed file.
    public mutating func next() -> Mutant {
        let seed = pick(seeds)
        var lines = seed.text.components(separatedBy: "\n")
        var mutations: [String] = []
        var bytes: [UInt8]?
        for _ in 0...below(4) {
            if bytes != nil { break }  // byte-level mutations come last
            let line = below(max(1, lines.count))
            switch below(13) {
            case 0, 1, 2:
                // A value replaced: the text after `key:` or `- `.
                guard line < lines.count else { continue }
                let text = lines[line]
                let value = pick(Self.interestingValues)
                if let colon = text.range(of: ": ") ?? text.range(of: "- ") {
                    lines[line] = String(text[..<colon.upperBound]) + value
                } else if text.hasSuffix(":") {
                    lines[line] = text + " " + value
                } else {
                    lines[line] = value
                }
                mutations.append("value at line \(line + 1) → \(value.prefix(40))")
            case 3:
                // A key misspelt: one character dropped, doubled or changed.
                guard line < lines.count, let colon = lines[line].firstIndex(of: ":") else { continue }
                var key = Array(lines[line][..<colon])
                guard !key.isEmpty else { continue }
                let at = below(key.count)
                switch below(3) {
                case 0: key.remove(at: at)
                case 1: key.insert(key[at], at: at)
                default: key[at] = pick(Array("abcxyz_.0 "))
                }
                lines[line] = String(key) + lines[line][colon...]
                mutations.append("key misspelt at line \(line + 1)")
            case 4:
                guard line < lines.count else { continue }
                lines.remove(at: line)
                mutations.append("line \(line + 1) deleted")
            case 5:
                guard line < lines.count else { continue }
                lines.insert(lines[line], at: line)
                mutations.append("line \(line + 1) duplicated")
            case 6:
                guard line < lines.count else { continue }
                let other = below(lines.count)
                lines.swapAt(line, other)
                mutations.append("lines \(line + 1) and \(other + 1) swapped")
            case 7:
                guard line < lines.count else { continue }
                if lines[line].hasPrefix("  ") && below(2) == 0 { lines[line].removeFirst(2) } else { lines[line] = "  " + lines[line] }
                mutations.append("indentation of line \(line + 1) changed")
            case 8:
                // A line from another file, perhaps of another kind.
                let donor = pick(seeds).text.components(separatedBy: "\n")
                lines.insert(pick(donor), at: min(line, lines.count))
                mutations.append("line spliced in at \(line + 1)")
            case 9:
                // Deep nesting, around the YAML reader's limit.
                let depth = pick([10, 200, 999, 1_000, 1_001, 5_000])
                let nested = below(2) == 0
                    ? String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
                    : String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
                guard line < lines.count, let colon = lines[line].range(of: ": ") else { continue }
                lines[line] = String(lines[line][..<colon.upperBound]) + nested
                mutations.append("value at line \(line + 1) nested \(depth) deep")
            case 10:
                // A list value made long.
                guard line < lines.count, let colon = lines[line].range(of: ": ") else { continue }
                let count = pick([2, 50, 5_000])
                let item = pick(Self.interestingValues.prefix(40).map { $0 })
                lines[line] = String(lines[line][..<colon.upperBound]) + "[" + Array(repeating: item.isEmpty ? "1" : item, count: count).joined(separator: ", ") + "]"
                mutations.append("value at line \(line + 1) → a list of \(count)")
            case 11:
                // Truncated, as by a full disk or a cut paste.
                let text = lines.joined(separator: "\n")
                var cut = Array(text.utf8)
                cut = Array(cut.prefix(below(cut.count + 1)))
                bytes = cut
                mutations.append("truncated to \(cut.count) bytes")
            default:
                var raw = Array(lines.joined(separator: "\n").utf8)
                let insert = pick(Self.interestingBytes)
                let at = below(raw.count + 1)
                raw.insert(contentsOf: insert, at: at)
                bytes = raw
                mutations.append("bytes \(insert.map { String(format: "%02X", $0) }.joined()) inserted at \(at)")
            }
        }
        let raw = bytes ?? Array(lines.joined(separator: "\n").utf8)
        return Mutant(path: seed.path, bytes: raw, mutations: mutations)
    }
}

/// The fuzzer's oracle over one input.
public enum InputOracle {
    /// Problems reported without a `file:line:col`: the oracle's failures.
    public static func unpositioned(_ problems: [Diagnostic]) -> [Diagnostic] {
        problems.filter { $0.line == nil || $0.column == nil || $0.file == "--set" || $0.file.isEmpty }
    }

    /// A problem's wording with the numbers and quoted values taken out: mutants whose first
    /// problem has a shape not seen before are kept as regression cases.
    public static func shape(_ diagnostic: Diagnostic) -> String {
        var out = ""
        var quoted = false
        for character in diagnostic.keyPath.filter({ !$0.isNumber }) + ": " + diagnostic.message {
            if character == "\"" { quoted.toggle(); if quoted { out.append("…") }; continue }
            if quoted || character.isNumber { continue }
            out.append(character)
        }
        return out
    }
}

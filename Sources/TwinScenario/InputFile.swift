import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Yams

/// Reading an input file (scenario, sweep, curve, tolerances) and turning every problem with
/// it — a folder, a device, bytes that are not UTF-8, YAML that libyaml rejects — into a
/// diagnostic that reads like the tool's others, at `file:line:col` where there is a place.
enum InputFile {
    /// Input files are a few kilobytes; this bounds the memory a wrong path (a disk image,
    /// a log) can take.
    static let maximumBytes = 16 << 20

    /// libyaml's limit on nested lists and mappings (its `MAX_NESTING_LEVEL`).
    static let maximumNesting = 1_000

    /// The text of the file at `path`.
    ///
    /// - Throws: `ScenarioError` with one diagnostic saying why the file cannot be used.
    static func read(path: String) throws -> String {
        let bytes: [UInt8]
        switch readBytes(path: path) {
        case .success(let read): bytes = read
        case .failure(let problem): throw ScenarioError(diagnostics: [Diagnostic(file: path, keyPath: "", message: problem.expected)])
        }
        return try decodeUTF8(bytes, file: path)
    }

    /// The bytes of a regular file or a pipe, or why they cannot be read.
    static func readBytes(path: String) -> Result<[UInt8], QuantityError> {
        func failure(_ message: String) -> Result<[UInt8], QuantityError> { .failure(QuantityError(expected: message)) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return failure("cannot open the file: \(reason(errno))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return failure("cannot read the file: \(reason(errno))") }
        switch status.st_mode & S_IFMT {
        case S_IFREG, S_IFIFO: break
        case S_IFDIR: return failure("expected a YAML file, found a folder")
        case S_IFCHR: return failure("expected a YAML file, found a character device")
        case S_IFBLK: return failure("expected a YAML file, found a block device")
        case S_IFSOCK: return failure("expected a YAML file, found a socket")
        default: return failure("expected a YAML file, found a special file")
        }
        if Int(status.st_size) > maximumBytes {
            return failure("expected a file of at most \(grouped(maximumBytes)) bytes, found \(grouped(Int(status.st_size)))")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure("cannot read the file: \(reason(errno))")
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            // A pipe has no size to check beforehand.
            if bytes.count > maximumBytes { return failure("expected a file of at most \(grouped(maximumBytes)) bytes, found more") }
        }
        return .success(bytes)
    }

    /// `strerror` in lower case: "permission denied", "no such file or directory".
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// UTF-8 text, or a diagnostic at the first byte that is not UTF-8.
    static func decodeUTF8(_ bytes: [UInt8], file: String) throws -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1 && encoded.first == 0x0A { line += 1; column = 1 } else { column += 1 }
            case .error:
                let byte = String(format: "0x%02X", bytes[offset])
                throw ScenarioError(diagnostics: [Diagnostic(file: file, line: line, column: column, keyPath: "",
                                                             message: "expected UTF-8 text, found the byte \(byte); save the file as UTF-8")])
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// The value `read` makes of the YAML document in `text`, read as the file at `path`.
    ///
    /// - Throws: `ScenarioError` with every problem `read` found, or that the file is empty.
    static func document<T>(_ text: String, file path: String, expected: String,
                            read: (Node, inout DiagnosticSink) -> T?) throws -> T {
        var sink = DiagnosticSink(file: path)
        guard let root = try compose(text, file: path) else {
            throw ScenarioError(diagnostics: [Diagnostic(file: path, keyPath: "", message: "expected \(expected), found an empty file")])
        }
        let value = read(root, &sink)
        guard sink.diagnostics.isEmpty, let value else { throw ScenarioError(diagnostics: sink.diagnostics) }
        return value
    }

    /// The YAML node tree of `text` (nil when it holds no document).
    static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(diagnostics: [diagnostic(error, text: text, file: file)])
        }
    }

    /// A libyaml error in the tool's words.
    static func diagnostic(_ error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: (line: Int, column: Int)?, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: mark?.line, column: mark?.column, keyPath: "", message: message)
        }
        func at(_ mark: Mark, _ message: String) -> Diagnostic { at((mark.line, mark.column), message) }
        switch error {
        case .reader(let problem, let offset, let value, _):
            let mark = offset.map { position(ofByte: $0, in: text) }
            if problem.hasPrefix("control characters") {
                return at(mark, "expected printable text, found the control character U+\(String(format: "%04X", value))")
            }
            return at(mark, "expected YAML text, found \(problem)")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            if problem.hasPrefix("Maximum nesting level") {
                return at(mark, "expected at most \(grouped(maximumNesting)) levels of nested lists and mappings, found more")
            }
            return at(mark, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return at(context.mark, "duplicate key \(duplicates.joined(separator: ", ")) in a mapping")
        case .memory:
            return at(nil, "the YAML reader ran out of memory")
        default:
            return at(nil, "invalid YAML")
        }
    }

    /// Line and column (1-based, columns in characters) of byte `offset` of `text`.
    static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        let prefix = text.utf8.prefix(offset)
        for scalar in String(decoding: prefix, as: UTF8.self).unicodeScalars {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

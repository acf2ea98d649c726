import ArgumentParser
import Foundation
import TwinResults
import TwinRun

@main
struct SparkTwin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparktwin",
        abstract: "A discrete-event digital twin of the NVIDIA DGX Spark (GB10).",
        version: SparkTwinVersion.current,
        subcommands: [Run.self, Check.self, Validate.self, SweepCommand.self, Merge.self, Runs.self, Show.self, Export.self, Compare.self, Report.self, Delete.self, Migrate.self, Snapshot.self, Fuzz.self, Describe.self, Models.self, Bench.self]
    )
}

/// The option shared by every command that reads or writes results.
struct DatabaseOptions: ParsableArguments {
    static let defaultPath = "Results/sparktwin.sqlite"

    @Option(name: .customLong("db"), help: ArgumentHelp("Results database (default: \(defaultPath)); its folder must exist.", valueName: "path"))
    var given: String?

    var db: String { given ?? Self.defaultPath }

    /// Opens the database for writing. Only the default's folder is created: a missing folder
    /// in a given path is more likely a typo than a wish for a new database.
    func openForWriting() throws -> ResultStore {
        do { return try ResultStore(path: db, access: .write(createFolder: given == nil)) } catch { throw CleanExit.message(error: "\(error)") }
    }

    /// Opens a database that must already exist for writing (a deletion, a migration).
    func openExistingForWriting() throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: db) else { throw CleanExit.message(error: "no results database at \(db)") }
        return try openForWriting()
    }

    /// Opens an existing database for reading only; it is never changed, not even migrated.
    func openForReading() throws -> ResultStore {
        do { return try ResultStore(path: db, access: .read) } catch { throw CleanExit.message(error: "\(error)") }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints rows as aligned columns; the first row is the header.
func printTable(_ rows: [[String]], rightAligned: Set<Int> = []) {
    print(tableText(rows, rightAligned: rightAligned))
}

/// Rows as aligned columns, one line each; the first row is the header.
func tableText(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    guard let header = rows.first else { return "" }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
        let cells = row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            return rightAligned.contains(i) ? pad + cell : cell + pad
        }
        return cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

/// A number for a table: integers as they are, others with six significant digits.
func formatNumber(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    return String(format: "%.6g", value)
}

import ArgumentParser
import Foundation
import TwinRun

@main
struct SparkTwin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparktwin",
        abstract: "A discrete-event digital twin of the NVIDIA DGX Spark (GB10).",
        version: SparkTwinVersion.current,
        subcommands: [Run.self, Check.self, Validate.self, SweepCommand.self, Merge.self, Runs.self, Show.self, Export.self, Compare.self, Report.self, Delete.self, Describe.self, Bench.self]
    )
}

/// The option shared by every command that reads or writes results.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Results database.", valueName: "path"))
    var db: String = "Results/sparktwin.sqlite"
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

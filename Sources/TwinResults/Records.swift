import Foundation
import GRDB

/// One simulation run and its provenance. Table `run`.
///
/// The row is written once, in the same transaction as the run's metrics and samples, when the
/// run ends; a run that crashed or was killed leaves no row, so nothing unfinished can ever be
/// shown as finished.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"

    /// Twelve hex digits, random per run, so databases from different machines merge cleanly.
    public var id: String
    public var scenarioName: String
    public var scenarioFile: String
    public var scenarioText: String
    /// SHA-256 of the scenario text and its overrides.
    public var scenarioHash: String
    /// `--set` assignments, as a JSON array of strings.
    public var overrides: String
    /// The seed's 64 bits stored as a signed integer (SQLite has no unsigned type).
    public var seed: Int64
    public var toolVersion: String
    /// ISO 8601, UTC.
    public var startedAt: String
    public var wallTimeS: Double
    public var events: Int64
    public var simulatedPs: Int64
    /// `finished` or `failed`.
    public var status: String
    public var statusMessage: String

    public init(id: String, scenarioName: String, scenarioFile: String, scenarioText: String, scenarioHash: String,
                overrides: [String], seed: UInt64, toolVersion: String, startedAt: Date, wallTimeS: Double,
                events: UInt64, simulatedPs: UInt64, status: String, statusMessage: String) {
        self.id = id
        self.scenarioName = scenarioName
        self.scenarioFile = scenarioFile
        self.scenarioText = scenarioText
        self.scenarioHash = scenarioHash
        let json = (try? JSONEncoder().encode(overrides)).flatMap { String(data: $0, encoding: .utf8) }
        self.overrides = json ?? "[]"
        self.seed = Int64(bitPattern: seed)
        self.toolVersion = toolVersion
        self.startedAt = startedAt.formatted(.iso8601)
        self.wallTimeS = wallTimeS
        self.events = Int64(clamping: events)
        self.simulatedPs = Int64(clamping: simulatedPs)
        self.status = status
        self.statusMessage = statusMessage
    }

    /// The seed as given.
    public var seedValue: UInt64 { UInt64(bitPattern: seed) }

    /// The `--set` assignments as a list.
    public var overrideList: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(overrides.utf8))) ?? []
    }
}

/// A scalar result of a run. Table `metric`.
public struct MetricRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "metric"
    public var runId: String
    public var name: String
    public var value: Double
    public var unit: String

    public init(runId: String, name: String, value: Double, unit: String) {
        self.runId = runId
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// An `expect:` entry and how the run fared against it. Table `expectation`.
public struct ExpectationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "expectation"
    public var runId: String
    public var metric: String
    public var target: Double
    public var unit: String
    public var tolerance: String
    public var value: Double?
    public var passed: Bool

    public init(runId: String, metric: String, target: Double, unit: String, tolerance: String, value: Double?, passed: Bool) {
        self.runId = runId
        self.metric = metric
        self.target = target
        self.unit = unit
        self.tolerance = tolerance
        self.value = value
        self.passed = passed
    }
}

/// A sampled signal of a run, before storage: values share `timesPs`.
public struct SignalData: Sendable, Equatable {
    public var name: String
    public var unit: String
    public var values: [Double]
    /// This signal's sample times, picoseconds, where they are not the run's: in a run of
    /// several nodes, a node that ended before the others sampled until its own end.
    public var timesPs: [UInt64]?

    public init(name: String, unit: String, values: [Double], timesPs: [UInt64]? = nil) {
        self.name = name
        self.unit = unit
        self.values = values
        self.timesPs = timesPs
    }
}

/// One stored sample, as read back.
public struct SampleRow: Sendable, Equatable {
    public var signal: String
    public var unit: String
    public var timePs: Int64
    public var value: Double

    public init(signal: String, unit: String, timePs: Int64, value: Double) {
        self.signal = signal
        self.unit = unit
        self.timePs = timePs
        self.value = value
    }
}

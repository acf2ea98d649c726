import Foundation
import GRDB
import GRDBSQLite

/// Errors of the results layer, phrased for the command line.
public struct ResultStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The results database: runs, metrics, expectations and time series in SQLite (WAL mode).
///
/// Schema (documented in the README, versioned by named migrations that never change once
/// shipped): `run` (provenance), `metric` (name, value, unit), `expectation`, `signal`
/// (a run's signal names) and `sample` (signalId, timePs, value). Times are INTEGER picoseconds.
public final class ResultStore: Sendable {
    private let writer: any DatabaseWriter

    /// How a command uses the database.
    public enum Access: Sendable, Equatable {
        /// Reading only: the file must exist and be at the current schema; nothing is ever
        /// written, so an archived or another user's database can be read.
        case read
        /// Reading and writing: a missing file is created (its folder must exist unless
        /// `createFolder`), an older schema is migrated.
        case write(createFolder: Bool = false)
    }

    /// Opens the database at `path` for `access`.
    public init(path: String, access: Access) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if isFolder.boolValue { throw ResultStoreError("\(path) is a folder; expected a results database file such as \(path)/sparktwin.sqlite") }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        do {
            switch access {
            case .read:
                guard exists else { throw ResultStoreError("no results database at \(path); run a scenario first") }
                writer = try Self.openForReading(path: path, configuration: configuration)
                try Self.checkSchema(writer, path: path)
            case .write(let createFolder):
                if exists {
                    // Refuse a newer schema before a writing connection touches the file at all.
                    let reader = try Self.openForReading(path: path, configuration: configuration)
                    if try reader.read({ db in try Self.migrator.hasBeenSuperseded(db) }) {
                        throw ResultStoreError("\(path) was written by a newer sparktwin (unknown migrations); refusing to change it")
                    }
                    try reader.close()
                }
                if !exists {
                    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                    if !FileManager.default.fileExists(atPath: folder.path) {
                        guard createFolder else {
                            throw ResultStoreError("no folder \(folder.path) for results database \(path); create it first (a mistyped --db path would start a new database)")
                        }
                        do {
                            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                        } catch {
                            throw ResultStoreError("cannot create the folder of results database \(path): \(error.localizedDescription)")
                        }
                    }
                }
                if !exists { try Self.create(path: path, configuration: configuration) }
                writer = try DatabasePool(path: path, configuration: configuration)
                try Self.migrate(writer, path: path)
            }
        } catch let error as DatabaseError {
            throw ResultStoreError("cannot open results database \(path): \(error.message ?? error.description)")
        }
    }

    /// Makes a new database with the whole schema under a temporary name, then links it into
    /// place, so no reader ever sees a file half made. When several processes create the same
    /// database at once, the first link wins and the others use it.
    static func create(path: String, configuration: Configuration) throws {
        var generator = SystemRandomNumberGenerator()
        let temporary = path + ".creating-\(getpid())-\(String(generator.next() & 0xFFFF_FFFF, radix: 16))"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) } }
        let pool = try DatabasePool(path: temporary, configuration: configuration)
        try migrator.migrate(pool)
        try pool.close()
        guard link(temporary, path) == 0 || errno == EEXIST else {
            throw ResultStoreError("cannot create results database \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A read-only connection. A WAL database in a folder this user cannot write (an archive,
    /// another user's results) has no shared-memory file to coordinate readers through; if no
    /// writer is active (no `-wal` file), it is opened as immutable, which needs none.
    static func openForReading(path: String, configuration: Configuration) throws -> DatabaseQueue {
        var configuration = configuration
        configuration.readonly = true
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let archived = !FileManager.default.isWritableFile(atPath: folder) && !FileManager.default.fileExists(atPath: path + "-wal")
            && !FileManager.default.fileExists(atPath: path + "-shm")
        guard archived else { return try DatabaseQueue(path: path, configuration: configuration) }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let uri = "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute) + "?immutable=1"
        return try DatabaseQueue(path: uri, configuration: configuration)
    }

    /// An in-memory database, for tests.
    public init(inMemory: Void = ()) throws {
        writer = try DatabaseQueue()
        try Self.migrate(writer, path: ":memory:")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 runs, metrics, expectations, series") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id TEXT PRIMARY KEY NOT NULL,
                    scenarioName TEXT NOT NULL,
                    scenarioFile TEXT NOT NULL,
                    scenarioText TEXT NOT NULL,
                    scenarioHash TEXT NOT NULL,
                    overrides TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    toolVersion TEXT NOT NULL,
                    startedAt TEXT NOT NULL,
                    wallTimeS REAL NOT NULL,
                    events INTEGER NOT NULL,
                    simulatedPs INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('finished', 'failed')),
                    statusMessage TEXT NOT NULL
                );
                CREATE INDEX run_scenarioName ON run(scenarioName);
                CREATE TABLE metric (
                    id INTEGER PRIMARY KEY,
                    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value REAL NOT NULL,
                    unit TEXT NOT NULL,
                    UNIQUE (runId, name)
                );
                CREATE TABLE expectation (
                    id INTEGER PRIMARY KEY,
                    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    metric TEXT NOT NULL,
                    target REAL NOT NULL,
                    unit TEXT NOT NULL,
                    tolerance TEXT NOT NULL,
                    value REAL,
                    passed INTEGER NOT NULL
                );
                CREATE INDEX expectation_runId ON expectation(runId);
                CREATE TABLE signal (
                    id INTEGER PRIMARY KEY,
                    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    UNIQUE (runId, name)
                );
                CREATE TABLE sample (
                    signalId INTEGER NOT NULL REFERENCES signal(id) ON DELETE CASCADE,
                    timePs INTEGER NOT NULL,
                    value REAL NOT NULL,
                    PRIMARY KEY (signalId, timePs)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2 labels") { db in
            try db.execute(sql: """
                CREATE TABLE label (
                    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    label TEXT NOT NULL,
                    PRIMARY KEY (runId, label)
                ) WITHOUT ROWID;
                CREATE INDEX label_label ON label(label);
                """)
        }
        migrator.registerMigration("v3 unit costs") { db in
            // Fast mode's unit costs, kept between runs: by the machine (parameters, seed and
            // build, hashed) and the unit's signature (phase, clock, cold or warm L2).
            try db.execute(sql: """
                CREATE TABLE unitCost (
                    machineKey TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    seconds REAL NOT NULL,
                    tensorBusyCycles REAL NOT NULL,
                    memoryBytes REAL NOT NULL,
                    c2cBytes REAL NOT NULL,
                    flops REAL NOT NULL,
                    bytesRead REAL NOT NULL,
                    cpuChaseLoads REAL NOT NULL,
                    cpuChaseLatencyPs REAL NOT NULL,
                    gpuBusy REAL NOT NULL,
                    gpuChaseLoads REAL NOT NULL,
                    gpuChaseLatencyPs REAL NOT NULL,
                    gpuChaseSMCycles REAL NOT NULL,
                    PRIMARY KEY (machineKey, signature)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4 unit costs' activates") { db in
            // DRAM row activates, for their energy. Costs kept before have none; they were
            // measured by an older build, whose machine key no later build matches.
            try db.execute(sql: "ALTER TABLE unitCost ADD COLUMN activates REAL NOT NULL DEFAULT 0")
        }
        return migrator
    }

    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw ResultStoreError("\(path) was written by a newer sparktwin (unknown migrations); refusing to change it")
        }
        try migrator.migrate(writer)
    }

    /// For reading: the schema must be exactly this version's, since nothing may be migrated.
    static func checkSchema(_ reader: any DatabaseReader, path: String) throws {
        let (superseded, complete, tables) = try reader.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        if superseded {
            throw ResultStoreError("\(path) was written by a newer sparktwin (unknown migrations); read it with that version")
        }
        if !complete {
            guard tables.contains("run") else { throw ResultStoreError("\(path) is not a SparkTwin results database") }
            throw ResultStoreError("\(path) was written by an older sparktwin and needs migrating; reading never changes a database, "
                                   + "so migrate it first with `sparktwin migrate --db \(path)` (a copy keeps the original as it is)")
        }
    }

    /// Migrations this version would apply to the database, oldest first.
    public func pendingMigrations() throws -> [String] {
        let applied = Set(try appliedMigrations())
        return Self.migrator.migrations.filter { !applied.contains($0) }
    }

    /// Stores a whole run in one transaction: either all of it lands or none of it.
    public func insert(run: RunRecord, metrics: [MetricRecord], expectations: [ExpectationRecord],
                       sampleTimesPs: [UInt64], signals: [SignalData], labels: [String] = []) throws {
        try writer.write { db in
            try run.insert(db)
            for label in Set(labels) {
                try db.execute(sql: "INSERT INTO label (runId, label) VALUES (?, ?)", arguments: [run.id, label])
            }
            for metric in metrics { try metric.insert(db) }
            for expectation in expectations { try expectation.insert(db) }
            for signal in signals {
                let times = signal.timesPs ?? sampleTimesPs
                precondition(signal.values.count == times.count, "signal \(signal.name) has the wrong number of samples")
                try db.execute(sql: "INSERT INTO signal (runId, name, unit) VALUES (?, ?, ?)",
                               arguments: [run.id, signal.name, signal.unit])
                try Self.insertSamples(db, signalId: db.lastInsertedRowID, timesPs: times, values: signal.values)
            }
        }
    }

    /// Bulk insert through one prepared statement bound with the C API: about eight times the
    /// rate of record inserts, which matters for long runs with fine sampling.
    static func insertSamples(_ db: Database, signalId: Int64, timesPs: [UInt64], values: [Double]) throws {
        var statement: OpaquePointer?
        let sql = "INSERT INTO sample (signalId, timePs, value) VALUES (?, ?, ?)"
        guard sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &statement, nil) == SQLITE_OK else {
            throw ResultStoreError("cannot prepare sample insert: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        defer { sqlite3_finalize(statement) }
        for (time, value) in zip(timesPs, values) {
            sqlite3_bind_int64(statement, 1, signalId)
            sqlite3_bind_int64(statement, 2, Int64(clamping: time))
            sqlite3_bind_double(statement, 3, value)
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw ResultStoreError("cannot insert sample: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            sqlite3_reset(statement)
        }
    }

    /// Every run, oldest first.
    /// The columns of a unit cost's values, in `UnitCost.storedNames` order.
    static let unitCostColumns = ["seconds", "tensorBusyCycles", "memoryBytes", "c2cBytes", "flops", "bytesRead", "cpuChaseLoads",
                                  "cpuChaseLatencyPs", "gpuBusy", "gpuChaseLoads", "gpuChaseLatencyPs", "gpuChaseSMCycles", "activates"]

    /// Fast mode's unit costs kept for `machineKey`, by signature.
    public func unitCosts(machineKey: String) throws -> [String: [Double]] {
        try writer.read { db in
            var out: [String: [Double]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT signature, \(Self.unitCostColumns.joined(separator: ", ")) FROM unitCost WHERE machineKey = ?",
                                           arguments: [machineKey])
            while let row = try rows.next() {
                out[row[0]] = (1...Self.unitCostColumns.count).map { row[$0] }
            }
            return out
        }
    }

    /// Keeps unit costs measured for `machineKey`, in one transaction; a signature already kept
    /// stays as it is (the same machine measures it the same).
    public func insertUnitCosts(machineKey: String, _ costs: [(signature: String, values: [Double])]) throws {
        guard !costs.isEmpty else { return }
        let columns = Self.unitCostColumns
        precondition(costs.allSatisfy { $0.values.count == columns.count }, "a unit cost has one value per column")
        try writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO unitCost (machineKey, signature, \(columns.joined(separator: ", ")))
                VALUES (?, ?, \(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """)
            for cost in costs {
                try statement.execute(arguments: StatementArguments([machineKey, cost.signature] as [any DatabaseValueConvertible]
                                                                    + cost.values.map { $0 as any DatabaseValueConvertible }))
            }
        }
    }

    public func runs() throws -> [RunRecord] {
        try writer.read { db in try RunRecord.order(Column("startedAt"), Column("id")).fetchAll(db) }
    }

    /// The run whose id is, or starts with, `idOrPrefix`.
    public func run(_ idOrPrefix: String) throws -> RunRecord {
        let matches = try writer.read { db in
            try RunRecord.filter(Column("id").like("\(idOrPrefix.replacingOccurrences(of: "%", with: ""))%")).limit(2).fetchAll(db)
        }
        guard let first = matches.first else { throw ResultStoreError("no run \(idOrPrefix) in the database") }
        guard matches.count == 1 else { throw ResultStoreError("run id prefix \(idOrPrefix) is ambiguous; give more digits") }
        return first
    }

    /// A run's metrics in the order they were recorded.
    public func metrics(runId: String) throws -> [MetricRecord] {
        try writer.read { db in try MetricRecord.filter(Column("runId") == runId).order(Column("id")).fetchAll(db) }
    }

    /// A run's expectations and verdicts.
    public func expectations(runId: String) throws -> [ExpectationRecord] {
        try writer.read { db in try ExpectationRecord.filter(Column("runId") == runId).order(Column("id")).fetchAll(db) }
    }

    /// A run's samples, by time, then signal in recording order.
    public func samples(runId: String) throws -> [SampleRow] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT signal.name, signal.unit, sample.timePs, sample.value
                FROM sample JOIN signal ON signal.id = sample.signalId
                WHERE signal.runId = ?
                ORDER BY sample.timePs, signal.id
                """, arguments: [runId])
            return rows.map { SampleRow(signal: $0[0], unit: $0[1], timePs: $0[2], value: $0[3]) }
        }
    }

    /// A run's labels, sorted.
    public func labels(runId: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT label FROM label WHERE runId = ? ORDER BY label", arguments: [runId])
        }
    }

    /// Deletes runs with their metrics, expectations, labels and time series, in one
    /// transaction (the schema's foreign keys cascade).
    ///
    /// - Returns: the number of runs deleted.
    @discardableResult
    public func delete(runIds: [String]) throws -> Int {
        try writer.write { db in
            try runIds.reduce(0) { count, id in count + (try RunRecord.deleteOne(db, key: id) ? 1 : 0) }
        }
    }

    /// Finished runs carrying `label`, oldest first.
    public func runs(labelled label: String) throws -> [RunRecord] {
        try writer.read { db in
            try RunRecord.fetchAll(db, sql: """
                SELECT run.* FROM run JOIN label ON label.runId = run.id
                WHERE label.label = ? AND run.status = 'finished'
                ORDER BY run.startedAt, run.id
                """, arguments: [label])
        }
    }

    /// Scenario hashes of the finished runs carrying `label`: a sweep skips these points.
    public func finishedScenarioHashes(label: String) throws -> Set<String> {
        try writer.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT run.scenarioHash FROM run JOIN label ON label.runId = run.id
                WHERE label.label = ? AND run.status = 'finished'
                """, arguments: [label]))
        }
    }

    /// Copies every run of the database at `path` that this one lacks (by run id), with its
    /// metrics, expectations, labels and time series, in one transaction. Merging the same
    /// database twice adds nothing the second time.
    ///
    /// - Returns: the number of runs copied.
    @discardableResult
    public func merge(from path: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { throw ResultStoreError("no database at \(path)") }
        return try writer.writeWithoutTransaction { db in
            // Read-only: a merge never changes its sources, not even their schema.
            let uri = "file:" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path) + "?mode=ro"
            do {
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [uri])
            } catch {
                throw ResultStoreError("cannot open \(path) as a SparkTwin database: \(error)")
            }
            defer { try? db.execute(sql: "DETACH DATABASE source") }
            let tables: Set<String>
            do {
                tables = Set(try String.fetchAll(db, sql: "SELECT name FROM source.sqlite_master WHERE type = 'table'"))
            } catch {
                throw ResultStoreError("\(path) is not an SQLite database: \(error)")
            }
            let required: Set<String> = ["run", "metric", "expectation", "signal", "sample", "grdb_migrations"]
            guard required.isSubset(of: tables) else {
                throw ResultStoreError("\(path) is not a SparkTwin results database (it lacks \(required.subtracting(tables).sorted().joined(separator: ", ")))")
            }
            let known = Set(Self.migrator.migrations)
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM source.grdb_migrations")
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw ResultStoreError("\(path) was written by a newer sparktwin (migration \"\(unknown)\"); refusing to merge it")
            }
            let hasLabels = tables.contains("label")
            var copied = 0
            try db.inTransaction {
                try db.execute(sql: """
                    CREATE TEMP TABLE newRun AS
                    SELECT id FROM source.run WHERE id NOT IN (SELECT id FROM main.run)
                    """)
                copied = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM newRun") ?? 0
                try db.execute(sql: """
                    INSERT INTO main.run SELECT * FROM source.run WHERE id IN (SELECT id FROM newRun);
                    INSERT INTO main.metric (runId, name, value, unit)
                        SELECT runId, name, value, unit FROM source.metric WHERE runId IN (SELECT id FROM newRun) ORDER BY id;
                    INSERT INTO main.expectation (runId, metric, target, unit, tolerance, value, passed)
                        SELECT runId, metric, target, unit, tolerance, value, passed FROM source.expectation
                        WHERE runId IN (SELECT id FROM newRun) ORDER BY id;
                    INSERT INTO main.signal (runId, name, unit)
                        SELECT runId, name, unit FROM source.signal WHERE runId IN (SELECT id FROM newRun) ORDER BY id;
                    INSERT INTO main.sample (signalId, timePs, value)
                        SELECT target.id, sample.timePs, sample.value
                        FROM source.sample sample
                        JOIN source.signal origin ON origin.id = sample.signalId
                        JOIN main.signal target ON target.runId = origin.runId AND target.name = origin.name
                        WHERE origin.runId IN (SELECT id FROM newRun);
                    """)
                if hasLabels {
                    try db.execute(sql: "INSERT INTO main.label (runId, label) SELECT runId, label FROM source.label WHERE runId IN (SELECT id FROM newRun)")
                }
                try db.execute(sql: "DROP TABLE newRun")
                return .commit
            }
            return copied
        }
    }

    /// SQLite's own check of the file: "ok", or what is damaged.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Names of the applied migrations, for tests and `show`.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
    }
}

import Foundation
import GRDB
import PoolEngine

/// The write side of a session's journal: commands with their events in one transaction each, simulation
/// events in batches, clock checkpoints and periodic snapshots.
///
/// Used from one thread (the shell's run loop). A failed write throws and leaves the journal at its last
/// complete transaction; callers stop rather than show the user something that was not recorded.
///
/// One writer per session: creating or resuming takes the session's lock (`JournalLock`, `<journal>.lock`) and
/// the journal holds it for as long as it lives, so a second writer is refused rather than corrupting the chain.
public final class SessionJournal {
    /// The journal file.
    public let path: String
    /// What the session was started from.
    public let parameters: SessionParameters
    /// The desk's account.
    public let deskAccount: AccountID

    /// Wall seconds between two batches of simulation events (a few transactions per second at most).
    public var flushInterval = 0.25
    /// Simulation events that force a batch out early.
    public var maximumPendingEvents = 5_000
    /// Simulated time between two engine snapshots (recovery replays at most this much).
    public var snapshotInterval: SimDuration = .hours(2)
    /// Wall seconds between two snapshots at least: a headless run covers hours of simulated time per second, and
    /// encoding a snapshot costs far more than replaying a second's worth of simulation at recovery.
    public var minimumSnapshotWallInterval = 2.0
    /// Snapshots kept; older ones are deleted, as they are derived data.
    public var snapshotsKept = 2

    let queue: DatabaseQueue
    /// The session's write lock (nil only for the draft written under a temporary name inside `create`).
    let lock: JournalLock?
    private let encoder = JournalCodec.makeEncoder()
    private var headDigest: [UInt8]
    private var commandCount: Int64
    private var lastSeq: Int64
    private var pendingEvents: [EventRow] = []
    /// Commands linked into the chain but not written yet (the server's next group; at most one otherwise).
    private var pendingCommands: [JournalBatch.Command] = []
    private var lastFlushWall: Double
    private var lastSnapshotTime: SimTime
    private var lastSnapshotWall = -Double.infinity
    /// Set by the first failed write: the in-memory chain is then ahead of the file, so nothing more is written.
    private var failure: JournalError?
    /// The simulated time of the last checkpoint written.
    public private(set) var checkpointTime: SimTime

    init(path: String, queue: DatabaseQueue, lock: JournalLock?, parameters: SessionParameters, deskAccount: AccountID, headDigest: [UInt8],
         commandCount: Int64, lastSeq: Int64, checkpointTime: SimTime, lastSnapshotTime: SimTime) {
        self.path = path
        self.queue = queue
        self.lock = lock
        self.parameters = parameters
        self.deskAccount = deskAccount
        self.headDigest = headDigest
        self.commandCount = commandCount
        self.lastSeq = lastSeq
        self.checkpointTime = checkpointTime
        self.lastSnapshotTime = lastSnapshotTime
        lastFlushWall = JournalClock.seconds()
    }

    /// Commands journaled so far.
    public var commandsWritten: Int64 { commandCount }
    /// The last event sequence handed to the journal (written or pending).
    public var lastSequence: Int64 { lastSeq }
    /// Hex of the chain head (including pending events).
    public var headHash: String { JournalHash.hex(headDigest) }

    // MARK: - Creating

    /// Creates a journal at `path` for a new session and returns it with the session's starting scenario.
    ///
    /// The file is built under a temporary name and renamed into place once the session row and the set-up
    /// events are in it, so a crash during creation never leaves a half-made journal at `path`.
    public static func create(at path: String, parameters: SessionParameters, createdBy: String) throws -> (SessionJournal, Scenario) {
        // Locked before looking: two processes starting the same new session must not both build it.
        let lock = try JournalLock.acquire(journal: path)
        if FileManager.default.fileExists(atPath: path) {
            throw JournalError("\(path): already exists; a new session never overwrites a journal")
        }
        let temporary = path + ".creating"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        let draft = try JournalFile.create(path: temporary)
        let scenario = parameters.makeScenario()
        let encoder = JournalCodec.makeEncoder()
        let configurationJSON = try JournalCodec.json(parameters.configuration, encoder: encoder)
        let scenarioJSON = try JournalCodec.json(parameters, encoder: encoder)
        let genesis = JournalCodec.genesisDigest(seed: parameters.seed, configurationJSON: configurationJSON, scenarioJSON: scenarioJSON)
        do {
            try draft.write { db in
                try db.execute(sql: """
                    INSERT INTO session (id, format, seed, configuration, scenario, desk_account, created_at, created_by, genesis_hash)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [JournalSchema.format, String(parameters.seed), configurationJSON, scenarioJSON,
                                     scenario.deskAccount.index, JournalClock.isoNow(), createdBy, JournalHash.hex(genesis)])
            }
        } catch {
            throw JournalFile.describe(error, path: path)
        }
        let drafting = SessionJournal(
            path: path, queue: draft, lock: nil, parameters: parameters, deskAccount: scenario.deskAccount, headDigest: genesis,
            commandCount: 0, lastSeq: 0, checkpointTime: scenario.engine.time, lastSnapshotTime: scenario.engine.time)
        // The set-up events are regenerated from the parameters, but journaled so the record is complete.
        try drafting.recordAdvance(scenario.events, engine: scenario.engine)
        try drafting.commit(drafting.takeBatch(engine: scenario.engine, snapshotIfDue: false))
        do {
            try draft.close()
            if FileManager.default.fileExists(atPath: path) {
                throw JournalError("\(path): already exists; a new session never overwrites a journal")
            }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError("\(path): cannot create (\(error.localizedDescription))")
        }
        let (queue, _) = try JournalFile.openExisting(path: path, readOnly: false)
        let journal = SessionJournal(
            path: path, queue: queue, lock: lock, parameters: parameters, deskAccount: scenario.deskAccount, headDigest: drafting.headDigest,
            commandCount: 0, lastSeq: drafting.lastSeq, checkpointTime: scenario.engine.time, lastSnapshotTime: scenario.engine.time)
        return (journal, scenario)
    }

    // MARK: - Writing

    /// Applies `command` to a copy of `engine`, journals it with its events in one fsynced transaction, and only
    /// then commits the copy to `engine`: whoever shows or acknowledges the result does so once it is on disk.
    /// Throws the write's error with `engine` unchanged.
    /// `label`: the API client's order label, written in the same transaction (see `order_labels`).
    public func apply(_ command: EngineCommand, to engine: inout Engine, label: JournalOrderLabel? = nil) throws -> [EngineEvent] {
        var next = engine
        let events = next.apply(command)
        try recordCommand(command, events: events, engine: next, label: label)
        engine = next
        return events
    }

    /// Journals a command applied at `engine.time` and the events it produced, in one fsynced transaction together
    /// with any simulation events still pending before it. Call before showing the events to the user.
    public func recordCommand(_ command: EngineCommand, events: [EngineEvent], engine: Engine, label: JournalOrderLabel? = nil) throws {
        try stage(command, events: events, engine: engine, metadata: CommandMetadata(label: label))
        try commit(takeBatch(engine: engine, snapshotIfDue: false))
    }

    /// Takes simulation events (from `advance`); they are written in batches by `flushIfDue` / `flush`.
    public func recordAdvance(_ events: [EngineEvent], engine: Engine) throws {
        for event in events { pendingEvents.append(try link(event, commandID: nil, engine: engine)) }
    }

    /// Writes pending simulation events and a clock checkpoint when a batch is due; snapshots when due.
    public func flushIfDue(engine: Engine) throws {
        let now = JournalClock.seconds()
        guard now - lastFlushWall >= flushInterval || pendingEvents.count >= maximumPendingEvents else { return }
        try flush(engine: engine)
    }

    /// Writes pending simulation events and a checkpoint at `engine.time` now; snapshots when due.
    public func flush(engine: Engine) throws {
        if hasPending || engine.time != checkpointTime {
            try commit(takeBatch(engine: engine, snapshotIfDue: false))
        }
        lastFlushWall = JournalClock.seconds()
        if engine.time - lastSnapshotTime >= snapshotInterval, lastFlushWall - lastSnapshotWall >= minimumSnapshotWallInterval {
            try snapshot(engine: engine)
        }
    }

    /// Final flush and snapshot, so the next start is instant.
    public func close(engine: Engine) throws {
        try flush(engine: engine)
        if lastSnapshotTime != engine.time { try snapshot(engine: engine) }
    }

    /// Writes a snapshot of `engine` (everything up to it must already be written) and prunes old ones.
    public func snapshot(engine: Engine) throws {
        if hasPending { try flush(engine: engine) }
        let data: Data
        do {
            data = try encoder.encode(engine)
        } catch {
            throw JournalError("\(path): cannot encode the engine snapshot (\(error))")
        }
        let row = SnapshotRow(simTime: engine.time.milliseconds, lastSeq: lastSeq, commandCount: commandCount, engine: data)
        let kept = snapshotsKept
        do {
            try queue.write { db in try JournalBatchWriter.insert(row, kept: kept, db) }
        } catch {
            throw JournalFile.describe(error, path: path)
        }
        lastSnapshotTime = engine.time
        lastSnapshotWall = JournalClock.seconds()
    }

    private func link(_ event: EngineEvent, commandID: Int64?, engine: Engine) throws -> EventRow {
        var row = try JournalCodec.eventRow(event, commandID: commandID, engine: engine, encoder: encoder)
        headDigest = JournalCodec.chain(headDigest, JournalCodec.eventCanonical(row))
        row.hash = JournalHash.hex(headDigest)
        lastSeq = row.seq
        return row
    }

    // MARK: - Group commit

    /// Whether commands or simulation events are linked into the chain but not written yet.
    public var hasPending: Bool { !pendingEvents.isEmpty || !pendingCommands.isEmpty }

    /// Links a command applied at `engine.time` (`engine` is the state right after it) and its events into the chain
    /// without writing anything: it is written, with everything staged before it, by the next ``takeBatch(engine:snapshotIfDue:)``
    /// handed to a ``JournalBatchWriter``. `metadata` is written in that same transaction.
    ///
    /// The server's sequencer stages commands while the previous group is being written and commits them together
    /// (group commit); the rows and hashes are exactly those `recordCommand` writes one transaction at a time.
    /// A failure stops the journal (later calls throw it).
    public func stage(_ command: EngineCommand, events: [EngineEvent], engine: Engine, metadata: CommandMetadata = CommandMetadata()) throws {
        if let failure { throw failure }
        do {
            let json = try JournalCodec.json(command, encoder: encoder)
            commandCount += 1
            var row = CommandRow(id: commandCount, simTime: engine.time.milliseconds, afterSeq: lastSeq, kind: command.kind, command: json, hash: "")
            headDigest = JournalCodec.chain(headDigest, JournalCodec.commandCanonical(row))
            row.hash = JournalHash.hex(headDigest)
            pendingCommands.append(JournalBatch.Command(row: row, metadata: CommandMetadata(label: metadata.label?.completed(engine: engine))))
            for event in events { pendingEvents.append(try link(event, commandID: row.id, engine: engine)) }
        } catch {
            // The in-memory chain may now hold half a command: nothing more may be written after it.
            let stopped = error as? JournalError ?? JournalError("\(path): cannot encode \(command.kind) (\(error))")
            failure = stopped
            throw stopped
        }
    }

    /// Everything staged, as one write ending with a checkpoint at `engine` (the state after the last staged entry),
    /// plus a snapshot of `engine` when one is due and `snapshotIfDue`. The staged rows are handed over: write the
    /// batch with ``JournalBatchWriter/write(_:)`` and report the outcome with ``didWrite(_:)`` or ``didFail(_:)``,
    /// batches in the order they were taken.
    public func takeBatch(engine: Engine, snapshotIfDue: Bool) throws -> JournalBatch {
        if let failure { throw failure }
        var batch = JournalBatch(
            commands: pendingCommands, events: pendingEvents, simTime: engine.time.milliseconds, lastSeq: lastSeq,
            commandCount: commandCount, headHash: JournalHash.hex(headDigest), snapshotsKept: snapshotsKept)
        pendingCommands.removeAll(keepingCapacity: true)
        pendingEvents.removeAll(keepingCapacity: true)
        let wall = JournalClock.seconds()
        if snapshotIfDue, engine.time - lastSnapshotTime >= snapshotInterval, wall - lastSnapshotWall >= minimumSnapshotWallInterval {
            // Encoded by the writer, off the caller's thread: the engine is a value.
            batch.snapshot = engine
            lastSnapshotTime = engine.time
            lastSnapshotWall = wall
        }
        return batch
    }

    /// Records that `batch` is durable.
    public func didWrite(_ batch: JournalBatch) {
        checkpointTime = SimTime(milliseconds: batch.simTime)
    }

    /// Records that a batch failed: the in-memory chain is now ahead of the file, so nothing more is written.
    public func didFail(_ error: JournalError) {
        if failure == nil { failure = error }
    }

    /// The writer for this journal's batches; it may run on another thread than the journal's owner.
    public var batchWriter: JournalBatchWriter { JournalBatchWriter(queue: queue, path: path) }

    /// Writes `batch` now, on this thread.
    func commit(_ batch: JournalBatch) throws {
        do {
            try batchWriter.write(batch)
        } catch {
            let failure = error as? JournalError ?? JournalError("journal write failed: \(error)")
            didFail(failure)
            throw failure
        }
        didWrite(batch)
    }
}

/// Per-command facts written in the command's own transaction, in additive tables (the chain covers only the
/// `commands` and `events` rows, so old journals and the release-1 fixtures verify unchanged), written by
/// ``JournalBatchWriter/writeMetadata(_:command:_:)``.
public struct CommandMetadata: Hashable, Sendable {
    /// An API order's label (`order_labels`), completed with the index price and mark when staged.
    public var label: JournalOrderLabel?

    public init(label: JournalOrderLabel? = nil) {
        self.label = label
    }
}

/// One `snapshots` row.
struct SnapshotRow: Sendable {
    var simTime: Int64
    var lastSeq: Int64
    var commandCount: Int64
    var engine: Data
}

/// Rows linked into the chain, to be written in one transaction: commands (with their metadata), events, then a
/// checkpoint at the state after the last of them; with a snapshot of that state when one is due.
public struct JournalBatch: Sendable {
    struct Command: Sendable {
        var row: CommandRow
        var metadata: CommandMetadata
    }

    var commands: [Command]
    var events: [EventRow]
    var simTime: Int64
    var lastSeq: Int64
    var commandCount: Int64
    var headHash: String
    var snapshotsKept: Int
    var snapshot: Engine?

    /// Commands in the batch.
    public var commandRows: Int { commands.count }
    /// Event rows in the batch.
    public var eventRows: Int { events.count }
}

/// Writes batches to a journal's file. Sendable, so the server writes from its own thread while its sequencer
/// keeps applying the next group; batches must be written in the order they were taken.
public struct JournalBatchWriter: Sendable {
    let queue: DatabaseQueue
    let path: String

    /// One transaction, fsynced (`synchronous = FULL`): the commands, their metadata, the events, a checkpoint,
    /// and the snapshot when the batch carries one. Throws with nothing of the batch written.
    public func write(_ batch: JournalBatch) throws {
        let recorded = JournalClock.isoNow()
        let snapshot: SnapshotRow?
        if let engine = batch.snapshot {
            do {
                let data = try JournalCodec.makeEncoder().encode(engine)
                snapshot = SnapshotRow(simTime: batch.simTime, lastSeq: batch.lastSeq, commandCount: batch.commandCount, engine: data)
            } catch {
                throw JournalError("\(path): cannot encode the engine snapshot (\(error))")
            }
        } else {
            snapshot = nil
        }
        do {
            try queue.write { db in
                // Commands before events: events reference their command (foreign key).
                if !batch.commands.isEmpty {
                    let insert = try db.cachedStatement(sql: """
                        INSERT INTO commands (id, sim_time, after_seq, kind, command, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    for command in batch.commands {
                        let row = command.row
                        try insert.execute(arguments: [row.id, row.simTime, row.afterSeq, row.kind, row.command, recorded, row.hash])
                    }
                    for command in batch.commands { try writeMetadata(command.metadata, command: command.row, db) }
                }
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO events (seq, sim_time, command_id, kind, account, series, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in batch.events {
                    try insert.execute(arguments: [row.seq, row.simTime, row.commandID, row.kind, row.account, row.series, row.payload, row.hash])
                }
                try db.cachedStatement(sql: """
                    INSERT INTO checkpoints (sim_time, last_seq, command_count, head_hash, recorded_at) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [batch.simTime, batch.lastSeq, batch.commandCount, batch.headHash, recorded])
                if let snapshot { try Self.insert(snapshot, kept: batch.snapshotsKept, db) }
            }
        } catch {
            throw JournalError("journal write failed: \(JournalFile.describe(error, path: path).message)")
        }
    }

    /// Writes a command's metadata rows (none yet) inside the command's transaction.
    func writeMetadata(_ metadata: CommandMetadata, command: CommandRow, _ db: Database) throws {
        if let label = metadata.label { try label.insert(db, commandID: command.id, recordedAt: JournalClock.isoNow()) }
    }

    /// Inserts a snapshot and prunes all but the newest `kept`.
    static func insert(_ snapshot: SnapshotRow, kept: Int, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO snapshots (sim_time, last_seq, command_count, engine, recorded_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [snapshot.simTime, snapshot.lastSeq, snapshot.commandCount, snapshot.engine, JournalClock.isoNow()])
        try db.execute(sql: "DELETE FROM snapshots WHERE id NOT IN (SELECT id FROM snapshots ORDER BY id DESC LIMIT ?)", arguments: [kept])
    }
}

/// Wall-clock helpers (the journal records when things were written; the engine never sees them).
enum JournalClock {
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func isoNow() -> String {
        Date().formatted(.iso8601)
    }
}

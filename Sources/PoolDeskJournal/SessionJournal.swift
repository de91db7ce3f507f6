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
        try drafting.write(rows: drafting.takePending(), command: nil, engine: scenario.engine)
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

    private func takePending() -> [EventRow] {
        defer { pendingEvents.removeAll(keepingCapacity: true) }
        return pendingEvents
    }

    // MARK: - Writing

    /// Journals a command applied at `engine.time` and the events it produced, in one transaction together
    /// with any simulation events still pending before it. Call before showing the events to the user.
    /// Applies `command` to a copy of `engine`, journals it with its events in one fsynced transaction, and only
    /// then commits the copy to `engine`: whoever shows or acknowledges the result does so once it is on disk.
    /// Throws the write's error with `engine` unchanged.
    /// `label`: the API client's order label, written in the same transaction (see `order_labels`).
    public func apply(_ command: EngineCommand, to engine: inout Engine, label: JournalOrderLabel? = nil) throws -> [EngineEvent] {
        var next = engine
        let events = next.apply(command)
        try recordCommand(command, events: events, engine: next, label: label?.completed(engine: next))
        engine = next
        return events
    }

    public func recordCommand(_ command: EngineCommand, events: [EngineEvent], engine: Engine, label: JournalOrderLabel? = nil) throws {
        commandCount += 1
        var row = CommandRow(
            id: commandCount, simTime: engine.time.milliseconds, afterSeq: lastSeq, kind: command.kind,
            command: try JournalCodec.json(command, encoder: encoder), hash: "")
        headDigest = JournalCodec.chain(headDigest, JournalCodec.commandCanonical(row))
        row.hash = JournalHash.hex(headDigest)
        var rows = pendingEvents
        pendingEvents.removeAll(keepingCapacity: true)
        for event in events { rows.append(try link(event, commandID: row.id, engine: engine)) }
        try write(rows: rows, command: row, engine: engine, label: label)
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
        if !pendingEvents.isEmpty || engine.time != checkpointTime {
            let rows = pendingEvents
            pendingEvents.removeAll(keepingCapacity: true)
            try write(rows: rows, command: nil, engine: engine)
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
        if !pendingEvents.isEmpty { try flush(engine: engine) }
        let data: Data
        do {
            data = try encoder.encode(engine)
        } catch {
            throw JournalError("\(path): cannot encode the engine snapshot (\(error))")
        }
        let simTime = engine.time.milliseconds, seq = lastSeq, commands = commandCount, kept = snapshotsKept
        do {
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO snapshots (sim_time, last_seq, command_count, engine, recorded_at) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [simTime, seq, commands, data, JournalClock.isoNow()])
                try db.execute(sql: "DELETE FROM snapshots WHERE id NOT IN (SELECT id FROM snapshots ORDER BY id DESC LIMIT ?)",
                               arguments: [kept])
            }
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

    private func write(rows: [EventRow], command: CommandRow?, engine: Engine, label: JournalOrderLabel? = nil) throws {
        if let failure { throw failure }
        let simTime = engine.time.milliseconds, seq = lastSeq, commands = commandCount, head = JournalHash.hex(headDigest)
        let recorded = JournalClock.isoNow()
        do {
            try queue.write { db in
                if let command {
                    try db.cachedStatement(sql: """
                        INSERT INTO commands (id, sim_time, after_seq, kind, command, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [command.id, command.simTime, command.afterSeq, command.kind, command.command, recorded, command.hash])
                    if let label { try label.insert(db, commandID: command.id, recordedAt: recorded) }
                }
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO events (seq, sim_time, command_id, kind, account, series, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows {
                    try insert.execute(arguments: [row.seq, row.simTime, row.commandID, row.kind, row.account, row.series, row.payload, row.hash])
                }
                try db.cachedStatement(sql: """
                    INSERT INTO checkpoints (sim_time, last_seq, command_count, head_hash, recorded_at) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [simTime, seq, commands, head, recorded])
            }
        } catch {
            let failure = JournalError("journal write failed: \(JournalFile.describe(error, path: path).message)")
            self.failure = failure
            throw failure
        }
        checkpointTime = engine.time
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

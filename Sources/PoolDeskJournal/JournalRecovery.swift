import Foundation
import GRDB
import PoolEngine

/// A session brought back from its journal, ready to continue.
public struct RecoveredSession {
    public var journal: SessionJournal
    public var engine: Engine
    /// The newest journaled events (oldest first), to refill the dashboard's log.
    public var recentEvents: [EngineEvent]
    /// Simulated time the replay started from (the snapshot used, or the session's start).
    public var replayedFrom: SimTime
    /// Commands re-applied after the snapshot.
    public var replayedCommands: Int
    /// Wall seconds recovery took.
    public var seconds: Double
    /// Of which checking the whole hash chain took.
    public var chainCheckSeconds: Double
}

/// The engine at the end of a journal, rebuilt from its newest usable snapshot plus the commands after it.
struct RecoveredState {
    var session: SessionRecord
    var engine: Engine
    var digest: [UInt8]
    var commandCount: Int64
    var lastSeq: Int64
    var replayedFrom: SimTime
    var replayedCommands: Int
    var chainCheckSeconds: Double
}

extension SessionJournal {
    /// Reopens an existing journal and rebuilds the exact state after its last complete transaction:
    /// newest snapshot, then each later command at its simulated time, then the clock to the last checkpoint.
    /// The whole hash chain is checked first (as `verify` does, without its full replay) and a journal that fails
    /// it is refused with `verify`'s message; every regenerated event is then checked against the journal.
    /// Takes the session's write lock first: a session in use by another process is refused.
    public static func resume(at path: String) throws -> RecoveredSession {
        let started = JournalClock.seconds()
        let lock = try JournalLock.acquire(journal: path)
        let (queue, _) = try JournalFile.openExisting(path: path, readOnly: false)
        let state = try JournalReader.recover(queue: queue, path: path)
        let recent = try JournalReader.recentEvents(queue: queue, path: path, limit: 200)
        let journal = SessionJournal(
            path: path, queue: queue, lock: lock, parameters: state.session.parameters, deskAccount: state.session.deskAccount,
            headDigest: state.digest, commandCount: state.commandCount, lastSeq: state.lastSeq,
            checkpointTime: state.engine.time, lastSnapshotTime: state.replayedFrom)
        return RecoveredSession(
            journal: journal, engine: state.engine, recentEvents: recent, replayedFrom: state.replayedFrom,
            replayedCommands: state.replayedCommands, seconds: JournalClock.seconds() - started, chainCheckSeconds: state.chainCheckSeconds)
    }
}

/// A session as journaled, rebuilt for watching only (the read-only dashboard).
public struct JournaledSession {
    /// The session row.
    public var session: SessionRecord
    /// The state after the journal's last complete transaction, at its last checkpoint.
    public var engine: Engine
    /// The newest journaled events (oldest first), to fill the dashboard's log.
    public var recentEvents: [EngineEvent]
    /// Wall seconds the rebuild took.
    public var seconds: Double
}

extension JournalReader {
    /// Rebuilds a session without writing anything: the file is opened read-only (no lock, no migration, no WAL
    /// switch, no rows, no snapshot), its chain checked, and the state replayed to its last checkpoint. Another
    /// process may be writing it meanwhile; SQLite's WAL gives this reader one consistent view.
    public static func loadReadOnly(path: String) throws -> JournaledSession {
        let started = JournalClock.seconds()
        let queue = try openReadOnly(path: path)
        let state = try recover(queue: queue, path: path)
        // A writer may have appended since `recover` read: only events the rebuilt engine has seen are shown.
        let recent = try recentEvents(queue: queue, path: path, limit: 200, through: state.engine.lastEventSequence)
        return JournaledSession(session: state.session, engine: state.engine, recentEvents: recent,
                                seconds: JournalClock.seconds() - started)
    }
}

/// Read-side helpers shared by recovery, replay, verify and export.
public enum JournalReader {
    /// Opens a journal read-only (verify, replay, export): the file is never written.
    public static func openReadOnly(path: String) throws -> DatabaseQueue {
        try JournalFile.openExisting(path: path, readOnly: true).0
    }

    /// The session row of a journal.
    public static func session(queue: DatabaseQueue, path: String) throws -> SessionRecord {
        try guarded(path) { try queue.read { db in try SessionRecord.read(db, path: path) } }
    }

    /// The state after the last complete transaction (see `SessionJournal.resume`).
    static func recover(queue: DatabaseQueue, path: String) throws -> RecoveredState {
        try guarded(path) {
            try queue.read { db in
                let session = try SessionRecord.read(db, path: path)
                // Rows before the snapshot are not replayed below, so the chain is checked end to end first.
                let chainStarted = JournalClock.seconds()
                try JournalVerifier.checkChainBeforeUse(db, session: session, path: path)
                let chainCheckSeconds = JournalClock.seconds() - chainStarted
                let decoder = JournalCodec.makeDecoder()
                var start: (engine: Engine, seq: Int64, commands: Int64, digest: [UInt8])?
                // Newest usable snapshot; one that fails to decode (say, an older format) is skipped.
                let snapshots = try Row.fetchAll(db, sql: "SELECT last_seq, command_count, engine FROM snapshots ORDER BY id DESC")
                for snapshot in snapshots {
                    let seq: Int64 = snapshot["last_seq"], commands: Int64 = snapshot["command_count"]
                    let data: Data = snapshot["engine"]
                    guard let engine = try? decoder.decode(Engine.self, from: data),
                          Int64(engine.upcomingSequence) - 1 == seq,
                          let digest = try chainDigest(db, seq: seq, commands: commands, genesis: session.genesis)
                    else { continue }
                    start = (engine, seq, commands, digest)
                    break
                }
                var replayer: JournalReplayer
                var cursor: RowCursor
                if let start {
                    cursor = try JournalReplayer.eventCursor(db, after: start.seq)
                    replayer = JournalReplayer(engine: start.engine, digest: start.digest, path: path, nextRow: { nil })
                    replayer.rowNumber = start.seq
                } else {
                    cursor = try JournalReplayer.eventCursor(db, after: 0)
                    replayer = JournalReplayer(engine: session.parameters.makeScenario().engine, digest: session.genesis, path: path, nextRow: { nil })
                }
                replayer.nextRow = { try cursor.next().map(JournalReplayer.eventRow) }
                if start == nil { try replayer.expect(session.parameters.makeScenario().events, commandID: nil) }
                let replayedFrom = replayer.engine.time
                let commands = try JournalReplayer.commands(db, after: start?.commands ?? 0)
                for command in commands { try replayer.apply(command, decoder: decoder) }
                if let checkpoint = try JournalReplayer.lastCheckpoint(db), checkpoint.simTime > replayer.engine.time.milliseconds {
                    try replayer.advance(to: SimTime(milliseconds: checkpoint.simTime))
                }
                try replayer.expectEnd()
                return RecoveredState(
                    session: session, engine: replayer.engine, digest: replayer.digest,
                    commandCount: (start?.commands ?? 0) + Int64(commands.count), lastSeq: Int64(replayer.engine.upcomingSequence) - 1,
                    replayedFrom: replayedFrom, replayedCommands: commands.count, chainCheckSeconds: chainCheckSeconds)
            }
        }
    }

    /// The chain digest just after event `seq` and command `commands` (whichever came later), or genesis.
    static func chainDigest(_ db: Database, seq: Int64, commands: Int64, genesis: [UInt8]) throws -> [UInt8]? {
        let eventHash = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq])
        let command = try Row.fetchOne(db, sql: "SELECT after_seq, hash FROM commands WHERE id = ?", arguments: [commands])
        if let command, (command["after_seq"] as Int64) >= seq { return JournalCodec.digest(fromHex: command["hash"]) }
        if let eventHash { return JournalCodec.digest(fromHex: eventHash) }
        return seq == 0 && commands == 0 ? genesis : nil
    }

    /// The newest `limit` journaled events, oldest first.
    public static func recentEvents(queue: DatabaseQueue, path: String, limit: Int, through last: UInt64 = .max) throws -> [EngineEvent] {
        try guarded(path) {
            try queue.read { db in
                let decoder = JournalCodec.makeDecoder()
                let rows = try Row.fetchAll(db, sql: "SELECT seq, sim_time, payload FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?",
                                            arguments: [Int64(clamping: last), limit])
                return try rows.reversed().map { row in
                    let payload: String = row["payload"]
                    return EngineEvent.journaled(
                        sequence: UInt64(row["seq"] as Int64), time: SimTime(milliseconds: row["sim_time"]),
                        payload: try decoder.decode(EventPayload.self, from: Data(payload.utf8)))
                }
            }
        }
    }

    /// Runs `body`, turning SQLite and decoding failures into one-line journal errors.
    static func guarded<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as JournalError {
            throw error
        } catch let error as DatabaseError {
            throw JournalFile.describe(error, path: path)
        } catch let error as DecodingError {
            throw JournalError("\(path): unreadable row (\(error))")
        } catch {
            throw JournalError("\(path): \(error)")
        }
    }
}

import Foundation
import GRDB
import PoolEngine

/// What `pooldesk verify` found in a sound journal.
public struct VerificationSummary: Sendable {
    public var events: Int64
    public var commands: Int64
    public var checkpoints: Int64
    public var snapshotsChecked: Int
    public var start: SimTime
    public var end: SimTime
    public var headHash: String

    /// One line for the terminal.
    public var line: String {
        "ok: \(Plural.count(events, "event")), \(Plural.count(commands, "command")), \(Plural.count(checkpoints, "checkpoint")), "
            + "\(Plural.count(snapshotsChecked, "snapshot")); "
            + "\(start) → \(end); chain head \(headHash.prefix(16)); invariants hold"
    }
}

/// Checks a journal end to end without writing to it: SQLite integrity, the hash chain row by row, the
/// checkpoints against the chain, a full replay from the start (every event, every snapshot), and the
/// engine's invariants on the replayed final state. The first problem is thrown as a one-line error.
public enum JournalVerifier {
    /// Verifies the journal at `path`.
    public static func verify(path: String) throws -> VerificationSummary {
        let queue = try JournalReader.openReadOnly(path: path)
        return try JournalReader.guarded(path) {
            try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                if integrity != ["ok"] {
                    throw JournalError("\(path): corrupt database (\(integrity.first ?? "integrity check failed"))")
                }
                let session = try SessionRecord.read(db, path: path)
                let chain = try checkChain(db, session: session)
                let replay = try replayAll(db, session: session)
                let violations = replay.engine.checkInvariants()
                if let first = violations.first {
                    throw JournalError("replayed state breaks an invariant: \(first)")
                }
                return VerificationSummary(
                    events: chain.events, commands: chain.commands, checkpoints: chain.checkpoints,
                    snapshotsChecked: replay.snapshots, start: session.parameters.configuration.startTime,
                    end: replay.engine.time, headHash: JournalHash.hex(chain.digest))
            }
        }
    }

    /// The chain check run before a journal is resumed or replayed: `checkChain`, its first failure reported with
    /// `verify`'s own words after the path (`PATH: row N (event seq S): hash mismatch; …`).
    static func checkChainBeforeUse(_ db: Database, session: SessionRecord, path: String) throws {
        do {
            _ = try checkChain(db, session: session)
        } catch let error as JournalError {
            throw JournalError("\(path): \(error.message) (the journal fails `pooldesk verify`; not opened)")
        }
    }

    /// Walks commands and events in chain order and recomputes every hash from the stored columns.
    static func checkChain(_ db: Database, session: SessionRecord) throws -> (events: Int64, commands: Int64, checkpoints: Int64, digest: [UInt8]) {
        let commands = try JournalReplayer.commands(db, after: 0)
        for (index, command) in commands.enumerated() where command.id != Int64(index + 1) {
            throw JournalError("command \(index + 1): missing row (next is command \(command.id))")
        }
        let checkpoints = try Row.fetchAll(db, sql: "SELECT id, sim_time, last_seq, command_count, head_hash FROM checkpoints ORDER BY id")
            .map(JournalReplayer.checkpoint)
        var checkpointIndex = 0
        var digest = session.genesis
        var seq: Int64 = 0, commandCount: Int64 = 0, rowNumber: Int64 = 0
        var commandIndex = 0
        let cursor = try JournalReplayer.eventCursor(db, after: 0)
        var nextEvent = try cursor.next().map(JournalReplayer.eventRow)

        func checkCheckpoints() throws {
            while checkpointIndex < checkpoints.count {
                let checkpoint = checkpoints[checkpointIndex]
                guard checkpoint.lastSeq == seq, checkpoint.commandCount == commandCount else { break }
                if checkpoint.headHash != JournalHash.hex(digest) {
                    throw JournalError("checkpoint \(checkpoint.id) (event seq \(checkpoint.lastSeq)): hash mismatch with the chain")
                }
                checkpointIndex += 1
            }
        }

        while true {
            if commandIndex < commands.count, commands[commandIndex].afterSeq <= seq {
                let command = commands[commandIndex]
                if command.afterSeq < seq {
                    throw JournalError("command \(command.id): out of order (recorded after event seq \(command.afterSeq), chain is at \(seq))")
                }
                digest = JournalCodec.chain(digest, JournalCodec.commandCanonical(command))
                if JournalHash.hex(digest) != command.hash { throw JournalError("command \(command.id): hash mismatch") }
                commandCount = command.id
                commandIndex += 1
            } else if let event = nextEvent {
                rowNumber += 1
                if event.seq != seq + 1 {
                    throw JournalError("row \(rowNumber) (event seq \(event.seq)): missing row (expected event seq \(seq + 1))")
                }
                if let commandID = event.commandID, commandID != commandCount {
                    throw JournalError("row \(rowNumber) (event seq \(event.seq)): belongs to command \(commandID), chain is at command \(commandCount)")
                }
                digest = JournalCodec.chain(digest, JournalCodec.eventCanonical(event))
                if JournalHash.hex(digest) != event.hash { throw JournalError("row \(rowNumber) (event seq \(event.seq)): hash mismatch") }
                seq = event.seq
                nextEvent = try cursor.next().map(JournalReplayer.eventRow)
            } else if commandIndex < commands.count {
                let command = commands[commandIndex]
                throw JournalError("command \(command.id): recorded after event seq \(command.afterSeq), but the events end at seq \(seq) (missing rows)")
            } else {
                break
            }
            try checkCheckpoints()
        }
        if checkpointIndex < checkpoints.count {
            let checkpoint = checkpoints[checkpointIndex]
            if checkpoint.lastSeq > seq || checkpoint.commandCount > commandCount {
                throw JournalError("checkpoint \(checkpoint.id) records event seq \(checkpoint.lastSeq) and \(Plural.count(checkpoint.commandCount, "command")), "
                    + "the journal ends at seq \(seq) and \(Plural.count(commandCount, "command")) (missing rows)")
            }
            throw JournalError("checkpoint \(checkpoint.id) (event seq \(checkpoint.lastSeq)): does not match the chain")
        }
        return (seq, commandCount, Int64(checkpoints.count), digest)
    }

    /// Replays from the start, checking every event and every snapshot against the replayed state.
    static func replayAll(_ db: Database, session: SessionRecord) throws -> (engine: Engine, snapshots: Int) {
        let decoder = JournalCodec.makeDecoder()
        let encoder = JournalCodec.makeEncoder()
        let scenario = session.parameters.makeScenario()
        let cursor = try JournalReplayer.eventCursor(db, after: 0)
        var replayer = JournalReplayer(engine: scenario.engine, digest: session.genesis, path: "", nextRow: {
            try cursor.next().map(JournalReplayer.eventRow)
        })
        try replayer.expect(scenario.events, commandID: nil)
        let commands = try JournalReplayer.commands(db, after: 0)
        let snapshots = try Row.fetchAll(db, sql: "SELECT id, sim_time, last_seq, command_count, engine FROM snapshots ORDER BY command_count, sim_time")
        var snapshotIndex = 0
        var snapshotsChecked = 0

        func checkSnapshots(upTo commandCount: Int64, before limit: Int64) throws {
            while snapshotIndex < snapshots.count {
                let snapshot = snapshots[snapshotIndex]
                let count: Int64 = snapshot["command_count"], time: Int64 = snapshot["sim_time"]
                guard count == commandCount, time <= limit else { break }
                try replayer.advance(to: SimTime(milliseconds: time))
                let stored: Data = snapshot["engine"]
                // Compared as values, through today's encoding of both: a snapshot written before a field was added
                // (and so without it) still matches the same state replayed now.
                let storedEngine = try decoder.decode(Engine.self, from: stored)
                // A P&L ledger that opened midway (a snapshot from before the ledger existed, or a session resumed
                // from one) cannot come out of a replay from the start; it only counts, so the rest is compared.
                let replayed = storedEngine.ledger.openedAt == nil ? replayer.engine : replayer.engine.withLedger(of: storedEngine)
                if try encoder.encode(replayed) != encoder.encode(storedEngine) {
                    throw JournalError("snapshot \(snapshot["id"] as Int64) (\(SimTime(milliseconds: time))): differs from the replayed state")
                }
                snapshotIndex += 1
                snapshotsChecked += 1
            }
        }

        var applied: Int64 = 0
        for command in commands {
            try checkSnapshots(upTo: applied, before: command.simTime)
            try replayer.apply(command, decoder: decoder)
            applied = command.id
        }
        let end = try JournalReplayer.lastCheckpoint(db)?.simTime ?? replayer.engine.time.milliseconds
        try checkSnapshots(upTo: applied, before: end)
        if snapshotIndex < snapshots.count {
            let id: Int64 = snapshots[snapshotIndex]["id"]
            throw JournalError("snapshot \(id): taken at a point the journal never reached")
        }
        if end > replayer.engine.time.milliseconds { try replayer.advance(to: SimTime(milliseconds: end)) }
        try replayer.expectEnd()
        return (replayer.engine, snapshotsChecked)
    }
}

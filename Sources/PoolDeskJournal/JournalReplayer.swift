import Foundation
import GRDB
import PoolEngine

/// The `session` row, decoded.
public struct SessionRecord: Sendable {
    public var parameters: SessionParameters
    public var deskAccount: AccountID
    public var genesis: [UInt8]
    public var createdAt: String
    public var createdBy: String

    static func read(_ db: Database, path: String) throws -> SessionRecord {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT seed, configuration, scenario, desk_account, created_at, created_by, genesis_hash FROM session WHERE id = 1
            """) else { throw JournalError("\(path): journal has no session row") }
        let seedText: String = row["seed"]
        let configurationJSON: String = row["configuration"]
        let scenarioJSON: String = row["scenario"]
        let genesisHex: String = row["genesis_hash"]
        guard let seed = UInt64(seedText) else { throw JournalError("\(path): session row: seed \"\(seedText)\" is not a number") }
        let decoder = JournalCodec.makeDecoder()
        var parameters: SessionParameters
        do {
            parameters = try decoder.decode(SessionParameters.self, from: Data(scenarioJSON.utf8))
            parameters.configuration = try decoder.decode(EngineConfiguration.self, from: Data(configurationJSON.utf8))
        } catch {
            throw JournalError("\(path): session row: unreadable configuration (\(error))")
        }
        parameters.seed = seed
        if let problem = parameters.configuration.validationError() {
            throw JournalError("\(path): session row: configuration is unusable (\(problem))")
        }
        let genesis = JournalCodec.genesisDigest(seed: seed, configurationJSON: configurationJSON, scenarioJSON: scenarioJSON)
        guard JournalHash.hex(genesis) == genesisHex else {
            throw JournalError("\(path): session row: hash mismatch (seed, configuration or scenario edited)")
        }
        return SessionRecord(
            parameters: parameters, deskAccount: AccountID(row["desk_account"]), genesis: genesis,
            createdAt: row["created_at"], createdBy: row["created_by"])
    }
}

/// A checkpoint row.
struct CheckpointRow: Sendable {
    var id: Int64
    var simTime: Int64
    var lastSeq: Int64
    var commandCount: Int64
    var headHash: String
}

/// Re-runs journaled commands on an engine and checks every regenerated event, field by field and link by
/// link, against the journal's rows. Recovery runs it from the newest snapshot, `verify` from the start.
struct JournalReplayer {
    var engine: Engine
    var digest: [UInt8]
    let path: String
    let encoder = JournalCodec.makeEncoder()
    /// Event rows read so far (the `row N` of messages).
    var rowNumber: Int64 = 0
    /// Reads the next journaled event row in sequence order (nil at the end).
    var nextRow: () throws -> EventRow?
    /// Called with every regenerated event, for callers that keep a tail of them.
    var observe: ((EngineEvent) -> Void)?

    /// Checks events the replay produced against the next rows of the journal.
    mutating func expect(_ events: [EngineEvent], commandID: Int64?) throws {
        for event in events {
            observe?(event)
            let row = try JournalCodec.eventRow(event, commandID: commandID, engine: engine, encoder: encoder)
            guard let stored = try nextRow() else {
                throw JournalError("event seq \(row.seq): missing row (the replay produces it, the journal ends before it)")
            }
            rowNumber += 1
            if stored.seq != row.seq {
                throw JournalError("row \(rowNumber) (event seq \(stored.seq)): missing row (expected event seq \(row.seq))")
            }
            if stored.simTime != row.simTime || stored.commandID != row.commandID || stored.kind != row.kind
                || stored.account != row.account || stored.series != row.series || stored.payload != row.payload {
                throw JournalError("row \(rowNumber) (event seq \(stored.seq)): does not replay (journal: \(stored.kind) at \(SimTime(milliseconds: stored.simTime)), replay: \(row.kind) at \(event.time))")
            }
            digest = JournalCodec.chain(digest, JournalCodec.eventCanonical(row))
            if JournalHash.hex(digest) != stored.hash {
                throw JournalError("row \(rowNumber) (event seq \(stored.seq)): hash mismatch")
            }
        }
    }

    /// Advances to `time`, checking what the simulation produced on the way.
    mutating func advance(to time: SimTime) throws {
        var events: [EngineEvent] = []
        engine.advance(to: time, into: &events)
        try expect(events, commandID: nil)
        if engine.time != time {
            throw JournalError("simulated time \(SimTime(milliseconds: time.milliseconds)) is not on the engine's tick grid (replay clock at \(engine.time))")
        }
    }

    /// Replays one command at its journaled time.
    mutating func apply(_ command: CommandRow, decoder: JSONDecoder) throws {
        try advance(to: SimTime(milliseconds: command.simTime))
        let reached = Int64(engine.upcomingSequence) - 1
        guard reached == command.afterSeq else {
            throw JournalError("command \(command.id): recorded after event seq \(command.afterSeq), replay is at seq \(reached)")
        }
        digest = JournalCodec.chain(digest, JournalCodec.commandCanonical(command))
        if JournalHash.hex(digest) != command.hash { throw JournalError("command \(command.id): hash mismatch") }
        let decoded: EngineCommand
        do {
            decoded = try decoder.decode(EngineCommand.self, from: Data(command.command.utf8))
        } catch {
            throw JournalError("command \(command.id): unreadable command JSON")
        }
        try expect(engine.apply(decoded), commandID: command.id)
    }

    /// Fails when the journal holds events the replay did not produce.
    mutating func expectEnd() throws {
        if let extra = try nextRow() {
            throw JournalError("row \(rowNumber + 1) (event seq \(extra.seq)): not produced by the replay (extra or out-of-order row)")
        }
    }
}

extension JournalReplayer {
    /// Reads commands after `commandCount`, in order.
    static func commands(_ db: Database, after commandCount: Int64) throws -> [CommandRow] {
        try Row.fetchAll(db, sql: "SELECT id, sim_time, after_seq, kind, command, hash FROM commands WHERE id > ? ORDER BY id",
                         arguments: [commandCount]).map { row in
            CommandRow(id: row["id"], simTime: row["sim_time"], afterSeq: row["after_seq"], kind: row["kind"], command: row["command"], hash: row["hash"])
        }
    }

    /// A cursor over event rows after `seq`.
    static func eventCursor(_ db: Database, after seq: Int64) throws -> RowCursor {
        try Row.fetchCursor(db, sql: "SELECT seq, sim_time, command_id, kind, account, series, payload, hash FROM events WHERE seq > ? ORDER BY seq",
                            arguments: [seq])
    }

    static func eventRow(_ row: Row) -> EventRow {
        EventRow(seq: row["seq"], simTime: row["sim_time"], commandID: row["command_id"], kind: row["kind"], account: row["account"],
                 series: row["series"], payload: row["payload"], hash: row["hash"])
    }

    /// The last checkpoint (where a session resumes).
    static func lastCheckpoint(_ db: Database) throws -> CheckpointRow? {
        try Row.fetchOne(db, sql: "SELECT id, sim_time, last_seq, command_count, head_hash FROM checkpoints ORDER BY id DESC LIMIT 1").map(checkpoint)
    }

    static func checkpoint(_ row: Row) -> CheckpointRow {
        CheckpointRow(id: row["id"], simTime: row["sim_time"], lastSeq: row["last_seq"], commandCount: row["command_count"], headHash: row["head_hash"])
    }
}

import Foundation
import PoolEngine

/// One step of a served pool, in the order the server took it: a command it applied (accepted or refused by the
/// engine, exactly as journaled) or a move of its clock. Applying the same steps to the same engine gives the same
/// engine, bit for bit (the engine is deterministic: the journal's replay rests on the same fact), so a network
/// dashboard that holds a replica shows exactly the server's state.
public enum ReplicaEntry: Hashable, Sendable {
    /// The server applied `command` at its current simulated time.
    case command(sequence: Int64, EngineCommand)
    /// The server advanced its clock to `time`.
    case advance(sequence: Int64, to: SimTime)

    /// Position in the server's stream (consecutive from 1 within one server run, see ``ReplicaProtocol``).
    public var sequence: Int64 {
        switch self {
        case .command(let sequence, _), .advance(let sequence, _): sequence
        }
    }

    /// Applies the step to `engine`, appending the events it produces.
    public func apply(to engine: inout Engine, into events: inout [EngineEvent]) {
        switch self {
        case .command(_, let command): events += engine.apply(command)
        case .advance(_, let time): if time > engine.time { engine.advance(to: time, into: &events) }
        }
    }
}

/// The pool as a replica starts from: the engine at `sequence` of server run `serverID`.
public struct ReplicaSnapshot: Sendable {
    public var serverID: String
    public var sequence: Int64
    public var engine: Engine
    /// The server's clock speed (simulated seconds per wall second), for the dashboard's header.
    public var speed: Double

    public init(serverID: String, sequence: Int64, engine: Engine, speed: Double) {
        self.serverID = serverID
        self.sequence = sequence
        self.engine = engine
        self.speed = speed
    }
}

/// PoolDesk's replication protocol (not Deribit's; documented in the README's API section), format 1:
///
/// - Channel `pool.replica`: every publication (at most every 100 ms) carries
///   `{"server_id": ID, "entries": [ENTRY, …]}`, each entry `{"seq": N, "command": "<EngineCommand JSON>"}` or
///   `{"seq": N, "advance_to": MILLISECONDS}`, with consecutive `seq`.
/// - Method `public/get_replica` (`since`, `server_id` optional): when `server_id` names this server run and the
///   entries after `since` are still held, `{"server_id", "format", "sequence", "entries"}` (a catch-up); otherwise
///   `{"server_id", "format", "rules_version", "sequence", "speed", "engine": "<Engine JSON>"}` (a snapshot).
///
/// A client subscribes first, then asks for the replica, and drops entries at or below the replica's `sequence`;
/// a gap in `seq` (a slow reader skipped a publication) or a new `server_id` (the server restarted) means asking
/// again. Commands and the engine travel as JSON text inside a string: 64-bit fixed-point amounts would not
/// survive a JSON number.
public enum ReplicaProtocol {
    /// The format this build reads and writes.
    public static let format = 1
    public static let channelName = "pool.replica"

    /// The journal's canonical encoding (sorted keys, shortest round-trip doubles, non-finite doubles as strings),
    /// which round-trips an engine exactly.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Entries as the channel and the catch-up carry them.
    public static func json(_ entries: [ReplicaEntry]) -> JSONValue {
        let encoder = makeEncoder()
        return .array(entries.map { entry -> JSONValue in
            switch entry {
            case .command(let sequence, let command):
                let text = (try? encoder.encode(command)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
                return ["seq": .number(Double(sequence)), "command": .string(text)]
            case .advance(let sequence, let time):
                return ["seq": .number(Double(sequence)), "advance_to": .number(Double(time.milliseconds))]
            }
        })
    }

    /// Entries read back from ``json(_:)``, or why they cannot be.
    public static func entries(from value: JSONValue?) -> Result<[ReplicaEntry], ReplicaError> {
        guard case .array(let items)? = value else { return .failure(ReplicaError("entries: expected an array")) }
        let decoder = makeDecoder()
        var entries: [ReplicaEntry] = []
        entries.reserveCapacity(items.count)
        for item in items {
            guard case .number(let seq)? = item["seq"], seq.isFinite, seq >= 0, seq < 9e15 else { return .failure(ReplicaError("entry without a valid seq")) }
            if case .string(let text)? = item["command"] {
                guard let command = try? decoder.decode(EngineCommand.self, from: Data(text.utf8)) else {
                    return .failure(ReplicaError("entry \(Int64(seq)): unreadable command"))
                }
                entries.append(.command(sequence: Int64(seq), command))
            } else if case .number(let time)? = item["advance_to"], time.isFinite, abs(time) < 9e15 {
                entries.append(.advance(sequence: Int64(seq), to: SimTime(milliseconds: Int64(time))))
            } else {
                return .failure(ReplicaError("entry \(Int64(seq)): neither a command nor an advance"))
            }
        }
        return .success(entries)
    }

    /// The snapshot result of `public/get_replica`.
    public static func snapshotResult(_ snapshot: ReplicaSnapshot) -> JSONValue {
        let text = (try? makeEncoder().encode(snapshot.engine)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return ["server_id": .string(snapshot.serverID), "format": .number(Double(format)),
                "rules_version": .number(Double(snapshot.engine.configuration.rulesVersion)),
                "sequence": .number(Double(snapshot.sequence)), "speed": .number(snapshot.speed), "engine": .string(text)]
    }

    /// The catch-up result of `public/get_replica`: the entries after the client's sequence.
    public static func catchUpResult(serverID: String, sequence: Int64, entries: [ReplicaEntry]) -> JSONValue {
        ["server_id": .string(serverID), "format": .number(Double(format)), "sequence": .number(Double(sequence)),
         "entries": json(entries)]
    }

    /// What a `public/get_replica` result holds.
    public enum Reply: Sendable {
        case snapshot(ReplicaSnapshot)
        case catchUp(serverID: String, entries: [ReplicaEntry])
    }

    /// Reads a `public/get_replica` result, or says in one line why this build cannot use it (another format, newer
    /// engine rules, an unreadable engine).
    public static func reply(from value: JSONValue) -> Result<Reply, ReplicaError> {
        guard case .string(let serverID)? = value["server_id"] else { return .failure(ReplicaError("the reply has no server_id")) }
        guard case .number(let version)? = value["format"] else { return .failure(ReplicaError("the reply has no replica format")) }
        guard Int(exactly: version) == format else {
            return .failure(ReplicaError("the server sends replica format \(version.formatted()), this pooldesk reads format \(format): run the same release on both sides"))
        }
        if value["entries"] != nil {
            return entries(from: value["entries"]).map { .catchUp(serverID: serverID, entries: $0) }
        }
        if case .number(let rules)? = value["rules_version"], rules > Double(EngineRules.current) {
            return .failure(ReplicaError("the server runs engine rules \(rules.formatted()), newer than this pooldesk's \(EngineRules.current): upgrade pooldesk"))
        }
        guard case .number(let sequence)? = value["sequence"], sequence.isFinite, sequence >= 0,
              case .string(let text)? = value["engine"] else { return .failure(ReplicaError("the reply has no engine snapshot")) }
        let engine: Engine
        do {
            engine = try makeDecoder().decode(Engine.self, from: Data(text.utf8))
        } catch {
            return .failure(ReplicaError("the server's engine snapshot is unreadable here (\(error)): run the same release on both sides"))
        }
        var speed = 1.0
        if case .number(let value)? = value["speed"], value.isFinite, value > 0 { speed = value }
        return .success(.snapshot(ReplicaSnapshot(serverID: serverID, sequence: Int64(sequence), engine: engine, speed: speed)))
    }
}

/// Why a replica message cannot be used, in one line.
public struct ReplicaError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Double {
    /// `2` rather than `2.0` in messages.
    fileprivate func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}

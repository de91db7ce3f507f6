import Foundation
import PoolDeskAPI
import PoolEngine
import Testing

@Suite("Replica protocol (pool.replica, public/get_replica)")
struct ReplicaProtocolTests {
    let scenario = Scenario(seed: 11, participants: ParticipantConfiguration(count: 6))

    @Test("steps survive the wire, and replaying them on the starting engine gives the served engine exactly")
    func roundTrip() throws {
        var served = scenario.engine
        let start = served
        var entries: [ReplicaEntry] = []
        var sequence: Int64 = 0
        var served_events: [EngineEvent] = []
        // A served session in miniature: clock moves and commands interleaved, a refused one among them.
        for step in 1...40 {
            sequence += 1
            let time = served.time + SimDuration(milliseconds: 30_000)
            served.advance(to: time, into: &served_events)
            entries.append(.advance(sequence: sequence, to: time))
            if step % 7 == 0 {
                let command = EngineCommand.deposit(account: scenario.deskAccount, amount: Money(step * 1_000))
                served_events += served.apply(command)
                sequence += 1
                entries.append(.command(sequence: sequence, command))
            }
        }
        let refused = EngineCommand.withdraw(account: scenario.deskAccount, shares: Shares(999_999_999))
        served_events += served.apply(refused)
        sequence += 1
        entries.append(.command(sequence: sequence, refused))

        let wire = ReplicaProtocol.json(entries).text
        let decoded = try #require(try? JSONDecoder().decode(JSONValue.self, from: Data(wire.utf8)))
        let back = try ReplicaProtocol.entries(from: decoded).get()
        #expect(back == entries)
        var replica = start
        var replicaEvents: [EngineEvent] = []
        for entry in back { entry.apply(to: &replica, into: &replicaEvents) }
        #expect(replicaEvents == served_events)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(try encoder.encode(replica) == encoder.encode(served))
    }

    @Test("a snapshot reads back; another format or newer engine rules is refused in one line")
    func snapshots() throws {
        let snapshot = ReplicaSnapshot(serverID: "abc", sequence: 42, engine: scenario.engine, speed: 60)
        let result = ReplicaProtocol.snapshotResult(snapshot)
        guard case .success(.snapshot(let back)) = ReplicaProtocol.reply(from: result) else {
            Issue.record("not read back")
            return
        }
        #expect(back.serverID == "abc")
        #expect(back.sequence == 42)
        #expect(back.speed == 60)
        #expect(back.engine.time == scenario.engine.time)
        guard case .object(var fields) = result else { return }
        fields["format"] = 2
        guard case .failure(let reason) = ReplicaProtocol.reply(from: .object(fields)) else {
            Issue.record("format 2 accepted")
            return
        }
        #expect(reason.message.contains("replica format 2"))
        #expect(!reason.message.contains("\n"))
        fields["format"] = 1
        fields["rules_version"] = 99
        guard case .failure(let rules) = ReplicaProtocol.reply(from: .object(fields)) else {
            Issue.record("rules 99 accepted")
            return
        }
        #expect(rules.message.contains("engine rules 99"))
        fields["rules_version"] = 2
        fields["engine"] = "{not json"
        guard case .failure(let unreadable) = ReplicaProtocol.reply(from: .object(fields)) else {
            Issue.record("garbage engine accepted")
            return
        }
        #expect(unreadable.message.contains("unreadable"))
    }

    @Test("bad entries are refused, never trusted")
    func badEntries() {
        for bad: JSONValue in [1, [["seq": -1, "advance_to": 5]], [["seq": 1]], [["seq": 1, "command": "{}"]], [["advance_to": 5]]] {
            guard case .failure = ReplicaProtocol.entries(from: bad) else {
                Issue.record("accepted \(bad.text)")
                continue
            }
        }
    }
}

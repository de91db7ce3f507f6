import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

@Suite("Engine snapshots")
struct EngineSnapshotTests {
    @Test func decodedSnapshotContinuesByteForByte() throws {
        let scenario = Scenario(seed: 42, participants: ParticipantConfiguration(count: 30, meanActionInterval: .minutes(2)))
        var live = scenario.engine
        var script = DeskScript(seed: 42)
        for _ in 0..<20 {
            _ = live.advance(to: live.time + .minutes(3))
            _ = live.apply(script.nextCommand(engine: live, desk: scenario.deskAccount))
        }
        #expect(!live.positions.isEmpty)
        let encoder = JournalCodec.makeEncoder()
        let data = try encoder.encode(live)
        var restored = try JournalCodec.makeDecoder().decode(Engine.self, from: data)
        #expect(try encoder.encode(restored) == data, "re-encoding a decoded snapshot gives the same bytes")

        var liveScript = script, restoredScript = script
        for _ in 0..<15 {
            let target = live.time + .minutes(5)
            let a = live.advance(to: target), b = restored.advance(to: target)
            #expect(try encoder.encode(a) == encoder.encode(b))
            let commandA = liveScript.nextCommand(engine: live, desk: scenario.deskAccount)
            let commandB = restoredScript.nextCommand(engine: restored, desk: scenario.deskAccount)
            #expect(commandA == commandB)
            #expect(try encoder.encode(live.apply(commandA)) == encoder.encode(restored.apply(commandB)))
        }
        // Past several expiries (1-hour and 4-hour boards settle and relist).
        let far = live.time + .hours(2)
        #expect(try encoder.encode(live.advance(to: far)) == encoder.encode(restored.advance(to: far)))
        #expect(try encoder.encode(live) == encoder.encode(restored))
        #expect(restored.checkInvariants().isEmpty)
    }

    @Test func snapshotOfAnotherFormatIsRefused() throws {
        let engine = Scenario(seed: 1, participants: ParticipantConfiguration(count: 2)).engine
        var object = try #require(JSONSerialization.jsonObject(with: try JournalCodec.makeEncoder().encode(engine)) as? [String: Any])
        object["snapshotFormat"] = 99
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JournalCodec.makeDecoder().decode(Engine.self, from: data) }
    }
}

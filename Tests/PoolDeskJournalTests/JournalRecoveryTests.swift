import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

@Suite("Journal: write, recover, replay")
struct JournalRecoveryTests {
    static let parameters = SessionParameters(seed: 9, participants: ParticipantConfiguration(count: 25, meanActionInterval: .minutes(3)))

    @Test func resumeWithoutCloseRecoversTheLastWrittenState() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sqlite")
        var live: Engine
        do {
            let (journal, scenario) = try SessionJournal.create(at: path, parameters: Self.parameters, createdBy: "test")
            journal.snapshotInterval = .minutes(30)
            journal.minimumSnapshotWallInterval = 0
            live = try runJournaledSession(journal: journal, scenario: scenario, frames: 150)
            // No close(): like a kill after the last acknowledged write.
        }
        var engine: Engine
        do {
            // Scoped: the resumed journal holds the session's write lock until it is released.
            let recovered = try SessionJournal.resume(at: path)
            #expect(recovered.engine.time == live.time)
            #expect(try stateBytes(recovered.engine) == stateBytes(live))
            #expect(recovered.replayedFrom > Self.parameters.configuration.startTime, "started from a snapshot")
            #expect(!recovered.recentEvents.isEmpty)

            // The resumed session keeps journaling on the same chain, and the whole file verifies.
            engine = try continueSession(recovered, step: .seconds(30), scriptSeed: 99)
        }
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.end == engine.time)
        #expect(summary.snapshotsChecked >= 1)
        let again = try SessionJournal.resume(at: path)
        #expect(try stateBytes(again.engine) == stateBytes(engine))
        #expect(again.replayedCommands == 0, "a clean close leaves a snapshot at the end")
    }

    @Test func recoveryWithoutSnapshotsReplaysFromTheStart() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sqlite")
        let live: Engine
        do {
            // Scoped like a killed writer: its lock goes with it.
            let (journal, scenario) = try SessionJournal.create(at: path, parameters: Self.parameters, createdBy: "test")
            journal.snapshotInterval = .days(365)
            live = try runJournaledSession(journal: journal, scenario: scenario, frames: 120)
        }
        let recovered = try SessionJournal.resume(at: path)
        #expect(recovered.replayedFrom == Self.parameters.configuration.startTime)
        #expect(try stateBytes(recovered.engine) == stateBytes(live))
    }

    @Test func replayReproducesTheLiveFinalState() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sqlite")
        let (journal, scenario) = try SessionJournal.create(at: path, parameters: Self.parameters, createdBy: "test")
        let live = try runJournaledSession(journal: journal, scenario: scenario, frames: 150, frameSeconds: 60)
        try journal.close(engine: live)
        var driver = try ReplayDriver.load(path: path)
        #expect(driver.end == live.time)
        var events: [EngineEvent] = []
        // Forward at an uneven pace, a seek back, then to the end.
        var time = driver.start
        while !driver.isAtEnd {
            time = time + .seconds(777)
            driver.advance(to: time, into: &events)
        }
        #expect(try stateBytes(driver.engine) == stateBytes(live))
        _ = driver.seek(to: driver.start + .minutes(90))
        #expect(driver.engine.time == driver.start + .minutes(90))
        _ = driver.seek(to: driver.end)
        #expect(try stateBytes(driver.engine) == stateBytes(live))
    }

    @Test func tornLastTransactionRecoversToTheLastCompleteOne() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sqlite")
        let (journal, scenario) = try SessionJournal.create(at: path, parameters: Self.parameters, createdBy: "test")
        journal.snapshotInterval = .days(365)
        var engine = try runJournaledSession(journal: journal, scenario: scenario, frames: 30)
        // Copy the database and its WAL while the writer is idle: a consistent crash image.
        let complete = folder.path("complete.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: complete)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: complete + "-wal")
        let expected = engine
        let walBefore = try #require(FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)

        // One more transaction (a command and its events), then tear it: keep only part of its frames.
        let command = EngineCommand.deposit(account: scenario.deskAccount, amount: Money(1000))
        let produced = engine.apply(command)
        try journal.recordCommand(command, events: produced, engine: engine)
        let walAfter = try #require(FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        #expect(walAfter > walBefore)
        let torn = folder.path("torn.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: torn)
        let wal = try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        try wal.prefix(walBefore + (walAfter - walBefore) / 2).write(to: URL(fileURLWithPath: torn + "-wal"))

        let recovered = try SessionJournal.resume(at: torn)
        #expect(try stateBytes(recovered.engine) == stateBytes(expected))
        #expect(recovered.journal.commandsWritten == journal.commandsWritten - 1)
        _ = try JournalVerifier.verify(path: torn)
    }

    @Test func exportWritesFillsSettlementsAndFlows() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sqlite")
        let (journal, scenario) = try SessionJournal.create(at: path, parameters: Self.parameters, createdBy: "test")
        let live = try runJournaledSession(journal: journal, scenario: scenario, frames: 130, frameSeconds: 40)
        try journal.close(engine: live)

        var csv = ""
        try JournalExport.export(path: path, format: .csv) { csv += $0 }
        let lines = csv.split(separator: "\n")
        #expect(lines.first == Substring(JournalExport.csvColumns.joined(separator: ",")))
        #expect(lines.contains { $0.hasPrefix("fill,") })
        #expect(lines.contains { $0.hasPrefix("settlement,") })
        #expect(lines.contains { $0.hasPrefix("deposit,") })
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == JournalExport.csvColumns.count })
        let fillCount = lines.filter { $0.hasPrefix("fill,") }.count
        #expect(try sqlite3(path, "select count(*) from fills").trimmingCharacters(in: .whitespacesAndNewlines) == String(fillCount))

        var json = ""
        try JournalExport.export(path: path, format: .json) { json += $0 }
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let fills = try #require(object["fills"] as? [[String: Any]])
        #expect(fills.count == fillCount)
        #expect(fills.first?["series"] is String)
        #expect((object["lp_flows"] as? [Any])?.isEmpty == false)
        #expect(object["settlements"] is [Any] && object["liquidations"] is [Any])
        // Money is an exact six-decimal string, the same text in CSV and JSON.
        let premium = try #require(fills.first?["premium"] as? String)
        #expect(premium.range(of: #"^-?\d+\.\d{6}$"#, options: .regularExpression) != nil)
        let firstFill = try #require(lines.first { $0.hasPrefix("fill,") })
        #expect(firstFill.split(separator: ",", omittingEmptySubsequences: false)[JournalExport.csvColumns.firstIndex(of: "premium") ?? 0] == Substring(premium))
        // --account keeps one account's records.
        let desk = String(scenario.deskAccount.index)
        var deskOnly = ""
        try JournalExport.export(path: path, format: .csv, account: desk) { deskOnly += $0 }
        let deskLines = deskOnly.split(separator: "\n").dropFirst()
        #expect(!deskLines.isEmpty)
        #expect(deskLines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[3] == Substring(desk) })
        #expect(throws: JournalError.self) { try JournalExport.export(path: path, format: .csv, account: "nobody") { _ in } }
        #expect(JournalExport.Format(name: "JSON") == .json)
    }
}

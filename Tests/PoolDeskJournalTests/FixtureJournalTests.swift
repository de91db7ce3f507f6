import Foundation
@testable import PoolDeskJournal
import PoolEngine
import Testing

/// Journals written by earlier releases (Tests/PoolDeskJournalTests/Fixtures) must verify, replay, export and resume
/// in every later build: stored formats are contracts.
@Suite("Journals from earlier releases", .serialized)
struct FixtureJournalTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        var file: String
        var events: Int64
        var commands: Int64
        var fills: Int
        var settlements: Int
        var liquidations: Int
        var testDescription: String { file }
    }

    static let fixtures = [
        Fixture(file: "r1-sim-seed3-6h.sqlite", events: 1_186, commands: 0, fills: 691, settlements: 89, liquidations: 0),
        Fixture(file: "r1-desk-drill-seed5.sqlite", events: 12_076, commands: 300, fills: 6_806, settlements: 464, liquidations: 3),
    ]

    static func copy(_ fixture: Fixture, into folder: TemporaryFolder) throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(fixture.file)")
        let path = folder.path(fixture.file)
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        return path
    }

    @Test("verifies: chain, replay of every event, snapshots, invariants", arguments: fixtures)
    func verifies(_ fixture: Fixture) throws {
        let folder = try TemporaryFolder()
        let summary = try JournalVerifier.verify(path: try Self.copy(fixture, into: folder))
        #expect(summary.events == fixture.events)
        #expect(summary.commands == fixture.commands)
        #expect(summary.snapshotsChecked == 2)
    }

    @Test("replays to its end and back", arguments: fixtures)
    func replays(_ fixture: Fixture) throws {
        let folder = try TemporaryFolder()
        var driver = try ReplayDriver.load(path: try Self.copy(fixture, into: folder))
        #expect(driver.engine.configuration.rulesVersion == EngineRules.original, "a release-1 journal runs under the original rules")
        _ = driver.seek(to: driver.end)
        #expect(driver.isAtEnd)
        _ = driver.seek(to: driver.start)
        #expect(driver.engine.time == driver.start)
    }

    @Test("exports every fill, settlement and liquidation", arguments: fixtures)
    func exports(_ fixture: Fixture) throws {
        let folder = try TemporaryFolder()
        let path = try Self.copy(fixture, into: folder)
        var csv = ""
        try JournalExport.export(path: path, format: .csv) { csv += $0 }
        let records = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 1).first.map(String.init) ?? "" }
        #expect(records.filter { $0 == "fill" }.count == fixture.fills)
        #expect(records.filter { $0 == "settlement" }.count == fixture.settlements)
        #expect(records.filter { $0 == "liquidation" }.count == fixture.liquidations)
        var json = ""
        try JournalExport.export(path: path, format: .json) { json += $0 }
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        #expect(object is [String: Any])
    }

    @Test("resumes, runs on under its own rules, and still verifies", arguments: fixtures)
    func resumes(_ fixture: Fixture) throws {
        let folder = try TemporaryFolder()
        let path = try Self.copy(fixture, into: folder)
        do {
            let recovered = try SessionJournal.resume(at: path)
            #expect(recovered.engine.configuration.rulesVersion == EngineRules.original)
            _ = try continueSession(recovered, step: .minutes(3), scriptSeed: 11)
        }
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.commands == fixture.commands + 20)
    }
}

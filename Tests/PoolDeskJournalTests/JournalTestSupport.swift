import Foundation
import PoolDeskCLI
import PoolEngine
@testable import PoolDeskJournal

/// A private temporary folder removed when the value is dropped.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-journal-tests-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The tests' desk script is the drill's (stateless per command index, so resumed runs continue it).
struct DeskScript {
    var seed: UInt64
    var index = 0
    init(seed: UInt64) { self.seed = seed }
    mutating func nextCommand(engine: Engine, desk: AccountID) -> EngineCommand {
        index += 1
        return DeskDrillScript.command(number: index, seed: seed, engine: engine, desk: desk)
    }
}

/// Runs a journaled session the way the dashboard does: advance in frames, journal the events, a desk
/// command now and then. Returns the live engine after the last write.
func runJournaledSession(journal: SessionJournal, scenario: Scenario, frames: Int, frameSeconds: Int64 = 20,
                         commandEvery: Int = 3, scriptSeed: UInt64 = 7) throws -> Engine {
    var engine = scenario.engine
    var script = DeskScript(seed: scriptSeed)
    for frame in 0..<frames {
        var events: [EngineEvent] = []
        engine.advance(to: engine.time + .seconds(frameSeconds), into: &events)
        try journal.recordAdvance(events, engine: engine)
        if frame % commandEvery == 0 {
            var next = engine
            let command = script.nextCommand(engine: next, desk: scenario.deskAccount)
            let produced = next.apply(command)
            try journal.recordCommand(command, events: produced, engine: next)
            engine = next
        }
        try journal.flushIfDue(engine: engine)
    }
    try journal.flush(engine: engine)
    return engine
}

/// Runs a resumed session on for `commands` desk commands, one every `step`, journaling as the dashboard does;
/// closes the journal and returns the live engine.
func continueSession(_ recovered: RecoveredSession, commands: Int = 20, step: SimDuration, scriptSeed: UInt64) throws -> Engine {
    var engine = recovered.engine
    var script = DeskScript(seed: scriptSeed)
    for _ in 0..<commands {
        var events: [EngineEvent] = []
        engine.advance(to: engine.time + step, into: &events)
        try recovered.journal.recordAdvance(events, engine: engine)
        let command = script.nextCommand(engine: engine, desk: recovered.journal.deskAccount)
        let produced = engine.apply(command)
        try recovered.journal.recordCommand(command, events: produced, engine: engine)
    }
    try recovered.journal.close(engine: engine)
    return engine
}

/// Canonical bytes of an engine, for exact state comparison.
func stateBytes(_ engine: Engine) throws -> Data {
    try JournalCodec.makeEncoder().encode(engine)
}

/// Runs `sqlite3` on a file (the tool users are told to use); returns stdout.
@discardableResult
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, sql]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

/// Group commit (the server's sequencer): several commands in one transaction must journal exactly the chain that
/// one transaction per command journals, and a failed batch must leave the file at the last batch written.
@Suite("journal group commit")
struct JournalGroupCommitTests {
    @Test("commands staged in groups give the same commands, events and chain head as one transaction each; both verify and resume")
    func groupsMatchSingleTransactions() throws {
        let folder = try TemporaryFolder()
        let parameters = SessionParameters(seed: 5, participants: ParticipantConfiguration(count: 5))
        let (single, scenario) = try SessionJournal.create(at: folder.path("single.sqlite"), parameters: parameters, createdBy: "tests")
        let (grouped, _) = try SessionJournal.create(at: folder.path("grouped.sqlite"), parameters: parameters, createdBy: "tests")
        var engine = scenario.engine
        var script = DeskScript(seed: 9)
        var commands = 0
        for step in 0..<30 {
            var events: [EngineEvent] = []
            engine.advance(to: engine.time + .seconds(30), into: &events)
            try single.recordAdvance(events, engine: engine)
            try grouped.recordAdvance(events, engine: engine)
            // 0–3 commands a step, so groups hold several commands with simulation events between them.
            for _ in 0..<(step % 4) {
                let command = script.nextCommand(engine: engine, desk: scenario.deskAccount)
                let produced = engine.apply(command)
                try single.recordCommand(command, events: produced, engine: engine)
                try grouped.stage(command, events: produced, engine: engine)
                commands += 1
            }
            if step % 5 == 4 {
                let batch = try grouped.takeBatch(engine: engine, snapshotIfDue: true)
                try grouped.batchWriter.write(batch)
                grouped.didWrite(batch)
            }
        }
        let last = try grouped.takeBatch(engine: engine, snapshotIfDue: false)
        try grouped.batchWriter.write(last)
        grouped.didWrite(last)
        try single.close(engine: engine)
        try grouped.close(engine: engine)
        #expect(commands == 43)
        #expect(single.headHash == grouped.headHash)

        let commandRows = "SELECT id, sim_time, after_seq, kind, command, hash FROM commands ORDER BY id"
        let eventRows = "SELECT seq, sim_time, command_id, kind, account, series, payload, hash FROM events ORDER BY seq"
        #expect(try sqlite3(folder.path("single.sqlite"), commandRows) == sqlite3(folder.path("grouped.sqlite"), commandRows))
        #expect(try sqlite3(folder.path("single.sqlite"), eventRows) == sqlite3(folder.path("grouped.sqlite"), eventRows))
        let singleCheckpoints = try Int(sqlite3(folder.path("single.sqlite"), "SELECT count(*) FROM checkpoints").trimmingCharacters(in: .whitespacesAndNewlines))
        let groupedCheckpoints = try Int(sqlite3(folder.path("grouped.sqlite"), "SELECT count(*) FROM checkpoints").trimmingCharacters(in: .whitespacesAndNewlines))
        #expect((groupedCheckpoints ?? .max) < (singleCheckpoints ?? 0), "one checkpoint per transaction: fewer transactions, fewer checkpoints")

        for name in ["single.sqlite", "grouped.sqlite"] {
            let summary = try JournalVerifier.verify(path: folder.path(name))
            #expect(summary.commands == 43)
        }
        // Rebuilt from the grouped file (read-only: the journal above still holds the writer's lock).
        let rebuilt = try JournalReader.loadReadOnly(path: folder.path("grouped.sqlite"))
        #expect(try stateBytes(rebuilt.engine) == stateBytes(engine))
    }

    @Test("a batch that fails leaves the file at the last batch written; the journal refuses later writes")
    func failedBatch() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("failing.sqlite")
        let (journal, scenario) = try SessionJournal.create(
            at: path, parameters: SessionParameters(seed: 6, participants: ParticipantConfiguration(count: 0)), createdBy: "tests")
        var engine = scenario.engine
        var script = DeskScript(seed: 2)
        func stageNext() throws {
            let command = script.nextCommand(engine: engine, desk: scenario.deskAccount)
            let produced = engine.apply(command)
            try journal.stage(command, events: produced, engine: engine)
        }
        try stageNext()
        try stageNext()
        let first = try journal.takeBatch(engine: engine, snapshotIfDue: false)
        try journal.batchWriter.write(first)
        journal.didWrite(first)
        try stageNext()
        try stageNext()
        // Another writer took command id 3 meanwhile: the batch's insert of command 3 fails, and with it the batch.
        try sqlite3(path, "INSERT INTO commands (id, sim_time, after_seq, kind, command, recorded_at, hash) VALUES (3, 0, 0, 'x', '{}', '', '')")
        let second = try journal.takeBatch(engine: engine, snapshotIfDue: false)
        #expect(second.commandRows == 2)
        do {
            try journal.batchWriter.write(second)
            Issue.record("the batch should have failed")
        } catch let error as JournalError {
            #expect(error.message.contains("journal write failed"), "\(error.message)")
            journal.didFail(error)
        }
        #expect(throws: JournalError.self) { try stageNext() }
        try sqlite3(path, "DELETE FROM commands WHERE id = 3")
        #expect(try sqlite3(path, "SELECT count(*) FROM commands").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.commands == 2)
    }
}

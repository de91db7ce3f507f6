import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

@Suite("Journal: verify and bad files")
struct JournalVerifyTests {
    /// A closed, sound journal of a short busy session.
    static func recordedSession(in folder: TemporaryFolder, name: String = "s.sqlite") throws -> String {
        let path = folder.path(name)
        let (journal, scenario) = try SessionJournal.create(
            at: path, parameters: SessionParameters(seed: 3, participants: ParticipantConfiguration(count: 20, meanActionInterval: .minutes(3))),
            createdBy: "test")
        journal.snapshotInterval = .minutes(40)
        journal.minimumSnapshotWallInterval = 0
        let engine = try runJournaledSession(journal: journal, scenario: scenario, frames: 120)
        try journal.close(engine: engine)
        return path
    }

    func verifyError(_ path: String) -> String? {
        do {
            _ = try JournalVerifier.verify(path: path)
            return nil
        } catch let error as JournalError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    func resumeError(_ path: String) -> String? {
        do {
            _ = try SessionJournal.resume(at: path)
            return nil
        } catch let error as JournalError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func soundJournalVerifiesAndStaysUntouched() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.events > 100 && summary.commands > 10)
        #expect(summary.line.hasPrefix("ok: "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
        #expect(wal.isEmpty, "a closed journal leaves no WAL behind")
    }

    @Test func editedRowIsReportedByRowAndSequence() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        let seq = try #require(Int(sqlite3(path, "select seq from events where kind = 'orderFilled' limit 1 offset 3").trimmingCharacters(in: .whitespacesAndNewlines)))
        try sqlite3(path, "update events set payload = replace(payload, '\"side\":\"buy\"', '\"side\":\"sell\"') where seq = \(seq); update events set payload = replace(payload, '\"side\":\"sell\"', '\"side\":\"buy\"') where seq = \(seq) and payload not like '%\"side\":\"sell\"%'")
        #expect(verifyError(path) == "row \(seq) (event seq \(seq)): hash mismatch")
    }

    @Test func editedRowWithRecomputedChainFailsTheReplay() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        // Rewrite one fill's fee and re-hash the whole chain, as a careful forger would: the replay still disagrees.
        let seq = try #require(Int64(sqlite3(path, "select seq from events where kind = 'orderFilled' limit 1 offset 2").trimmingCharacters(in: .whitespacesAndNewlines)))
        try sqlite3(path, "update events set payload = json_set(payload, '$.orderFilled._0.fee', 1) where seq = \(seq)")
        try rehashChain(path)
        let message = try #require(verifyError(path))
        #expect(message.hasPrefix("row \(seq) (event seq \(seq)): does not replay"), "\(message)")
    }

    @Test func deletedRowIsReported() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        try sqlite3(path, "delete from events where seq = 150")
        #expect(verifyError(path) == "row 150 (event seq 151): missing row (expected event seq 150)")
        let tail = try Self.recordedSession(in: folder, name: "tail.sqlite")
        try sqlite3(tail, "delete from events where seq = (select max(seq) from events)")
        #expect(verifyError(tail)?.contains("missing rows") == true)
    }

    @Test func truncatedFileIsRefusedAndNotRewritten() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [data.count / 2, data.count - 4096, 60] {
            let truncated = folder.path("t\(cut).sqlite")
            try data.prefix(cut).write(to: URL(fileURLWithPath: truncated))
            let message = try #require(verifyError(truncated))
            #expect(message.contains("truncated") || message.contains("not a PoolDesk journal"), "\(message)")
            #expect(resumeError(truncated) != nil)
            #expect(try Data(contentsOf: URL(fileURLWithPath: truncated)) == data.prefix(cut), "never repaired")
        }
    }

    @Test func foreignNewerAndGarbageFilesAreRefused() throws {
        let folder = try TemporaryFolder()
        let foreign = folder.path("foreign.sqlite")
        try sqlite3(foreign, "create table t(x); insert into t values (1);")
        #expect(verifyError(foreign) == "\(foreign): not a PoolDesk journal (an SQLite database of another application)")
        #expect(resumeError(foreign) != nil)
        #expect(try sqlite3(foreign, "pragma journal_mode").contains("delete"), "a foreign file is not switched to WAL")

        let newer = try Self.recordedSession(in: folder, name: "newer.sqlite")
        try sqlite3(newer, "pragma user_version = 99")
        #expect(verifyError(newer)?.contains("schema version 99 is newer") == true)
        #expect(resumeError(newer)?.contains("schema version 99 is newer") == true)

        let garbage = folder.path("garbage.sqlite")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: garbage))
        #expect(verifyError(garbage) == "\(garbage): not a PoolDesk journal (not an SQLite database)")
        let empty = folder.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(verifyError(empty)?.contains("empty file") == true)
        #expect(verifyError(folder.path("missing.sqlite"))?.contains("cannot open") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path("missing.sqlite")))
    }

    @Test func creatingNeverOverwrites() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        #expect(throws: JournalError.self) {
            _ = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 1), createdBy: "test")
        }
        _ = try JournalVerifier.verify(path: path)
    }

    @Test func viewsAreQueryableWithSqlite3() throws {
        let folder = try TemporaryFolder()
        let path = try Self.recordedSession(in: folder)
        let fills = try sqlite3(path, "select side, quantity, premium, series from fills where account = 1 limit 1")
        #expect(fills.split(separator: "|").count == 4)
        #expect(try sqlite3(path, "select name from accounts where account = 1").contains("desk"))
        #expect(!(try sqlite3(path, "select count(*) from lp_flows")).hasPrefix("0"))
        #expect(try sqlite3(path, "pragma user_version").hasPrefix("1"))
    }

    /// Recomputes every hash of the chain from the rows as they are (a forger's tool).
    func rehashChain(_ path: String) throws {
        let rows = try sqlite3(path, "select 'C', id, after_seq from commands union all select 'E', seq, seq from events order by 3, 1 desc, 2")
        // Events sort before a command with after_seq equal to their seq, by 'E' > 'C' descending.
        let genesisHex = try sqlite3(path, "select genesis_hash from session").trimmingCharacters(in: .whitespacesAndNewlines)
        var digest = try #require(JournalCodec.digest(fromHex: genesisHex))
        var statements: [String] = []
        for line in rows.split(separator: "\n") {
            let parts = line.split(separator: "|")
            let id = parts[1]
            if parts[0] == "C" {
                let fields = try sqlite3(path, "select sim_time, after_seq, kind, command from commands where id = \(id)")
                    .trimmingCharacters(in: .newlines).split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
                digest = JournalCodec.chain(digest, "C|\(id)|\(fields[0])|\(fields[1])|\(fields[2])|\(fields[3])")
                statements.append("update commands set hash = '\(JournalHash.hex(digest))' where id = \(id);")
            } else {
                let fields = try sqlite3(path, "select sim_time, ifnull(command_id, ''), kind, ifnull(account, ''), ifnull(series, ''), payload from events where seq = \(id)")
                    .trimmingCharacters(in: .newlines).split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false)
                digest = JournalCodec.chain(digest, "E|\(id)|\(fields[0])|\(fields[1])|\(fields[2])|\(fields[3])|\(fields[4])|\(fields[5])")
                statements.append("update events set hash = '\(JournalHash.hex(digest))' where seq = \(id);")
            }
        }
        try sqlite3(path, "begin;" + statements.joined() + "update checkpoints set head_hash = '\(JournalHash.hex(digest))' where id = (select max(id) from checkpoints); delete from checkpoints where id < (select max(id) from checkpoints); delete from snapshots; commit;")
    }
}

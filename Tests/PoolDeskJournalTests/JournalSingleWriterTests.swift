import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per session, a read-only open that writes nothing, and no resume or replay of a broken chain.
@Suite("Journal: one writer, read-only watching, chain checked on open")
struct JournalSingleWriterTests {
    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as JournalError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    /// Everything on disk that belongs to the session: the file, its WAL and shared memory, the lock file.
    func files(_ path: String) -> [String: Data] {
        var found: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm", ".lock"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { found[suffix] = data }
        }
        return found
    }

    @Test func aSecondWriterIsRefusedWithTheHoldersPid() throws {
        let folder = try TemporaryFolder()
        let path = try JournalVerifyTests.recordedSession(in: folder)
        do {
            let writer = try SessionJournal.resume(at: path)
            let refused = message { _ = try SessionJournal.resume(at: path) }
            #expect(refused == "session \(path) is in use by process \(getpid())")
            #expect(message { _ = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 1), createdBy: "test") }
                == "session \(path) is in use by process \(getpid())")
            // Watching and verifying need no lock.
            #expect(message { _ = try JournalReader.loadReadOnly(path: path) } == nil)
            try writer.journal.close(engine: writer.engine)
        }
        // Released with the writer (as with a killed process, whose descriptors the kernel closes).
        #expect(message { _ = try SessionJournal.resume(at: path) } == nil)
        _ = try JournalVerifier.verify(path: path)
    }

    @Test func aTamperedRowIsRefusedOnResumeAndReplayWithVerifysMessage() throws {
        let folder = try TemporaryFolder()
        let path = try JournalVerifyTests.recordedSession(in: folder)
        // An early fill, long before the final snapshot that recovery starts from.
        let seq = try #require(Int(sqlite3(path, "select seq from events where kind = 'orderFilled' limit 1 offset 3").trimmingCharacters(in: .whitespacesAndNewlines)))
        try sqlite3(path, "update events set payload = json_set(payload, '$.orderFilled._0.fee', 1) where seq = \(seq)")
        let verify = "row \(seq) (event seq \(seq)): hash mismatch"
        #expect(message { _ = try JournalVerifier.verify(path: path) } == verify)
        let before = files(path)
        let resume = try #require(message { _ = try SessionJournal.resume(at: path) })
        #expect(resume.hasPrefix("\(path): \(verify) "), "\(resume)")
        let replay = try #require(message { _ = try ReplayDriver.load(path: path) })
        #expect(replay.hasPrefix("\(path): \(verify) "), "\(replay)")
        let watch = try #require(message { _ = try JournalReader.loadReadOnly(path: path) })
        #expect(watch.hasPrefix("\(path): \(verify) "), "\(watch)")
        #expect(files(path)[""] == before[""], "the refused file is not modified")
    }

    @Test func aReadOnlyOpenWritesNothingBesideALiveWriter() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("live.sqlite")
        let (journal, scenario) = try SessionJournal.create(
            at: path, parameters: SessionParameters(seed: 4, participants: ParticipantConfiguration(count: 20, meanActionInterval: .minutes(3))),
            createdBy: "test")
        journal.snapshotInterval = .minutes(30)
        journal.minimumSnapshotWallInterval = 0
        let live = try runJournaledSession(journal: journal, scenario: scenario, frames: 90)
        // The writer is still open, its newest rows in the WAL.
        let counts = "select (select count(*) from events), (select count(*) from commands), (select count(*) from checkpoints), (select count(*) from snapshots)"
        let rowsBefore = try sqlite3(path, counts)
        let before = files(path)
        #expect(before["-wal"]?.isEmpty == false)

        let watched = try JournalReader.loadReadOnly(path: path)
        #expect(watched.engine.time == live.time)
        #expect(try stateBytes(watched.engine) == stateBytes(live))
        #expect(!watched.recentEvents.isEmpty)
        #expect(files(path) == before, "file, WAL, shared memory and lock file unchanged")
        #expect(try sqlite3(path, counts) == rowsBefore)

        // A closed session too. SQLite's reader may leave its empty coordination files (-wal, -shm) behind, as
        // `verify` does; the database itself is byte for byte the same and no lock file is made.
        try journal.close(engine: live)
        let closed = folder.path("closed.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: closed)
        let closedBefore = files(closed)
        #expect(Set(closedBefore.keys) == [""])
        _ = try JournalReader.loadReadOnly(path: closed)
        let closedAfter = files(closed)
        #expect(closedAfter[""] == closedBefore[""])
        #expect(closedAfter[".lock"] == nil)
        #expect(closedAfter["-wal"]?.isEmpty ?? true)
    }
}

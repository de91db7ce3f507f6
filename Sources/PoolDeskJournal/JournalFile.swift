import Foundation
import GRDB

/// Opening journal files safely: nothing is created, migrated or switched to WAL until the file has been
/// recognised as a PoolDesk journal this build can read.
enum JournalFile {
    /// Checks the 100-byte SQLite header and the file size before SQLite reads anything.
    static func inspectHeader(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw JournalError("\(path): cannot open (missing or unreadable)")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        let size = (try? handle.seekToEnd()) ?? 0
        if header.isEmpty { throw JournalError("\(path): empty file, not a PoolDesk journal") }
        let magic = Array("SQLite format 3\u{0}".utf8)
        guard header.count >= 100, Array(header.prefix(16)) == magic else {
            throw JournalError("\(path): not a PoolDesk journal (not an SQLite database)")
        }
        let bytes = Array(header)
        func word(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        }
        let rawPageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw JournalError("\(path): corrupt database header (page size \(rawPageSize))")
        }
        // The in-header page count is trustworthy only when the two change counters agree (SQLite ≥ 3.7).
        let pages = UInt64(word(28))
        if word(24) == word(92), pages > 0, size < pages * UInt64(pageSize) {
            throw JournalError("\(path): truncated (the header promises \(pages) pages of \(pageSize) bytes, the file holds \(size) bytes)")
        }
        if size % UInt64(pageSize) != 0 {
            throw JournalError("\(path): truncated or damaged (\(size) bytes is not a whole number of \(pageSize)-byte pages)")
        }
    }

    /// Opens an existing journal (read-only or for appending) after checking it is ours and not too new.
    static func openExisting(path: String, readOnly: Bool) throws -> (DatabaseQueue, version: Int) {
        try inspectHeader(path: path)
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.label = "pooldesk-journal"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw describe(error, path: path)
        }
        let version: Int
        do {
            version = try queue.read { db -> Int in
                let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                guard application == JournalSchema.applicationID else {
                    throw JournalError("\(path): not a PoolDesk journal (an SQLite database of another application)")
                }
                guard userVersion <= JournalSchema.currentVersion else {
                    throw JournalError("\(path): journal schema version \(userVersion) is newer than this PoolDesk reads (\(JournalSchema.currentVersion)); upgrade PoolDesk")
                }
                guard userVersion >= 1 else { throw JournalError("\(path): journal has no schema (version 0)") }
                let format = try String.fetchOne(db, sql: "SELECT format FROM session WHERE id = 1")
                guard format == JournalSchema.format else { throw JournalError("\(path): journal has no session row") }
                return userVersion
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw describe(error, path: path)
        }
        if !readOnly {
            do {
                try queue.write { db in
                    if version < JournalSchema.currentVersion { try JournalSchema.migrate(db, from: version) }
                    try JournalSchema.createAdditions(db)
                }
            } catch {
                throw describe(error, path: path)
            }
        }
        if !readOnly { try enableWAL(queue, path: path) }
        return (queue, version)
    }

    /// Creates a new journal; refuses to touch an existing file.
    static func create(path: String) throws -> DatabaseQueue {
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) {
            throw JournalError("\(path): already exists; a new session never overwrites a journal")
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw JournalError("\(path): cannot create its folder (\(error.localizedDescription))")
        }
        var configuration = Configuration()
        configuration.label = "pooldesk-journal"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            // Schema first in rollback mode, so the main file holds it before WAL takes over.
            try queue.write { db in
                try JournalSchema.migrate(db, from: 0)
                try JournalSchema.createAdditions(db)
            }
            try enableWAL(queue, path: path)
            return queue
        } catch let error as JournalError {
            throw error
        } catch {
            throw describe(error, path: path)
        }
    }

    private static func enableWAL(_ queue: DatabaseQueue, path: String) throws {
        do {
            try queue.writeWithoutTransaction { db in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else { throw JournalError("\(path): cannot switch to WAL mode (got \(mode ?? "nothing"))") }
                // FULL: each commit is fsynced, so an acknowledged order survives a power cut too, not only kill -9.
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw describe(error, path: path)
        }
    }

    /// One line for an SQLite failure.
    static func describe(_ error: any Error, path: String) -> JournalError {
        if let error = error as? JournalError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return JournalError("\(path): not a PoolDesk journal (not an SQLite database)")
            case .SQLITE_CORRUPT: return JournalError("\(path): corrupt database (\(error.message ?? "malformed"))")
            case .SQLITE_CANTOPEN: return JournalError("\(path): cannot open the database")
            case .SQLITE_READONLY: return JournalError("\(path): read-only; cannot append to the journal")
            case .SQLITE_FULL: return JournalError("\(path): disk full")
            case .SQLITE_IOERR: return JournalError("\(path): I/O error (\(error.message ?? "unknown"))")
            default: return JournalError("\(path): \(error.message ?? "\(error.resultCode)")")
            }
        }
        return JournalError("\(path): \(error)")
    }
}

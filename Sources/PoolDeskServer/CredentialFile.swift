import Foundation
import PoolDeskAPI

/// The credential store kept beside a journal (`PATH.credentials.json`): client ids, names, roles and accounts, and
/// only salted scrypt hashes of the secrets. Written atomically with mode 0600, since the hashes are still worth
/// protecting from other local users.
public enum CredentialFile {
    /// The credentials file of the journal at `journalPath`.
    public static func path(forJournal journalPath: String) -> String { journalPath + ".credentials.json" }

    /// The store at `path`; an empty store when the file does not exist yet.
    public static func load(path: String) throws -> CredentialStore {
        guard FileManager.default.fileExists(atPath: path) else { return CredentialStore() }
        do {
            return try JSONDecoder().decode(CredentialStore.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CredentialFileError("\(path) is not a readable credentials file: \(error.localizedDescription)")
        }
    }

    /// Writes `store` to `path` through a temporary file and a rename, so a crash leaves the old or the new file.
    public static func save(_ store: CredentialStore, path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(store)
        let temporary = path + ".tmp-\(getpid())"
        // Created 0600 from the start: a chmod after writing would leave a moment in which others could read it.
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CredentialFileError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CredentialFileError("cannot replace \(path): \(reason)")
        }
    }
}

extension CredentialFile {
    /// Runs `body` holding the credentials file's lock (an exclusive `flock` on `PATH.lock`), so `pooldesk accounts`
    /// and a running server never lose each other's read-modify-write. Held briefly: hash secrets before taking it.
    public static func withLock<T>(path: String, _ body: () throws -> T) throws -> T {
        let descriptor = try lock(path)
        defer { unlock(descriptor) }
        return try body()
    }

    /// `withLock` for a body that awaits (the server opens pending accounts through the sequencer while holding it).
    /// A name of its own: in an async context an `async` overload of `withLock` would be preferred even for a
    /// synchronous body.
    public static func withLockAcrossAwaits<T>(path: String, _ body: () async throws -> T) async throws -> T {
        let descriptor = try lock(path)
        defer { unlock(descriptor) }
        return try await body()
    }

    static func lock(_ path: String) throws -> Int32 {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CredentialFileError("cannot open the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw CredentialFileError("cannot lock \(lockPath): \(reason)")
            }
        }
        return descriptor
    }

    static func unlock(_ descriptor: Int32) {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// What identifies one version of the file (inode, size, modification time): `rename` gives a new inode, so
    /// even two writes within one clock tick are told apart. Nil when the file does not exist.
    public static func stamp(path: String) -> FileStamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        #else
        let modified = status.st_mtim
        #endif
        return FileStamp(inode: UInt64(status.st_ino), size: Int64(status.st_size),
                         seconds: Int64(modified.tv_sec), nanoseconds: Int64(modified.tv_nsec))
    }
}

/// One version of a file, as ``CredentialFile/stamp(path:)`` reads it.
public struct FileStamp: Hashable, Sendable {
    var inode: UInt64
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64
}

/// A credentials file that cannot be read or written, as one line.
public struct CredentialFileError: Error, CustomStringConvertible {
    /// The one-line reason.
    public var description: String
    /// A failure described by `description`.
    public init(_ description: String) { self.description = description }
}

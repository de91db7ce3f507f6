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

/// A credentials file that cannot be read or written, as one line.
public struct CredentialFileError: Error, CustomStringConvertible {
    /// The one-line reason.
    public var description: String
    /// A failure described by `description`.
    public init(_ description: String) { self.description = description }
}

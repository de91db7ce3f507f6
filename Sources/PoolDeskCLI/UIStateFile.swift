import Foundation
import Logging
import PoolDeskUI

/// The dashboard's view of one session (market, positions sort, speed: ``SavedView``), kept in
/// `$XDG_STATE_HOME/pooldesk/ui-state/` so that resuming that session brings it back.
///
/// One file per session journal, named by a 64-bit FNV-1a hash of the journal's absolute path and holding that path
/// too (a file naming another journal — a hash collision — counts as none). Version 1, JSON with named fields:
///
/// ```json
/// {"journal":"/home/me/.local/share/pooldesk/sessions/20261201-090000-seed1.sqlite","version":1,
///  "view":{"market":"ETH","positionSort":"pnl","positionSortDescending":true,"speed":120}}
/// ```
///
/// Written when the dashboard quits (never in `--read-only`), read only when that session resumes. A file that cannot
/// be read or decoded, or carries another version, is ignored with one log line: it never stops the dashboard.
struct UIStateFile {
    /// The format written; a file of any other version is ignored.
    static let version = 1

    /// The file's JSON shape.
    struct Contents: Codable, Equatable {
        var version: Int
        /// The session journal's absolute path this view belongs to.
        var journal: String
        var view: SavedView
    }

    /// The session journal's absolute path, symlinks resolved.
    let journal: String
    /// Where the file lives, or nil when neither `XDG_STATE_HOME` nor `HOME` is set (nothing is kept then).
    let url: URL?

    init(journal path: String, environment: [String: String]) {
        let journal = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        self.journal = journal
        self.url = SessionLog.stateDirectory(environment: environment).map { directory in
            URL(fileURLWithPath: directory).appendingPathComponent("ui-state")
                .appendingPathComponent(Self.fileName(forJournal: journal))
        }
    }

    /// `<16 hex digits>.json`: FNV-1a (64-bit) of the path's UTF-8 bytes, stable across runs and platforms.
    static func fileName(forJournal journal: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in journal.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits + ".json"
    }

    /// The saved view of this session, or nil when there is none or it cannot be used (logged).
    func load(logger: Logger) -> SavedView? {
        guard let url, FileManager.default.fileExists(atPath: url.path) else { return nil }
        let contents: Contents
        do {
            let data = try Data(contentsOf: url)
            // A view file is a few hundred bytes; anything huge is not ours.
            guard data.count <= 64 * 1024 else {
                logger.warning("ui state \(url.path): \(data.count) bytes, not a view file; ignored")
                return nil
            }
            contents = try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            logger.warning("ui state \(url.path): unreadable (\(Self.describe(error))); ignored")
            return nil
        }
        guard contents.version == Self.version else {
            logger.warning("ui state \(url.path): version \(contents.version), this PoolDesk reads \(Self.version); ignored")
            return nil
        }
        guard contents.journal == journal else {
            logger.warning("ui state \(url.path): belongs to \(contents.journal), not \(journal); ignored")
            return nil
        }
        return contents.view
    }

    /// Writes `view` for this session (atomically, so a crash mid-write leaves the old file); failures are logged.
    func save(_ view: SavedView, logger: Logger) {
        guard let url else { return }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(Contents(version: Self.version, journal: journal, view: view)).write(to: url, options: .atomic)
        } catch {
            logger.warning("ui state \(url.path): not saved (\(Self.describe(error)))")
        }
    }

    /// One line for a read or decode failure.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "not JSON: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }
}

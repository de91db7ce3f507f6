import ArgumentParser
import Foundation
import PoolDeskJournal
import PoolEngine

/// Where sessions live and which one resumes.
enum SessionLocation {
    /// `$XDG_DATA_HOME/pooldesk/sessions` (default `~/.local/share/pooldesk/sessions`).
    static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appendingPathComponent("pooldesk/sessions")
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/pooldesk/sessions")
    }

    /// A fresh name: UTC date and time plus the seed, so names sort by age.
    static func newPath(seed: UInt64, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let now = SimTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).civil
        func pad(_ value: Int, _ width: Int = 2) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        let stamp = "\(pad(now.year, 4))\(pad(now.month))\(pad(now.day))-\(pad(now.hour))\(pad(now.minute))\(pad(now.second))"
        let base = directory(environment: environment).appendingPathComponent("\(stamp)-seed\(seed)")
        var path = base.path + ".sqlite"
        var counter = 2
        while FileManager.default.fileExists(atPath: path) {
            path = base.path + "-\(counter).sqlite"
            counter += 1
        }
        return path
    }

    /// The file naming the last session used.
    static func pointer(environment: [String: String]) -> URL {
        directory(environment: environment).appendingPathComponent("last-session")
    }

    /// The session to resume: the one named in `last-session`, else the newest `.sqlite` by name.
    static func lastSession(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let folder = directory(environment: environment)
        if let name = try? String(contentsOf: pointer(environment: environment), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty {
            let path = name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".sqlite") }.sorted().last.map { folder.appendingPathComponent($0).path }
    }

    /// Remembers `path` as the session to resume next time (best effort: the journal itself is what matters).
    static func remember(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let pointer = pointer(environment: environment)
        try? FileManager.default.createDirectory(at: pointer.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? (path + "\n").write(to: pointer, atomically: true, encoding: .utf8)
    }
}

/// A started or resumed journaled session: the journal plus the engine to continue from.
struct OpenedSession {
    var journal: SessionJournal
    var engine: Engine
    var deskAccount: AccountID
    var resumed: Bool
    var recentEvents: [EngineEvent]
    var note: String
}

enum JournalOpening {
    /// Resumes `path` when it exists, else creates it for `parameters`; bad journals become one-line errors.
    static func openOrCreate(path: String, parameters: SessionParameters, createdBy: String) throws -> OpenedSession {
        do {
            if FileManager.default.fileExists(atPath: path) {
                let recovered = try SessionJournal.resume(at: path)
                let note = "resumed \(URL(fileURLWithPath: path).lastPathComponent) at \(recovered.engine.time) "
                    + "(\(Plural.count(recovered.replayedCommands, "command")) replayed in \(String(format: "%.2f", recovered.seconds)) s, "
                    + "of which \(String(format: "%.2f", recovered.chainCheckSeconds)) s checking the hash chain)"
                return OpenedSession(journal: recovered.journal, engine: recovered.engine, deskAccount: recovered.journal.deskAccount,
                                     resumed: true, recentEvents: recovered.recentEvents, note: note)
            }
            let (journal, scenario) = try SessionJournal.create(at: path, parameters: parameters, createdBy: createdBy)
            return OpenedSession(journal: journal, engine: scenario.engine, deskAccount: scenario.deskAccount, resumed: false,
                                 recentEvents: scenario.events, note: "journal \(path)")
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
    }
}

/// The journal side of `pooldesk sim --journal`: advance events in batches, a final snapshot at the end.
/// Errors are kept and reported by `finish`, so the run loop itself needs no error handling.
final class JournaledRun {
    let session: OpenedSession
    private var lastEngine: Engine
    private var failure: (any Error)?

    init(path: String, seed: UInt64, settings: SessionSettings = .standard) throws {
        session = try JournalOpening.openOrCreate(
            path: path, parameters: SessionParameters(seed: seed, configuration: settings.configuration, participants: settings.participants),
            createdBy: "pooldesk sim")
        lastEngine = session.engine
    }

    /// The engine to start (or continue) the run from.
    var engine: Engine { session.engine }

    /// Journals events produced by an advance (batched by the journal).
    func record(_ events: [EngineEvent], engine: Engine) {
        lastEngine = engine
        guard failure == nil else { return }
        do {
            try session.journal.recordAdvance(events, engine: engine)
            try session.journal.flushIfDue(engine: engine)
        } catch {
            failure = error
        }
    }

    /// Applies a command (a scenario's shock, `--hedging`) through the journal, as the dashboard does: on disk before
    /// it counts. After a journal failure the run goes on unjournaled and `finish` reports the failure.
    @discardableResult
    func apply(_ command: EngineCommand, to engine: inout Engine) -> [EngineEvent] {
        if failure == nil {
            do {
                let events = try session.journal.apply(command, to: &engine)
                lastEngine = engine
                return events
            } catch {
                failure = error
            }
        }
        let events = engine.apply(command)
        lastEngine = engine
        return events
    }

    /// Final write and snapshot; throws the first journal failure of the run.
    func finish() throws {
        if let failure { throw PoolDeskError("\(failure)") }
        do {
            try session.journal.close(engine: lastEngine)
        } catch {
            throw PoolDeskError("\(error)")
        }
    }
}

/// Writes to stdout unbuffered, so a line printed before a kill is really out.
func writeStandardOutput(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        _ = write(1, base, buffer.count)
    }
}

import Foundation
import Logging
import PoolDeskUI
import Synchronization
import Testing
@testable import PoolDeskCLI

/// The per-session UI-state file: where it lives, what it holds, and that a bad one is ignored with a log line.
@Suite("UI state file")
struct UIStateFileTests {
    /// A fresh state directory and a journal path inside a temp folder (never the user's).
    private func scratch() throws -> (environment: [String: String], journal: String, root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-uistate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let journal = root.appendingPathComponent("session.sqlite").path
        _ = FileManager.default.createFile(atPath: journal, contents: Data())
        return (["XDG_STATE_HOME": root.appendingPathComponent("state").path, "HOME": root.path], journal, root)
    }

    /// A logger keeping its lines, to check what a bad file reports.
    private final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    private struct CapturingHandler: LogHandler {
        let sink: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { sink.lines.withLock { $0.append("\(event.level) \(event.message)") } }
    }

    private func logger() -> (Logger, Lines) {
        let sink = Lines()
        return (Logger(label: "test") { _ in CapturingHandler(sink: sink) }, sink)
    }

    @Test("FNV-1a 64 names the file: the published test vectors")
    func fileNames() {
        // FNV-1a 64-bit of "" is the offset basis; of "a" and "foobar", the values in the FNV reference test suite.
        #expect(UIStateFile.fileName(forJournal: "") == "cbf29ce484222325.json")
        #expect(UIStateFile.fileName(forJournal: "a") == "af63dc4c8601ec8c.json")
        #expect(UIStateFile.fileName(forJournal: "foobar") == "85944171f73967e8.json")
    }

    @Test("saved under $XDG_STATE_HOME/pooldesk/ui-state as versioned JSON with named fields, and read back")
    func roundTrip() throws {
        let (environment, journal, root) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let (log, lines) = logger()
        let file = UIStateFile(journal: journal, environment: environment)
        let url = try #require(file.url)
        #expect(url.deletingLastPathComponent().path == environment["XDG_STATE_HOME"].map { $0 + "/pooldesk/ui-state" })
        #expect(file.load(logger: log) == nil)
        let view = SavedView(market: "ETH", positionSort: "pnl", positionSortDescending: true, speed: 120)
        file.save(view, logger: log)
        #expect(file.load(logger: log) == view)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(json?["version"] as? Int == 1)
        #expect(json?["journal"] as? String == file.journal)
        let saved = json?["view"] as? [String: Any]
        #expect(saved?["market"] as? String == "ETH")
        #expect(saved?["positionSort"] as? String == "pnl")
        #expect(saved?["positionSortDescending"] as? Bool == true)
        #expect(saved?["speed"] as? Double == 120)
        #expect(lines.all.isEmpty)
        // Another session's journal has its own file: nothing carries over to a new session.
        let other = root.appendingPathComponent("other.sqlite").path
        _ = FileManager.default.createFile(atPath: other, contents: Data())
        #expect(UIStateFile(journal: other, environment: environment).load(logger: log) == nil)
    }

    @Test("a bad file is ignored with one log line, never a crash", arguments: [
        "not json at all", "{\"version\": 1}", "{\"version\": 2, \"journal\": \"JOURNAL\", \"view\": {}}",
        "{\"version\": 1, \"journal\": \"/somewhere/else.sqlite\", \"view\": {}}",
        "{\"version\": 1, \"journal\": \"JOURNAL\", \"view\": {\"speed\": \"fast\"}}", "",
    ])
    func badFiles(contents: String) throws {
        let (environment, journal, root) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = UIStateFile(journal: journal, environment: environment)
        let url = try #require(file.url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.replacingOccurrences(of: "JOURNAL", with: file.journal).write(to: url, atomically: true, encoding: .utf8)
        let (log, lines) = logger()
        #expect(file.load(logger: log) == nil)
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("ignored") == true, "\(lines.all)")
    }

    @Test("a file with only some fields restores those")
    func partialFile() throws {
        let (environment, journal, root) = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = UIStateFile(journal: journal, environment: environment)
        let url = try #require(file.url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "{\"version\": 1, \"journal\": \"\(file.journal)\", \"view\": {\"market\": \"ETH\"}}".write(to: url, atomically: true, encoding: .utf8)
        #expect(file.load(logger: logger().0) == SavedView(market: "ETH"))
    }

    @Test("without XDG_STATE_HOME or HOME nothing is kept, and saving is a no-op")
    func noStateDirectory() {
        let file = UIStateFile(journal: "/tmp/x.sqlite", environment: [:])
        #expect(file.url == nil)
        file.save(SavedView(market: "BTC"), logger: logger().0)
        #expect(file.load(logger: logger().0) == nil)
    }
}

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two real `pooldesk` processes on one session: the second writer is refused, a read-only open writes nothing,
/// and a journal with a broken chain is neither resumed nor replayed.
@Suite("Journal: one writer per session (real binary)", .serialized)
struct JournalSingleWriterCLITests {
    func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-writer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func expectOneLine(_ outcome: (Int32, String, String), _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.0 == 2, "exit status \(outcome.0): \(outcome.2)", sourceLocation: sourceLocation)
        #expect(outcome.2 == "pooldesk: \(expected)\n", "stderr: \(outcome.2)", sourceLocation: sourceLocation)
    }

    /// Waits until `condition` holds (polling), up to `timeout` seconds.
    func wait(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    @Test func aSecondWriterIsRefusedWhileTheFirstKeepsGoing() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("busy.sqlite").path
        let first = try HeadlessRun(["sim", "--seed", "5", "--bots", "50", "--duration", "30d", "--journal", journal], in: folder, tag: "first")
        defer { if first.process.isRunning { kill(first.process.processIdentifier, SIGKILL) } }
        let pid = first.process.processIdentifier
        #expect(wait(timeout: 30) {
            FileManager.default.fileExists(atPath: journal)
                && (try? String(contentsOfFile: journal + ".lock", encoding: .utf8)) == "\(pid)\n"
        }, "the first run did not start its journal")
        let checkpoints = { (try? sqlite3CLI(journal, "select count(*) from checkpoints")).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0 }
        #expect(wait(timeout: 30) { checkpoints() > 1 }, "the first run is writing")

        let inUse = "session \(journal) is in use by process \(pid)"
        expectOneLine(try HeadlessRun.complete(["sim", "--duration", "1h", "--journal", journal], in: folder, tag: "second"), inUse)
        expectOneLine(try HeadlessRun.complete(["journal-drill", "--journal", journal, "--commands", "5"], in: folder, tag: "drill"), inUse)
        // Without a terminal the dashboard refuses before it opens anything; in a terminal it meets the lock.
        expectOneLine(try HeadlessRun.complete(["--journal", journal], in: folder, tag: "dashboard"),
                      "the dashboard needs an interactive terminal: stdin is not a TTY")
        let binary = try TmuxSession.builtExecutable()
        let terminal = try TmuxSession(command: ["/bin/sh", "-c", "\"$0\" --journal \"$1\"; echo \"exit=$?\"; sleep 30", binary.path, journal])
        defer { terminal.kill() }
        #expect(terminal.waitFor("exit=2", timeout: 20), "\((try? terminal.capture()) ?? "")")
        #expect((try? terminal.capture())?.contains(inUse) == true, "\((try? terminal.capture()) ?? "")")

        // The first run kept going.
        let before = checkpoints()
        #expect(first.process.isRunning)
        #expect(wait(timeout: 30) { checkpoints() > before }, "the first run stopped writing")
        #expect(first.stderr.isEmpty, "\(first.stderr)")

        // Killed, it leaves a sound journal and no lock: the next writer continues it.
        kill(pid, SIGKILL)
        first.process.waitUntilExit()
        let (resumed, _, resumeErrors) = try HeadlessRun.complete(["sim", "--duration", "2h", "--journal", journal], in: folder, tag: "after")
        #expect(resumed == 0, "\(resumeErrors)")
        let (status, output, errors) = try HeadlessRun.complete(["verify", journal], in: folder, tag: "verify")
        #expect(status == 0, "\(errors)")
        #expect(output.hasPrefix("ok: "))
    }

    @Test func aReadOnlyDashboardWritesNothing() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("watched.sqlite").path
        let (simStatus, _, simErrors) = try HeadlessRun.complete(["sim", "--seed", "2", "--duration", "3h", "--journal", journal], in: folder, tag: "sim")
        #expect(simStatus == 0, "\(simErrors)")
        try? FileManager.default.removeItem(atPath: journal + ".lock")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: journal))
        // Without a terminal the dashboard stops, but only after opening the session: nothing may have been written.
        let outcome = try HeadlessRun.complete(["--read-only", "--journal", journal], in: folder, tag: "watch")
        #expect(outcome.0 == 2)
        #expect(outcome.2.contains("terminal"), "\(outcome.2)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: journal)) == bytes)
        #expect(!FileManager.default.fileExists(atPath: journal + ".lock"), "a read-only open takes no write lock")
        let pointer = folder.appendingPathComponent("data/pooldesk/sessions/last-session").path
        #expect(!FileManager.default.fileExists(atPath: pointer), "a read-only open does not change the last session")

        // Read-only never starts or creates a session.
        let missing = folder.appendingPathComponent("missing.sqlite").path
        expectOneLine(try HeadlessRun.complete(["--read-only", "--journal", missing], in: folder, tag: "missing"),
                      "\(missing): no such session to watch (--read-only never creates one)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        let (newStatus, _, newErrors) = try HeadlessRun.complete(["--read-only", "--new"], in: folder, tag: "new")
        #expect(newStatus == 2 && newErrors.contains("--read-only"), "\(newErrors)")
    }

    @Test func aBrokenChainIsNeitherResumedNorReplayed() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("edited.sqlite").path
        let (simStatus, _, simErrors) = try HeadlessRun.complete(["sim", "--seed", "4", "--duration", "4h", "--bots", "30", "--journal", journal], in: folder, tag: "sim")
        #expect(simStatus == 0, "\(simErrors)")
        let seq = try #require(Int(sqlite3CLI(journal, "select seq from events where kind = 'orderFilled' limit 1 offset 2").trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = try sqlite3CLI(journal, "update events set payload = json_set(payload, '$.orderFilled._0.fee', 1) where seq = \(seq)")
        let problem = "row \(seq) (event seq \(seq)): hash mismatch"
        let (verifyStatus, _, verifyErrors) = try HeadlessRun.complete(["verify", journal], in: folder, tag: "verify")
        #expect(verifyStatus == 2)
        #expect(verifyErrors == "pooldesk: verify \(journal): \(problem)\n")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: journal))
        // (The dashboard's own refusal needs a terminal; it goes through the same check as `sim`, and
        // without a terminal it refuses before reading the file at all.)
        for arguments in [["sim", "--duration", "1h", "--journal", journal], ["replay", journal], ["export", journal]] {
            let (status, _, errors) = try HeadlessRun.complete(arguments, in: folder, tag: "refused")
            #expect(status == 2, "\(arguments)")
            #expect(errors.hasPrefix("pooldesk: \(journal): \(problem) ") && errors.filter { $0 == "\n" }.count == 1, "\(arguments): \(errors)")
        }
        for arguments in [["--journal", journal], ["--read-only", "--journal", journal]] {
            let (status, _, errors) = try HeadlessRun.complete(arguments, in: folder, tag: "refused")
            #expect(status == 2 && errors.contains("needs an interactive terminal"), "\(arguments): \(errors)")
        }
        // In a terminal, the dashboard and the read-only dashboard refuse it with the verify message.
        let binary = try TmuxSession.builtExecutable()
        for flags in [[String](), ["--read-only"]] {
            let terminal = try TmuxSession(command: ["/bin/sh", "-c", "\"$0\" \"$@\"; echo \"exit=$?\"; sleep 30", binary.path]
                                                + flags + ["--journal", journal])
            defer { terminal.kill() }
            #expect(terminal.waitFor("exit=2", timeout: 20), "\(flags): \((try? terminal.capture()) ?? "")")
            #expect((try? terminal.capture())?.contains("hash mismatch") == true, "\(flags): \((try? terminal.capture()) ?? "")")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: journal)) == bytes, "a refused journal is not modified")
    }
}

/// Runs `sqlite3` on a file; returns stdout.
func sqlite3CLI(_ path: String, _ sql: String) throws -> String {
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

import Foundation
import Testing

/// `pooldesk serve` and `pooldesk accounts` as the operator runs them: the real binary, a temporary HOME.
@Suite("serve and accounts commands", .serialized)
struct ServeCommandTests {
    let cli = CommandLineErrorTests()

    @Test("bad serve and accounts flags are one line and exit 2")
    func badFlags() throws {
        cli.expectOneLineFailure(try cli.run(["serve", "--listen", "nowhere"]), mentioning: "--listen")
        cli.expectOneLineFailure(try cli.run(["serve", "--speed", "0"]), mentioning: "--speed")
        cli.expectOneLineFailure(try cli.run(["serve", "--log-level", "loud"]), mentioning: "--log-level")
        cli.expectOneLineFailure(try cli.run(["accounts", "add", "bob", "--role", "king", "--journal", "/tmp/x.sqlite"]), mentioning: "--role")
    }

    @Test("accounts add prints a secret once and keeps a 0600 hash file; list and revoke; serve starts and stops on SIGTERM")
    func accountsAndServe() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        let added = try cli.run(["accounts", "add", "alice", "--funding", "50000", "--journal", journal], home: home)
        #expect(added.status == 0, "\(added.standardError)")
        let secretLine = added.standardOutput.split(separator: "\n").first { $0.hasPrefix("client_secret ") }
        let secret = try #require(secretLine).dropFirst("client_secret ".count)
        #expect(added.standardOutput.contains("client_id "))
        let file = journal + ".credentials.json"
        let stored = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!stored.contains(String(secret)), "the secret itself must never be stored")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        cli.expectOneLineFailure(try cli.run(["accounts", "add", "alice", "--journal", journal], home: home), mentioning: "alice")

        let listed = try cli.run(["accounts", "list", "--journal", journal], home: home)
        #expect(listed.status == 0)
        #expect(listed.standardOutput.contains("alice\ttrader"))
        let revoked = try cli.run(["accounts", "revoke", "alice", "--journal", journal], home: home)
        #expect(revoked.status == 0, "\(revoked.standardError)")
        #expect(try cli.run(["accounts", "list", "--journal", journal], home: home).standardOutput.contains("\tyes"))

        // serve: ready line on stdout, SIGTERM stops it cleanly, and the journal verifies afterwards.
        let process = Process()
        process.executableURL = try TmuxSession.builtExecutable()
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--journal", journal, "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        var ready = ""
        let deadline = Date().addingTimeInterval(20)
        while !ready.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            ready += String(decoding: chunk, as: UTF8.self)
        }
        #expect(ready.hasPrefix("pooldesk serve: listening on http://127.0.0.1:"), "\(ready)")
        #expect(ready.contains("(journal \(journal))"))
        Thread.sleep(forTimeInterval: 0.5)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "status \(process.terminationStatus)")
        let verified = try cli.run(["verify", journal], home: home)
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
    }
}

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
        cli.expectOneLineFailure(try cli.run(["serve", "--max-connections", "0"]), mentioning: "--max-connections")
        cli.expectOneLineFailure(try cli.run(["serve", "--max-connections-per-ip", "-1"]), mentioning: "--max-connections-per-ip")
    }

    @Test("TLS flags: both or neither; an unreadable or non-PEM file is one line and exit 2, before anything is served")
    func tlsFlags() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        cli.expectOneLineFailure(try cli.run(["serve", "--tls-cert", "/nowhere/cert.pem", "--journal", journal], home: home), mentioning: "--tls-key")
        cli.expectOneLineFailure(try cli.run(["serve", "--tls-key", "/nowhere/key.pem", "--journal", journal], home: home), mentioning: "--tls-cert")
        let missing = try cli.run(["serve", "--tls-cert", "/nowhere/cert.pem", "--tls-key", "/nowhere/key.pem", "--journal", journal], home: home)
        cli.expectOneLineFailure(missing, mentioning: "cannot read --tls-cert /nowhere/cert.pem")
        let garbage = home.appendingPathComponent("garbage.pem").path
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        cli.expectOneLineFailure(try cli.run(["serve", "--tls-cert", garbage, "--tls-key", garbage, "--journal", journal], home: home),
                                 mentioning: "--tls-cert \(garbage)")
        #expect(!FileManager.default.fileExists(atPath: journal), "nothing is created for a server that cannot start")
    }

    @Test("--seed and --bots on an existing journal: refused unless they are the session's own")
    func newSessionFlags() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        // accounts add creates the session with the default seed (1) and bots (20).
        #expect(try cli.run(["accounts", "add", "alice", "--journal", journal], home: home).status == 0)
        cli.expectOneLineFailure(try cli.run(["serve", "--journal", journal, "--seed", "7"], home: home), mentioning: "--seed applies only to new sessions")
        cli.expectOneLineFailure(try cli.run(["serve", "--journal", journal, "--bots", "3"], home: home), mentioning: "--bots applies only to new sessions")
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
        // --seed and --bots equal to the session's own are accepted.
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--journal", journal, "--log-level", "warning", "--seed", "1", "--bots", "20"]
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
        #expect(ready.contains("and ws://127.0.0.1:"))
        #expect(ready.contains("(journal \(journal))"))

        // accounts add beside the running server: no second writer; the server opens the account within a second.
        let beside = try cli.run(["accounts", "add", "bob", "--funding", "20000", "--journal", journal], home: home)
        #expect(beside.status == 0, "\(beside.standardError)")
        #expect(beside.standardOutput.contains("opened by the running server"), "\(beside.standardOutput)")
        #expect(beside.standardOutput.contains("client_secret "))
        let listedWhileServing = try cli.run(["accounts", "list", "--journal", journal], home: home).standardOutput
        #expect(listedWhileServing.contains("bob\ttrader\t"), "\(listedWhileServing)")
        #expect(!listedWhileServing.contains("pending"), "\(listedWhileServing)")
        let revokedWhileServing = try cli.run(["accounts", "revoke", "bob", "--journal", journal], home: home)
        #expect(revokedWhileServing.standardOutput.contains("a running server ends its tokens"), "\(revokedWhileServing.standardOutput)")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "status \(process.terminationStatus)")
        let verified = try cli.run(["verify", journal], home: home)
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
        // bob's account is in the journal (export refuses an account the session never had).
        let exported = try cli.run(["export", journal, "--account", "bob"], home: home)
        #expect(exported.status == 0, "\(exported.standardError)")
    }
}

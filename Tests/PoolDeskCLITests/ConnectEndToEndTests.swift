import Foundation
import Testing

/// `pooldesk serve` and three `pooldesk connect` dashboards, all real processes: two traders and a monitor.
@Suite("connect end to end (real binaries in tmux)", .serialized)
struct ConnectEndToEndTests {
    let cli = CommandLineErrorTests()

    func credentialsFile(_ name: String, journal: String, home: URL) throws -> String {
        let added = try cli.run(["accounts", "add", name, "--funding", "100000", "--journal", journal], home: home)
        #expect(added.status == 0, "\(added.standardError)")
        let path = home.appendingPathComponent("\(name).cred").path
        // What `accounts add` prints is what `connect --credentials` reads.
        try added.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("two traders and a monitor: a buy shows everywhere; kill -9 of the server and a restart bring all three back")
    func sharedPool() async throws {
        // Blocking waits run on their own thread, not on the two threads every async test shares.
        try await offPool { try self.sharedPoolBody() }
    }

    func sharedPoolBody() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        let alice = try credentialsFile("alice", journal: journal, home: home)
        let bob = try credentialsFile("bob", journal: journal, home: home)
        var server = try ServeProcess(journal: journal, home: home)
        defer { server.stop() }
        let binary = try TmuxSession.builtExecutable().path
        let url = "ws://127.0.0.1:\(server.port)"
        // A wide slippage tolerance: the server's clock runs at ×60 while a loaded CI machine draws, and this test is
        // about every screen seeing the fill (the refusal of a moved price has its own test).
        // One after the other: each login runs the server's deliberately slow secret check (scrypt, one at a time),
        // which a loaded debug build can stretch past a client's patience when three arrive at once.
        let aliceDesk = try TmuxSession(command: [binary, "connect", url, "--credentials", alice, "--slippage", "25%", "--timeout", "60"], width: 160, height: 48)
        defer { aliceDesk.kill() }
        #expect(aliceDesk.waitFor("127.0.0.1:\(server.port) · alice", timeout: 60), "\((try? aliceDesk.capture()) ?? "")")
        let bobDesk = try TmuxSession(command: [binary, "connect", url, "--credentials", bob, "--timeout", "60"], width: 160, height: 48)
        defer { bobDesk.kill() }
        #expect(bobDesk.waitFor("· bob", timeout: 60), "\((try? bobDesk.capture()) ?? ""), exit \(String(describing: try? bobDesk.termination()))")
        let monitor = try TmuxSession(command: [binary, "connect", url, "--timeout", "60"], width: 160, height: 48)
        defer { monitor.kill() }
        #expect(monitor.waitFor("MONITOR", timeout: 60), "\((try? monitor.capture()) ?? "")")

        // Alice buys the selected series with the ticket's default size.
        try aliceDesk.sendKeys("b")
        #expect(aliceDesk.waitFor("Worst accepted", timeout: 10), "\((try? aliceDesk.capture()) ?? "")")
        try aliceDesk.sendKeys("Enter")
        #expect(aliceDesk.waitFor("you bought", timeout: 15), "\((try? aliceDesk.capture()) ?? "")")
        // The buy the server acknowledged is in its journal (a command row) before any screen shows it.
        #expect(aliceDesk.waitFor("1 open", timeout: 5))
        #expect(bobDesk.waitFor("alice bought", timeout: 15), "\((try? bobDesk.capture()) ?? "")")
        #expect(monitor.waitFor("alice bought", timeout: 15), "\((try? monitor.capture()) ?? "")")
        // The monitor cannot trade, and says why.
        try monitor.sendKeys("b")
        #expect(monitor.waitFor("order keys are off", timeout: 5))

        // kill -9: every dashboard says so within seconds and keeps running.
        server.killNine()
        for desk in [aliceDesk, bobDesk, monitor] {
            #expect(desk.waitFor("DISCONNECTED", timeout: 10), "\((try? desk.capture()) ?? "")")
        }
        try aliceDesk.sendKeys("b")
        #expect(aliceDesk.waitFor("orders are off", timeout: 5), "\((try? aliceDesk.capture()) ?? "")")
        let port = server.port
        server = try ServeProcess(journal: journal, home: home, port: port)
        for desk in [aliceDesk, bobDesk, monitor] {
            #expect(desk.waitUntil(timeout: 30) { !$0.contains("DISCONNECTED") && $0.contains("restarted") }, "\((try? desk.capture()) ?? "")")
        }
        // Alice's acknowledged buy survived the crash: her positions panel still holds it.
        #expect(aliceDesk.waitUntil(timeout: 10) { screen in
            screen.split(separator: "\n").contains { $0.contains("Positions") } && !screen.contains("no open positions")
        }, "\((try? aliceDesk.capture()) ?? "")")
        try aliceDesk.sendKeys("q")
    }

    @Test("a wrong secret, a refused port and a malformed URL: one line and exit 2, before any screen")
    func refusals() async throws {
        try await offPool { try self.refusalsBody() }
    }

    func refusalsBody() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        let added = try cli.run(["accounts", "add", "carol", "--journal", journal], home: home)
        let id = try #require(added.standardOutput.split(separator: "\n").first { $0.hasPrefix("client_id ") }).dropFirst("client_id ".count)
        let server = try ServeProcess(journal: journal, home: home)
        let url = "ws://127.0.0.1:\(server.port)"
        let wrong = try cli.run(["connect", url, "--client-id", String(id)], home: home, environment: ["POOLDESK_CLIENT_SECRET": "wrong"])
        cli.expectOneLineFailure(wrong, mentioning: "refused the credentials")
        server.stop()
        cli.expectOneLineFailure(try cli.run(["connect", url], home: home), mentioning: "connection refused")
        cli.expectOneLineFailure(try cli.run(["connect", "ftp://x"], home: home), mentioning: "ws://")
        cli.expectOneLineFailure(try cli.run(["connect", url, "--client-id", "x"], home: home), mentioning: "POOLDESK_CLIENT_SECRET")
    }
}

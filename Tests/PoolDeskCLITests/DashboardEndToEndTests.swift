import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `pooldesk` binary inside tmux: start, trade, reject, resize, quit, signals.
@Suite("Dashboard end to end (tmux)", .serialized)
struct DashboardEndToEndTests {
    static let panelTitles = ["BTC-USD", "Pool", "Account", "Positions", "Events", "Strike", "Util"]

    func startDashboard(_ arguments: [String] = [], width: Int = 120, height: Int = 40) throws -> TmuxSession {
        let binary = try TmuxSession.builtExecutable()
        let session = try TmuxSession(command: [binary.path] + arguments, width: width, height: height)
        #expect(session.waitFor("Positions", timeout: 15), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        return session
    }

    /// Runs the dashboard under a shell that prints its exit status afterwards and keeps the pane alive:
    /// once a pane is dead tmux hides its cursor itself, so the restore can only be judged on a live pane.
    func startDashboardInShell(_ arguments: [String] = []) throws -> TmuxSession {
        let binary = try TmuxSession.builtExecutable()
        let script = "\"$0\" \"$@\"; echo \"exit=$?\"; sleep 30"
        let session = try TmuxSession(command: ["/bin/sh", "-c", script, binary.path] + arguments)
        #expect(session.waitFor("Positions", timeout: 15), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        return session
    }

    /// Waits for the shell's `exit=N` line and checks the screen and cursor are back.
    func expectRestored(_ session: TmuxSession, exitStatus: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(session.waitFor("exit=\(exitStatus)"), "no exit=\(exitStatus):\n\((try? session.capture()) ?? "")", sourceLocation: sourceLocation)
        let state = (try? session.display("#{alternate_on} #{cursor_flag}")) ?? "?"
        #expect(state == "0 1", "alternate screen left and cursor shown, got \(state)", sourceLocation: sourceLocation)
        #expect(!((try? session.capture()) ?? "").contains("Positions"), "the dashboard is still on screen", sourceLocation: sourceLocation)
    }

    @Test("starts and shows every panel with a moving market")
    func startsWithEveryPanel() throws {
        let session = try startDashboard()
        defer { session.kill() }
        let screen = try session.capture()
        for title in Self.panelTitles {
            #expect(screen.contains(title), "panel \(title) missing")
        }
        // The market moves: the simulated clock in the header changes within a couple of seconds.
        let firstHeader = screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(session.waitUntil(timeout: 5) { ($0.split(separator: "\n").first.map(String.init) ?? "") != firstHeader })
    }

    @Test("on recorded prices the market walks the file's bars and the status line says when the history ends")
    func recordedPrices() throws {
        // The committed excerpt's last two bars (2020-03-12 22:00 and 23:00 UTC): open 5,819.97, last close 4,800.
        let session = try startDashboard(["--prices", "BTC=\(Fixture.url("btc_usdt_1h_2020-03-12.csv").path)",
                                          "--from", "2020-03-12T22:00Z", "--speed", "3600", "--bots", "4"])
        defer { session.kill() }
        #expect(try session.capture().contains("MAR20"), "the clock should be at the data's dates:\n\((try? session.capture()) ?? "")")
        #expect(session.waitFor("history ended", timeout: 30), "no history-ended notice:\n\((try? session.capture()) ?? "")")
        let screen = try session.capture()
        #expect(screen.contains("BTC holds the last recorded close"))
        // And the header keeps saying it once the status line has moved on.
        #expect(screen.split(separator: "\n").first?.contains("HISTORY ENDED") == true, "\(screen)")
        #expect(screen.contains("4,800"), "BTC should hold the file's last close:\n\(screen)")
    }

    @Test("a buy through the keyboard makes a position appear")
    func buyMakesPosition() throws {
        let session = try startDashboard()
        defer { session.kill() }
        try session.sendKeys("b")
        #expect(session.waitFor("Total to pay"), "ticket did not open")
        try session.sendKeys("Enter")
        #expect(session.waitFor("1 open"), "no position after the buy:\n\((try? session.capture()) ?? "")")
        #expect(try session.capture().contains("you bought"))
    }

    @Test("a rejected order shows its reason")
    func rejectionShowsReason() throws {
        let session = try startDashboard()
        defer { session.kill() }
        try session.sendKeys("b")
        #expect(session.waitFor("Total to pay"))
        try session.sendKeys("BSpace", "BSpace", "BSpace")
        try session.sendText("999")
        #expect(session.waitFor("would be rejected"), "the preview should warn before confirming")
        try session.sendKeys("Enter")
        #expect(session.waitFor("REJECTED"), "no rejection shown:\n\((try? session.capture()) ?? "")")
        #expect(try session.capture().contains("size limit"))
    }

    @Test("resizing re-lays out, shows the too-small message, and recovers")
    func resize() throws {
        let session = try startDashboard()
        defer { session.kill() }
        try session.resize(width: 90, height: 28)
        #expect(session.waitUntil { screen in
            let lines = screen.split(separator: "\n")
            return lines.count <= 28 && screen.contains("Events") && lines.contains { $0.hasSuffix("┘") && $0.count == 90 }
        }, "no relayout at 90×28 (pane \(String(describing: try? session.paneSize()))):\n\((try? session.capture()) ?? "")")
        try session.resize(width: 60, height: 20)
        #expect(session.waitFor("needs at least 80×24"), "no too-small message:\n\((try? session.capture()) ?? "")")
        #expect(try session.capture().contains("this terminal is 60×20"))
        try session.resize(width: 120, height: 40)
        #expect(session.waitFor("Positions"))
        #expect(session.isAlive)
    }

    @Test("q exits with status 0 and the terminal restored")
    func quitRestoresTerminal() throws {
        let session = try startDashboardInShell()
        defer { session.kill() }
        #expect(try session.display("#{alternate_on}") == "1", "the dashboard should use the alternate screen")
        try session.sendKeys("q")
        expectRestored(session, exitStatus: 0)
    }

    @Test("Ctrl-C quits cleanly too")
    func controlCQuits() throws {
        let session = try startDashboardInShell()
        defer { session.kill() }
        try session.sendKeys("C-c")
        expectRestored(session, exitStatus: 0)
    }

    @Test("SIGTERM and SIGHUP restore the terminal and end the process by that signal", arguments: [SIGTERM, SIGHUP])
    func signalRestores(signal: Int32) throws {
        let session = try startDashboardInShell()
        defer { session.kill() }
        // The pane runs the shell; the dashboard is its child.
        let shell = try #require(try session.processID())
        let child = try #require(childProcess(of: shell), "no dashboard process under the shell")
        #expect(Glibc.kill(child, signal) == 0)
        expectRestored(session, exitStatus: 128 + Int(signal))
    }

    /// The first child of `parent`, read from /proc.
    func childProcess(of parent: Int32) -> Int32? {
        let path = "/proc/\(parent)/task/\(parent)/children"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test("read-only mode shows an existing session as journaled and refuses order keys on screen")
    func readOnly() throws {
        // Read-only watches an existing session, so one is journaled first (in the pane's own XDG_DATA_HOME).
        let binary = try TmuxSession.builtExecutable()
        let script = "\"$0\" sim --seed 3 --duration 2h --journal \"$XDG_DATA_HOME/watched.sqlite\" > /dev/null && "
            + "exec \"$0\" --read-only --journal \"$XDG_DATA_HOME/watched.sqlite\""
        let session = try TmuxSession(command: ["/bin/sh", "-c", script, binary.path])
        defer { session.kill() }
        #expect(session.waitFor("Positions", timeout: 60), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        let screen = try session.capture()
        #expect(screen.contains("READ-ONLY"))
        #expect(screen.contains("as journaled at 2026-12-01T02:00:00Z"), "\(screen)")
        // The clock stays at the end of the journal: nothing is simulated beyond what the writer recorded.
        let header = screen.split(separator: "\n").first.map(String.init) ?? ""
        usleep(1_500_000)
        #expect((try session.capture().split(separator: "\n").first.map(String.init) ?? "") == header)
        try session.sendKeys("b")
        #expect(session.waitFor("order keys are off"))
    }

    @Test("resuming a session brings back its market, positions sort and speed; a new session starts fresh")
    func resumeRestoresTheView() throws {
        // One pane runs the dashboard twice on the same journal: created, then resumed. A third run (--new) is fresh.
        let binary = try TmuxSession.builtExecutable()
        let script = "\"$0\" --journal \"$XDG_DATA_HOME/kept.sqlite\" && \"$0\" --journal \"$XDG_DATA_HOME/kept.sqlite\" && exec \"$0\" --new"
        let session = try TmuxSession(command: ["/bin/sh", "-c", script, binary.path])
        defer { session.kill() }
        #expect(session.waitFor("Positions", timeout: 30), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("m")
        #expect(session.waitFor("ETH-USD"))
        try session.sendKeys("o", "+")
        #expect(session.waitFor("×120"))
        // `o` from the default sort (expiry) goes to size.
        #expect(session.waitFor("sort size"))
        try session.sendKeys("q")
        // The second run resumes kept.sqlite and says what came back in its event log.
        #expect(session.waitFor("view restored", timeout: 30), "\((try? session.capture()) ?? "")")
        let resumed = try session.capture()
        #expect(resumed.contains("ETH-USD"), "\(resumed)")
        #expect(resumed.contains("×120"), "\(resumed)")
        #expect(resumed.contains("sort size"), "\(resumed)")
        let stateFiles = try FileManager.default.contentsOfDirectory(atPath: session.homeDirectory.appendingPathComponent("state/pooldesk/ui-state").path)
        #expect(stateFiles.count == 1 && stateFiles.first?.hasSuffix(".json") == true, "\(stateFiles)")
        try session.sendKeys("q")
        #expect(session.waitUntil(timeout: 30) { $0.contains("seed 1 · b buys") }, "\((try? session.capture()) ?? "")")
        let fresh = try session.capture()
        #expect(fresh.contains("BTC-USD") && fresh.contains("×60") && fresh.contains("sort expiry"), "\(fresh)")
    }

    @Test("the help overlay lists the keys")
    func help() throws {
        let session = try startDashboard()
        defer { session.kill() }
        try session.sendKeys("?")
        #expect(session.waitFor("pause / resume the simulation"))
        try session.sendKeys("Escape")
        #expect(session.waitUntil { !$0.contains("pause / resume the simulation") })
    }
}

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary in tmux against the "safe at the keyboard" cases: huge sizes, pastes, typed sizes, SIGQUIT.
@Suite("Keyboard safety end to end (tmux)", .serialized)
struct KeyboardSafetyEndToEndTests {
    func start(_ arguments: [String] = ["--seed", "5"], inShell: Bool = false) throws -> TmuxSession {
        let binary = try TmuxSession.builtExecutable()
        let command = inShell
            ? ["/bin/sh", "-c", "\"$0\" \"$@\"; echo \"exit=$?\"; sleep 30", binary.path] + arguments
            : [binary.path] + arguments
        let session = try TmuxSession(command: command, width: 160, height: 48)
        #expect(session.waitFor("Positions", timeout: 15), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        return session
    }

    @Test("a 1,000,000,000-contract size in the BTC and ETH tickets previews the size limit and never crashes")
    func hugeSizeDoesNotCrash() throws {
        let session = try start()
        defer { session.kill() }
        try session.sendKeys("Space", "b")
        #expect(session.waitFor("Total to pay"))
        try session.sendText("1000000000")
        #expect(session.waitFor("order larger than the size limit"), "no size-limit preview:\n\((try? session.capture()) ?? "")")
        #expect(!(try session.capture()).contains("Total to pay"), "a refused size must not show a price")
        try session.sendKeys("Enter")
        #expect(session.waitFor("REJECTED"))
        #expect(session.isAlive)
        try session.sendKeys("m", "b")
        #expect(session.waitFor("Total to pay"))
        try session.sendText("100000000")
        #expect(session.waitFor("order larger than the size limit"))
        try session.sendKeys("Escape")
        #expect(session.isAlive, "the dashboard died:\n\((try? session.capture()) ?? "")")
    }

    @Test("the first digit typed replaces the prefilled size: 2 over 0.1 is 2, 25 over ETH's 1 is 25")
    func typedSizeReplaces() throws {
        let session = try start()
        defer { session.kill() }
        try session.sendKeys("Space", "b")
        #expect(session.waitFor("Total to pay"))
        try session.sendText("2")
        #expect(session.waitUntil { $0.contains("Size              2▏ contracts") }, "\((try? session.capture()) ?? "")")
        try session.sendKeys("Escape", "m", "b")
        // The ETH ticket itself, not the BTC one still on screen: keys typed before a ticket is drawn are refused.
        #expect(session.waitFor("━ Buy ETH-"))
        try session.sendText("25")
        #expect(session.waitUntil { $0.contains("Size              25▏ contracts") }, "\((try? session.capture()) ?? "")")
    }

    @Test("a paste is text: a⏎s⏎ on the command line submits nothing, b25⏎ in the normal view buys nothing")
    func pasteIsText() throws {
        let session = try start()
        defer { session.kill() }
        try session.sendKeys("Space", ":")
        try session.paste("a\ns\n")
        #expect(session.waitFor(":a s"), "the paste should sit on the command line:\n\((try? session.capture()) ?? "")")
        let screen = try session.capture()
        #expect(!screen.contains("Total to receive"), "no sell ticket may open from a paste")
        try session.sendKeys("Escape")
        try session.paste("b25\n")
        #expect(session.waitFor("paste ignored"), "\((try? session.capture()) ?? "")")
        let after = try session.capture()
        #expect(!after.contains("Total to pay"))
        #expect(!after.contains("you bought"))
        #expect(after.contains("0 open"))
    }

    @Test("SIGQUIT restores the terminal and exits, with no crash report")
    func sigquitRestores() throws {
        let session = try start([], inShell: true)
        defer { session.kill() }
        let shell = try #require(try session.processID())
        let path = "/proc/\(shell)/task/\(shell)/children"
        let child = try #require((try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: " ").first
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(Glibc.kill(child, SIGQUIT) == 0)
        #expect(session.waitFor("exit=131"), "no exit=131:\n\((try? session.capture()) ?? "")")
        let screen = try session.capture()
        #expect(!screen.contains("Crash") && !screen.contains("Fatal") && !screen.contains("Backtrace"))
        #expect(try session.display("#{alternate_on} #{cursor_flag}") == "0 1")
    }
}

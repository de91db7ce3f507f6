import Foundation
import Testing

/// Strategies through the real `pooldesk` binary in tmux: one bought from the command line, one built on the chain,
/// and the risk view. Buying needs the strategy engine (atomic multi-leg fills, `strategies(of:)`).
@Suite("Strategies end to end (tmux)", .serialized)
struct StrategyEndToEndTests {
    func startDashboard() throws -> TmuxSession {
        let binary = try TmuxSession.builtExecutable()
        let session = try TmuxSession(command: [binary.path], width: 140, height: 44)
        #expect(session.waitFor("Positions", timeout: 15), "the dashboard did not come up:\n\((try? session.capture()) ?? "")")
        return session
    }

    @Test(":buy straddle from the command line opens the ticket with its payoff chart; Enter fills both legs as one strategy")
    func straddleFromCommandLine() throws {
        let session = try startDashboard()
        defer { session.kill() }
        // BTC lists 1D strikes every 1,000 around its 60,000 start: 60000 is on the board for the whole first day.
        try session.sendText(":buy straddle BTC-1D-60000 0.1")
        try session.sendKeys("Enter")
        #expect(session.waitFor("Buy straddle"), "no strategy ticket:\n\((try? session.capture()) ?? "")")
        let ticket = try session.capture()
        for label in ["Net premium", "Break-even", "P(profit)", "Payoff"] {
            #expect(ticket.contains(label), "ticket misses \(label):\n\(ticket)")
        }
        try session.sendKeys("Enter")
        #expect(session.waitFor("▶ straddle"), "no strategy row after Enter:\n\((try? session.capture()) ?? "")")
        #expect(try session.capture().contains("2 open"))
        // c on the strategy's row: the close ticket (each leg's price, the net, collateral, realized P&L); Esc keeps it,
        // c and Enter close it as one order.
        try session.sendKeys("Tab", "c")
        #expect(session.waitFor("Close straddle"), "no close ticket:\n\((try? session.capture()) ?? "")")
        let closeTicket = try session.capture()
        for label in ["Net premium", "Worst accepted", "Collateral", "Balance after", "Realized P&L", "Enter close"] {
            #expect(closeTicket.contains(label), "close ticket misses \(label):\n\(closeTicket)")
        }
        try session.sendKeys("Escape")
        #expect(session.waitUntil { !$0.contains("Close straddle") && $0.contains("▶ straddle") }, "Esc did not keep it:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("c")
        #expect(session.waitFor("Close straddle"))
        try session.sendKeys("Enter")
        #expect(session.waitUntil { !$0.contains("▶ straddle") && !$0.contains("Close straddle") }, "the strategy did not close:\n\((try? session.capture()) ?? "")")
    }

    @Test("legs marked on the chain open the ticket; Enter fills them; the risk view shows the account")
    func strategyFromChain() throws {
        let session = try startDashboard()
        defer { session.kill() }
        // The at-the-money call (x), then its put (l, x): both bought at one strike, a straddle.
        try session.sendKeys("x")
        #expect(session.waitFor("1 leg marked"), "no mark:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("l", "x")
        #expect(session.waitFor("2 legs marked"), "no second mark:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("Enter")
        #expect(session.waitFor("Buy straddle"), "no ticket from the chain:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("Enter")
        #expect(session.waitFor("▶ straddle"), "no strategy row:\n\((try? session.capture()) ?? "")")
        try session.sendKeys("r")
        #expect(session.waitFor("P&L by spot move"), "no risk view:\n\((try? session.capture()) ?? "")")
        #expect(try session.capture().contains("2 positions"))
        try session.sendKeys("Escape")
        #expect(session.waitFor("Positions"))
    }
}

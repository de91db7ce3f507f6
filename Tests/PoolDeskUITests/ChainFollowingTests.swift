import PoolDeskUI
import PoolEngine
import Testing

/// The chain cursor and an open ticket as simulated time carries a board past its trading cutoff and its expiry.
@Suite("Chain cursor across cutoff and expiry")
struct ChainFollowingTests {
    /// A fixture 20 minutes in, the cursor moved off the at-the-money strike onto a put, and the board it shows.
    private func fixtureOnAPut() throws -> (DashboardFixture, Board, SeriesID) {
        var fixture = DashboardFixture()
        fixture.press(.down, .down, .right)
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        // The fixture's nearest board is the hourly one expiring at 01:00, trading until 00:54 (10% of its tenor).
        #expect(board.tenorLabel == "1H")
        #expect(fixture.engine.series[series.index].kind == .put)
        return (fixture, board, series)
    }

    @Test("past the cutoff the cursor stays on its board, strike and side, and the status line says trading stopped")
    func staysAtCutoff() throws {
        let (start, board, series) = try fixtureOnAPut()
        var fixture = start
        let cutoff = board.tradingCutoff(fixture.engine.configuration.amm)
        fixture.advance(to: cutoff + .seconds(30))
        #expect(fixture.engine.time >= cutoff && fixture.engine.time < board.expiry)
        // Before, the chain jumped to the nearest board still trading (the 4H) and kept only the strike's index.
        #expect(fixture.state.currentBoard(in: fixture.engine)?.id == board.id)
        #expect(fixture.state.selectedSeries(in: fixture.engine) == series)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("BTC 1H stopped trading at 00:54"), "\(status)")
        #expect(status.contains("until expiry at 01:00"), "\(status)")
        // Said once: a "still here" key clears it, and the next minute brings no second notice.
        fixture.press(.character("x"))
        fixture.advance(by: .minutes(1))
        #expect(fixture.state.status?.text.contains("stopped trading") != true)
    }

    @Test("when the board expires the chain moves to the nearest remaining expiry, nearest strike, same side, and says so")
    func movesOnExpiry() throws {
        let (start, board, series) = try fixtureOnAPut()
        var fixture = start
        let oldStrike = fixture.engine.series[series.index].strike.doubleValue
        fixture.advance(to: board.expiry + .minutes(1))
        let live = fixture.engine.liveBoards(market: board.market)
        #expect(!live.contains { $0.id == board.id })
        let now = try #require(fixture.state.currentBoard(in: fixture.engine))
        // Every remaining board expires later; the nearest is the earliest of them.
        #expect(now.expiry > board.expiry)
        for other in live { #expect(now.expiry <= other.expiry) }
        let selected = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let option = fixture.engine.series[selected.index]
        #expect(option.kind == .put)
        #expect(option.board == now.id)
        for strike in now.strikes {
            #expect(abs(option.strike.doubleValue - oldStrike) <= abs(strike.doubleValue - oldStrike))
        }
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("BTC 1H expired at 01:00"), "\(status)")
        #expect(status.contains("the chain moved to \(now.tenorLabel)"), "\(status)")
    }

    @Test("a ticket open when its series reaches the cutoff closes, says why, and sends nothing")
    func ticketClosesAtCutoff() throws {
        let (start, board, series) = try fixtureOnAPut()
        var fixture = start
        fixture.press(.character("b"))
        #expect(fixture.state.ticket?.series == series)
        fixture.advance(to: board.tradingCutoff(fixture.engine.configuration.amm) + .minutes(1))
        #expect(fixture.state.ticket == nil)
        #expect(fixture.state.mode == .normal)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("\(fixture.engine.series[series.index].name) stopped trading at 00:54"), "\(status)")
        #expect(status.contains("ticket closed, nothing sent"), "\(status)")
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        // Enter now is a plain key on the main screen: still nothing is sent.
        #expect(fixture.press(.enter).isEmpty)
    }

    @Test("a ticket open while its series expires (time jumping past cutoff and expiry at once) says it expired")
    func ticketClosesAtExpiry() throws {
        let (start, board, series) = try fixtureOnAPut()
        var fixture = start
        fixture.press(.character("s"))
        #expect(fixture.state.ticket != nil)
        fixture.advance(to: board.expiry + .seconds(10))
        #expect(fixture.state.ticket == nil)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("\(fixture.engine.series[series.index].name) expired at 01:00"), "\(status)")
    }

    @Test("b on a series past its cutoff opens no ticket and says why")
    func noTicketPastCutoff() throws {
        let (start, board, _) = try fixtureOnAPut()
        var fixture = start
        fixture.advance(to: board.tradingCutoff(fixture.engine.configuration.amm) + .minutes(1))
        fixture.press(.character("b"))
        #expect(fixture.state.ticket == nil)
        #expect(fixture.state.status?.text.contains("stopped trading") == true)
    }

    @Test("] and [ still choose boards by hand, closed ones included, and the choice holds")
    func manualChoiceHolds() throws {
        let (start, board, _) = try fixtureOnAPut()
        var fixture = start
        fixture.press(.character("]"))
        let second = try #require(fixture.state.currentBoard(in: fixture.engine))
        #expect(second.id != board.id)
        fixture.advance(to: board.tradingCutoff(fixture.engine.configuration.amm) + .minutes(1))
        #expect(fixture.state.currentBoard(in: fixture.engine)?.id == second.id)
        fixture.press(.character("["))
        #expect(fixture.state.currentBoard(in: fixture.engine)?.id == board.id)
    }
}

import PoolDeskUI
import PoolEngine
import Testing

@Suite("Dashboard reducer")
struct DashboardReducerTests {
    @Test("the chain cursor starts on the at-the-money call of the nearest expiry open for trading")
    func initialCursor() throws {
        let fixture = DashboardFixture()
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        let spot = fixture.engine.markets[board.market.index].spot
        #expect(fixture.engine.time < board.tradingCutoff(fixture.engine.configuration.amm))
        let nearest = fixture.engine.liveBoards(market: board.market).first { fixture.engine.time < $0.tradingCutoff(fixture.engine.configuration.amm) }
        #expect(board.id == nearest?.id)
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let option = fixture.engine.series[series.index]
        #expect(option.kind == .call)
        // No listed strike is closer to spot than the selected one.
        for strike in board.strikes {
            #expect(abs(option.strike.doubleValue - spot) <= abs(strike.doubleValue - spot))
        }
    }

    @Test("b then Enter buys the default size of the selected series")
    func buyThroughTheTicket() throws {
        var fixture = DashboardFixture()
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        fixture.press(.character("b"))
        #expect(fixture.state.ticket?.side == .buy)
        let effects = fixture.press(.enter)
        guard case .engine(.placeOrder(let order)) = effects.first else {
            Issue.record("expected an order, got \(effects)")
            return
        }
        #expect(order.series == series)
        #expect(order.side == .buy)
        #expect(order.quantity == Quantity(micros: 100_000)) // ten BTC minimum sizes of 0.01
        let position = try #require(fixture.engine.position(account: fixture.state.deskAccount, series: series))
        #expect(position.quantity == order.quantity)
        #expect(fixture.state.ticket == nil)
    }

    @Test("typing a size, stepping it and switching side")
    func ticketEditing() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .backspace, .backspace, .backspace)
        fixture.type("2.5")
        #expect(fixture.state.ticket?.quantity == Quantity(micros: 2_500_000))
        fixture.press(.character("+"))
        #expect(fixture.state.ticket?.quantityText == "2.6")
        fixture.press(.character("-"), .character("-"))
        #expect(fixture.state.ticket?.quantityText == "2.4")
        fixture.press(.tab)
        #expect(fixture.state.ticket?.side == .sell)
        fixture.press(.escape)
        #expect(fixture.state.ticket == nil)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("a rejected order shows its reason on the status line and in the log")
    func rejectionReason() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .backspace, .backspace, .backspace)
        fixture.type("999")
        fixture.press(.enter)
        #expect(fixture.state.status?.text.contains("REJECTED") == true)
        #expect(fixture.state.status?.text.contains("order larger than the size limit") == true)
        #expect(fixture.state.log.last?.text.contains("size limit") == true)
    }

    @Test("c on the positions panel opens a close ticket for the whole position; Enter closes it")
    func closePosition() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .tab, .character("c"))
        let ticket = try #require(fixture.state.ticket)
        #expect(ticket.isClose)
        #expect(ticket.side == .sell)
        #expect(ticket.quantityText == "0.1")
        fixture.press(.enter)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("Tab and Shift-Tab cycle the panels")
    func focusCycle() {
        var fixture = DashboardFixture()
        #expect(fixture.state.focus == .chain)
        fixture.press(.tab)
        #expect(fixture.state.focus == .positions)
        fixture.press(.tab)
        #expect(fixture.state.focus == .log)
        fixture.press(.tab)
        #expect(fixture.state.focus == .chain)
        fixture.press(.backTab)
        #expect(fixture.state.focus == .log)
    }

    @Test("[ ] change expiry, m changes market, arrows move the cursor")
    func navigation() throws {
        var fixture = DashboardFixture()
        let first = try #require(fixture.state.currentBoard(in: fixture.engine))
        fixture.press(.character("]"))
        let second = try #require(fixture.state.currentBoard(in: fixture.engine))
        #expect(second.expiry > first.expiry)
        fixture.press(.character("["))
        #expect(fixture.state.currentBoard(in: fixture.engine)?.id == first.id)
        let before = try #require(fixture.state.cursorStrikeIndex(in: fixture.engine))
        fixture.press(.down, .character("j"))
        #expect(fixture.state.cursorStrikeIndex(in: fixture.engine) == before + 2)
        fixture.press(.right)
        #expect(fixture.state.chainKind == .put)
        fixture.press(.character("m"))
        #expect(fixture.state.currentBoard(in: fixture.engine)?.market == MarketID(1))
    }

    @Test("read-only mode refuses order keys and order commands")
    func readOnly() {
        var fixture = DashboardFixture(readOnly: true)
        fixture.press(.character("b"))
        #expect(fixture.state.ticket == nil)
        #expect(fixture.state.status?.text.contains("read-only") == true)
        fixture.press(.character(":"))
        fixture.type("deposit 100")
        #expect(fixture.press(.enter).isEmpty)
        #expect(fixture.state.status?.text.contains("read-only") == true)
    }

    @Test("the command line trades by tenor alias, completes, and keeps history")
    func commandLine() throws {
        var fixture = DashboardFixture()
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        let strike = board.strikes[board.atTheMoneyIndex(spot: fixture.engine.markets[0].spot)]
        let alias = "BTC-\(board.tenorLabel)-\(strike.micros / 1_000_000)-C"
        fixture.press(.character(":"))
        fixture.type("buy 0.2 \(alias)")
        let effects = fixture.press(.enter)
        guard case .engine(.placeOrder(let order)) = effects.first else {
            Issue.record("no order from the command line: \(effects), status \(String(describing: fixture.state.status))")
            return
        }
        #expect(order.quantity == Quantity(micros: 200_000))
        #expect(fixture.engine.series[order.series.index].strike == strike)
        #expect(fixture.state.commandHistory == ["buy 0.2 \(alias)"])
        // History: ↑ recalls the last command.
        fixture.press(.character(":"), .up)
        #expect(fixture.state.commandLine?.text == "buy 0.2 \(alias)")
        fixture.press(.escape)
        // Completion: "sp" + Tab → "speed ".
        fixture.press(.character(":"))
        fixture.type("sp")
        fixture.press(.tab)
        #expect(fixture.state.commandLine?.text == "speed ")
        fixture.type("10")
        fixture.press(.enter)
        #expect(fixture.state.speed == 10)
    }

    @Test("a bad command gives its reason, not an action")
    func badCommand() {
        var fixture = DashboardFixture()
        fixture.press(.character(":"))
        fixture.type("buy two BTC-9Z-1-C")
        #expect(fixture.press(.enter).isEmpty)
        #expect(fixture.state.status?.text.contains("\"two\" is neither a quantity nor a strategy (spread, straddle, ") == true,
                "\(fixture.state.status?.text ?? "")")
        fixture.press(.character(":"))
        fixture.type("frobnicate")
        fixture.press(.enter)
        #expect(fixture.state.status?.text.contains("unknown command") == true)
    }

    @Test("space pauses, + and - walk the speed ladder, t asks for the next theme, q and Ctrl-C quit")
    func globalKeys() {
        var fixture = DashboardFixture()
        fixture.press(.character(" "))
        #expect(fixture.state.paused)
        fixture.press(.character(" "))
        #expect(!fixture.state.paused)
        #expect(fixture.state.speed == 60)
        fixture.press(.character("+"))
        #expect(fixture.state.speed == 120)
        fixture.press(.character("-"), .character("-"))
        #expect(fixture.state.speed == 30)
        #expect(fixture.press(.character("t")) == [.applyTheme("light")])
        #expect(fixture.press(.character("q")) == [.quit])
        var other = DashboardFixture()
        #expect(other.press(.control("c")) == [.quit])
    }

    @Test("d deposits into the pool as an LP, w withdraws the shares")
    func liquidityKeys() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("d"), .enter)
        let account = fixture.engine.accounts[fixture.state.deskAccount.index]
        #expect(account.shares.isPositive)
        fixture.press(.character("w"), .enter)
        #expect(fixture.engine.accounts[fixture.state.deskAccount.index].shares.isZero)
        // Deposit-then-withdraw never gains (withdrawal fee, rounding in the pool's favour).
        #expect(fixture.engine.accounts[fixture.state.deskAccount.index].balance <= Money(250_000))
    }
}

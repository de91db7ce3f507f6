@testable import PoolDeskUI
import PoolEngine
import Testing

/// The "safe at the keyboard" cases: no order the user did not mean, from typing, pasting or a moving price.
@Suite("Keyboard safety")
struct KeyboardSafetyTests {
    @Test("the first digit typed replaces the prefilled size; + and - still step it")
    func typedSizeReplacesDefault() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"))
        #expect(fixture.state.ticket?.quantityText == "0.1")
        fixture.type("2")
        #expect(fixture.state.ticket?.quantity == Quantity(2))
        fixture.type("5")
        #expect(fixture.state.ticket?.quantity == Quantity(25))
        fixture.press(.escape, .character("m"), .character("b"))
        #expect(fixture.state.ticket?.quantityText == "1")
        fixture.type("25")
        #expect(fixture.state.ticket?.quantity == Quantity(25), "ETH default 1 then 25 must be 25, not 125")
        fixture.press(.character("+"))
        #expect(fixture.state.ticket?.quantityText == "26")
        fixture.type("3")
        #expect(fixture.state.ticket?.quantityText == "3", "a digit after a step replaces the stepped value")
    }

    @Test("the deposit box replaces its prefilled amount too")
    func depositReplacesDefault() {
        var fixture = DashboardFixture()
        fixture.press(.character("d"))
        #expect(fixture.state.liquidityTicket?.amountText == "10000")
        fixture.type("500")
        #expect(fixture.state.liquidityTicket?.amountText == "500")
        fixture.press(.backspace)
        #expect(fixture.state.liquidityTicket?.amountText == "50")
    }

    @Test("pasting a:s into the command line is text, never keys: nothing is submitted, no ticket opens")
    func pasteIntoCommandLine() {
        var fixture = DashboardFixture()
        fixture.press(.character(":"))
        let effects = fixture.press(.paste("a\ns\n"))
        #expect(effects.isEmpty)
        #expect(fixture.state.commandLine?.text == "a s ")
        #expect(fixture.state.ticket == nil)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("a paste in the normal view is ignored with a reason; b25⏎ buys nothing")
    func pasteInNormalView() {
        var fixture = DashboardFixture()
        let effects = fixture.press(.paste("b25\n"))
        #expect(effects.isEmpty)
        #expect(fixture.state.ticket == nil)
        #expect(fixture.state.status?.text.contains("paste ignored") == true)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("a paste in the ticket sets the size when it is one number and never confirms")
    func pasteIntoTicket() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"))
        #expect(fixture.press(.paste("0.3\n")).isEmpty)
        #expect(fixture.state.ticket?.quantity == Quantity(micros: 300_000))
        fixture.press(.paste("1\n2"))
        #expect(fixture.state.ticket?.quantityText == "12")
        fixture.press(.paste("b25"))
        #expect(fixture.state.ticket?.quantityText == "12")
        #expect(fixture.state.status?.text.contains("paste ignored") == true)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("a comma, an exponent or too many decimals is refused with that reason, not as 15 contracts")
    func ambiguousQuantities() {
        var fixture = DashboardFixture()
        for (text, reason) in [("buy 1,5", "comma is ambiguous"), ("buy 1e3", "exponents are not accepted"),
                               ("buy 12.3456789", "more than 6 decimals"), ("deposit all", "\"all\" is not a number"),
                               ("deposit 1,000", "comma is ambiguous")] {
            fixture.press(.character(":"))
            fixture.type(text)
            #expect(fixture.press(.enter).isEmpty, "\(text) must not act")
            #expect(fixture.state.status?.text.contains(reason) == true, "\(text): \(fixture.state.status?.text ?? "")")
        }
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("ticket orders carry the previewed total adjusted by the slippage tolerance")
    func ticketCarriesLimit() throws {
        var fixture = DashboardFixture()
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        fixture.press(.character("b"))
        let previewed = try #require(fixture.engine.preview(Order(account: fixture.state.deskAccount, series: series, side: .buy,
                                                                  quantity: Quantity(micros: 100_000))).fill)
        let effects = fixture.press(.enter)
        guard case .engine(.placeOrder(let order)) = effects.first else {
            Issue.record("expected an order, got \(effects)")
            return
        }
        let total = previewed.premium + previewed.fee
        // 1% above the previewed total, rounded down: computed here from the fill's own numbers.
        #expect(order.limitPremium == Money(micros: (total.micros * 101) / 100))
    }

    @Test(":slippage sets the tolerance; a price past the limit is refused with how far it moved")
    func slippageRefusal() throws {
        var fixture = DashboardFixture()
        fixture.press(.character(":"))
        fixture.type("slippage 0.5%")
        fixture.press(.enter)
        #expect(fixture.state.slippage == 0.005)
        fixture.press(.character(":"))
        fixture.type("slippage 80%")
        fixture.press(.enter)
        #expect(fixture.state.slippage == 0.005)
        #expect(fixture.state.status?.text.contains("0% to 50%") == true)

        // A limit of 1 USD per contract on an option worth hundreds: refused, saying how far off the price is.
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let name = fixture.engine.series[series.index].name
        fixture.press(.character(":"))
        fixture.type("buy 0.1 \(name) @ 1")
        let effects = fixture.press(.enter)
        guard case .engine(.placeOrder(let order)) = effects.first else {
            Issue.record("expected an order, got \(effects)")
            return
        }
        #expect(order.limitPremium == Money(micros: 100_000))
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("price worse than the limit"))
        #expect(status.contains("% worse"))
        // Money in the refusal reads as a price, two decimals (not the journal's six).
        #expect(status.range(of: #"costs \d+\.\d\d USD, limit 0\.10 — "#, options: .regularExpression) != nil, "\(status)")
    }

    @Test("a price that moves past the tolerance between preview and fill is refused, not paid")
    func movedPriceIsRefused() throws {
        var fixture = DashboardFixture()
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let desk = fixture.state.deskAccount
        let order = Order(account: desk, series: series, side: .buy, quantity: Quantity(micros: 100_000))
        let previewed = try #require(fixture.engine.preview(order).fill)
        var limited = order
        limited.limitPremium = Order.slippageLimit(previewed: previewed.traderCashFlow, side: .buy, tolerance: 0.01)
        // Someone else buys a large size first: IV and the premium jump by more than 1%.
        let other = AccountID(fixture.engine.accounts.count)
        _ = fixture.engine.apply(.openAccount(name: "other", role: .trader, funding: Money(10_000_000)))
        let moved = fixture.engine.apply(.placeOrder(Order(account: other, series: series, side: .buy, quantity: Quantity(5))))
        #expect(moved.contains { if case .orderFilled = $0.payload { true } else { false } })
        let events = fixture.engine.apply(.placeOrder(limited))
        let rejection = events.compactMap { event -> Rejection? in
            if case .orderRejected(_, _, _, _, let rejection) = event.payload { return rejection }
            return nil
        }.first
        #expect(rejection?.reason == .limitPrice)
        #expect(fixture.engine.position(account: desk, series: series) == nil)
    }

    @Test("closing more than is held is refused, from the ticket and from :close, never trimmed")
    func closeMoreThanHeld() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let held = try #require(fixture.engine.position(account: fixture.state.deskAccount, series: series)).quantity
        #expect(held == Quantity(micros: 100_000))
        fixture.press(.character("c"))
        fixture.type("2")
        fixture.press(.enter)
        #expect(fixture.engine.position(account: fixture.state.deskAccount, series: series)?.quantity == held)
        #expect(fixture.state.status?.text.contains("the position holds 0.1 contracts, cannot close 2") == true)
        let name = fixture.engine.series[series.index].name
        fixture.press(.character(":"))
        fixture.type("close \(name) 999")
        fixture.press(.enter)
        #expect(fixture.engine.position(account: fixture.state.deskAccount, series: series)?.quantity == held)
        #expect(fixture.state.status?.text.contains("cannot close 999") == true)
    }

    @Test(":speed 0.5 is refused with the range the message states; 1 and 3600 are taken")
    func speedLimits() {
        var fixture = DashboardFixture()
        for (text, accepted) in [("speed 0.5", false), ("speed 1", true), ("speed 3600", true), ("speed 3601", false)] {
            let before = fixture.state.speed
            fixture.press(.character(":"))
            fixture.type(text)
            fixture.press(.enter)
            if accepted {
                #expect(fixture.state.speed != before || text == "speed \(Int(before))")
            } else {
                #expect(fixture.state.speed == before, "\(text) must be refused")
                #expect(fixture.state.status?.text.contains("from 1 to 3600") == true)
            }
        }
    }

    @Test("an expired series is called expired, not unknown")
    func expiredSeriesMessage() throws {
        var fixture = DashboardFixture()
        let board = try #require(fixture.engine.liveBoards.map { fixture.engine.boards[$0.index] }.min { $0.expiry < $1.expiry })
        let name = fixture.engine.series[board.calls[0].index].name
        fixture.advance(to: board.expiry + .minutes(1))
        fixture.press(.character(":"))
        fixture.type("buy 0.1 \(name)")
        #expect(fixture.press(.enter).isEmpty)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("\(name) expired at"))
        #expect(status.contains("settled at"))
        fixture.press(.character(":"))
        fixture.type("buy 0.1 BTC-9Z-1-C")
        fixture.press(.enter)
        #expect(fixture.state.status?.text.contains("unknown series") == true)
    }

    @Test("a huge typed size previews the size-limit refusal, not a price, and never traps")
    func hugeSizePreview() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"))
        fixture.type("1000000000")
        let grid = fixture.render(width: 160, height: 48)
        #expect(grid.text.contains("order larger than the size limit"))
        #expect(!grid.text.contains("Premium"))
        fixture.press(.enter)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        fixture.press(.character("b"))
        fixture.type("99999999999999999999")
        #expect(fixture.render(width: 160, height: 48).text.contains("out of range"))
    }

    @Test("events naming boards, markets or series the shown engine lacks still log, never trap")
    func eventsAheadOfTheEngine() {
        var fixture = DashboardFixture()
        let time = fixture.engine.time
        let events = [
            EngineEvent.journaled(sequence: 90_000, time: time, payload: .boardListed(
                board: BoardID(9_999), market: MarketID(7), expiry: time, tenor: .hours(1), strikes: [Money(1)], baseIv: 0.5)),
            EngineEvent.journaled(sequence: 90_001, time: time, payload: .boardSettled(board: BoardID(9_999), spot: 1, positions: 1, poolPayout: .zero)),
            EngineEvent.journaled(sequence: 90_002, time: time, payload: .hedged(
                market: MarketID(7), size: 1, price: 1, cost: .zero, realizedPnL: .zero, newSize: 1)),
        ]
        _ = DashboardReducer.reduce(&fixture.state, action: .engineEvents(events), engine: fixture.engine)
        #expect(fixture.state.log.suffix(3).count == 3)
        #expect(fixture.state.log.last?.text.contains("market 7") == true)
    }

    @Test("the status line shows the last command's result, not an older error")
    func statusFollowsTheLastCommand() {
        var fixture = DashboardFixture()
        fixture.press(.character(":"))
        fixture.type("buy 1,5")
        fixture.press(.enter)
        #expect(fixture.state.status?.role == .danger)
        fixture.press(.character(":"))
        fixture.type("hedge on")
        fixture.press(.enter)
        #expect(fixture.state.status?.text == "pool hedging on")
    }

    @Test("t skips a theme that fails to load, with a warning, instead of sticking on it")
    func brokenThemeIsSkipped() {
        var fixture = DashboardFixture()  // themes: default, light, gruvbox
        #expect(fixture.press(.character("t")) == [.applyTheme("light")])
        _ = DashboardReducer.reduce(&fixture.state, action: .themeFailed(name: "light", reason: "light.toml:3: bid: bad color"), engine: fixture.engine)
        #expect(fixture.state.status?.text.contains("skipped") == true)
        #expect(fixture.press(.character("t")) == [.applyTheme("gruvbox")])
        #expect(CommandLineParser.complete("theme li", engine: fixture.engine, themes: fixture.state.availableThemes).text == "theme li")
    }

    @Test("the ? overlay at 80×24 scrolls with j/k and shows every key, every command and the units")
    func helpScrollsAt80x24() {
        var fixture = DashboardFixture()
        fixture.press(.character("?"))
        var seen = ""
        for _ in 0..<90 {
            seen += fixture.render(width: 80, height: 24).text
            fixture.press(.character("j"))
        }
        #expect(fixture.state.helpVisible, "j scrolls, it does not close")
        for binding in KeyMap.main { #expect(seen.contains(binding.summary), "missing \(binding.label)") }
        for word in CommandLineParser.commands { #expect(seen.contains(word), "missing :\(word)") }
        for unit in ["Γ$", "ν", "Θ", "Rsrv", "Lock"] { #expect(seen.contains(unit), "missing unit \(unit)") }
        fixture.press(.character("k"), .escape)
        #expect(!fixture.state.helpVisible)
    }

    @Test("a position is marked at what closing it now would pay, so a fresh buy shows the round trip's cost, not a gain")
    func honestMarks() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let view = try #require(fixture.engine.positionViews(of: fixture.state.deskAccount).first)
        let close = try #require(fixture.engine.previewClose(account: fixture.state.deskAccount, series: view.position.series, quantity: nil).fill)
        // Independently: the preview of the close, through the engine's own rounding, against the cost basis.
        let realizable = close.traderCashFlow.doubleValue - view.position.costBasis.doubleValue
        #expect(abs(view.unrealizedPnL - realizable) < 0.000_01 * max(1, abs(realizable)) + 0.000_002, "\(view.unrealizedPnL) vs \(realizable)")
        #expect(view.unrealizedPnL < 0)
        #expect(view.mark < view.modelMark, "a long is marked at the pool's bid, below the model mid")
    }

    @Test("the command line edits like readline: arrows, Home/End, Ctrl-A/E/U/W, Delete; long lines scroll")
    func commandLineEditing() {
        var fixture = DashboardFixture()
        fixture.press(.character(":"))
        fixture.type("buy 2 BTC")
        fixture.press(.left, .left, .left, .left, .left, .left, .left)  // after "bu"
        fixture.type("y")
        #expect(fixture.state.commandLine?.text == "buyy 2 BTC")
        fixture.press(.backspace, .end)
        #expect(fixture.state.commandLine?.text == "buy 2 BTC")
        fixture.press(.control("w"))
        #expect(fixture.state.commandLine?.text == "buy 2 ")
        fixture.press(.control("a"), .delete)
        #expect(fixture.state.commandLine?.text == "uy 2 ")
        fixture.press(.control("e"), .left, .control("u"))
        #expect(fixture.state.commandLine?.text == " ")
        fixture.type(String(repeating: "x", count: 150))
        let bar = fixture.render(width: 80, height: 24).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bar.contains("xxxx") && !bar.contains(":"), "a long line scrolls to keep the cursor in view: \(bar)")
    }

    @Test("a halt names its board in the header and says why and until when on the chain")
    func haltIsReadable() throws {
        var configuration = EngineConfiguration()
        configuration.breakers.maximumIvDeviation = 0.000_1
        let scenario = Scenario(configuration: configuration, seed: 1, participants: ParticipantConfiguration(count: 0))
        var engine = scenario.engine
        var state = DashboardState(deskAccount: scenario.deskAccount, marketCount: engine.markets.count)
        let board = try #require(state.currentBoard(in: engine))
        let atm = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
        _ = engine.apply(.placeOrder(Order(account: scenario.deskAccount, series: atm, side: .buy, quantity: Quantity(micros: 500_000))))
        let events = engine.advance(to: engine.time + .minutes(1))
        _ = DashboardReducer.reduce(&state, action: .engineEvents(events), engine: engine)
        #expect(!engine.halts.isEmpty)
        let context = RenderContext(theme: Theme.compiledInDefault, glyphs: .unicode, chartStyle: .braille)
        let text = DashboardRenderer.render(state: state, engine: engine, context: context, width: 160, height: 48).text
        #expect(text.contains("HALTED BTC \(board.tenorLabel)"), "\(text.split(separator: "\n").first ?? "")")
        #expect(text.contains("HALTED until") && text.contains("IV moved too far"))
    }

    @Test(":close completes the desk's own positions, and close all closes every one")
    func closeCompletionAndCloseAll() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("j"), .character("b"), .enter)
        let held = fixture.engine.positions(of: fixture.state.deskAccount).map { fixture.engine.series[$0.series.index].name }
        #expect(held.count == 2)
        let completion = CommandLineParser.complete("close ", engine: fixture.engine, themes: [], account: fixture.state.deskAccount)
        #expect(Set(completion.candidates) == Set(held + ["all"]))
        fixture.press(.character(":"))
        fixture.type("close all")
        #expect(fixture.press(.enter).count == 2)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    @Test("the deposit box states the withdrawal fee")
    func depositShowsWithdrawalFee() {
        var fixture = DashboardFixture()
        fixture.press(.character("d"))
        #expect(fixture.render(width: 120, height: 40).text.contains("0.30% when you withdraw"))
    }

    @Test("q with open positions asks once; q again quits, another key stays; without positions q quits at once")
    func quitConfirmation() {
        var fixture = DashboardFixture()
        #expect(fixture.press(.character("b"), .enter).count == 1)
        #expect(fixture.press(.character("q")).isEmpty)
        #expect(fixture.state.status?.text.contains("1 open position") == true)
        fixture.press(.character("x"))
        #expect(!fixture.state.shouldQuit)
        fixture.press(.character("q"))
        #expect(fixture.press(.character("q")) == [.quit])
        var empty = DashboardFixture()
        #expect(empty.press(.character("q")) == [.quit])
    }

    @Test("a desk position that settles says so on the status line")
    func settlementNotice() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let position = try #require(fixture.engine.positions(of: fixture.state.deskAccount).first)
        fixture.advance(to: fixture.engine.series[position.series.index].expiry + .minutes(1))
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        #expect(fixture.state.status?.text.contains("settled at") == true, "\(fixture.state.status?.text ?? "")")
    }

    @Test("/ filters the event log as you type; Esc clears it; End jumps to the newest")
    func logFilter() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let all = fixture.state.log.count
        fixture.press(.character("/"))
        fixture.type("you bought")
        #expect(fixture.state.visibleLog.count == 1)
        #expect(fixture.state.visibleLog.first?.text.hasPrefix("you bought") == true)
        #expect(fixture.render(width: 160, height: 48).text.contains("/you bought"))
        fixture.press(.enter)
        #expect(fixture.state.logFilter == "you bought")
        fixture.press(.character("k"), .character("k"), .end)
        #expect(fixture.state.logScroll == 0)
        fixture.press(.character("/"), .escape)
        #expect(fixture.state.logFilter.isEmpty && fixture.state.visibleLog.count == all)
    }

    @Test("a cutoff on another day carries its date")
    func cutoffDates() {
        let today = SimTime(year: 2026, month: 12, day: 1)
        #expect(ChainPanel.shortTime(today + .hours(5) + .minutes(36), today: today) == "05:36")
        #expect(ChainPanel.shortTime(today + .hours(29) + .minutes(36), today: today) == "2 Dec 05:36")
    }

    @Test("Ctrl-\\ quits like Ctrl-C")
    func controlBackslashQuits() {
        var fixture = DashboardFixture()
        #expect(fixture.press(.control("\\")) == [.quit])
        #expect(fixture.state.shouldQuit)
    }
}

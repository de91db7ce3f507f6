@testable import PoolDeskUI
import PoolEngine
import Testing

/// Issue 13 on the dashboard: `:buy straddle …` and the other templates, legs marked on the chain, the strategy ticket
/// (confirm, cancel, side, size, its limit), the risk view, and golden text for the ticket with its payoff chart and
/// for the risk view.
@Suite("Strategies on the dashboard")
struct StrategyDashboardTests {
    /// The 1D BTC board's strike texts around the money (as in series names), low to high.
    static func strikes(_ fixture: DashboardFixture, count: Int) throws -> [String] {
        let engine = fixture.engine
        let board = try #require(engine.liveBoards.map { engine.boards[$0.index] }.first {
            engine.markets[$0.market.index].symbol == "BTC" && $0.tenors.contains(.days(1))
        })
        let atm = board.atTheMoneyIndex(spot: engine.markets[board.market.index].spot)
        let start = atm - count / 2
        return (start..<(start + count)).map { String(engine.series[board.calls[$0].index].name.split(separator: "-")[2]) }
    }

    static func run(_ fixture: inout DashboardFixture, _ command: String) -> [DashboardEffect] {
        fixture.press(.character(":"))
        fixture.type(command)
        return fixture.press(.enter)
    }

    static func legNames(_ ticket: StrategyTicketState?, _ engine: Engine) -> [String] {
        (ticket?.legs ?? []).map { "\($0.side == .buy ? "+" : "-")\($0.ratio) \(engine.series[$0.series.index].name)" }
    }

    @Test(":buy straddle opens the strategy ticket with both legs and the size; nothing is sent before Enter")
    func commandOpensTicket() throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 3)
        #expect(Self.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1").isEmpty)
        let ticket = try #require(fixture.state.strategyTicket)
        #expect(ticket.side == .buy && ticket.name == "straddle" && ticket.size.text == "1")
        let names = Self.legNames(ticket, fixture.engine)
        #expect(names.count == 2)
        #expect(names[0].hasPrefix("+1 BTC-") && names[0].hasSuffix("-\(k[1])-C"))
        #expect(names[1].hasPrefix("+1 BTC-") && names[1].hasSuffix("-\(k[1])-P"))
        // Sell flips every leg of the order the ticket would send.
        fixture.press(.tab)
        let order = try #require(fixture.state.strategyTicket?.order(account: fixture.state.deskAccount))
        #expect(order.legs.map(\.side) == [.sell, .sell])
        fixture.press(.escape)
        #expect(fixture.state.strategyTicket == nil)
        #expect(fixture.state.status?.text == "strategy cancelled")
    }

    @Test("the command forms of every template, and their refusals on the status line")
    func commandForms() throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 4)
        for (command, legs) in [("sell spread BTC-1D-\(k[0])/\(k[1])-C 2", 2), ("buy condor BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3]) 0.5", 4),
                                ("buy fly BTC-1D-\(k[0])/\(k[1])/\(k[2])", 3), ("buy ratio BTC-1D-\(k[0])/\(k[1])-C 1x2 1", 2),
                                ("buy custom +BTC-1D-\(k[0])-C -BTC-1D-\(k[1])-C*2", 2), ("sell strangle BTC-1D-\(k[0])/\(k[3])", 2)] {
            _ = Self.run(&fixture, command)
            let ticket = try #require(fixture.state.strategyTicket, "\(command): \(fixture.state.status?.text ?? "")")
            #expect(ticket.legs.count == legs, "\(command)")
            fixture.press(.escape)
        }
        _ = Self.run(&fixture, "sell spread BTC-1D-\(k[0])/\(k[1])-C 2")
        #expect(fixture.state.strategyTicket?.side == .sell && fixture.state.strategyTicket?.size.text == "2")
        fixture.press(.escape)
        for (command, reason) in [("buy straddle BTC-1D-12345 1", "no live BTC 1D board lists strike 12345"),
                                  ("buy condor BTC-1D-\(k[0])/\(k[1])/\(k[2]) 1", "4 strikes expected"),
                                  ("buy spread BTC-1D-\(k[1])/\(k[0])-C", "low to high"),
                                  ("buy straddle BTC-1D-\(k[0]) 0", "must be above zero")] {
            #expect(Self.run(&fixture, command).isEmpty)
            #expect(fixture.state.strategyTicket == nil, "\(command)")
            #expect(fixture.state.status?.text.contains(reason) == true, "\(command): \(fixture.state.status?.text ?? "")")
        }
    }

    @Test("Tab completes template names, board prefixes and the named board's strikes")
    func completion() throws {
        let fixture = DashboardFixture()
        let engine = fixture.engine
        let names = CommandLineParser.complete("buy str", engine: engine, themes: [])
        #expect(names.candidates == ["straddle", "strangle"])
        #expect(CommandLineParser.complete("buy cond", engine: engine, themes: []).text == "buy condor ")
        let boards = CommandLineParser.complete("buy straddle BTC-1", engine: engine, themes: [])
        #expect(boards.candidates.contains("BTC-1D-") && boards.candidates.contains("BTC-1H-"))
        let k = try Self.strikes(fixture, count: 3)
        // The spread's last strike is completed with the `-` its -C/-P needs.
        let strike = CommandLineParser.complete("buy spread BTC-1D-\(k[0])/\(k[2].prefix(k[2].count - 1))", engine: engine, themes: [])
        #expect(strike.text.hasSuffix("/\(k[2])-") || strike.candidates.contains("BTC-1D-\(k[0])/\(k[2])-"), "\(strike)")
        let kind = CommandLineParser.complete("buy spread BTC-1D-\(k[0])/\(k[2])-", engine: engine, themes: [])
        #expect(kind.candidates == ["BTC-1D-\(k[0])/\(k[2])-C", "BTC-1D-\(k[0])/\(k[2])-P"])
    }

    @Test("x and X mark legs on the chain, again unmarks, Enter opens the ticket named after the template")
    func chainMarking() throws {
        var fixture = DashboardFixture()
        let call = try #require(fixture.state.selectedSeries(in: fixture.engine))
        fixture.press(.character("x"))
        #expect(fixture.state.markedLegs == [StrategyLeg(series: call, side: .buy)])
        fixture.press(.character("X"))
        #expect(fixture.state.markedLegs == [StrategyLeg(series: call, side: .sell)])
        fixture.press(.character("X"))
        #expect(fixture.state.markedLegs.isEmpty)
        fixture.press(.enter)
        #expect(fixture.state.strategyTicket == nil)
        #expect(fixture.state.status?.text.contains("mark two to four legs") == true)
        // The ATM call and put bought: a straddle.
        fixture.press(.character("x"), .character("l"), .character("x"))
        #expect(fixture.state.markedLegs.count == 2)
        let text = fixture.render(width: 120, height: 40).text
        #expect(text.contains("+"), "marks on the chain")
        fixture.press(.enter)
        #expect(fixture.state.strategyTicket?.name == "straddle")
        fixture.press(.escape)
        // Cancelling keeps the marks for another try; u clears them.
        #expect(fixture.state.markedLegs.count == 2)
        fixture.press(.character("u"))
        #expect(fixture.state.markedLegs.isEmpty)
    }

    @Test("a fifth leg and a leg on another market are refused")
    func legLimits() {
        var fixture = DashboardFixture()
        fixture.press(.character("x"), .character("j"), .character("x"), .character("j"), .character("x"), .character("j"), .character("x"))
        #expect(fixture.state.markedLegs.count == 4)
        fixture.press(.character("j"), .character("x"))
        #expect(fixture.state.markedLegs.count == 4)
        #expect(fixture.state.status?.text.contains("at most 4 legs") == true)
        fixture.press(.character("u"), .character("x"), .character("m"), .character("x"))
        #expect(fixture.state.markedLegs.count == 1)
        #expect(fixture.state.status?.text.contains("one market") == true)
    }

    @Test("Enter sends the strategy with the previewed net ± slippage as its worst net premium, and clears the marks")
    func confirmCarriesLimit() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("x"), .character("l"), .character("X"))
        fixture.press(.enter)
        let ticket = try #require(fixture.state.strategyTicket)
        let order = try #require(ticket.order(account: fixture.state.deskAccount))
        let preview = fixture.engine.previewStrategy(order)
        let effects = fixture.press(.enter)
        guard case .engine(.placeStrategy(let sent))? = effects.first else {
            Issue.record("expected a strategy order, got \(effects)")
            return
        }
        #expect(sent.legs == order.legs && sent.size == order.size)
        if preview.rejection == nil {
            // 1% of the previewed net's size added against the trader (a debit may grow, a credit shrink), whole micros.
            let flow = preview.netCashFlow.micros
            #expect(sent.limitNetPremium == Money(micros: flow + abs(flow) / 100))
        } else {
            #expect(sent.limitNetPremium == nil)
        }
        #expect(fixture.state.strategyTicket == nil && fixture.state.markedLegs.isEmpty)
    }

    @Test("the slippage limit moves a debit up and a credit toward zero")
    func limitSigns() {
        #expect(DashboardReducer.strategyLimit(previewed: Money(1_000), tolerance: 0.01) == Money(1_010))
        #expect(DashboardReducer.strategyLimit(previewed: Money(-1_000), tolerance: 0.01) == Money(-990))
        #expect(DashboardReducer.strategyLimit(previewed: Money(micros: -3), tolerance: 0.5) == Money(micros: -2))
    }

    @Test("the ticket edits its size like the single ticket; read-only refuses to mark or open")
    func ticketEditingAndReadOnly() throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 3)
        _ = Self.run(&fixture, "buy straddle BTC-1D-\(k[1])")
        #expect(fixture.state.strategyTicket?.size.text == "0.1")
        fixture.type("2.5")
        #expect(fixture.state.strategyTicket?.size.text == "2.5")
        fixture.press(.character("+"))
        #expect(fixture.state.strategyTicket?.size.text == "2.6")
        fixture.press(.backspace, .backspace, .backspace)
        #expect(fixture.press(.enter).isEmpty)
        #expect(fixture.state.strategyTicket != nil)

        var monitor = DashboardFixture(readOnly: true)
        monitor.press(.character("x"))
        #expect(monitor.state.markedLegs.isEmpty)
        #expect(Self.run(&monitor, "buy straddle BTC-1D-\(k[1]) 1").isEmpty)
        #expect(monitor.state.strategyTicket == nil)
        #expect(monitor.state.status?.text.contains("read-only") == true)
    }

    @Test("r opens the risk view; Tab, arrows and e switch; the numbers follow the engine; Esc leaves")
    func riskViewKeys() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        fixture.press(.character("r"))
        let view = try #require(fixture.state.riskView)
        #expect(view.scope == .account && view.horizon == .now)
        let report = try #require(view.report)
        #expect(report.holdings == 1)
        #expect(report.grid.pnl.count == 7 && report.grid.pnl.allSatisfy { $0.count == 9 })
        #expect(abs(report.grid.pnl[3][4]) < 1e-9)
        fixture.press(.tab, .right, .character("e"))
        #expect(fixture.state.riskView?.scope == .pool)
        #expect(fixture.state.riskView?.horizon == .oneDay)
        #expect(fixture.state.riskView?.metric == .delta)
        #expect(fixture.state.riskView?.report?.scope == .pool)
        let before = try #require(fixture.state.riskView?.report?.time)
        fixture.advance(by: .minutes(5))
        #expect(fixture.state.riskView?.report?.time == fixture.engine.time)
        #expect(fixture.state.riskView?.report?.time != before)
        fixture.press(.escape)
        #expect(fixture.state.riskView == nil)
        fixture.press(.character("r"), .character("r"))
        #expect(fixture.state.riskView == nil)
    }

    @Test("a bought strategy is one positions row; e unfolds its legs; c on a leg closes that leg, on the row the rest")
    func groupedPositions() throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 4)
        _ = Self.run(&fixture, "buy condor BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3]) 0.5")
        let effects = fixture.press(.enter)
        guard case .engine(.placeStrategy)? = effects.first else {
            Issue.record("expected a strategy order, got \(effects)")
            return
        }
        let held = try #require(fixture.engine.strategies(of: fixture.state.deskAccount).first, "\(fixture.state.status?.text ?? "")")
        #expect(held.legs.count == 4)
        fixture.press(.tab)
        #expect(fixture.state.focus == .positions)
        var rows = fixture.state.positionRows(in: fixture.engine)
        #expect(rows.count == 1)
        guard case .strategy(let summary)? = rows.first else { Issue.record("no strategy row: \(rows)"); return }
        #expect(summary.holding.name == "iron condor" && summary.legs.count == 4 && !summary.expanded)
        // Its P&L: the legs' marks against the net premium paid, as the engine reports them.
        let marks = fixture.engine.positionViews(of: fixture.state.deskAccount).reduce(0) { $0 + $1.markValue }
        #expect(abs(summary.unrealizedPnL - (marks - held.netPremium.doubleValue)) < 1e-6)
        let folded = fixture.render(width: 120, height: 40).text
        #expect(folded.contains("▶ iron condor") && folded.contains("4 legs"))
        fixture.press(.character("e"))
        rows = fixture.state.positionRows(in: fixture.engine)
        #expect(rows.count == 5)
        // A bounded strategy's short legs hold the whole maximum payout and are never liquidated: no "Liq" spot.
        let legViews = fixture.engine.positionViews(of: fixture.state.deskAccount).filter { $0.position.strategy != nil }
        #expect(legViews.count == 4 && legViews.contains { $0.position.isShort } && legViews.allSatisfy { $0.liquidation == nil })
        try Golden.check(fixture.render(width: 120, height: 40), named: "positions-strategy-expanded-120x40")
        // c on the first leg closes that leg alone.
        fixture.press(.down)
        guard case .leg(let leg, let strategy)? = fixture.state.selectedPositionRow(in: fixture.engine) else {
            Issue.record("cursor not on a leg"); return
        }
        // c opens the leg's close ticket (one key never trades): Esc keeps the leg, c then Enter closes it.
        #expect(fixture.press(.character("c")).isEmpty)
        #expect(fixture.state.strategyCloseTicket == StrategyCloseTicketState(strategy: strategy, leg: leg.position.series, name: "iron condor"))
        #expect(fixture.press(.escape).isEmpty)
        #expect(fixture.state.strategyCloseTicket == nil)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).first?.legs.count == 4)
        #expect(fixture.press(.character("c")).isEmpty)
        let closeLeg = fixture.press(.enter)
        guard case .engine(.closeStrategyLeg(_, let closedStrategy, let series, nil, _))? = closeLeg.first else {
            Issue.record("expected a leg close, got \(closeLeg)"); return
        }
        #expect(closedStrategy == strategy && series == leg.position.series)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).first?.legs.count == 3, "\(fixture.state.status?.text ?? "")")
        // c on the strategy row opens the close ticket of what is left, as one order; keys other than Enter and Esc
        // do nothing there.
        fixture.press(.up)
        #expect(fixture.press(.character("c")).isEmpty)
        #expect(fixture.state.strategyCloseTicket?.leg == nil && fixture.state.strategyCloseTicket?.strategy == strategy)
        #expect(fixture.press(.character("y"), .character("5"), .tab).isEmpty)
        #expect(fixture.state.strategyCloseTicket != nil)
        let closeAll = fixture.press(.enter)
        guard case .engine(.closeStrategy(_, let id, let limit))? = closeAll.first else {
            Issue.record("expected a strategy close, got \(closeAll)"); return
        }
        #expect(id == strategy && limit != nil)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).isEmpty, "\(fixture.state.status?.text ?? "")")
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
    }

    // MARK: - Golden text

    @Test("golden: the straddle ticket with its payoff chart, 120×40")
    func ticketGolden() throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 3)
        _ = Self.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1")
        let grid = fixture.render(width: 120, height: 40)
        let text = grid.text
        for label in ["Buy straddle", "Net premium", "Max profit/loss", "Break-even", "P(profit)", "Payoff", "IV before → after"] {
            #expect(text.contains(label), "missing \(label)")
        }
        #expect(text.contains("unlimited"))
        try Golden.check(grid, named: "strategy-ticket-120x40")
    }

    @Test("golden: an iron condor sold, in ASCII, 100×36")
    func condorTicketASCII() throws {
        var fixture = DashboardFixture()
        fixture.context = RenderContext(theme: Theme.compiledInDefault.degraded(to: .monochrome), glyphs: .ascii, chartStyle: .ascii)
        let k = try Self.strikes(fixture, count: 6)
        _ = Self.run(&fixture, "sell condor BTC-1D-\(k[1])/\(k[2])/\(k[3])/\(k[4]) 0.5")
        let grid = fixture.render(width: 100, height: 36)
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("Sell iron condor"))
        try Golden.check(grid, named: "strategy-ticket-condor-ascii-100x36")
    }

    @Test("golden: the risk view of the pool after trading, 120×40; it reads without colour")
    func riskGolden() throws {
        var fixture = DashboardFixture(minutes: 90)
        fixture.press(.character("b"), .enter)
        fixture.press(.character("r"), .tab)
        let grid = fixture.render(width: 120, height: 40)
        let text = grid.text
        #expect(text.contains("Risk · the pool"))
        #expect(text.contains("P&L by spot move × vol shift"))
        #expect(text.contains("Pool exposure · BTC"))
        // Signs and shade density carry the heat map on a monochrome terminal.
        #expect(text.contains("-") && text.unicodeScalars.contains { "░▒▓█".unicodeScalars.contains($0) })
        try Golden.check(grid, named: "risk-pool-120x40")
        fixture.press(.character("e"), .character("e"), .character("e"), .right, .right)
        try Golden.check(fixture.render(width: 120, height: 40), named: "risk-pool-vega-expiry-120x40")
    }

    @Test("the risk view and the strategy ticket draw at every size without trapping", arguments: [(80, 24), (100, 30), (220, 60)])
    func sizes(width: Int, height: Int) throws {
        var fixture = DashboardFixture()
        let k = try Self.strikes(fixture, count: 3)
        _ = Self.run(&fixture, "buy strangle BTC-1D-\(k[0])/\(k[2]) 1")
        #expect(fixture.render(width: width, height: height).text.contains("strangle"))
        fixture.press(.escape, .character("b"), .enter, .character("r"))
        #expect(fixture.render(width: width, height: height).text.contains("Risk"))
    }
}

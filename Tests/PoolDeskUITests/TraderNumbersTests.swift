@testable import PoolDeskUI
import PoolEngine
import Testing

/// Issue 12's numbers on screen: the chain's bid/ask IV, the positions panel's columns and sort keys, the sell
/// ticket's collateral and liquidation spot, the LP boxes and the pool's withdrawal queue, and the fill IV in the log.
/// Golden text at 80×24, 120×40, 160×48 and 220×60 (files `numbers-*`, reviewed by eye when recorded).
@Suite("Trader numbers on screen")
struct TraderNumbersTests {
    static let sizes = [(80, 24), (120, 40), (160, 48), (220, 60)]

    /// The seeded market with the desk long a BTC call and an ETH call and short a BTC put with 3,000 USD posted.
    static func deskWithShort() -> DashboardFixture {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        fixture.press(.character("l"), .character("s"), .character("c"))
        fixture.type("3000")
        fixture.press(.enter)
        fixture.press(.character("h"), .character("m"), .character("b"), .enter, .character("m"))
        return fixture
    }

    /// A 100k pool, 80% locked by a trader's BTC calls; the desk is its only LP and asked to withdraw 60,000 shares,
    /// so a part of them waits in the queue.
    static func deskWithQueuedWithdrawal() throws -> DashboardFixture {
        var configuration = EngineConfiguration()
        configuration.hedging.enabled = false
        var engine = Engine(configuration: configuration, seed: 7)
        var events = engine.apply(.openAccount(name: "desk", role: .trader, funding: Money(150_000)))
        let desk = AccountID(engine.accounts.count - 1)
        events += engine.apply(.deposit(account: desk, amount: Money(100_000)))
        events += engine.apply(.openAccount(name: "whale", role: .trader, funding: Money(10_000_000)))
        let whale = AccountID(engine.accounts.count - 1)
        let board = try #require(engine.liveBoards.map { engine.boards[$0.index] }.first { $0.market == MarketID(0) && $0.tenor == .days(7) })
        let call = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
        for _ in 0..<20 {
            let step = engine.apply(.placeOrder(Order(account: whale, series: call, side: .buy, quantity: Quantity(micros: 100_000))))
            events += step
            if step.contains(where: { if case .orderRejected = $0.payload { true } else { false } }) { break }
        }
        events += engine.apply(.withdraw(account: desk, shares: Shares(60_000)))
        var fixture = DashboardFixture(engine: engine, desk: desk)
        _ = DashboardReducer.reduce(&fixture.state, action: .engineEvents(events), engine: fixture.engine)
        return fixture
    }

    @Test("chain and positions at every size", arguments: sizes)
    func positionsGolden(width: Int, height: Int) throws {
        let fixture = Self.deskWithShort()
        let grid = fixture.render(width: width, height: height)
        #expect(grid.text.contains("Positions"))
        if width >= 120 { #expect(grid.text.contains("IVbid") && grid.text.contains("IVask")) }
        if width >= 160 { #expect(grid.text.contains("Liq") && grid.text.contains("Coll")) }
        try Golden.check(grid, named: "numbers-positions-\(width)x\(height)")
    }

    @Test("the sell ticket chooses the collateral and shows the liquidation spot, at every size", arguments: sizes)
    func sellTicketGolden(width: Int, height: Int) throws {
        var fixture = DashboardFixture()
        fixture.press(.character("l"), .character("s"), .character("c"))
        fixture.type("2500")
        let grid = fixture.render(width: width, height: height)
        #expect(grid.text.contains("Collateral lock"))
        #expect(grid.text.contains("2500"))
        #expect(grid.text.contains("Liquidation spot"))
        #expect(grid.text.contains("spot ≤"))
        try Golden.check(grid, named: "numbers-sell-ticket-\(width)x\(height)")
    }

    @Test("the withdraw box shows what is paid now and what is queued; the pool panel shows the queue", arguments: sizes)
    func withdrawGolden(width: Int, height: Int) throws {
        var fixture = try Self.deskWithQueuedWithdrawal()
        #expect(fixture.engine.poolSnapshot().queuedWithdrawals == 1)
        let panel = fixture.render(width: width, height: height)
        #expect(panel.text.contains("Queue"), "the queue must be visible in the pool panel at \(width)×\(height)")
        fixture.press(.character("w"))
        let grid = fixture.render(width: width, height: height)
        #expect(grid.text.contains("Queue now"))
        #expect(grid.text.contains("Queued"))
        try Golden.check(grid, named: "numbers-withdraw-\(width)x\(height)")
    }

    @Test("the deposit box states the withdrawal fee")
    func depositGolden() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("d"))
        let grid = fixture.render(width: 80, height: 24)
        #expect(grid.text.contains("Withdrawal fee"))
        #expect(grid.text.contains("0.30%"))
        try Golden.check(grid, named: "numbers-deposit-80x24")
    }

    @Test("o cycles through every column, each shown while it sorts; Coll and Liq only with a short")
    func everySortKeyIsShown() {
        var longOnly = DashboardFixture()
        longOnly.press(.character("b"), .enter)
        var seen: [PositionSort] = [longOnly.state.positionSort]
        for _ in 0..<PositionSort.allCases.count {
            longOnly.press(.character("o"))
            seen.append(longOnly.state.positionSort)
        }
        #expect(!seen.contains(.collateral) && !seen.contains(.liquidation))
        #expect(Set(seen).count == PositionSort.allCases.count - 2)

        var fixture = Self.deskWithShort()
        #expect(fixture.state.positionSort == .expiry)
        let titles: [PositionSort: String] = [
            .series: "Series", .expiry: "Exp", .size: "Size", .entry: "Entry", .mark: "Mark", .mid: "Mid", .pnl: "P&L",
            .collateral: "Coll", .liquidation: "Liq", .delta: "Δ$", .gamma: "Γ$", .vega: "ν", .theta: "Θ", .opened: "Opened",
        ]
        for _ in 0..<PositionSort.allCases.count {
            for (width, height) in [(80, 24), (120, 40)] {
                let text = fixture.render(width: width, height: height).text
                let title = titles[fixture.state.positionSort] ?? "?"
                #expect(text.contains(title + "▲"), "sorted by \(fixture.state.positionSort) at \(width)×\(height) but \(title) is not shown")
            }
            fixture.press(.character("o"))
        }
        #expect(fixture.state.positionSort == .expiry, "the cycle comes back round")
    }

    @Test("at 80×24 the positions panel keeps Series, Size, P&L and the sorted column; sorting reorders rows")
    func narrowPositions() throws {
        var fixture = Self.deskWithShort()
        let views = fixture.state.sortedPositions(in: fixture.engine)
        #expect(views.count == 3)
        // Nearest expiry first: the 1-hour BTC board's positions before the ETH one (the ETH 1H board expires with it,
        // so opening order breaks the tie).
        let expiries = views.map(\.series.expiry)
        #expect(expiries == expiries.sorted())
        let text = fixture.render(width: 80, height: 24).text
        for title in ["Series", "Exp▲", "Size", "P&L"] { #expect(text.contains(title)) }
        #expect(!text.contains("Mark"))
        fixture.press(.tab)
        while fixture.state.positionSort != .pnl { fixture.press(.character("o")) }
        let byPnL = fixture.state.sortedPositions(in: fixture.engine).map(\.unrealizedPnL)
        #expect(byPnL == byPnL.sorted())
        fixture.press(.character("O"))
        #expect(fixture.state.sortedPositions(in: fixture.engine).map(\.unrealizedPnL) == byPnL.sorted().reversed())
    }

    @Test("the ticket's collateral is what the order posts; below the minimum it is refused with the minimum named")
    func collateralReachesTheOrder() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("l"), .character("s"), .character("c"))
        #expect(fixture.state.ticket?.field == .collateral)
        fixture.type("2500")
        let effects = fixture.press(.enter)
        guard case .engine(.placeOrder(let order)) = effects.first else {
            Issue.record("expected an order, got \(effects)")
            return
        }
        #expect(order.side == .sell)
        #expect(order.collateral == Money(2_500))
        let position = try #require(fixture.engine.positions(of: fixture.state.deskAccount).first)
        #expect(position.collateral == Money(2_500))

        // 1 USD is under any put's shocked minimum: the ticket says so before Enter, and Enter is refused by the engine.
        fixture.press(.character("s"), .character("c"))
        fixture.type("1")
        let text = fixture.render(width: 80, height: 24).text
        #expect(text.contains("collateral below minimum"))
        // + steps up from the typed value to at least the minimum.
        fixture.press(.character("+"))
        let parsed = try #require(fixture.state.ticket?.parsedCollateral)
        let stepped = try parsed.get()
        let opening = Quantity(micros: 100_000)
        let series = try #require(fixture.state.ticket?.series)
        #expect(stepped >= fixture.engine.minimumShortCollateral(series, quantity: opening))
        // c goes back to the size; digits then type the size.
        fixture.press(.character("c"))
        fixture.type("2")
        #expect(fixture.state.ticket?.quantityText == "2")
        // A buy has no collateral to choose.
        fixture.press(.tab, .character("c"))
        #expect(fixture.state.ticket?.field == .size)
        #expect(fixture.state.status?.text.contains("collateral is chosen on a sell") == true)
    }

    @Test("the log shows a fill's IV before → after as the same kind of number; a rules-2 buy only where it went")
    func fillVolatilityInTheLog() throws {
        for rules in [EngineRules.joinedExpiries, EngineRules.current] {
            var configuration = EngineConfiguration()
            configuration.hedging.enabled = false
            configuration.rulesVersion = rules
            var engine = Engine(configuration: configuration, seed: 11)
            _ = engine.apply(.openAccount(name: "lp", role: .liquidityBot, funding: Money(100_000)))
            _ = engine.apply(.deposit(account: AccountID(0), amount: Money(100_000)))
            _ = engine.apply(.openAccount(name: "desk", role: .trader, funding: Money(10_000_000)))
            let desk = AccountID(1)
            let btc = try #require(engine.liveBoards.map { engine.boards[$0.index] }.first { $0.market == MarketID(0) && $0.tenor == .days(7) })
            let btcCall = btc.series(.call, strikeIndex: btc.atTheMoneyIndex(spot: engine.markets[0].spot))
            for _ in 0..<8 { _ = engine.apply(.placeOrder(Order(account: desk, series: btcCall, side: .buy, quantity: Quantity(micros: 100_000)))) }
            let eth = try #require(engine.liveBoards.map { engine.boards[$0.index] }.first { $0.market == MarketID(1) && $0.tenor == .days(1) })
            let ethCall = eth.series(.call, strikeIndex: eth.atTheMoneyIndex(spot: engine.markets[1].spot))
            let events = engine.apply(.placeOrder(Order(account: desk, series: ethCall, side: .buy, quantity: Quantity(1))))
            var fill: Fill?
            for event in events { if case .orderFilled(let filled) = event.payload { fill = filled } }
            let bought = try #require(fill)
            let line = try #require(EventLogFormatter.entries(for: events, engine: engine, desk: desk).entries.first).text
            let before = NumberFormat.percent(bought.volatilityBefore), after = NumberFormat.percent(bought.volatilityAfter)
            if rules >= 3 {
                #expect(line.contains("IV \(before)→\(after)"))
                #expect(bought.volatilityAfter > bought.volatilityBefore)
            } else {
                #expect(line.contains("IV →\(after)"), "a rules-2 buy's before and after are different kinds: \(line)")
            }
        }
    }
}

extension DashboardFixture {
    /// A dashboard on a hand-built engine, `desk` being the user's account.
    init(engine: Engine, desk: AccountID) {
        self.engine = engine
        self.state = DashboardState(deskAccount: desk, marketCount: engine.markets.count,
                                    availableThemes: ["default", "light", "gruvbox"])
    }
}

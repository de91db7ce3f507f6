import PoolEngine
import Testing

/// Cash settlement at expiry, relisting, and liquidation of under-collateralized shorts.
@Suite("Settlement and liquidation")
struct SettlementTests {
    /// One frozen market at exactly 3,012.5 (a binary fraction, so the settlement spot is known exactly) with one 1H board.
    static func frozenMarket() -> Engine {
        var engine = Engine(configuration: TestMarkets.quiet {
            $0.markets = [TestMarkets.frozen(spot: 3_012.5)]
            $0.tenors = [.hours(1)]
        }, seed: 17)
        engine.openLP("lp", deposit: Money(5_000_000))
        return engine
    }

    @Test func handComputedPayoffsAtAFrozenSpot() throws {
        var engine = Self.frozenMarket()
        let long = engine.open("long", funding: Money(100_000))
        let short = engine.open("short", funding: Money(100_000))
        let board = try #require(engine.liveBoard("FIX", tenor: .hours(1)))
        func id(_ strike: Int, _ kind: OptionKind) throws -> SeriesID {
            let index = try #require(board.strikes.firstIndex(of: Money(strike)), "strike \(strike) listed")
            return board.series(kind, strikeIndex: index)
        }
        // (series, side, quantity, expected payoff in micro-units: + received by a long, − paid by a short)
        // at S = 3,012.5:
        let cases: [(SeriesID, AccountID, Quantity, Int64)] = [
            // long 0.123457 × 3000 C: 12.5 × 0.123457 = 1.5432125 → pool pays rounded down 1.543212
            (try id(3000, .call), long, Quantity(micros: 123_457), 1_543_212),
            // short 0.123457 × 3000 C: pays rounded up 1.543213
            (try id(3000, .call), short, Quantity(micros: 123_457), -1_543_213),
            // long 0.7 × 3015 P: 2.5 × 0.7 = 1.75 exactly
            (try id(3015, .put), long, Quantity(micros: 700_000), 1_750_000),
            // long 1.1 × 2995 C: 17.5 × 1.1 = 19.25
            (try id(2995, .call), long, Quantity(micros: 1_100_000), 19_250_000),
            // long 2.9 × 3030 P: 17.5 × 2.9 = 50.75
            (try id(3030, .put), long, Quantity(micros: 2_900_000), 50_750_000),
            // short 0.3 × 3015 P: 2.5 × 0.3 = 0.75
            (try id(3015, .put), short, Quantity(micros: 300_000), -750_000),
            // long 0.3 × 3010 P and 3020 C: out of the money, nothing
            (try id(3010, .put), long, Quantity(micros: 300_000), 0),
            (try id(3020, .call), long, Quantity(micros: 300_000), 0),
            // short 0.5 × 3010 P: out of the money, nothing paid, all collateral back
            (try id(3010, .put), short, Quantity(micros: 500_000), 0),
        ]
        var collateral: [SeriesID: Money] = [:]
        for (series, account, quantity, _) in cases {
            let side: Side = account == long ? .buy : .sell
            let fill = try #require(engine.place(Order(account: account, series: series, side: side, quantity: quantity)).fill,
                                    "\(engine.series[series.index].name)")
            if account == short { collateral[series] = fill.collateralChange }
        }
        // Full collateral: a put locks strike × n, a call spot × n (both rounded up).
        #expect(collateral[try id(3015, .put)] == Money(micros: 904_500_000))  // 3015 × 0.3
        #expect(collateral[try id(3000, .call)] == Money(micros: 371_914_213))  // 3012.5 × 0.123457 = 371.9142125 ↑
        let longBalance = engine.accounts[long.index].balance
        let shortBalance = engine.accounts[short.index].balance

        let events = engine.advance(to: board.expiry)
        let settlements = events.settlements
        #expect(settlements.count == cases.count)
        for (series, account, quantity, expected) in cases {
            let matching = settlements.filter { $0.series == series && $0.account == account }
            try #require(matching.count == 1, "\(engine.series[series.index].name) settled once")
            let settlement = matching[0]
            #expect(settlement.spot == 3_012.5)
            #expect(settlement.payoff.micros == expected, "\(engine.series[series.index].name) × \(quantity)")
            if account == short {
                let posted = try #require(collateral[series])
                #expect(settlement.collateralReleased.micros == posted.micros + expected)
                #expect(settlement.shortfall == .zero)
            }
        }
        // 1.543212 + 1.75 + 19.25 + 50.75 = 73.293212 to the long; the short gets its collateral minus what it paid.
        #expect(engine.accounts[long.index].balance - longBalance == Money(micros: 73_293_212))
        let posted = collateral.values.reduce(Money.zero, +)
        #expect(engine.accounts[short.index].balance - shortBalance == posted - Money(micros: 1_543_213 + 750_000))
        #expect(engine.accounts[short.index].collateral == .zero)
        #expect(engine.positions.isEmpty)
        #expect(engine.checkInvariants().isEmpty)
        #expect(engine.totalHeld == Money(5_200_000))
    }

    /// Every strike, both kinds, both sides, several awkward quantities: each payoff equals the exact product at the
    /// settlement spot, rounded down for longs and up for shorts.
    @Test func payoffsMatchExactArithmeticToTheMicroUnit() throws {
        var engine = Self.frozenMarket()
        let quantities: [Int64] = [100_000, 300_000, 700_000, 1_100_000, 2_900_000, 123_457, 3_300_000, 999_999]
        var longs: [AccountID] = [], shorts: [AccountID] = []
        for (index, _) in quantities.enumerated() {
            longs.append(engine.open("long\(index)", funding: Money(200_000)))
            shorts.append(engine.open("short\(index)", funding: Money(500_000)))
        }
        let board = try #require(engine.liveBoard("FIX", tenor: .hours(1)))
        var opened = 0
        for id in board.calls + board.puts {
            for (index, micros) in quantities.enumerated() {
                for (account, side) in [(longs[index], Side.buy), (shorts[index], Side.sell)] {
                    if engine.place(Order(account: account, series: id, side: side, quantity: Quantity(micros: micros))).fill != nil { opened += 1 }
                }
            }
        }
        #expect(opened > 100)
        let open = Array(engine.positions.values)
        let events = engine.advance(to: board.expiry)
        let settlements = events.settlements
        #expect(settlements.count == open.count)
        for position in open {
            let option = engine.series[position.series.index]
            let matching = settlements.filter { $0.series == position.series && $0.account == position.account }
            try #require(matching.count == 1)
            let contracts = Quantity(micros: abs(position.quantity.micros))
            let exact = ExactMath.payoffMicros(call: option.kind == .call, spot: 3_012.5, strike: option.strike,
                                               quantity: contracts, roundUp: position.isShort)
            let expected = position.isLong ? exact : -exact
            #expect(matching[0].payoff.micros == expected, "\(option.name) \(position.quantity)")
            if position.isShort { #expect(matching[0].collateralReleased.micros == position.collateral.micros - exact) }
        }
        #expect(engine.checkInvariants().isEmpty)
    }

    /// Settles a long run with participants: every position exactly once, boards relisted, counts agree.
    @Test func longRunSettlesEachPositionOnceAndRelists() throws {
        var engine = Scenario(configuration: TestMarkets.fast(), seed: 21,
                              participants: ParticipantConfiguration(count: 20, meanActionInterval: .minutes(4))).engine
        let start = engine.time
        let tenors = engine.configuration.tenors
        var settledKeys: [String: Int] = [:]
        var boardCounts: [BoardID: Int] = [:]
        var boardTotals: [BoardID: Int] = [:]
        var listed: [EngineEvent] = []
        var settledBoards: [BoardID] = []
        while engine.time < start + .hours(36) {
            let events = engine.advance(to: engine.time + .hours(2))
            // Positions open before the settlement: every one of them in a due board must be settled.
            for event in events {
                switch event.payload {
                case .positionSettled(let settlement):
                    settledKeys["\(settlement.account.index)/\(settlement.series.index)", default: 0] += 1
                    boardCounts[engine.series[settlement.series.index].board, default: 0] += 1
                case .boardSettled(let board, let spot, let positions, _):
                    boardTotals[board] = positions
                    settledBoards.append(board)
                    #expect(engine.boards[board.index].settlementSpot == spot)
                case .boardListed:
                    listed.append(event)
                case .liquidated(let liquidation):
                    if liquidation.shortfall == .zero {
                        // Penalty = 20% of the buyback cost, rounded up, exactly.
                        #expect(liquidation.penalty.micros == ExactMath.ceilMulDiv(liquidation.buybackCost.micros, 1, 5))
                        #expect(liquidation.returned == liquidation.collateral - liquidation.buybackCost - liquidation.penalty)
                    }
                default: break
                }
            }
            #expect(engine.checkInvariants().isEmpty)
            // Each tenor is served by exactly one live board per market: a tenor whose next expiry is a live board's
            // joins that board rather than list its contracts a second time.
            for market in engine.markets.indices {
                for tenor in tenors {
                    let serving = engine.liveBoards(market: MarketID(market)).filter { $0.tenors.contains(tenor) }
                    #expect(serving.count == 1, "\(engine.time) market \(market) \(tenor.tenorLabel): \(serving.count) boards")
                }
            }
            #expect(engine.liveBoards.count <= engine.configuration.markets.count * tenors.count)
        }
        #expect(settledKeys.values.allSatisfy { $0 == 1 }, "a position settled twice")
        #expect(settledKeys.count == engine.statistics.settlements)
        #expect(engine.statistics.settlements > 30)
        for board in settledBoards {
            #expect(boardCounts[board, default: 0] == boardTotals[board])
            let seriesOfBoard = Set(engine.boards[board.index].calls + engine.boards[board.index].puts)
            #expect(!engine.positions.values.contains { seriesOfBoard.contains($0.series) })
        }
        // Each new board continues a tenor of a board of its market settled at that moment (a settled board lists
        // every tenor it served; a tenor that meets a live board's expiry joins it, so there is no event for it).
        #expect(settledBoards.contains { engine.boards[$0.index].joinedTenors != nil }, "the run had coinciding expiries")
        #expect(listed.count <= settledBoards.map { engine.boards[$0.index].tenors.count }.reduce(0, +))
        #expect(listed.count >= settledBoards.count / 2)
        for event in listed {
            guard case .boardListed(let id, let market, let expiry, let tenor, _, _) = event.payload else { continue }
            #expect(settledBoards.contains { board in
                let old = engine.boards[board.index]
                return old.market == market && old.expiry == event.time && old.tenors.contains(tenor)
            }, "\(event.time): no settled board served \(tenor.tenorLabel)")
            #expect(expiry > event.time)
            #expect(engine.boards[id.index].listedAt == event.time)
        }
        // Hand-checked relistings: the 1H board settled at 01:00 is replaced by one expiring at 02:00; the 4H board
        // settled at 04:00 by 08:00; the 1D board (expiring 12-02 08:00) by 12-03 08:00.
        let expiries = Set(listed.compactMap { event -> SimTime? in
            if case .boardListed(_, let market, let expiry, _, _, _) = event.payload, market == MarketID(0) { return expiry }
            return nil
        })
        #expect(expiries.contains(SimTime(year: 2026, month: 12, day: 1, hour: 2)))
        #expect(expiries.contains(SimTime(year: 2026, month: 12, day: 1, hour: 8)))
        #expect(expiries.contains(SimTime(year: 2026, month: 12, day: 3, hour: 8)))
    }

    @Test func shortAtMinimumCollateralIsLiquidatedWhenSpotRuns() throws {
        var engine = Engine(configuration: TestMarkets.quiet {
            // 60%/year drift ≈ +0.7% an hour against 0.3 vol (0.3% an hour): the spot rises steadily.
            $0.markets = [TestMarkets.rising(spot: 1_000, drift: 60)]
            $0.tenors = [.days(7)]
        }, seed: 8)
        engine.openLP("lp", deposit: Money(1_000_000))
        let seller = engine.open("seller", funding: Money(50_000))
        let board = try #require(engine.liveBoard("UP", tenor: .days(7)))
        let call = engine.series(board, .call)
        let minimum = engine.minimumShortCollateral(call, quantity: Quantity(10))
        let fill = try #require(engine.place(Order(account: seller, series: call, side: .sell, quantity: Quantity(10), collateral: minimum)).fill)
        #expect(fill.collateralChange == minimum)
        let balanceBefore = engine.accounts[seller.index].balance
        let penaltiesBefore = engine.pool.penaltiesEarned
        let funded = Money(1_050_000)

        var liquidation: Liquidation?
        var liquidationFill: Fill?
        let deadline = engine.time + .hours(12)
        while liquidation == nil, engine.time < deadline {
            let events = engine.advance(to: engine.time + .minutes(1))
            #expect(engine.checkInvariants().isEmpty)
            liquidation = events.liquidations.first
            liquidationFill = events.fills.first { $0.isLiquidation }
        }
        let liquidated = try #require(liquidation)
        #expect(engine.markets[0].spot > 1_000)
        #expect(liquidated.account == seller && liquidated.series == call)
        #expect(liquidated.quantity == Quantity(10))
        #expect(liquidated.collateral == minimum)
        #expect(liquidated.minimumCollateral > liquidated.collateral)
        #expect(liquidated.shortfall == .zero)
        // Penalty: 20% of the buyback cost, rounded up in the pool's favour, paid to the pool.
        #expect(liquidated.penalty.micros == ExactMath.ceilMulDiv(liquidated.buybackCost.micros, 1, 5))
        #expect(engine.pool.penaltiesEarned - penaltiesBefore == liquidated.penalty)
        #expect(liquidated.returned == minimum - liquidated.buybackCost - liquidated.penalty)
        #expect(engine.accounts[seller.index].balance - balanceBefore == liquidated.returned)
        #expect(engine.accounts[seller.index].collateral == .zero)
        #expect(engine.position(account: seller, series: call) == nil)
        let forced = try #require(liquidationFill)
        #expect(forced.side == .buy && forced.closedQuantity == Quantity(10))
        #expect(forced.premium + forced.fee == liquidated.buybackCost)
        // Money is conserved to the micro-unit (hedger off: nothing leaves or enters).
        #expect(engine.totalHeld == funded)
        #expect(engine.checkInvariants().isEmpty)
    }
}

import PoolEngine
import Testing

/// Lyra-style IV and skew walking, fees and the Hegic utilization premium.
@Suite("AMM quoting")
struct AMMQuotingTests {
    /// A 5M pool (one LP) and a well-funded trader, no participants, hedger off.
    static func market(pool: Money = Money(5_000_000), traderFunding: Money = Money(1_000_000),
                       _ adjust: (inout EngineConfiguration) -> Void = { _ in }) -> (Engine, AccountID) {
        var engine = Engine(configuration: TestMarkets.quiet(adjust), seed: 11)
        engine.openLP("lp", deposit: pool)
        let trader = engine.open("trader", funding: traderFunding)
        return (engine, trader)
    }

    @Test func buyRaisesBaseIvAndSkewByLyrasRule() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let id = engine.series(board, .call)
        let strike = engine.series[id.index].strikeIndex
        let baseBefore = board.baseIv, skewBefore = board.skews[strike]
        let fill = try #require(engine.place(Order(account: trader, series: id, side: .buy, quantity: Quantity(1))).fill)
        let after = engine.boards[board.id.index]
        // ETH standard size is 5 contracts: 1 contract is one iteration (ceil(1/5) = 1) and
        // move = (1 / 5) / 100 = 0.002; skew moves 0.002 × 0.75 = 0.0015.
        #expect(abs(after.baseIv - (baseBefore + 0.002)) < 1e-12)
        #expect(abs(after.skews[strike] - (skewBefore + 0.0015)) < 1e-12)
        // Every other strike keeps its skew.
        for index in after.skews.indices where index != strike {
            #expect(after.skews[index] == board.skews[index])
        }
        // The fill reports the traded vol before (baseIv × skew) and after the walk.
        #expect(abs(fill.volatilityBefore - baseBefore * skewBefore) < 1e-12)
        #expect(abs(fill.volatilityAfter - (baseBefore + 0.002) * (skewBefore + 0.0015)) < 1e-12)
    }

    @Test func largeBuyWalksInStandardSizeIterations() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        let id = engine.series(board, .call)
        let strike = engine.series[id.index].strikeIndex
        let baseBefore = board.baseIv, skewBefore = board.skews[strike]
        let quote = engine.quoteTrade(series: id, side: .buy, quantity: Quantity(1))
        // BTC standard size 0.25: 1 BTC is 4 iterations of 0.25, each moving base IV by (0.25 / 0.25) / 100 = 0.01
        // and skew by 0.0075: +0.04 and +0.03 in total.
        #expect(quote.iterations == 4)
        #expect(abs(quote.baseIvAfter - (baseBefore + 0.04)) < 1e-12)
        #expect(abs(quote.skewAfter - (skewBefore + 0.03)) < 1e-12)
        _ = try #require(engine.place(Order(account: trader, series: id, side: .buy, quantity: Quantity(1))).fill)
        #expect(abs(engine.boards[board.id.index].baseIv - (baseBefore + 0.04)) < 1e-12)
        #expect(abs(engine.boards[board.id.index].skews[strike] - (skewBefore + 0.03)) < 1e-12)
    }

    @Test func sellLowersBaseIvAndSkew() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let id = engine.series(board, .put)
        let strike = engine.series[id.index].strikeIndex
        let baseBefore = board.baseIv, skewBefore = board.skews[strike]
        let fill = try #require(engine.place(Order(account: trader, series: id, side: .sell, quantity: Quantity(1))).fill)
        #expect(fill.side == .sell)
        #expect(abs(engine.boards[board.id.index].baseIv - (baseBefore - 0.002)) < 1e-12)
        #expect(abs(engine.boards[board.id.index].skews[strike] - (skewBefore - 0.0015)) < 1e-12)
        #expect(fill.volatilityAfter < fill.volatilityBefore)
    }

    @Test func singleIterationFeeFollowsLyrasFormula() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let id = engine.series(board, .call)
        let option = engine.series[id.index]
        let spot = engine.markets[option.market.index].spot
        let vol = board.baseIv * board.skews[option.strikeIndex]
        let years = engine.yearsToExpiry(id)
        let valuation = BlackScholes.valuation(kind: .call, spot: spot, strike: option.strike.doubleValue, time: years, volatility: vol, rate: 0)
        // fee = 0.01·premium + 0.0003·spot + 200·vol·|stdVega after| / NAV for 1 contract; the pool starts flat, so
        // the trade raises |net std vega| and pays the vega fee. stdVega = vega·sqrt(30 / max(days, 7)) / 100; NAV 5,000,000.
        let days = years * 365
        let stdVega = valuation.vega * (30 / max(days, 7)).squareRoot() / 100
        let expectedFee = 0.01 * valuation.price + 0.0003 * spot + 200 * vol * stdVega / 5_000_000
        let fill = try #require(engine.place(Order(account: trader, series: id, side: .buy, quantity: Quantity(1))).fill)
        #expect(abs(fill.fee.doubleValue - expectedFee) <= 1.5e-6)
        #expect(abs(fill.premium.doubleValue - valuation.price) <= 1.5e-6)
        // Selling the contract back shrinks |net std vega|: no vega fee, only the price and spot parts.
        let sell = engine.quoteTrade(series: id, side: .sell, quantity: Quantity(1))
        #expect(abs(sell.fee - (0.01 * sell.premium + 0.0003 * spot)) < 1e-9)
    }

    @Test func hugeTradesKeepIvAndSkewWithinBounds() throws {
        var (engine, trader) = Self.market(pool: Money(20_000_000), traderFunding: Money(50_000_000))
        let bounds = engine.configuration.amm
        let board = try #require(engine.liveBoard("ETH", tenor: .days(7)))
        let call = engine.series(board, .call)
        let put = engine.series(board, .put)
        let strike = engine.series[call.index].strikeIndex
        // 500 ETH = 100 iterations of 5: +1.00 base IV and +0.75 skew per order, far past the caps.
        for _ in 0..<3 {
            _ = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(500))).fill)
            let now = engine.boards[board.id.index]
            #expect(bounds.baseIvBounds.contains(now.baseIv))
            #expect(bounds.skewBounds.contains(now.skews[strike]))
        }
        #expect(engine.boards[board.id.index].baseIv == bounds.baseIvBounds.upperBound)
        #expect(engine.boards[board.id.index].skews[strike] == bounds.skewBounds.upperBound)
        #expect(engine.tradedVolatility(call) <= bounds.tradedVolBounds.upperBound)
        for _ in 0..<5 {
            _ = try #require(engine.place(Order(account: trader, series: put, side: .sell, quantity: Quantity(500))).fill)
            let now = engine.boards[board.id.index]
            #expect(bounds.baseIvBounds.contains(now.baseIv))
            #expect(bounds.skewBounds.contains(now.skews[strike]))
        }
        #expect(engine.boards[board.id.index].baseIv == bounds.baseIvBounds.lowerBound)
        #expect(engine.boards[board.id.index].skews[strike] == bounds.skewBounds.lowerBound)
        #expect(engine.tradedVolatility(put) >= bounds.tradedVolBounds.lowerBound)
        #expect(engine.checkInvariants().isEmpty)
    }

    /// Utilization is driven up with BTC calls (another market and board), so the ETH quote changes only through
    /// the utilization multiplier.
    @Test func utilizationPremiumMultipliesIvAboveThreshold() throws {
        var (engine, trader) = Self.market(pool: Money(100_000), traderFunding: Money(10_000_000))
        let btcBoard = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        let btcCall = engine.series(btcBoard, .call)
        let ethBoard = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let ethCall = engine.series(ethBoard, .call)
        let ethSpot = engine.markets[1].spot
        let baseVol = ethBoard.baseIv * ethBoard.skews[engine.series[ethCall.index].strikeIndex]
        var previousAsk = 0.0
        var sawPremium = false
        for _ in 0..<14 {
            let snapshot = engine.poolSnapshot()
            // One ETH call locks spot (rounded up to the micro-unit) of quote.
            let lockOfOne = (ethSpot * 1_000_000).rounded(.up) / 1_000_000
            let utilization = (snapshot.lockedCollateral.doubleValue + lockOfOne) / snapshot.cash.doubleValue
            let expected = utilization > 0.4 ? 1 + (utilization - 0.4) / 0.4 : 1
            let quote = engine.quoteTrade(series: ethCall, side: .buy, quantity: Quantity(1))
            #expect(abs(quote.utilizationMultiplier - expected) < 1e-9, "U = \(utilization)")
            #expect(abs(quote.volatilityBefore - min(baseVol * expected, 3.0)) < 1e-9)
            let ask = quote.perContract(side: .buy, quantity: 1)
            if utilization > 0.4 {
                sawPremium = true
                #expect(ask > previousAsk, "the ask rises with utilization above the threshold")
            } else {
                #expect(quote.utilizationMultiplier == 1)
            }
            previousAsk = ask
            // Sells never pay the premium: the pool does not write more.
            #expect(engine.quoteTrade(series: ethCall, side: .sell, quantity: Quantity(1)).utilizationMultiplier == 1)
            // 0.1 BTC call locks about 6,000 (6% of the pool).
            guard engine.place(Order(account: trader, series: btcCall, side: .buy, quantity: Quantity(micros: 100_000))).fill != nil else { break }
        }
        #expect(sawPremium)
    }

    @Test func multiplierIsTwoAtTheCap() throws {
        // Hand check of Hegic's rule at U = 0.8: 1 + (0.8 − 0.4) / 0.4 = 2.
        let (engine, _) = Self.market(pool: Money(100_000), traderFunding: Money(10_000_000))
        let board = try #require(engine.liveBoard("ETH", tenor: .days(7)))
        let call = engine.series(board, .call)
        let spot = engine.markets[1].spot
        // Quote n calls whose lock brings utilization to 0.8 of the current cash exactly (ignoring the new premium).
        let cash = engine.poolSnapshot().cash.doubleValue
        let contracts = Quantity(rounding: 0.8 * cash / spot, .down)
        let lock = (spot * 1_000_000).rounded(.up) / 1_000_000 * contracts.doubleValue
        let utilization = lock / cash
        let quote = engine.quoteTrade(series: call, side: .buy, quantity: contracts)
        #expect(abs(quote.utilizationMultiplier - (1 + (utilization - 0.4) / 0.4)) < 1e-6)
        #expect(abs(quote.utilizationMultiplier - 2) < 1e-3)
    }

    @Test func tradePastUtilizationCapIsRejected() throws {
        var (engine, trader) = Self.market(pool: Money(100_000), traderFunding: Money(10_000_000))
        let board = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        let call = engine.series(board, .call)
        var rejected: Rejection?
        var filled = 0
        while rejected == nil, filled < 50 {
            let before = engine.poolSnapshot()
            let poolBefore = engine.pool, accountsBefore = engine.accounts
            switch engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(micros: 100_000))) {
            case .filled:
                filled += 1
                let after = engine.poolSnapshot()
                #expect(after.lockedCollateral.doubleValue <= 0.8 * after.cash.doubleValue)
            case .rejected(let rejection):
                rejected = rejection
                // The refused trade would lock about 0.1 × 60,000 more: past 80% of assets.
                let extra = 0.1 * engine.markets[0].spot
                #expect((before.lockedCollateral.doubleValue + extra) / before.cash.doubleValue > 0.8)
                // Nothing moved.
                #expect(engine.pool == poolBefore)
                #expect(engine.accounts == accountsBefore)
            }
        }
        #expect(rejected?.reason == .utilizationCap)
        #expect(filled >= 10)
        // Closing (selling back) is still allowed at the cap, and releases collateral.
        let lockedBefore = engine.pool.lockedCollateral
        let close = try #require(engine.close(trader, call, quantity: Quantity(micros: 500_000)).fill)
        #expect(close.closedQuantity == Quantity(micros: 500_000))
        #expect(engine.pool.lockedCollateral < lockedBefore)
        #expect(engine.checkInvariants().isEmpty)
    }

    @Test func deltaCutoffRejectsFarOutOfTheMoneyOpeningsButAllowsCloses() throws {
        var (engine, trader) = Self.market(traderFunding: Money(3_000_000))
        let other = engine.open("other", funding: Money(1_000_000))
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        // The farthest OTM call is far below |delta| 0.15.
        let farthest = board.calls[board.calls.count - 1]
        #expect(abs(engine.markValuation(farthest).delta) < 0.15)
        #expect(engine.place(Order(account: trader, series: farthest, side: .buy, quantity: Quantity(1))).reason == .deltaCutoff)
        #expect(engine.place(Order(account: trader, series: farthest, side: .sell, quantity: Quantity(1))).reason == .deltaCutoff)
        #expect(engine.chain(board: board.id).last?.call.restriction == .deltaCutoff)

        // Buy an OTM call that is still tradeable (|delta| between 0.15 and 0.35).
        let atm = engine.atTheMoneyIndex(board)
        // The last (farthest) such strike: halving its vol takes its delta well under 0.15.
        let candidate = try #require((atm + 1..<board.strikes.count).map { board.calls[$0] }.last {
            (0.15...0.35).contains(abs(engine.markValuation($0).delta))
        })
        let bought = try #require(engine.place(Order(account: trader, series: candidate, side: .buy, quantity: Quantity(2))).fill)
        #expect(bought.closedQuantity == .zero)

        // Selling 200 ETH of the ATM put (40 iterations of −0.01) drives the board's base IV to its 0.35 floor,
        // which pulls the OTM call's delta under the cutoff.
        let atmPut = board.puts[atm]
        _ = try #require(engine.place(Order(account: trader, series: atmPut, side: .sell, quantity: Quantity(200))).fill)
        #expect(engine.boards[board.id.index].baseIv == engine.configuration.amm.baseIvBounds.lowerBound)
        try #require(abs(engine.markValuation(candidate).delta) < 0.15)

        // Opening more (either side, any account) is refused; a sell larger than the long would open a short: refused.
        #expect(engine.place(Order(account: trader, series: candidate, side: .buy, quantity: Quantity(1))).reason == .deltaCutoff)
        #expect(engine.place(Order(account: other, series: candidate, side: .sell, quantity: Quantity(1))).reason == .deltaCutoff)
        #expect(engine.place(Order(account: trader, series: candidate, side: .sell, quantity: Quantity(3))).reason == .deltaCutoff)
        // Closing is allowed.
        let closed = try #require(engine.close(trader, candidate).fill)
        #expect(closed.closedQuantity == Quantity(2))
        #expect(engine.position(account: trader, series: candidate) == nil)
        #expect(engine.checkInvariants().isEmpty)
    }

    @Test func tradingCutoffStopsTradingBeforeExpiry() throws {
        var (engine, trader) = Self.market()
        let start = engine.time
        let hourly = try #require(engine.liveBoard("ETH", tenor: .hours(1)))
        let weekly = try #require(engine.liveBoard("ETH", tenor: .days(7)))
        // 1H board listed at 00:00 expires at 01:00; cutoff = min(12 h, 10% × 1 h = 6 min) before: 00:54.
        #expect(hourly.expiry == SimTime(year: 2026, month: 12, day: 1, hour: 1))
        #expect(hourly.tradingCutoff(engine.configuration.amm) == SimTime(year: 2026, month: 12, day: 1, hour: 0, minute: 54))
        // 7D board expires 2026-12-08 08:00; cutoff = min(12 h, 16.8 h) = 12 h before: 12-07 20:00.
        #expect(weekly.expiry == SimTime(year: 2026, month: 12, day: 8, hour: 8))
        #expect(weekly.tradingCutoff(engine.configuration.amm) == SimTime(year: 2026, month: 12, day: 7, hour: 20))

        _ = engine.advance(to: start + .minutes(53) + .seconds(59))
        let before = engine.series(hourly, .call)
        _ = try #require(engine.place(Order(account: trader, series: before, side: .buy, quantity: Quantity(1))).fill)
        _ = engine.advance(to: start + .minutes(54))
        #expect(engine.time == SimTime(year: 2026, month: 12, day: 1, hour: 0, minute: 54))
        #expect(engine.place(Order(account: trader, series: engine.series(hourly, .call), side: .buy, quantity: Quantity(1))).reason == .tradingCutoff)
        #expect(engine.place(Order(account: trader, series: engine.series(hourly, .put), side: .sell, quantity: Quantity(1))).reason == .tradingCutoff)
        #expect(engine.close(trader, before).reason == .tradingCutoff)
        // Other boards still trade.
        _ = try #require(engine.place(Order(account: trader, series: engine.series(weekly, .call), side: .buy, quantity: Quantity(1))).fill)
    }

    @Test func orderSizeAndQuantityLimits() throws {
        var (engine, trader) = Self.market(pool: Money(20_000_000), traderFunding: Money(10_000_000))
        let board = try #require(engine.liveBoard("ETH", tenor: .days(7)))
        let call = engine.series(board, .call)
        // ETH: at most 500, at least 0.1 contracts.
        #expect(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(micros: 500_000_001))).reason == .sizeLimit)
        #expect(engine.place(Order(account: trader, series: call, side: .buy, quantity: .zero)).reason == .invalidQuantity)
        #expect(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(-1))).reason == .invalidQuantity)
        #expect(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(micros: 99_999))).reason == .invalidQuantity)
        #expect(engine.close(trader, call, quantity: .zero).reason == .noPosition)
        _ = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(micros: 100_000))).fill)
        #expect(engine.close(trader, call, quantity: .zero).reason == .invalidQuantity)
        #expect(engine.close(trader, call, quantity: Quantity(-1)).reason == .invalidQuantity)
        _ = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(500))).fill)
        #expect(engine.checkInvariants().isEmpty)
    }

    @Test func unknownSeriesAndAccountsAreRejected() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let call = engine.series(board, .call)
        let stranger = AccountID(999)
        for bad in [SeriesID(engine.series.count), SeriesID(-1), SeriesID(Int.max)] {
            #expect(engine.place(Order(account: trader, series: bad, side: .buy, quantity: Quantity(1))).reason == .unknownSeries)
            #expect(engine.close(trader, bad).reason == .noPosition)
        }
        #expect(engine.place(Order(account: stranger, series: call, side: .buy, quantity: Quantity(1))).reason == .unknownAccount)
        #expect(engine.place(Order(account: AccountID(-1), series: call, side: .sell, quantity: Quantity(1))).reason == .unknownAccount)
        #expect(engine.close(stranger, call).reason == .unknownAccount)
        for command in [EngineCommand.deposit(account: stranger, amount: Money(1)), .withdraw(account: stranger, shares: Shares(1)),
                        .fund(account: stranger, amount: Money(1))] {
            #expect(engine.apply(command).rejections.map(\.reason) == [.unknownAccount])
        }
    }

    @Test func insufficientBalanceAndCollateral() throws {
        var (engine, trader) = Self.market()
        let poor = engine.open("poor", funding: Money(10))
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let call = engine.series(board, .call)
        let put = engine.series(board, .put)
        #expect(engine.place(Order(account: poor, series: call, side: .buy, quantity: Quantity(1))).reason == .insufficientBalance)
        // Full collateral for a put is strike × contracts: far above 10 USD.
        #expect(engine.place(Order(account: poor, series: put, side: .sell, quantity: Quantity(1))).reason == .insufficientBalance)
        #expect(engine.apply(.deposit(account: poor, amount: Money(11))).rejections.map(\.reason) == [.insufficientBalance])

        // A short must post at least the shocked minimum: one micro-unit less is refused, exactly the minimum fills.
        let minimum = engine.minimumShortCollateral(put, quantity: Quantity(2))
        #expect(minimum.isPositive)
        #expect(minimum < engine.fullShortCollateral(put, quantity: Quantity(2)))
        let short = Order(account: trader, series: put, side: .sell, quantity: Quantity(2), collateral: minimum - Money(micros: 1))
        #expect(engine.place(short).reason == .insufficientCollateral)
        var exact = short
        exact.collateral = minimum
        let fill = try #require(engine.place(exact).fill)
        #expect(fill.collateralChange == minimum)
        #expect(engine.accounts[trader.index].collateral == minimum)
        #expect(engine.checkInvariants().isEmpty)
    }

    @Test func rejectedOrdersChangeNothing() throws {
        var (engine, trader) = Self.market()
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let orders = [
            Order(account: trader, series: engine.series(board, .call), side: .buy, quantity: Quantity(501)),
            Order(account: trader, series: board.calls[board.calls.count - 1], side: .buy, quantity: Quantity(1)),
            Order(account: trader, series: engine.series(board, .call), side: .buy, quantity: Quantity(1), limitPremium: Money(1)),
            Order(account: trader, series: engine.series(board, .put), side: .sell, quantity: Quantity(1), collateral: Money(1)),
        ]
        for order in orders {
            let pool = engine.pool, accounts = engine.accounts, boards = engine.boards, positions = engine.positions
            #expect(engine.place(order).reason != nil)
            #expect(engine.pool == pool)
            #expect(engine.accounts == accounts)
            #expect(engine.boards == boards)
            #expect(engine.positions == positions)
        }
    }
}

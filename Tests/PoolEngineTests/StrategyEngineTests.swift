import Foundation
import PoolEngine
import Testing

/// Multi-leg orders in the engine: atomic fills, pricing against single orders, collateral by maximum loss,
/// closing leg by leg, liquidation, settlement, refusals, preview and snapshots.
@Suite("Strategies in the engine")
struct StrategyEngineTests {
    // MARK: - Opening

    @Test("a credit call spread posts exactly its maximum loss, held apart from single orders")
    func creditSpreadPostsItsMaximumLoss() throws {
        var desk = try StrategyDesk()
        let short = desk.call(0), long = desk.call(1)
        let width = desk.strike(long) - desk.strike(short)
        #expect(width == Money(50))
        let balanceBefore = desk.balance
        let events = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(2), name: "call spread")))
        let fills = events.fills
        try #require(fills.count == 2, "\(events.map(\.payload))")
        let credit = (fills[0].premium - fills[0].fee) - (fills[1].premium + fills[1].fee)
        #expect(credit.isPositive)
        // The most the legs can owe at expiry: width × size, exactly.
        let payout = Money(micros: width.micros * 2)
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        #expect(holding.collateral == payout)
        #expect(holding.maximumLoss == payout - credit)
        #expect(balanceBefore - desk.balance == payout - credit, "the balance falls by exactly the maximum loss")
        #expect(desk.collateral == payout)
        #expect(holding.name == "call spread")
        #expect(holding.legs == [StrategyHolding.HeldLeg(series: short, quantity: Quantity(micros: -2_000_000)),
                                 StrategyHolding.HeldLeg(series: long, quantity: Quantity(2))])
        // Legs are the strategy's: not single-order positions, no collateral of their own.
        #expect(desk.engine.position(account: desk.trader, series: short) == nil)
        let leg = try #require(desk.engine.position(account: desk.trader, series: short, strategy: holding.id))
        #expect(leg.collateral == .zero && leg.strategy == holding.id)
        #expect(fills.allSatisfy { $0.strategy == holding.id && $0.collateralChange == .zero })
        let opened = try #require(events.strategyActivities.first)
        #expect(opened.kind == "strategyOpened" && events.strategyActivities.count == 1)
        #expect(opened.activity.collateral == payout && opened.activity.collateralChange == payout)
        #expect(opened.activity.netPremium == -credit)
        #expect(opened.activity.fees == fills[0].fee + fills[1].fee)
        // A single sell of the same call would have posted its full collateral: far more than the spread needs.
        #expect(desk.engine.fullShortCollateral(short, quantity: Quantity(2)) > Money(micros: payout.micros * 10))
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    @Test("a debit strategy posts nothing beyond its premium")
    func debitStrategyPostsNothing() throws {
        var desk = try StrategyDesk()
        let balanceBefore = desk.balance
        // Long call butterfly: 1 / −2 / 1.
        let events = desk.engine.apply(.placeStrategy(desk.order([(desk.call(-1), .buy, 1), (desk.call(0), .sell, 2), (desk.call(1), .buy, 1)],
                                                                   size: Quantity(3), name: "butterfly")))
        let fills = events.fills
        try #require(fills.count == 3, "\(events.map(\.payload))")
        let debit = fills.reduce(Money.zero) { $0 + ($1.side == .buy ? $1.premium + $1.fee : -($1.premium - $1.fee)) }
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        #expect(holding.collateral == .zero && desk.collateral == .zero)
        #expect(holding.maximumLoss == debit)
        #expect(balanceBefore - desk.balance == debit)
    }

    @Test("an unbounded strategy's short legs post what single sells post")
    func unboundedStrategyPostsPerLeg() throws {
        var desk = try StrategyDesk()
        let call = desk.call(0), put = desk.put(0)
        let events = desk.engine.apply(.placeStrategy(desk.order([(call, .sell, 1), (put, .sell, 1)], size: Quantity(2), name: "straddle")))
        try #require(events.fills.count == 2, "\(events.map(\.payload))")
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        // Full collateral: spot × 2 for the call (3,012.5 exactly), strike × 2 for the put.
        let callCollateral = Money(6_025)
        let putCollateral = Money(micros: desk.strike(put).micros * 2)
        #expect(holding.maximumLoss == nil)
        #expect(holding.collateral == callCollateral + putCollateral)
        #expect(desk.engine.position(account: desk.trader, series: call, strategy: holding.id)?.collateral == callCollateral)
        #expect(desk.engine.position(account: desk.trader, series: put, strategy: holding.id)?.collateral == putCollateral)
        #expect(desk.collateral == callCollateral + putCollateral)
    }

    @Test("legs never net with the account's single-order positions in the same series")
    func legsDoNotNetWithSingleOrders() throws {
        var desk = try StrategyDesk()
        let short = desk.call(0), long = desk.call(1)
        #expect(desk.engine.place(Order(account: desk.trader, series: short, side: .buy, quantity: Quantity(1))).fill != nil)
        let events = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(2))))
        try #require(events.fills.count == 2)
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        #expect(events.fills[0].closedQuantity == .zero, "the strategy's sell closed nothing")
        #expect(desk.engine.position(account: desk.trader, series: short)?.quantity == Quantity(1))
        #expect(desk.engine.position(account: desk.trader, series: short, strategy: id)?.quantity == Quantity(micros: -2_000_000))
        // Closing the single position leaves the strategy alone.
        #expect(desk.engine.close(desk.trader, short).fill != nil)
        #expect(desk.engine.position(account: desk.trader, series: short, strategy: id)?.quantity == Quantity(micros: -2_000_000))
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    @Test("a strategy costs exactly what its legs cost traded one by one in the same order, never less")
    func neverCheaperThanLegsOneByOne() throws {
        var desk = try StrategyDesk()
        var singles = desk.engine
        let legs: [(SeriesID, Side, Int)] = [(desk.put(-2), .buy, 1), (desk.put(-1), .sell, 1), (desk.call(1), .sell, 1), (desk.call(3), .buy, 2)]
        let size = Quantity(micros: 3_500_000)
        let strategyFills = desk.engine.apply(.placeStrategy(desk.order(legs, size: size, name: "iron condor"))).fills
        try #require(strategyFills.count == 4)
        var singleFills: [Fill] = []
        for (series, side, ratio) in legs {
            let quantity = Quantity(micros: size.micros * Int64(ratio))
            singleFills.append(try #require(singles.place(Order(account: desk.trader, series: series, side: side, quantity: quantity)).fill))
        }
        for (strategy, single) in zip(strategyFills, singleFills) {
            #expect(strategy.premium == single.premium && strategy.fee == single.fee)
            #expect(strategy.volatilityBefore == single.volatilityBefore && strategy.volatilityAfter == single.volatilityAfter)
        }
        // The legs walked IV and skew, and locked pool collateral, exactly as the single orders did.
        #expect(desk.engine.boards == singles.boards)
        #expect(desk.engine.pool.netPosition == singles.pool.netPosition)
        #expect(desk.engine.pool.lockedCollateral == singles.pool.lockedCollateral)
        #expect(desk.engine.pool.cash == singles.pool.cash)
    }

    // MARK: - Atomicity and refusals

    @Test("a strategy whose third leg breaches the utilization cap changes nothing and names the leg")
    func thirdLegBreachingTheCapChangesNothing() throws {
        // Pool of 20,000: two calls lock 6,025 (30%); a third leg of 10 more locks 36,150 (over the 80% cap).
        var desk = try StrategyDesk(pool: Money(20_000))
        let legs: [(SeriesID, Side, Int)] = [(desk.call(0), .buy, 1), (desk.call(1), .buy, 1), (desk.call(2), .buy, 10)]
        var twoLegs = desk.engine
        #expect(twoLegs.apply(.placeStrategy(desk.order(Array(legs.prefix(2)), size: Quantity(1)))).fills.count == 2,
                "the first two legs alone fill")
        let before = desk.engine
        let stateBefore = try before.stateWithoutCounters()
        let events = desk.engine.apply(.placeStrategy(desk.order(legs, size: Quantity(1))))
        try #require(events.count == 1, "\(events.map(\.payload))")
        let refused = try #require(events.rejectionEvents.first)
        #expect(refused.rejection.reason == .utilizationCap)
        let name = desk.engine.series[desk.call(2).index].name
        #expect(refused.rejection.detail.hasPrefix("leg 3 \(name): utilization would be"), "\(refused.rejection.message)")
        #expect(refused.series == desk.call(2) && refused.side == .buy && refused.quantity == Quantity(10))
        // Nothing changed but the rejection counter and the event sequence.
        #expect(try desk.engine.stateWithoutCounters() == stateBefore)
        #expect(desk.engine.accounts == before.accounts)
        #expect(desk.engine.pool == before.pool)
        #expect(desk.engine.positions.isEmpty && desk.engine.strategies(of: desk.trader).isEmpty)
        let counts = zip(desk.engine.statistics.rejectionCounts, before.statistics.rejectionCounts).map { $0 - $1 }
        #expect(counts.reduce(0, +) == 1)
        #expect(desk.engine.lastEventSequence == before.lastEventSequence + 1)
    }

    @Test("malformed strategies are refused with the reason, changing nothing")
    func malformedStrategiesAreRefused() throws {
        var desk = try StrategyDesk()
        let a = desk.call(0), b = desk.call(1)
        let cases: [(StrategyOrder, RejectionReason, String)] = [
            (desk.order([(a, .buy, 1)], size: Quantity(1)), .invalidStrategy, "a strategy has 2 to 4 legs, this one 1"),
            (desk.order([(a, .buy, 1), (b, .sell, 1), (desk.call(2), .buy, 1), (desk.call(3), .buy, 1), (desk.call(4), .buy, 1)], size: Quantity(1)),
             .invalidStrategy, "a strategy has 2 to 4 legs, this one 5"),
            (desk.order([(a, .buy, 1), (b, .sell, 11)], size: Quantity(1)), .invalidStrategy, "leg 2: ratio 11 is outside 1–10"),
            (desk.order([(a, .buy, 0), (b, .sell, 1)], size: Quantity(1)), .invalidStrategy, "leg 1: ratio 0 is outside 1–10"),
            (desk.order([(a, .buy, 1), (a, .sell, 1)], size: Quantity(1)), .invalidStrategy,
             "leg 2 repeats \(desk.engine.series[a.index].name) of leg 1"),
            (desk.order([(a, .buy, 1), (SeriesID(99_999), .sell, 1)], size: Quantity(1)), .unknownSeries, "leg 2"),
            (desk.order([(a, .buy, 1), (b, .sell, 1)], size: .zero), .invalidQuantity, "size must be positive"),
            (desk.order([(a, .buy, 1), (b, .sell, 1)], size: Quantity(micros: 10_000)), .invalidQuantity,
             "leg 1 \(desk.engine.series[a.index].name): minimum order is 0.10 contracts"),
            (desk.order([(a, .buy, 1), (b, .sell, 2)], size: Quantity(300)), .sizeLimit,
             "leg 2 \(desk.engine.series[b.index].name): maximum order is 500.00 contracts"),
            // A debit spread for at most 1 USD.
            (desk.order([(a, .buy, 1), (b, .sell, 1)], size: Quantity(1), limit: Money(1)), .limitPrice, "net "),
        ]
        for (order, reason, detail) in cases {
            let before = try desk.engine.stateWithoutCounters()
            let events = desk.engine.apply(.placeStrategy(order))
            let refused = try #require(events.rejectionEvents.first, "\(order.legs.count) legs: \(events.map(\.payload))")
            #expect(events.count == 1)
            #expect(refused.rejection.reason == reason)
            #expect(refused.rejection.detail.hasPrefix(detail), "\(refused.rejection.detail)")
            #expect(try desk.engine.stateWithoutCounters() == before)
        }
    }

    @Test("legs in two markets are refused: a strategy trades one underlying")
    func legsInTwoMarketsAreRefused() throws {
        var desk = try StrategyDesk(adjust: {
            $0.markets = [TestMarkets.frozen(spot: 3_012.5), TestMarkets.frozen(symbol: "FOX", spot: 1_000)]
        })
        let other = try #require(desk.engine.liveBoard("FOX", tenor: .days(7)))
        let events = desk.engine.apply(.placeStrategy(desk.order([(desk.call(0), .buy, 1), (desk.engine.series(other, .call), .sell, 1)], size: Quantity(1))))
        let refused = try #require(events.rejectionEvents.first)
        #expect(refused.rejection.reason == .invalidStrategy)
        #expect(refused.rejection.detail == "leg 2 is in FOX, leg 1 in FIX: a strategy trades one underlying")
    }

    @Test("an account that cannot pay net premium and collateral is refused")
    func insufficientBalanceIsRefused() throws {
        var desk = try StrategyDesk(funding: Money(50))
        let before = try desk.engine.stateWithoutCounters()
        let events = desk.engine.apply(.placeStrategy(desk.order([(desk.call(0), .sell, 1), (desk.call(1), .buy, 1)], size: Quantity(2))))
        let refused = try #require(events.rejectionEvents.first)
        #expect(refused.rejection.reason == .insufficientBalance)
        #expect(refused.rejection.detail.hasSuffix("has 50.00"), "\(refused.rejection.detail)")
        #expect(try desk.engine.stateWithoutCounters() == before)
    }

    // MARK: - Closing

    @Test("an iron condor closed leg by leg frees exactly what the legs left no longer need")
    func closedLegByLegFreesTheRightAmounts() throws {
        var desk = try StrategyDesk()
        let longPut = desk.put(-2), shortPut = desk.put(-1), shortCall = desk.call(1), longCall = desk.call(3)
        // Wings: puts 50 wide, calls 100 wide.
        #expect(desk.strike(shortPut) - desk.strike(longPut) == Money(50))
        #expect(desk.strike(longCall) - desk.strike(shortCall) == Money(100))
        let size = Quantity(micros: 1_500_000)
        let opened = desk.engine.apply(.placeStrategy(desk.order([(longPut, .buy, 1), (shortPut, .sell, 1), (shortCall, .sell, 1), (longCall, .buy, 1)],
                                                                   size: size, name: "iron condor")))
        try #require(opened.fills.count == 4, "\(opened.map(\.payload))")
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        // The wider wing × size.
        #expect(desk.engine.strategy(id)?.collateral == Money(150))

        /// Closes part of one leg and checks the collateral held after and the balance change.
        func closeLeg(_ series: SeriesID, _ quantity: Quantity?, holds expected: Money, sourceLocation: SourceLocation = #_sourceLocation) throws -> [EngineEvent] {
            let balanceBefore = desk.balance
            let heldBefore = try #require(desk.engine.strategy(id)?.collateral)
            let events = desk.engine.apply(.closeStrategyLeg(account: desk.trader, strategy: id, series: series, quantity: quantity, limitPremium: nil))
            let fill = try #require(events.fills.first, "\(events.map(\.payload))", sourceLocation: sourceLocation)
            #expect(events.fills.count == 1, sourceLocation: sourceLocation)
            let held = desk.engine.strategy(id)?.collateral ?? .zero
            #expect(held == expected, sourceLocation: sourceLocation)
            #expect(desk.collateral == expected, sourceLocation: sourceLocation)
            // The balance gains what was freed, less what the buy-back cost (or plus what the sale got).
            let flow = fill.side == .buy ? -(fill.premium + fill.fee) : fill.premium - fill.fee
            #expect(desk.balance - balanceBefore == heldBefore - held + flow, sourceLocation: sourceLocation)
            #expect(desk.engine.checkInvariants().isEmpty, sourceLocation: sourceLocation)
            return events
        }
        // 0.5 of the short call back: 1 short call against 1.5 long calls → the call wing owes 100 × 1 = 100.
        let first = try closeLeg(shortCall, Quantity(micros: 500_000), holds: Money(100))
        #expect(first.strategyActivities.first?.kind == "strategyChanged")
        #expect(first.strategyActivities.first?.activity.cause == .legClosed)
        #expect(first.strategyActivities.first?.activity.collateralChange == Money(-50))
        // The rest of the short call: only the put spread can owe, 50 × 1.5.
        _ = try closeLeg(shortCall, nil, holds: Money(75))
        // The short put: two longs left, nothing to owe.
        _ = try closeLeg(shortPut, nil, holds: .zero)
        #expect(desk.engine.strategy(id)?.maximumLoss != nil)
        // The two longs close as one order.
        let closed = desk.engine.apply(.closeStrategy(account: desk.trader, strategy: id, limitNetPremium: nil))
        #expect(closed.fills.count == 2 && closed.fills.allSatisfy { $0.side == .sell })
        #expect(closed.strategyActivities.first?.kind == "strategyClosed")
        #expect(desk.engine.strategy(id) == nil && desk.engine.positions.isEmpty)
        #expect(desk.collateral == .zero)
        // Closing it again: nothing to close.
        let again = desk.engine.apply(.closeStrategy(account: desk.trader, strategy: id, limitNetPremium: nil))
        #expect(again.rejectionEvents.first?.rejection.reason == .noPosition)
    }

    @Test("closing the long leg of a credit spread leaves a naked short that posts its own collateral")
    func closingTheLongLegCollateralizesTheShort() throws {
        var desk = try StrategyDesk()
        let short = desk.call(0), long = desk.call(1)
        _ = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(2))))
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        let events = desk.engine.apply(.closeStrategyLeg(account: desk.trader, strategy: id, series: long, quantity: nil, limitPremium: nil))
        try #require(events.fills.count == 1, "\(events.map(\.payload))")
        let holding = try #require(desk.engine.strategy(id))
        // The call's full collateral: spot × 2 = 6,025, on the leg; no maximum loss any more.
        #expect(holding.collateral == Money(6_025) && holding.maximumLoss == nil)
        #expect(desk.engine.position(account: desk.trader, series: short, strategy: id)?.collateral == Money(6_025))
        #expect(desk.engine.checkInvariants().isEmpty)

        // An account that cannot post it is refused, and keeps its spread.
        var poor = try StrategyDesk(funding: Money(300))
        _ = poor.engine.apply(.placeStrategy(poor.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(2))))
        let poorID = try #require(poor.engine.strategies(of: poor.trader).first?.id)
        let before = try poor.engine.stateWithoutCounters()
        let refused = poor.engine.apply(.closeStrategyLeg(account: poor.trader, strategy: poorID, series: long, quantity: nil, limitPremium: nil))
        #expect(refused.rejectionEvents.first?.rejection.reason == .insufficientBalance, "\(refused.map(\.payload))")
        #expect(try poor.engine.stateWithoutCounters() == before)
        #expect(poor.engine.strategy(poorID)?.legs.count == 2)
    }

    @Test("closing a strategy the account does not hold is refused")
    func closingAnotherAccountsStrategyIsRefused() throws {
        var desk = try StrategyDesk()
        let other = desk.engine.open("other", funding: Money(100_000))
        _ = desk.engine.apply(.placeStrategy(desk.order([(desk.call(0), .sell, 1), (desk.call(1), .buy, 1)], size: Quantity(1))))
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        let events = desk.engine.apply(.closeStrategy(account: other, strategy: id, limitNetPremium: nil))
        #expect(events.rejectionEvents.first?.rejection.reason == .noPosition)
        let leg = desk.engine.apply(.closeStrategyLeg(account: desk.trader, strategy: id, series: desk.call(2), quantity: nil, limitPremium: nil))
        #expect(leg.rejectionEvents.first?.rejection.reason == .noPosition)
        let tooMuch = desk.engine.apply(.closeStrategyLeg(account: desk.trader, strategy: id, series: desk.call(1), quantity: Quantity(2), limitPremium: nil))
        #expect(tooMuch.rejectionEvents.first?.rejection.reason == .invalidQuantity)
        #expect(desk.engine.strategy(id)?.legs.count == 2)
    }

    // MARK: - Expiry and liquidation

    @Test("a bounded strategy settles as one: its net payoff from the collateral it holds, rounded once")
    func boundedStrategySettlesAsOne() throws {
        var desk = try StrategyDesk(tenor: .hours(1))
        // Bear call spread 3000/3020 at a frozen 3,012.5, size 0.7: the short owes 12.5 × 0.7 = 8.75.
        let short = try desk.series(.call, strike: 3_000), long = try desk.series(.call, strike: 3_020)
        let opened = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(micros: 700_000))))
        let fills = opened.fills
        try #require(fills.count == 2, "\(opened.map(\.payload))")
        let credit = (fills[0].premium - fills[0].fee) - (fills[1].premium + fills[1].fee)
        #expect(desk.collateral == Money(14))
        let balanceBefore = desk.balance, realizedBefore = desk.engine.accounts[desk.trader.index].realizedPnL
        let cashBefore = desk.engine.pool.cash
        let events = desk.engine.advance(to: desk.board.expiry)
        let settlements = events.settlements.filter { $0.account == desk.trader }
        #expect(settlements.map(\.payoff) == [Money(micros: -8_750_000), .zero])
        #expect(desk.balance - balanceBefore == Money(micros: 14_000_000 - 8_750_000))
        #expect(desk.collateral == .zero)
        #expect(desk.engine.accounts[desk.trader.index].realizedPnL - realizedBefore == credit - Money(micros: 8_750_000))
        #expect(desk.engine.pool.cash - cashBefore >= Money(micros: 8_750_000))
        let closed = try #require(events.strategyActivities.first)
        #expect(closed.kind == "strategyClosed" && closed.activity.cause == .settled)
        #expect(closed.activity.collateralChange == Money(-14) && closed.activity.netPremium == Money(micros: 8_750_000))
        #expect(desk.engine.strategies(of: desk.trader).isEmpty)
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    @Test("a fractional put credit spread settles rounded once against the trader")
    func fractionalSettlementRoundsOnce() throws {
        var desk = try StrategyDesk(tenor: .hours(1))
        // Short 3015 P, long 3005 P, 0.123457 each: the short owes 2.5 × 0.123457 = 0.3086425 → 0.308643.
        let short = try desk.series(.put, strike: 3_015), long = try desk.series(.put, strike: 3_005)
        let opened = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(micros: 123_457))))
        try #require(opened.fills.count == 2, "\(opened.map(\.payload))")
        // 10 × 0.123457 = 1.23457 exactly.
        #expect(desk.collateral == Money(micros: 1_234_570))
        let balanceBefore = desk.balance
        let events = desk.engine.advance(to: desk.board.expiry)
        #expect(events.settlements.filter { $0.account == desk.trader }.map(\.payoff) == [Money(micros: -308_643), .zero])
        #expect(desk.balance - balanceBefore == Money(micros: 1_234_570 - 308_643))
    }

    @Test("a calendar posts per leg; its front short settles from its own collateral and the back leg stays")
    func calendarSettlesPerLeg() throws {
        var desk = try StrategyDesk(tenor: .hours(1), adjust: { $0.tenors = [.hours(1), .hours(4)] })
        let back = try #require(desk.engine.liveBoard("FIX", tenor: .hours(4)))
        #expect(back.expiry > desk.board.expiry)
        let front = desk.call(0), later = desk.engine.series(back, .call)
        let events = desk.engine.apply(.placeStrategy(desk.order([(front, .sell, 1), (later, .buy, 1)], size: Quantity(1), name: "calendar")))
        try #require(events.fills.count == 2, "\(events.map(\.payload))")
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        // The front short posts the full collateral of a single sell (spot × 1), payable at its own expiry.
        #expect(desk.engine.strategy(id)?.collateral == Money(micros: 3_012_500_000))
        #expect(desk.engine.strategy(id)?.maximumLoss == nil)
        let settled = desk.engine.advance(to: desk.board.expiry)
        let changed = try #require(settled.strategyActivities.first)
        #expect(changed.kind == "strategyChanged" && changed.activity.cause == .settled)
        // The long back call is alone now: bounded, owing nothing.
        let holding = try #require(desk.engine.strategy(id))
        #expect(holding.legs.map(\.series) == [later] && holding.collateral == .zero && holding.maximumLoss != nil)
        #expect(desk.collateral == .zero)
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    @Test("a short strangle's call leg is liquidated when spot runs; the put leg stays, collateralized alone")
    func unboundedStrategyIsLiquidatedPerLeg() throws {
        var desk = try StrategyDesk(pool: Money(1_000_000), funding: Money(50_000),
                                    market: TestMarkets.rising(spot: 1_000, drift: 60), adjust: {
            // A call's shocked value at 3 × spot is above spot: the minimum is the full collateral, so any rise
            // leaves the call leg (posted at the opening spot) under its minimum.
            $0.shorts.callSpotShock = 3
        })
        let call = desk.call(1), put = desk.put(-1)
        let opened = desk.engine.apply(.placeStrategy(desk.order([(put, .sell, 1), (call, .sell, 1)], size: Quantity(2), name: "strangle")))
        try #require(opened.fills.count == 2, "\(opened.map(\.payload))")
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        let funded = Money(1_050_000)
        var liquidation: Liquidation?
        var activity: StrategyActivity?
        let deadline = desk.engine.time + .hours(12)
        while liquidation == nil, desk.engine.time < deadline {
            let events = desk.engine.advance(to: desk.engine.time + .minutes(1))
            liquidation = events.liquidations.first
            activity = events.strategyActivities.first?.activity
            #expect(events.fills.filter(\.isLiquidation).allSatisfy { $0.strategy == id })
        }
        let liquidated = try #require(liquidation)
        #expect(liquidated.account == desk.trader && liquidated.series == call && liquidated.quantity == Quantity(2))
        #expect(activity?.cause == .liquidated && activity?.strategy == id)
        // The put leg alone is bounded: it holds strike × 2, exactly what a single put's full collateral was.
        let holding = try #require(desk.engine.strategy(id))
        #expect(holding.legs.map(\.series) == [put])
        #expect(holding.collateral == Money(micros: desk.strike(put).micros * 2))
        #expect(holding.maximumLoss != nil)
        #expect(desk.engine.totalHeld == funded)
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    // MARK: - Preview and snapshots

    @Test("the preview is what the order does")
    func previewMatchesExecution() throws {
        var desk = try StrategyDesk()
        let order = desk.order([(desk.put(-2), .buy, 1), (desk.put(-1), .sell, 1), (desk.call(1), .sell, 1), (desk.call(2), .buy, 1)],
                               size: Quantity(2), name: "iron condor")
        let preview = desk.engine.previewStrategy(order)
        #expect(preview.rejection == nil)
        let events = desk.engine.apply(.placeStrategy(order))
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        #expect(preview.legs.map(\.fill) == events.fills.map(Optional.some))
        #expect(preview.collateral == holding.collateral && preview.collateral == Money(100))
        #expect(preview.maximumLoss == holding.maximumLoss)
        #expect(preview.netCashFlow == events.strategyActivities.first?.activity.netPremium)
        #expect(preview.balanceAfter == desk.balance)
        #expect(preview.strategy == holding.id)
        // A refused order previews its refusal on the leg that refuses.
        let refused = desk.engine.previewStrategy(desk.order([(desk.call(0), .buy, 1), (desk.call(1), .sell, 1)], size: Quantity(1), limit: Money(1)))
        #expect(refused.rejection?.reason == .limitPrice)
        let unknown = desk.engine.previewStrategy(desk.order([(desk.call(0), .buy, 1), (desk.call(1), .buy, 1), (desk.call(2), .buy, 1)],
                                                             size: Quantity(2_000)))
        #expect(unknown.legs.first?.rejection?.reason == .sizeLimit && unknown.rejection?.detail.hasPrefix("leg 1 ") == true)
    }

    @Test("snapshots carry strategies; a session without any encodes as before")
    func snapshotsCarryStrategies() throws {
        var desk = try StrategyDesk()
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(desk.engine)) as? [String: Any]
        #expect(plain?["strategies"] == nil && plain?["nextStrategyIndex"] == nil)
        _ = desk.engine.apply(.placeStrategy(desk.order([(desk.call(0), .sell, 1), (desk.call(1), .buy, 1)], size: Quantity(2))))
        _ = desk.engine.apply(.placeStrategy(desk.order([(desk.call(0), .sell, 1), (desk.put(0), .sell, 1)], size: Quantity(1))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(desk.engine)
        let decoded = try JSONDecoder().decode(Engine.self, from: bytes)
        #expect(try encoder.encode(decoded) == bytes)
        #expect(decoded.strategies(of: desk.trader) == desk.engine.strategies(of: desk.trader))
        #expect(decoded.strategies(of: desk.trader).count == 2)
        #expect(decoded.checkInvariants().isEmpty)
    }
}

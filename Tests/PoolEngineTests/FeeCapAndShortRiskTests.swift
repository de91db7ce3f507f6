import Foundation
import PoolEngine
import Testing

/// Rules 3: the option fee cap (Deribit's 12.5% of the premium), fills whose IV before and after are the same kind of
/// number, the chain's bid/ask IV, where a short is liquidated, and the withdrawal preview.
@Suite("Fee cap, fill IV, liquidation spots")
struct FeeCapAndShortRiskTests {
    /// One market whose spot never moves (60,000), no participants, hedger off; a 5M pool and a funded trader.
    static func frozenMarket(rules: Int = EngineRules.current) -> (Engine, AccountID) {
        let configuration = TestMarkets.quiet { configuration in
            configuration.markets = [TestMarkets.frozen(spot: 60_000)]
            configuration.rulesVersion = rules
        }
        var engine = Engine(configuration: configuration, seed: 5)
        engine.openLP("lp", deposit: Money(5_000_000))
        let trader = engine.open("trader", funding: Money(1_000_000))
        return (engine, trader)
    }

    /// The highest strike of `board` whose call can still be opened (delta ≥ 0.16, just above the 0.15 cutoff).
    static func outOfTheMoneyCall(_ engine: Engine, _ board: Board) -> SeriesID? {
        board.calls.last { engine.markValuation($0).delta >= 0.16 && engine.series[$0.index].strike.doubleValue > 60_000 }
    }

    @Test("new sessions run under rules 4 (3 and later cap fees); the cap is 12.5% and reads with that default from older configurations")
    func rulesAndDefault() throws {
        #expect(EngineRules.current == 4)
        #expect(EngineConfiguration().rulesVersion == 4 && EngineConfiguration().capsFeesAtPremiumShare)
        #expect(AMMConfiguration().maximumFeeShareOfPremium == 0.125)
        let encoder = JSONEncoder()
        var stored = try #require(JSONSerialization.jsonObject(with: encoder.encode(EngineConfiguration())) as? [String: Any])
        var amm = try #require(stored["amm"] as? [String: Any])
        #expect(amm["maximumFeeShareOfPremium"] as? Double == 0.125)
        amm["maximumFeeShareOfPremium"] = nil
        stored["amm"] = amm
        stored["rulesVersion"] = nil
        let decoded = try JSONDecoder().decode(EngineConfiguration.self, from: JSONSerialization.data(withJSONObject: stored))
        #expect(decoded.amm.maximumFeeShareOfPremium == 0.125)
        #expect(decoded.rulesVersion == EngineRules.original)
        #expect(!decoded.capsFeesAtPremiumShare)
        var invalid = EngineConfiguration()
        invalid.amm.maximumFeeShareOfPremium = 1.5
        #expect(invalid.validationError() == "amm.maximumFeeShareOfPremium must be within 0–1")
    }

    /// The case: closing 25 nearly worthless contracts. Uncapped (rules 2) the spot part of the fee alone is
    /// 0.03% × 60,000 × 25 = 450.00, far above the premium, so the close is refused; under rules 3 the fee is
    /// ⌊12.5% × premium⌋ to the micro-unit and the close goes through.
    @Test("closing 25 nearly worthless contracts: the fee is at most 12.5% of the premium")
    func nearlyWorthlessClose() throws {
        var fees: [Int: (quote: TradeQuote, outcome: OrderOutcome)] = [:]
        for rules in [EngineRules.joinedExpiries, EngineRules.current] {
            var (engine, trader) = Self.frozenMarket(rules: rules)
            let board = try #require(engine.liveBoard("FIX", tenor: .hours(1)))
            let call = try #require(Self.outOfTheMoneyCall(engine, board))
            let bought = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(25))).fill)
            #expect(bought.quantity == Quantity(25))
            // Just before the cutoff (6 minutes before expiry on a 1-hour board), still out of the money.
            _ = engine.advance(to: board.tradingCutoff(engine.configuration.amm) - .seconds(10))
            let quote = engine.quoteTrade(series: call, side: .sell, quantity: Quantity(25))
            fees[rules] = (quote, engine.close(trader, call))
        }
        let old = try #require(fees[EngineRules.joinedExpiries])
        let new = try #require(fees[EngineRules.current])
        // The same market, the same walk: the premium is the same under both rules, a few USD a contract at most
        // (on a 60,000 underlying), far below the 450 USD spot part of the uncapped fee.
        #expect(old.quote.premium == new.quote.premium)
        #expect(new.quote.premium > 0 && new.quote.premium < 100)
        // Rules 2: 1% of the premium + 0.03% of spot per contract; selling back shrinks the pool's vega (no vega fee).
        #expect(abs(old.quote.fee - (0.01 * old.quote.premium + 0.0003 * 60_000 * 25)) < 1e-6)
        #expect(!old.quote.isFeeCapped)
        #expect(old.outcome.reason == .invalidQuantity, "premium does not cover a 450 fee")
        // Rules 3: capped, and the close fills.
        #expect(new.quote.isFeeCapped)
        #expect(abs(new.quote.fee - 0.125 * new.quote.premium) < 1e-9)
        let fill = try #require(new.outcome.fill)
        #expect(fill.closedQuantity == Quantity(25))
        #expect(fill.fee.micros == fill.premium.micros * 125_000 / 1_000_000)
        #expect(fill.fee.micros * 8 <= fill.premium.micros)
        #expect(fill.traderCashFlow.micros == fill.premium.micros - fill.fee.micros)
    }

    @Test("where the cap does not bind, rules 3 charges exactly what rules 2 did")
    func capOnlyWhereItBinds() throws {
        let (old, _) = Self.frozenMarket(rules: EngineRules.joinedExpiries)
        let (new, _) = Self.frozenMarket()
        let board = try #require(new.liveBoard("FIX", tenor: .days(7)))
        let call = new.series(board, .call)
        for side in [Side.buy, .sell] {
            let capped = new.quoteTrade(series: call, side: side, quantity: Quantity(1))
            let uncapped = old.quoteTrade(series: call, side: side, quantity: Quantity(1))
            // A 7-day at-the-money call: premium ≈ 0.4 × 0.35 × √(7/365) × 60,000 ≈ 1,160, fee ≈ 12 + 18 + vega part.
            #expect(capped.premium > 1_000 && capped.fee < 0.125 * capped.premium)
            #expect(!capped.isFeeCapped)
            #expect(capped.fee == uncapped.fee)
        }
    }

    /// Utilization is pushed above Hegic's 40% with BTC calls, so an ETH buy pays the multiplier m > 1.
    @Test("a buy's IV before and after carry the same utilization multiplier under rules 3 (and not under rules 2)")
    func fillVolatilityDefinition() throws {
        for rules in [EngineRules.joinedExpiries, EngineRules.current] {
            var engine = Engine(configuration: TestMarkets.quiet { $0.rulesVersion = rules }, seed: 11)
            engine.openLP("lp", deposit: Money(100_000))
            let trader = engine.open("trader", funding: Money(10_000_000))
            let btcCall = engine.series(try #require(engine.liveBoard("BTC", tenor: .days(7))), .call)
            for _ in 0..<8 {
                _ = engine.place(Order(account: trader, series: btcCall, side: .buy, quantity: Quantity(micros: 100_000)))
            }
            let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
            let ethCall = engine.series(board, .call)
            let strike = engine.series[ethCall.index].strikeIndex
            let base = board.baseIv, skew = board.skews[strike]
            let multiplier = engine.quoteTrade(series: ethCall, side: .buy, quantity: Quantity(1)).utilizationMultiplier
            #expect(multiplier > 1.2, "utilization must be well above 40%")
            let fill = try #require(engine.place(Order(account: trader, series: ethCall, side: .buy, quantity: Quantity(1))).fill)
            // ETH standard size 5: one contract moves base IV by 0.002 and skew by 0.0015 (Lyra's rule).
            #expect(abs(fill.volatilityBefore - base * skew * multiplier) < 1e-12)
            if rules >= 3 {
                #expect(abs(fill.volatilityAfter - (base + 0.002) * (skew + 0.0015) * multiplier) < 1e-12)
                #expect(fill.volatilityAfter > fill.volatilityBefore, "a buy raises the IV it reports")
            } else {
                // What rules 1–2 journaled (and must keep replaying): the "after" without the multiplier.
                #expect(abs(fill.volatilityAfter - (base + 0.002) * (skew + 0.0015)) < 1e-12)
                #expect(fill.volatilityAfter < fill.volatilityBefore)
            }
        }
    }

    @Test("the chain's bid and ask IV reprice to the bid and ask, around the traded vol")
    func chainBidAskVolatility() throws {
        let (engine, _) = Self.frozenMarket()
        let board = try #require(engine.liveBoard("FIX", tenor: .days(1)))
        let rows = engine.chain(board: board.id)
        let atm = try #require(rows.first { $0.isAtTheMoney })
        for quote in [atm.call, atm.put] {
            let option = engine.series[quote.series.index]
            let bidVol = try #require(quote.bidVolatility)
            let askVol = try #require(quote.askVolatility)
            #expect(bidVol < quote.volatility && quote.volatility < askVol)
            for (vol, price) in [(bidVol, quote.bid), (askVol, quote.ask)] {
                let repriced = BlackScholes.price(kind: option.kind, spot: 60_000, strike: option.strike.doubleValue,
                                                  time: engine.yearsToExpiry(quote.series), volatility: vol, rate: 0)
                #expect(abs(repriced - price) < 1e-6 * price)
            }
        }
    }

    /// Hand numbers: a put's shocked minimum is worth about K − 0.8·S deep in the money, and its floor is 2% of spot;
    /// a call's is worth about 1.2·S − K. So posting c per contract liquidates a put at S = (K − c) / 0.8 below and
    /// S = c / 0.02 above, and a call at S = (K + c) / 1.2.
    @Test("liquidation spots match the shocked minimum worked by hand")
    func liquidationSpots() throws {
        let (engine, _) = Self.frozenMarket()
        let board = try #require(engine.liveBoard("FIX", tenor: .hours(1)))
        let put = try #require(board.puts.first)
        let putStrike = engine.series[put.index].strike.doubleValue
        let putSpots = try #require(engine.liquidationSpots(series: put, collateralPerContract: 20_000))
        #expect(!putSpots.isUnderwater)
        let below = try #require(putSpots.below)
        #expect(abs(below - (putStrike - 20_000) / 0.8) < 0.01)
        #expect(abs(try #require(putSpots.above) - 1_000_000) < 0.01)
        #expect(putSpots.nearest(to: 60_000) == below)

        let call = try #require(board.calls.last)
        let callStrike = engine.series[call.index].strike.doubleValue
        let callSpots = try #require(engine.liquidationSpots(series: call, collateralPerContract: 30_000))
        #expect(callSpots.below == nil)
        #expect(abs(try #require(callSpots.above) - (callStrike + 30_000) / 1.2) < 0.01)
        // 100 USD a contract is far below the call's minimum today (about 1.2 × 60,000 − K ≈ 11,000): under water.
        #expect(engine.liquidationSpots(series: call, collateralPerContract: 100)?.isUnderwater == true)
    }

    @Test("a short position reports its liquidation spot; a long none")
    func positionLiquidation() throws {
        var (engine, trader) = Self.frozenMarket()
        let board = try #require(engine.liveBoard("FIX", tenor: .days(1)))
        let put = engine.series(board, .put)
        let strike = engine.series[put.index].strike.doubleValue
        // 2 contracts with 40,000 posted: 20,000 a contract, so liquidation near (K − 20,000) / 0.8.
        _ = try #require(engine.place(Order(account: trader, series: put, side: .sell, quantity: Quantity(2), collateral: Money(40_000))).fill)
        let call = engine.series(board, .call)
        _ = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(1))).fill)
        let views = engine.positionViews(of: trader)
        let short = try #require(views.first { $0.position.isShort })
        let long = try #require(views.first { $0.position.isLong })
        #expect(long.liquidation == nil)
        let below = try #require(short.liquidation?.below)
        // The 1-day shock vol (1.8) adds some time value, so the put is worth a little more than intrinsic: the
        // crossing comes a little above the hand figure, within 5%.
        let hand = (strike - 20_000) / 0.8
        #expect(below >= hand - 0.01 && below < hand * 1.05)
        // Just below it the minimum is above the posted 20,000 a contract, just above it is not.
        #expect(engine.minimumShortCollateralPerContract(put, spot: below * 0.999) > 20_000)
        #expect(engine.minimumShortCollateralPerContract(put, spot: below * 1.001) <= 20_000)
    }

    /// A 100k pool 80% locked by calls pays a withdrawal only down to the cap: cash − locked ÷ 0.8; the rest is queued.
    @Test("the withdrawal preview is what the withdrawal then does: paid now, fee, queued")
    func withdrawalPreview() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 7)
        let lp = engine.openLP("lp", deposit: Money(100_000))
        let trader = engine.open("trader", funding: Money(10_000_000))
        let call = engine.series(try #require(engine.liveBoard("BTC", tenor: .days(7))), .call)
        for _ in 0..<20 {
            guard engine.place(Order(account: trader, series: call, side: .buy, quantity: Quantity(micros: 100_000))).fill != nil else { break }
        }
        let shares = engine.accounts[lp.index].shares
        let cash = engine.pool.cash.doubleValue, locked = engine.pool.lockedCollateral.doubleValue
        let preview = engine.previewWithdrawal(account: lp, shares: shares)
        #expect(preview.rejection == nil)
        #expect(preview.requestsAhead == 0)
        // Paid before the fee = what the cap leaves free; 0.3% of it is the fee.
        let gross = preview.paidNow.doubleValue + preview.feeNow.doubleValue
        #expect(abs(gross - (cash - locked / 0.8)) < 1)
        #expect(abs(preview.feeNow.doubleValue - 0.003 * gross) < 0.01)
        #expect(preview.queuedShares.isPositive)
        let events = engine.apply(.withdraw(account: lp, shares: shares))
        var paid = Money.zero
        var queued = Shares.zero
        for event in events {
            if case .withdrawn(lp, _, let amount, _, _) = event.payload { paid += amount }
            if case .withdrawalQueued(lp, let waiting) = event.payload { queued = waiting }
        }
        #expect(paid == preview.paidNow)
        #expect(queued == preview.queuedShares)
        #expect(engine.poolSnapshot().queuedWithdrawals == 1)
        #expect(engine.previewWithdrawal(account: lp, shares: Shares(micros: 1)).rejection?.reason == .insufficientShares)
    }
}

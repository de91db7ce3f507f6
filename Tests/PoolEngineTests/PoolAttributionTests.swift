import Foundation
import PoolEngine
import Testing

/// P&L attribution: fees + options + hedge + penalties − reserve = NAV change excluding LP flows, to the micro-USD,
/// with every term checked against a count made here from the events (or by hand), not by the ledger.
@Suite("Pool P&L attribution")
struct PoolAttributionTests {
    /// Terms summed from events, independently of the engine's ledger.
    struct EventCount {
        var deposits = Money.zero
        var withdrawals = Money.zero
        var fees = Money.zero
        var withdrawalFees = Money.zero
        var premiums = Money.zero
        var settlements = Money.zero
        var penalties = Money.zero
        var hedgeRealized = Money.zero
        var hedgeCosts = Money.zero
        var hedgeUnpaid = Money.zero
        var liquidations = 0
        var settled = 0
        var hedges = 0
        var flows = 0
        let penaltyPPM: Int64

        init(configuration: EngineConfiguration) {
            penaltyPPM = Int64((configuration.shorts.liquidationPenalty * 1_000_000).rounded())
        }

        mutating func record(_ events: [EngineEvent]) {
            // A liquidation's fill comes just before its `liquidated` event; the premium it paid depends on both.
            var pendingLiquidationFill: Fill?
            for event in events {
                switch event.payload {
                case .deposited(_, let amount, _, _):
                    deposits += amount
                    flows += 1
                case .withdrawn(_, _, let amount, let fee, _):
                    // Counted at the value burned: what was paid plus the fee the pool kept.
                    withdrawals += amount + fee
                    withdrawalFees += fee
                    flows += 1
                case .orderFilled(let fill):
                    fees += fill.fee
                    if fill.isLiquidation {
                        pendingLiquidationFill = fill
                    } else {
                        // The trader buys: the pool receives the premium; the trader sells: the pool pays it.
                        premiums += fill.side == .buy ? fill.premium : -fill.premium
                    }
                case .liquidated(let liquidation):
                    liquidations += 1
                    penalties += liquidation.penalty
                    guard let fill = pendingLiquidationFill else { Issue.record("liquidation without its fill"); continue }
                    pendingLiquidationFill = nil
                    // The buyback cost (premium + fee) is paid in full unless the short could not cover it: then
                    // what it paid is the full debt (cost + full penalty) less the shortfall, and no penalty.
                    var costPaid = liquidation.buybackCost
                    if liquidation.shortfall.isPositive && liquidation.penalty.isZero {
                        let fullPenalty = Money(micros: ExactMath.ceilMulDiv(liquidation.buybackCost.micros, penaltyPPM, 1_000_000))
                        costPaid = liquidation.buybackCost + fullPenalty - liquidation.shortfall
                    }
                    premiums += costPaid - fill.fee
                case .positionSettled(let settlement):
                    // payoff > 0: paid by the pool to a long; < 0: taken from a short's collateral.
                    settlements -= settlement.payoff
                    settled += 1
                case .hedged(_, _, _, let cost, let realized, _):
                    hedgeRealized += realized
                    hedgeCosts += cost
                    hedges += 1
                case .insolvency(let amount, let detail) where detail.hasPrefix("hedge"):
                    hedgeUnpaid += amount
                default:
                    break
                }
            }
        }
    }

    /// Checks the identity from `start` to `end` and every ledger term against the event count since `start`.
    static func check(_ start: PoolAccounts, _ end: PoolAccounts, _ count: EventCount, reserveChange: Money,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let a = PoolAttribution(from: start, to: end)
        // The identity, written out here rather than taken from `residual`.
        let lhs = end.nav - start.nav - (count.deposits - count.withdrawals)
        let rhs = a.fees + (a.optionPremiums + a.optionSettlements + a.optionMarkChange)
            + (a.hedgeRealized - a.hedgeCosts + a.hedgeUnpaid + a.hedgeMarkChange) + a.penalties - a.reserve
        #expect(lhs == rhs, "NAV change ex flows \(lhs) ≠ terms \(rhs)", sourceLocation: sourceLocation)
        #expect(a.residual.isZero, sourceLocation: sourceLocation)
        #expect(a.deposits == count.deposits, sourceLocation: sourceLocation)
        #expect(a.withdrawals == count.withdrawals, sourceLocation: sourceLocation)
        #expect(a.tradingFees == count.fees, sourceLocation: sourceLocation)
        #expect(a.withdrawalFees == count.withdrawalFees, sourceLocation: sourceLocation)
        #expect(a.fees == count.fees + count.withdrawalFees, sourceLocation: sourceLocation)
        #expect(a.optionPremiums == count.premiums, sourceLocation: sourceLocation)
        #expect(a.optionSettlements == count.settlements, sourceLocation: sourceLocation)
        #expect(a.penalties == count.penalties, sourceLocation: sourceLocation)
        #expect(a.hedgeRealized == count.hedgeRealized, sourceLocation: sourceLocation)
        #expect(a.hedgeCosts == count.hedgeCosts, sourceLocation: sourceLocation)
        #expect(a.hedgeUnpaid == count.hedgeUnpaid, sourceLocation: sourceLocation)
        #expect(a.reserve == reserveChange, sourceLocation: sourceLocation)
        // Plausibility: fees, penalties, costs and the reserve only ever grow.
        #expect(!a.fees.isNegative && !a.penalties.isNegative && !a.hedgeCosts.isNegative && !a.reserve.isNegative,
                sourceLocation: sourceLocation)
        #expect(a.reserve <= a.tradingFees + (end.ledger.reserveSwept - start.ledger.reserveSwept), sourceLocation: sourceLocation)
    }

    @Test("one option bought and settled in the money: options P&L = premium − payoff, worked by hand")
    func oneCallInTheMoney() throws {
        let configuration = TestMarkets.quiet { $0.markets = [TestMarkets.rising(spot: 50_000, drift: 3)] }
        var engine = Engine(configuration: configuration, seed: 21)
        engine.openLP("lp", deposit: Money(1_000_000))
        let trader = engine.open("trader", funding: Money(200_000))
        let before = engine.poolAccounts()
        #expect(before.optionMark.isZero && before.hedgeMark.isZero)
        // The lowest strike of the nearest board: deep in the money, and it stays there as the market rises.
        let board = try #require(engine.liveBoards(market: MarketID(0)).first)
        let call = board.series(.call, strikeIndex: 0)
        let quantity = Quantity(2)
        let fill = try #require(engine.place(Order(account: trader, series: call, side: .buy, quantity: quantity)).fill)
        var events: [EngineEvent] = []
        engine.advance(to: board.expiry + .minutes(1), into: &events)
        let settlement = try #require(events.settlements.first { $0.series == call })
        let spot = try #require(engine.boards[board.id.index].settlementSpot)
        let after = engine.poolAccounts()

        // By hand: the pool received the premium and the fee, kept the fee less the reserve's cut, and paid
        // (spot − strike) × 2 to the holder (rounded down in the pool's favour).
        let strike = engine.series[call.index].strike
        let payoff = Money(micros: ExactMath.payoffMicros(call: true, spot: spot, strike: strike, quantity: quantity, roundUp: false))
        #expect(payoff.isPositive, "the call expired in the money")
        #expect(settlement.payoff == payoff)
        let reserveCut = Money(micros: ExactMath.floorMulDiv(
            fill.fee.micros, Int64((configuration.pool.reserveShareOfFees * 1_000_000).rounded()), 1_000_000))
        let a = PoolAttribution(from: before, to: after)
        #expect(a.optionPremiums == fill.premium)
        #expect(a.optionSettlements == -payoff)
        #expect(after.optionMark.isZero, "nothing open after the settlement (no other trader)")
        #expect(a.optionMarkChange.isZero)
        #expect(a.options == fill.premium - payoff)
        #expect(a.fees == fill.fee)
        #expect(a.reserve == reserveCut)
        #expect(a.hedge.isZero && a.penalties.isZero && a.flows.isZero)
        #expect(after.nav - before.nav == fill.premium + fill.fee - reserveCut - payoff)
        #expect(a.residual.isZero)
        #expect(engine.pool.cash - before.cash == fill.premium + fill.fee - reserveCut - payoff)
    }

    @Test("a short written to the pool and liquidated: penalty counted, identity exact")
    func liquidatedShort() throws {
        let configuration = TestMarkets.quiet { $0.markets = [TestMarkets.rising(spot: 50_000, drift: 40)] }
        var engine = Engine(configuration: configuration, seed: 8)
        engine.openLP("lp", deposit: Money(2_000_000))
        let writer = engine.open("writer", funding: Money(100_000))
        let start = engine.poolAccounts()
        let reserveBefore = engine.pool.reserve
        var count = EventCount(configuration: configuration)
        let board = try #require(engine.liveBoard("UP", tenor: .days(1)))
        let call = engine.series(board, .call)
        var order = Order(account: writer, series: call, side: .sell, quantity: Quantity(1))
        order.collateral = engine.minimumShortCollateral(call, quantity: Quantity(1))
        let placed = engine.apply(.placeOrder(order))
        count.record(placed)
        #expect(placed.fills.count == 1)
        var events: [EngineEvent] = []
        // A strongly rising market: the thinly collateralised short call is liquidated within hours.
        for hour in 1...12 where count.liquidations == 0 {
            events.removeAll()
            engine.advance(to: start.time + .hours(Int64(hour)), into: &events)
            count.record(events)
        }
        #expect(count.liquidations == 1)
        #expect(count.penalties.isPositive)
        Self.check(start, engine.poolAccounts(), count, reserveChange: engine.pool.reserve - reserveBefore)
    }

    @Test("random sessions (orders, closes, LP flows, hedging switched on and off, settlements, liquidations): exact at every step",
          arguments: [(UInt64(3), true), (11, true), (29, false), (47, true)])
    func randomSessions(seed: UInt64, hedging: Bool) throws {
        var session = RandomSession(configuration: TestMarkets.fast(hedging: hedging), seed: seed, participants: 8, maximumAdvance: .hours(6))
        let first = session.engine.poolAccounts()
        let firstReserve = session.engine.pool.reserve
        var total = EventCount(configuration: session.engine.configuration)
        var previous = first
        for _ in 0..<400 {
            let reserveBefore = session.engine.pool.reserve
            let step = session.step()
            var count = EventCount(configuration: session.engine.configuration)
            count.record(step.events)
            total.record(step.events)
            let now = session.engine.poolAccounts()
            Self.check(previous, now, count, reserveChange: session.engine.pool.reserve - reserveBefore)
            previous = now
        }
        Self.check(first, previous, total, reserveChange: session.engine.pool.reserve - firstReserve)
        // The session exercised what the identity must cover.
        #expect(total.settled > 0 && total.flows > 0)
        // (The session switches hedging itself now and then, so "off" only means it starts off.)
        if hedging { #expect(total.hedges > 0) }
        // NAV as attribution counts it stays within a few micro-USD of the engine's Double NAV.
        #expect(abs(previous.nav.doubleValue - session.engine.netAssetValue()) < 1e-4)
    }

    @Test("a snapshot without a ledger opens one on decode: counters from zero, identities still hold")
    func snapshotWithoutLedger() throws {
        var scenario = Scenario(configuration: TestMarkets.fast(), seed: 5, participants: ParticipantConfiguration(count: 10))
        _ = scenario.engine.advance(to: scenario.engine.time + .hours(8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Cut the ledger out of the text (JSONSerialization would not keep the generator's 64-bit state exact).
        let text = String(decoding: try encoder.encode(scenario.engine), as: UTF8.self)
        let ledger = try #require(text.range(of: #""ledger":\{[^{}]*\},"#, options: .regularExpression))
        var decoded = try decoder.decode(Engine.self, from: Data(text.replacingCharacters(in: ledger, with: "").utf8))
        #expect(decoded.ledger.openedAt == scenario.engine.time)
        #expect(decoded.ledger.feesCharged.isZero && decoded.ledger.deposits.isZero)
        #expect(decoded.checkInvariants().isEmpty)
        let start = decoded.poolAccounts()
        let reserveBefore = decoded.pool.reserve
        var count = EventCount(configuration: decoded.configuration)
        count.record(decoded.advance(to: decoded.time + .hours(8)))
        #expect(decoded.checkInvariants().isEmpty)
        Self.check(start, decoded.poolAccounts(), count, reserveChange: decoded.pool.reserve - reserveBefore)
        // A full ledger survives the round trip unchanged.
        let again = try decoder.decode(Engine.self, from: encoder.encode(scenario.engine))
        #expect(again.ledger == scenario.engine.ledger && again.ledger.openedAt == nil)
    }
}

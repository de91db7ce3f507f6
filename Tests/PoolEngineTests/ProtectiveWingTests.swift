import Foundation
import PoolEngine
import Testing

/// Rules 4: a bounded strategy's protective wings (bought legs that limit its loss) are exempt from Lyra's opening
/// |delta| cutoff; short legs, single orders, unbounded strategies and rules 1–3 sessions keep it.
@Suite("Protective wings and the |delta| cutoff")
struct ProtectiveWingTests {
    /// The issue's market: spot 60,000 frozen, one 1-day board, the default 0.15 cutoff, under `rules`.
    static func desk(rules: Int) throws -> StrategyDesk {
        try StrategyDesk(tenor: .days(1), market: TestMarkets.frozen(spot: 60_000)) {
            $0.amm.minimumAbsoluteDelta = 0.15
            $0.rulesVersion = rules
        }
    }

    /// The at-the-money call (tradeable) and the nearest call above it whose |delta| is below the cutoff.
    static func spread(_ desk: StrategyDesk) throws -> (short: SeriesID, wing: SeriesID) {
        let short = desk.call(0)
        try #require(abs(desk.engine.markValuation(short).delta) >= 0.15)
        let atm = desk.engine.atTheMoneyIndex(desk.board)
        let wing = try #require((atm + 1..<desk.board.strikes.count).map { desk.board.calls[$0] }.first {
            abs(desk.engine.markValuation($0).delta) < 0.15
        }, "a call beyond the cutoff is listed")
        return (short, wing)
    }

    /// The nearest put below the money with |delta| ≥ 0.15, and the nearest one below it under the cutoff.
    static func putSpread(_ desk: StrategyDesk) throws -> (short: SeriesID, wing: SeriesID) {
        let atm = desk.engine.atTheMoneyIndex(desk.board)
        let short = desk.board.puts[atm]
        try #require(abs(desk.engine.markValuation(short).delta) >= 0.15)
        let wing = try #require((0..<atm).reversed().map { desk.board.puts[$0] }.first {
            abs(desk.engine.markValuation($0).delta) < 0.15
        }, "a put beyond the cutoff is listed")
        return (short, wing)
    }

    @Test("rules 4: a credit call spread whose bought wing is below the cutoff fills and posts its width")
    func creditSpreadFillsUnderRules4() throws {
        var desk = try Self.desk(rules: 4)
        let (short, wing) = try Self.spread(desk)
        // The wing alone is refused: single orders keep the cutoff.
        #expect(desk.engine.place(Order(account: desk.trader, series: wing, side: .buy, quantity: Quantity(2))).reason == .deltaCutoff)
        let events = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (wing, .buy, 1)], size: Quantity(2), name: "call spread")))
        #expect(events.rejections.isEmpty, "\(events.rejections)")
        let fills = events.fills
        try #require(fills.count == 2)
        #expect(fills.map(\.series) == [short, wing])
        #expect(fills.map(\.side) == [.sell, .buy])
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        // Bounded: it holds the width × size, exactly.
        let width = desk.strike(wing) - desk.strike(short)
        #expect(holding.collateral == Money(micros: width.micros * 2))
        #expect(desk.engine.checkInvariants().isEmpty)
        // Still a single order on that far strike is refused, with the release-1 wording.
        let single = desk.engine.place(Order(account: desk.trader, series: wing, side: .buy, quantity: Quantity(1)))
        guard case .rejected(let rejection) = single else { Issue.record("the far call alone filled"); return }
        #expect(rejection.reason == .deltaCutoff && rejection.detail.hasSuffix(" < 0.15"))
    }

    @Test("rules 3: the same spread is refused with the old reason, naming the wing; nothing changes")
    func creditSpreadRefusedUnderRules3() throws {
        var desk = try Self.desk(rules: 3)
        let (short, wing) = try Self.spread(desk)
        let before = try desk.engine.stateWithoutCounters()
        let events = desk.engine.apply(.placeStrategy(desk.order([(short, .sell, 1), (wing, .buy, 1)], size: Quantity(2))))
        let refusal = try #require(events.rejectionEvents.first)
        #expect(events.fills.isEmpty && events.rejectionEvents.count == 1)
        #expect(refusal.rejection.reason == .deltaCutoff)
        let delta = abs(desk.engine.markValuation(wing).delta)
        let hundredths = Int((delta * 100).rounded())
        #expect(refusal.rejection.detail == "leg 2 \(desk.engine.series[wing.index].name): 0.\(hundredths < 10 ? "0" : "")\(hundredths) < 0.15")
        #expect(refusal.series == wing && refusal.side == .buy && refusal.quantity == Quantity(2))
        #expect(try desk.engine.stateWithoutCounters() == before)
    }

    @Test("rules 4: an iron condor buys both far wings; its collateral is the wider wing")
    func ironCondorWithFarWings() throws {
        var desk = try Self.desk(rules: 4)
        let calls = try Self.spread(desk)
        let puts = try Self.putSpread(desk)
        let legs: [(SeriesID, Side, Int)] = [(puts.wing, .buy, 1), (puts.short, .sell, 1), (calls.short, .sell, 1), (calls.wing, .buy, 1)]
        let events = desk.engine.apply(.placeStrategy(desk.order(legs, size: Quantity(1), name: "iron condor")))
        #expect(events.rejections.isEmpty, "\(events.rejections)")
        #expect(events.fills.count == 4)
        let callWidth = desk.strike(calls.wing) - desk.strike(calls.short)
        let putWidth = desk.strike(puts.short) - desk.strike(puts.wing)
        let holding = try #require(desk.engine.strategies(of: desk.trader).first)
        #expect(holding.collateral == max(callWidth, putWidth))
        #expect(desk.engine.checkInvariants().isEmpty)
    }

    @Test("rules 4 keeps the cutoff for an unbounded strategy's far leg, a far short leg and longs that protect nothing")
    func cutoffKeptWhereNothingIsProtected() throws {
        let desk = try Self.desk(rules: 4)
        let (short, wing) = try Self.spread(desk)
        let puts = try Self.putSpread(desk)
        let cases: [(legs: [(SeriesID, Side, Int)], leg: Int, series: SeriesID)] = [
            // 1×2 call ratio spread with a naked short: unbounded, so its bought far call is not exempt.
            ([(short, .sell, 2), (wing, .buy, 1)], 2, wing),
            // A debit spread whose short leg is the far strike: short legs keep the cutoff.
            ([(short, .buy, 1), (wing, .sell, 1)], 2, wing),
            // A long strangle with far legs: bounded (it owes nothing), but neither long protects a short.
            ([(puts.short, .buy, 1), (wing, .buy, 1)], 2, wing),
        ]
        for (index, example) in cases.enumerated() {
            var engine = desk.engine
            let before = try engine.stateWithoutCounters()
            let events = engine.apply(.placeStrategy(desk.order(example.legs, size: Quantity(1))))
            let refusal = try #require(events.rejectionEvents.first, "case \(index + 1) filled")
            #expect(refusal.rejection.reason == .deltaCutoff, "case \(index + 1): \(refusal.rejection)")
            #expect(refusal.rejection.detail.hasPrefix("leg \(example.leg) \(engine.series[example.series.index].name): "), "case \(index + 1)")
            #expect(events.fills.isEmpty)
            #expect(try engine.stateWithoutCounters() == before, "case \(index + 1) changed the engine")
        }
    }

    @Test("a preview under rules 4 shows the wing's fill; under rules 3 the wing's refusal")
    func previewFollowsTheRules() throws {
        for rules in [3, 4] {
            let desk = try Self.desk(rules: rules)
            let (short, wing) = try Self.spread(desk)
            let preview = desk.engine.previewStrategy(desk.order([(short, .sell, 1), (wing, .buy, 1)], size: Quantity(2)))
            if rules == 4 {
                #expect(preview.rejection == nil && preview.legs.allSatisfy { $0.fill != nil })
            } else {
                #expect(preview.rejection?.reason == .deltaCutoff)
                #expect(preview.legs[1].rejection?.reason == .deltaCutoff && preview.legs[0].fill != nil)
            }
        }
    }
}

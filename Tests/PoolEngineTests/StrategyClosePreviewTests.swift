import Foundation
import PoolEngine
import Testing

/// ``Engine/previewStrategyClose(account:strategy:leg:)``: what the close ticket shows must be what the close then does.
@Suite("Strategy close preview")
struct StrategyClosePreviewTests {
    /// An iron condor (bounded: the strategy holds its wider wing) held by the desk's trader.
    static func condor() throws -> (desk: StrategyDesk, id: StrategyID) {
        var desk = try StrategyDesk()
        let events = desk.engine.apply(.placeStrategy(desk.order([(desk.put(-2), .buy, 1), (desk.put(-1), .sell, 1),
                                                                   (desk.call(1), .sell, 1), (desk.call(2), .buy, 1)],
                                                                  size: Quantity(2), name: "iron condor")))
        try #require(events.fills.count == 4, "\(events.map(\.payload))")
        let id = try #require(desk.engine.strategies(of: desk.trader).first?.id)
        return (desk, id)
    }

    @Test("closing a whole strategy: the preview's legs, net, collateral, balance and realized P&L are the close's")
    func wholeCloseMatchesTheFill() throws {
        var (desk, id) = try Self.condor()
        let held = try #require(desk.engine.strategy(id))
        let balanceBefore = desk.balance
        let preview = desk.engine.previewStrategyClose(account: desk.trader, strategy: id)
        #expect(preview.rejection == nil && preview.closesStrategy && preview.name == "iron condor")
        // Each leg traded back whole, opposite its holding, in the strategy's order.
        #expect(preview.legs.map(\.series) == held.legs.map(\.series))
        #expect(preview.legs.map(\.side) == held.legs.map { $0.quantity.isPositive ? Side.sell : .buy })
        #expect(preview.legs.map(\.quantity) == held.legs.map { Quantity(micros: abs($0.quantity.micros)) })
        #expect(preview.collateralBefore == held.collateral && preview.collateralAfter == .zero)
        #expect(preview.collateralReleased == held.collateral && held.collateral.isPositive)
        #expect(preview.balanceBefore == balanceBefore)

        let events = desk.engine.apply(.closeStrategy(account: desk.trader, strategy: id, limitNetPremium: nil))
        let fills = events.fills
        try #require(fills.count == 4, "\(events.map(\.payload))")
        let closed = try #require(events.strategyActivities.first)
        #expect(closed.kind == "strategyClosed")
        // The preview's net is the fill's, to the micro-unit; so are the legs, fees, realized P&L and the balance.
        #expect(preview.netCashFlow == closed.activity.netPremium)
        #expect(preview.fees == closed.activity.fees)
        #expect(preview.legs.map(\.fill) == fills.map { Optional($0) })
        let paid = fills.reduce(Money.zero) { $0 + ($1.side == .buy ? $1.premium + $1.fee : -($1.premium - $1.fee)) }
        #expect(preview.netCashFlow == paid)
        #expect(preview.realizedPnL == closed.activity.realizedPnL)
        #expect(preview.realizedPnL == fills.reduce(Money.zero) { $0 + $1.realizedPnL })
        #expect(-preview.collateralReleased == closed.activity.collateralChange)
        #expect(preview.balanceAfter == desk.balance)
        #expect(desk.balance == balanceBefore + held.collateral - paid)
    }

    @Test("closing one leg: the preview is the leg's fill and the collateral the legs left hold")
    func legCloseMatchesTheFill() throws {
        var (desk, id) = try Self.condor()
        let wing = desk.call(2)
        let preview = desk.engine.previewStrategyClose(account: desk.trader, strategy: id, leg: wing)
        #expect(preview.rejection == nil && !preview.closesStrategy)
        #expect(preview.legs.count == 1 && preview.legs.first?.series == wing && preview.legs.first?.side == .sell)
        let events = desk.engine.apply(.closeStrategyLeg(account: desk.trader, strategy: id, series: wing, quantity: nil, limitPremium: nil))
        let fill = try #require(events.fills.first)
        let changed = try #require(events.strategyActivities.first)
        #expect(changed.kind == "strategyChanged")
        #expect(preview.legs.first?.fill == fill)
        #expect(preview.netCashFlow == changed.activity.netPremium)
        #expect(preview.netCashFlow == -(fill.premium - fill.fee))
        #expect(preview.collateralAfter == changed.activity.collateral)
        #expect(preview.collateralAfter == desk.engine.strategy(id)?.collateral)
        #expect(preview.realizedPnL == fill.realizedPnL)
        #expect(preview.balanceAfter == desk.balance)
    }

    @Test("a refused close previews the refusal naming the leg, and changes nothing")
    func refusalIsNamed() throws {
        // A credit spread whose long leg, closed alone, leaves a naked short the account cannot collateralize.
        var poor = try StrategyDesk(funding: Money(300))
        let short = poor.call(0), long = poor.call(1)
        _ = poor.engine.apply(.placeStrategy(poor.order([(short, .sell, 1), (long, .buy, 1)], size: Quantity(2))))
        let id = try #require(poor.engine.strategies(of: poor.trader).first?.id)
        let before = try poor.engine.stateWithoutCounters()
        let preview = poor.engine.previewStrategyClose(account: poor.trader, strategy: id, leg: long)
        #expect(preview.rejection?.reason == .insufficientBalance)
        #expect(preview.balanceAfter == preview.balanceBefore && preview.collateralAfter == preview.collateralBefore)
        #expect(try poor.engine.stateWithoutCounters() == before)
        let refused = poor.engine.apply(.closeStrategyLeg(account: poor.trader, strategy: id, series: long, quantity: nil, limitPremium: nil))
        #expect(refused.rejectionEvents.first?.rejection == preview.rejection)

        // A strategy that is not held, and a leg it does not have: refusals with no legs.
        let other = poor.engine.previewStrategyClose(account: poor.trader, strategy: StrategyID(99))
        #expect(other.rejection?.reason == .noPosition && other.legs.isEmpty)
        let noLeg = poor.engine.previewStrategyClose(account: poor.trader, strategy: id, leg: poor.call(3))
        #expect(noLeg.rejection?.reason == .noPosition && noLeg.legs.isEmpty)
    }
}

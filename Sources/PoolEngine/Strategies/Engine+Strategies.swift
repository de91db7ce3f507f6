// PLACEHOLDER (integration scaffold): the strategy engine replaces this file. The shapes below are the contract the
// dashboard builds against; the bodies are stand-ins that price legs one by one on a copy.

extension Engine {
    /// Strategies `account` holds, oldest first.
    public func strategies(of account: AccountID) -> [StrategyHolding] { [] }

    /// What `order` would do, without changing anything.
    public func previewStrategy(_ order: StrategyOrder) -> StrategyPreview {
        var copy = self
        var legs: [StrategyPreview.Leg] = []
        var net = Money.zero
        var fees = Money.zero
        var rejection: Rejection?
        var greeksBefore = NetGreeks()
        if isKnownAccount(order.account) { for view in positionViews(of: order.account) { greeksBefore = greeksBefore + view.greeks } }
        for (index, leg) in order.legs.enumerated() {
            let quantity = Quantity(micros: order.size.micros * Int64(max(leg.ratio, 0)))
            var fill: Fill?
            var legRejection: Rejection?
            if rejection == nil {
                for event in copy.apply(.placeOrder(Order(account: order.account, series: leg.series, side: leg.side, quantity: quantity))) {
                    switch event.payload {
                    case .orderFilled(let f): fill = f
                    case .orderRejected(_, _, _, _, let r): legRejection = r
                    default: break
                    }
                }
            }
            if let fill {
                net += leg.side == .buy ? fill.premium : -fill.premium
                fees += fill.fee
            }
            if let legRejection, rejection == nil {
                rejection = Rejection(legRejection.reason, "leg \(index + 1): \(legRejection.message)")
            }
            legs.append(.init(leg: leg, quantity: quantity, fill: fill, rejection: legRejection))
        }
        var greeksAfter = NetGreeks()
        if copy.isKnownAccount(order.account) { for view in copy.positionViews(of: order.account) { greeksAfter = greeksAfter + view.greeks } }
        let account = copy.isKnownAccount(order.account) ? copy.accounts[order.account.index] : nil
        return StrategyPreview(legs: legs, rejection: rejection, netPremium: net, fees: fees,
                               collateral: account?.collateral ?? .zero, accountGreeksBefore: greeksBefore, accountGreeksAfter: greeksAfter,
                               balanceAfter: account?.balance ?? .zero, utilizationAfter: copy.utilization)
    }
}

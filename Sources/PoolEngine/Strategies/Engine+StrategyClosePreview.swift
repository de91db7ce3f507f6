/// What closing a held strategy (all its open legs as one order) or one of its legs would do: the engine's own close
/// (``Engine/closeStrategy(account:strategy:leg:limitNetPremium:into:)``'s working-copy execution) run on a copy and
/// dropped, so the preview is what the close then does at the same engine state, to the micro-unit.
public struct StrategyClosePreview: Hashable, Sendable {
    /// One leg the close trades: its fill (price, fee, IV before → after, realized P&L), or the refusal of the leg that
    /// refused, or neither for a leg after it (not priced).
    public struct Leg: Hashable, Sendable {
        public var series: SeriesID
        /// The side the close trades: opposite the holding (a long leg is sold back).
        public var side: Side
        /// Contracts the close trades (the whole leg).
        public var quantity: Quantity
        public var fill: Fill?
        public var rejection: Rejection?

        public init(series: SeriesID, side: Side, quantity: Quantity, fill: Fill?, rejection: Rejection?) {
            self.series = series
            self.side = side
            self.quantity = quantity
            self.fill = fill
            self.rejection = rejection
        }
    }

    public var strategy: StrategyID
    /// The strategy's name as opened (`iron condor`); empty when there is no such strategy.
    public var name: String
    /// The legs the close trades, in the engine's order (the strategy's leg order).
    public var legs: [Leg]
    /// Why the close would be refused (naming the leg), or nil when it would fill.
    public var rejection: Rejection?
    /// Net premium of the legs priced, USD, fees excluded: positive is paid by the trader, negative received.
    public var netPremium: Money
    /// Fees over the legs priced, USD.
    public var fees: Money
    /// Collateral the strategy holds (at itself and on its legs), USD, before and after the close (after: what the legs
    /// left post on their own; zero when the strategy closes). Equal when refused.
    public var collateralBefore: Money
    public var collateralAfter: Money
    /// The account's free balance, USD, before and after (equal when refused).
    public var balanceBefore: Money
    public var balanceAfter: Money
    /// P&L the close realizes, USD (zero when refused).
    public var realizedPnL: Money
    /// Whether nothing of the strategy would be left.
    public var closesStrategy: Bool

    public init(strategy: StrategyID, name: String, legs: [Leg], rejection: Rejection?, netPremium: Money, fees: Money,
                collateralBefore: Money, collateralAfter: Money, balanceBefore: Money, balanceAfter: Money,
                realizedPnL: Money, closesStrategy: Bool) {
        self.strategy = strategy
        self.name = name
        self.legs = legs
        self.rejection = rejection
        self.netPremium = netPremium
        self.fees = fees
        self.collateralBefore = collateralBefore
        self.collateralAfter = collateralAfter
        self.balanceBefore = balanceBefore
        self.balanceAfter = balanceAfter
        self.realizedPnL = realizedPnL
        self.closesStrategy = closesStrategy
    }

    /// Net USD the trader pays (> 0) or receives (< 0), fees included: the close's `strategyChanged`/`strategyClosed`
    /// net premium when it fills.
    public var netCashFlow: Money { netPremium + fees }
    /// Collateral the close frees (> 0) or, when the legs left need more alone, posts (< 0), USD.
    public var collateralReleased: Money { collateralBefore - collateralAfter }
}

extension Engine {
    /// What closing `strategy` would do without changing anything: every open leg (`leg` nil), or the whole of the leg
    /// in series `leg`, without a price limit (the caller derives its limit from this preview).
    ///
    /// - Returns: the legs' fills or the refusing leg's reason, the net premium and fees, collateral before and after,
    ///   the balance after and the realized P&L. An unknown account or strategy, or a leg the strategy does not hold,
    ///   is a refusal with no legs.
    public func previewStrategyClose(account: AccountID, strategy id: StrategyID, leg series: SeriesID? = nil) -> StrategyClosePreview {
        let record = strategyBook[id].flatMap { $0.account == account ? $0 : nil }
        // The trades the close makes, in the order executeStrategyClose makes them.
        var planned: [(index: Int, position: Position)] = []
        if let record {
            for (index, seriesID) in record.legs.enumerated() where series == nil || seriesID == series {
                if let position = position(account: account, series: seriesID, strategy: id) { planned.append((index, position)) }
            }
        }
        let collateralBefore = record.map { holding($0).collateral } ?? .zero
        let balanceBefore = isKnownAccount(account) ? accounts[account.index].balance : .zero
        let result = executeStrategyClose(account: account, strategy: id, leg: series.map { ($0, nil, nil) }, limitNetPremium: nil)
        let fills: [Fill]
        var failure: StrategyFailure?
        switch result {
        case .success(let execution): fills = execution.fills
        case .failure(let refused):
            fills = refused.fills
            failure = refused
        }
        var legs: [StrategyClosePreview.Leg] = []
        var net = Money.zero, fees = Money.zero
        for (offset, trade) in planned.enumerated() {
            let fill = offset < fills.count ? fills[offset] : nil
            if let fill {
                net += fill.side == .buy ? fill.premium : -fill.premium
                fees += fill.fee
            }
            let rejection = failure?.legIndex == trade.index ? (failure?.legRejection ?? failure?.rejection) : nil
            legs.append(.init(series: trade.position.series, side: trade.position.isLong ? .sell : .buy,
                              quantity: Quantity(micros: abs(trade.position.quantity.micros)), fill: fill, rejection: rejection))
        }
        var preview = StrategyClosePreview(
            strategy: id, name: record?.name ?? "", legs: legs, rejection: failure?.rejection, netPremium: net, fees: fees,
            collateralBefore: collateralBefore, collateralAfter: collateralBefore, balanceBefore: balanceBefore,
            balanceAfter: balanceBefore, realizedPnL: .zero, closesStrategy: false)
        if case .success(let execution) = result {
            preview.collateralAfter = execution.activity.collateral
            preview.balanceAfter = execution.engine.accounts[account.index].balance
            preview.realizedPnL = execution.activity.realizedPnL
            preview.closesStrategy = execution.isClosed
        }
        return preview
    }
}

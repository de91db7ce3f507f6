/// The pool at a glance: what the dashboard's pool panel and `sim`'s summary show.
public struct PoolSnapshot: Hashable, Sendable {
    public var nav: Double
    public var sharePrice: Double
    public var shareSupply: Shares
    public var cash: Money
    public var utilization: Double
    public var utilizationCap: Double
    public var lockedCollateral: Money
    public var freeLiquidity: Money
    public var feesEarned: Money
    public var reserve: Money
    public var penaltiesEarned: Money
    public var insolvency: Money
    /// Net Greeks of the options the pool holds, per market, raw units.
    public var greeksByMarket: [NetGreeks]
    /// Net Greeks in USD-comparable trader units summed over markets: delta in USD, gamma in USD per 1% move,
    /// vega per vol point, theta per day.
    public var totalGreeksUSD: NetGreeks
    public var hedges: [HedgePosition]
    public var hedgingEnabled: Bool
    public var halts: [Halt]
    public var queuedWithdrawals: Int
    public var queuedShares: Shares
    public var queuedValue: Money
}

/// One trader's account at a glance.
public struct AccountSnapshot: Hashable, Sendable {
    public var account: Account
    public var unrealizedPnL: Double
    /// Net Greeks of the account's positions, trader units summed over markets in USD terms.
    public var greeks: NetGreeks
    public var shareValue: Double
    public var positions: [PositionView]
}

/// One open position with its mark and Greeks (trader units: vega per 1%, theta per day).
public struct PositionView: Hashable, Sendable {
    public var position: Position
    public var series: OptionSeries
    /// USD per contract the position is worth closed now: what the pool would pay for a long (its bid) or charge to
    /// buy back a short (its ask), fees and the trade's own price impact included.
    public var mark: Double
    /// The model's mid price per contract (no fees, no impact), shown beside the mark.
    public var modelMark: Double
    /// Signed value at `mark` (negative for a short).
    public var markValue: Double
    /// What closing now would realize: the close value against the cost basis.
    public var unrealizedPnL: Double
    public var greeks: NetGreeks
    /// For a short: the spots at which its posted collateral would fall below the liquidation minimum, at today's IV
    /// and time to expiry (nil for a long).
    public var liquidation: LiquidationSpots?
}

/// Where a short would be liquidated: the nearest spot below and above the current one at which the shocked minimum
/// collateral (``Engine/minimumShortCollateralPerContract(_:spot:)``) exceeds what the short posted, at today's IV,
/// skew and time to expiry. IV and time move too, so this is a guide, not a promise; nil on a side means no spot
/// within 1/10,000 to 1,000 × spot does it.
public struct LiquidationSpots: Hashable, Sendable {
    /// The highest spot below the current one that would liquidate (short puts; USD per unit of the underlying).
    public var below: Double?
    /// The lowest spot above the current one that would liquidate (short calls, and a short put's floor share of spot).
    public var above: Double?
    /// True when the short is below its minimum already (the next liquidation check closes it).
    public var isUnderwater: Bool

    public init(below: Double?, above: Double?, isUnderwater: Bool) {
        self.below = below
        self.above = above
        self.isUnderwater = isUnderwater
    }

    /// The side nearer to `spot` (relatively), or nil when neither exists.
    public func nearest(to spot: Double) -> Double? {
        switch (below, above) {
        case let (low?, high?): return spot / low <= high / spot ? low : high
        case let (low?, nil): return low
        case let (nil, high?): return high
        case (nil, nil): return nil
        }
    }
}

/// What withdrawing LP shares would do now, from a copy of the engine: paid at once (after the fee), the fee, and what
/// waits in the queue.
public struct WithdrawalPreview: Hashable, Sendable {
    /// Quote the account receives now, after the withdrawal fee (its queued requests ahead of this one included).
    public var paidNow: Money
    /// The fee kept by the pool on what is paid now.
    public var feeNow: Money
    /// Shares of this request left waiting in the queue.
    public var queuedShares: Shares
    /// Their value at the share price after the payout, before the fee charged when they are paid.
    public var queuedValue: Double
    /// Requests ahead in the queue (any account) before this one is placed.
    public var requestsAhead: Int
    /// The refusal, when the engine would refuse the withdrawal.
    public var rejection: Rejection?
}

/// One strike row of the option chain.
public struct ChainRow: Hashable, Sendable {
    public var strike: Money
    public var strikeIndex: Int
    public var call: ChainQuote
    public var put: ChainQuote
    public var isAtTheMoney: Bool
}

/// Bid, ask, IV and delta of one series, as the chain shows it.
public struct ChainQuote: Hashable, Sendable {
    public var series: SeriesID
    public var name: String
    public var bid: Double
    public var ask: Double
    public var volatility: Double
    public var delta: Double
    public var isInTheMoney: Bool
    /// The vol that `bid` implies (Black-Scholes at today's spot and time, fees in): nil when there is no bid or the
    /// bid is below intrinsic value.
    public var bidVolatility: Double?
    /// The vol that `ask` implies (fees and the utilization premium in); nil when none does.
    public var askVolatility: Double?
    /// Nil when a new position can be opened; otherwise why not.
    public var restriction: RejectionReason?
    /// The pool's net holding (negative: the pool is short).
    public var poolNet: Quantity
}

/// What an order would do, computed on a copy of the engine: the fill or the rejection, and the after-state.
public struct OrderPreview: Hashable, Sendable {
    public var fill: Fill?
    public var rejection: Rejection?
    public var balanceAfter: Money
    public var collateralAfter: Money
    public var accountGreeksAfter: NetGreeks
    public var utilizationAfter: Double
    public var quote: TradeQuote?
    /// The account's position in the series after the order (nil when flat or refused).
    public var positionAfter: Position?
    /// Where that position would be liquidated, when it is short (at the IV and time after the order).
    public var liquidationAfter: LiquidationSpots?
}

extension Engine {
    /// Converts raw per-contract Greeks to trader units in USD terms: delta × spot (USD), gamma × spot² / 100
    /// (USD delta change per 1% move), vega / 100 (per vol point), theta / 365 (per day), rho / 100.
    static func usdGreeks(_ greeks: NetGreeks, spot: Double) -> NetGreeks {
        NetGreeks(delta: greeks.delta * spot, gamma: greeks.gamma * spot * spot / 100,
                  vega: greeks.vega / 100, theta: greeks.theta / 365, rho: greeks.rho / 100)
    }

    /// The pool panel's figures, computed now.
    public func poolSnapshot() -> PoolSnapshot {
        let nav = netAssetValue()
        var total = NetGreeks()
        for (index, greeks) in poolGreeks.enumerated() {
            var withHedge = greeks
            withHedge.delta += pool.hedges[index].size
            total = total + Self.usdGreeks(withHedge, spot: markets[index].spot)
        }
        return PoolSnapshot(
            nav: nav, sharePrice: sharePrice(nav: nav), shareSupply: pool.shareSupply, cash: pool.cash,
            utilization: utilization, utilizationCap: configuration.pool.utilizationCap,
            lockedCollateral: pool.lockedCollateral, freeLiquidity: freeLiquidity, feesEarned: pool.feesEarned,
            reserve: pool.reserve, penaltiesEarned: pool.penaltiesEarned, insolvency: pool.insolvency,
            greeksByMarket: poolGreeks, totalGreeksUSD: total, hedges: pool.hedges, hedgingEnabled: pool.hedgingEnabled,
            halts: halts, queuedWithdrawals: pool.withdrawalQueue.count, queuedShares: pool.queuedShares,
            queuedValue: queuedWithdrawalValue())
    }

    /// Positions of an account with marks from the last risk refresh.
    public func positionViews(of account: AccountID) -> [PositionView] {
        positions.values.compactMap { position in
            guard position.account == account else { return nil }
            return positionView(position)
        }
    }

    func positionView(_ position: Position) -> PositionView {
        let option = series[position.series.index]
        let valuation = valuations[position.series.index]
        let quantity = position.quantity.doubleValue
        var raw = NetGreeks()
        raw.add(valuation, quantity: quantity)
        // Marked at the price the pool would pay to close it now (Deribit marks at mid; a pool's close price is what
        // the holder can actually get, so buying does not show paper profit from its own price impact).
        let held = Quantity(micros: abs(position.quantity.micros))
        let close = quoteTrade(series: position.series, side: position.isLong ? .sell : .buy, quantity: held)
        let perContract = close.perContract(side: position.isLong ? .sell : .buy, quantity: held.doubleValue)
        let markValue = position.isLong ? perContract * quantity : -perContract * abs(quantity)
        // Long: value − paid. Short: received − cost to buy back (markValue is negative).
        let unrealized = position.isLong ? markValue - position.costBasis.doubleValue : position.costBasis.doubleValue + markValue
        return PositionView(
            position: position, series: option, mark: perContract, modelMark: valuation.price, markValue: markValue,
            unrealizedPnL: unrealized, greeks: Self.usdGreeks(raw, spot: markets[option.market.index].spot),
            // A bounded strategy's legs hold its whole maximum payout and are never liquidated: no liquidation spot.
            liquidation: position.strategy.flatMap { strategyBook[$0] }?.isBounded == true ? nil : liquidationSpots(of: position))
    }

    /// Where a short position would be liquidated (see ``LiquidationSpots``); nil for a long or a flat position.
    public func liquidationSpots(of position: Position) -> LiquidationSpots? {
        guard position.isShort, isKnownSeries(position.series) else { return nil }
        return liquidationSpots(series: position.series, collateralPerContract: position.collateral.doubleValue / abs(position.quantity.doubleValue))
    }

    /// Where a short in `seriesID` holding `collateralPerContract` USD per contract would be liquidated.
    ///
    /// Found by bisection on each side of today's spot: the minimum is monotone on each side (a call's grows with spot;
    /// a put's shocked value grows as spot falls and its floor share of spot grows as spot rises). Bounded: at most 14
    /// doublings or halvings to bracket a crossing and 80 bisection steps to place it (relative width below 1e-12).
    public func liquidationSpots(series seriesID: SeriesID, collateralPerContract: Double) -> LiquidationSpots? {
        guard isKnownSeries(seriesID), collateralPerContract.isFinite else { return nil }
        let spot = markets[series[seriesID.index].market.index].spot
        func liquidates(_ at: Double) -> Bool { minimumShortCollateralPerContract(seriesID, spot: at) > collateralPerContract }
        if liquidates(spot) { return LiquidationSpots(below: spot, above: spot, isUnderwater: true) }
        func crossing(factor: Double) -> Double? {
            var safe = spot
            var liquidating: Double?
            var probe = spot
            for _ in 0..<14 {
                probe *= factor
                if liquidates(probe) { liquidating = probe; break }
                safe = probe
            }
            guard var bad = liquidating else { return nil }
            for _ in 0..<80 where abs(bad - safe) > 1e-12 * spot {
                let middle = 0.5 * (safe + bad)
                if liquidates(middle) { bad = middle } else { safe = middle }
            }
            return bad
        }
        return LiquidationSpots(below: crossing(factor: 0.5), above: crossing(factor: 2), isUnderwater: false)
    }

    /// What withdrawing `shares` of the pool would do for `account` now, computed on a copy of the engine.
    public func previewWithdrawal(account: AccountID, shares: Shares) -> WithdrawalPreview {
        var copy = self
        let ahead = pool.withdrawalQueue.count
        var preview = WithdrawalPreview(paidNow: .zero, feeNow: .zero, queuedShares: .zero, queuedValue: 0,
                                        requestsAhead: ahead, rejection: nil)
        for event in copy.apply(.withdraw(account: account, shares: shares)) {
            switch event.payload {
            case .withdrawn(let who, _, let amount, let fee, _) where who == account:
                preview.paidNow += amount
                preview.feeNow += fee
            case .withdrawalQueued(let who, let waiting) where who == account:
                preview.queuedShares = waiting
            case .orderRejected(let who, _, _, _, let rejection) where who == account:
                preview.rejection = rejection
            default: break
            }
        }
        preview.queuedValue = preview.queuedShares.doubleValue * copy.sharePrice(nav: copy.netAssetValue())
        return preview
    }

    /// An account's balance, P&L and Greeks.
    public func accountSnapshot(_ id: AccountID) -> AccountSnapshot? {
        guard isKnownAccount(id) else { return nil }
        let views = positionViews(of: id)
        var greeks = NetGreeks()
        for view in views { greeks = greeks + view.greeks }
        let nav = cachedNAV
        let account = accounts[id.index]
        return AccountSnapshot(
            account: account, unrealizedPnL: views.reduce(0) { $0 + $1.unrealizedPnL }, greeks: greeks,
            shareValue: account.shares.doubleValue * sharePrice(nav: nav), positions: views)
    }

    /// The option chain of a board: per strike, call and put bid/ask per contract for `quoteSize` contracts.
    public func chain(board boardID: BoardID, quoteSize: Quantity? = nil) -> [ChainRow] {
        let board = boards[boardID.index]
        let spot = markets[board.market.index].spot
        let size = quoteSize ?? configuration.markets[board.market.index].minimumOrderSize
        let atmIndex = board.atTheMoneyIndex(spot: spot)
        let pastCutoff = time >= board.tradingCutoff(configuration.amm) || board.isSettled
        let halted = activeHalt(for: boardID) != nil
        return board.strikes.indices.map { index in
            func quote(_ kind: OptionKind) -> ChainQuote {
                let id = board.series(kind, strikeIndex: index)
                let valuation = markValuation(id)
                let buy = quoteTrade(series: id, side: .buy, quantity: size)
                let sell = quoteTrade(series: id, side: .sell, quantity: size)
                let strike = board.strikes[index].doubleValue
                var restriction: RejectionReason?
                if pastCutoff { restriction = .tradingCutoff }
                else if halted { restriction = .marketHalted }
                else if abs(valuation.delta) < configuration.amm.minimumAbsoluteDelta { restriction = .deltaCutoff }
                let bid = sell.perContract(side: .sell, quantity: size.doubleValue)
                let ask = buy.perContract(side: .buy, quantity: size.doubleValue)
                // The vols the quoted prices imply, fees and utilization premium in (Deribit's bid IV / ask IV).
                func implied(_ price: Double) -> Double? {
                    guard price > 0 else { return nil }
                    let solved = ImpliedVolatility.solve(kind: kind, spot: spot, strike: strike, time: yearsToExpiry(id),
                                                         rate: configuration.rate, price: price)
                    if case .success(let vol) = solved, vol > 0 { return vol }
                    return nil
                }
                return ChainQuote(
                    series: id, name: series[id.index].name, bid: bid, ask: ask,
                    volatility: tradedVolatility(id), delta: valuation.delta,
                    isInTheMoney: kind == .call ? spot > strike : spot < strike,
                    bidVolatility: implied(bid), askVolatility: implied(ask),
                    restriction: restriction, poolNet: pool.netPosition[id.index])
            }
            return ChainRow(strike: board.strikes[index], strikeIndex: index, call: quote(.call), put: quote(.put), isAtTheMoney: index == atmIndex)
        }
    }

    /// What `order` would do, without changing anything: the engine is a value, so this runs on a copy.
    public func preview(_ order: Order) -> OrderPreview {
        var copy = self
        let events = copy.apply(.placeOrder(order))
        var fill: Fill?
        var rejection: Rejection?
        for event in events {
            switch event.payload {
            case .orderFilled(let f): fill = f
            case .orderRejected(_, _, _, _, let r): rejection = r
            default: break
            }
        }
        let account = copy.isKnownAccount(order.account) ? copy.accounts[order.account.index] : nil
        var greeks = NetGreeks()
        if account != nil {
            for view in copy.positionViews(of: order.account) { greeks = greeks + view.greeks }
        }
        // A size the engine refuses outright has no meaningful price: show the refusal, not a quote for it.
        let unpriceable: Set<RejectionReason> = [.sizeLimit, .invalidQuantity, .outOfRange, .unknownSeries, .unknownAccount, .expired]
        let quote = isKnownSeries(order.series) && order.quantity.isPositive && !(rejection.map { unpriceable.contains($0.reason) } ?? false)
            ? quoteTrade(series: order.series, side: order.side, quantity: order.quantity) : nil
        let positionAfter = fill != nil ? copy.position(account: order.account, series: order.series) : nil
        return OrderPreview(
            fill: fill, rejection: rejection, balanceAfter: account?.balance ?? .zero,
            collateralAfter: account?.collateral ?? .zero, accountGreeksAfter: greeks,
            utilizationAfter: copy.utilization, quote: quote, positionAfter: positionAfter,
            liquidationAfter: positionAfter.flatMap { copy.liquidationSpots(of: $0) })
    }

    /// What closing `quantity` (nil: all) of an account's position would do, with the same refusals as
    /// ``EngineCommand/closePosition(account:series:quantity:limitPremium:)``.
    public func previewClose(account: AccountID, series seriesID: SeriesID, quantity: Quantity?) -> OrderPreview {
        switch closingOrder(account: account, series: seriesID, quantity: quantity) {
        case .success(let order): return preview(order)
        case .failure(let rejection):
            let holder = isKnownAccount(account) ? accounts[account.index] : nil
            var greeks = NetGreeks()
            if holder != nil { for view in positionViews(of: account) { greeks = greeks + view.greeks } }
            return OrderPreview(fill: nil, rejection: rejection, balanceAfter: holder?.balance ?? .zero,
                                collateralAfter: holder?.collateral ?? .zero, accountGreeksAfter: greeks,
                                utilizationAfter: utilization, quote: nil, positionAfter: nil, liquidationAfter: nil)
        }
    }
}

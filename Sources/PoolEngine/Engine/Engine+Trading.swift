/// A validated order with every amount computed, ready to commit.
struct PlannedTrade {
    var order: Order
    var quote: TradeQuote
    var existing: Position?
    var closingQuantity: Quantity
    var openingQuantity: Quantity
    var premium: Money
    var fee: Money
    /// Buy: what the trader pays. Sell: what the trader receives.
    var cashFlow: Money
    var collateralPosted: Money
    var collateralReleased: Money
    var reserveCut: Money
    var poolNetAfter: Quantity
    var lockAfter: Money
    /// The strategy whose leg this trade is (nil: a single order). Strategy legs post no collateral of their own when
    /// they sell and skip the per-leg balance check: the strategy posts its collateral, and checks the balance, once
    /// all its legs are planned (``Engine/collateralizeStrategy(_:engineInitiated:)``).
    var strategy: StrategyID? = nil
}

extension Engine {
    /// Validates and prices an order; nothing changes. `forced` (liquidations) skips the size limit, the trading
    /// cutoff, the opening rules, the utilization cap and the trader's balance. `protectiveWing` (a strategy's leg
    /// that bounds its loss, rules 4) skips only the |delta| cutoff.
    func planTrade(_ order: Order, forced: Bool = false, strategy: StrategyID? = nil, protectiveWing: Bool = false) -> Result<PlannedTrade, Rejection> {
        if let rejection = admissionRejection(order, forced: forced) { return .failure(rejection) }
        let board = boards[series[order.series.index].board.index]
        let quantity = order.quantity
        let existing = position(account: order.account, series: order.series, strategy: strategy)
        var closing = Quantity.zero
        if let existing, (order.side == .buy && existing.isShort) || (order.side == .sell && existing.isLong) {
            closing = Quantity(micros: min(quantity.micros, abs(existing.quantity.micros)))
        }
        let opening = quantity - closing
        if opening.isPositive && !forced, let rejection = openingRejection(order, board: board, checksDelta: !protectiveWing) {
            return .failure(rejection)
        }

        let quote = quoteTrade(series: order.series, side: order.side, quantity: quantity)
        // Buyers pay the premium rounded up, sellers receive it rounded down: the pool's favour either way.
        let premium = Money(rounding: max(0, quote.premium), order.side == .buy ? .up : .down)
        let fee = feeMoney(quote, premium: premium)
        let reserveCut = fee.scaled(
            by: Int64((configuration.pool.reserveShareOfFees * 1_000_000).rounded()), over: 1_000_000, rounding: .down)
        let poolNetAfter = pool.netPosition[order.series.index] + (order.side == .buy ? -quantity : quantity)
        let lockBefore = pool.lockedBySeries[order.series.index]
        let lockAfter = lockRequirement(order.series, net: poolNetAfter)
        let after = PoolAfterTrade(lockBefore: lockBefore, lockedTotalAfter: pool.lockedCollateral - lockBefore + lockAfter,
                                   queuedValue: queuedWithdrawalValue())

        var plan = PlannedTrade(
            order: order, quote: quote, existing: existing, closingQuantity: closing, openingQuantity: opening,
            premium: premium, fee: fee, cashFlow: .zero, collateralPosted: .zero, collateralReleased: .zero,
            reserveCut: reserveCut, poolNetAfter: poolNetAfter, lockAfter: lockAfter, strategy: strategy)
        if let existing, closing.isPositive, existing.isShort {
            plan.collateralReleased = closing == Quantity(micros: abs(existing.quantity.micros))
                ? existing.collateral
                : existing.collateral.scaled(by: closing.micros, over: abs(existing.quantity.micros), rounding: .down)
        }
        let rejection = order.side == .buy ? completeBuy(&plan, pool: after, forced: forced) : completeSell(&plan, pool: after)
        return rejection.map(Result.failure) ?? .success(plan)
    }

    /// The pool around a planned trade: its lock in the series before, all its locks after, queued withdrawals.
    struct PoolAfterTrade {
        var lockBefore: Money
        var lockedTotalAfter: Money
        var queuedValue: Money
    }

    /// Whether the order may be considered at all: known account and series, not expired, a size within the limits,
    /// before the trading cutoff (the last two not for forced closes).
    func admissionRejection(_ order: Order, forced: Bool) -> Rejection? {
        guard isKnownAccount(order.account) else { return Rejection(.unknownAccount, "\(order.account)") }
        guard isKnownSeries(order.series) else { return Rejection(.unknownSeries) }
        let option = series[order.series.index]
        let board = boards[option.board.index]
        let marketConfig = configuration.markets[option.market.index]
        let quantity = order.quantity
        guard !board.isSettled, time < option.expiry else { return Rejection(.expired, option.name) }
        guard quantity.micros > 0 else { return Rejection(.invalidQuantity, "quantity must be positive") }
        // Engine wording is journaled with every rejection: it stays as release 1 wrote it, so sessions replay.
        guard quantity >= marketConfig.minimumOrderSize else {
            return Rejection(.invalidQuantity, "minimum order is \(marketConfig.minimumOrderSize) contracts")
        }
        if !forced {
            guard quantity <= marketConfig.maximumOrderSize else {
                return Rejection(.sizeLimit, "maximum order is \(marketConfig.maximumOrderSize) contracts")
            }
            guard time < board.tradingCutoff(configuration.amm) else {
                return Rejection(.tradingCutoff, "\(option.name) stopped trading at \(board.tradingCutoff(configuration.amm))")
            }
        }
        return nil
    }

    /// Rules for the part of an order that opens (or grows) a position: no halt on the board, a solvent pool, and a
    /// strike not too far out of the money (Lyra's |delta| cutoff; not for a protective wing, `checksDelta` false).
    func openingRejection(_ order: Order, board: Board, checksDelta: Bool = true) -> Rejection? {
        if let halt = activeHalt(for: board.id) { return Rejection(.marketHalted, halt.reason.description) }
        if cachedNAV <= 0 { return Rejection(.poolInsolvent) }
        guard checksDelta else { return nil }
        let delta = abs(markValuation(order.series).delta)
        if delta < configuration.amm.minimumAbsoluteDelta {
            return Rejection(.deltaCutoff, format2(delta) + " < " + format2(configuration.amm.minimumAbsoluteDelta))
        }
        return nil
    }

    /// A buy: the trader pays premium + fee; the pool's new locks must fit under the utilization cap and beside the
    /// queued withdrawals; the trader must afford it and the limit must hold.
    func completeBuy(_ plan: inout PlannedTrade, pool after: PoolAfterTrade, forced: Bool) -> Rejection? {
        let order = plan.order
        guard let cost = plan.premium.adding(plan.fee) else { return Rejection(.outOfRange, "premium and fee overflow") }
        plan.cashFlow = cost
        if plan.cashFlow.micros <= 0 { return Rejection(.invalidQuantity, "zero-cost trade") }
        if !forced, plan.lockAfter > after.lockBefore {
            let assetsAfter = pool.cash + plan.cashFlow - plan.reserveCut
            let cap = Money(rounding: assetsAfter.doubleValue * configuration.pool.utilizationCap, .down)
            if after.lockedTotalAfter > cap {
                let utilization = after.lockedTotalAfter.doubleValue / max(assetsAfter.doubleValue, 1e-9)
                return Rejection(.utilizationCap, "utilization would be \(percent(utilization)) > cap \(percent(configuration.pool.utilizationCap))")
            }
            if after.lockedTotalAfter + after.queuedValue > assetsAfter {
                return Rejection(.insufficientLiquidity, "queued withdrawals hold the free liquidity")
            }
        }
        let account = accounts[order.account.index]
        if !forced, plan.strategy == nil, account.balance + plan.collateralReleased < plan.cashFlow {
            return Rejection(.insufficientBalance, "needs \(plan.cashFlow) USD, has \(account.balance + plan.collateralReleased)")
        }
        if let limit = order.limitPremium, plan.cashFlow > limit {
            return Rejection(.limitPrice, "costs \(format2(plan.cashFlow.doubleValue)) USD, limit \(format2(limit.doubleValue))\(Self.priceMove(plan.cashFlow, against: limit))")
        }
        return nil
    }

    /// A sell: the trader receives premium − fee, posts collateral for what it opens short (at least the shocked
    /// minimum), the pool must be able to pay it, and the limit must hold.
    func completeSell(_ plan: inout PlannedTrade, pool after: PoolAfterTrade) -> Rejection? {
        let order = plan.order
        plan.cashFlow = plan.premium - plan.fee
        if plan.cashFlow.micros <= 0 {
            return Rejection(.invalidQuantity, "premium \(plan.premium) does not cover the fee \(plan.fee)")
        }
        if plan.openingQuantity.isPositive, plan.strategy == nil {
            let minimum = minimumShortCollateral(order.series, quantity: plan.openingQuantity)
            plan.collateralPosted = order.collateral ?? max(fullShortCollateral(order.series, quantity: plan.openingQuantity), minimum)
            if plan.collateralPosted < minimum {
                return Rejection(.insufficientCollateral, "posts \(plan.collateralPosted) USD, minimum \(minimum)")
            }
            if accounts[order.account.index].balance + plan.cashFlow < plan.collateralPosted {
                return Rejection(.insufficientBalance, "collateral \(plan.collateralPosted) USD exceeds balance")
            }
        }
        let freeAfter = pool.cash - plan.cashFlow - plan.reserveCut - after.lockedTotalAfter - after.queuedValue
        if freeAfter.isNegative { return Rejection(.insufficientLiquidity, "pool cannot pay \(plan.cashFlow) USD") }
        if let limit = order.limitPremium, plan.cashFlow < limit {
            return Rejection(.limitPrice, "pays \(format2(plan.cashFlow.doubleValue)) USD, limit \(format2(limit.doubleValue))\(Self.priceMove(plan.cashFlow, against: limit))")
        }
        return nil
    }

    /// ` — 1.93% worse`: how far a price is past the limit, so a refusal says how much the market moved.
    static func priceMove(_ price: Money, against limit: Money) -> String {
        guard limit.isPositive else { return "" }
        return " — " + percent(abs(price.doubleValue - limit.doubleValue) / limit.doubleValue) + " worse"
    }

    /// Moves the money and positions of a planned trade and returns its fill.
    mutating func commitTrade(_ plan: PlannedTrade, isLiquidation: Bool = false) -> Fill {
        let order = plan.order
        let index = order.series.index
        let option = series[index]
        let quantity = order.quantity
        var realized = Money.zero

        // Trader cash and collateral.
        accounts[order.account.index].balance += plan.collateralReleased
        accounts[order.account.index].collateral -= plan.collateralReleased
        switch order.side {
        case .buy:
            accounts[order.account.index].balance -= plan.cashFlow
            pool.cash += plan.cashFlow - plan.reserveCut
        case .sell:
            accounts[order.account.index].balance += plan.cashFlow
            pool.cash -= plan.cashFlow + plan.reserveCut
            accounts[order.account.index].balance -= plan.collateralPosted
            accounts[order.account.index].collateral += plan.collateralPosted
        }
        pool.reserve += plan.reserveCut
        pool.feesEarned += plan.fee - plan.reserveCut
        ledger.recordTrade(side: order.side, cashFlow: plan.cashFlow, fee: plan.fee, reserveCut: plan.reserveCut)
        accounts[order.account.index].feesPaid += plan.fee

        // Split the cash flow between the closing and the opening part, by quantity.
        let closingFlow = plan.cashFlow.scaled(by: plan.closingQuantity.micros, over: quantity.micros, rounding: .down)
        let openingFlow = plan.cashFlow - closingFlow

        var position = plan.existing ?? Position(
            id: PositionID(nextPositionIndex), account: order.account, series: order.series,
            quantity: .zero, costBasis: .zero, collateral: .zero, openedAt: time, strategy: plan.strategy)
        if plan.existing == nil { nextPositionIndex += 1 }
        if plan.closingQuantity.isPositive {
            let held = abs(position.quantity.micros)
            let basisShare = plan.closingQuantity.micros == held
                ? position.costBasis
                : position.costBasis.scaled(by: plan.closingQuantity.micros, over: held, rounding: .down)
            position.costBasis -= basisShare
            position.collateral -= plan.collateralReleased
            // Long closed by selling: proceeds − basis. Short closed by buying: premium received − paid.
            realized = order.side == .sell ? closingFlow - basisShare : basisShare - closingFlow
            position.quantity.micros += order.side == .buy ? plan.closingQuantity.micros : -plan.closingQuantity.micros
        }
        if plan.openingQuantity.isPositive {
            if position.quantity.isZero { position.openedAt = time }
            position.costBasis += openingFlow
            position.collateral += plan.collateralPosted
            position.quantity.micros += order.side == .buy ? plan.openingQuantity.micros : -plan.openingQuantity.micros
        }
        accounts[order.account.index].realizedPnL += realized
        storePosition(position)
        updateShortCollateralFloor(order.series, before: plan.existing, after: position)

        // Pool side: net holding, locked collateral, incremental Greeks.
        let netChange = plan.poolNetAfter - pool.netPosition[index]
        pool.netPosition[index] = plan.poolNetAfter
        pool.lockedCollateral += plan.lockAfter - pool.lockedBySeries[index]
        pool.lockedBySeries[index] = plan.lockAfter
        adjustPoolGreeks(series: order.series, netChange: netChange)

        // The trade walks IV and skew.
        let boardIndex = option.board.index
        boards[boardIndex].baseIv = plan.quote.baseIvAfter
        boards[boardIndex].skews[option.strikeIndex] = plan.quote.skewAfter

        statistics.trades += 1
        statistics.contractsTraded += quantity.doubleValue
        statistics.premiumVolume += plan.premium
        return Fill(
            account: order.account, series: order.series, side: order.side, quantity: quantity,
            premium: plan.premium, fee: plan.fee, pricePerContract: plan.premium.doubleValue / quantity.doubleValue,
            volatilityBefore: plan.quote.volatilityBefore,
            volatilityAfter: configuration.fillVolatilitiesShareDefinition ? plan.quote.volatilityAfter : plan.quote.volatilityAfterWithoutPremium,
            utilizationAfter: utilization, closedQuantity: plan.closingQuantity, realizedPnL: realized,
            collateralChange: plan.collateralPosted - plan.collateralReleased, isLiquidation: isLiquidation, strategy: plan.strategy)
    }

    /// Saves a position, or removes it when flat (returning any leftover collateral).
    mutating func storePosition(_ position: Position) {
        let key = PositionKey(account: position.account, series: position.series, strategy: position.strategy)
        if position.quantity.isZero {
            if !position.collateral.isZero {
                accounts[position.account.index].balance += position.collateral
                accounts[position.account.index].collateral -= position.collateral
            }
            if !position.costBasis.isZero {
                // Rounding dust of a fully closed position belongs to its realized P&L.
                accounts[position.account.index].realizedPnL -= position.costBasis
            }
            positions.removeValue(forKey: position.id)
            positionLookup.removeValue(forKey: key)
            seriesPositions[position.series.index].removeAll { $0 == position.id }
        } else {
            if positions[position.id] == nil {
                positionLookup[key] = position.id
                seriesPositions[position.series.index].append(position.id)
            }
            positions[position.id] = position
        }
    }

    /// Keeps a series' short-collateral floor exact after one position changed, rescanning the series only
    /// when the changed position was the one holding the floor.
    mutating func updateShortCollateralFloor(_ seriesID: SeriesID, before: Position?, after: Position) {
        func perContract(_ position: Position?) -> Double? {
            guard let position, isLiquidatable(position) else { return nil }
            return position.collateral.doubleValue / abs(position.quantity.doubleValue)
        }
        if let old = perContract(before), old <= shortCollateralFloor[seriesID.index] {
            updateShortCollateralFloor(seriesID)
        } else if let new = perContract(after) {
            shortCollateralFloor[seriesID.index] = min(shortCollateralFloor[seriesID.index], new)
        }
    }

    /// Recomputes the lowest collateral per contract among the shorts of one series.
    mutating func updateShortCollateralFloor(_ seriesID: SeriesID) {
        var floor = Double.infinity
        for id in seriesPositions[seriesID.index] {
            guard let position = positions[id], isLiquidatable(position) else { continue }
            floor = min(floor, position.collateral.doubleValue / abs(position.quantity.doubleValue))
        }
        shortCollateralFloor[seriesID.index] = floor
    }

    /// Rebuilds every series' short-collateral floor from the positions (after decoding a snapshot).
    mutating func rebuildShortCollateralFloors() {
        shortCollateralFloor = Array(repeating: .infinity, count: series.count)
        for position in positions.values where isLiquidatable(position) {
            let perContract = position.collateral.doubleValue / abs(position.quantity.doubleValue)
            shortCollateralFloor[position.series.index] = min(shortCollateralFloor[position.series.index], perContract)
        }
    }

    /// Whether a position answers to the liquidation scan: a short of single orders, or a short leg of a strategy that
    /// posts per-leg collateral. The legs of a strategy collateralized by its maximum loss are covered whatever spot
    /// does, so they are never liquidated (and stay out of the scan's floors).
    func isLiquidatable(_ position: Position) -> Bool {
        guard position.isShort else { return false }
        guard let strategy = position.strategy else { return true }
        return strategyBook[strategy]?.isBounded != true
    }

    mutating func adjustPoolGreeks(series seriesID: SeriesID, netChange: Quantity) {
        guard !netChange.isZero else { return }
        let option = series[seriesID.index]
        let valuation = valuations[seriesID.index]
        poolGreeks[option.market.index].add(valuation, quantity: netChange.doubleValue)
        let years = max(0, time.years(until: option.expiry))
        poolStdVega[option.market.index] += standardizedVega(rawVega: valuation.vega, years: years) * netChange.doubleValue
    }

    /// Places an order: exactly one fill or one rejection event.
    mutating func placeOrder(_ order: Order, into events: inout [EngineEvent]) {
        switch planTrade(order) {
        case .success(let plan):
            let fill = commitTrade(plan)
            emit(.orderFilled(fill), into: &events)
            payQueuedWithdrawals(into: &events)
        case .failure(let rejection):
            statistics.countRejection(rejection.reason)
            emit(.orderRejected(account: order.account, series: isKnownSeries(order.series) ? order.series : nil,
                                side: order.side, quantity: order.quantity, rejection: rejection), into: &events)
        }
    }

    /// The active halt that stops opening trades on `board`, if any.
    public func activeHalt(for board: BoardID) -> Halt? {
        halts.first { halt in
            switch halt.reason {
            case .lowFreeLiquidity: true
            case .volatilityDeviation(let halted): halted == board
            }
        }
    }
}

/// Two decimals for engine messages. Not the dashboard's `NumberFormat`, on purpose: engine wording is part of the
/// journaled events, so it must stay byte-for-byte what earlier releases wrote for old sessions to replay.
func format2(_ value: Double) -> String {
    let scaled = (value * 100).rounded()
    let whole = Int(scaled) / 100
    let fraction = abs(Int(scaled) % 100)
    return "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
}

func percent(_ value: Double) -> String { format2(value * 100) + "%" }

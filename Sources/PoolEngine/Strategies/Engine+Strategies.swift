/// Multi-leg orders (strategies): placed, closed, settled and liquidated as one.
///
/// Rules (README "Strategies"):
/// - **Shape.** 2–4 legs, ratios 1–10, one series at most once, every leg in one market (one underlying, as Deribit
///   combos). Each leg trades size × ratio contracts, validated as a single order of that size.
/// - **Leg order.** Legs are priced and filled in the order given, each planned and committed on a working copy of
///   the engine exactly as a single order would be at that moment (walking base IV and skew, locking pool
///   collateral, checking the utilization cap): the strategy costs exactly what its legs would cost traded one by one
///   in that order, never less. If any leg refuses, or the net (signed, fees in) is past `limitNetPremium`, or the
///   account cannot pay, the working copy is dropped: nothing changes, and one `orderRejected` names the leg.
/// - **Protective wings** (rules 4): a bought leg of a bounded strategy without which its maximum payout would grow
///   (``protectiveWings(of:quantities:)``) skips the |delta| cutoff; every other check of a single order applies.
/// - **Holding.** Legs are positions keyed by (account, series, strategy): they never net with the account's
///   single-order positions or another strategy's legs.
/// - **Collateral.** When every leg is on one board (one expiry) and the net call quantity is not negative, the
///   payoff is bounded below: the strategy holds its maximum payout at expiry (``StrategyCollateral/maximumPayout(_:)``,
///   exact), so the trader's balance falls by exactly the maximum loss (a credit vertical: width × size − credit).
///   Such legs are never liquidated — whatever spot does, what they can owe at expiry is held. Otherwise
///   (unbounded: short straddle, strangle, ratio spread with a naked short; or several expiries: a calendar, whose
///   short front leg must be paid in cash at its own expiry) each short leg posts what a single sell posts by default
///   (full collateral: strike per put, spot per call, never below the shocked minimum) and is liquidated per leg
///   below the shocked minimum, as single shorts are.
/// - **Closing.** A whole strategy closes as one order (all legs, leg order, same refusals); one leg closes on its
///   own, and the legs left then post what they need alone: what the strategy held beyond that is released, and a
///   close that would leave legs needing more than the account has is refused.
/// - **Expiry.** A bounded strategy settles as one: its net payoff, rounded once in the pool's favour, is paid from
///   or to the collateral it holds. Per-leg strategies settle leg by leg like single positions; shortfalls are
///   insolvency, as for single shorts.
extension Engine {
    // MARK: - Queries

    /// Strategies `account` holds, oldest first.
    public func strategies(of account: AccountID) -> [StrategyHolding] {
        strategyBook.values.filter { $0.account == account }.map(holding)
    }

    /// The strategy `id`, if it is still held.
    public func strategy(_ id: StrategyID) -> StrategyHolding? {
        strategyBook[id].map(holding)
    }

    /// The open leg positions of a strategy, in its leg order.
    func legPositions(_ record: StrategyRecord) -> [Position] {
        record.legs.compactMap { position(account: record.account, series: $0, strategy: record.id) }
    }

    func holding(_ record: StrategyRecord) -> StrategyHolding {
        let legs = legPositions(record)
        var collateral = record.collateral
        var basis = Money.zero
        for leg in legs {
            collateral += leg.collateral
            basis += leg.isLong ? leg.costBasis : -leg.costBasis
        }
        var holding = StrategyHolding(
            id: record.id, account: record.account, name: record.name,
            legs: legs.map { StrategyHolding.HeldLeg(series: $0.series, quantity: $0.quantity) },
            collateral: collateral, netPremium: record.netPremium, openedAt: record.openedAt)
        holding.maximumLoss = record.isBounded ? record.collateral + basis : nil
        return holding
    }

    /// What a single sell of `quantity` posts by default: the full collateral, never below the shocked minimum.
    func defaultShortCollateral(_ seriesID: SeriesID, quantity: Quantity) -> Money {
        max(fullShortCollateral(seriesID, quantity: quantity), minimumShortCollateral(seriesID, quantity: quantity))
    }

    /// The strategy-level collateral the legs need when they are bounded (one board, loss bounded), or nil when each
    /// short leg must post its own.
    func boundedRequirement(_ legs: [Position]) -> Money? {
        guard let first = legs.first else { return .zero }
        let board = series[first.series.index].board
        guard legs.allSatisfy({ series[$0.series.index].board == board }) else { return nil }
        return StrategyCollateral.maximumPayout(legs.map {
            StrategyCollateral.Leg(kind: series[$0.series.index].kind, strike: series[$0.series.index].strike, quantity: $0.quantity)
        })
    }

    // MARK: - Collateral

    /// Makes a strategy hold what its legs need now: the bounded maximum payout at the strategy (legs hold nothing), or
    /// per-leg collateral on every short leg that has none. Legs gone: the record goes and its collateral is released.
    ///
    /// The balance is not checked here: a trader's command checks it afterwards (refusing on a negative balance).
    /// `engineInitiated` (settlement, liquidation) never asks for new money: a switch that would need more than the
    /// strategy holds is not made (its legs keep their per-leg collateral, the safe arrangement).
    /// Returns the collateral posted (> 0) or released (< 0).
    @discardableResult
    mutating func collateralizeStrategy(_ id: StrategyID, engineInitiated: Bool) -> Money {
        guard var record = strategyBook[id] else { return .zero }
        let account = record.account.index
        let legs = legPositions(record)
        let perLegHeld = legs.reduce(Money.zero) { $0 + $1.collateral }
        let heldBefore = record.collateral + perLegHeld
        if legs.isEmpty {
            accounts[account].balance += record.collateral
            accounts[account].collateral -= record.collateral
            strategyBook.removeValue(forKey: id)
            return -heldBefore
        }
        if let needed = boundedRequirement(legs) {
            if engineInitiated && !record.isBounded && needed > heldBefore { return .zero }
            for leg in legs where !leg.collateral.isZero {
                var position = leg
                position.collateral = .zero
                positions[position.id] = position
            }
            accounts[account].balance += heldBefore - needed
            accounts[account].collateral += needed - heldBefore
            record.collateral = needed
            record.isBounded = true
        } else {
            var postings: [(PositionID, Money)] = []
            for leg in legs where leg.isShort && leg.collateral.isZero {
                postings.append((leg.id, defaultShortCollateral(leg.series, quantity: Quantity(micros: -leg.quantity.micros))))
            }
            if engineInitiated && !postings.isEmpty { return .zero }
            let posted = postings.reduce(Money.zero) { $0 + $1.1 }
            for (positionID, amount) in postings { positions[positionID]?.collateral = amount }
            accounts[account].balance += record.collateral - posted
            accounts[account].collateral += posted - record.collateral
            record.collateral = .zero
            record.isBounded = false
        }
        strategyBook[id] = record
        for leg in legs { updateShortCollateralFloor(leg.series) }
        return record.collateral + legPositions(record).reduce(Money.zero) { $0 + $1.collateral } - heldBefore
    }

    // MARK: - Placing

    /// A strategy command carried out on a working copy: the copy, the legs' fills and the strategy event's figures.
    struct StrategyExecution {
        var engine: Engine
        var fills: [Fill]
        var activity: StrategyActivity
        var isClosed: Bool
    }

    /// Why a strategy command was refused, and the fills of the legs before the one that refused (for previews).
    struct StrategyFailure: Error {
        var rejection: Rejection
        /// The refusing leg's index in the order (nil when the whole order is refused).
        var legIndex: Int?
        /// The refusing leg's own rejection, without the leg's name.
        var legRejection: Rejection?
        var fills: [Fill]
    }

    /// "leg 3 BTC-1D-62000-C: …": a leg's refusal, naming it.
    func legRejection(_ rejection: Rejection, index: Int, series seriesID: SeriesID) -> Rejection {
        let name = isKnownSeries(seriesID) ? " " + series[seriesID.index].name : ""
        return Rejection(rejection.reason, "leg \(index + 1)\(name)" + (rejection.detail.isEmpty ? "" : ": \(rejection.detail)"))
    }

    /// Signed cash flow of a fill from the trader's side: paid > 0, received < 0 (fees in).
    static func signedFlow(_ fill: Fill) -> Money {
        fill.side == .buy ? fill.premium + fill.fee : -(fill.premium - fill.fee)
    }

    /// The legs of `order` (each trading `quantities[i]`) that are protective wings, by index: under rules 4, when the
    /// strategy is bounded (every leg on one board and its maximum payout at expiry finite,
    /// ``StrategyCollateral/maximumPayout(_:)``), each leg the trader buys without which that maximum payout would be
    /// larger or unbounded. Such a leg only limits what the strategy can lose, so it opens below the |delta| cutoff
    /// (the far wing of a 1-day credit spread or iron condor). Empty under rules 1–3, for unbounded strategies and for
    /// several expiries.
    ///
    /// A credit call spread's bought call is one (without it the short call is naked); a long straddle's legs are not
    /// (without either, the payout is still 0).
    func protectiveWings(of order: StrategyOrder, quantities: [Quantity]) -> Set<Int> {
        guard configuration.exemptsProtectiveWingsFromDeltaCutoff, let first = order.legs.first, order.legs.count == quantities.count,
              order.legs.allSatisfy({ isKnownSeries($0.series) }) else { return [] }
        let board = series[first.series.index].board
        guard order.legs.allSatisfy({ series[$0.series.index].board == board }) else { return [] }
        let legs = zip(order.legs, quantities).map { leg, quantity in
            StrategyCollateral.Leg(kind: series[leg.series.index].kind, strike: series[leg.series.index].strike,
                                   quantity: leg.side == .buy ? quantity : Quantity(micros: -quantity.micros))
        }
        guard let payout = StrategyCollateral.maximumPayout(legs) else { return [] }
        var wings = Set<Int>()
        for index in legs.indices where order.legs[index].side == .buy {
            var without = legs
            without.remove(at: index)
            if let reduced = StrategyCollateral.maximumPayout(without), reduced <= payout { continue }
            wings.insert(index)
        }
        return wings
    }

    /// Validates, prices and fills a strategy order on a working copy.
    func executeStrategy(_ order: StrategyOrder) -> Result<StrategyExecution, StrategyFailure> {
        func refuse(_ reason: RejectionReason, _ detail: String, leg: Int? = nil) -> Result<StrategyExecution, StrategyFailure> {
            .failure(StrategyFailure(rejection: Rejection(reason, detail), legIndex: leg, legRejection: nil, fills: []))
        }
        guard isKnownAccount(order.account) else { return refuse(.unknownAccount, "\(order.account)") }
        guard (2...4).contains(order.legs.count) else {
            return refuse(.invalidStrategy, "a strategy has 2 to 4 legs, this one \(order.legs.count)")
        }
        guard order.size.isPositive else { return refuse(.invalidQuantity, "size must be positive") }
        var quantities: [Quantity] = []
        var market: MarketID?
        for (index, leg) in order.legs.enumerated() {
            guard (1...10).contains(leg.ratio) else {
                return refuse(.invalidStrategy, "leg \(index + 1): ratio \(leg.ratio) is outside 1–10", leg: index)
            }
            guard isKnownSeries(leg.series) else { return refuse(.unknownSeries, "leg \(index + 1)", leg: index) }
            if let first = order.legs[..<index].firstIndex(where: { $0.series == leg.series }) {
                return refuse(.invalidStrategy, "leg \(index + 1) repeats \(series[leg.series.index].name) of leg \(first + 1)", leg: index)
            }
            let legMarket = series[leg.series.index].market
            if let market, market != legMarket {
                return refuse(.invalidStrategy, "leg \(index + 1) is in \(markets[legMarket.index].symbol), leg 1 in \(markets[market.index].symbol): a strategy trades one underlying", leg: index)
            }
            market = legMarket
            let (micros, overflow) = order.size.micros.multipliedReportingOverflow(by: Int64(leg.ratio))
            guard !overflow, Quantity(micros: micros).isWithinInputRange else {
                return refuse(.outOfRange, "leg \(index + 1): size × ratio is beyond what the engine can count", leg: index)
            }
            quantities.append(Quantity(micros: micros))
        }

        var work = self
        let id = StrategyID(work.nextStrategyIndex)
        work.nextStrategyIndex += 1
        work.strategyBook[id] = StrategyRecord(
            id: id, account: order.account, name: order.name, legs: order.legs.map(\.series), size: order.size,
            netPremium: .zero, fees: .zero, openedAt: time, collateral: .zero, isBounded: false)
        let balanceBefore = accounts[order.account.index].balance
        let wings = protectiveWings(of: order, quantities: quantities)
        var fills: [Fill] = []
        var net = Money.zero, fees = Money.zero
        for (index, leg) in order.legs.enumerated() {
            let legOrder = Order(account: order.account, series: leg.series, side: leg.side, quantity: quantities[index])
            switch work.planTrade(legOrder, strategy: id, protectiveWing: wings.contains(index)) {
            case .success(let plan):
                let fill = work.commitTrade(plan)
                fills.append(fill)
                net += Self.signedFlow(fill)
                fees += fill.fee
            case .failure(let rejection):
                return .failure(StrategyFailure(rejection: legRejection(rejection, index: index, series: leg.series),
                                                legIndex: index, legRejection: rejection, fills: fills))
            }
        }
        if let limit = order.limitNetPremium, net > limit {
            return .failure(StrategyFailure(
                rejection: Rejection(.limitPrice, "net \(format2(net.doubleValue)) USD, limit \(format2(limit.doubleValue))"),
                legIndex: nil, legRejection: nil, fills: fills))
        }
        let posted = work.collateralizeStrategy(id, engineInitiated: false)
        if work.accounts[order.account.index].balance.isNegative {
            return .failure(StrategyFailure(
                rejection: Rejection(.insufficientBalance, "needs \(net + posted) USD (net \(net) + collateral \(posted)), has \(balanceBefore)"),
                legIndex: nil, legRejection: nil, fills: fills))
        }
        work.strategyBook[id]?.netPremium = net
        work.strategyBook[id]?.fees = fees
        let collateral = work.strategyBook[id].map { work.holding($0).collateral } ?? .zero
        let activity = StrategyActivity(
            account: order.account, strategy: id, name: order.name, cause: .opened,
            legs: fills.map { StrategyHolding.HeldLeg(series: $0.series, quantity: $0.side == .buy ? $0.quantity : -$0.quantity) },
            netPremium: net, fees: fees, collateralChange: posted, collateral: collateral, realizedPnL: .zero)
        return .success(StrategyExecution(engine: work, fills: fills, activity: activity, isClosed: false))
    }

    /// Closes all legs of a strategy (`leg` nil) or `quantity` (nil: all) of one leg, on a working copy.
    func executeStrategyClose(account: AccountID, strategy id: StrategyID, leg: (series: SeriesID, quantity: Quantity?, limit: Money?)?,
                              limitNetPremium: Money?) -> Result<StrategyExecution, StrategyFailure> {
        func refuse(_ reason: RejectionReason, _ detail: String) -> Result<StrategyExecution, StrategyFailure> {
            .failure(StrategyFailure(rejection: Rejection(reason, detail), legIndex: nil, legRejection: nil, fills: []))
        }
        guard isKnownAccount(account) else { return refuse(.unknownAccount, "\(account)") }
        guard let record = strategyBook[id], record.account == account else { return refuse(.noPosition, "no strategy \(id)") }
        var trades: [(index: Int, position: Position, quantity: Quantity, limit: Money?)] = []
        if let leg {
            guard let index = record.legs.firstIndex(of: leg.series),
                  let position = position(account: account, series: leg.series, strategy: id) else {
                return refuse(.noPosition, "\(id) has no leg in \(isKnownSeries(leg.series) ? series[leg.series.index].name : "that series")")
            }
            let held = Quantity(micros: abs(position.quantity.micros))
            let amount = leg.quantity ?? held
            guard amount.isPositive else { return refuse(.invalidQuantity, "quantity must be positive") }
            guard amount <= held else {
                return refuse(.invalidQuantity, "leg \(index + 1) holds \(Plural.contracts(held)), cannot close \(amount.plainText)")
            }
            trades.append((index, position, amount, leg.limit))
        } else {
            for (index, seriesID) in record.legs.enumerated() {
                guard let position = position(account: account, series: seriesID, strategy: id) else { continue }
                trades.append((index, position, Quantity(micros: abs(position.quantity.micros)), nil))
            }
        }

        var work = self
        let balanceBefore = accounts[account.index].balance
        let heldBefore = holding(record).collateral
        // The strategy's own collateral is released first and re-posted for what is left afterwards, so buying back a
        // short leg can be paid from it.
        work.accounts[account.index].balance += record.collateral
        work.accounts[account.index].collateral -= record.collateral
        work.strategyBook[id]?.collateral = .zero
        work.strategyBook[id]?.isBounded = false
        var fills: [Fill] = []
        var net = Money.zero, fees = Money.zero, realized = Money.zero
        for trade in trades {
            let order = Order(account: account, series: trade.position.series, side: trade.position.isLong ? .sell : .buy,
                              quantity: trade.quantity, limitPremium: trade.limit)
            switch work.planTrade(order, strategy: id) {
            case .success(let plan):
                let fill = work.commitTrade(plan)
                fills.append(fill)
                net += Self.signedFlow(fill)
                fees += fill.fee
                realized += fill.realizedPnL
            case .failure(let rejection):
                return .failure(StrategyFailure(rejection: legRejection(rejection, index: trade.index, series: trade.position.series),
                                                legIndex: trade.index, legRejection: rejection, fills: fills))
            }
        }
        if let limit = limitNetPremium, net > limit {
            return .failure(StrategyFailure(
                rejection: Rejection(.limitPrice, "net \(format2(net.doubleValue)) USD, limit \(format2(limit.doubleValue))"),
                legIndex: nil, legRejection: nil, fills: fills))
        }
        work.collateralizeStrategy(id, engineInitiated: false)
        if work.accounts[account.index].balance.isNegative {
            let left = work.strategyBook[id].map { work.holding($0).collateral } ?? .zero
            return .failure(StrategyFailure(
                rejection: Rejection(.insufficientBalance, "the legs left need \(left) USD collateral; needs \(net + left - heldBefore) USD, has \(balanceBefore)"),
                legIndex: nil, legRejection: nil, fills: fills))
        }
        let closed = work.strategyBook[id] == nil
        let collateral = work.strategyBook[id].map { work.holding($0).collateral } ?? .zero
        let activity = StrategyActivity(
            account: account, strategy: id, name: record.name, cause: closed ? .closed : .legClosed,
            legs: fills.map { StrategyHolding.HeldLeg(series: $0.series, quantity: $0.side == .buy ? $0.quantity : -$0.quantity) },
            netPremium: net, fees: fees, collateralChange: collateral - heldBefore, collateral: collateral, realizedPnL: realized)
        return .success(StrategyExecution(engine: work, fills: fills, activity: activity, isClosed: closed))
    }

    /// A leg as a rejection event names it.
    typealias RejectedLeg = (series: SeriesID, side: Side, quantity: Quantity)

    /// Applies a strategy command's outcome: the working copy's fills and strategy event, or one rejection naming the
    /// refusing leg (`legs`: each leg by its index in the order or the strategy).
    mutating func finish(_ result: Result<StrategyExecution, StrategyFailure>, account: AccountID,
                         legs: [RejectedLeg?], into events: inout [EngineEvent]) {
        switch result {
        case .success(var execution):
            for fill in execution.fills { execution.engine.emit(.orderFilled(fill), into: &events) }
            let activity = execution.activity
            switch activity.cause {
            case .opened: execution.engine.emit(.strategyOpened(activity), into: &events)
            default: execution.engine.emit(execution.isClosed ? .strategyClosed(activity) : .strategyChanged(activity), into: &events)
            }
            execution.engine.payQueuedWithdrawals(into: &events)
            self = execution.engine
        case .failure(let failure):
            statistics.countRejection(failure.rejection.reason)
            let leg = failure.legIndex.flatMap { legs.indices.contains($0) ? legs[$0] : nil }
            emit(.orderRejected(account: account, series: leg.flatMap { isKnownSeries($0.series) ? $0.series : nil },
                                side: leg?.side, quantity: leg?.quantity, rejection: failure.rejection), into: &events)
        }
    }

    mutating func placeStrategy(_ order: StrategyOrder, into events: inout [EngineEvent]) {
        let legs: [RejectedLeg?] = order.legs.map { leg in
            let (micros, overflow) = order.size.micros.multipliedReportingOverflow(by: Int64(max(leg.ratio, 0)))
            return (leg.series, leg.side, overflow ? order.size : Quantity(micros: micros))
        }
        finish(executeStrategy(order), account: order.account, legs: legs, into: &events)
    }

    mutating func closeStrategy(account: AccountID, strategy id: StrategyID, leg: (series: SeriesID, quantity: Quantity?, limit: Money?)?,
                                limitNetPremium: Money?, into events: inout [EngineEvent]) {
        let legs: [RejectedLeg?] = (strategyBook[id]?.legs ?? []).map { seriesID in
            guard let position = position(account: account, series: seriesID, strategy: id) else { return nil }
            return (seriesID, position.isLong ? .sell : .buy, leg?.quantity ?? Quantity(micros: abs(position.quantity.micros)))
        }
        let result = executeStrategyClose(account: account, strategy: id, leg: leg, limitNetPremium: limitNetPremium)
        finish(result, account: account, legs: legs, into: &events)
    }

    // MARK: - Preview

    /// What `order` would do, without changing anything: the engine's own execution, run on a copy.
    public func previewStrategy(_ order: StrategyOrder) -> StrategyPreview {
        var greeksBefore = NetGreeks()
        if isKnownAccount(order.account) { for view in positionViews(of: order.account) { greeksBefore = greeksBefore + view.greeks } }
        let result = executeStrategy(order)
        let fills: [Fill]
        var failure: StrategyFailure?
        switch result {
        case .success(let execution): fills = execution.fills
        case .failure(let refused):
            fills = refused.fills
            failure = refused
        }
        var legs: [StrategyPreview.Leg] = []
        var net = Money.zero, fees = Money.zero
        for (index, leg) in order.legs.enumerated() {
            let (micros, overflow) = order.size.micros.multipliedReportingOverflow(by: Int64(max(leg.ratio, 0)))
            let fill = index < fills.count ? fills[index] : nil
            if let fill {
                net += fill.side == .buy ? fill.premium : -fill.premium
                fees += fill.fee
            }
            let rejection = failure?.legIndex == index ? (failure?.legRejection ?? failure?.rejection) : nil
            legs.append(.init(leg: leg, quantity: overflow ? order.size : Quantity(micros: micros), fill: fill, rejection: rejection))
        }
        guard case .success(let execution) = result else {
            let account = isKnownAccount(order.account) ? accounts[order.account.index] : nil
            return StrategyPreview(legs: legs, rejection: failure?.rejection, netPremium: net, fees: fees, collateral: .zero,
                                   accountGreeksBefore: greeksBefore, accountGreeksAfter: greeksBefore,
                                   balanceAfter: account?.balance ?? .zero, utilizationAfter: utilization)
        }
        let after = execution.engine
        var greeksAfter = NetGreeks()
        for view in after.positionViews(of: order.account) { greeksAfter = greeksAfter + view.greeks }
        let held = after.strategyBook[execution.activity.strategy].map(after.holding)
        var preview = StrategyPreview(
            legs: legs, rejection: nil, netPremium: net, fees: fees, collateral: held?.collateral ?? .zero,
            accountGreeksBefore: greeksBefore, accountGreeksAfter: greeksAfter,
            balanceAfter: after.accounts[order.account.index].balance, utilizationAfter: after.utilization)
        preview.maximumLoss = held?.maximumLoss
        preview.strategy = execution.activity.strategy
        return preview
    }

    // MARK: - Settlement and liquidation

    /// Settles every bounded strategy with legs on `board` as one, at `spot`: its net payoff, rounded once in the
    /// pool's favour, paid from or to the collateral it holds. Returns the positions settled and what the pool paid.
    mutating func settleBoundedStrategies(on boardID: BoardID, spot: Double, into events: inout [EngineEvent]) -> (positions: Int, poolPayout: Money) {
        var settled = 0
        var poolPayout = Money.zero
        let due = strategyBook.values.filter { record in
            record.isBounded && legPositions(record).first.map { series[$0.series.index].board == boardID } == true
        }
        for record in due {
            let legs = legPositions(record)
            let account = record.account.index
            let amounts = StrategyCollateral.settlementAmounts(legs.map {
                StrategyCollateral.Leg(kind: series[$0.series.index].kind, strike: series[$0.series.index].strike, quantity: $0.quantity)
            }, spot: spot)
            var payoffs = amounts
            let total = amounts.reduce(Money.zero, +)
            var poolPays: Money
            var shortfall = Money.zero
            if total.isPositive {
                poolPays = min(total, max(pool.cash, .zero))
                if poolPays < total {
                    pool.insolvency += total - poolPays
                    emit(.insolvency(amount: total - poolPays, detail: "pool could not pay \(record.name) \(record.id)"), into: &events)
                }
            } else {
                let fromCollateral = min(-total, record.collateral)
                shortfall = -total - fromCollateral
                if shortfall.isPositive {
                    pool.insolvency += shortfall
                    emit(.insolvency(amount: shortfall, detail: "\(record.name) \(record.id) under-collateralized"), into: &events)
                }
                poolPays = -fromCollateral
            }
            // What could not move is taken off the last leg, so the legs' events add up to the money that moved.
            if !payoffs.isEmpty { payoffs[payoffs.count - 1] += poolPays - total }
            pool.cash -= poolPays
            PoolLedger.add(&ledger.settlementsNet, PoolLedger.negated(poolPays))
            poolPayout += poolPays
            accounts[account].collateral -= record.collateral
            accounts[account].balance += record.collateral + poolPays
            var realizedTotal = Money.zero
            for (leg, payoff) in zip(legs, payoffs) {
                let realized = payoff + (leg.isShort ? leg.costBasis : -leg.costBasis)
                realizedTotal += realized
                positions.removeValue(forKey: leg.id)
                positionLookup.removeValue(forKey: PositionKey(account: leg.account, series: leg.series, strategy: leg.strategy))
                seriesPositions[leg.series.index].removeAll { $0 == leg.id }
                settled += 1
                statistics.settlements += 1
                emit(.positionSettled(PositionSettlement(
                    account: leg.account, series: leg.series, quantity: leg.quantity, spot: spot, payoff: payoff,
                    collateralReleased: .zero, realizedPnL: realized, shortfall: leg.id == legs.last?.id ? shortfall : .zero, strategy: record.id)), into: &events)
            }
            accounts[account].realizedPnL += realizedTotal
            strategyBook.removeValue(forKey: record.id)
            emit(.strategyClosed(StrategyActivity(
                account: record.account, strategy: record.id, name: record.name, cause: .settled,
                legs: legs.map { StrategyHolding.HeldLeg(series: $0.series, quantity: $0.quantity) },
                netPremium: -poolPays, fees: .zero, collateralChange: -record.collateral, collateral: .zero,
                realizedPnL: realizedTotal)), into: &events)
        }
        return (settled, poolPayout)
    }

    /// After legs of per-leg strategies settled or were liquidated: re-collateralizes what is left (never asking for
    /// new money) and emits the strategy event.
    mutating func strategyLegsRemoved(_ id: StrategyID, cause: StrategyActivity.Cause, legs: [StrategyHolding.HeldLeg],
                                      payoff: Money, collateralRemoved: Money, realizedPnL: Money, into events: inout [EngineEvent]) {
        guard let record = strategyBook[id] else { return }
        let change = collateralizeStrategy(id, engineInitiated: true)
        let remaining = strategyBook[id].map(holding)
        let activity = StrategyActivity(
            account: record.account, strategy: id, name: record.name, cause: cause, legs: legs, netPremium: -payoff,
            fees: .zero, collateralChange: change - collateralRemoved, collateral: remaining?.collateral ?? .zero, realizedPnL: realizedPnL)
        emit(remaining == nil ? .strategyClosed(activity) : .strategyChanged(activity), into: &events)
    }

    // MARK: - Invariants

    /// 8. Strategies agree with their legs: every leg position has its record (same account, a listed leg), every
    ///    record has a leg; a bounded strategy's legs share one board and hold nothing, and it holds exactly their
    ///    maximum payout; a per-leg strategy holds nothing itself.
    func checkStrategies(_ violations: inout InvariantViolations) {
        for position in positions.values {
            guard let id = position.strategy else { continue }
            guard let record = strategyBook[id] else {
                violations.fail("strategyRecord", "position \(position.id.index) is a leg of unknown \(id)")
                continue
            }
            if record.account != position.account || !record.legs.contains(position.series) {
                violations.fail("strategyLeg", "position \(position.id.index) does not belong to \(id)")
            }
        }
        for record in strategyBook.values {
            let legs = legPositions(record)
            if legs.isEmpty { violations.fail("strategyEmpty", "\(record.id) has no legs") }
            if record.isBounded {
                if legs.contains(where: { !$0.collateral.isZero }) {
                    violations.fail("strategyLegCollateral", "\(record.id) is bounded but a leg holds collateral")
                }
                if let needed = boundedRequirement(legs), needed != record.collateral {
                    violations.fail("strategyCollateral", "\(record.id) holds \(record.collateral), its legs need \(needed)")
                } else if boundedRequirement(legs) == nil {
                    violations.fail("strategyCollateral", "\(record.id) is bounded but its legs are not")
                }
            } else if !record.collateral.isZero {
                violations.fail("strategyCollateral", "\(record.id) posts per leg but holds \(record.collateral) itself")
            }
        }
    }
}

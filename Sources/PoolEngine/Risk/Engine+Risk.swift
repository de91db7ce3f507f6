import RealModule

extension Engine {
    /// Reprices every live series, rebuilds pool Greeks per series, re-checks call collateral at spot,
    /// lets base IV drift towards the market's level, and refreshes the cached NAV.
    ///
    /// Cost grows with the number of live series, never with the number of positions.
    mutating func refreshRisk() {
        let elapsed = configuration.riskRefreshInterval.years
        let amm = configuration.amm
        let reversion = 1 - Double.exp2(-elapsed / max(amm.baseIvReversionHalfLife.years, 1e-12))
        let smoothing = 1 - Double.exp2(-elapsed / max(configuration.breakers.ivSmoothingHalfLife.years, 1e-12))
        for index in markets.indices {
            // Recorded data (an IV index or realized vol) sets the level outright; the simulated regime is approached.
            let (target, isRecorded) = impliedVolatilityTarget(index)
            if isRecorded {
                markets[index].impliedVolatilityLevel = target
            } else {
                markets[index].impliedVolatilityLevel += (target - markets[index].impliedVolatilityLevel) * reversion
            }
        }
        for index in poolGreeks.indices {
            poolGreeks[index] = NetGreeks()
            poolStdVega[index] = 0
        }
        var locked = Money.zero
        for boardID in liveBoards {
            let boardIndex = boardID.index
            let market = boards[boardIndex].market.index
            var baseIv = boards[boardIndex].baseIv
            baseIv += (markets[market].impliedVolatilityLevel - baseIv) * reversion
            baseIv = min(max(baseIv, amm.baseIvBounds.lowerBound), amm.baseIvBounds.upperBound)
            boards[boardIndex].baseIv = baseIv
            boards[boardIndex].smoothedBaseIv += (baseIv - boards[boardIndex].smoothedBaseIv) * smoothing
            let spot = markets[market].spot
            let years = max(0, time.years(until: boards[boardIndex].expiry))
            for strikeIndex in boards[boardIndex].strikes.indices {
                let vol = clampVolatility(baseIv * boards[boardIndex].skews[strikeIndex])
                let strike = boards[boardIndex].strikes[strikeIndex].doubleValue
                for kind in OptionKind.allCases {
                    let id = boards[boardIndex].series(kind, strikeIndex: strikeIndex)
                    let valuation = BlackScholes.valuation(kind: kind, spot: spot, strike: strike, time: years, volatility: vol, rate: configuration.rate)
                    valuations[id.index] = valuation
                    markVolatility[id.index] = vol
                    let net = pool.netPosition[id.index]
                    if !net.isZero {
                        poolGreeks[market].add(valuation, quantity: net.doubleValue)
                        poolStdVega[market] += standardizedVega(rawVega: valuation.vega, years: years) * net.doubleValue
                        if kind == .call { pool.lockedBySeries[id.index] = lockRequirement(id, net: net) }
                        locked += pool.lockedBySeries[id.index]
                    }
                }
            }
        }
        if locked > pool.cash {
            // Call locks follow spot, but the pool cannot lock more than it holds: trim them (never below one
            // micro-unit, puts untouched), so the shortfall shows as full utilization instead of phantom collateral.
            var excess = locked - pool.cash
            for boardID in liveBoards where excess.isPositive {
                for id in boards[boardID.index].calls where excess.isPositive && pool.lockedBySeries[id.index] > Money(micros: 1) {
                    let cut = min(excess, pool.lockedBySeries[id.index] - Money(micros: 1))
                    pool.lockedBySeries[id.index] -= cut
                    locked -= cut
                    excess -= cut
                }
            }
        }
        pool.lockedCollateral = locked
        cachedNAV = netAssetValue()
    }

    /// Starts and lifts circuit-breaker halts.
    mutating func updateHalts(into events: inout [EngineEvent]) {
        let rules = configuration.breakers
        var conditions: [Halt.Reason] = []
        let nav = cachedNAV
        if pool.shareSupply.isPositive, nav > 0, freeLiquidity.doubleValue < rules.minimumFreeLiquidityShare * nav {
            conditions.append(.lowFreeLiquidity)
        }
        for boardID in liveBoards {
            let board = boards[boardID.index]
            if abs(board.baseIv - board.smoothedBaseIv) > rules.maximumIvDeviation {
                conditions.append(.volatilityDeviation(boardID))
            }
        }
        for reason in conditions {
            if let index = halts.firstIndex(where: { $0.reason == reason }) {
                halts[index].until = time + rules.cooldown
            } else {
                let halt = Halt(reason: reason, since: time, until: time + rules.cooldown)
                halts.append(halt)
                emit(.haltStarted(halt), into: &events)
            }
        }
        var kept: [Halt] = []
        for halt in halts {
            let boardGone: Bool
            if case .volatilityDeviation(let board) = halt.reason { boardGone = boards[board.index].isSettled } else { boardGone = false }
            if (halt.until <= time && !conditions.contains(halt.reason)) || boardGone {
                emit(.haltEnded(halt), into: &events)
            } else {
                kept.append(halt)
            }
        }
        halts = kept
    }

    /// Offsets the pool's net delta on a simulated perpetual, at a cost, when it exceeds the threshold.
    mutating func hedge(into events: inout [EngineEvent]) {
        let rules = configuration.hedging
        let nav = max(cachedNAV, 0)
        for index in markets.indices {
            let spot = markets[index].spot
            let current = pool.hedges[index].size
            let target: Double
            if pool.hedgingEnabled {
                let optionDelta = poolGreeks[index].delta
                let exposure = optionDelta + current
                guard abs(exposure) * spot > rules.thresholdShareOfNAV * nav else { continue }
                target = -optionDelta
            } else {
                // Switched off: unwind whatever hedge is left.
                guard current != 0 else { continue }
                target = 0
            }
            let trade = target - current
            guard abs(trade) > 1e-9 else { continue }
            var hedge = pool.hedges[index]
            var realized = 0.0
            if hedge.size != 0, (hedge.size > 0) != (trade > 0) {
                let closing = min(abs(trade), abs(hedge.size))
                realized = closing * (spot - hedge.entryPrice) * (hedge.size > 0 ? 1 : -1)
            }
            let newSize = hedge.size + trade
            if newSize == 0 || abs(newSize) < 1e-12 {
                hedge.size = 0
                hedge.entryPrice = 0
            } else if hedge.size == 0 || (hedge.size > 0) == (trade > 0) {
                hedge.entryPrice = (hedge.entryPrice * abs(hedge.size) + spot * abs(trade)) / abs(newSize)
                hedge.size = newSize
            } else if (newSize > 0) != (hedge.size > 0) {
                // Flipped through zero: the remainder opens at spot.
                hedge.entryPrice = spot
                hedge.size = newSize
            } else {
                hedge.size = newSize
            }
            let cost = Money(rounding: abs(trade) * spot * rules.costRate, .up)
            let realizedMoney = Money(rounding: realized, .down)
            hedge.costs += cost
            hedge.realizedPnL += realizedMoney
            hedge.lastHedgeAt = time
            pool.hedges[index] = hedge
            // The pool pays losses and costs from free cash, never from collateral locked for option holders:
            // what it cannot pay is insolvency, recorded.
            var flow = realizedMoney - cost
            let spendable = max(.zero, pool.cash - pool.lockedCollateral)
            let shortfall = max(.zero, -flow - spendable)
            flow += shortfall
            pool.cash += flow
            externalNet += flow
            PoolLedger.add(&ledger.hedgeUnpaid, shortfall)
            statistics.hedges += 1
            emit(.hedged(market: MarketID(index), size: trade, price: spot, cost: cost, realizedPnL: realizedMoney, newSize: hedge.size), into: &events)
            if shortfall.isPositive {
                pool.insolvency += shortfall
                emit(.insolvency(amount: shortfall, detail: "hedge in \(markets[index].symbol) short of \(shortfall)"), into: &events)
            }
        }
    }

    /// Settles every board whose expiry has come, at the current spot, and lists its replacement.
    mutating func settleExpiredBoards(into events: inout [EngineEvent]) {
        let due = liveBoards.filter { boards[$0.index].expiry <= time }
        for boardID in due {
            settleBoard(boardID, into: &events)
            liveBoards.removeAll { $0 == boardID }
            // Every tenor the board served carries on, including shorter ones that had joined it.
            for tenor in boards[boardID.index].tenors {
                let (newBoard, isNew) = listBoard(market: boards[boardID.index].market, tenor: tenor)
                guard isNew else { continue }
                let listed = boards[newBoard.index]
                emit(.boardListed(board: newBoard, market: listed.market, expiry: listed.expiry, tenor: listed.tenor,
                                  strikes: listed.strikes, baseIv: listed.baseIv), into: &events)
            }
        }
        sortLiveBoards()
        refreshRisk()
        payQueuedWithdrawals(into: &events)
    }

    /// Cash settlement: longs receive max(S−K,0)·n or max(K−S,0)·n from the pool, shorts pay it from collateral,
    /// every position exactly once; shortfalls are recorded as insolvency.
    mutating func settleBoard(_ boardID: BoardID, into events: inout [EngineEvent]) {
        let board = boards[boardID.index]
        let spot = markets[board.market.index].spot
        boards[boardID.index].settlementSpot = spot
        var settled = 0
        var poolPayout = Money.zero
        // Strategies collateralized as a whole settle as a whole, first; per-leg strategies' legs settle below like
        // single positions, and their strategies are brought up to date after.
        let strategic = settleBoundedStrategies(on: boardID, spot: spot, into: &events)
        settled += strategic.positions
        poolPayout += strategic.poolPayout
        var touched: [StrategyID] = []
        var touchedLegs: [StrategyID: (legs: [StrategyHolding.HeldLeg], payoff: Money, collateral: Money, realized: Money)] = [:]
        for seriesID in board.calls + board.puts {
            let option = series[seriesID.index]
            for positionID in seriesPositions[seriesID.index] {
                guard let position = positions[positionID] else { continue }
                let contracts = Quantity(micros: abs(position.quantity.micros))
                var settlement = PositionSettlement(
                    account: position.account, series: seriesID, quantity: position.quantity, spot: spot,
                    payoff: .zero, collateralReleased: .zero, realizedPnL: .zero, shortfall: .zero, strategy: position.strategy)
                if position.isLong {
                    // The pool pays longs, rounded down in its favour, and never more than it holds.
                    let owed = Money.payoff(kind: option.kind, spot: spot, strike: option.strike, quantity: contracts, rounding: .down)
                    let paid = min(owed, max(pool.cash, .zero))
                    if paid < owed {
                        pool.insolvency += owed - paid
                        emit(.insolvency(amount: owed - paid, detail: "pool could not pay \(option.name)"), into: &events)
                    }
                    pool.cash -= paid
                    PoolLedger.add(&ledger.settlementsNet, PoolLedger.negated(paid))
                    poolPayout += paid
                    accounts[position.account.index].balance += paid
                    settlement.payoff = paid
                    settlement.realizedPnL = paid - position.costBasis
                } else {
                    let owed = Money.payoff(kind: option.kind, spot: spot, strike: option.strike, quantity: contracts, rounding: .up)
                    let fromCollateral = min(owed, position.collateral)
                    let shortfall = owed - fromCollateral
                    if shortfall.isPositive {
                        pool.insolvency += shortfall
                        emit(.insolvency(amount: shortfall, detail: "short \(option.name) under-collateralized"), into: &events)
                    }
                    pool.cash += fromCollateral
                    PoolLedger.add(&ledger.settlementsNet, fromCollateral)
                    poolPayout -= fromCollateral
                    let released = position.collateral - fromCollateral
                    accounts[position.account.index].collateral -= position.collateral
                    accounts[position.account.index].balance += released
                    settlement.payoff = -fromCollateral
                    settlement.collateralReleased = released
                    settlement.shortfall = shortfall
                    settlement.realizedPnL = position.costBasis - fromCollateral
                }
                accounts[position.account.index].realizedPnL += settlement.realizedPnL
                if let strategy = position.strategy {
                    if touchedLegs[strategy] == nil { touched.append(strategy) }
                    var entry = touchedLegs[strategy] ?? ([], .zero, .zero, .zero)
                    entry.legs.append(StrategyHolding.HeldLeg(series: seriesID, quantity: position.quantity))
                    entry.payoff += settlement.payoff
                    entry.collateral += position.collateral
                    entry.realized += settlement.realizedPnL
                    touchedLegs[strategy] = entry
                }
                positions.removeValue(forKey: positionID)
                positionLookup.removeValue(forKey: PositionKey(account: position.account, series: seriesID, strategy: position.strategy))
                settled += 1
                statistics.settlements += 1
                emit(.positionSettled(settlement), into: &events)
            }
            seriesPositions[seriesID.index] = []
            shortCollateralFloor[seriesID.index] = .infinity
            adjustPoolGreeks(series: seriesID, netChange: -pool.netPosition[seriesID.index])
            pool.netPosition[seriesID.index] = .zero
            pool.lockedCollateral -= pool.lockedBySeries[seriesID.index]
            pool.lockedBySeries[seriesID.index] = .zero
        }
        for strategy in touched {
            guard let entry = touchedLegs[strategy] else { continue }
            strategyLegsRemoved(strategy, cause: .settled, legs: entry.legs, payoff: entry.payoff, collateralRemoved: entry.collateral,
                                realizedPnL: entry.realized, into: &events)
        }
        statistics.boardsSettled += 1
        emit(.boardSettled(board: boardID, spot: spot, positions: settled, poolPayout: poolPayout), into: &events)
    }

    /// Force-closes trader shorts whose collateral fell below the shocked minimum, with a penalty to the pool.
    mutating func liquidateUndercollateralizedShorts(into events: inout [EngineEvent]) {
        for boardID in liveBoards {
            let board = boards[boardID.index]
            guard time < board.expiry else { continue }
            for seriesID in board.calls + board.puts where shortCollateralFloor[seriesID.index].isFinite {
                // One shocked price per series; the whole series is skipped when even its thinnest short
                // clears the minimum (with a margin for rounding), so a quiet tick never touches positions.
                let perContract = minimumShortCollateralPerContract(seriesID)
                if shortCollateralFloor[seriesID.index] > perContract * (1 + 1e-9) + 1e-6 { continue }
                for positionID in seriesPositions[seriesID.index] {
                    guard let position = positions[positionID], isLiquidatable(position) else { continue }
                    let contracts = Quantity(micros: -position.quantity.micros)
                    let minimum = Money.fromPricing(perUnit: perContract, quantity: contracts, rounding: .up)
                    if position.collateral < minimum {
                        liquidate(position, minimum: minimum, into: &events)
                    }
                }
            }
        }
    }

    mutating func liquidate(_ position: Position, minimum: Money, into events: inout [EngineEvent]) {
        let contracts = Quantity(micros: -position.quantity.micros)
        let order = Order(account: position.account, series: position.series, side: .buy, quantity: contracts)
        guard case .success(var plan) = planTrade(order, forced: true, strategy: position.strategy) else { return }
        let collateral = position.collateral
        let cost = plan.cashFlow
        // Exact: a `Double` product can land a hair above a whole micro-unit and round up one too many.
        let penaltyPPM = Int64((configuration.shorts.liquidationPenalty * 1_000_000).rounded())
        let penalty = cost.scaled(by: penaltyPPM, over: 1_000_000, rounding: .up)
        // Collateral pays first, then the free balance; whatever is still missing is recorded, not hidden.
        let owed = cost + penalty
        let available = collateral + max(accounts[position.account.index].balance, .zero)
        let paid = min(owed, available)
        let shortfall = owed - paid
        let penaltyPaid = max(.zero, paid - cost)
        let costPaid = paid - penaltyPaid
        plan.collateralReleased = collateral
        if shortfall.isPositive {
            // The pool receives only what could be paid; the rest of the buyback is bad debt.
            plan.cashFlow = costPaid
            plan.reserveCut = min(plan.reserveCut, costPaid)
        }
        var fill = commitTrade(plan, isLiquidation: true)
        fill.isLiquidation = true
        accounts[position.account.index].balance -= penaltyPaid
        accounts[position.account.index].realizedPnL -= penaltyPaid
        pool.cash += penaltyPaid
        pool.penaltiesEarned += penaltyPaid
        if shortfall.isPositive {
            pool.insolvency += shortfall
            emit(.insolvency(amount: shortfall, detail: "liquidation of \(series[position.series.index].name) short of \(shortfall)"), into: &events)
        }
        let returned = max(.zero, collateral - paid)
        statistics.liquidations += 1
        emit(.orderFilled(fill), into: &events)
        emit(.liquidated(Liquidation(
            account: position.account, series: position.series, quantity: contracts, collateral: collateral,
            minimumCollateral: minimum, buybackCost: cost, penalty: penaltyPaid, returned: returned, shortfall: shortfall)), into: &events)
        if let strategy = position.strategy {
            strategyLegsRemoved(strategy, cause: .liquidated, legs: [StrategyHolding.HeldLeg(series: position.series, quantity: position.quantity)],
                                payoff: -(costPaid + penaltyPaid), collateralRemoved: collateral, realizedPnL: fill.realizedPnL - penaltyPaid,
                                into: &events)
        }
    }
}

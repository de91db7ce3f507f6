extension Engine {
    /// Applies one command at the current simulated time and returns what happened.
    public mutating func apply(_ command: EngineCommand) -> [EngineEvent] {
        var events: [EngineEvent] = []
        apply(command, into: &events)
        return events
    }

    mutating func apply(_ command: EngineCommand, into events: inout [EngineEvent]) {
        switch command {
        case .openAccount(let name, let role, let funding):
            let id = AccountID(accounts.count)
            let funded = max(funding, .zero)
            accounts.append(Account(
                id: id, name: name, role: role, balance: funded, collateral: .zero, shares: .zero,
                realizedPnL: .zero, feesPaid: .zero, funded: funded))
            externalNet += funded
            emit(.accountOpened(account: id, name: name, role: role, funding: funded), into: &events)
        case .fund(let account, let amount):
            guard isKnownAccount(account) else { return reject(.unknownAccount, account, into: &events) }
            guard amount.isPositive else { return reject(.invalidQuantity, account, "funding must be positive", into: &events) }
            accounts[account.index].balance += amount
            accounts[account.index].funded += amount
            externalNet += amount
            emit(.accountFunded(account: account, amount: amount), into: &events)
        case .placeOrder(let order):
            placeOrder(order, into: &events)
        case .closePosition(let account, let seriesID, let quantity):
            guard isKnownAccount(account) else { return reject(.unknownAccount, account, into: &events) }
            guard let position = position(account: account, series: seriesID) else {
                return reject(.noPosition, account, isKnownSeries(seriesID) ? series[seriesID.index].name : "", into: &events)
            }
            let held = Quantity(micros: abs(position.quantity.micros))
            let amount = min(quantity ?? held, held)
            placeOrder(Order(account: account, series: seriesID, side: position.isLong ? .sell : .buy, quantity: amount), into: &events)
        case .deposit(let account, let amount):
            deposit(account: account, amount: amount, into: &events)
        case .withdraw(let account, let shares):
            withdraw(account: account, shares: shares, into: &events)
        case .setHedging(let enabled):
            pool.hedgingEnabled = enabled
            emit(.hedgingChanged(enabled: enabled), into: &events)
        }
    }

    /// Runs the simulation forward to `target`, one tick at a time, and returns every event on the way
    /// (settlements, listings, hedges, liquidations, halts and simulated participants' trades).
    public mutating func advance(to target: SimTime) -> [EngineEvent] {
        var events: [EngineEvent] = []
        advance(to: target, into: &events)
        return events
    }

    /// `advance(to:)` that appends to a caller's buffer, so long headless runs need not keep every event.
    public mutating func advance(to target: SimTime, into events: inout [EngineEvent]) {
        let step = configuration.tickInterval
        while time + step <= target {
            tick(into: &events)
        }
    }

    /// One price tick and whatever falls due at its time.
    mutating func tick(into events: inout [EngineEvent]) {
        time += configuration.tickInterval
        statistics.ticks += 1
        let years = configuration.tickInterval.years
        for index in markets.indices {
            PriceProcess.step(&markets[index], configuration: configuration.markets[index], years: years, random: &random)
        }
        if time >= nextHistorySample { sampleHistory() }
        if earliestExpiry <= time {
            settleExpiredBoards(into: &events)
        }
        if time >= nextRiskRefresh {
            refreshRisk()
            updateHalts(into: &events)
            payQueuedWithdrawals(into: &events)
            nextRiskRefresh = time + configuration.riskRefreshInterval
        }
        if time >= nextLiquidationCheck {
            liquidateUndercollateralizedShorts(into: &events)
            nextLiquidationCheck = time + configuration.liquidationCheckInterval
        }
        if time >= nextHedge {
            hedge(into: &events)
            nextHedge = time + configuration.hedging.interval
        }
        if let wakeUp = botSchedule.min, wakeUp.time <= time {
            runDueParticipants(into: &events)
        }
    }

    var earliestExpiry: SimTime {
        var earliest = SimTime(milliseconds: .max)
        for id in liveBoards where boards[id.index].expiry < earliest { earliest = boards[id.index].expiry }
        return earliest
    }

    mutating func sampleHistory() {
        let limit = configuration.priceHistoryLength
        for index in markets.indices {
            markets[index].history.append(markets[index].spot)
            if markets[index].history.count > limit { markets[index].history.removeFirst(markets[index].history.count - limit) }
            // The header's change figure is against the start of the simulated day (UTC).
            if time.milliseconds % 86_400_000 < configuration.priceHistoryInterval.milliseconds {
                markets[index].openingSpot = markets[index].spot
            }
        }
        nextHistorySample = time + configuration.priceHistoryInterval
    }
}

extension Engine {
    /// Applies one command at the current simulated time and returns what happened.
    public mutating func apply(_ command: EngineCommand) -> [EngineEvent] {
        var events: [EngineEvent] = []
        apply(command, into: &events)
        checkInvariantsInDebugBuilds(after: "apply")
        return events
    }

    mutating func apply(_ command: EngineCommand, into events: inout [EngineEvent]) {
        if let violation = command.rangeViolation {
            statistics.countRejection(violation.reason)
            let order: Order? = if case .placeOrder(let order) = command { order } else { nil }
            emit(.orderRejected(account: command.account ?? AccountID(accounts.count), series: order.flatMap { isKnownSeries($0.series) ? $0.series : nil },
                                side: order?.side, quantity: order?.quantity, rejection: violation), into: &events)
            return
        }
        switch command {
        case .openAccount(let name, let role, let funding):
            let id = AccountID(accounts.count)
            let funded = max(funding, .zero)
            // All outside money together stays within the input range, so no sum of balances can overflow.
            guard let external = externalNet.adding(funded), external.isWithinInputRange else {
                return reject(.outOfRange, id, "the pool's outside funding would exceed what the engine can count", into: &events)
            }
            accounts.append(Account(
                id: id, name: name, role: role, balance: funded, collateral: .zero, shares: .zero,
                realizedPnL: .zero, feesPaid: .zero, funded: funded))
            externalNet = external
            emit(.accountOpened(account: id, name: name, role: role, funding: funded), into: &events)
        case .fund(let account, let amount):
            guard isKnownAccount(account) else { return reject(.unknownAccount, account, into: &events) }
            guard amount.isPositive else { return reject(.invalidQuantity, account, "funding must be positive", into: &events) }
            guard let balance = accounts[account.index].balance.adding(amount),
                  let funded = accounts[account.index].funded.adding(amount),
                  let external = externalNet.adding(amount), external.isWithinInputRange else {
                return reject(.outOfRange, account, "the account would hold more than the engine can count", into: &events)
            }
            accounts[account.index].balance = balance
            accounts[account.index].funded = funded
            externalNet = external
            emit(.accountFunded(account: account, amount: amount), into: &events)
        case .placeOrder(let order):
            placeOrder(order, into: &events)
        case .closePosition(let account, let seriesID, let quantity, let limit):
            switch closingOrder(account: account, series: seriesID, quantity: quantity, limitPremium: limit) {
            case .success(let order): placeOrder(order, into: &events)
            case .failure(let rejection):
                reject(rejection.reason, account, rejection.detail, into: &events)
            }
        case .deposit(let account, let amount):
            deposit(account: account, amount: amount, into: &events)
        case .withdraw(let account, let shares):
            withdraw(account: account, shares: shares, into: &events)
        case .setHedging(let enabled):
            pool.hedgingEnabled = enabled
            emit(.hedgingChanged(enabled: enabled), into: &events)
        case .placeStrategy(let order):
            placeStrategy(order, into: &events)
        case .closeStrategy(let account, let strategy, let limit):
            closeStrategy(account: account, strategy: strategy, leg: nil, limitNetPremium: limit, into: &events)
        case .closeStrategyLeg(let account, let strategy, let seriesID, let quantity, let limit):
            closeStrategy(account: account, strategy: strategy, leg: (seriesID, quantity, limit), limitNetPremium: nil, into: &events)
        }
    }

    /// The order that closes `quantity` (nil: all) of an account's position, or why there is none: no position,
    /// or more than the position holds (refused rather than silently trimmed, so a typo never trades a size
    /// nobody asked for).
    public func closingOrder(account: AccountID, series seriesID: SeriesID, quantity: Quantity?, limitPremium: Money? = nil) -> Result<Order, Rejection> {
        guard isKnownAccount(account) else { return .failure(Rejection(.unknownAccount)) }
        guard let position = position(account: account, series: seriesID) else {
            return .failure(Rejection(.noPosition, isKnownSeries(seriesID) ? series[seriesID.index].name : ""))
        }
        let held = Quantity(micros: abs(position.quantity.micros))
        var amount = quantity ?? held
        if !configuration.refusesOversizedCloses { amount = min(amount, held) }
        guard amount <= held else {
            return .failure(Rejection(.invalidQuantity, "the position holds \(Plural.contracts(held)), cannot close \(amount.plainText)"))
        }
        return .success(Order(account: account, series: seriesID, side: position.isLong ? .sell : .buy, quantity: amount,
                              limitPremium: limitPremium))
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
        checkInvariantsInDebugBuilds(after: "advance")
    }

    /// In debug builds (and so in every test), every public mutation ends with the full invariant check, as
    /// swift-collections checks its invariants after every mutation: no test has to remember to call it, and a
    /// broken invariant stops at the step that broke it. Release builds skip it (it costs a revaluation of every
    /// live series).
    @inline(__always)
    func checkInvariantsInDebugBuilds(after step: String) {
        #if DEBUG
        let violations = checkInvariants()
        if let first = violations.first {
            preconditionFailure("engine invariant broken after \(step) at \(time): \(first) (\(violations.count) in all)")
        }
        #endif
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

import RealModule

/// The participants with an edge: informed volatility traders, jump traders and bank-run LPs (README,
/// "Participants with an edge"). Each acts on what it can observe plus, for the informed, the truth about the
/// process; all randomness comes from the engine's seeded generator, so runs replay.
extension Engine {
    /// The true current volatility of `market` as an informed trader knows it: the simulated process's regime
    /// volatility combined with its jump variance (jumps per year × (mean² + sd²) of the log jump, both doubled in
    /// the stressed regime), annualized. This is the one place that says what "informed" means.
    public func informedVolatility(market: MarketID) -> Double {
        // On recorded prices the "truth" is what the next hours of the file will realize (the informed trader's
        // edge: they know the next day's realized vol before the pool does); elsewhere the simulated regime's.
        if let forward = forwardRealizedVolatility(market: market, horizon: Self.informedHorizon), forward.isFinite, forward > 0 {
            return forward
        }
        let state = markets[market.index]
        return Self.totalVolatility(configuration.markets[market.index], stressed: state.regime == .stressed)
    }

    /// The volatility an informed trader values an option of `market` expiring at `expiry` at. Under rules 4
    /// (``EngineConfiguration/informedValueOverOptionLife``) on a simulated market: the root of the total variance the
    /// process is expected to realize from now to the expiry given the current regime
    /// (``expectedVolatility(_:stressed:years:)``), so a calm market's weekly option is valued with the stress it
    /// will probably see; otherwise ``informedVolatility(market:)``.
    public func informedVolatility(market: MarketID, expiry: SimTime) -> Double {
        guard configuration.informedValueOverOptionLife, configuration.markets[market.index].history == nil else {
            return informedVolatility(market: market)
        }
        return Self.expectedVolatility(
            configuration.markets[market.index], stressed: markets[market.index].regime == .stressed,
            years: max(0, time.years(until: expiry)))
    }

    /// Root of the mean total variance (diffusion and jumps, ``totalVolatility(_:stressed:)``) the simulated process
    /// realizes over the next `years`, starting in the given regime: the regime is a two-state Markov chain with rates
    /// a = 1/meanCalmDuration (calm → stressed) and b = 1/meanStressedDuration, so the chance of being stressed at t
    /// is π + (p₀ − π)·e^(−(a+b)t) with π = a/(a+b) and p₀ the start (0 or 1); its mean over [0, T] replaces e^(−(a+b)t)
    /// by g = (1 − e^(−x))/x, x = (a+b)T. A regime whose mean duration is 0 never switches (as in ``PriceProcess``).
    static func expectedVolatility(_ market: MarketConfiguration, stressed: Bool, years: Double) -> Double {
        let calm = totalVolatility(market, stressed: false), stress = totalVolatility(market, stressed: true)
        let toStressed = market.meanCalmDuration.years > 0 ? 1 / market.meanCalmDuration.years : 0
        let toCalm = market.meanStressedDuration.years > 0 ? 1 / market.meanStressedDuration.years : 0
        let rate = toStressed + toCalm
        guard rate > 0, years > 0, rate.isFinite else { return stressed ? stress : calm }
        let share = toStressed / rate
        let x = rate * years
        let g = x < 1e-9 ? 1 - x / 2 : -Double.expMinusOne(-x) / x
        let stressedShare = stressed ? share + (1 - share) * g : share * (1 - g)
        return (calm * calm + stressedShare * (stress * stress - calm * calm)).squareRoot()
    }

    /// How far ahead informed participants see a recorded market's realized volatility.
    static let informedHorizon = SimDuration.hours(24)

    /// Annualized volatility of the simulated process in one regime, diffusion and jumps together.
    static func totalVolatility(_ market: MarketConfiguration, stressed: Bool) -> Double {
        let sigma = stressed ? market.stressedVolatility : market.calmVolatility
        let scale = stressed ? 2.0 : 1.0
        let jumpMean = market.jumpMean * scale, jumpDeviation = market.jumpStandardDeviation * scale
        let jumpVariance = max(0, market.jumpsPerYear) * (jumpMean * jumpMean + jumpDeviation * jumpDeviation)
        return (sigma * sigma + jumpVariance).squareRoot()
    }

    /// Value of one contract of `seriesID` now at `volatility` (no fees).
    func fairValue(_ seriesID: SeriesID, volatility: Double) -> Double {
        let option = series[seriesID.index]
        return BlackScholes.valuation(
            kind: option.kind, spot: markets[option.market.index].spot, strike: option.strike.doubleValue,
            time: yearsToExpiry(seriesID), volatility: volatility, rate: configuration.rate).price
    }

    /// A random trading size: 0.2–2 standard sizes, in whole minimum order steps.
    mutating func participantQuantity(market: MarketID) -> Quantity {
        let marketConfig = configuration.markets[market.index]
        let raw = Double(marketConfig.standardSize.micros) * random.double(in: 0.2...2.0)
        let step = Double(marketConfig.minimumOrderSize.micros)
        return Quantity(micros: Int64(max(step, (raw / step).rounded() * step)))
    }

    /// Gain per contract of trading `quantity` of `seriesID` on `side` against its value at `volatility`, as a share
    /// of that value (nil when the value is nil or the pool would refuse the price): buying below value or selling above it.
    func relativeEdge(_ seriesID: SeriesID, side: Side, quantity: Quantity, volatility: Double) -> Double? {
        let fair = fairValue(seriesID, volatility: volatility)
        guard fair > 0, fair.isFinite else { return nil }
        let quote = quoteTrade(series: seriesID, side: side, quantity: quantity)
        let price = quote.perContract(side: side, quantity: quantity.doubleValue)
        guard price > 0, price.isFinite else { return nil }
        return (side == .buy ? fair - price : price - fair) / fair
    }

    // MARK: - Informed volatility traders

    /// Closes one position whose edge is gone (the pool now pays at least its value for it), else opens the best
    /// trade among the near-the-money series of a random board when its edge clears ``ParticipantBehaviour/minimumEdge``.
    mutating func actInformed(_ index: Int, into events: inout [EngineEvent]) {
        let account = bots[index].account
        let rules = bots[index].behaviour ?? ParticipantBehaviour()
        for position in positions(of: account) {
            let option = series[position.series.index]
            guard time < boards[option.board.index].tradingCutoff(configuration.amm) else { continue }
            let side: Side = position.isLong ? .sell : .buy
            let size = Quantity(micros: abs(position.quantity.micros))
            let volatility = informedVolatility(market: option.market, expiry: option.expiry)
            guard let edge = relativeEdge(position.series, side: side, quantity: size, volatility: volatility),
                  edge >= 0 else { continue }
            apply(.closePosition(account: account, series: position.series, quantity: nil), into: &events)
            return
        }
        let candidates = liveBoards.filter { time < boards[$0.index].tradingCutoff(configuration.amm) }
        guard !candidates.isEmpty else { return }
        let board = boards[candidates[random.integer(in: 0...(candidates.count - 1))].index]
        let volatility = informedVolatility(market: board.market, expiry: board.expiry)
        let quantity = participantQuantity(market: board.market)
        let atm = board.atTheMoneyIndex(spot: markets[board.market.index].spot)
        var best: (series: SeriesID, side: Side, edge: Double)?
        for strikeIndex in max(0, atm - 2)...min(board.strikes.count - 1, atm + 2) {
            for kind in OptionKind.allCases {
                let id = board.series(kind, strikeIndex: strikeIndex)
                // The pool refuses to open strikes under its |delta| cutoff; an informed trader does not ask.
                guard abs(markValuation(id).delta) >= configuration.amm.minimumAbsoluteDelta else { continue }
                for side in [Side.buy, .sell] {
                    if let edge = relativeEdge(id, side: side, quantity: quantity, volatility: volatility), edge > (best?.edge ?? -.infinity) {
                        best = (id, side, edge)
                    }
                }
            }
        }
        guard let best, best.edge >= rules.minimumEdge else { return }
        // Size follows conviction, as informed flow does: up to 10 × the drawn size while the edge at that size (the
        // pool's price moves against a larger trade) still clears the threshold, within the order limit and, for a
        // sell, half the balance as collateral.
        let marketConfig = configuration.markets[board.market.index]
        let spot = markets[board.market.index].spot
        var size = quantity
        // The ratio is clamped before it becomes an integer: an option the informed value at almost nothing (a
        // recorded market whose next hours are flat gives a realized vol near 0) makes the edge enormous, and an
        // unclamped conversion past Int64.max traps.
        let conviction = best.edge / max(rules.minimumEdge, 1e-9)
        var multiple: Int64 = conviction.isNaN ? 1 : Int64(min(10, max(1, conviction)))
        while multiple > 1 {
            let (micros, overflow) = quantity.micros.multipliedReportingOverflow(by: multiple)
            let candidate = Quantity(micros: micros)
            let affordable = best.side == .buy || candidate.doubleValue * spot <= 0.5 * accounts[account.index].balance.doubleValue
            if !overflow, affordable, candidate <= marketConfig.maximumOrderSize,
               let edge = relativeEdge(best.series, side: best.side, quantity: candidate, volatility: volatility), edge >= rules.minimumEdge {
                size = candidate
                break
            }
            multiple /= 2
        }
        // Sells post the pool's full collateral (the default), so an informed seller is never liquidated.
        placeOrder(Order(account: account, series: best.series, side: best.side, quantity: size), into: &events)
    }

    // MARK: - Jump traders

    /// Looks at every market's spot; after a jump (a move past ``ParticipantBehaviour/jumpThreshold`` since the last
    /// look) buys the now at-the-money option of the nearest expiry if it is cheap at the volatility the jump implies.
    /// Sells everything back after ``ParticipantBehaviour/jumpHoldingPeriod``.
    ///
    /// The pool's IV does not react to a jump (it follows its regime level with a half-life of hours), so a trader who
    /// sees one within seconds trades before the pool's price has learnt anything from it. What the jump tells: in
    /// the stressed regime jumps are twice as large, so a large jump makes stress likely (Bayes on the jump's size,
    /// with the process's own regime durations as the prior); the trader values options at the variance that
    /// probability implies.
    mutating func actJumpTrader(_ index: Int, into events: inout [EngineEvent]) {
        let account = bots[index].account
        let rules = bots[index].behaviour ?? ParticipantBehaviour()
        var memory = bots[index].memory ?? ParticipantMemory()
        defer { bots[index].memory = memory }
        if let bought = memory.boughtAt, time >= bought + rules.jumpHoldingPeriod {
            for position in positions(of: account) where time < boards[series[position.series.index].board.index].tradingCutoff(configuration.amm) {
                apply(.closePosition(account: account, series: position.series, quantity: nil), into: &events)
            }
            memory.boughtAt = nil
        }
        let spots = markets.map(\.spot)
        defer { memory.lastSpots = spots }
        guard let last = memory.lastSpots, last.count == spots.count else { return }
        for market in markets.indices {
            guard last[market] > 0, spots[market] > 0 else { continue }
            let move = Double.log(spots[market] / last[market])
            guard abs(move) >= rules.jumpThreshold else { continue }
            let marketID = MarketID(market)
            let volatility = jumpImpliedVolatility(move: move, market: configuration.markets[market])
            guard let board = liveBoards(market: marketID).first(where: { time < $0.tradingCutoff(configuration.amm) }) else { continue }
            let strikeIndex = board.atTheMoneyIndex(spot: spots[market])
            let id = board.series(move < 0 ? .put : .call, strikeIndex: strikeIndex)
            let quantity = participantQuantity(market: marketID)
            guard let edge = relativeEdge(id, side: .buy, quantity: quantity, volatility: volatility), edge >= rules.minimumEdge else { continue }
            placeOrder(Order(account: account, series: id, side: .buy, quantity: quantity), into: &events)
            if position(account: account, series: id) != nil { memory.boughtAt = time }
        }
    }

    /// The volatility a jump trader expects after seeing a log move `move`: the regime-weighted total variance, with
    /// the stressed regime's probability from Bayes on the move's size (calm jumps ~ N(mean, sd), stressed ones
    /// ~ N(2 mean, 2 sd)) and the share of time the process spends stressed as the prior.
    static func jumpPosterior(move: Double, market: MarketConfiguration) -> Double {
        let calmTime = max(market.meanCalmDuration.years, 1e-12), stressedTime = max(market.meanStressedDuration.years, 0)
        let prior = stressedTime / (calmTime + stressedTime)
        func density(_ mean: Double, _ deviation: Double) -> Double {
            let sd = max(deviation, 1e-9)
            let z = (move - mean) / sd
            return Double.exp(-0.5 * z * z) / sd
        }
        let stressed = prior * density(2 * market.jumpMean, 2 * market.jumpStandardDeviation)
        let calm = (1 - prior) * density(market.jumpMean, market.jumpStandardDeviation)
        let total = stressed + calm
        return total > 0 && total.isFinite ? stressed / total : prior
    }

    func jumpImpliedVolatility(move: Double, market: MarketConfiguration) -> Double {
        let stressed = Self.jumpPosterior(move: move, market: market)
        let calmVol = Self.totalVolatility(market, stressed: false), stressedVol = Self.totalVolatility(market, stressed: true)
        return (stressed * stressedVol * stressedVol + (1 - stressed) * calmVol * calmVol).squareRoot()
    }

    // MARK: - Bank-run LPs

    /// Invested: withdraws every share when the share price is ``ParticipantBehaviour/bankRunDrawdown`` below the
    /// highest it has seen or utilization reaches ``ParticipantBehaviour/bankRunUtilization``. Out: deposits most of
    /// its balance again once ``ParticipantBehaviour/calmPeriod`` has passed and utilization is below
    /// ``ParticipantBehaviour/calmUtilization``. Starts by depositing, like the other LPs.
    mutating func actBankRunLiquidityProvider(_ index: Int, into events: inout [EngineEvent]) {
        let account = bots[index].account
        let rules = bots[index].behaviour ?? ParticipantBehaviour()
        var memory = bots[index].memory ?? ParticipantMemory()
        defer { bots[index].memory = memory }
        let price = sharePrice(nav: cachedNAV)
        let held = accounts[account.index].shares
        if held.isPositive {
            let peak = max(memory.peakSharePrice ?? price, price)
            memory.peakSharePrice = peak
            let drawdown = peak > 0 ? 1 - price / peak : 0
            if drawdown >= rules.bankRunDrawdown || utilization >= rules.bankRunUtilization {
                apply(.withdraw(account: account, shares: held), into: &events)
                memory.ranAt = time
                memory.peakSharePrice = nil
            }
            return
        }
        if let ran = memory.ranAt {
            guard time >= ran + rules.calmPeriod, utilization < rules.calmUtilization else { return }
        } else if utilization >= rules.calmUtilization {
            return
        }
        let balance = accounts[account.index].balance
        let amount = Money(micros: Int64(Double(balance.micros) * random.double(in: 0.6...0.9)))
        guard amount.isPositive else { return }
        apply(.deposit(account: account, amount: amount), into: &events)
        memory.ranAt = nil
        memory.peakSharePrice = price
    }
}

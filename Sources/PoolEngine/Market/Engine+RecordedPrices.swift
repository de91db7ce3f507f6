import RealModule

/// The built path of the bar a recorded market is in (derived state: rebuilt from the seed and the bars on demand,
/// never stored in snapshots).
struct RecordedPathCache: Sendable {
    var isRecorded: Bool
    /// Open time of the cached bar, and the spot at each of its ticks from there.
    var start: Int64 = 0
    var values: [Double] = []
}

extension Engine {
    /// The lowest implied-volatility level a shock or a recorded series can set (1 vol point).
    static let minimumVolatilityLevel = 0.01

    /// Whether `market` is driven by recorded prices rather than the simulated process.
    public func isRecorded(_ market: MarketID) -> Bool {
        configuration.markets[market.index].history != nil
    }

    /// Where the recorded prices of `market` end (the last bar's close time), or nil for a simulated market.
    public func recordedPricesEnd(_ market: MarketID) -> SimTime? {
        configuration.markets[market.index].history?.bars.end
    }

    /// Whether some recorded market is past the end of its data (its spot holds the last close): "history ended".
    public var isRecordedHistoryOver: Bool {
        configuration.markets.contains { $0.history.map { time >= $0.bars.end } ?? false }
    }

    /// Realized volatility (annualised) of a recorded market's path over the next `horizon`: close-to-close log returns
    /// from the current (unshocked) spot through the closes of the bars that close within `(now, now + horizon]`,
    /// their squares summed and divided by the years they span. Nil for a simulated market, or when no bar closes
    /// within the horizon (the history has ended). What an informed participant "knows" of the hours ahead.
    public func forwardRealizedVolatility(market: MarketID, horizon: SimDuration) -> Double? {
        guard market.index >= 0, market.index < markets.count, horizon.milliseconds > 0,
              let bars = configuration.markets[market.index].history?.bars else { return nil }
        let now = time.milliseconds
        var k = (bars.barIndex(atOrBefore: now) ?? -1)
        if k >= 0, bars.closeTime(k) <= now { k += 1 }
        k = max(k, 0)
        var previous = markets[market.index].spot / (markets[market.index].priceFactor ?? 1)
        var sum = 0.0
        var lastClose = now
        while k < bars.count, bars.closeTime(k) <= now + horizon.milliseconds {
            let r = Double.log(bars.close[k] / previous)
            sum += r * r
            previous = bars.close[k]
            lastClose = bars.closeTime(k)
            k += 1
        }
        guard lastClose > now else { return nil }
        return (sum / SimTime(milliseconds: now).years(until: SimTime(milliseconds: lastClose))).squareRoot()
    }

    /// The spot a recorded market's path gives at the current time (before any shock factor), or nil when the
    /// market is simulated. Builds the bar's path when the time has left the cached one.
    mutating func recordedSpot(_ index: Int) -> Double? {
        if recordedPaths.count != markets.count {
            recordedPaths = configuration.markets.map { RecordedPathCache(isRecorded: $0.history != nil) }
        }
        guard recordedPaths[index].isRecorded else { return nil }
        let now = time.milliseconds
        let tick = configuration.tickInterval.milliseconds
        let offset = now - recordedPaths[index].start
        if offset >= 0, offset / tick < Int64(recordedPaths[index].values.count) {
            return recordedPaths[index].values[Int(offset / tick)]
        }
        guard let bars = configuration.markets[index].history?.bars else { return nil }
        if now >= bars.end.milliseconds { return bars.close[bars.count - 1] }
        guard let k = bars.barIndex(atOrBefore: now) else { return bars.open[0] }
        let values = RecordedPricePath.segment(bars: bars, bar: k, tick: tick, seed: seed, market: index)
        recordedPaths[index] = RecordedPathCache(isRecorded: true, start: bars.times[k], values: values)
        let index = Int((now - bars.times[k]) / tick)
        return values[min(index, values.count - 1)]
    }

    /// Moves every market one tick: recorded markets along their path (times any shock factor), simulated ones by
    /// the seeded process (drawing from the market's own stream under rules 4, else from the engine's one generator).
    mutating func stepMarkets(years: Double) {
        for index in markets.indices {
            if let recorded = recordedSpot(index) {
                markets[index].spot = markets[index].priceFactor.map { recorded * $0 } ?? recorded
            } else if index < priceStreams.count {
                PriceProcess.step(&markets[index], configuration: configuration.markets[index], years: years, random: &priceStreams[index])
            } else {
                PriceProcess.step(&markets[index], configuration: configuration.markets[index], years: years, random: &random)
            }
        }
    }

    /// Sets recorded markets' starting spot and implied-volatility level (at construction, before boards are listed).
    mutating func startRecordedMarkets() {
        for index in markets.indices {
            guard let spot = recordedSpot(index) else { continue }
            markets[index].spot = spot
            markets[index].openingSpot = spot
            markets[index].history = [spot]
            markets[index].impliedVolatilityLevel = impliedVolatilityTarget(index).level
        }
    }

    /// The implied-volatility level market `index` is steered to now, and whether it comes from recorded data (set
    /// outright at each refresh) rather than the simulated regime (approached with the base-IV reversion half-life).
    ///
    /// Simulated: regime volatility × premium. Recorded: the `--iv` index, else trailing realized volatility × premium
    /// (the market's calm volatility × premium until two bars have closed). A volatility shock's shift is added to
    /// either, and the result is never below ``minimumVolatilityLevel``.
    func impliedVolatilityTarget(_ index: Int) -> (level: Double, isRecorded: Bool) {
        let market = configuration.markets[index]
        let shift = markets[index].volatilityShift
        guard let history = market.history else {
            let level = markets[index].regimeVolatility(market) * market.impliedVolatilityPremium
            // Unshocked markets keep the exact arithmetic of sessions before shocks existed.
            guard let shift else { return (level, false) }
            return (max(level + shift, Self.minimumVolatilityLevel), false)
        }
        let base = history.recordedImpliedVolatility(at: time)
            ?? (history.trailingRealizedVolatility(at: time) ?? market.calmVolatility) * market.impliedVolatilityPremium
        return (max(base + (shift ?? 0), Self.minimumVolatilityLevel), true)
    }
}

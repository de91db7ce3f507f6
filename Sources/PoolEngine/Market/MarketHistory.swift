import RealModule

/// A series of OHLC bars — a market's recorded prices, or an implied-volatility index in percent — stored column-wise
/// (five arrays rather than one object per bar) so a journal's configuration row stays compact.
///
/// `times[k]` is bar k's **open** time in milliseconds since 1970-01-01Z; times are strictly increasing. A bar covers
/// `[times[k], times[k] + interval)`; a later bar starting after that leaves a gap (bridged, see ``MarketHistory``).
public struct PriceBars: Codable, Hashable, Sendable {
    public var times: [Int64]
    public var open: [Double]
    public var high: [Double]
    public var low: [Double]
    public var close: [Double]
    /// Length of one bar (the shortest spacing between two bars; given by the file reader for a single bar).
    public var interval: SimDuration

    public init(times: [Int64], open: [Double], high: [Double], low: [Double], close: [Double], interval: SimDuration) {
        self.times = times
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.interval = interval
    }

    public var count: Int { times.count }

    /// Open time of the first bar.
    public var start: SimTime { SimTime(milliseconds: times.first ?? 0) }

    /// Close time of the last bar: where the recorded data ends.
    public var end: SimTime { SimTime(milliseconds: (times.last ?? 0) + interval.milliseconds) }

    /// Close time of bar `k`.
    public func closeTime(_ k: Int) -> Int64 { times[k] + interval.milliseconds }

    /// The last bar opened at or before `milliseconds`, or nil before the first bar.
    public func barIndex(atOrBefore milliseconds: Int64) -> Int? {
        guard let first = times.first, milliseconds >= first else { return nil }
        var low = 0, high = times.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if times[middle] <= milliseconds { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The bars opened within `[from, to)`, in order.
    public func slice(from: Int64, to: Int64) -> PriceBars {
        let kept = times.indices.filter { times[$0] >= from && times[$0] < to }
        return PriceBars(times: kept.map { times[$0] }, open: kept.map { open[$0] }, high: kept.map { high[$0] },
                         low: kept.map { low[$0] }, close: kept.map { close[$0] }, interval: interval)
    }

    /// Why these bars cannot drive a market, or nil: the columns must agree in length, times strictly increase by at
    /// least `interval`, every price is finite and positive, and low ≤ open, close ≤ high. (The CLI's reader reports
    /// the same rules with file and line; this guards configurations read back from a journal.)
    public func validationError() -> String? {
        let n = times.count
        guard n > 0 else { return "no bars" }
        guard open.count == n, high.count == n, low.count == n, close.count == n else { return "bar columns differ in length" }
        guard interval.milliseconds > 0 else { return "bar interval must be positive" }
        for k in 0..<n {
            if k > 0, times[k] - times[k - 1] < interval.milliseconds { return "bar \(k): opens less than one interval after the bar before" }
            let values = [open[k], high[k], low[k], close[k]]
            if values.contains(where: { !$0.isFinite || $0 <= 0 }) { return "bar \(k): prices must be finite and positive" }
            if low[k] > high[k] || open[k] < low[k] || open[k] > high[k] || close[k] < low[k] || close[k] > high[k] {
                return "bar \(k): open and close must lie within low…high"
            }
        }
        return nil
    }
}

/// Recorded data that drives one market instead of the simulated process (`--prices`, `--iv`).
///
/// Kept in the market's configuration, so the journal records what drove a session and a replay or a replica walks
/// the same path. Between bars the spot moves at the engine's tick along a seeded path through each bar's open, high,
/// low and close (see ``RecordedPricePath``); at a bar's close time the spot is that bar's close exactly. After the
/// last bar the spot holds the last close ("history ended").
///
/// The market's implied-volatility level follows `impliedVolatility` (percent, interpolated within each bar from its
/// open to its close) when given; otherwise the realized volatility of the last ``realizedVolatilityWindow`` completed
/// bars (close to close, annualised by the bar interval) times the market's `impliedVolatilityPremium`.
public struct MarketHistory: Codable, Hashable, Sendable {
    /// Where the prices came from (a file name), for the record and for messages.
    public var source: String
    public var bars: PriceBars
    /// An implied-volatility index in percent (DVOL-style OHLC), or nil.
    public var impliedVolatility: PriceBars?
    public var impliedVolatilitySource: String?

    /// Completed bars in the trailing realized-volatility window (24: one day of hourly bars).
    public static let realizedVolatilityWindow = 24

    public init(source: String, bars: PriceBars, impliedVolatility: PriceBars? = nil, impliedVolatilitySource: String? = nil) {
        self.source = source
        self.bars = bars
        self.impliedVolatility = impliedVolatility
        self.impliedVolatilitySource = impliedVolatilitySource
    }

    /// Why this history cannot drive a market ticking every `tick` from `start`, or nil.
    public func validationError(tick: SimDuration, start: SimTime) -> String? {
        if let problem = bars.validationError() { return "\(source): \(problem)" }
        if let impliedVolatility, let problem = impliedVolatility.validationError() { return "\(impliedVolatilitySource ?? "iv"): \(problem)" }
        let step = tick.milliseconds
        guard step > 0 else { return nil }
        if bars.interval.milliseconds % step != 0 || bars.interval.milliseconds / step < RecordedPricePath.minimumTicksPerBar {
            return "\(source): bars of \(bars.interval) need at least \(RecordedPricePath.minimumTicksPerBar) whole ticks of \(tick)"
        }
        if bars.times.contains(where: { ($0 - start.milliseconds) % step != 0 }) {
            return "\(source): bar times must fall on the tick grid from the start"
        }
        if start < bars.start || start >= bars.end { return "\(source): the session start \(start) is outside the bars (\(bars.start)–\(bars.end))" }
        return nil
    }

    /// The implied-volatility index at `time` as a fraction (0.8 for 80%), interpolated from the bar's open to its
    /// close; the first bar's open before the series and the last close after it. Nil without an index.
    public func recordedImpliedVolatility(at time: SimTime) -> Double? {
        guard let series = impliedVolatility, series.count > 0 else { return nil }
        guard let k = series.barIndex(atOrBefore: time.milliseconds) else { return series.open[0] / 100 }
        let elapsed = Double(time.milliseconds - series.times[k]) / Double(series.interval.milliseconds)
        guard elapsed < 1 else { return series.close[k] / 100 }
        return (series.open[k] + (series.close[k] - series.open[k]) * elapsed) / 100
    }

    /// Annualised close-to-close realized volatility of the last ``realizedVolatilityWindow`` bars completed by
    /// `time`, or nil before two bars have closed.
    public func trailingRealizedVolatility(at time: SimTime) -> Double? {
        guard let k = bars.barIndex(atOrBefore: time.milliseconds) else { return nil }
        // Bars 0...last have closed by `time`.
        let last = bars.closeTime(k) <= time.milliseconds ? k : k - 1
        guard last >= 2 else { return nil }
        let first = max(1, last - Self.realizedVolatilityWindow + 1)
        var sum = 0.0
        for j in first...last {
            let r = Double.log(bars.close[j] / bars.close[j - 1])
            sum += r * r
        }
        let barsPerYear = SimDuration.millisecondsPerYear / Double(bars.interval.milliseconds)
        return (sum / Double(last - first + 1) * barsPerYear).squareRoot()
    }
}

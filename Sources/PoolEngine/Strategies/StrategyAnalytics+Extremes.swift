extension StrategyAnalytics {
    /// The lowest and highest P&L of a payoff chart's two curves over the spots of `curve` (USD): what the chart's
    /// value axis must span, so its labels are the curves' true extremes and not the extremes of the sampled dots.
    ///
    /// The P&L at expiry is piecewise linear with kinks at the strikes, so its extremes over the range are at the ends
    /// or at a strike inside: those are evaluated exactly (a bounded strategy's maximum loss or profit is one of them
    /// whenever the spot it is reached at is in the range). Today's model curve (and, for legs over several expiries,
    /// the curve at the first expiry) is smooth: its lowest and highest samples are refined by a golden-section search
    /// between their neighbouring samples.
    ///
    /// - Returns: lowest...highest, USD, premium in; `0...0` for an empty curve.
    public static func extremes(_ legs: [ModelLeg], netPremium: Double, curve: Curve, now: SimTime, rate: Double) -> ClosedRange<Double> {
        guard let low = curve.spots.first, let high = curve.spots.last else { return 0...0 }
        let payoff = legs.map(\.payoff)
        let first = firstExpiry(payoff) ?? now
        let multiExpiry = Set(payoff.map(\.expiry)).count > 1
        let atExpiry: (Double) -> Double = multiExpiry
            ? { modelValue(legs, spot: $0, at: first, rate: rate) - netPremium }
            : { StrategyPayoff.value(payoff, atSpot: $0) - netPremium }
        let today: (Double) -> Double = { modelValue(legs, spot: $0, at: now, rate: rate) - netPremium }
        var values = curve.atExpiry + curve.today
        values += ([low, high] + payoff.map(\.strike).filter { $0 > low && $0 < high }).map(atExpiry)
        values += refinedExtremes(today, samples: curve.today, spots: curve.spots)
        if multiExpiry { values += refinedExtremes(atExpiry, samples: curve.atExpiry, spots: curve.spots) }
        let finite = values.filter(\.isFinite)
        guard let lowest = finite.min(), let highest = finite.max() else { return 0...0 }
        return lowest...highest
    }

    /// The minimum and maximum of smooth `function` near its lowest and highest samples: a golden-section search over
    /// the two sample intervals around each (60 steps, far below a cent for any chart's spot range).
    static func refinedExtremes(_ function: (Double) -> Double, samples: [Double], spots: [Double]) -> [Double] {
        guard samples.count == spots.count, samples.count >= 3 else { return [] }
        let indexed = samples.indices.filter { samples[$0].isFinite }
        guard let lowest = indexed.min(by: { samples[$0] < samples[$1] }),
              let highest = indexed.max(by: { samples[$0] < samples[$1] }) else { return [] }
        func search(around index: Int, sign: Double) -> Double {
            var a = spots[max(0, index - 1)], b = spots[min(spots.count - 1, index + 1)]
            let ratio = (5.0.squareRoot() - 1) / 2
            for _ in 0..<60 {
                let c = b - ratio * (b - a), d = a + ratio * (b - a)
                if sign * function(c) < sign * function(d) { b = d } else { a = c }
            }
            return function((a + b) / 2)
        }
        return [search(around: lowest, sign: 1), search(around: highest, sign: -1)]
    }
}

import RealModule

/// A leg for today's model value: its payoff shape plus the vol it is priced at.
public struct ModelLeg: Hashable, Sendable {
    public var payoff: PayoffLeg
    /// Annualised traded vol (0.55 = 55%).
    public var volatility: Double

    public init(payoff: PayoffLeg, volatility: Double) {
        self.payoff = payoff
        self.volatility = volatility
    }
}

/// Figures a strategy ticket shows besides the engine's preview: the payoff profile, today's model value across spot,
/// and the probability of profit. Pure `Double` arithmetic on ``PayoffLeg``s (display figures, never money).
public enum StrategyAnalytics {
    /// The legs of `legs` × `size` as the engine lists them, signed from the trader's side, at today's traded vols.
    public static func modelLegs(_ legs: [StrategyLeg], size: Quantity, engine: Engine) -> [ModelLeg] {
        legs.compactMap { leg in
            guard engine.isKnownSeries(leg.series) else { return nil }
            let option = engine.series[leg.series.index]
            let contracts = size.doubleValue * Double(leg.ratio) * (leg.side == .buy ? 1 : -1)
            return ModelLeg(payoff: PayoffLeg(kind: option.kind, strike: option.strike.doubleValue, quantity: contracts, expiry: option.expiry),
                            volatility: engine.tradedVolatility(leg.series))
        }
    }

    /// The vol a strategy's probability of profit is computed at: the legs' traded vols averaged with their
    /// contracts as weights (one leg's vol for a single-strike strategy; the smile's level across a spread).
    public static func tradedVolatility(_ legs: [ModelLeg]) -> Double {
        let weight = legs.reduce(0) { $0 + abs($1.payoff.quantity) }
        guard weight > 0 else { return 0 }
        return legs.reduce(0) { $0 + abs($1.payoff.quantity) * $1.volatility } / weight
    }

    /// The first expiry among `legs` (where the payoff profile is taken), or nil for none.
    public static func firstExpiry(_ legs: [PayoffLeg]) -> SimTime? { legs.map(\.expiry).min() }

    /// Model value in USD of `legs` at `spot` when `now` is the time: Black-Scholes at each leg's vol for the time each
    /// has left, intrinsic value for a leg at or past expiry. Premiums are not included.
    public static func modelValue(_ legs: [ModelLeg], spot: Double, at now: SimTime, rate: Double) -> Double {
        var total = 0.0
        for leg in legs {
            let years = max(0, now.years(until: leg.payoff.expiry))
            let price: Double
            if years <= 0 {
                price = leg.payoff.kind == .call ? max(spot - leg.payoff.strike, 0) : max(leg.payoff.strike - spot, 0)
            } else {
                price = BlackScholes.price(kind: leg.payoff.kind, spot: spot, strike: leg.payoff.strike, time: years,
                                           volatility: leg.volatility, rate: rate)
            }
            total += price * leg.payoff.quantity
        }
        return total
    }

    /// Probability that the P&L at the first expiry (``StrategyPayoff``, premium `netPremium` paid, fees in) is above
    /// zero when spot at that expiry is lognormal: ln S_T ~ N(ln S₀ + (r − σ²/2)·T, σ²·T), the Black-Scholes
    /// (risk-neutral) law at vol σ.
    ///
    /// Exact for the piecewise-linear profile: the spot line is cut at the strikes and break-evens, the sign of the
    /// P&L read in each piece, and the lognormal mass of the profitable pieces summed.
    ///
    /// - Parameters:
    ///   - spot: USD now; `volatility` annualised; `years` to the first expiry; `rate` continuous, annual.
    /// - Returns: 0…1; with `years` or `volatility` at zero, 1 or 0 by the P&L at today's spot.
    public static func probabilityOfProfit(_ legs: [PayoffLeg], netPremium: Double, spot: Double, volatility: Double, years: Double, rate: Double) -> Double {
        let pnl = { (at: Double) in StrategyPayoff.value(legs, atSpot: at) - netPremium }
        guard spot > 0 else { return 0 }
        let spread = volatility * years.squareRoot()
        guard spread > 0, spread.isFinite else { return pnl(spot) > 0 ? 1 : 0 }
        let profile = StrategyPayoff.profile(legs, netPremium: netPremium)
        let cuts = Array(Set([0.0] + legs.map(\.strike) + profile.breakEvens).filter { $0 >= 0 && $0.isFinite }).sorted()
        let drift = (rate - volatility * volatility / 2) * years
        func below(_ x: Double) -> Double {
            guard x > 0 else { return 0 }
            guard x.isFinite else { return 1 }
            return NormalDistribution.cdf((Double.log(x / spot) - drift) / spread)
        }
        var probability = 0.0
        for (index, low) in cuts.enumerated() {
            let high = index + 1 < cuts.count ? cuts[index + 1] : Double.infinity
            let probe = high.isFinite ? (low + high) / 2 : max(low * 2, low + 1)
            if pnl(probe) > 1e-9 { probability += below(high) - below(low) }
        }
        return min(max(probability, 0), 1)
    }

    /// The payoff chart's data: spots across a range and, at each, the P&L at the first expiry and today's model P&L.
    public struct Curve: Hashable, Sendable {
        public var spots: [Double]
        /// P&L at the first expiry (later legs at intrinsic, as ``StrategyPayoff``), USD, premium in.
        public var atExpiry: [Double]
        /// Model value now minus the premium, USD.
        public var today: [Double]
    }

    /// ``Curve`` at `count` spots evenly spread over `range` (at least 2).
    public static func curve(_ legs: [ModelLeg], netPremium: Double, range: ClosedRange<Double>, count: Int, now: SimTime, rate: Double) -> Curve {
        let points = max(2, count)
        let step = (range.upperBound - range.lowerBound) / Double(points - 1)
        let spots = (0..<points).map { range.lowerBound + Double($0) * step }
        let payoff = legs.map(\.payoff)
        let first = firstExpiry(payoff) ?? now
        let multiExpiry = Set(payoff.map(\.expiry)).count > 1
        return Curve(spots: spots,
                     atExpiry: spots.map { multiExpiry ? modelValue(legs, spot: $0, at: first, rate: rate) - netPremium
                         : StrategyPayoff.value(payoff, atSpot: $0) - netPremium },
                     today: spots.map { modelValue(legs, spot: $0, at: now, rate: rate) - netPremium })
    }

    /// For legs over several expiries (a calendar): P&L at the first expiry with the later legs at their model value
    /// then (Black-Scholes at today's vols for the time they have left) — the curve traders read a calendar by. Its
    /// break-evens and maximum profit are found numerically over spot × [0.2, 5] (ascending, USD); the probability of
    /// profit is the lognormal mass (as ``probabilityOfProfit(_:netPremium:spot:volatility:years:rate:)``) of the
    /// spots where it is positive.
    public static func multiExpiryProfile(_ legs: [ModelLeg], netPremium: Double, spot: Double, volatility: Double, now: SimTime, rate: Double)
        -> (breakEvens: [Double], maximumProfit: Double, probability: Double) {
        let payoff = legs.map(\.payoff)
        guard spot > 0, let first = firstExpiry(payoff) else { return ([], 0, 0) }
        let pnl = { (at: Double) in modelValue(legs, spot: at, at: first, rate: rate) - netPremium }
        // Log-spaced scan, then bisection at each sign change.
        let count = 4_000
        let low = Double.log(spot * 0.2), high = Double.log(spot * 5)
        var breakEvens: [Double] = []
        var best = -Double.infinity
        var previousX = low, previousValue = pnl(Double.exp(low))
        for index in 1...count {
            let x = low + (high - low) * Double(index) / Double(count)
            let value = pnl(Double.exp(x))
            best = max(best, value)
            if (value > 0) != (previousValue > 0) {
                var (a, b) = (previousX, x)
                for _ in 0..<60 {
                    let middle = (a + b) / 2
                    if (pnl(Double.exp(middle)) > 0) == (previousValue > 0) { a = middle } else { b = middle }
                }
                breakEvens.append(Double.exp((a + b) / 2))
            }
            previousX = x
            previousValue = value
        }
        // The best case sits at a kink (a strike of the first expiry) or between scan points elsewhere.
        for leg in payoff where leg.strike > 0 { best = max(best, pnl(leg.strike)) }
        let years = max(0, now.years(until: first))
        let spread = volatility * years.squareRoot()
        guard spread > 0, spread.isFinite else { return (breakEvens, max(best, 0), pnl(spot) > 0 ? 1 : 0) }
        let drift = (rate - volatility * volatility / 2) * years
        func below(_ x: Double) -> Double { x <= 0 ? 0 : x.isFinite ? NormalDistribution.cdf((Double.log(x / spot) - drift) / spread) : 1 }
        let cuts = [0.0] + breakEvens + [Double.infinity]
        var probability = 0.0
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            let probe = b.isFinite ? (a > 0 ? (a * b).squareRoot() : b / 2) : a * 2
            if pnl(probe) > 0 { probability += below(b) - below(a) }
        }
        return (breakEvens, max(best, 0), min(max(probability, 0), 1))
    }

    /// The spot range a payoff chart shows: every strike and break-even with a margin, and today's spot ± about two
    /// standard deviations to the first expiry (at least ±5%), so the interesting part is always in view.
    public static func chartRange(_ legs: [PayoffLeg], breakEvens: [Double], spot: Double, volatility: Double, years: Double) -> ClosedRange<Double> {
        let move = max(0.05, min(0.6, 2 * volatility * max(years, 0).squareRoot()))
        let marks = legs.map(\.strike) + breakEvens + [spot * (1 - move), spot * (1 + move)]
        let low = marks.min() ?? spot * 0.9, high = marks.max() ?? spot * 1.1
        let margin = max((high - low) * 0.08, spot * 0.01)
        return max(low - margin, spot * 0.01)...(high + margin)
    }
}

/// A leg reduced to what its payoff depends on, for payoff analysis in `Double` (display and risk figures; the
/// engine's collateral uses exact fixed-point arithmetic on the same shape).
public struct PayoffLeg: Hashable, Sendable {
    public var kind: OptionKind
    /// USD per unit of the underlying.
    public var strike: Double
    /// Signed contracts: long > 0.
    public var quantity: Double
    public var expiry: SimTime

    public init(kind: OptionKind, strike: Double, quantity: Double, expiry: SimTime) {
        self.kind = kind
        self.strike = strike
        self.quantity = quantity
        self.expiry = expiry
    }
}

/// Payoff at expiry of a set of legs: a piecewise-linear function of spot with kinks at the strikes.
///
/// Legs that expire after the first expiry are valued at their intrinsic value there: with a zero rate an option is
/// never worth less than intrinsic, so this is the worst case for a long later leg and makes a calendar spread's
/// maximum loss its debit (Hull, *Options, Futures and Other Derivatives*, ch. 11 bounds).
public enum StrategyPayoff {
    /// USD value of the legs at the first expiry if spot is `spot` then (premiums not included).
    public static func value(_ legs: [PayoffLeg], atSpot spot: Double) -> Double {
        var total = 0.0
        for leg in legs {
            let intrinsic = leg.kind == .call ? max(spot - leg.strike, 0) : max(leg.strike - spot, 0)
            total += intrinsic * leg.quantity
        }
        return total
    }

    /// Slope of ``value(_:atSpot:)`` beyond the highest strike: the net call contracts (puts are worth 0 there).
    public static func slopeAboveStrikes(_ legs: [PayoffLeg]) -> Double {
        legs.reduce(0) { $0 + ($1.kind == .call ? $1.quantity : 0) }
    }

    /// Maximum profit, maximum loss and break-even spots of P&L = value − `netPremium`.
    ///
    /// - Parameter netPremium: USD paid to open (fees included); negative for a credit.
    /// - Returns: `maximumProfit`/`maximumLoss` as positive USD amounts, nil when unbounded (the P&L grows without
    ///   limit as spot rises); `breakEvens` ascending USD spots where P&L crosses zero.
    public static func profile(_ legs: [PayoffLeg], netPremium: Double) -> Profile {
        let kinks = Array(Set([0.0] + legs.map(\.strike))).sorted()
        let pnl = { (spot: Double) in value(legs, atSpot: spot) - netPremium }
        let values = kinks.map(pnl)
        let slope = slopeAboveStrikes(legs)
        let best = values.max() ?? 0
        let worst = values.min() ?? 0
        let epsilon = 1e-9
        var breakEvens: [Double] = []
        for index in 0..<(kinks.count - 1) {
            let (a, b) = (values[index], values[index + 1])
            if abs(a) < epsilon { breakEvens.append(kinks[index]); continue }
            if (a < 0) != (b < 0), abs(b) >= epsilon {
                breakEvens.append(kinks[index] + (kinks[index + 1] - kinks[index]) * (-a) / (b - a))
            }
        }
        if let last = kinks.last, let lastValue = values.last {
            if abs(lastValue) < epsilon, kinks.count > 1 { breakEvens.append(last) }
            else if slope != 0, (lastValue < 0) == (slope > 0) { breakEvens.append(last - lastValue / slope) }
        }
        return Profile(
            maximumProfit: slope > epsilon ? nil : max(best, 0),
            maximumLoss: slope < -epsilon ? nil : max(-worst, 0),
            breakEvens: breakEvens.filter { $0 > 0 })
    }

    /// What ``profile(_:netPremium:)`` returns.
    public struct Profile: Hashable, Sendable {
        /// Largest P&L at expiry, USD; nil when unbounded.
        public var maximumProfit: Double?
        /// Largest loss at expiry as a positive USD amount; nil when unbounded.
        public var maximumLoss: Double?
        /// Spots (USD) where P&L at expiry is zero, ascending.
        public var breakEvens: [Double]
    }
}

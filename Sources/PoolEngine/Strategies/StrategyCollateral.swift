/// Exact fixed-point payoff arithmetic for strategy collateral and settlement.
///
/// The payoff at expiry of a set of legs is piecewise linear in spot with kinks at the strikes, so its minimum over
/// all spots is at spot 0, at a strike, or (falling for ever) beyond the highest strike when the net call quantity
/// is negative. Strikes and quantities are whole micro-units, so every value at a kink is an exact integer
/// (micro-USD × 10⁶) in 128 bits; it is rounded once, in the pool's favour.
public enum StrategyCollateral {
    /// A leg as the collateral rules see it.
    public struct Leg: Hashable, Sendable {
        public var kind: OptionKind
        public var strike: Money
        /// Signed contracts: long > 0, short < 0.
        public var quantity: Quantity

        public init(kind: OptionKind, strike: Money, quantity: Quantity) {
            self.kind = kind
            self.strike = strike
            self.quantity = quantity
        }
    }

    /// The most the legs can owe at a common expiry: max(0, −min over spot of their payoff), rounded up to the
    /// micro-unit; nil when unbounded (the net call quantity is negative, so the loss grows without limit with spot)
    /// or beyond what `Money` holds.
    ///
    /// A credit vertical of width `w` and `n` contracts owes `w·n`; an iron condor `n` × its wider wing; a debit
    /// strategy (long butterfly, long straddle) 0. The trader's maximum loss is this minus the net credit received
    /// (plus the net debit paid).
    public static func maximumPayout(_ legs: [Leg]) -> Money? {
        var netCalls: Int128 = 0
        for leg in legs where leg.kind == .call { netCalls += Int128(leg.quantity.micros) }
        guard netCalls >= 0 else { return nil }
        var worst: Int128 = 0
        for spot in [Int64(0)] + legs.map(\.strike.micros) {
            worst = max(worst, -value(legs, atSpotMicros: spot))
        }
        // `worst` is in micro-USD × 10⁶ (micro-strike × micro-contract): one rounding, up.
        let micros = (worst + 999_999) / 1_000_000
        guard let exact = Int64(exactly: micros) else { return nil }
        return Money(micros: exact)
    }

    /// Σ quantity × intrinsic at a spot given in micro-USD, in micro-USD × 10⁶ (exact).
    static func value(_ legs: [Leg], atSpotMicros spot: Int64) -> Int128 {
        var total: Int128 = 0
        for leg in legs {
            total += legValue(leg, atSpotMicros: spot)
        }
        return total
    }

    static func legValue(_ leg: Leg, atSpotMicros spot: Int64) -> Int128 {
        let difference = leg.kind == .call ? Int128(spot) - Int128(leg.strike.micros) : Int128(leg.strike.micros) - Int128(spot)
        return difference > 0 ? difference * Int128(leg.quantity.micros) : 0
    }

    /// What each leg pays the trader (> 0) or owes (< 0) at expiry when spot is `spot`, in USD, summing exactly to
    /// the strategy's net payoff rounded down (the pool's favour, once for the whole strategy).
    ///
    /// Spot is taken at a whole micro-USD, the neighbour of `spot` at which the strategy is worth less (no strike lies
    /// strictly between two neighbours, so the payoff there is never above the one at `spot` by more than one
    /// micro-USD per contract of net slope). Each leg is rounded down, and the last leg takes the rounding
    /// remainder, so the legs' settlement events add up to the money that moves.
    static func settlementAmounts(_ legs: [Leg], spot: Double) -> [Money] {
        guard !legs.isEmpty else { return [] }
        let scaled = spot.isFinite ? max(0, spot * 1_000_000) : 0
        let low = scaled >= 4.0e18 ? Int64(4.0e18) : Int64(scaled.rounded(.down))
        let high = scaled > Double(low) ? low + 1 : low
        let at = value(legs, atSpotMicros: high) < value(legs, atSpotMicros: low) ? high : low
        let values = legs.map { legValue($0, atSpotMicros: at) }
        func floorMicros(_ value: Int128) -> Int64 {
            var quotient = value / 1_000_000
            if value % 1_000_000 != 0, value < 0 { quotient -= 1 }
            return Int64(clamping: quotient)
        }
        var amounts = values.map { Money(micros: floorMicros($0)) }
        let total = floorMicros(values.reduce(0, +))
        let sum = amounts.reduce(Int64(0)) { $0 &+ $1.micros }
        amounts[amounts.count - 1].micros &+= total &- sum
        return amounts
    }
}

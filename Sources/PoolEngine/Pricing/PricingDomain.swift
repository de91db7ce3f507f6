import RealModule

/// The inputs Black-Scholes pricing accepts: one rule for the kernels, the implied-volatility
/// solver and the `greeks` / `iv` commands.
///
/// Inside the domain every intermediate of the kernel stays finite and every output is exact to
/// the kernel's accuracy; outside it the kernels return `OptionValuation.zero` (the engine never
/// feeds them such inputs), the solver returns `.invalidInput`, and the commands refuse the row.
/// The bounds are far beyond any market, chosen so that nothing overflows:
///
/// - spot, strike and the discounted strike K·e^(−rT) within [1e-150, 1e150] (so S·K, 1/S², the
///   Greeks' products and e^(−rT) stay finite and normal; this also bounds |r·T| below 691);
/// - volatility within [0, 1000] (100,000% a year);
/// - time at most 10,000 years (time ≤ 0 is an expired option, valued at intrinsic);
/// - |rate| at most 1000 (100,000% a year), so rate × amount in theta stays finite.
public enum PricingDomain {
    /// Smallest spot, strike or discounted strike.
    public static let smallestAmount = 1e-150
    /// Largest spot, strike or discounted strike.
    public static let largestAmount = 1e150
    /// Largest volatility per 1.00.
    public static let largestVolatility = 1_000.0
    /// Longest time to expiry in ACT/365 years.
    public static let longestTime = 10_000.0
    /// Largest |rate| per 1.00.
    public static let largestRate = 1_000.0
    /// |r·T| checked before e^(−rT) is computed, so the exponential cannot overflow; the discounted-strike
    /// bound is the binding rule (it implies |r·T| < 691).
    @usableFromInline static let largestRateTime = 700.0

    /// True when the raw inputs are in the domain (everything but the discounted strike, which needs e^(−rT)).
    ///
    /// Plain comparisons: NaN fails every one, and they compile to ucomisd, not to bit tests.
    @inlinable @inline(__always)
    public static func containsInputs(spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> Bool {
        spot >= smallestAmount && spot <= largestAmount && strike >= smallestAmount && strike <= largestAmount
            && volatility >= 0 && volatility <= largestVolatility
            && time >= -Double.greatestFiniteMagnitude && time <= longestTime
            && abs(rate) <= largestRate && abs(rate * time) < largestRateTime
    }

    /// True when the discounted strike K·e^(−rT) is in range (checked only for time > 0).
    @inlinable @inline(__always)
    public static func containsDiscountedStrike(_ discountedStrike: Double) -> Bool {
        discountedStrike >= smallestAmount && discountedStrike <= largestAmount
    }

    /// Why the inputs are outside the domain, or nil when they are inside. `volatility` nil skips
    /// that bound (the implied-volatility solver has no volatility input).
    public static func violation(spot: Double, strike: Double, time: Double, volatility: Double?, rate: Double) -> PricingDomainViolation? {
        let range = "within 1e-150–1e150"
        if !(spot >= smallestAmount && spot <= largestAmount) { return .init(.spot, "\(spot) is not \(range)") }
        if !(strike >= smallestAmount && strike <= largestAmount) { return .init(.strike, "\(strike) is not \(range)") }
        if let volatility, !(volatility >= 0 && volatility <= largestVolatility) {
            return .init(.volatility, "\(volatility) is not within 0–\(Int(largestVolatility))")
        }
        if !(time.isFinite && time <= longestTime) { return .init(.time, "\(time) is not a finite time of at most \(Int(longestTime)) years") }
        if !(abs(rate) <= largestRate) { return .init(.rate, "\(rate) is not within ±\(Int(largestRate))") }
        let rateTime = rate * time
        if !(abs(rateTime) < largestRateTime) {
            return .init(.rate, "rate × t = \(rateTime) puts the discounted strike K·e^(−rt) outside 1e-150–1e150")
        }
        guard time > 0 else { return nil }
        // The kernel's own discount factor, so the rule and the kernel agree to the last bit.
        let discountedStrike = strike * BlackScholes.SharedTerms(time: time, rate: rate).discount
        if !containsDiscountedStrike(discountedStrike) {
            return .init(.rate, "rate × t = \(rateTime) puts the discounted strike K·e^(−rt) = \(discountedStrike) outside 1e-150–1e150")
        }
        return nil
    }
}

/// An input outside `PricingDomain`: which one, and why.
public struct PricingDomainViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pricing inputs, named as in the engine.
    public enum Input: String, Hashable, Sendable {
        case spot, strike, time, volatility, rate
    }

    /// The input at fault (for the discounted strike, the rate).
    public var input: Input
    /// What is wrong, without the input's name.
    public var reason: String

    /// Creates a violation.
    public init(_ input: Input, _ reason: String) {
        self.input = input
        self.reason = reason
    }

    /// `rate: rate × t = 800 puts the discounted strike …`.
    public var description: String { "\(input.rawValue): \(reason)" }
}

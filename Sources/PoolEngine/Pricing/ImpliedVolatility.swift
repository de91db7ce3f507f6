import RealModule

/// Why a price has no Black-Scholes implied volatility.
public enum ImpliedVolatilityError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The price is below the discounted intrinsic value (no volatility is that cheap).
    case belowIntrinsic
    /// The price reaches the no-arbitrage maximum (spot for a call, discounted strike for a put).
    case aboveUpperBound
    /// An input is non-finite or out of range; the text names it.
    case invalidInput(String)
    /// The safeguarded iteration did not reach full precision (not expected for valid inputs).
    case noConvergence

    /// A short, lowercase reason suitable for a CSV cell.
    public var description: String {
        switch self {
        case .belowIntrinsic: "price below intrinsic value"
        case .aboveUpperBound: "price at or above upper bound"
        case .invalidInput(let reason): "invalid input: \(reason)"
        case .noConvergence: "no convergence"
        }
    }
}

/// Black-Scholes implied volatility by safeguarded Halley iteration on a normalised problem.
///
/// The price is reduced to the out-of-the-money option (parity, exact for the time value), scaled
/// by its no-arbitrage maximum a = min(S, K·e^(−rT)), and solved for the total volatility
/// s = σ√T in v(s) = N(−x/s + s/2) − e^x·N(−x/s − s/2), x = |ln(F/K)|. v has one inflection, at
/// s_c = √(2x); below it the iteration works on 1/ln v (nearly linear for tiny prices), above it
/// on ln(1 − v) (nearly linear as v saturates), following Jäckel's "Let's be rational" regions.
/// Halley steps start from Corrado–Miller's guess (or an at-the-money inversion above s_c), and
/// every evaluation tightens a bracket so a wild step falls back to bisection instead of
/// diverging. A price that equals the intrinsic value returns 0.
public enum ImpliedVolatility {
    /// Relative step below which the iteration stops. Halley converges cubically, so after a step
    /// of 1e-5 the error is of order 1e-15 (the price's own rounding); waiting for a smaller step
    /// would only chase rounding noise in the objective.
    static let stepTolerance = 1e-5
    /// Iteration cap; a converging solve takes 1–3 (bisection fallbacks, if any, need more).
    static let maximumIterations = 40

    /// The volatility σ (per 1.00, annualised ACT/365) at which `BlackScholes.price` equals `price`.
    ///
    /// The inputs must be in `PricingDomain` (the same rule as the pricing kernels), with time > 0.
    /// A price below the smallest normal double counts as 0, so a price that underflowed and a
    /// price of exactly 0 get the same answer.
    public static func solve(kind: OptionKind, spot: Double, strike: Double, time: Double, rate: Double, price: Double) -> Result<Double, ImpliedVolatilityError> {
        // The domain test inline (the reason is worded only on failure), with the kernel's discount
        // terms: S − K·D exact near the money, and no cancellation for large |rT|.
        let shared = BlackScholes.SharedTerms(time: time, rate: rate)
        let discountedStrike = strike * shared.discount
        guard PricingDomain.containsInputs(spot: spot, strike: strike, time: time, volatility: 0, rate: rate),
              time <= 0 || PricingDomain.containsDiscountedStrike(discountedStrike) else {
            let violation = PricingDomain.violation(spot: spot, strike: strike, time: time, volatility: nil, rate: rate)
            return .failure(.invalidInput(violation?.description ?? "outside the pricing domain"))
        }
        guard time > 0 else { return .failure(.invalidInput("time must be positive")) }
        guard abs(price) < .infinity else { return .failure(.invalidInput("price must be finite")) }
        // A negative price is not a cheap option but a wrong input: say so rather than "below intrinsic".
        guard price >= 0 else { return .failure(.invalidInput("price must not be negative")) }
        let price = BlackScholes.flushed(price)

        let forwardIntrinsic = BlackScholes.compensatedIntrinsic(
            spot: spot, base: strike * shared.intrinsicScale, correction: shared.intrinsicCorrection)
        let intrinsic = max(kind == .call ? forwardIntrinsic : -forwardIntrinsic, 0)
        let upperBound = kind == .call ? spot : discountedStrike
        // Prices quoted from a rounded model can sit a few ulps under intrinsic; that is still σ = 0.
        let tolerance = 8 * Double.ulpOfOne * max(spot, discountedStrike)
        if price < intrinsic - tolerance { return .failure(.belowIntrinsic) }
        if price >= upperBound { return .failure(.aboveUpperBound) }
        let timeValue = price - intrinsic
        if timeValue <= 0 { return .success(0) }

        // The out-of-the-money option of the pair has the same time value; its maximum is the smaller leg.
        let cap = min(spot, discountedStrike)
        let target = timeValue / cap
        let complementTarget = (cap - timeValue) / cap
        guard target < 1, complementTarget > 0 else { return .failure(.aboveUpperBound) }
        // A time value below 2.2e-308 of the option's scale cannot be told from none in double precision.
        if target < .leastNormalMagnitude { return .success(0) }
        // e^x − 1 = |S − K·D| / min(S, K·D), exact to a few ulps even at the money; x follows by log1p.
        let expm1X = abs(forwardIntrinsic) / cap
        let problem = NormalisedProblem(x: Double.log(onePlus: expm1X), expX: 1 + expm1X, expm1X: expm1X)
        guard let totalVol = problem.solve(target: target, complementTarget: complementTarget) else {
            return .failure(.noConvergence)
        }
        return .success(totalVol / time.squareRoot())
    }
}

/// v(s) = N(−x/s + s/2) − e^x·N(−x/s − s/2) for x ≥ 0: the out-of-the-money price over its maximum.
struct NormalisedProblem {
    let x: Double
    let expX: Double
    let expm1X: Double

    /// v, 1 − v and dv/ds at s, each without cancelling against its large parts.
    struct Point {
        var value: Double
        var complement: Double
        var slope: Double
    }

    func evaluate(_ s: Double, inverse: Double) -> Point {
        let h = -x * inverse
        let d1 = h + 0.5 * s
        let d2 = h - 0.5 * s
        // exp(−d1²/2) = e^x·exp(−d2²/2), and |d1| ≤ |d2|, so one exponential serves both legs.
        let gaussian = Double.exp(-0.5 * d1 * d1)
        let first = CodyNormal.scaled(d1, amount: 1, scaledGaussian: gaussian)
        let second = CodyNormal.scaled(d2, amount: expX, scaledGaussian: gaussian)
        let notional = first.coefficient == second.coefficient
            ? -first.coefficient * expm1X   // c·(1 − e^x)
            : first.coefficient - second.coefficient * expX
        let value = notional + (first.rest - second.rest)
        // 1 − v = N(−d1) + e^x·N(d2): two non-negative terms.
        let complement = ((1 - first.coefficient) - first.rest) + (second.coefficient * expX + second.rest)
        return Point(value: value, complement: complement, slope: NormalDistribution.inverseSqrtTwoPi * gaussian)
    }

    /// The total volatility s with v(s) = target, or nil when the iteration fails.
    func solve(target: Double, complementTarget: Double) -> Double? {
        // Which side of the inflection s_c = √(2x) the root lies on picks the objective. Both
        // objectives are monotone on all of (0, ∞), so deciding from the guess (rather than by an
        // extra evaluation at s_c) can cost an iteration but never correctness.
        let inflection = (2 * x).squareRoot()
        let nearMoneyGuess = corradoMillerGuess(target: target)
        let lowerBranch = x > 0 && nearMoneyGuess < inflection
        var low = 0.0
        var high = Double.infinity
        var s = lowerBranch ? nearMoneyGuess : upperGuess(complementTarget: complementTarget)
        if !(s > 0 && s < .infinity) { s = max(inflection, 0.1) }
        let logTarget = lowerBranch ? Double.log(target) : Double.log(complementTarget)
        let inverseLogTarget = 1 / logTarget

        for _ in 0..<ImpliedVolatility.maximumIterations {
            let inverse = 1 / s
            let point = evaluate(s, inverse: inverse)
            // Objective increasing in s: 1/ln v* − 1/ln v below the inflection, ln(1 − v*) − ln(1 − v) above.
            // A value rounded to ≤ 0 is floored to the smallest double: a finite "far too low"
            // objective with an unusable slope, which sends the step to bisection instead of NaN.
            let objective: Double
            let slopeRatio: Double       // f'
            let curvatureRatio: Double   // f''/f'
            let secondOverFirst = x * x * (inverse * inverse * inverse) - 0.25 * s   // v''/v'
            if lowerBranch {
                // 1/ln v* − 1/ln v: ln v ≈ −x²/(2s²) for small s, so this is close to quadratic in s
                // where ln v itself is steep, and Halley no longer crawls up from a low guess.
                let value = max(point.value, .leastNonzeroMagnitude)
                let inverseLog = 1 / Double.log(value)
                let logSlope = point.slope / value
                objective = inverseLogTarget - inverseLog
                slopeRatio = logSlope * inverseLog * inverseLog
                curvatureRatio = secondOverFirst - logSlope - 2 * logSlope * inverseLog
            } else {
                let complement = max(point.complement, .leastNonzeroMagnitude)
                objective = logTarget - Double.log(complement)
                slopeRatio = point.slope / complement
                curvatureRatio = secondOverFirst + slopeRatio
            }
            if objective.isNaN { return nil }
            if objective < 0 { low = s } else if objective > 0 { high = s } else { return s }

            var next = s
            var isHalleyStep = false
            if objective.isFinite && slopeRatio > 0 && slopeRatio.isFinite {
                let newton = -objective / slopeRatio
                let denominator = 1 + 0.5 * newton * curvatureRatio
                next = s + (denominator > 0.5 ? newton / denominator : newton)
                isHalleyStep = true
            }
            // Converged: judged on the local step only, before the bracket test, because a final
            // step may land exactly on the bracket edge that this very evaluation just moved.
            if isHalleyStep && abs(next - s) <= ImpliedVolatility.stepTolerance * s { return next }
            if !(next > low && next < high) {
                // Outside the bracket: bisect (geometrically above, since the bracket is unbounded).
                next = high.isFinite ? 0.5 * (low + high) : 2 * max(s, low)
                if high.isFinite && high - low <= 4 * Double.ulpOfOne * high { return next }
            }
            s = next
        }
        return nil
    }

    /// Corrado and Miller (1996), normalised by the smaller leg: exact to first order at the money.
    func corradoMillerGuess(target: Double) -> Double {
        let halfGap = 0.5 * expm1X   // (K·D − S)/2 over S, for the out-of-the-money call form
        let centre = target + halfGap
        let discriminant = max(centre * centre - 4 * halfGap * halfGap / Double.pi, 0)
        return (2 * Double.pi).squareRoot() / (2 + expm1X) * (centre + discriminant.squareRoot())
    }

    /// Large-s asymptotics: 1 − v ≈ (1 + e^x)·N(−s/2), exact at the money.
    func upperGuess(complementTarget: Double) -> Double {
        -2 * NormalDistribution.acklamQuantile(complementTarget / (1 + expX))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Black-Scholes prices and Greeks for European options on a non-dividend asset (ACT/365 years).
///
/// Domain: spot and strike finite and > 0, volatility finite and ≥ 0, time and rate finite,
/// |rate·time| < 700. Outside it every function returns 0 (`OptionValuation.zero`) rather than
/// NaN. Time ≤ 0 gives the intrinsic value with a step delta (0 or ±1, 0 exactly at the money);
/// volatility 0 gives the discounted forward intrinsic value and its exact rate sensitivities.
public enum BlackScholes {
    /// The option price; same value as `valuation(...).price`.
    @inlinable
    public static func price(kind: OptionKind, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> Double {
        valuation(kind: kind, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate).price
    }

    /// Price and raw Greeks (see `OptionValuation`).
    @inlinable
    public static func valuation(kind: OptionKind, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> OptionValuation {
        kernel(isCall: kind == .call, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate)
    }

    /// True when the inputs are in the documented domain.
    @inlinable @inline(__always)
    static func isInDomain(spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> Bool {
        // Written with `>`/`<` so NaN fails every test.
        spot > 0 && spot < .infinity && strike > 0 && strike < .infinity
            && volatility >= 0 && volatility < .infinity && abs(time) < .infinity && abs(rate) < .infinity
            && abs(rate * time) < 700
    }

    /// ln(S/K) to a few ulps of the result: near the money log1p of the exact difference, since
    /// the price's sensitivity to this term grows like 1/(σ√T) for short-dated options.
    @inlinable @inline(__always)
    static func logMoneyness(spot: Double, strike: Double) -> Double {
        let inverseStrike = 1 / strike
        let ratio = spot * inverseStrike
        // log1p's error is ≤ |u|/(1+u) ulps of u = S/K − 1, so it stays within ~8 ulps on [1/8, 8];
        // that range also keeps the branch predictable for any listed book.
        if ratio > 0.125 && ratio < 8 { return log1p((spot - strike) * inverseStrike) }
        return log(ratio)
    }

    /// The shared kernel: one log, one sqrt, one expm1 and one exp for everything.
    @inlinable @inline(__always)
    static func kernel(isCall: Bool, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> OptionValuation {
        guard isInDomain(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate) else { return .zero }
        guard time > 0 else { return expired(isCall: isCall, spot: spot, strike: strike) }

        let rateTime = rate * time
        // expm1 keeps S − K·e^(−rT) exact to a few ulps when S ≈ K (via (S − K) − K·(e^(−rT) − 1)).
        let discountMinusOne = expm1(-rateTime)
        let discount = 1 + discountMinusOne
        let discountedStrike = strike * discount
        let sign: Double = isCall ? 1 : -1
        // a·N(e1) − b·N(e2) is the call; the put is the same expression with S ↔ K·D and d ↔ −d.
        let forwardIntrinsic = (spot - strike) - strike * discountMinusOne   // S − K·D
        let amountA = isCall ? spot : discountedStrike
        let amountB = isCall ? discountedStrike : spot
        let aMinusB = sign * forwardIntrinsic

        let sqrtTime = time.squareRoot()
        let totalVol = volatility * sqrtTime
        guard totalVol > 1e-150 else {
            return zeroVolatility(sign: sign, aMinusB: aMinusB, discountedStrike: discountedStrike, time: time, rate: rate)
        }

        let x = logMoneyness(spot: spot, strike: strike) + rateTime   // ln(F/K)
        let inverseTotalVol = 1 / totalVol
        let h = x * inverseTotalVol
        let halfVol = 0.5 * totalVol
        let d1 = h + halfVol
        let d2 = h - halfVol
        // S·exp(−d1²/2) = K·D·exp(−d2²/2); evaluate it at the smaller |d| so it underflows only when both do.
        let nearD1 = x <= 0
        let dNear = nearD1 ? d1 : d2
        // Past e^−700 every term is below 1e-300 of the notional; clamping skips libm's slow underflow path.
        let scaledGaussian = (nearD1 ? spot : discountedStrike) * exp(max(-0.5 * dNear * dNear, -700))

        let (a, b) = CodyNormal.scaledPair(
            isCall ? d1 : -d2, amount: amountA, isCall ? d2 : -d1, amount: amountB, scaledGaussian: scaledGaussian
        )
        let notional = a.coefficient == b.coefficient
            ? a.coefficient * aMinusB
            : a.coefficient * amountA - b.coefficient * amountB
        // Rounding can leave a few ulps outside [0, a] (a = S for a call, K·D for a put); clamp to the bounds.
        let price = min(max(notional + (a.rest - b.rest), 0), amountA)

        let valueA = a.coefficient * amountA + a.rest
        let valueB = b.coefficient * amountB + b.rest
        let spotLeg = isCall ? valueA : valueB                // S·N(±d1)
        let strikeLeg = isCall ? valueB : valueA              // K·D·N(±d2)
        let spotDensity = NormalDistribution.inverseSqrtTwoPi * scaledGaussian   // S·φ(d1)
        let inverseSpot = 1 / spot
        return OptionValuation(
            price: price,
            delta: sign * spotLeg * inverseSpot,
            gamma: spotDensity * inverseSpot * inverseSpot * inverseTotalVol,
            vega: spotDensity * sqrtTime,
            // S·φ·σ/(2√T) = S·φ·σ²/(2σ√T): reuses 1/(σ√T) instead of dividing by T.
            theta: -0.5 * spotDensity * volatility * volatility * inverseTotalVol - sign * rate * strikeLeg,
            rho: sign * time * strikeLeg
        )
    }

    /// At or after expiry: intrinsic value, delta a step, no time value.
    @inlinable
    static func expired(isCall: Bool, spot: Double, strike: Double) -> OptionValuation {
        if isCall {
            return spot > strike
                ? OptionValuation(price: spot - strike, delta: 1, gamma: 0, vega: 0, theta: 0, rho: 0) : .zero
        }
        return strike > spot
            ? OptionValuation(price: strike - spot, delta: -1, gamma: 0, vega: 0, theta: 0, rho: 0) : .zero
    }

    /// σ√T = 0: the discounted forward intrinsic value, with its exact rate and time sensitivities.
    @inlinable
    static func zeroVolatility(sign: Double, aMinusB: Double, discountedStrike: Double, time: Double, rate: Double) -> OptionValuation {
        guard aMinusB > 0 else { return .zero }
        return OptionValuation(
            price: aMinusB, delta: sign, gamma: 0, vega: 0,
            theta: -sign * rate * discountedStrike, rho: sign * time * discountedStrike
        )
    }
}

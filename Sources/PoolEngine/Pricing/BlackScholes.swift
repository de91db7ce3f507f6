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
        // Plain comparisons (NaN fails every one) compile to ucomisd, not to bit tests.
        let largest = Double.greatestFiniteMagnitude
        return spot > 0 && spot <= largest && strike > 0 && strike <= largest
            && volatility >= 0 && volatility <= largest && abs(time) <= largest && abs(rate) <= largest
            && abs(rate * time) < 700
    }

    /// ln(S/K) to a few ulps of the result: near the money log1p of the exact difference, since
    /// the price's sensitivity to this term grows like 1/(σ√T) for short-dated options.
    @inlinable @inline(__always)
    static func logMoneyness(spot: Double, strike: Double) -> Double {
        // log1p's error is ≤ |u|/(1+u) ulps of u = S/K − 1, so it stays within ~8 ulps on [1/8, 8];
        // that range also keeps the branch predictable for any listed book.
        if spot > 0.125 * strike && spot < 8 * strike { return log1p((spot - strike) / strike) }
        return log(spot / strike)
    }

    /// The shared kernel: one log, one sqrt, one expm1 and one exp for everything.
    @inlinable @inline(__always)
    static func kernel(isCall: Bool, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> OptionValuation {
        let stage = prepare(
            isCall: isCall, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate,
            shared: SharedTerms(time: time, rate: rate)
        )
        switch stage {
        case .done(let valuation):
            return valuation
        case .needsGaussian(let setup):
            return finish(setup, scaledGaussian: setup.gaussian())
        }
    }

    /// The kernel split at its exponential, so a batch can run each stage over many options.
    @usableFromInline
    enum Stage {
        case done(OptionValuation)
        case needsGaussian(KernelSetup)
    }

    /// Everything the second half of the kernel needs.
    @usableFromInline
    struct KernelSetup {
        @usableFromInline var exponent: Double          // −d²/2 at the nearer d, clamped
        @usableFromInline var gaussianAmount: Double    // S or K·D, whichever goes with that d
        @usableFromInline var argumentA: Double
        @usableFromInline var argumentB: Double
        @usableFromInline var amountA: Double
        @usableFromInline var amountB: Double
        @usableFromInline var aMinusB: Double
        @usableFromInline var sign: Double
        @usableFromInline var spot: Double
        @usableFromInline var time: Double
        @usableFromInline var sqrtTime: Double
        @usableFromInline var volatility: Double
        @usableFromInline var inverseTotalVol: Double
        @usableFromInline var rate: Double

        @inlinable
        init(
            exponent: Double, gaussianAmount: Double, argumentA: Double, argumentB: Double,
            amountA: Double, amountB: Double, aMinusB: Double, sign: Double, spot: Double, time: Double,
            sqrtTime: Double, volatility: Double, inverseTotalVol: Double, rate: Double
        ) {
            self.exponent = exponent
            self.gaussianAmount = gaussianAmount
            self.argumentA = argumentA
            self.argumentB = argumentB
            self.amountA = amountA
            self.amountB = amountB
            self.aMinusB = aMinusB
            self.sign = sign
            self.spot = spot
            self.time = time
            self.sqrtTime = sqrtTime
            self.volatility = volatility
            self.inverseTotalVol = inverseTotalVol
            self.rate = rate
        }

        /// S·exp(−d1²/2) = K·D·exp(−d2²/2).
        @inlinable @inline(__always)
        func gaussian() -> Double { gaussianAmount * negativeExponential(exponent) }
    }

    /// The terms that depend only on (time, rate): options of one expiry share them, and a batch
    /// computes them once per run of equal (time, rate) instead of once per option.
    @usableFromInline
    struct SharedTerms {
        @usableFromInline var time: Double
        @usableFromInline var rate: Double
        @usableFromInline var rateTime: Double
        /// e^(−rT) − 1: expm1 keeps S − K·e^(−rT) exact to a few ulps when S ≈ K, as (S − K) − K·(e^(−rT) − 1).
        @usableFromInline var discountMinusOne: Double
        @usableFromInline var sqrtTime: Double

        @inlinable @inline(__always)
        init(time: Double, rate: Double) {
            self.time = time
            self.rate = rate
            rateTime = rate * time
            // Outside the domain (checked later, per option) these are never used; skip the libm calls.
            let usable = time > 0 && abs(rateTime) < 700
            discountMinusOne = usable ? expm1(-rateTime) : 0
            sqrtTime = usable ? time.squareRoot() : 0
        }

        /// True when these terms were computed for exactly this time and rate (bitwise, so NaN never matches).
        @inlinable @inline(__always)
        func matches(time: Double, rate: Double) -> Bool {
            self.time.bitPattern == time.bitPattern && self.rate.bitPattern == rate.bitPattern
        }
    }

    /// First half: validation, special cases, and everything up to the exponential.
    @inlinable @inline(__always)
    static func prepare(
        isCall: Bool, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double, shared: SharedTerms
    ) -> Stage {
        guard isInDomain(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate) else { return .done(.zero) }
        guard time > 0 else { return .done(expired(isCall: isCall, spot: spot, strike: strike)) }

        let rateTime = shared.rateTime
        let discountMinusOne = shared.discountMinusOne
        let discount = 1 + discountMinusOne
        let discountedStrike = strike * discount
        let sign: Double = isCall ? 1 : -1
        // a·N(e1) − b·N(e2) is the call; the put is the same expression with S ↔ K·D and d ↔ −d.
        let forwardIntrinsic = (spot - strike) - strike * discountMinusOne   // S − K·D
        let amountA = isCall ? spot : discountedStrike
        let amountB = isCall ? discountedStrike : spot
        let aMinusB = sign * forwardIntrinsic

        let sqrtTime = shared.sqrtTime
        let totalVol = volatility * sqrtTime
        guard totalVol > 1e-150 else {
            return .done(zeroVolatility(sign: sign, aMinusB: aMinusB, discountedStrike: discountedStrike, time: time, rate: rate))
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
        return .needsGaussian(KernelSetup(
            // Past e^−700 every term is below 1e-300 of the notional; the clamp keeps 2^k a normal number.
            exponent: max(-0.5 * dNear * dNear, -700),
            gaussianAmount: nearD1 ? spot : discountedStrike,
            argumentA: isCall ? d1 : -d2, argumentB: isCall ? d2 : -d1,
            amountA: amountA, amountB: amountB, aMinusB: aMinusB, sign: sign, spot: spot, time: time,
            sqrtTime: sqrtTime, volatility: volatility, inverseTotalVol: inverseTotalVol, rate: rate
        ))
    }

    /// Second half: both normal CDFs from the one shared Gaussian, then price and Greeks.
    @inlinable @inline(__always)
    static func finish(_ setup: KernelSetup, scaledGaussian: Double) -> OptionValuation {
        let (a, b) = CodyNormal.scaledPair(
            setup.argumentA, amount: setup.amountA, setup.argumentB, amount: setup.amountB,
            scaledGaussian: scaledGaussian
        )
        let notional = a.coefficient == b.coefficient
            ? a.coefficient * setup.aMinusB
            : a.coefficient * setup.amountA - b.coefficient * setup.amountB
        // Rounding can leave a few ulps outside [0, a] (a = S for a call, K·D for a put); clamp to the bounds.
        let price = min(max(notional + (a.rest - b.rest), 0), setup.amountA)

        let isCall = setup.sign > 0
        let valueA = a.coefficient * setup.amountA + a.rest
        let valueB = b.coefficient * setup.amountB + b.rest
        let spotLeg = isCall ? valueA : valueB                // S·N(±d1)
        let strikeLeg = isCall ? valueB : valueA              // K·D·N(±d2)
        let spotDensity = NormalDistribution.inverseSqrtTwoPi * scaledGaussian   // S·φ(d1)
        let inverseSpot = 1 / setup.spot
        let sign = setup.sign
        return OptionValuation(
            price: price,
            delta: sign * spotLeg * inverseSpot,
            gamma: spotDensity * inverseSpot * inverseSpot * setup.inverseTotalVol,
            vega: spotDensity * setup.sqrtTime,
            // S·φ·σ/(2√T) = S·φ·σ²/(2σ√T): reuses 1/(σ√T) instead of dividing by T.
            theta: -0.5 * spotDensity * setup.volatility * setup.volatility * setup.inverseTotalVol
                - sign * setup.rate * strikeLeg,
            rho: sign * setup.time * strikeLeg
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

import RealModule

/// Black-Scholes prices and Greeks for European options on a non-dividend asset (ACT/365 years).
///
/// Domain: `PricingDomain` (spot, strike and K·e^(−rT) within [1e-150, 1e150], and bounded
/// volatility, time and rate). Outside it every function returns 0 (`OptionValuation.zero`) rather
/// than NaN; callers that take user input check `PricingDomain.violation` first and refuse.
/// Time ≤ 0 gives the intrinsic value with a step delta (0 or ±1, 0 exactly at the money);
/// volatility 0 gives the discounted forward intrinsic value and its exact rate sensitivities.
///
/// Every result respects its no-arbitrage bounds — the price lies between the discounted
/// intrinsic value max(±(S − K·e^(−rT)), 0) and S for a call or K·e^(−rT) for a put, |delta| ≤ 1
/// with the option's sign, gamma and vega ≥ 0 — and any value below the smallest normal double
/// (2.2e-308) is reported as 0 rather than as subnormal noise.
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

    /// True when the raw inputs are in `PricingDomain` (the discounted strike is checked once it is known).
    @inlinable @inline(__always)
    static func isInDomain(spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> Bool {
        PricingDomain.containsInputs(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate)
    }

    /// `value`, or 0 when it is below the smallest normal double in magnitude (subnormal results
    /// carry few significant bits; reporting them as 0 is what "underflowed" means to a reader).
    @inlinable @inline(__always)
    static func flushed(_ value: Double) -> Double {
        // 0 × value keeps the sign, so a negative value that underflows reads −0 (as stored snapshots flush).
        abs(value) >= .leastNormalMagnitude ? value : 0 * value
    }

    /// `flushed` for a value known to be ≥ 0 (one comparison, no absolute value).
    @inlinable @inline(__always)
    static func flushedMagnitude(_ value: Double) -> Double {
        value >= .leastNormalMagnitude ? value : 0
    }

    /// The kernel for one option, with its (time, rate) terms computed here.
    @inlinable @inline(__always)
    static func kernel(isCall: Bool, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) -> OptionValuation {
        kernel(
            isCall: isCall, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate,
            shared: SharedTerms(time: time, rate: rate)
        )
    }

    /// The terms that depend only on (time, rate): options of one expiry share them, and a batch
    /// computes them once per run of equal (time, rate) instead of once per option.
    @usableFromInline
    struct SharedTerms {
        @usableFromInline var time: Double
        @usableFromInline var rate: Double
        @usableFromInline var rateTime: Double
        /// e^(−rT) itself, for the discounted strike K·e^(−rT).
        @usableFromInline var discount: Double
        /// S − K·e^(−rT) is computed as (S − B) − B·c with B = K·`intrinsicScale`, c = `intrinsicCorrection`:
        /// for |rT| ≤ 0.35, B = K and c = e^(−rT) − 1, exact to a few ulps when S ≈ K; beyond, where
        /// K·(e^(−rT) − 1) would cancel against K, B = K·e^(−rT) and c = 0.
        @usableFromInline var intrinsicScale: Double
        @usableFromInline var intrinsicCorrection: Double
        @usableFromInline var sqrtTime: Double

        @inlinable @inline(__always)
        init(time: Double, rate: Double) {
            self.time = time
            self.rate = rate
            rateTime = rate * time
            // Outside the domain (checked later, per option) these are never used; skip the work.
            let usable = time > 0 && abs(rateTime) < PricingDomain.largestRateTime
            // 1 + (e^(−rT) − 1) keeps only the digits of e^(−rT) that survive the sum with 1: fine for
            // |rT| ≤ 0.35 (every listed option, bit-identical to before), but e^(−5) would lose 3
            // digits and e^(−37) all of them; there the exponential is taken directly (rare, per expiry).
            let nearOne = abs(rateTime) <= 0.35 || !usable
            let discountMinusOne = usable ? exponentialMinusOne(-rateTime) : 0
            discount = nearOne ? 1 + discountMinusOne : Double.exp(-rateTime)
            intrinsicScale = nearOne ? 1 : discount
            intrinsicCorrection = nearOne ? discountMinusOne : 0
            sqrtTime = usable ? time.squareRoot() : 0
        }

        /// True when these terms were computed for exactly this time and rate (bitwise, so NaN never matches).
        @inlinable @inline(__always)
        func matches(time: Double, rate: Double) -> Bool {
            self.time.bitPattern == time.bitPattern && self.rate.bitPattern == rate.bitPattern
        }
    }

    /// The whole kernel in one straight line: libm's log (table-driven, no division) plus an
    /// inlined rounding-error correction instead of log1p, the inlined e^x, and (per expiry) the
    /// inlined e^x − 1 and a square root.
    ///
    /// Past the special cases there are no data-dependent branches a random book mispredicts
    /// (see `CodyNormal.scaledPair`). `BlackScholes.regularPair` is a two-option transcription of
    /// the main path for the batch: change one, change the other (the batch test compares them).
    @inlinable @inline(__always)
    static func kernel(
        isCall: Bool, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double, shared: SharedTerms
    ) -> OptionValuation {
        guard isInDomain(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate) else { return .zero }
        guard time > 0 else { return expired(isCall: isCall, spot: spot, strike: strike) }

        let discountedStrike = strike * shared.discount
        guard PricingDomain.containsDiscountedStrike(discountedStrike) else { return .zero }
        let sign: Double = isCall ? 1 : -1
        // a·N(e1) − b·N(e2) is the call; the put is the same expression with S ↔ K·D and d ↔ −d.
        // S − K·D as release 1 computed it (so journaled sessions replay bit for bit); the compensated value,
        // within an ulp of the true one, is only the floor the price is clamped to below.
        let forwardIntrinsic = (spot - strike * shared.intrinsicScale) - strike * shared.intrinsicScale * shared.intrinsicCorrection
        let intrinsicFloor = sign * compensatedIntrinsic(
            spot: spot, base: strike * shared.intrinsicScale, correction: shared.intrinsicCorrection)
        let amountA = isCall ? spot : discountedStrike
        let amountB = isCall ? discountedStrike : spot
        let aMinusB = sign * forwardIntrinsic

        let sqrtTime = shared.sqrtTime
        let totalVol = volatility * sqrtTime
        guard totalVol > 1e-150 else {
            return zeroVolatility(sign: sign, aMinusB: aMinusB, discountedStrike: discountedStrike, time: time, rate: rate)
        }

        // ln(S/K) to about an ulp: near the money as ln(1 + u), u = (S − K)/K, because the price's
        // sensitivity to it grows like 1/(σ√T) for short-dated options and ln of the rounded ratio
        // would be off by up to 1.1e-16 absolute. [1/8, 8] keeps 1 + u free of cancellation and
        // the select predictable for any listed book; outside it the rounded S/K is accurate enough.
        // The two independent quotients are written as one two-lane division (LLVM may split it).
        let nearMoney = spot > 0.125 * strike && spot < 8 * strike
        let firstQuotients = SIMD2(nearMoney ? spot - strike : spot, 1) / SIMD2(strike, totalVol)
        let u = firstQuotients[0]
        let inverseTotalVol = firstQuotients[1]
        // 1 + u with its exact rounding error (Knuth's TwoSum), which the logarithm takes as a correction.
        let sum = 1 + u
        let uPart = sum - 1
        let onePart = sum - uPart
        let roundingError = (1 - onePart) + (u - uPart)
        let logArgument = nearMoney ? sum : u
        let logMoneyness = Double.log(logArgument) + (nearMoney ? roundingError * approximateReciprocal(sum) : 0)
        let inverseSpot = 1 / spot
        let x = logMoneyness + shared.rateTime   // ln(F/K)
        let h = x * inverseTotalVol
        let halfVol = 0.5 * totalVol
        let d1 = h + halfVol
        let d2 = h - halfVol
        // S·exp(−d1²/2) = K·D·exp(−d2²/2); evaluate it at the smaller |d| so it underflows only when both do.
        let nearD1 = x <= 0
        let dNear = nearD1 ? d1 : d2
        // Past e^−700 every term is below 1e-300 of the notional; the clamp keeps 2^k a normal number. (Exactly
        // release 1's arithmetic: journaled sessions replay bit for bit, snapshots of cached Greeks included.)
        let scaledGaussian = (nearD1 ? spot : discountedStrike) * negativeExponential(max(-0.5 * dNear * dNear, -700))

        // Both normal CDFs from the one shared Gaussian.
        let (a, b) = CodyNormal.scaledPair(
            isCall ? d1 : -d2, amount: amountA, isCall ? d2 : -d1, amount: amountB, scaledGaussian: scaledGaussian
        )
        let notional = a.coefficient == b.coefficient
            ? a.coefficient * aMinusB
            : a.coefficient * amountA - b.coefficient * amountB
        // Rounding can leave a few ulps outside [max(a − b, 0), a] (a = S, b = K·D for a call, the
        // other way round for a put); clamp to the no-arbitrage bounds.
        let price = min(max(max(notional + (a.rest - b.rest), intrinsicFloor), 0), amountA)

        let valueA = a.coefficient * amountA + a.rest
        let valueB = b.coefficient * amountB + b.rest
        let spotLeg = isCall ? valueA : valueB                // S·N(±d1)
        let strikeLeg = isCall ? valueB : valueA              // K·D·N(±d2)
        let spotDensity = NormalDistribution.inverseSqrtTwoPi * scaledGaussian   // S·φ(d1)
        // |delta| = N(±d1) ≤ 1, which rounding of S·N(±d1)/S could exceed by an ulp.
        // Only theta has no known sign; the rest are flushed as magnitudes (one comparison each).
        return OptionValuation(
            price: flushedMagnitude(price),
            delta: sign * flushedMagnitude(min(spotLeg * inverseSpot, 1)),
            gamma: flushedMagnitude(spotDensity * inverseSpot * inverseSpot * inverseTotalVol),
            vega: flushedMagnitude(spotDensity * sqrtTime),
            // S·φ·σ/(2√T) = S·φ·σ²/(2σ√T): reuses 1/(σ√T) instead of dividing by T.
            theta: flushed(-0.5 * spotDensity * volatility * volatility * inverseTotalVol - sign * rate * strikeLeg),
            rho: sign * flushedMagnitude(time * strikeLeg)
        )
    }

    /// S − B − B·c (with B = K·s and c from `SharedTerms`) to within about an ulp of the result:
    /// both subtractions keep their exact rounding errors (Knuth's TwoSum) and add them back, so a
    /// deep in-the-money price floored at it is never an ulp below the true discounted intrinsic value.
    @inlinable @inline(__always)
    static func compensatedIntrinsic(spot: Double, base: Double, correction: Double) -> Double {
        let product = base * correction
        let difference = spot - base
        let differenceVirtual = difference - spot
        let differenceError = (spot - (difference - differenceVirtual)) + (-base - differenceVirtual)
        let result = difference - product
        let resultVirtual = result - difference
        let resultError = (difference - (result - resultVirtual)) + (-product - resultVirtual)
        return result + (differenceError + resultError)
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
        guard aMinusB >= .leastNormalMagnitude else { return .zero }
        return OptionValuation(
            price: aMinusB, delta: sign, gamma: 0, vega: 0,
            theta: flushed(-sign * rate * discountedStrike), rho: flushed(sign * time * discountedStrike)
        )
    }
}

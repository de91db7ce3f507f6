import RealModule

/// Inputs for many options as structure-of-arrays, so the batch kernel streams contiguous doubles.
public struct PricingBatch: Sendable, Hashable {
    /// Call or put for each option.
    public private(set) var kinds: [OptionKind] = []
    /// Spot prices.
    public private(set) var spots: [Double] = []
    /// Strikes.
    public private(set) var strikes: [Double] = []
    /// Times to expiry in ACT/365 years.
    public private(set) var times: [Double] = []
    /// Volatilities per 1.00.
    public private(set) var volatilities: [Double] = []
    /// Continuously compounded rates per 1.00.
    public private(set) var rates: [Double] = []

    /// An empty batch.
    public init() {}

    /// An empty batch with room for `capacity` options.
    public init(reservingCapacity capacity: Int) {
        reserveCapacity(capacity)
    }

    /// The number of options.
    @inlinable
    public var count: Int { spots.count }

    /// True when there are no options.
    @inlinable
    public var isEmpty: Bool { spots.isEmpty }

    /// Makes room for `capacity` options in every column.
    public mutating func reserveCapacity(_ capacity: Int) {
        kinds.reserveCapacity(capacity)
        spots.reserveCapacity(capacity)
        strikes.reserveCapacity(capacity)
        times.reserveCapacity(capacity)
        volatilities.reserveCapacity(capacity)
        rates.reserveCapacity(capacity)
    }

    /// Adds one option; the columns always stay the same length.
    public mutating func append(kind: OptionKind, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) {
        kinds.append(kind)
        spots.append(spot)
        strikes.append(strike)
        times.append(time)
        volatilities.append(volatility)
        rates.append(rate)
    }

    /// Removes every option, keeping the storage for reuse when asked.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        kinds.removeAll(keepingCapacity: keepingCapacity)
        spots.removeAll(keepingCapacity: keepingCapacity)
        strikes.removeAll(keepingCapacity: keepingCapacity)
        times.removeAll(keepingCapacity: keepingCapacity)
        volatilities.removeAll(keepingCapacity: keepingCapacity)
        rates.removeAll(keepingCapacity: keepingCapacity)
    }
}

/// Prices and raw Greeks for a batch, structure-of-arrays, index-aligned with its `PricingBatch`.
public struct ValuationBatch: Sendable, Hashable {
    /// Prices.
    public internal(set) var prices: [Double] = []
    /// dV/dS.
    public internal(set) var deltas: [Double] = []
    /// d²V/dS².
    public internal(set) var gammas: [Double] = []
    /// dV/dσ per 1.00 of volatility.
    public internal(set) var vegas: [Double] = []
    /// −dV/dT per year.
    public internal(set) var thetas: [Double] = []
    /// dV/dr per 1.00 of rate.
    public internal(set) var rhos: [Double] = []

    /// An empty result, to be filled by `BlackScholes.valuations(_:into:)`.
    public init() {}

    /// The number of valuations.
    @inlinable
    public var count: Int { prices.count }

    /// The valuation of option `index` as a struct.
    public subscript(index: Int) -> OptionValuation {
        OptionValuation(
            price: prices[index], delta: deltas[index], gamma: gammas[index],
            vega: vegas[index], theta: thetas[index], rho: rhos[index]
        )
    }

    /// Sets every column to `count` elements, reusing storage (allocates only when growing).
    mutating func resize(to count: Int) {
        guard prices.count != count else { return }
        Self.fit(&prices, to: count)
        Self.fit(&deltas, to: count)
        Self.fit(&gammas, to: count)
        Self.fit(&vegas, to: count)
        Self.fit(&thetas, to: count)
        Self.fit(&rhos, to: count)
    }

    private static func fit(_ column: inout [Double], to count: Int) {
        if column.count > count {
            column.removeLast(column.count - count)
        } else {
            column.append(contentsOf: repeatElement(0, count: count - column.count))
        }
    }
}

extension BlackScholes {
    /// Values every option of `batch` into `output` (resized to match; no allocation once it is large enough).
    ///
    /// Element i equals `valuation(...)` of option i exactly. The loop runs over raw columns with
    /// the kernel inlined, computes the (time, rate) terms (e^(−rT) − 1 and √T) once per run of
    /// options that share them, as the strikes of one expiry do, and values two regular options
    /// at a time in two-lane SIMD (see `valueAll`).
    public static func valuations(_ batch: PricingBatch, into output: inout ValuationBatch) {
        let count = batch.count
        output.resize(to: count)
        guard count > 0 else { return }
        batch.kinds.withUnsafeBufferPointer { kinds in
        batch.spots.withUnsafeBufferPointer { spots in
        batch.strikes.withUnsafeBufferPointer { strikes in
        batch.times.withUnsafeBufferPointer { times in
        batch.volatilities.withUnsafeBufferPointer { volatilities in
        batch.rates.withUnsafeBufferPointer { rates in
        output.prices.withUnsafeMutableBufferPointer { prices in
        output.deltas.withUnsafeMutableBufferPointer { deltas in
        output.gammas.withUnsafeMutableBufferPointer { gammas in
        output.vegas.withUnsafeMutableBufferPointer { vegas in
        output.thetas.withUnsafeMutableBufferPointer { thetas in
        output.rhos.withUnsafeMutableBufferPointer { rhos in
            valueAll(
                kinds: kinds, spots: spots, strikes: strikes, times: times, volatilities: volatilities, rates: rates,
                prices: prices, deltas: deltas, gammas: gammas, vegas: vegas, thetas: thetas, rhos: rhos
            )
        }}}}}}}}}}}}
    }

    /// The loop itself, outside the closures so the optimizer inlines the whole kernel into it.
    ///
    /// Options go two at a time: when both are regular (in the domain, unexpired, σ√T > 0) they
    /// share one pass of two-lane SIMD (`regularPair`), which halves the arithmetic of everything
    /// but the logarithm and gives the core two independent dependency chains to overlap;
    /// otherwise each goes through the scalar kernel. Both paths do the same operations per
    /// option in the same order, so the results do not depend on the pairing.
    @inline(never)
    static func valueAll(
        kinds: UnsafeBufferPointer<OptionKind>, spots: UnsafeBufferPointer<Double>, strikes: UnsafeBufferPointer<Double>,
        times: UnsafeBufferPointer<Double>, volatilities: UnsafeBufferPointer<Double>, rates: UnsafeBufferPointer<Double>,
        prices: UnsafeMutableBufferPointer<Double>, deltas: UnsafeMutableBufferPointer<Double>,
        gammas: UnsafeMutableBufferPointer<Double>, vegas: UnsafeMutableBufferPointer<Double>,
        thetas: UnsafeMutableBufferPointer<Double>, rhos: UnsafeMutableBufferPointer<Double>
    ) {
        let count = spots.count
        var shared = SharedTerms(time: times[0], rate: rates[0])
        var index = 0
        while index < count {
            let time0 = times[index]
            let rate0 = rates[index]
            if !shared.matches(time: time0, rate: rate0) { shared = SharedTerms(time: time0, rate: rate0) }
            let shared0 = shared
            guard index + 1 < count else {
                let value = kernel(
                    isCall: kinds[index] == .call, spot: spots[index], strike: strikes[index],
                    time: time0, volatility: volatilities[index], rate: rate0, shared: shared0
                )
                store(value, at: index, prices, deltas, gammas, vegas, thetas, rhos)
                break
            }
            let time1 = times[index + 1]
            let rate1 = rates[index + 1]
            if !shared.matches(time: time1, rate: rate1) { shared = SharedTerms(time: time1, rate: rate1) }
            let shared1 = shared
            if isRegular(spot: spots[index], strike: strikes[index], volatility: volatilities[index], shared: shared0)
                && isRegular(spot: spots[index + 1], strike: strikes[index + 1], volatility: volatilities[index + 1], shared: shared1) {
                regularPair(
                    isCall: SIMDMask(SIMD2(kinds[index] == .call ? -1 : 0, kinds[index + 1] == .call ? -1 : 0)),
                    spot: SIMD2(spots[index], spots[index + 1]), strike: SIMD2(strikes[index], strikes[index + 1]),
                    time: SIMD2(time0, time1), volatility: SIMD2(volatilities[index], volatilities[index + 1]),
                    rate: SIMD2(rate0, rate1), rateTime: SIMD2(shared0.rateTime, shared1.rateTime),
                    discount: SIMD2(shared0.discount, shared1.discount),
                    intrinsicScale: SIMD2(shared0.intrinsicScale, shared1.intrinsicScale),
                    intrinsicCorrection: SIMD2(shared0.intrinsicCorrection, shared1.intrinsicCorrection),
                    sqrtTime: SIMD2(shared0.sqrtTime, shared1.sqrtTime),
                    at: index, prices, deltas, gammas, vegas, thetas, rhos
                )
            } else {
                // Spelled out rather than looped over an array of the two, which could allocate.
                let first = kernel(
                    isCall: kinds[index] == .call, spot: spots[index], strike: strikes[index],
                    time: time0, volatility: volatilities[index], rate: rate0, shared: shared0
                )
                store(first, at: index, prices, deltas, gammas, vegas, thetas, rhos)
                let second = kernel(
                    isCall: kinds[index + 1] == .call, spot: spots[index + 1], strike: strikes[index + 1],
                    time: time1, volatility: volatilities[index + 1], rate: rate1, shared: shared1
                )
                store(second, at: index + 1, prices, deltas, gammas, vegas, thetas, rhos)
            }
            index += 2
        }
    }

    /// True when `kernel` would reach its main path (not `.zero`, expired or zero volatility).
    @inline(__always)
    static func isRegular(spot: Double, strike: Double, volatility: Double, shared: SharedTerms) -> Bool {
        isInDomain(spot: spot, strike: strike, time: shared.time, volatility: volatility, rate: shared.rate)
            && shared.time > 0 && PricingDomain.containsDiscountedStrike(strike * shared.discount)
            && volatility * shared.sqrtTime > 1e-150
    }

    /// Writes one valuation into the output columns.
    @inline(__always)
    static func store(
        _ value: OptionValuation, at index: Int,
        _ prices: UnsafeMutableBufferPointer<Double>, _ deltas: UnsafeMutableBufferPointer<Double>,
        _ gammas: UnsafeMutableBufferPointer<Double>, _ vegas: UnsafeMutableBufferPointer<Double>,
        _ thetas: UnsafeMutableBufferPointer<Double>, _ rhos: UnsafeMutableBufferPointer<Double>
    ) {
        prices[index] = value.price
        deltas[index] = value.delta
        gammas[index] = value.gamma
        vegas[index] = value.vega
        thetas[index] = value.theta
        rhos[index] = value.rho
    }

    /// The main path of `kernel` for two regular options in two-lane SIMD, stored at index, index + 1.
    ///
    /// A lane-by-lane transcription of `kernel` (same operations, same order, `max`/`min` as
    /// Swift's `y >= x ? y : x` / `y < x ? y : x`): keep the two in step, the batch test checks
    /// they agree bit for bit.
    @inline(__always)
    static func regularPair(
        isCall: SIMDMask<SIMD2<Int64>>, spot: SIMD2<Double>, strike: SIMD2<Double>, time: SIMD2<Double>,
        volatility: SIMD2<Double>, rate: SIMD2<Double>, rateTime: SIMD2<Double>,
        discount: SIMD2<Double>, intrinsicScale: SIMD2<Double>, intrinsicCorrection: SIMD2<Double>,
        sqrtTime: SIMD2<Double>, at index: Int,
        _ prices: UnsafeMutableBufferPointer<Double>, _ deltas: UnsafeMutableBufferPointer<Double>,
        _ gammas: UnsafeMutableBufferPointer<Double>, _ vegas: UnsafeMutableBufferPointer<Double>,
        _ thetas: UnsafeMutableBufferPointer<Double>, _ rhos: UnsafeMutableBufferPointer<Double>
    ) {
        let discountedStrike = strike * discount
        let sign = SIMD2<Double>(repeating: -1).replacing(with: 1, where: isCall)
        let base = strike * intrinsicScale
        // The scalar kernel's `compensatedIntrinsic`, per lane: one definition of the floor for both kernels.
        let intrinsicFloor = sign * compensatedIntrinsic(spot: spot, base: base, correction: intrinsicCorrection)
        // S − K·D as release 1 computed it, so journaled sessions replay bit for bit (see the scalar kernel).
        let forwardIntrinsic = (spot - base) - base * intrinsicCorrection
        let amountA = discountedStrike.replacing(with: spot, where: isCall)
        let amountB = spot.replacing(with: discountedStrike, where: isCall)
        let aMinusB = sign * forwardIntrinsic
        let totalVol = volatility * sqrtTime

        let nearMoney = (spot .> 0.125 * strike) .& (spot .< 8 * strike)
        let u = spot.replacing(with: spot - strike, where: nearMoney) / strike
        let inverseTotalVol = 1 / totalVol
        let sum = 1 + u
        let uPart = sum - 1
        let onePart = sum - uPart
        let roundingError = (1 - onePart) + (u - uPart)
        let logArgument = u.replacing(with: sum, where: nearMoney)
        let logMoneyness = SIMD2(
            Double.log(logArgument[0]) + (nearMoney[0] ? roundingError[0] * approximateReciprocal(sum[0]) : 0),
            Double.log(logArgument[1]) + (nearMoney[1] ? roundingError[1] * approximateReciprocal(sum[1]) : 0)
        )
        let inverseSpot = 1 / spot

        let x = logMoneyness + rateTime
        let h = x * inverseTotalVol
        let halfVol = 0.5 * totalVol
        let d1 = h + halfVol
        let d2 = h - halfVol
        let nearD1 = x .<= 0
        let dNear = d2.replacing(with: d1, where: nearD1)
        let exponent = -0.5 * dNear * dNear
        let limit = SIMD2<Double>(repeating: -700)
        let scaledGaussian = discountedStrike.replacing(with: spot, where: nearD1)
            * negativeExponential(exponent.replacing(with: limit, where: limit .>= exponent))

        let negatedD1: SIMD2<Double> = -d1
        let negatedD2: SIMD2<Double> = -d2
        let argumentA = negatedD2.replacing(with: d1, where: isCall)
        let argumentB = negatedD1.replacing(with: d2, where: isCall)
        let (coefficients, rests) = CodyNormal.scaledQuad(
            SIMD4(lowHalf: argumentA, highHalf: argumentB), amount: SIMD4(lowHalf: amountA, highHalf: amountB),
            scaledGaussian: SIMD4(lowHalf: scaledGaussian, highHalf: scaledGaussian)
        )
        let coefficientA = coefficients.lowHalf
        let coefficientB = coefficients.highHalf
        let restA = rests.lowHalf
        let restB = rests.highHalf
        let notional = (coefficientA * amountA - coefficientB * amountB)
            .replacing(with: coefficientA * aMinusB, where: coefficientA .== coefficientB)
        let unclamped = notional + (restA - restB)
        let aboveIntrinsic = unclamped.replacing(with: intrinsicFloor, where: intrinsicFloor .>= unclamped)
        let floored = aboveIntrinsic.replacing(with: 0, where: 0 .>= aboveIntrinsic)
        let price = floored.replacing(with: amountA, where: amountA .< floored)

        let valueA = coefficientA * amountA + restA
        let valueB = coefficientB * amountB + restB
        let spotLeg = valueB.replacing(with: valueA, where: isCall)
        let strikeLeg = valueA.replacing(with: valueB, where: isCall)
        let spotDensity = NormalDistribution.inverseSqrtTwoPi * scaledGaussian
        let unitDelta = spotLeg * inverseSpot
        let one = SIMD2<Double>(repeating: 1)
        let delta = sign * flushedMagnitude(one.replacing(with: unitDelta, where: unitDelta .< one))
        let gamma = flushedMagnitude(spotDensity * inverseSpot * inverseSpot * inverseTotalVol)
        let vega = flushedMagnitude(spotDensity * sqrtTime)
        let theta = flushed(-0.5 * spotDensity * volatility * volatility * inverseTotalVol - sign * rate * strikeLeg)
        let rho = sign * flushedMagnitude(time * strikeLeg)
        let flushedPrice = flushedMagnitude(price)
        for lane in 0..<2 {
            prices[index + lane] = flushedPrice[lane]
            deltas[index + lane] = delta[lane]
            gammas[index + lane] = gamma[lane]
            vegas[index + lane] = vega[lane]
            thetas[index + lane] = theta[lane]
            rhos[index + lane] = rho[lane]
        }
    }

    /// `compensatedIntrinsic` for two lanes: the same TwoSum steps, so both kernels floor at the same value.
    @inline(__always)
    static func compensatedIntrinsic(spot: SIMD2<Double>, base: SIMD2<Double>, correction: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(compensatedIntrinsic(spot: spot[0], base: base[0], correction: correction[0]),
              compensatedIntrinsic(spot: spot[1], base: base[1], correction: correction[1]))
    }

    /// `flushed` lane by lane: 0 where |value| is below the smallest normal double.
    @inline(__always)
    static func flushed(_ value: SIMD2<Double>) -> SIMD2<Double> {
        let least = SIMD2<Double>(repeating: .leastNormalMagnitude)
        return value.replacing(with: 0 * value, where: (value .< least) .& (value .> -least))
    }

    /// `flushedMagnitude` lane by lane, for values known to be ≥ 0.
    @inline(__always)
    static func flushedMagnitude(_ value: SIMD2<Double>) -> SIMD2<Double> {
        value.replacing(with: 0, where: value .< SIMD2<Double>(repeating: .leastNormalMagnitude))
    }

    /// Values every option of `batch` into a new `ValuationBatch`.
    public static func valuations(_ batch: PricingBatch) -> ValuationBatch {
        var output = ValuationBatch()
        valuations(batch, into: &output)
        return output
    }
}

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
    /// the kernel inlined and no per-option struct traffic, and it computes the (time, rate) terms
    /// (e^(−rT) − 1 and √T) once per run of options that share them, as the strikes of one expiry
    /// do, which leaves one log and one exp per option.
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
    @inline(never)
    static func valueAll(
        kinds: UnsafeBufferPointer<OptionKind>, spots: UnsafeBufferPointer<Double>, strikes: UnsafeBufferPointer<Double>,
        times: UnsafeBufferPointer<Double>, volatilities: UnsafeBufferPointer<Double>, rates: UnsafeBufferPointer<Double>,
        prices: UnsafeMutableBufferPointer<Double>, deltas: UnsafeMutableBufferPointer<Double>,
        gammas: UnsafeMutableBufferPointer<Double>, vegas: UnsafeMutableBufferPointer<Double>,
        thetas: UnsafeMutableBufferPointer<Double>, rhos: UnsafeMutableBufferPointer<Double>
    ) {
        var shared = SharedTerms(time: times[0], rate: rates[0])
        for index in 0..<spots.count {
            let time = times[index]
            let rate = rates[index]
            if !shared.matches(time: time, rate: rate) { shared = SharedTerms(time: time, rate: rate) }
            let stage = prepare(
                isCall: kinds[index] == .call, spot: spots[index], strike: strikes[index],
                time: time, volatility: volatilities[index], rate: rate, shared: shared
            )
            let value: OptionValuation
            switch stage {
            case .done(let special): value = special
            case .needsGaussian(let setup): value = finish(setup, scaledGaussian: setup.gaussian())
            }
            prices[index] = value.price
            deltas[index] = value.delta
            gammas[index] = value.gamma
            vegas[index] = value.vega
            thetas[index] = value.theta
            rhos[index] = value.rho
        }
    }

    /// Values every option of `batch` into a new `ValuationBatch`.
    public static func valuations(_ batch: PricingBatch) -> ValuationBatch {
        var output = ValuationBatch()
        valuations(batch, into: &output)
        return output
    }
}

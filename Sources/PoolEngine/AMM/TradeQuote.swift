/// The AMM's price for one trade, before any money moves: premium and fee at model prices,
/// and where IV and skew end up after the trade walks them (Lyra's iterations).
public struct TradeQuote: Hashable, Sendable {
    /// Total model premium for the whole quantity.
    public var premium: Double
    /// Total fee: option-price fee + spot fee + vega-utilization fee; under ``EngineRules`` 3 at most
    /// ``AMMConfiguration/maximumFeeShareOfPremium`` of `premium`.
    public var fee: Double
    /// Whether the premium cap lowered `fee` (rules 3 and later).
    public var isFeeCapped: Bool
    /// The vol the trade's first slice is priced at: base IV × skew × `utilizationMultiplier`, clamped.
    public var volatilityBefore: Double
    /// The same after the trade's walk: base IV × skew after × `utilizationMultiplier`, clamped; the vol the next
    /// slice of the same trade would be priced at. Comparable with `volatilityBefore`.
    public var volatilityAfter: Double
    /// The "after" vol as rules 1–2 journal it in a fill: base IV × skew after, clamped, without the multiplier.
    public var volatilityAfterWithoutPremium: Double
    /// Hegic-style multiplier applied to IV because of utilization (1 when below the threshold).
    public var utilizationMultiplier: Double
    public var baseIvAfter: Double
    public var skewAfter: Double
    public var iterations: Int
    /// Delta of one contract at the quote's starting vol.
    public var delta: Double

    /// Premium plus fee per contract for a buyer, or premium minus fee (floored at zero) for a seller.
    public func perContract(side: Side, quantity: Double) -> Double {
        guard quantity > 0 else { return 0 }
        return side == .buy ? (premium + fee) / quantity : max(premium - fee, 0) / quantity
    }
}

/// Lyra's standardized vega: vega per 1% normalised across expiries by sqrt(30 / max(days, 7)).
@inlinable
public func standardizedVega(rawVega: Double, years: Double) -> Double {
    let days = years * 365
    return rawVega * (30 / max(days, 7)).squareRoot() / 100
}

extension Engine {
    /// Prices a trade of `quantity` in `seriesID` from the trader's `side`, walking IV and skew in
    /// iterations of at most one standard size each, with fees and the utilization premium.
    public func quoteTrade(series seriesID: SeriesID, side: Side, quantity: Quantity) -> TradeQuote {
        let option = series[seriesID.index]
        let board = boards[option.board.index]
        let market = markets[option.market.index]
        let marketConfig = configuration.markets[option.market.index]
        let amm = configuration.amm
        let years = yearsToExpiry(seriesID)
        let amount = quantity.doubleValue
        let standard = marketConfig.standardSize.doubleValue
        let iterations = max(1, min(100, Int((amount / standard).rounded(.up))))
        let slice = amount / Double(iterations)
        let direction: Double = side == .buy ? 1 : -1

        // Utilization premium applies only when the pool writes more (its locked collateral grows).
        var multiplier = 1.0
        if side == .buy {
            let lockedBefore = pool.lockedBySeries[seriesID.index]
            let lockedAfter: Double?
            // Exact money, as the trade itself will lock it. A quote is asked for any typed size (the ticket previews
            // before the size limit refuses it), so a size whose lock does not fit in 64 bits is estimated in
            // `Double` rather than allowed to trap.
            if let netAfter = pool.netPosition[seriesID.index].subtracting(quantity),
               case let lockAfter = lockRequirement(seriesID, net: netAfter), lockAfter.micros < Int64.max,
               let total = pool.lockedCollateral.subtracting(lockedBefore)?.adding(lockAfter) {
                lockedAfter = lockAfter > lockedBefore ? total.doubleValue : nil
            } else {
                let estimate = lockRequirementEstimate(seriesID, net: pool.netPosition[seriesID.index].doubleValue - amount)
                lockedAfter = estimate > lockedBefore.doubleValue
                    ? pool.lockedCollateral.doubleValue - lockedBefore.doubleValue + estimate : nil
            }
            if let lockedAfter {
                let assets = max(pool.cash.doubleValue, 1e-9)
                let utilization = lockedAfter / assets
                let threshold = amm.utilizationPremiumThreshold
                if utilization > threshold { multiplier = 1 + (utilization - threshold) / threshold }
            }
        }

        var baseIv = board.baseIv
        var skew = board.skews[option.strikeIndex]
        var stdVegaNet = poolStdVega[option.market.index]
        let nav = max(cachedNAV, 1)
        var premium = 0.0, fee = 0.0
        let volBefore = clampVolatility(baseIv * skew * multiplier)
        var delta = 0.0
        for iteration in 0..<iterations {
            let vol = clampVolatility(baseIv * skew * multiplier)
            let valuation = BlackScholes.valuation(
                kind: option.kind, spot: market.spot, strike: option.strike.doubleValue,
                time: years, volatility: vol, rate: configuration.rate)
            if iteration == 0 { delta = valuation.delta }
            let slicePremium = valuation.price * slice
            premium += slicePremium
            let stdVega = standardizedVega(rawVega: valuation.vega, years: years)
            let postStdVega = stdVegaNet - direction * stdVega * slice
            var sliceFee = amm.optionPriceFeeCoefficient * slicePremium + amm.spotPriceFeeCoefficient * market.spot * slice
            if abs(postStdVega) > abs(stdVegaNet) {
                sliceFee += amm.vegaFeeCoefficient * vol * abs(postStdVega) / nav * slice
            }
            fee += sliceFee
            stdVegaNet = postStdVega
            let move = (slice / standard) / 100
            baseIv = min(max(baseIv + direction * move, amm.baseIvBounds.lowerBound), amm.baseIvBounds.upperBound)
            skew = min(max(skew + direction * move * amm.skewAdjustmentFactor, amm.skewBounds.lowerBound), amm.skewBounds.upperBound)
        }
        // Deribit's rule: an option's fee never exceeds a share of its price (rules 3; older sessions replay uncapped).
        var isFeeCapped = false
        if configuration.capsFeesAtPremiumShare {
            let cap = amm.maximumFeeShareOfPremium * max(premium, 0)
            if fee > cap {
                fee = cap
                isFeeCapped = true
            }
        }
        return TradeQuote(
            premium: premium, fee: fee, isFeeCapped: isFeeCapped, volatilityBefore: volBefore,
            volatilityAfter: clampVolatility(baseIv * skew * multiplier),
            volatilityAfterWithoutPremium: clampVolatility(baseIv * skew), utilizationMultiplier: multiplier,
            baseIvAfter: baseIv, skewAfter: skew, iterations: iterations, delta: delta)
    }

    /// The fee of a trade in money: the quote's fee rounded up, and under rules 3 never more than
    /// ``AMMConfiguration/maximumFeeShareOfPremium`` of the premium actually paid or received (rounded down, so the
    /// cap holds to the micro-unit).
    func feeMoney(_ quote: TradeQuote, premium: Money) -> Money {
        let fee = Money(rounding: quote.fee, .up)
        guard configuration.capsFeesAtPremiumShare else { return fee }
        let capPPM = Int64((min(max(configuration.amm.maximumFeeShareOfPremium, 0), 1) * 1_000_000).rounded())
        return min(fee, max(premium, .zero).scaled(by: capPPM, over: 1_000_000, rounding: .down))
    }

    /// Collateral the pool must lock for a signed net holding in a series: a put locks strike × contracts,
    /// a call spot × scale × contracts (re-checked as spot moves); nothing when the pool is long.
    public func lockRequirement(_ seriesID: SeriesID, net: Quantity) -> Money {
        guard net.micros < 0 else { return .zero }
        let option = series[seriesID.index]
        let contracts = Quantity(micros: -net.micros)
        switch option.kind {
        case .put:
            return Money.notional(option.strike, contracts, rounding: .up)
        case .call:
            let perUnit = Money(rounding: markets[option.market.index].spot * configuration.pool.callCollateralPerSpot, .up)
            return Money.notional(perUnit, contracts, rounding: .up)
        }
    }

    /// ``lockRequirement(_:net:)`` in `Double`, for quotes of sizes that exact money could not hold.
    func lockRequirementEstimate(_ seriesID: SeriesID, net: Double) -> Double {
        guard net < 0 else { return 0 }
        let option = series[seriesID.index]
        switch option.kind {
        case .put: return option.strike.doubleValue * -net
        case .call: return markets[option.market.index].spot * configuration.pool.callCollateralPerSpot * -net
        }
    }

    /// Full collateral for a trader's short: strike per put, spot per call.
    public func fullShortCollateral(_ seriesID: SeriesID, quantity: Quantity) -> Money {
        let option = series[seriesID.index]
        switch option.kind {
        case .put: return Money.notional(option.strike, quantity, rounding: .up)
        case .call:
            return Money.notional(Money(rounding: markets[option.market.index].spot, .up), quantity, rounding: .up)
        }
    }

    /// Minimum collateral per contract for a trader's short: the option's value under a spot and vol shock
    /// (Lyra style), at least a floor share of spot, at most the full collateral.
    public func minimumShortCollateralPerContract(_ seriesID: SeriesID) -> Double {
        minimumShortCollateralPerContract(seriesID, spot: markets[series[seriesID.index].market.index].spot)
    }

    /// ``minimumShortCollateralPerContract(_:)`` were spot at `spot` (today's IV, skew and time to expiry): what the
    /// liquidation check would ask at another spot.
    public func minimumShortCollateralPerContract(_ seriesID: SeriesID, spot: Double) -> Double {
        let option = series[seriesID.index]
        let rules = configuration.shorts
        let shockedSpot = spot * (option.kind == .call ? rules.callSpotShock : rules.putSpotShock)
        let vol = max(tradedVolatility(seriesID), rules.shockVolatility)
        let shocked = BlackScholes.price(
            kind: option.kind, spot: shockedSpot, strike: option.strike.doubleValue,
            time: yearsToExpiry(seriesID), volatility: vol, rate: configuration.rate)
        let full = option.kind == .put ? option.strike.doubleValue : spot
        return min(max(shocked, rules.minimumShareOfSpot * spot), full)
    }

    /// Minimum collateral for `quantity` contracts short.
    public func minimumShortCollateral(_ seriesID: SeriesID, quantity: Quantity) -> Money {
        Money.fromPricing(perUnit: minimumShortCollateralPerContract(seriesID), quantity: quantity, rounding: .up)
    }
}

/// The stored form of the configuration: named keys (the property names), each optional on reading.
///
/// Journals and snapshots outlive the code that wrote them. A field added to a configuration type must not make an
/// older stored configuration unreadable, so every key is read with `decodeIfPresent` and an absent one keeps the
/// documented default of the type's `init()` — except ``EngineConfiguration/rulesVersion``, whose absence means a
/// session from before rules were versioned (``EngineRules/original``). Unknown keys are ignored. Writing uses the
/// same keys (synthesized from `CodingKeys`).
extension EngineConfiguration {
    enum CodingKeys: String, CodingKey {
        case markets, tickInterval, startTime, tenors, strikesPerSide, rate, amm, pool, shorts, hedging, breakers
        case riskRefreshInterval, liquidationCheckInterval, priceHistoryLength, priceHistoryInterval, rulesVersion
        case honestMarket
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&markets, .markets)
        try stored.fill(&tickInterval, .tickInterval)
        try stored.fill(&startTime, .startTime)
        try stored.fill(&tenors, .tenors)
        try stored.fill(&strikesPerSide, .strikesPerSide)
        try stored.fill(&rate, .rate)
        try stored.fill(&amm, .amm)
        try stored.fill(&pool, .pool)
        try stored.fill(&shorts, .shorts)
        try stored.fill(&hedging, .hedging)
        try stored.fill(&breakers, .breakers)
        try stored.fill(&riskRefreshInterval, .riskRefreshInterval)
        try stored.fill(&liquidationCheckInterval, .liquidationCheckInterval)
        try stored.fill(&priceHistoryLength, .priceHistoryLength)
        try stored.fill(&priceHistoryInterval, .priceHistoryInterval)
        rulesVersion = try stored.decodeIfPresent(Int.self, forKey: .rulesVersion) ?? EngineRules.original
        honestMarket = try stored.decodeIfPresent(Bool.self, forKey: .honestMarket)
    }
}

extension MarketConfiguration {
    enum CodingKeys: String, CodingKey {
        case symbol, initialSpot, drift, calmVolatility, stressedVolatility, meanCalmDuration, meanStressedDuration
        case jumpsPerYear, jumpMean, jumpStandardDeviation, impliedVolatilityPremium, standardSize, maximumOrderSize
        case minimumOrderSize, history
    }

    /// Absent keys take Bitcoin's defaults (a market without them was never written; this only guards added fields).
    public init(from decoder: any Decoder) throws {
        self = .bitcoin
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&symbol, .symbol)
        try stored.fill(&initialSpot, .initialSpot)
        try stored.fill(&drift, .drift)
        try stored.fill(&calmVolatility, .calmVolatility)
        try stored.fill(&stressedVolatility, .stressedVolatility)
        try stored.fill(&meanCalmDuration, .meanCalmDuration)
        try stored.fill(&meanStressedDuration, .meanStressedDuration)
        try stored.fill(&jumpsPerYear, .jumpsPerYear)
        try stored.fill(&jumpMean, .jumpMean)
        try stored.fill(&jumpStandardDeviation, .jumpStandardDeviation)
        try stored.fill(&impliedVolatilityPremium, .impliedVolatilityPremium)
        try stored.fill(&standardSize, .standardSize)
        try stored.fill(&maximumOrderSize, .maximumOrderSize)
        try stored.fill(&minimumOrderSize, .minimumOrderSize)
        history = try stored.decodeIfPresent(MarketHistory.self, forKey: .history)
    }
}

extension AMMConfiguration {
    enum CodingKeys: String, CodingKey {
        case skewAdjustmentFactor, baseIvBounds, skewBounds, tradedVolBounds, optionPriceFeeCoefficient
        case spotPriceFeeCoefficient, vegaFeeCoefficient, utilizationPremiumThreshold, tradingCutoff
        case tradingCutoffShareOfTenor, minimumAbsoluteDelta, baseIvReversionHalfLife, maximumFeeShareOfPremium, skewCurve
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&skewAdjustmentFactor, .skewAdjustmentFactor)
        try stored.fill(&baseIvBounds, .baseIvBounds)
        try stored.fill(&skewBounds, .skewBounds)
        try stored.fill(&tradedVolBounds, .tradedVolBounds)
        try stored.fill(&optionPriceFeeCoefficient, .optionPriceFeeCoefficient)
        try stored.fill(&spotPriceFeeCoefficient, .spotPriceFeeCoefficient)
        try stored.fill(&vegaFeeCoefficient, .vegaFeeCoefficient)
        try stored.fill(&utilizationPremiumThreshold, .utilizationPremiumThreshold)
        try stored.fill(&tradingCutoff, .tradingCutoff)
        try stored.fill(&tradingCutoffShareOfTenor, .tradingCutoffShareOfTenor)
        try stored.fill(&minimumAbsoluteDelta, .minimumAbsoluteDelta)
        try stored.fill(&baseIvReversionHalfLife, .baseIvReversionHalfLife)
        try stored.fill(&maximumFeeShareOfPremium, .maximumFeeShareOfPremium)
        try stored.fill(&skewCurve, .skewCurve)
    }
}

extension PoolConfiguration {
    enum CodingKeys: String, CodingKey { case utilizationCap, reserveShareOfFees, withdrawalFee, callCollateralPerSpot }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&utilizationCap, .utilizationCap)
        try stored.fill(&reserveShareOfFees, .reserveShareOfFees)
        try stored.fill(&withdrawalFee, .withdrawalFee)
        try stored.fill(&callCollateralPerSpot, .callCollateralPerSpot)
    }
}

extension ShortCollateralConfiguration {
    enum CodingKeys: String, CodingKey { case callSpotShock, putSpotShock, shockVolatility, minimumShareOfSpot, liquidationPenalty }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&callSpotShock, .callSpotShock)
        try stored.fill(&putSpotShock, .putSpotShock)
        try stored.fill(&shockVolatility, .shockVolatility)
        try stored.fill(&minimumShareOfSpot, .minimumShareOfSpot)
        try stored.fill(&liquidationPenalty, .liquidationPenalty)
    }
}

extension HedgingConfiguration {
    enum CodingKeys: String, CodingKey { case enabled, interval, thresholdShareOfNAV, costRate }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&enabled, .enabled)
        try stored.fill(&interval, .interval)
        try stored.fill(&thresholdShareOfNAV, .thresholdShareOfNAV)
        try stored.fill(&costRate, .costRate)
    }
}

extension CircuitBreakerConfiguration {
    enum CodingKeys: String, CodingKey { case minimumFreeLiquidityShare, maximumIvDeviation, ivSmoothingHalfLife, cooldown }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&minimumFreeLiquidityShare, .minimumFreeLiquidityShare)
        try stored.fill(&maximumIvDeviation, .maximumIvDeviation)
        try stored.fill(&ivSmoothingHalfLife, .ivSmoothingHalfLife)
        try stored.fill(&cooldown, .cooldown)
    }
}

extension KeyedDecodingContainer {
    /// Replaces `value` with the stored one when `key` is present; keeps the default otherwise.
    func fill<T: Decodable>(_ value: inout T, _ key: Key) throws {
        if let stored = try decodeIfPresent(T.self, forKey: key) { value = stored }
    }
}

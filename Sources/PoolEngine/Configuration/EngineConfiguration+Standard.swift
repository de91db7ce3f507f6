import RealModule

extension EngineConfiguration {
    /// What a new session of the desk (`pooldesk`, `sim`, `serve`, and `config --default`) starts from: the
    /// documented defaults of every field, with the skew curve fitted to Deribit's BTC smile
    /// (``SkewCurve/deribitBTC2026``), issue 14's honest market (``honestMarket``: under rules 4, the price process on
    /// its own streams, LPs who hold, informed traders valuing over the option's life) and each market's IV premium
    /// calibrated to its own price process
    /// (``MarketConfiguration/processFairImpliedVolatilityPremium``, rounded to 0.001: BTC 1.040, ETH 1.024).
    ///
    /// `EngineConfiguration()` keeps the hand-chosen ``SkewCurve/legacy`` curve, the simulation as before and the 1.08
    /// premium, which is also what a stored configuration without those fields means, so code and tests that build a configuration directly keep their numbers.
    public static var standard: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.amm.skewCurve = .deribitBTC2026
        configuration.honestMarket = true
        for index in configuration.markets.indices {
            let premium = configuration.markets[index].processFairImpliedVolatilityPremium
            configuration.markets[index].impliedVolatilityPremium = (premium * 1_000).rounded() / 1_000
        }
        return configuration
    }
}

extension MarketConfiguration {
    /// The IV premium at which the pool's quote is fair for this market's simulated process on average: the root of
    /// the process's long-run mean total variance (each regime's diffusion and jump variance, weighted by the share of
    /// time the regime chain spends in it) over the root of the long-run mean square of the regime volatility the
    /// premium multiplies. BTC's defaults: √(6/7·0.2722 + 1/7·1.2988) / √(6/7·0.25 + 1/7·1.21) = 0.6472 / 0.6222 = 1.040.
    ///
    /// Why not a real market's premium: Deribit's DVOL has been above the next 30 days' realized volatility (BTC,
    /// March 2021 – November 2022: 1.18 in variance terms, ETH 1.07; README "An honest market"), a risk premium real
    /// option sellers earn. At that premium the simulated LP earns it from every uninformed buyer on top of the fees,
    /// week after week; at the fair premium uninformed flow pays only fees and the pool's option P&L is what informed
    /// flow and jumps take from it. `[[markets]] impliedVolatilityPremium` in a `--config` file sets either.
    public var processFairImpliedVolatilityPremium: Double {
        let calmShare: Double
        let calmTime = max(0, meanCalmDuration.years), stressedTime = max(0, meanStressedDuration.years)
        calmShare = calmTime + stressedTime > 0 ? calmTime / (calmTime + stressedTime) : 1
        func jumpVariance(_ scale: Double) -> Double {
            max(0, jumpsPerYear) * (jumpMean * jumpMean + jumpStandardDeviation * jumpStandardDeviation) * scale * scale
        }
        let calmVariance = calmVolatility * calmVolatility, stressedVariance = stressedVolatility * stressedVolatility
        let total = calmShare * (calmVariance + jumpVariance(1)) + (1 - calmShare) * (stressedVariance + jumpVariance(2))
        let regime = calmShare * calmVariance + (1 - calmShare) * stressedVariance
        guard regime > 0, total.isFinite else { return impliedVolatilityPremium }
        return (total / regime).squareRoot()
    }
}

import RealModule

/// Identifies a market (an underlying) by its index in the configuration.
public struct MarketID: IndexIdentifier {
    public var index: Int
    public init(_ index: Int) { self.index = index }
}

/// Volatility regime of the simulated price process.
public enum VolatilityRegime: String, Codable, Hashable, Sendable {
    case calm, stressed
}

/// The live state of one underlying's simulated price.
public struct MarketState: Codable, Hashable, Sendable {
    public var id: MarketID
    public var symbol: String
    public var spot: Double
    /// Spot at the start of the simulated day, for the header's change figure.
    public var openingSpot: Double
    public var regime: VolatilityRegime
    /// Recent spot samples, oldest first, at `priceHistoryInterval` spacing.
    public var history: [Double]
    /// Smoothed base IV level new boards are listed at (tracks the regime).
    public var impliedVolatilityLevel: Double
    /// Product of every spot shock on a recorded market (its path values are multiplied by it); nil: none.
    /// Absent from snapshots written before shocks existed, and from unshocked ones.
    public var priceFactor: Double?
    /// Sum of every volatility shock, in volatility units (0.4 = 40 points), added to the implied-volatility level
    /// the market is steered to; nil: none.
    public var volatilityShift: Double?

    /// Current regime volatility under `configuration`.
    public func regimeVolatility(_ configuration: MarketConfiguration) -> Double {
        regime == .calm ? configuration.calmVolatility : configuration.stressedVolatility
    }
}

/// The seeded price process: one step of lognormal diffusion with regime-switching vol and compound-Poisson jumps.
enum PriceProcess {
    static func step(_ market: inout MarketState, configuration: MarketConfiguration, years dt: Double, random: inout SeededRandom) {
        // Regime switching as a two-state Markov chain in continuous time.
        let meanDuration = market.regime == .calm ? configuration.meanCalmDuration.years : configuration.meanStressedDuration.years
        if meanDuration > 0, random.uniform() < dt / meanDuration {
            market.regime = market.regime == .calm ? .stressed : .calm
        }
        let sigma = market.regimeVolatility(configuration)
        // Jump compensation keeps the expected return equal to the drift.
        let jumpCompensation = configuration.jumpsPerYear
            * (Double.exp(configuration.jumpMean + 0.5 * configuration.jumpStandardDeviation * configuration.jumpStandardDeviation) - 1)
        var logReturn = (configuration.drift - jumpCompensation - 0.5 * sigma * sigma) * dt + sigma * dt.squareRoot() * random.normal()
        if random.uniform() < configuration.jumpsPerYear * dt {
            // A jump in the stressed regime is twice as violent.
            let scale = market.regime == .stressed ? 2.0 : 1.0
            logReturn += configuration.jumpMean * scale + configuration.jumpStandardDeviation * scale * random.normal()
        }
        market.spot *= Double.exp(logReturn)
        if !market.spot.isFinite || market.spot <= 0 { market.spot = configuration.initialSpot * 1e-6 }
    }
}

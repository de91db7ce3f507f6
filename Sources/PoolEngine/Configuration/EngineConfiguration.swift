/// Every parameter of the simulated market, in one documented value with defaults.
///
/// Defaults follow the public protocols in DOMAIN.md (Lyra v1 quoting and fees, Hegic's utilization
/// premium and 80% cap) scaled for demos where a protocol default would make short expiries untradeable.
public struct EngineConfiguration: Codable, Hashable, Sendable {
    /// Underlyings quoted in the USD stablecoin.
    public var markets: [MarketConfiguration]
    /// Simulated time between two price ticks.
    public var tickInterval: SimDuration
    /// Where the simulated clock starts (not the wall clock, so runs replay).
    public var startTime: SimTime
    /// Board tenors listed per market; an expired board is replaced by a new one of the same tenor.
    public var tenors: [SimDuration]
    /// Strikes listed on each side of the at-the-money strike (total = 2 × this + 1).
    public var strikesPerSide: Int
    /// Risk-free rate used in pricing.
    public var rate: Double
    public var amm: AMMConfiguration
    public var pool: PoolConfiguration
    public var shorts: ShortCollateralConfiguration
    public var hedging: HedgingConfiguration
    public var breakers: CircuitBreakerConfiguration
    /// How often series are repriced, pool Greeks rebuilt, call collateral re-checked and queued withdrawals paid.
    public var riskRefreshInterval: SimDuration
    /// How often trader shorts are checked against their minimum collateral.
    public var liquidationCheckInterval: SimDuration
    /// Spot samples kept per market for charts and momentum traders.
    public var priceHistoryLength: Int
    /// Simulated time between two kept spot samples.
    public var priceHistoryInterval: SimDuration
    /// Which version of the engine's market rules this session runs under (see ``EngineRules``). New sessions get
    /// ``EngineRules/current``; a stored configuration without the field is a session started before rules were
    /// versioned, which runs under ``EngineRules/original`` so that its journal still replays exactly.
    public var rulesVersion: Int
    /// Whether the session simulates issue 14's honest market under ``EngineRules`` 4 and later: the price process on
    /// its own seeded streams, plain LPs holding for days, informed traders valuing over the option's life (see
    /// ``EngineRules/current``). nil (the default of `EngineConfiguration()`, and what every configuration stored
    /// before it existed means) or false: the simulation as before, so code and tests that build a configuration
    /// directly keep their seeded numbers; ``standard`` (new sessions of the desk) sets it. Written only when set.
    public var honestMarket: Bool?

    public init(
        markets: [MarketConfiguration] = [.bitcoin, .ether],
        tickInterval: SimDuration = .seconds(1),
        startTime: SimTime = SimTime(year: 2026, month: 12, day: 1),
        tenors: [SimDuration] = [.hours(1), .hours(4), .days(1), .days(7)],
        strikesPerSide: Int = 8,
        rate: Double = 0.0,
        amm: AMMConfiguration = AMMConfiguration(),
        pool: PoolConfiguration = PoolConfiguration(),
        shorts: ShortCollateralConfiguration = ShortCollateralConfiguration(),
        hedging: HedgingConfiguration = HedgingConfiguration(),
        breakers: CircuitBreakerConfiguration = CircuitBreakerConfiguration(),
        riskRefreshInterval: SimDuration = .seconds(10),
        liquidationCheckInterval: SimDuration = .seconds(60),
        priceHistoryLength: Int = 720,
        priceHistoryInterval: SimDuration = .seconds(5),
        rulesVersion: Int = EngineRules.current
    ) {
        self.markets = markets
        self.tickInterval = tickInterval
        self.startTime = startTime
        self.tenors = tenors
        self.strikesPerSide = strikesPerSide
        self.rate = rate
        self.amm = amm
        self.pool = pool
        self.shorts = shorts
        self.hedging = hedging
        self.breakers = breakers
        self.riskRefreshInterval = riskRefreshInterval
        self.liquidationCheckInterval = liquidationCheckInterval
        self.priceHistoryLength = priceHistoryLength
        self.priceHistoryInterval = priceHistoryInterval
        self.rulesVersion = rulesVersion
    }

    /// A reason the configuration cannot run, or nil when it is usable.
    public func validationError() -> String? {
        if markets.isEmpty { return "at least one market is required" }
        if tickInterval.milliseconds <= 0 { return "tickInterval must be positive" }
        if tenors.isEmpty || tenors.contains(where: { $0.milliseconds <= 0 }) { return "tenors must be positive" }
        if strikesPerSide < 1 || strikesPerSide > 50 { return "strikesPerSide must be 1–50" }
        for market in markets {
            if market.initialSpot <= 0 { return "\(market.symbol): initialSpot must be positive" }
            if market.standardSize.micros <= 0 { return "\(market.symbol): standardSize must be positive" }
            if let history = market.history, let problem = history.validationError(tick: tickInterval, start: startTime) {
                return "\(market.symbol): \(problem)"
            }
        }
        if !(0...1).contains(pool.utilizationCap) { return "pool.utilizationCap must be within 0–1" }
        if !(0...1).contains(pool.reserveShareOfFees) { return "pool.reserveShareOfFees must be within 0–1" }
        if !(0...1).contains(amm.maximumFeeShareOfPremium) { return "amm.maximumFeeShareOfPremium must be within 0–1" }
        if !(EngineRules.original...EngineRules.current).contains(rulesVersion) {
            return "rulesVersion \(rulesVersion) is not one this build knows (\(EngineRules.original)–\(EngineRules.current))"
        }
        return nil
    }
}

/// One underlying and its simulated price process: lognormal diffusion, regime-switching volatility, jumps.
public struct MarketConfiguration: Codable, Hashable, Sendable {
    public var symbol: String
    public var initialSpot: Double
    /// Annual drift of the diffusion (before jump compensation).
    public var drift: Double
    /// Annualized volatility in the calm and the stressed regime.
    public var calmVolatility: Double
    public var stressedVolatility: Double
    /// Mean time spent in each regime before switching.
    public var meanCalmDuration: SimDuration
    public var meanStressedDuration: SimDuration
    /// Jumps per year, and the mean and standard deviation of a jump's log size.
    public var jumpsPerYear: Double
    public var jumpMean: Double
    public var jumpStandardDeviation: Double
    /// Base IV a new board starts at, as a multiple of the current regime volatility.
    public var impliedVolatilityPremium: Double
    /// Lyra's standard size: a trade of this many contracts moves base IV by one vol point.
    public var standardSize: Quantity
    /// Largest single order, in contracts.
    public var maximumOrderSize: Quantity
    /// Contract display precision (BTC trades in 0.01s, ETH in 0.1s).
    public var minimumOrderSize: Quantity
    /// Recorded prices (and optionally an implied-volatility index) that drive this market instead of the simulated
    /// process above; nil (the default, and every configuration stored before it existed): simulated.
    public var history: MarketHistory?

    public init(
        symbol: String, initialSpot: Double, drift: Double = 0, calmVolatility: Double, stressedVolatility: Double,
        meanCalmDuration: SimDuration = .days(2), meanStressedDuration: SimDuration = .hours(8),
        jumpsPerYear: Double = 150, jumpMean: Double = -0.002, jumpStandardDeviation: Double = 0.012,
        impliedVolatilityPremium: Double = 1.08, standardSize: Quantity, maximumOrderSize: Quantity, minimumOrderSize: Quantity
    ) {
        self.symbol = symbol
        self.initialSpot = initialSpot
        self.drift = drift
        self.calmVolatility = calmVolatility
        self.stressedVolatility = stressedVolatility
        self.meanCalmDuration = meanCalmDuration
        self.meanStressedDuration = meanStressedDuration
        self.jumpsPerYear = jumpsPerYear
        self.jumpMean = jumpMean
        self.jumpStandardDeviation = jumpStandardDeviation
        self.impliedVolatilityPremium = impliedVolatilityPremium
        self.standardSize = standardSize
        self.maximumOrderSize = maximumOrderSize
        self.minimumOrderSize = minimumOrderSize
    }

    /// BTC near 60,000, standard size 0.25 BTC (about Lyra's 5 ETH in notional).
    public static let bitcoin = MarketConfiguration(
        symbol: "BTC", initialSpot: 60_000, calmVolatility: 0.50, stressedVolatility: 1.10,
        standardSize: Quantity(micros: 250_000), maximumOrderSize: Quantity(25), minimumOrderSize: Quantity(micros: 10_000)
    )

    /// ETH near 3,000, standard size 5 ETH (Lyra's default).
    public static let ether = MarketConfiguration(
        symbol: "ETH", initialSpot: 3_000, calmVolatility: 0.65, stressedVolatility: 1.40,
        standardSize: Quantity(5), maximumOrderSize: Quantity(500), minimumOrderSize: Quantity(micros: 100_000)
    )
}

/// Lyra-style quoting: traded vol = base IV × skew, moved by every trade, plus fees and Hegic's utilization premium.
public struct AMMConfiguration: Codable, Hashable, Sendable {
    public var skewAdjustmentFactor: Double = 0.75
    public var baseIvBounds: ClosedRange<Double> = 0.35...2.0
    public var skewBounds: ClosedRange<Double> = 0.5...1.5
    public var tradedVolBounds: ClosedRange<Double> = 0.25...3.0
    /// Fee share of the option premium (Lyra 1%).
    public var optionPriceFeeCoefficient: Double = 0.01
    /// Fee share of spot. Lyra v1 used 1%; at 1% an hour-long option would cost more in fees than premium,
    /// so the default is Deribit-like 0.03% of the underlying.
    public var spotPriceFeeCoefficient: Double = 0.0003
    /// USD per contract per unit of vega utilization, charged only when a trade raises |net std vega|.
    public var vegaFeeCoefficient: Double = 200
    /// Largest fee as a share of the trade's premium (Deribit caps option fees at 12.5% of the option's price), so a
    /// nearly worthless option is not charged more in fees than it costs. Applies to the whole fee (price, spot and
    /// vega parts) under ``EngineRules`` 3 and later; sessions under earlier rules ignore it. 0.125 when absent from a
    /// stored configuration.
    public var maximumFeeShareOfPremium: Double = 0.125
    /// Utilization above which IV is scaled up (Hegic: 40%), reaching 2× at twice the threshold.
    public var utilizationPremiumThreshold: Double = 0.40
    /// Lyra's 12 h cutoff, scaled for short tenors: trading stops at min(cutoff, share × tenor) before expiry.
    public var tradingCutoff: SimDuration = .hours(12)
    public var tradingCutoffShareOfTenor: Double = 0.10
    /// Strikes whose |delta| is below this cannot be opened (Lyra 0.15); closing is always allowed.
    public var minimumAbsoluteDelta: Double = 0.15
    /// Base IV drifts back towards the market's implied level with this half-life (trades push it away).
    public var baseIvReversionHalfLife: SimDuration = .hours(6)
    /// The smile a new board is listed with (``SkewCurve``). ``SkewCurve/legacy`` here and when absent from a stored
    /// configuration (sessions from before it was configurable replay exactly); new sessions of the CLI use
    /// ``EngineConfiguration/standard``, whose curve is fitted to Deribit's BTC smile.
    public var skewCurve: SkewCurve = .legacy

    public init() {}
}

/// The liquidity pool's rules.
public struct PoolConfiguration: Codable, Hashable, Sendable {
    /// Largest share of pool assets that may be locked as collateral (Hegic 80%).
    public var utilizationCap: Double = 0.80
    /// Share of every fee that goes to the protocol reserve instead of LPs.
    public var reserveShareOfFees: Double = 0.10
    /// Fee kept by the pool on LP withdrawals (Lyra 0.3–1%).
    public var withdrawalFee: Double = 0.003
    /// A written call locks spot × this per contract in quote, re-checked as spot moves.
    public var callCollateralPerSpot: Double = 1.0

    public init() {}
}

/// Collateral rules for traders who sell options to the pool (Lyra-style shocked minimum).
public struct ShortCollateralConfiguration: Codable, Hashable, Sendable {
    /// Spot shocks used for the minimum collateral of short calls and puts.
    public var callSpotShock: Double = 1.2
    public var putSpotShock: Double = 0.8
    /// Volatility used for the shocked value (at least the traded vol).
    public var shockVolatility: Double = 1.8
    /// Minimum collateral is never below this share of spot per contract.
    public var minimumShareOfSpot: Double = 0.02
    /// A short is liquidated when its collateral falls below the current minimum.
    public var liquidationPenalty: Double = 0.20

    public init() {}
}

/// The pool's delta hedger (on a simulated perpetual).
public struct HedgingConfiguration: Codable, Hashable, Sendable {
    public var enabled: Bool = true
    /// Minimum time between two hedges (Lyra's interval).
    public var interval: SimDuration = .minutes(5)
    /// Hedge only when |net delta| × spot exceeds this share of NAV.
    public var thresholdShareOfNAV: Double = 0.005
    /// Cost per unit of notional traded (fees plus slippage).
    public var costRate: Double = 0.0005

    public init() {}
}

/// Halts that stop opening trades (closing is always allowed).
public struct CircuitBreakerConfiguration: Codable, Hashable, Sendable {
    /// Halt when free liquidity falls below this share of NAV (Lyra 1–5%).
    public var minimumFreeLiquidityShare: Double = 0.02
    /// Halt a board when |base IV − its smoothed value| exceeds this many vol points.
    public var maximumIvDeviation: Double = 0.15
    /// Half-life of the smoothed IV (Lyra's GWAV window, simplified to an EMA).
    public var ivSmoothingHalfLife: SimDuration = .hours(1)
    /// How long a halt lasts once its condition clears.
    public var cooldown: SimDuration = .minutes(10)

    public init() {}
}

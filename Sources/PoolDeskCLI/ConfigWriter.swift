import PoolEngine

/// Writes ``SessionSettings`` as a configuration file that ``ConfigFile`` reads back to the same settings: every key,
/// with a comment giving its unit and where the default comes from (`pooldesk config --default`).
enum ConfigWriter {
    static func render(_ settings: SessionSettings) -> String {
        let configuration = settings.configuration
        var out = Lines()
        out.comment("PoolDesk configuration: `pooldesk --config FILE`, `pooldesk sim --config FILE`, `pooldesk serve --config FILE`.")
        out.comment("Every key is optional; a file overrides only what it names. Durations are strings (\"90s\", \"15m\", \"4h\", \"7d\",")
        out.comment("\"1d12h\"), money is USD as a number, vol and shares are fractions (0.5 = 50%). The configuration a session")
        out.comment("starts with is stored in its journal, so a resumed or replayed session keeps it. Sources: DOMAIN.md.")
        out.blank()
        out.key("tickInterval", duration(configuration.tickInterval), "simulated time between two price ticks")
        out.key("startTime", "\"\(configuration.startTime)\"", "where the simulated clock starts (UTC), not the wall clock, so runs replay")
        out.key("tenors", "[" + configuration.tenors.map { duration($0) }.joined(separator: ", ") + "]",
                "board tenors listed per market; an expired board is replaced by one of the same tenor")
        out.key("strikesPerSide", "\(configuration.strikesPerSide)", "strikes each side of the at-the-money one (1–50)")
        out.key("rate", number(configuration.rate), "risk-free rate used in pricing, per year")
        out.key("riskRefreshInterval", duration(configuration.riskRefreshInterval),
                "how often series are repriced, pool Greeks rebuilt, call collateral re-checked, queued withdrawals paid")
        out.key("liquidationCheckInterval", duration(configuration.liquidationCheckInterval), "how often trader shorts are checked against their minimum collateral")
        out.key("priceHistoryLength", "\(configuration.priceHistoryLength)", "spot samples kept per market (charts, momentum traders)")
        out.key("priceHistoryInterval", duration(configuration.priceHistoryInterval), "simulated time between two kept spot samples")
        out.key("rulesVersion", "\(configuration.rulesVersion)", "engine market rules (\(EngineRules.original)–\(EngineRules.current)); keep the newest for new sessions")
        out.key("honestMarket", configuration.honestMarket == true ? "true" : "false",
                "rules 4: prices on their own random streams, LPs who hold for days, informed traders valuing over the option's life")
        for market in configuration.markets {
            out.blank()
            out.comment("One underlying quoted in USD: lognormal diffusion, regime-switching vol, compound-Poisson jumps.")
            out.comment("A market named BTC or ETH starts from that market's defaults; another symbol from BTC's, with its own initialSpot.")
            out.line("[[markets]]")
            out.key("symbol", "\"\(market.symbol)\"", nil)
            out.key("initialSpot", number(market.initialSpot), "USD")
            out.key("drift", number(market.drift), "annual drift before jump compensation")
            out.key("calmVolatility", number(market.calmVolatility), "annualized vol in the calm regime")
            out.key("stressedVolatility", number(market.stressedVolatility), "annualized vol in the stressed regime")
            out.key("meanCalmDuration", duration(market.meanCalmDuration), "mean time in the calm regime before switching")
            out.key("meanStressedDuration", duration(market.meanStressedDuration), "mean time in the stressed regime")
            out.key("jumpsPerYear", number(market.jumpsPerYear), "jump intensity")
            out.key("jumpMean", number(market.jumpMean), "mean log jump size (doubled when stressed)")
            out.key("jumpStandardDeviation", number(market.jumpStandardDeviation), "sd of the log jump size (doubled when stressed)")
            out.key("impliedVolatilityPremium", number(market.impliedVolatilityPremium), "base IV of a new board as a multiple of the regime vol")
            out.key("standardSize", amount(market.standardSize.micros), "contracts that move base IV one vol point (Lyra's standard size)")
            out.key("maximumOrderSize", amount(market.maximumOrderSize.micros), "largest single order, contracts")
            out.key("minimumOrderSize", amount(market.minimumOrderSize.micros), "smallest order and size step, contracts")
        }
        let amm = configuration.amm
        out.blank()
        out.comment("Lyra-style quoting: traded vol = base IV × skew, moved by every trade, plus fees and Hegic's utilization premium.")
        out.line("[amm]")
        out.key("skewAdjustmentFactor", number(amm.skewAdjustmentFactor), "skew moves this share of base IV's move per trade (Lyra 0.75)")
        out.key("baseIvBounds", bounds(amm.baseIvBounds), "[low, high] of base IV")
        out.key("skewBounds", bounds(amm.skewBounds), "[low, high] of a strike's skew")
        out.key("tradedVolBounds", bounds(amm.tradedVolBounds), "[low, high] of traded vol")
        out.key("optionPriceFeeCoefficient", number(amm.optionPriceFeeCoefficient), "fee share of the option premium (Lyra 1%)")
        out.key("spotPriceFeeCoefficient", number(amm.spotPriceFeeCoefficient), "fee share of spot per contract (Deribit-like 0.03%)")
        out.key("vegaFeeCoefficient", number(amm.vegaFeeCoefficient), "USD per contract per unit of vega utilization, when a trade adds to |net std vega|")
        out.key("maximumFeeShareOfPremium", number(amm.maximumFeeShareOfPremium), "fee cap as a share of premium (Deribit 12.5%)")
        out.key("utilizationPremiumThreshold", number(amm.utilizationPremiumThreshold), "utilization above which IV is scaled up (Hegic 40%)")
        out.key("tradingCutoff", duration(amm.tradingCutoff), "trading stops this long before expiry (Lyra 12h) …")
        out.key("tradingCutoffShareOfTenor", number(amm.tradingCutoffShareOfTenor), "… or this share of the tenor, whichever is shorter")
        out.key("minimumAbsoluteDelta", number(amm.minimumAbsoluteDelta), "strikes with |delta| below this cannot be opened (Lyra 0.15)")
        out.key("baseIvReversionHalfLife", duration(amm.baseIvReversionHalfLife), "base IV drifts back to the market's level with this half-life")
        out.blank()
        out.comment("Smile of a new board: skew(m) = 1 + linear·m + quadratic·m², m = ln(K/S) / (base IV·√T). Default: least-squares fit")
        out.comment("to Deribit's BTC smile of 2026-03-01 (RMS 0.16 vol points; README \"Skew from a real smile\"). Before the fit:")
        out.comment("linear = \(number(SkewCurve.legacy.linear)), quadratic = \(number(SkewCurve.legacy.quadratic)).")
        out.line("[amm.skewCurve]")
        out.key("linear", number(amm.skewCurve.linear), nil)
        out.key("quadratic", number(amm.skewCurve.quadratic), nil)
        let pool = configuration.pool
        out.blank()
        out.line("[pool]")
        out.key("utilizationCap", number(pool.utilizationCap), "largest share of pool assets locked as collateral (Hegic 80%)")
        out.key("reserveShareOfFees", number(pool.reserveShareOfFees), "share of every fee kept by the protocol reserve")
        out.key("withdrawalFee", number(pool.withdrawalFee), "fee kept by the pool on LP withdrawals (Lyra 0.3–1%)")
        out.key("callCollateralPerSpot", number(pool.callCollateralPerSpot), "a written call locks spot × this per contract")
        let shorts = configuration.shorts
        out.blank()
        out.comment("Collateral of traders who sell to the pool (Lyra-style shocked minimum).")
        out.line("[shorts]")
        out.key("callSpotShock", number(shorts.callSpotShock), "spot multiple for the minimum collateral of short calls")
        out.key("putSpotShock", number(shorts.putSpotShock), "spot multiple for short puts")
        out.key("shockVolatility", number(shorts.shockVolatility), "vol used for the shocked value (at least the traded vol)")
        out.key("minimumShareOfSpot", number(shorts.minimumShareOfSpot), "minimum collateral is never below this share of spot per contract")
        out.key("liquidationPenalty", number(shorts.liquidationPenalty), "share of the minimum taken as penalty on liquidation")
        let hedging = configuration.hedging
        out.blank()
        out.comment("The pool's delta hedger on a simulated perpetual.")
        out.line("[hedging]")
        out.key("enabled", hedging.enabled ? "true" : "false", nil)
        out.key("interval", duration(hedging.interval), "minimum time between two hedges (Lyra)")
        out.key("thresholdShareOfNAV", number(hedging.thresholdShareOfNAV), "hedge only when |net delta| × spot exceeds this share of NAV")
        out.key("costRate", number(hedging.costRate), "cost per unit of notional traded (fees plus slippage)")
        let breakers = configuration.breakers
        out.blank()
        out.comment("Halts that stop opening trades (closing is always allowed).")
        out.line("[breakers]")
        out.key("minimumFreeLiquidityShare", number(breakers.minimumFreeLiquidityShare), "halt below this share of NAV free (Lyra 1–5%)")
        out.key("maximumIvDeviation", number(breakers.maximumIvDeviation), "halt a board when base IV is this many vol points from its smoothed value")
        out.key("ivSmoothingHalfLife", duration(breakers.ivSmoothingHalfLife), "half-life of the smoothed IV (Lyra's GWAV, as an EMA)")
        out.key("cooldown", duration(breakers.cooldown), "a halt lasts this long after its condition clears")
        let participants = settings.participants
        out.blank()
        out.comment("Simulated participants of a new session (--bots and --bot-interval override count and meanActionInterval).")
        out.line("[participants]")
        out.key("count", "\(participants.count)", "\(SessionLimits.text(SessionLimits.participants))")
        out.key("meanActionInterval", duration(participants.meanActionInterval), "mean simulated time between two actions of one participant")
        out.key("traderFunding", amount(participants.traderFunding.micros), "USD each trader starts with")
        out.key("liquidityProviderFunding", amount(participants.liquidityProviderFunding.micros), "USD each LP starts with")
        if participants.mix == nil { out.key("mix", "\"original\"", "the mix before participants with an edge") }
        out.blank()
        out.comment("Weights per strategy, replacing the default mix as a whole (a strategy left out gets nobody); mix = \"original\"")
        out.comment("instead of this table gives the mix before participants with an edge. README \"Participants with an edge\" says")
        out.comment("why the default is what it is. Strategies: \(ParticipantStrategy.allCases.map(\.rawValue).joined(separator: ", ")).")
        if let mix = participants.mix {
            out.line("[participants.mix]")
            for strategy in ParticipantStrategy.allCases {
                out.key(strategy.rawValue, "\(mix.weights[strategy] ?? 0)", nil)
            }
        }
        let behaviour = participants.behaviour ?? ParticipantBehaviour()
        out.blank()
        out.comment("Thresholds of the participants with an edge.")
        out.line("[participants.behaviour]")
        out.key("minimumEdge", number(behaviour.minimumEdge), "informed and jump traders act only on a gain after fees of at least this share of value")
        out.key("jumpPollInterval", duration(behaviour.jumpPollInterval), "how often a jump trader looks at spot")
        out.key("jumpThreshold", number(behaviour.jumpThreshold), "a log move at least this large between two looks is a jump")
        out.key("jumpHoldingPeriod", duration(behaviour.jumpHoldingPeriod), "a jump trader sells back this long after buying")
        out.key("bankRunDrawdown", number(behaviour.bankRunDrawdown), "a bank-run LP leaves when the share price is this far below its peak …")
        out.key("bankRunUtilization", number(behaviour.bankRunUtilization), "… or when utilization reaches this")
        out.key("calmUtilization", number(behaviour.calmUtilization), "it comes back when utilization is below this …")
        out.key("calmPeriod", duration(behaviour.calmPeriod), "… and at least this long after it left")
        out.key("liquidityHoldingPeriod", duration(behaviour.holdingPeriod), "rules 4: a plain LP keeps a deposit this long on average (exponential)")
        out.key("liquidityAbsencePeriod", duration(behaviour.absencePeriod), "rules 4: … and stays out this long on average before depositing again")
        return out.text
    }

    /// `"1d12h"`, `"10s"`: exact to the second, the form ``ConfigReader`` reads.
    static func duration(_ duration: SimDuration) -> String {
        var seconds = max(0, duration.milliseconds / 1000)
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return "\"\(text.isEmpty ? "0s" : text)\""
    }

    /// A TOML float that reads back to the same `Double` (Swift prints the shortest round-trip form).
    static func number(_ value: Double) -> String { "\(value)" }

    /// Micro-units as an exact decimal: `250000`, `0.25`.
    static func amount(_ micros: Int64) -> String {
        let whole = micros / 1_000_000, fraction = abs(micros % 1_000_000)
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(micros < 0 && whole == 0 ? "-" : "")\(whole).\(digits)"
    }

    static func bounds(_ range: ClosedRange<Double>) -> String { "[\(number(range.lowerBound)), \(number(range.upperBound))]" }

    /// Output lines with `key = value  # comment` alignment.
    struct Lines {
        var text = ""
        mutating func line(_ line: String) { text += line + "\n" }
        mutating func blank() { text += "\n" }
        mutating func comment(_ comment: String) { line("# " + comment) }
        mutating func key(_ key: String, _ value: String, _ comment: String?) {
            let assignment = "\(key) = \(value)"
            guard let comment else { return line(assignment) }
            let padding = String(repeating: " ", count: max(1, 36 - assignment.count))
            line(assignment + padding + "# " + comment)
        }
    }
}

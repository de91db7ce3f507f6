/// Versions of the engine's market rules.
///
/// A journal replays a session by running its commands through the engine again, so a change to what the engine
/// does with the same inputs (listing, refusals, their wording) would make every earlier journal "not replay".
/// Such a change is made under a new rules version instead: sessions record the version they started with in
/// their configuration, and the engine keeps the older behaviour for them. Pure speed-ups and fixes of a trap
/// (a crash, which no journal can contain) need no new version.
public enum EngineRules {
    /// The rules before versioning (sessions written up to the first networked release).
    public static let original = 1
    /// Version 2: a tenor whose expiry meets a live board joins it (each contract listed once); closing more than a
    /// position holds is refused rather than trimmed.
    public static let joinedExpiries = 2
    /// Version 3: an option trade's fee is capped at a share of its premium (``AMMConfiguration/maximumFeeShareOfPremium``,
    /// Deribit's 12.5%), and a fill's `volatilityAfter` carries the same utilization multiplier as its
    /// `volatilityBefore` (rules 1–2 journaled the "after" without it, so a buy above the utilization threshold could
    /// report its IV falling).
    public static let feeCap = 3
    /// Version 4: a strategy leg the trader buys that bounds the strategy's loss (a protective wing: without it the
    /// strategy's maximum payout at expiry would be larger or unbounded) is exempt from the opening |delta| cutoff, so a
    /// credit spread or iron condor may buy its far wing; short legs, single orders and unbounded strategies keep it.
    /// And, for sessions whose configuration asks for it (``EngineConfiguration/honestMarket``, which
    /// ``EngineConfiguration/standard`` sets; issue 14, an honest market): the simulated price process draws from its
    /// own seeded stream per market (so the price path does not depend on what the participants do), plain LPs hold for
    /// days (``ParticipantBehaviour/liquidityHoldingPeriod``) instead of moving money every few minutes, and informed
    /// traders value an option at the variance the process is expected to realize over its remaining life.
    public static let current = 4
}

extension EngineConfiguration {
    /// Whether coinciding expiries share one board (rules 2) instead of being listed twice (rules 1).
    var joinsCoincidingExpiries: Bool { rulesVersion >= 2 }
    /// Whether a close larger than the position is refused (rules 2) instead of trimmed to it (rules 1).
    var refusesOversizedCloses: Bool { rulesVersion >= 2 }
    /// Whether an option trade's fee is capped at ``AMMConfiguration/maximumFeeShareOfPremium`` of its premium (rules 3).
    public var capsFeesAtPremiumShare: Bool { rulesVersion >= 3 }
    /// Whether a fill's `volatilityBefore` and `volatilityAfter` are the same kind of number (rules 3): both the traded
    /// vol times the trade's utilization multiplier. Under rules 1–2 a buy's "before" includes the multiplier and its
    /// "after" does not, so only a sell's pair (whose multiplier is always 1) compares like with like.
    public var fillVolatilitiesShareDefinition: Bool { rulesVersion >= 3 }
    /// Whether a bounded strategy's protective wings open below the |delta| cutoff (rules 4; see
    /// ``Engine/protectiveWings(of:quantities:)``). Under rules 1–3 every opening leg meets the cutoff.
    public var exemptsProtectiveWingsFromDeltaCutoff: Bool { rulesVersion >= 4 }
    /// Whether the simulated price process draws from its own seeded stream per market (rules 4, honest market) instead of the
    /// engine's one generator, which the participants share (rules 1–3: a different mix walks a different path).
    public var drawsPricesFromOwnStreams: Bool { rulesVersion >= 4 && honestMarket == true }
    /// Whether plain LPs hold their shares for days (rules 4, honest market, ``ParticipantBehaviour/liquidityHoldingPeriod``) instead
    /// of depositing or withdrawing part of them at every action (rules 1–3).
    public var liquidityProvidersHold: Bool { rulesVersion >= 4 && honestMarket == true }
    /// Whether informed traders value an option at the total variance the process is expected to realize until its
    /// expiry, regime switches included (rules 4, honest market), instead of the current regime's.
    public var informedValueOverOptionLife: Bool { rulesVersion >= 4 && honestMarket == true }
}

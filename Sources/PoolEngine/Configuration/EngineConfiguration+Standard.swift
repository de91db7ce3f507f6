extension EngineConfiguration {
    /// What a new session of the desk (`pooldesk`, `sim`, `serve`, and `config --default`) starts from: the
    /// documented defaults of every field, with the skew curve fitted to Deribit's BTC smile
    /// (``SkewCurve/deribitBTC2026``).
    ///
    /// `EngineConfiguration()` keeps the hand-chosen ``SkewCurve/legacy`` curve, which is also what a stored
    /// configuration without a curve means, so code and tests that build a configuration directly keep their numbers.
    public static var standard: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.amm.skewCurve = .deribitBTC2026
        return configuration
    }
}

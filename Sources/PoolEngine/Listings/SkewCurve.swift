import RealModule

/// The shape of a new board's smile: the skew a strike is listed with, as a function of standardized moneyness.
///
/// `skew(m) = 1 + linear × m + quadratic × m²`, with `m = ln(K / S) / (base IV × √T)` (T in years, rate 0 so the
/// forward is the spot). A strike's traded vol starts at base IV × skew, clamped to ``AMMConfiguration/skewBounds``;
/// trades then move it (Lyra's skew walk).
public struct SkewCurve: Codable, Hashable, Sendable {
    /// Slope at the money: negative makes downside puts dearer than upside calls.
    public var linear: Double
    /// Curvature: positive lifts both wings (the smile).
    public var quadratic: Double

    public init(linear: Double, quadratic: Double) {
        self.linear = linear
        self.quadratic = quadratic
    }

    /// The curve every session used before calibration (`1 + 0.035 m² − 0.03 m`, chosen by hand); a stored
    /// configuration without a skew curve is such a session, so it keeps this curve and replays exactly.
    public static let legacy = SkewCurve(linear: -0.03, quadratic: 0.035)

    /// Least-squares fit to Deribit's BTC smile of 2026-03-01 (8 expiries, 12–300 days, 83 out-of-the-money
    /// options with a bid, mid IV): RMS error 0.16 vol points against 1.58 for ``legacy`` (README, "Skew from a real
    /// smile"; data and script in Tests/PoolEngineTests/Reference/). The fit covers |m| ≤ 1, which is about the
    /// range the |delta| cutoff lets traders open (|delta| 0.15 ↔ |m| ≈ 1); further out the curve is extrapolated
    /// and usually clamped by the skew bounds.
    public static let deribitBTC2026 = SkewCurve(linear: -0.1156, quadratic: 0.0738)

    /// The curve at standardized moneyness `m`, before clamping.
    public func skew(standardizedMoneyness m: Double) -> Double {
        1 + quadratic * m * m + linear * m
    }

    /// Standardized moneyness of `strike` against `spot` for a board at `baseIv` with `years` to expiry.
    public static func standardizedMoneyness(strike: Double, spot: Double, baseIv: Double, years: Double) -> Double {
        Double.log(strike / spot) / max(baseIv * years.squareRoot(), 1e-9)
    }
}

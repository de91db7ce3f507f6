/// `-20%`, `+40`: the amounts of `shock` (a percentage, as a fraction) and `volshock` (vol points, as a fraction),
/// checked against the engine's limits. Shared by scenario files and the dashboard's `:shock`/`:volshock`.
public enum ShockAmount {
    /// Why an amount is refused, in words.
    public struct Problem: Error, Hashable, Sendable { public var message: String }

    /// The amount as a fraction, or why it is refused.
    public static func parse(_ text: String, spot: Bool) -> Result<Double, Problem> {
        var digits = text
        if digits.hasSuffix("%") { digits.removeLast() }
        guard let value = Double(digits), value.isFinite, !digits.contains(",") else {
            return .failure(Problem(message: spot ? "\"\(text)\" is not a percentage (e.g. -20%)" : "\"\(text)\" is not a number of vol points (e.g. +40)"))
        }
        let fraction = value / 100
        if spot {
            guard fraction > -1, fraction <= EngineCommand.maximumShockSpotMove else {
                return .failure(Problem(message: "\(text) is out of range: above -100% and at most +\(Int(EngineCommand.maximumShockSpotMove * 100))%"))
            }
        } else {
            guard abs(fraction) <= EngineCommand.maximumShockVolatilityShift else {
                return .failure(Problem(message: "\(text) is out of range: within ±\(Int(EngineCommand.maximumShockVolatilityShift * 100)) points"))
            }
        }
        return .success(fraction)
    }
}

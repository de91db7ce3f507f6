/// The accepted ranges of every user-facing session setting, stated once.
///
/// Every flag parser and every message uses these (the dashboard, `sim`, `replay`), so a range
/// printed in an error is the range that is enforced. They live in the engine module so that
/// `PoolDeskUI` (the `:speed` command) can use the same numbers.
public enum SessionLimits {
    /// Simulated participants (`--bots`): the dashboard and `sim` share one range.
    public static let participants: ClosedRange<Int> = 0...1_000
    /// Simulated seconds per wall-clock second (`--speed`, `:speed`); matches the `+`/`-` steps' ends.
    public static let speed: ClosedRange<Double> = 1...3_600
    /// Frame-rate cap of the dashboard and replay (`--fps`).
    public static let framesPerSecond: ClosedRange<Int> = 1...60
    /// Longest headless run (`sim --duration`), so a typo cannot start a run of centuries.
    public static let longestRun = SimDuration.days(366)
    /// Shortest mean time between two actions of one participant (`--bot-interval`).
    public static let shortestActionInterval = SimDuration.seconds(1)

    /// `1–3600`: how a range is written in help and messages (integral bounds without decimals).
    public static func text<Bound: BinaryInteger>(_ range: ClosedRange<Bound>) -> String {
        "\(range.lowerBound)–\(range.upperBound)"
    }

    /// `1–3600`: how a range is written in help and messages (integral bounds without decimals).
    public static func text(_ range: ClosedRange<Double>) -> String {
        "\(number(range.lowerBound))–\(number(range.upperBound))"
    }

    /// `0.5`, `60`: a bound or an offending value as the user would type it.
    public static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

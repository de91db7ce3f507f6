import ArgumentParser
import PoolEngine

/// Range checks for command-line flags, with one message shape, over the ranges in `SessionLimits`.
///
/// Help texts interpolate the same ranges (`SessionLimits.text`), so what `--help` and the error
/// say is what is enforced.
enum FlagLimits {
    /// Throws `--flag must be within 1–60, got 500` unless `value` is in `range`.
    static func check(_ value: Int, in range: ClosedRange<Int>, flag: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be within \(SessionLimits.text(range)), got \(value)")
        }
    }

    /// Throws `--speed must be within 1–3600, got 0.5` unless `value` is in `range` (NaN never is).
    static func check(_ value: Double, in range: ClosedRange<Double>, flag: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be within \(SessionLimits.text(range)), got \(SessionLimits.number(value))")
        }
    }
}

/// Number formatting for panels: fixed, signed, compact, percent, money in micro-units and durations.
///
/// Pure and locale-independent on purpose: a trading screen must look the same on every machine,
/// and golden tests must not depend on the host's locale. Rounding is half away from zero.
/// Non-finite values format as `n/a`.
public enum NumberFormat {
    /// How a negative number is marked.
    public enum Minus: String, Hashable, Sendable {
        /// ASCII hyphen-minus `-`: safe everywhere.
        case hyphen = "-"
        /// Unicode minus sign `−` (U+2212): as wide as `+`, so signed columns line up better.
        case unicode = "−"
    }

    /// Micro-units per unit: PoolDesk money is `Int64` with 6 decimals, 1 USD = 1_000_000.
    public static let microsPerUnit: Int64 = 1_000_000

    /// What non-finite values show as.
    public static let notANumber = "n/a"

    /// `value` with `decimals` places and optional thousands separators: `62000` → `62,000.00`.
    public static func fixed(_ value: Double, decimals: Int = 2, grouping: Bool = true, minus: Minus = .hyphen) -> String {
        guard let (negative, magnitude) = split(value) else { return notANumber }
        let body = digits(magnitude, decimals: clampDecimals(decimals), grouping: grouping)
        return (negative && !isZero(body) ? minus.rawValue : "") + body
    }

    /// Like `fixed` but always signed: `+1.25`, `-1.25`; a value that rounds to zero has no sign.
    public static func signed(_ value: Double, decimals: Int = 2, grouping: Bool = true, minus: Minus = .hyphen) -> String {
        guard let (negative, magnitude) = split(value) else { return notANumber }
        let body = digits(magnitude, decimals: clampDecimals(decimals), grouping: grouping)
        if isZero(body) { return body }
        return (negative ? minus.rawValue : "+") + body
    }

    /// Short form with a k/M/B/T suffix: `1_234_567` → `1.2M`, `350_000` → `350k`, `999` → `999`.
    ///
    /// Trailing zero decimals are dropped (`350.0k` → `350k`) and a value that rounds up to the next unit moves
    /// there (`999_960` → `1M`, not `1000k`).
    public static func compact(_ value: Double, decimals: Int = 1, minus: Minus = .hyphen) -> String {
        guard value.isFinite else { return notANumber }
        let places = clampDecimals(decimals)
        let suffixes = ["", "k", "M", "B", "T"]
        var magnitude = abs(value)
        var unit = 0
        while unit < suffixes.count - 1 && magnitude >= 1000 {
            magnitude /= 1000
            unit += 1
        }
        var body = trimZeros(fixed(magnitude, decimals: places, grouping: false))
        if body == "1000" && unit < suffixes.count - 1 {
            unit += 1
            body = "1"
        }
        let negative = value < 0 && body != "0"
        return (negative ? minus.rawValue : "") + body + suffixes[unit]
    }

    /// A fraction as a percentage: `0.1234` → `12.3%`; with `signed`, `+12.3%`.
    public static func percent(_ fraction: Double, decimals: Int = 1, signed isSigned: Bool = false, minus: Minus = .hyphen) -> String {
        guard fraction.isFinite else { return notANumber }
        let value = fraction * 100
        return (isSigned ? signed(value, decimals: decimals, minus: minus) : fixed(value, decimals: decimals, minus: minus)) + "%"
    }

    /// Micro-units as money, exactly (no floating point): `62_000_000_000` → `62,000.00`.
    public static func money(micros: Int64, decimals: Int = 2, grouping: Bool = true, minus: Minus = .hyphen) -> String {
        let (negative, body) = microsDigits(micros, decimals: decimals, grouping: grouping)
        return (negative && !isZero(body) ? minus.rawValue : "") + body
    }

    /// Micro-units as signed money: `+1.25`, `-1.25`; zero has no sign.
    public static func signedMoney(micros: Int64, decimals: Int = 2, grouping: Bool = true, minus: Minus = .hyphen) -> String {
        let (negative, body) = microsDigits(micros, decimals: decimals, grouping: grouping)
        if isZero(body) { return body }
        return (negative ? minus.rawValue : "+") + body
    }

    /// Micro-units in compact form: `1_200_000_000_000` → `1.2M`.
    public static func compactMoney(micros: Int64, decimals: Int = 1, minus: Minus = .hyphen) -> String {
        compact(Double(micros) / Double(microsPerUnit), decimals: decimals, minus: minus)
    }

    /// A duration in its two largest units: `3d 4h`, `2h 5m`, `47m 10s`, `47m`, `12s`; zero units are dropped.
    ///
    /// Seconds are truncated, not rounded, so a countdown never shows more time than is left; under a second is `0s`.
    /// Negative durations get a leading minus (an expiry that already passed).
    public static func duration(seconds: Double, units maxUnits: Int = 2, minus: Minus = .hyphen) -> String {
        guard seconds.isFinite else { return notANumber }
        let total = abs(seconds) >= 1.8e19 ? UInt64.max : UInt64(abs(seconds))
        return duration(seconds: total, negative: seconds < 0 && total > 0, units: maxUnits, minus: minus)
    }

    /// A whole number of seconds as a duration; see `duration(seconds:units:minus:)`.
    public static func duration(wholeSeconds seconds: Int64, units maxUnits: Int = 2, minus: Minus = .hyphen) -> String {
        duration(seconds: seconds.magnitude, negative: seconds < 0, units: maxUnits, minus: minus)
    }

    private static func duration(seconds total: UInt64, negative: Bool, units maxUnits: Int, minus: Minus) -> String {
        let amounts = [total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60]
        let suffixes = ["d", "h", "m", "s"]
        guard let first = amounts.firstIndex(where: { $0 > 0 }) else { return "0s" }
        // The units right after the largest one, zero ones dropped: `1d 0h 5m` in two units is `1d`, never `1d 5m`.
        let parts = (first..<min(first + max(1, maxUnits), amounts.count))
            .filter { amounts[$0] > 0 }
            .map { "\(amounts[$0])\(suffixes[$0])" }
        return (negative ? minus.rawValue : "") + parts.joined(separator: " ")
    }

    // MARK: - Digits

    /// Sign and absolute value, or `nil` for NaN and infinities.
    private static func split(_ value: Double) -> (Bool, Double)? {
        guard value.isFinite else { return nil }
        return (value < 0, abs(value))
    }

    private static func clampDecimals(_ decimals: Int) -> Int { min(max(decimals, 0), 9) }

    private static let powersOfTen: [UInt64] = (0...9).map { power in
        var result: UInt64 = 1
        for _ in 0..<power { result *= 10 }
        return result
    }

    /// Formats a non-negative magnitude with integer arithmetic after one rounding, so no `-0.00` or binary noise.
    private static func digits(_ magnitude: Double, decimals: Int, grouping: Bool) -> String {
        let scale = powersOfTen[decimals]
        let scaled = (magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 1.8e19 else {
            // Too large for exact integer digits: whole part only, which is all such a number can mean on screen.
            return groupDigits(format(largeWhole: magnitude), grouping: grouping)
        }
        let units = UInt64(scaled)
        return compose(whole: units / scale, fraction: units % scale, decimals: decimals, grouping: grouping)
    }

    private static func format(largeWhole value: Double) -> String {
        // `Double.description` switches to exponent notation above 2^53; spell out the integer instead.
        var digits = ""
        var rest = value.rounded(.towardZero)
        while rest >= 1 {
            let digit = Int(rest.truncatingRemainder(dividingBy: 10))
            digits.append(Character(Unicode.Scalar(UInt8(48 + digit))))
            rest = (rest / 10).rounded(.towardZero)
        }
        return String(digits.reversed())
    }

    private static func microsDigits(_ micros: Int64, decimals: Int, grouping: Bool) -> (Bool, String) {
        let places = min(max(decimals, 0), 6)
        let magnitude = micros.magnitude
        let divisor = powersOfTen[6 - places]
        // Round half away from zero in integers; UInt64 cannot overflow since |Int64.min| + divisor/2 < 2^64.
        let rounded = (magnitude + divisor / 2) / divisor
        let scale = powersOfTen[places]
        return (micros < 0, compose(whole: rounded / scale, fraction: rounded % scale, decimals: places, grouping: grouping))
    }

    private static func compose(whole: UInt64, fraction: UInt64, decimals: Int, grouping: Bool) -> String {
        var text = groupDigits(String(whole), grouping: grouping)
        if decimals > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
        }
        return text
    }

    private static func groupDigits(_ digits: String, grouping: Bool) -> String {
        guard grouping, digits.count > 3 else { return digits }
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3)
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    private static func isZero(_ body: String) -> Bool {
        body.allSatisfy { $0 == "0" || $0 == "." || $0 == "," }
    }

    private static func trimZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result.removeLast() }
        if result.last == "." { result.removeLast() }
        return String(result)
    }
}

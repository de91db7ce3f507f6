/// A point on the simulated clock: milliseconds since 1970-01-01T00:00Z (UTC, no leap seconds).
///
/// The engine never reads the wall clock; the shell decides how fast simulated time runs.
public struct SimTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Midnight UTC of a civil date.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        let days = CivilDate.daysFromCivil(year: year, month: month, day: day)
        milliseconds = (Int64(days) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60) * 1000
    }

    @inlinable public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.milliseconds < rhs.milliseconds }
    @inlinable public static func + (lhs: SimTime, rhs: SimDuration) -> SimTime { SimTime(milliseconds: lhs.milliseconds + rhs.milliseconds) }
    @inlinable public static func - (lhs: SimTime, rhs: SimDuration) -> SimTime { SimTime(milliseconds: lhs.milliseconds - rhs.milliseconds) }
    @inlinable public static func - (lhs: SimTime, rhs: SimTime) -> SimDuration { SimDuration(milliseconds: lhs.milliseconds - rhs.milliseconds) }
    @inlinable public static func += (lhs: inout SimTime, rhs: SimDuration) { lhs.milliseconds += rhs.milliseconds }

    /// Years from `self` to `later`, ACT/365.
    @inlinable public func years(until later: SimTime) -> Double {
        Double(later.milliseconds - milliseconds) / SimDuration.millisecondsPerYear
    }

    /// The civil date and time in UTC.
    public var civil: CivilDate { CivilDate(milliseconds: milliseconds) }

    /// ISO-8601 text, e.g. `2026-12-01T14:05:00Z`.
    public var description: String {
        let c = civil
        return "\(c.year)-\(twoDigits(c.month))-\(twoDigits(c.day))T\(twoDigits(c.hour)):\(twoDigits(c.minute)):\(twoDigits(c.second))Z"
    }

    /// The first instant at or after `self` that is a whole multiple of `step` after `offset` into the day.
    public func roundedUp(to step: SimDuration, offset: SimDuration = .zero) -> SimTime {
        let shifted = milliseconds - offset.milliseconds
        let s = step.milliseconds
        let up = ((shifted + s - 1) / s) * s
        return SimTime(milliseconds: up + offset.milliseconds)
    }
}

/// A length of simulated time in milliseconds.
public struct SimDuration: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let millisecondsPerYear = 365.0 * 86_400_000.0
    public static let zero = SimDuration(milliseconds: 0)
    @inlinable public static func seconds(_ s: Int64) -> SimDuration { SimDuration(milliseconds: s * 1000) }
    @inlinable public static func minutes(_ m: Int64) -> SimDuration { .seconds(m * 60) }
    @inlinable public static func hours(_ h: Int64) -> SimDuration { .seconds(h * 3600) }
    @inlinable public static func days(_ d: Int64) -> SimDuration { .seconds(d * 86_400) }

    @inlinable public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
    @inlinable public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration { SimDuration(milliseconds: lhs.milliseconds + rhs.milliseconds) }
    @inlinable public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration { SimDuration(milliseconds: lhs.milliseconds * rhs) }

    /// The duration in years, ACT/365.
    @inlinable public var years: Double { Double(milliseconds) / Self.millisecondsPerYear }
    @inlinable public var seconds: Double { Double(milliseconds) / 1000 }

    /// Parses `90s`, `15m`, `4h`, `7d`, `2w`, or combinations such as `1d12h`; nil when malformed or not positive.
    public init?(parsing text: String) {
        var total: Int64 = 0
        var number: Int64 = 0
        var sawDigit = false
        var sawUnit = false
        for character in text.lowercased() {
            if let digit = character.wholeNumberValue, character.isASCII {
                guard number < 1_000_000_000 else { return nil }
                number = number * 10 + Int64(digit)
                sawDigit = true
                continue
            }
            guard sawDigit else { return nil }
            let unit: Int64
            switch character {
            case "s": unit = 1000
            case "m": unit = 60_000
            case "h": unit = 3_600_000
            case "d": unit = 86_400_000
            case "w": unit = 7 * 86_400_000
            default: return nil
            }
            // Absurd inputs overflow Int64: malformed, not a trap.
            let (part, productOverflow) = number.multipliedReportingOverflow(by: unit)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !productOverflow, !sumOverflow else { return nil }
            total = sum
            number = 0
            sawDigit = false
            sawUnit = true
        }
        guard sawUnit, !sawDigit, total > 0 else { return nil }
        milliseconds = total
    }

    /// Compact text such as `3d 4h`, `47m`, `12s`.
    public var description: String {
        var seconds = max(0, milliseconds / 1000)
        let days = seconds / 86_400; seconds %= 86_400
        let hours = seconds / 3600; seconds %= 3600
        let minutes = seconds / 60; seconds %= 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        if minutes > 0 { return seconds > 0 && minutes < 10 ? "\(minutes)m \(seconds)s" : "\(minutes)m" }
        return "\(seconds)s"
    }
}

/// A UTC calendar date and time, computed with Howard Hinnant's civil-from-days algorithm (no Foundation, no time zone).
public struct CivilDate: Hashable, Sendable {
    public var year, month, day, hour, minute, second: Int

    public init(milliseconds: Int64) {
        let totalSeconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        var days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = (secondOfDay % 3600) / 60
        second = secondOfDay % 60
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let mp = (month + 9) % 12
        let dayOfYear = (153 * mp + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// `2 Dec`: day and month for people.
    public var dayAndMonth: String {
        let name = Self.monthNames[month - 1]
        return "\(day) \(name.prefix(1))\(name.dropFirst().lowercased())"
    }

    /// Deribit-style date code: `27DEC26`.
    public var expiryCode: String {
        "\(day)\(Self.monthNames[month - 1])\(twoDigits(year % 100))"
    }
}

@inline(__always) func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

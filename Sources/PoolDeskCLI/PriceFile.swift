import PoolEngine

/// A problem in a price or implied-volatility file, as one line: `FILE:LINE: FIELD: problem`.
struct PriceFileProblem: Error, Hashable, Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var field: String
    var problem: String
    var description: String { "\(file):\(line): \(field): \(problem)" }
}

/// Reads OHLC bar files (`--prices`, `--iv`): pure, from the file's text, so every rule is tested without a disk.
///
/// Format: CSV with a header line. Required columns `timestamp, open, high, low, close` (names matched
/// case-insensitively; `time` and `date` are accepted for `timestamp`); other columns (`volume`, …) are ignored.
/// A timestamp is the bar's **open** time in UTC: unix seconds, unix milliseconds (any integer ≥ 10^11), or ISO-8601
/// (`2020-03-12`, `2020-03-12T05:00:00Z`, `2020-03-12 05:00`, an optional `Z` or `±HH:MM` offset). Blank lines and
/// lines starting with `#` are skipped.
///
/// Rules, each reported as one ``PriceFileProblem``: every required column present; every value parses; prices
/// finite and positive; low ≤ high and open, close within [low, high]; timestamps strictly increasing (a duplicate or
/// an earlier one is named as such); at least two bars. The bar interval is the shortest spacing between two bars;
/// within the selected window (`from`, `to`) a longer spacing is a gap: a whole number of missing bars no longer
/// than `maximumGap` is bridged and reported as a warning, never silently; a longer one, or one of a day or more
/// ("across days"), or a spacing that is not a whole number of bars, is an error.
enum PriceFileReader {
    /// Shortest gap that is always an error, whatever `--max-gap` says.
    static let dayLimit = SimDuration.days(1)
    /// Largest value an `--iv` file may hold, percent (the engine's pricing domain stops at 1000% vol).
    static let impliedVolatilityCeiling = 1_000.0
    /// Default `--max-gap`.
    static let defaultMaximumGap = SimDuration.hours(6)

    struct Result {
        var bars: PriceBars
        /// Warning lines (`FILE:LINE: timestamp: gap of 3h bridged …`), in file order.
        var warnings: [String]
    }

    /// Parses `text` (the contents of `file`) and returns the bars opened within `[from, to)`.
    /// `percentCeiling`: for an implied-volatility index (`--iv`), the largest value accepted, so a price file given
    /// by mistake (values in the thousands) is refused rather than read as vols of thousands of percent.
    static func read(_ text: String, file: String, from: SimTime? = nil, to: SimTime? = nil,
                     maximumGap: SimDuration = defaultMaximumGap, percentCeiling: Double? = nil) throws(PriceFileProblem) -> Result {
        func fail(_ line: Int, _ field: String, _ problem: String) -> PriceFileProblem {
            PriceFileProblem(file: file, line: line, field: field, problem: problem)
        }
        // "\r\n" is one Character in Swift: split on any line break, so CRLF files read like LF ones.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        // Header: the first line that is not blank or a comment.
        guard let headerIndex = lines.firstIndex(where: { !isSkipped($0) }) else { throw fail(1, "header", "empty file: no header line") }
        let names = lines[headerIndex].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmed(of: " \t\"").lowercased() }
        var columns: [String: Int] = [:]
        for (index, name) in names.enumerated() where columns[name] == nil { columns[name] = index }
        let timeColumn = columns["timestamp"] ?? columns["time"] ?? columns["date"]
        let required = ["timestamp", "open", "high", "low", "close"]
        for name in required where (name == "timestamp" ? timeColumn : columns[name]) == nil {
            throw fail(headerIndex + 1, name, "missing required column (header: \(names.joined(separator: ",")))")
        }
        let indices = [timeColumn ?? 0, columns["open"] ?? 0, columns["high"] ?? 0, columns["low"] ?? 0, columns["close"] ?? 0]

        var times: [Int64] = [], open: [Double] = [], high: [Double] = [], low: [Double] = [], close: [Double] = []
        var lineNumbers: [Int] = []
        for number in (headerIndex + 1)..<lines.count where !isSkipped(lines[number]) {
            let lineNumber = number + 1
            let cells = lines[number].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed(of: " \t\"") }
            var values: [Double] = []
            for (position, name) in required.enumerated().dropFirst() {
                guard indices[position] < cells.count, !cells[indices[position]].isEmpty else { throw fail(lineNumber, name, "missing value") }
                let cell = cells[indices[position]]
                guard let value = Double(cell), value.isFinite else { throw fail(lineNumber, name, "\"\(cell)\" is not a number") }
                guard value > 0 else { throw fail(lineNumber, name, "must be positive, got \(cell)") }
                if let percentCeiling, value > percentCeiling {
                    throw fail(lineNumber, name, "\(cell) is not an implied volatility in percent (at most \(Int(percentCeiling)); DVOL runs 30–200): is this a price file?")
                }
                values.append(value)
            }
            guard indices[0] < cells.count, !cells[indices[0]].isEmpty else { throw fail(lineNumber, "timestamp", "missing value") }
            guard let time = parseTimestamp(cells[indices[0]]) else {
                throw fail(lineNumber, "timestamp", "\"\(cells[indices[0]])\" is not unix seconds, milliseconds or ISO-8601")
            }
            let (o, h, l, c) = (values[0], values[1], values[2], values[3])
            if h < l { throw fail(lineNumber, "high", "\(cells[indices[2]]) is below low \(cells[indices[3]])") }
            if o < l || o > h { throw fail(lineNumber, "open", "\(cells[indices[1]]) is outside low…high (\(cells[indices[3]])…\(cells[indices[2]]))") }
            if c < l || c > h { throw fail(lineNumber, "close", "\(cells[indices[4]]) is outside low…high (\(cells[indices[3]])…\(cells[indices[2]]))") }
            if let previous = times.last, time <= previous {
                let earlier = lineNumbers[lineNumbers.count - 1]
                throw fail(lineNumber, "timestamp", time == previous
                    ? "duplicate of line \(earlier) (\(SimTime(milliseconds: time)))"
                    : "\(SimTime(milliseconds: time)) is earlier than line \(earlier) (\(SimTime(milliseconds: previous))): rows must be sorted by time")
            }
            times.append(time); open.append(o); high.append(h); low.append(l); close.append(c)
            lineNumbers.append(lineNumber)
        }
        guard times.count >= 2 else {
            throw fail(lineNumbers.last ?? headerIndex + 1, "timestamp", "\(times.count) bar\(times.count == 1 ? "" : "s"): at least two are needed (their spacing is the bar interval)")
        }
        // Only the selected window must be free of long gaps: a file may hold other periods beyond it.
        let lower = from?.milliseconds ?? Int64.min, upper = to?.milliseconds ?? Int64.max
        let kept = times.indices.filter { times[$0] >= lower && times[$0] < upper }
        guard let firstKept = kept.first, let lastKept = kept.last else {
            throw fail(headerIndex + 1, "timestamp", "no bars between \(from.map(\.description) ?? "the start") and \(to.map(\.description) ?? "the end") "
                + "(the file covers \(SimTime(milliseconds: times[0]))–\(SimTime(milliseconds: times[times.count - 1])))")
        }
        let spacings = kept.count >= 2 ? Array(kept.dropFirst()).map { times[$0] - times[$0 - 1] } : zip(times.dropFirst(), times).map { $0 - $1 }
        let interval = spacings.min() ?? 0
        var warnings: [String] = []
        if kept.count >= 2 {
            for k in (firstKept + 1)...lastKept {
                let spacing = times[k] - times[k - 1]
                guard spacing != interval else { continue }
                let gap = SimDuration(milliseconds: spacing - interval)
                let bar = SimDuration(milliseconds: interval)
                if spacing % interval != 0 {
                    throw fail(lineNumbers[k], "timestamp", "\(SimDuration(milliseconds: spacing)) after the bar before: not a whole number of \(bar) bars")
                }
                if gap >= dayLimit {
                    throw fail(lineNumbers[k], "timestamp", "gap of \(gap) before this bar: a gap across days is not bridged")
                }
                if gap > maximumGap {
                    throw fail(lineNumbers[k], "timestamp", "gap of \(gap) before this bar is longer than --max-gap \(maximumGap)")
                }
                warnings.append(fail(lineNumbers[k], "timestamp", "gap of \(gap) before this bar (\(spacing / interval - 1) missing) bridged (--max-gap \(maximumGap))").description)
            }
        }
        let bars = PriceBars(times: kept.map { times[$0] }, open: kept.map { open[$0] }, high: kept.map { high[$0] },
                             low: kept.map { low[$0] }, close: kept.map { close[$0] }, interval: SimDuration(milliseconds: interval))
        return Result(bars: bars, warnings: warnings)
    }

    static func isSkipped(_ line: Substring) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }

    /// Unix seconds, unix milliseconds (integers of 10^11 and more) or ISO-8601, as milliseconds since 1970-01-01Z.
    static func parseTimestamp(_ text: String) -> Int64? {
        if let integer = Int64(text) {
            guard integer >= 0 else { return nil }
            if integer >= 100_000_000_000 { return integer }
            return integer <= Int64.max / 1000 ? integer * 1000 : nil
        }
        if text.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(text), value >= 0, value < 1e11, value == value.rounded() {
            return Int64(value) * 1000
        }
        return parseISO8601(text)
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM]`, checked field by field.
    static func parseISO8601(_ text: String) -> Int64? {
        var rest = Substring(text)
        func number(_ digits: Int) -> Int? {
            let part = rest.prefix(digits)
            guard part.count == digits, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let value = Int(part) else { return nil }
            rest = rest.dropFirst(digits)
            return value
        }
        func take(_ character: Character) -> Bool {
            guard rest.first == character else { return false }
            rest = rest.dropFirst()
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        // 2021-02-30 is refused: the date must survive a round trip through the calendar.
        let civil = SimTime(year: year, month: month, day: day).civil
        guard civil.year == year, civil.month == month, civil.day == day else { return nil }
        var hour = 0, minute = 0, second = 0, millisecond = 0, offsetMinutes = 0
        if take("T") || take(" ") {
            guard let h = number(2), take(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if take(":") {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                if take(".") {
                    let fraction = rest.prefix { $0.isASCII && $0.isNumber }
                    guard !fraction.isEmpty else { return nil }
                    millisecond = Int((fraction + "000").prefix(3)) ?? 0
                    rest = rest.dropFirst(fraction.count)
                }
            }
        }
        if take("Z") || take("z") {
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            rest = rest.dropFirst()
            guard let h = number(2) else { return nil }
            _ = take(":")  // `+01:00` and `+0100` alike
            guard let m = number(2), h < 24, m < 60 else { return nil }
            offsetMinutes = (h * 60 + m) * (sign == "-" ? -1 : 1)
        }
        guard rest.isEmpty else { return nil }
        let base = SimTime(year: year, month: month, day: day, hour: hour, minute: minute).milliseconds
        return base + Int64(second) * 1000 + Int64(millisecond) - Int64(offsetMinutes) * 60_000
    }
}

extension StringProtocol {
    /// Drops leading and trailing characters found in `set`.
    func trimmed(of set: String) -> String {
        String(String(self).drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

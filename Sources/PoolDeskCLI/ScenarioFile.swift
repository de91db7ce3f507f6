import Foundation
import PoolEngine

/// A stress scenario for `sim --scenario`: recorded prices to drive markets with, and timed shocks.
struct StressScenario {
    /// A shock at an offset from the session start.
    struct Shock: Hashable {
        var offset: SimDuration
        var symbol: String
        /// Relative spot move (−0.2 = −20%) and absolute volatility shift (0.4 = +40 points).
        var spotMove: Double
        var volatilityShift: Double
    }

    var name: String
    var summary: String = ""
    /// How long the run lasts; nil: until the recorded prices end (or the `--duration` default without them).
    var duration: SimDuration?
    var sources = RecordedSources(prices: [])
    var shocks: [Shock] = []

    /// The shocks as engine commands at their times, in time order (equal times keep the file's order).
    func commands(start: SimTime, configuration: EngineConfiguration) throws -> [(time: SimTime, command: EngineCommand)] {
        try shocks.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }.map { _, shock in
            guard let index = configuration.markets.firstIndex(where: { $0.symbol.lowercased() == shock.symbol.lowercased() }) else {
                throw PoolDeskError("scenario \(name): no market \(shock.symbol) (markets: \(configuration.markets.map(\.symbol).joined(separator: ", ")))")
            }
            return (start + shock.offset, .shock(market: MarketID(index), spotMove: shock.spotMove, volatilityShift: shock.volatilityShift))
        }
    }
}

/// Reads scenario files: a small line format, one statement per line (`#` starts a comment):
///
/// ```
/// summary  A 30% crash over two hours, then a vol spike
/// duration 3d                       # how long the run lasts (default: until the prices end, else 1d)
/// prices   BTC=btc_1h.csv           # recorded prices (path relative to the scenario file); repeatable
/// iv       BTC=btc_dvol_1d.csv      # an implied-volatility index for a --prices market
/// from     2020-03-10               # window of the recorded prices (ISO-8601 or unix seconds)
/// to       2020-03-14
/// max-gap  3h
/// at 6h      shock    BTC -20%      # spot −20% six hours after the start
/// at 6h      volshock BTC +40       # IV +40 vol points
/// every 2h from 1h until 5d shock ETH -0.3%    # repeated: at 1h, 3h, 5h, … up to 5d
/// ```
///
/// Errors are one line, `FILE:LINE: WORD: problem`.
enum ScenarioFile {
    /// Parses `text`; `resolve` turns a `prices`/`iv` file reference into its name and text (relative paths, built-in data).
    static func parse(_ text: String, file: String, name: String,
                      resolve: (String) throws -> RecordedSources.File) throws -> StressScenario {
        var scenario = StressScenario(name: name)
        func fail(_ line: Int, _ word: String, _ problem: String) -> PoolDeskError {
            PoolDeskError("\(file):\(line): \(word): \(problem)")
        }
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = offset + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = words.first?.lowercased() else { continue }
            let arguments = Array(words.dropFirst())
            func duration(_ text: String, _ word: String) throws -> SimDuration {
                if text == "0" || text == "0s" { return .zero }
                guard let parsed = SimDuration(parsing: text) else { throw fail(line, word, "\"\(text)\" is not a duration (e.g. 90m, 6h, 2d)") }
                return parsed
            }
            func file(_ word: String) throws -> RecordedSources.File {
                guard arguments.count == 1, let equals = arguments[0].firstIndex(of: "="), equals != arguments[0].startIndex else {
                    throw fail(line, word, "needs SYMBOL=FILE")
                }
                let symbol = String(arguments[0][..<equals]), reference = String(arguments[0][arguments[0].index(after: equals)...])
                guard !reference.isEmpty else { throw fail(line, word, "needs SYMBOL=FILE") }
                var loaded = try resolve(reference)
                loaded.symbol = symbol
                return loaded
            }
            func time(_ word: String) throws -> SimTime {
                guard arguments.count == 1, let milliseconds = PriceFileReader.parseTimestamp(arguments[0]) else {
                    throw fail(line, word, "needs one ISO-8601 date or time, or unix seconds")
                }
                return SimTime(milliseconds: milliseconds)
            }
            switch keyword {
            case "summary":
                scenario.summary = arguments.joined(separator: " ")
            case "duration":
                guard arguments.count == 1 else { throw fail(line, keyword, "needs one duration") }
                let parsed = try duration(arguments[0], keyword)
                guard parsed.milliseconds > 0, parsed <= SessionLimits.longestRun else { throw fail(line, keyword, "must be positive and at most \(SessionLimits.longestRun)") }
                scenario.duration = parsed
            case "prices":
                scenario.sources.prices.append(try file(keyword))
            case "iv":
                scenario.sources.impliedVolatility.append(try file(keyword))
            case "from":
                scenario.sources.from = try time(keyword)
            case "to":
                scenario.sources.to = try time(keyword)
            case "max-gap":
                guard arguments.count == 1, let gap = SimDuration(parsing: arguments[0]), gap < PriceFileReader.dayLimit else {
                    throw fail(line, keyword, "needs one duration below 1d")
                }
                scenario.sources.maximumGap = gap
            case "at", "every":
                var rest = arguments
                var times: [SimDuration] = []
                if keyword == "at" {
                    guard let first = rest.first else { throw fail(line, keyword, "needs a time, e.g. at 6h shock BTC -20%") }
                    times = [try duration(first, keyword)]
                    rest.removeFirst()
                } else {
                    guard let first = rest.first else { throw fail(line, keyword, "needs an interval, e.g. every 2h shock BTC -0.5%") }
                    let step = try duration(first, keyword)
                    guard step.milliseconds > 0 else { throw fail(line, keyword, "the interval must be positive") }
                    rest.removeFirst()
                    var begin = step, until: SimDuration?
                    while let word = rest.first?.lowercased(), word == "from" || word == "until" {
                        guard rest.count >= 2 else { throw fail(line, word, "needs a duration") }
                        if word == "from" { begin = try duration(rest[1], word) } else { until = try duration(rest[1], word) }
                        rest.removeFirst(2)
                    }
                    guard let until else { throw fail(line, keyword, "needs `until DURATION` (e.g. every 2h until 5d shock BTC -0.5%)") }
                    var at = begin
                    while at <= until {
                        times.append(at)
                        guard times.count <= 10_000 else { throw fail(line, keyword, "more than 10000 shocks") }
                        at = at + step
                    }
                }
                guard rest.count == 3, ["shock", "volshock"].contains(rest[0].lowercased()) else {
                    throw fail(line, keyword, "needs `shock SYMBOL PERCENT` or `volshock SYMBOL POINTS` after the time")
                }
                let isSpot = rest[0].lowercased() == "shock"
                let amount: Double
                switch ShockAmount.parse(rest[2], spot: isSpot) {
                case .success(let value): amount = value
                case .failure(let problem): throw fail(line, rest[0].lowercased(), problem.message)
                }
                for at in times {
                    scenario.shocks.append(StressScenario.Shock(offset: at, symbol: rest[1], spotMove: isSpot ? amount : 0, volatilityShift: isSpot ? 0 : amount))
                }
            default:
                throw fail(line, keyword, "unknown statement (summary, duration, prices, iv, from, to, max-gap, at, every)")
            }
        }
        return scenario
    }
}

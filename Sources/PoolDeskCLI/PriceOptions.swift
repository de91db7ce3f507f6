import ArgumentParser
import Foundation
import PoolEngine

/// `--prices`, `--iv`, `--from`, `--to`, `--max-gap`: markets driven by recorded prices (dashboard, `sim`, `serve`).
struct PriceOptions: ParsableArguments {
    @Option(name: .customLong("prices"),
            help: ArgumentHelp("Drive a market from a CSV of bars (timestamp,open,high,low,close[,volume]); repeatable. New sessions only.",
                               valueName: "SYMBOL=FILE"))
    var prices: [String] = []

    @Option(name: .customLong("iv"),
            help: ArgumentHelp("Implied-volatility index for a --prices market (DVOL-style OHLC in percent); without it the level follows the file's realized volatility.",
                               valueName: "SYMBOL=FILE"))
    var impliedVolatility: [String] = []

    @Option(help: ArgumentHelp("Start at the first bar opened at or after this time (ISO-8601 date or time, or unix seconds).", valueName: "DATE"))
    var from: String?

    @Option(help: ArgumentHelp("Use bars opened before this time only (ISO-8601 or unix seconds).", valueName: "DATE"))
    var to: String?

    @Option(name: .customLong("max-gap"),
            help: ArgumentHelp("Longest gap between bars that is bridged (and reported), e.g. 3h (default \(PriceFileReader.defaultMaximumGap), below 1d).", valueName: "DURATION"))
    var maxGap: String?

    init() {}

    /// Whether any of these flags was given.
    var isGiven: Bool { !prices.isEmpty || !impliedVolatility.isEmpty || from != nil || to != nil || maxGap != nil }

    func validate() throws {
        _ = try window()
        _ = try maximumGap()
        if prices.isEmpty, let flag = [impliedVolatility.isEmpty ? nil : "--iv", from.map { _ in "--from" }, to.map { _ in "--to" },
                                        maxGap.map { _ in "--max-gap" }].compactMap({ $0 }).first {
            throw ValidationError("\(flag) needs --prices SYMBOL=FILE")
        }
        for (flag, values) in [("--prices", prices), ("--iv", impliedVolatility)] {
            for value in values { _ = try Self.split(value, flag: flag) }
        }
    }

    func maximumGap() throws -> SimDuration {
        guard let maxGap else { return PriceFileReader.defaultMaximumGap }
        guard let parsed = SimDuration(parsing: maxGap), parsed < PriceFileReader.dayLimit else {
            throw ValidationError("malformed --max-gap '\(maxGap)': use e.g. 90m or 6h (below 1d; a gap across days is never bridged)")
        }
        return parsed
    }

    func window() throws -> (from: SimTime?, to: SimTime?) {
        func parse(_ text: String?, _ flag: String) throws -> SimTime? {
            guard let text else { return nil }
            guard let milliseconds = PriceFileReader.parseTimestamp(text) else {
                throw ValidationError("malformed \(flag) '\(text)': use an ISO-8601 date or time (2020-03-12, 2020-03-12T06:00Z) or unix seconds")
            }
            return SimTime(milliseconds: milliseconds)
        }
        let window = (from: try parse(from, "--from"), to: try parse(to, "--to"))
        if let start = window.from, let end = window.to, end <= start {
            throw ValidationError("--to \(end) is not after --from \(start)")
        }
        return window
    }

    static func split(_ value: String, flag: String) throws -> (symbol: String, file: String) {
        guard let equals = value.firstIndex(of: "="), equals != value.startIndex, value.index(after: equals) != value.endIndex else {
            throw ValidationError("malformed \(flag) '\(value)': use SYMBOL=FILE, e.g. BTC=btc_1h.csv")
        }
        return (String(value[..<equals]), String(value[value.index(after: equals)...]))
    }

    /// The recorded inputs these flags name, read from disk (a missing or unreadable file is one line).
    func sources() throws -> RecordedSources {
        func load(_ values: [String], flag: String) throws -> [RecordedSources.File] {
            try values.map { value in
                let (symbol, path) = try Self.split(value, flag: flag)
                let text: String
                do {
                    text = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw PoolDeskError("\(path): cannot read (\(FileManager.default.fileExists(atPath: path) ? "not UTF-8 text or not readable" : "no such file"))")
                }
                return RecordedSources.File(symbol: symbol, name: path, text: text)
            }
        }
        let (from, to) = try window()
        return RecordedSources(prices: try load(prices, flag: "--prices"), impliedVolatility: try load(impliedVolatility, flag: "--iv"),
                               from: from, to: to, maximumGap: try maximumGap())
    }
}

/// Recorded price and IV texts for some markets, and the window to take from them: what `--prices`/`--iv` or a
/// built-in scenario provide. Turning them into a configuration is pure.
struct RecordedSources {
    struct File {
        var symbol: String
        /// The file name shown in messages and recorded in the journal.
        var name: String
        var text: String
    }

    var prices: [File]
    var impliedVolatility: [File] = []
    var from: SimTime?
    var to: SimTime?
    var maximumGap: SimDuration = PriceFileReader.defaultMaximumGap

    var isEmpty: Bool { prices.isEmpty }

    /// `configuration` with the recorded markets driven by their bars, starting where every price file has data.
    struct Applied {
        var configuration: EngineConfiguration
        /// Bridged gaps, one `FILE:LINE: timestamp: …` line each.
        var warnings: [String]
        /// Where the first price file's data ends: a headless run stops there.
        var end: SimTime
    }

    /// Validates every file (one-line ``PriceFileProblem`` or ``PoolDeskError``) and drives its market: the session
    /// starts at the latest first bar among the price files (each trimmed to start there), each market's first spot is
    /// its first bar's open. An `--iv` file needs a `--prices` file for the same market.
    func apply(to base: EngineConfiguration) throws -> Applied {
        var configuration = base
        var warnings: [String] = []
        var bars: [Int: (name: String, bars: PriceBars)] = [:]
        func market(_ symbol: String, _ flag: String) throws -> Int {
            guard let index = configuration.markets.firstIndex(where: { $0.symbol.lowercased() == symbol.lowercased() }) else {
                throw PoolDeskError("\(flag) \(symbol): no such market (markets: \(configuration.markets.map(\.symbol).joined(separator: ", ")))")
            }
            return index
        }
        for file in prices {
            let index = try market(file.symbol, "--prices")
            guard bars[index] == nil else { throw PoolDeskError("--prices \(file.symbol) is given twice") }
            do {
                let read = try PriceFileReader.read(file.text, file: file.name, from: from, to: to, maximumGap: maximumGap)
                bars[index] = (file.name, read.bars)
                warnings += read.warnings
            } catch {
                throw PoolDeskError(error.description)
            }
        }
        // A common start: the latest first bar; a file whose bars straddle it starts at its next bar (so repeat).
        var start = bars.values.map(\.bars.start).max() ?? base.startTime
        for _ in 0..<bars.count {
            let trimmed = bars.values.map { $0.bars.slice(from: start.milliseconds, to: .max).start }
            guard let latest = trimmed.max(), latest != start else { break }
            start = latest
        }
        for (index, entry) in bars {
            let trimmed = entry.bars.slice(from: start.milliseconds, to: .max)
            guard trimmed.count > 0 else {
                throw PoolDeskError("\(entry.name): no bars at or after \(start), where the other price files begin")
            }
            configuration.markets[index].initialSpot = trimmed.open[0]
            configuration.markets[index].history = MarketHistory(source: Self.shortName(entry.name), bars: trimmed)
        }
        var seen: Set<Int> = []
        for file in impliedVolatility {
            let index = try market(file.symbol, "--iv")
            guard bars[index] != nil else {
                throw PoolDeskError("--iv \(file.symbol) needs --prices \(file.symbol): a simulated market's IV follows its simulated regime")
            }
            guard seen.insert(index).inserted else { throw PoolDeskError("--iv \(file.symbol) is given twice") }
            let end = configuration.markets[index].history?.bars.end
            do {
                // Bars opened up to a day before the start still cover it (a daily index opens at midnight).
                let read = try PriceFileReader.read(file.text, file: file.name, from: start - .days(1), to: end, maximumGap: maximumGap,
                                                    percentCeiling: PriceFileReader.impliedVolatilityCeiling)
                configuration.markets[index].history?.impliedVolatility = read.bars
                configuration.markets[index].history?.impliedVolatilitySource = Self.shortName(file.name)
                warnings += read.warnings
            } catch {
                throw PoolDeskError(error.description)
            }
        }
        configuration.startTime = start
        if let problem = configuration.validationError() { throw PoolDeskError(problem) }
        let end = configuration.markets.compactMap { $0.history?.bars.end }.min() ?? start
        return Applied(configuration: configuration, warnings: warnings, end: end)
    }

    static func shortName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}

import Foundation
import PoolEngine
import PoolDeskUI
import TOMLKit

/// What a configuration file sets for a new session: the engine's configuration and the simulated participants.
struct SessionSettings: Equatable, Sendable {
    var configuration: EngineConfiguration
    var participants: ParticipantConfiguration

    /// The documented defaults a new session of the desk starts from (`pooldesk config --default` prints them).
    static var standard: SessionSettings {
        SessionSettings(configuration: .standard, participants: .standard(count: SimCommand.defaultBots))
    }
}

/// A configuration file that cannot be used, as one line: `FILE:LINE: key: problem` (the line left out when the
/// file cannot be read or the key has no line of its own).
struct ConfigFileError: Error, CustomStringConvertible, Equatable {
    var file: String
    var line: Int?
    var key: String
    var problem: String

    var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(key): \(problem)" }
}

/// Reads configuration files: TOML text in, ``SessionSettings`` or ``ConfigFileError`` out.
///
/// Keys are the configuration's own field names (the names the journal stores them under): top-level engine
/// fields, `[[markets]]` (one table per market, in order), `[amm]` with `[amm.skewCurve]`, `[pool]`, `[shorts]`,
/// `[hedging]`, `[breakers]`, and `[participants]` with `[participants.mix]` and `[participants.behaviour]`. Every
/// key is optional: a partial file overrides the defaults it names. Durations are strings such as `"10s"`, `"4h"`,
/// `"7d"`; money and contract sizes are numbers; vol and shares are fractions (0.5 = 50%). Unknown keys, wrong
/// types and values out of range are errors. `pooldesk config --default` prints every key with its default,
/// unit and source.
enum ConfigFile {
    /// Reads and parses the file at `path` over `base`.
    static func load(path: String, base: SessionSettings = .standard) throws -> SessionSettings {
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigFileError(file: path, line: nil, key: "file", problem: "cannot be read (\((error as NSError).localizedDescription))")
        }
        return try parse(source, file: path, base: base)
    }

    /// Parses `source` over `base`; `file` names the file in messages.
    static func parse(_ source: String, file: String, base: SessionSettings = .standard) throws -> SessionSettings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line > 0 ? error.source.begin.line : nil
            throw ConfigFileError(file: file, line: line, key: "file", problem: "TOML syntax error: \(oneLine(error.description))")
        } catch {
            throw ConfigFileError(file: file, line: nil, key: "file", problem: "TOML syntax error: \(oneLine(String(describing: error)))")
        }
        let reader = ConfigReader(file: file, locator: TOMLKeyLocator(source: source))
        var settings = base
        try reader.readTopLevel(table, into: &settings)
        if let problem = settings.configuration.validationError() {
            throw reader.error(ConfigReader.pathGuess(forValidationError: problem), problem)
        }
        return settings
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// The typed readers behind ``ConfigFile``: each checks a value's type and range and names its key and line.
struct ConfigReader {
    let file: String
    let locator: TOMLKeyLocator

    static let topLevelKeys = ["markets", "tickInterval", "startTime", "tenors", "strikesPerSide", "rate", "riskRefreshInterval",
                               "liquidationCheckInterval", "priceHistoryLength", "priceHistoryInterval", "rulesVersion",
                               "honestMarket", "amm", "pool", "shorts", "hedging", "breakers", "participants"]
    static let marketKeys = ["symbol", "initialSpot", "drift", "calmVolatility", "stressedVolatility", "meanCalmDuration",
                             "meanStressedDuration", "jumpsPerYear", "jumpMean", "jumpStandardDeviation", "impliedVolatilityPremium",
                             "standardSize", "maximumOrderSize", "minimumOrderSize"]
    static let ammKeys = ["skewAdjustmentFactor", "baseIvBounds", "skewBounds", "tradedVolBounds", "optionPriceFeeCoefficient",
                          "spotPriceFeeCoefficient", "vegaFeeCoefficient", "maximumFeeShareOfPremium", "utilizationPremiumThreshold",
                          "tradingCutoff", "tradingCutoffShareOfTenor", "minimumAbsoluteDelta", "baseIvReversionHalfLife", "skewCurve"]
    static let skewCurveKeys = ["linear", "quadratic"]
    static let poolKeys = ["utilizationCap", "reserveShareOfFees", "withdrawalFee", "callCollateralPerSpot"]
    static let shortsKeys = ["callSpotShock", "putSpotShock", "shockVolatility", "minimumShareOfSpot", "liquidationPenalty"]
    static let hedgingKeys = ["enabled", "interval", "thresholdShareOfNAV", "costRate"]
    static let breakersKeys = ["minimumFreeLiquidityShare", "maximumIvDeviation", "ivSmoothingHalfLife", "cooldown"]
    static let participantsKeys = ["count", "meanActionInterval", "traderFunding", "liquidityProviderFunding", "mix", "behaviour"]
    static let behaviourKeys = ["minimumEdge", "jumpPollInterval", "jumpThreshold", "jumpHoldingPeriod", "bankRunDrawdown",
                                "bankRunUtilization", "calmUtilization", "calmPeriod", "liquidityHoldingPeriod",
                                "liquidityAbsencePeriod"]

    /// Durations longer than this are refused (no setting needs more, and sums of times stay far from overflow).
    static let longestDuration = SimDuration.days(3_660)
    /// The largest amount of money or contracts a file may give (one billion).
    static let largestAmount = 1e9

    // MARK: Tables

    func readTopLevel(_ table: TOMLTable, into settings: inout SessionSettings) throws {
        var configuration = settings.configuration
        for key in ordered(table.keys, under: []) {
            guard let value = table[key] else { continue }
            let path = [key]
            switch key {
            case "markets": configuration.markets = try markets(value, path)
            case "tickInterval": configuration.tickInterval = try duration(value, path, .seconds(1)...(.hours(1)))
            case "startTime": configuration.startTime = try time(value, path)
            case "tenors": configuration.tenors = try tenors(value, path)
            case "strikesPerSide": configuration.strikesPerSide = try integer(value, path, 1...50)
            case "rate": configuration.rate = try number(value, path, -0.5...1)
            case "riskRefreshInterval": configuration.riskRefreshInterval = try duration(value, path, .seconds(1)...(.hours(1)))
            case "liquidationCheckInterval": configuration.liquidationCheckInterval = try duration(value, path, .seconds(1)...(.days(1)))
            case "priceHistoryLength": configuration.priceHistoryLength = try integer(value, path, 2...100_000)
            case "priceHistoryInterval": configuration.priceHistoryInterval = try duration(value, path, .seconds(1)...(.days(1)))
            case "rulesVersion": configuration.rulesVersion = try integer(value, path, EngineRules.original...EngineRules.current)
            case "honestMarket": configuration.honestMarket = try bool(value, path)
            case "amm": try readAMM(self.table(value, path), path, into: &configuration.amm)
            case "pool": try readPool(self.table(value, path), path, into: &configuration.pool)
            case "shorts": try readShorts(self.table(value, path), path, into: &configuration.shorts)
            case "hedging": try readHedging(self.table(value, path), path, into: &configuration.hedging)
            case "breakers": try readBreakers(self.table(value, path), path, into: &configuration.breakers)
            case "participants": try readParticipants(self.table(value, path), path, into: &settings.participants)
            default: throw unknown(path, expected: Self.topLevelKeys)
            }
        }
        settings.configuration = configuration
    }

    /// `[[markets]]`: the list replaces the default markets. A market named BTC or ETH starts from that market's
    /// defaults; any other symbol starts from BTC's and must give its `initialSpot`.
    func markets(_ value: TOMLValueConvertible, _ path: [String]) throws -> [MarketConfiguration] {
        guard let array = value.array else { throw error(path, "expected [[markets]] tables, got \(Self.describe(value))") }
        guard (1...16).contains(array.count) else { throw error(path, "between 1 and 16 markets, got \(array.count)") }
        var result: [MarketConfiguration] = []
        for (offset, element) in array.enumerated() {
            let marketPath = path + [String(offset + 1)]
            let entry = try table(element, marketPath)
            guard let symbolValue = entry["symbol"] else { throw error(marketPath, "a market needs a symbol") }
            let symbol = try self.symbol(symbolValue, marketPath + ["symbol"])
            if result.contains(where: { $0.symbol == symbol }) { throw error(marketPath + ["symbol"], "\(symbol) is listed twice") }
            var market: MarketConfiguration
            // BTC and ETH start from a new session's markets (``EngineConfiguration/standard``: calibrated IV premium).
            let standardMarkets = EngineConfiguration.standard.markets
            switch symbol {
            case MarketConfiguration.bitcoin.symbol: market = standardMarkets.first { $0.symbol == symbol } ?? .bitcoin
            case MarketConfiguration.ether.symbol: market = standardMarkets.first { $0.symbol == symbol } ?? .ether
            default:
                guard entry["initialSpot"] != nil else {
                    throw error(marketPath + ["symbol"], "\(symbol) is not BTC or ETH, so it needs an initialSpot (its other defaults are BTC's)")
                }
                market = .bitcoin
                market.symbol = symbol
            }
            try readMarket(entry, marketPath, into: &market)
            if market.minimumOrderSize > market.maximumOrderSize {
                throw error(marketPath + ["minimumOrderSize"], "\(market.minimumOrderSize) is above maximumOrderSize \(market.maximumOrderSize)")
            }
            result.append(market)
        }
        return result
    }

    func readMarket(_ table: TOMLTable, _ path: [String], into market: inout MarketConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "symbol": break
            case "initialSpot": market.initialSpot = try number(value, keyPath, 1e-6...Self.largestAmount)
            case "drift": market.drift = try number(value, keyPath, -5...5)
            case "calmVolatility": market.calmVolatility = try number(value, keyPath, 0.01...5)
            case "stressedVolatility": market.stressedVolatility = try number(value, keyPath, 0.01...5)
            case "meanCalmDuration": market.meanCalmDuration = try duration(value, keyPath, .minutes(1)...Self.longestDuration)
            case "meanStressedDuration": market.meanStressedDuration = try duration(value, keyPath, .minutes(1)...Self.longestDuration)
            case "jumpsPerYear": market.jumpsPerYear = try number(value, keyPath, 0...100_000)
            case "jumpMean": market.jumpMean = try number(value, keyPath, -1...1)
            case "jumpStandardDeviation": market.jumpStandardDeviation = try number(value, keyPath, 0...1)
            case "impliedVolatilityPremium": market.impliedVolatilityPremium = try number(value, keyPath, 0.1...10)
            case "standardSize": market.standardSize = try quantity(value, keyPath)
            case "maximumOrderSize": market.maximumOrderSize = try quantity(value, keyPath)
            case "minimumOrderSize": market.minimumOrderSize = try quantity(value, keyPath)
            default: throw unknown(keyPath, expected: Self.marketKeys)
            }
        }
    }

    func readAMM(_ table: TOMLTable, _ path: [String], into amm: inout AMMConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "skewAdjustmentFactor": amm.skewAdjustmentFactor = try number(value, keyPath, 0...10)
            case "baseIvBounds": amm.baseIvBounds = try bounds(value, keyPath, 0.01...10)
            case "skewBounds": amm.skewBounds = try bounds(value, keyPath, 0.01...10)
            case "tradedVolBounds": amm.tradedVolBounds = try bounds(value, keyPath, 0.01...10)
            case "optionPriceFeeCoefficient": amm.optionPriceFeeCoefficient = try number(value, keyPath, 0...1)
            case "spotPriceFeeCoefficient": amm.spotPriceFeeCoefficient = try number(value, keyPath, 0...1)
            case "vegaFeeCoefficient": amm.vegaFeeCoefficient = try number(value, keyPath, 0...1_000_000)
            case "maximumFeeShareOfPremium": amm.maximumFeeShareOfPremium = try number(value, keyPath, 0...1)
            case "utilizationPremiumThreshold": amm.utilizationPremiumThreshold = try number(value, keyPath, 0.01...1)
            case "tradingCutoff": amm.tradingCutoff = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            case "tradingCutoffShareOfTenor": amm.tradingCutoffShareOfTenor = try number(value, keyPath, 0...1)
            case "minimumAbsoluteDelta": amm.minimumAbsoluteDelta = try number(value, keyPath, 0...0.5)
            case "baseIvReversionHalfLife": amm.baseIvReversionHalfLife = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            case "skewCurve":
                let curve = try self.table(value, keyPath)
                for curveKey in ordered(curve.keys, under: keyPath) {
                    guard let coefficient = curve[curveKey] else { continue }
                    switch curveKey {
                    case "linear": amm.skewCurve.linear = try number(coefficient, keyPath + [curveKey], -10...10)
                    case "quadratic": amm.skewCurve.quadratic = try number(coefficient, keyPath + [curveKey], -10...10)
                    default: throw unknown(keyPath + [curveKey], expected: Self.skewCurveKeys)
                    }
                }
            default: throw unknown(keyPath, expected: Self.ammKeys)
            }
        }
    }

    func readPool(_ table: TOMLTable, _ path: [String], into pool: inout PoolConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "utilizationCap": pool.utilizationCap = try number(value, keyPath, 0...1)
            case "reserveShareOfFees": pool.reserveShareOfFees = try number(value, keyPath, 0...1)
            case "withdrawalFee": pool.withdrawalFee = try number(value, keyPath, 0...1)
            case "callCollateralPerSpot": pool.callCollateralPerSpot = try number(value, keyPath, 0...10)
            default: throw unknown(keyPath, expected: Self.poolKeys)
            }
        }
    }

    func readShorts(_ table: TOMLTable, _ path: [String], into shorts: inout ShortCollateralConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "callSpotShock": shorts.callSpotShock = try number(value, keyPath, 1...10)
            case "putSpotShock": shorts.putSpotShock = try number(value, keyPath, 0...1)
            case "shockVolatility": shorts.shockVolatility = try number(value, keyPath, 0.01...10)
            case "minimumShareOfSpot": shorts.minimumShareOfSpot = try number(value, keyPath, 0...1)
            case "liquidationPenalty": shorts.liquidationPenalty = try number(value, keyPath, 0...1)
            default: throw unknown(keyPath, expected: Self.shortsKeys)
            }
        }
    }

    func readHedging(_ table: TOMLTable, _ path: [String], into hedging: inout HedgingConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "enabled": hedging.enabled = try bool(value, keyPath)
            case "interval": hedging.interval = try duration(value, keyPath, .seconds(1)...(.days(1)))
            case "thresholdShareOfNAV": hedging.thresholdShareOfNAV = try number(value, keyPath, 0...1)
            case "costRate": hedging.costRate = try number(value, keyPath, 0...1)
            default: throw unknown(keyPath, expected: Self.hedgingKeys)
            }
        }
    }

    func readBreakers(_ table: TOMLTable, _ path: [String], into breakers: inout CircuitBreakerConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "minimumFreeLiquidityShare": breakers.minimumFreeLiquidityShare = try number(value, keyPath, 0...1)
            case "maximumIvDeviation": breakers.maximumIvDeviation = try number(value, keyPath, 0...10)
            case "ivSmoothingHalfLife": breakers.ivSmoothingHalfLife = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            case "cooldown": breakers.cooldown = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            default: throw unknown(keyPath, expected: Self.breakersKeys)
            }
        }
    }

    func readParticipants(_ table: TOMLTable, _ path: [String], into participants: inout ParticipantConfiguration) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "count": participants.count = try integer(value, keyPath, SessionLimits.participants)
            case "meanActionInterval":
                participants.meanActionInterval = try duration(value, keyPath, SessionLimits.shortestActionInterval...SessionLimits.longestRun)
            case "traderFunding": participants.traderFunding = try money(value, keyPath)
            case "liquidityProviderFunding": participants.liquidityProviderFunding = try money(value, keyPath)
            case "mix": participants.mix = try mix(value, keyPath)
            case "behaviour":
                var behaviour = participants.behaviour ?? ParticipantBehaviour()
                try readBehaviour(self.table(value, keyPath), keyPath, into: &behaviour)
                participants.behaviour = behaviour
            default: throw unknown(keyPath, expected: Self.participantsKeys)
            }
        }
    }

    /// `[participants.mix]`: weights per strategy, replacing the default mix as a whole (a strategy left out gets
    /// no participants); or `mix = "original"` for the mix sessions had before participants with an edge.
    func mix(_ value: TOMLValueConvertible, _ path: [String]) throws -> ParticipantMix? {
        if let text = value.string {
            guard text == "original" else { throw error(path, "\"\(text)\" is not a mix: give a table of weights or \"original\"") }
            return nil
        }
        let table = try self.table(value, path)
        var weights: [ParticipantStrategy: Int] = [:]
        let names = ParticipantStrategy.allCases.map(\.rawValue)
        for key in ordered(table.keys, under: path) {
            guard let weight = table[key] else { continue }
            guard let strategy = ParticipantStrategy(rawValue: key) else { throw unknown(path + [key], expected: names) }
            weights[strategy] = try integer(weight, path + [key], 0...1_000)
        }
        let mix = ParticipantMix(weights)
        if let problem = mix.validationError() { throw error(path, problem) }
        return mix
    }

    func readBehaviour(_ table: TOMLTable, _ path: [String], into behaviour: inout ParticipantBehaviour) throws {
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "minimumEdge": behaviour.minimumEdge = try number(value, keyPath, 0...10)
            case "jumpPollInterval": behaviour.jumpPollInterval = try duration(value, keyPath, SessionLimits.shortestActionInterval...(.days(1)))
            case "jumpThreshold": behaviour.jumpThreshold = try number(value, keyPath, 0.000_001...1)
            case "jumpHoldingPeriod": behaviour.jumpHoldingPeriod = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            case "bankRunDrawdown": behaviour.bankRunDrawdown = try number(value, keyPath, 0.000_001...1)
            case "bankRunUtilization": behaviour.bankRunUtilization = try number(value, keyPath, 0.000_001...1)
            case "calmUtilization": behaviour.calmUtilization = try number(value, keyPath, 0...1)
            case "calmPeriod": behaviour.calmPeriod = try duration(value, keyPath, .seconds(1)...Self.longestDuration)
            // The default is stored as nil (what a behaviour stored before the field existed says), so
            // `config --default` read back is exactly the defaults.
            case "liquidityHoldingPeriod":
                let period = try duration(value, keyPath, .minutes(1)...Self.longestDuration)
                behaviour.liquidityHoldingPeriod = period == ParticipantBehaviour.defaultLiquidityHoldingPeriod ? nil : period
            case "liquidityAbsencePeriod":
                let period = try duration(value, keyPath, .minutes(1)...Self.longestDuration)
                behaviour.liquidityAbsencePeriod = period == ParticipantBehaviour.defaultLiquidityAbsencePeriod ? nil : period
            default: throw unknown(keyPath, expected: Self.behaviourKeys)
            }
        }
        if let problem = behaviour.validationError() {
            let field = Self.behaviourKeys.first { problem.hasPrefix($0) } ?? ""
            throw error(field.isEmpty ? path : path + [field], problem)
        }
    }

    // MARK: Values

    func table(_ value: TOMLValueConvertible, _ path: [String]) throws -> TOMLTable {
        guard let table = value.table else { throw error(path, "expected a table, got \(Self.describe(value))") }
        return table
    }

    /// A number within `range` (an integer is taken as a number).
    func number(_ value: TOMLValueConvertible, _ path: [String], _ range: ClosedRange<Double>) throws -> Double {
        let number: Double
        if let double = value.double {
            number = double
        } else if let integer = value.int {
            number = Double(integer)
        } else {
            throw error(path, "expected a number, got \(Self.describe(value))")
        }
        guard number.isFinite, range.contains(number) else {
            throw error(path, "\(SessionLimits.number(number)) is out of range (\(SessionLimits.text(range)))")
        }
        return number
    }

    func integer(_ value: TOMLValueConvertible, _ path: [String], _ range: ClosedRange<Int>) throws -> Int {
        guard let integer = value.int else { throw error(path, "expected an integer, got \(Self.describe(value))") }
        guard range.contains(integer) else { throw error(path, "\(integer) is out of range (\(SessionLimits.text(range)))") }
        return integer
    }

    func bool(_ value: TOMLValueConvertible, _ path: [String]) throws -> Bool {
        guard let flag = value.bool else { throw error(path, "expected true or false, got \(Self.describe(value))") }
        return flag
    }

    /// A duration written as a string: `"90s"`, `"15m"`, `"4h"`, `"7d"`, `"2w"`, `"1d12h"`.
    func duration(_ value: TOMLValueConvertible, _ path: [String], _ range: ClosedRange<SimDuration>) throws -> SimDuration {
        guard let text = value.string else {
            throw error(path, "expected a duration such as \"10m\", got \(Self.describe(value))")
        }
        guard let duration = SimDuration(parsing: text) else {
            throw error(path, "\"\(text)\" is not a duration (use e.g. \"90s\", \"15m\", \"4h\", \"7d\" or \"1d12h\")")
        }
        guard range.contains(duration) else {
            throw error(path, "\"\(text)\" is out of range (\(ConfigWriter.duration(range.lowerBound))–\(ConfigWriter.duration(range.upperBound)))")
        }
        return duration
    }

    /// USD as a number, 0 to one billion, to the micro-unit.
    func money(_ value: TOMLValueConvertible, _ path: [String]) throws -> Money {
        Money(rounding: try number(value, path, 0...Self.largestAmount), .toNearestOrEven)
    }

    /// Contracts as a number, positive, at most one billion, to the micro-unit.
    func quantity(_ value: TOMLValueConvertible, _ path: [String]) throws -> Quantity {
        let amount = try number(value, path, 0...Self.largestAmount)
        let quantity = Quantity(rounding: amount, .toNearestOrEven)
        guard quantity.isPositive else { throw error(path, "\(SessionLimits.number(amount)) is out of range (0.000001–1000000000)") }
        return quantity
    }

    /// `[low, high]` within `range`, low ≤ high.
    func bounds(_ value: TOMLValueConvertible, _ path: [String], _ range: ClosedRange<Double>) throws -> ClosedRange<Double> {
        guard let array = value.array, array.count == 2 else {
            throw error(path, "expected [low, high], got \(Self.describe(value))")
        }
        let low = try number(array[array.startIndex], path, range)
        let high = try number(array[array.index(after: array.startIndex)], path, range)
        guard low <= high else { throw error(path, "low \(SessionLimits.number(low)) is above high \(SessionLimits.number(high))") }
        return low...high
    }

    /// `["1h", "4h", "1d", "7d"]`: 1 to 12 tenors of 1 minute to a year, none twice.
    func tenors(_ value: TOMLValueConvertible, _ path: [String]) throws -> [SimDuration] {
        guard let array = value.array else { throw error(path, "expected a list of durations such as [\"1h\", \"1d\"], got \(Self.describe(value))") }
        guard (1...12).contains(array.count) else { throw error(path, "between 1 and 12 tenors, got \(array.count)") }
        var tenors: [SimDuration] = []
        for element in array {
            let tenor = try duration(element, path, .minutes(1)...(.days(366)))
            if tenors.contains(tenor) { throw error(path, "\(ConfigWriter.duration(tenor)) is listed twice") }
            tenors.append(tenor)
        }
        return tenors
    }

    /// `"2026-12-01T00:00:00Z"` (UTC; seconds and the `Z` may be left out), years 1970–9999.
    func time(_ value: TOMLValueConvertible, _ path: [String]) throws -> SimTime {
        guard let text = value.string else { throw error(path, "expected a UTC time such as \"2026-12-01T00:00:00Z\", got \(Self.describe(value))") }
        guard let time = Self.parseTime(text) else {
            throw error(path, "\"\(text)\" is not a UTC time (use e.g. \"2026-12-01T00:00:00Z\")")
        }
        return time
    }

    static func parseTime(_ text: String) -> SimTime? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let halves = body.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let clock = halves.count == 2 ? halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) } : [0, 0]
        guard date.count == 3, (2...3).contains(clock.count), let year = date[0], let month = date[1], let day = date[2],
              let hour = clock[0], let minute = clock[1] else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second, (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
              (0...59).contains(minute), (0...59).contains(second) else { return nil }
        let time = SimTime(year: year, month: month, day: day, hour: hour, minute: minute) + .seconds(Int64(second))
        // 31 February and the like roll over in the civil arithmetic: refused, not moved.
        let civil = time.civil
        guard civil.month == month, civil.day == day else { return nil }
        return time
    }

    /// An upper-case ticker of 1–10 letters and digits.
    func symbol(_ value: TOMLValueConvertible, _ path: [String]) throws -> String {
        guard let text = value.string else { throw error(path, "expected a symbol such as \"BTC\", got \(Self.describe(value))") }
        guard (1...10).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw error(path, "\"\(text)\" is not a symbol (1–10 upper-case letters or digits)")
        }
        return text
    }

    // MARK: Messages

    func error(_ path: [String], _ problem: String) -> ConfigFileError {
        ConfigFileError(file: file, line: locator.line(of: path), key: Self.keyText(path), problem: problem)
    }

    func unknown(_ path: [String], expected: [String]) -> ConfigFileError {
        let name = path.last ?? ""
        let close = expected.min { editDistance($0.lowercased(), name.lowercased()) < editDistance($1.lowercased(), name.lowercased()) }
        if let close, editDistance(close.lowercased(), name.lowercased()) <= max(2, name.count / 4) {
            return error(path, "unknown key (did you mean \(close)?)")
        }
        return error(path, "unknown key (expected one of: \(expected.joined(separator: ", ")))")
    }

    /// `markets[2].initialSpot` for the path `markets`, `2`, `initialSpot`.
    static func keyText(_ path: [String]) -> String {
        var text = ""
        for part in path {
            if Int(part) != nil { text += "[\(part)]" } else { text += text.isEmpty ? part : ".\(part)" }
        }
        return text.isEmpty ? "file" : text
    }

    /// The key an ``EngineConfiguration/validationError()`` message is about (its first word when that is a key).
    static func pathGuess(forValidationError problem: String) -> [String] {
        let first = problem.split(separator: " ").first.map(String.init) ?? ""
        let parts = first.split(separator: ".").map(String.init)
        if let head = parts.first, topLevelKeys.contains(head) { return parts }
        if problem.contains("market") || problem.contains(":") { return ["markets"] }
        return ["file"]
    }

    /// Keys in the order they appear in the file, so the first problem reported is the first in the file.
    func ordered(_ keys: [String], under path: [String]) -> [String] {
        keys.sorted { lhs, rhs in
            let left = locator.line(of: path + [lhs]) ?? .max, right = locator.line(of: path + [rhs]) ?? .max
            return left != right ? left < right : lhs < rhs
        }
    }

    static func describe(_ value: TOMLValueConvertible) -> String {
        if let string = value.string { return "string \"\(string.count > 40 ? String(string.prefix(40)) + "…" : string)\"" }
        if let number = value.int { return "integer \(number)" }
        if let number = value.double { return "number \(number)" }
        if let flag = value.bool { return "boolean \(flag)" }
        if value.table != nil { return "a table" }
        if value.array != nil { return "a list" }
        return value.type.description
    }
}

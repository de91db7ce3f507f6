import PoolEngine

/// A command typed on the `:` line, parsed.
public enum DeskCommand: Hashable, Sendable {
    /// `perContractLimit`: the worst premium per contract, fees included (`buy 2 SERIES @ 450`); nil: the
    /// previewed price with the slippage tolerance.
    case trade(side: Side, quantity: Quantity, series: SeriesID, perContractLimit: Money?)
    case close(series: SeriesID, quantity: Quantity?)
    /// `close all`: every open position of the desk, each with its own price protection.
    case closeAll
    case deposit(Money)
    case withdraw(Shares)
    case withdrawAll
    case speed(Double)
    case pause
    case resume
    case theme(String)
    case market(Int)
    case hedging(Bool)
    /// Slippage tolerance as a fraction (0.005 for `slippage 0.5%`).
    case slippage(Double)
    case help
    case quit
    /// `shock BTC -20%`: move a market's spot now (relative, −0.2 = −20%); the local engine's operator only.
    case shock(market: Int, spotMove: Double)
    /// `volshock BTC +40`: move a market's implied volatility now (absolute, 0.4 = +40 vol points).
    case volatilityShock(market: Int, volatilityShift: Double)
    /// `buy straddle BTC-1D-60000 1`: opens the strategy ticket with these legs (bought form), side and size (nil:
    /// the ticket's default).
    case strategy(side: Side, template: StrategyTemplate, legs: [StrategyLeg], size: Quantity?)
}

/// The words the `:` line understands, in the order completion offers them. The parser switches over this
/// enum exhaustively, so a word cannot be offered for completion and then fall through to another action.
public enum CommandWord: String, CaseIterable, Hashable, Sendable {
    case buy, sell, close, deposit, withdraw, speed, pause, resume, theme, market, hedge, slippage, help, quit, shock, volshock
}

/// Parses `:` commands and completes them; pure, so it is tested without a terminal.
public enum CommandLineParser {
    /// Command words, in the order completion offers them.
    public static let commands = CommandWord.allCases.map(\.rawValue)

    static let usage: [CommandWord: String] = [
        .buy: "buy QTY SERIES [@ PRICE] (e.g. buy 2 BTC-1D-62000-C @ 450) | buy TEMPLATE SPEC [SIZE] (e.g. buy straddle BTC-1D-60000 1)",
        .sell: "sell QTY SERIES [@ PRICE] | sell TEMPLATE SPEC [SIZE]",
        .slippage: "slippage PERCENT (e.g. slippage 0.5%)",
        .close: "close [SERIES] [QTY] | close all", .deposit: "deposit USD", .withdraw: "withdraw SHARES|all",
        .speed: "speed N (\(speedText(DashboardState.speedRange.lowerBound))–\(speedText(DashboardState.speedRange.upperBound)))", .theme: "theme NAME", .market: "market SYMBOL", .hedge: "hedge on|off",
        .shock: "shock SYMBOL PERCENT (e.g. shock BTC -20%)", .volshock: "volshock SYMBOL POINTS (e.g. volshock BTC +40)",
    ]

    /// Parses `text`; `selected` stands in when a series is omitted. Errors are one-line messages for the status bar.
    public static func parse(_ text: String, engine: Engine, selected: SeriesID?, deskAccount: AccountID) -> Result<DeskCommand, CommandLineError> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first?.lowercased() else { return .failure(CommandLineError("empty command")) }
        guard let word = commands.first(where: { $0 == first }) ?? uniquePrefixMatch(first, in: commands),
              let command = CommandWord(rawValue: word) else {
            return .failure(CommandLineError("unknown command \"\(first)\" (try: \(commands.joined(separator: ", ")))"))
        }
        let arguments = Array(words.dropFirst())
        func fail(_ message: String) -> Result<DeskCommand, CommandLineError> {
            .failure(CommandLineError("\(message) — usage: \(usage[command] ?? command.rawValue)"))
        }
        func series(_ word: String?) -> SeriesID? {
            guard let word else { return selected }
            return engine.resolveSeries(named: word)
        }
        func unknownSeries(_ word: String?) -> Result<DeskCommand, CommandLineError> {
            guard let word else { return fail("no series selected") }
            return fail(engine.describeUnresolvedSeries(named: word))
        }
        func quantity(_ word: String) -> Result<Quantity, CommandLineError> {
            switch Quantity.parse(word) {
            case .success(let value) where value.isPositive: .success(value)
            case .success: .failure(CommandLineError("quantity \"\(word)\" must be above zero"))
            case .failure(let error): .failure(CommandLineError("quantity \(error)"))
            }
        }
        switch command {
        case .buy, .sell:
            if let word = arguments.first, let template = StrategyTemplate.named(word) {
                return parseStrategy(template, side: command == .buy ? .buy : .sell, arguments: Array(arguments.dropFirst()), engine: engine)
            }
            var words = arguments
            // `@ 450`, `@450`: a per-contract limit at the end.
            var limit: Money?
            if let at = words.firstIndex(where: { $0.hasPrefix("@") }) {
                let priceWord = words[at] == "@" ? words[safe: at + 1] : String(words[at].dropFirst())
                guard let priceWord, at + (words[at] == "@" ? 2 : 1) == words.count else { return fail("@ takes one price at the end") }
                switch Money.parse(priceWord) {
                case .success(let price) where price.isPositive: limit = price
                case .success: return fail("limit price must be above zero")
                case .failure(let error): return fail("limit price \(error)")
                }
                words.removeSubrange(at...)
            }
            guard let quantityWord = words.first else { return fail("missing quantity") }
            // A word that is neither a number nor a template (`buy fooble BTC-1D-60000 1`) is most likely a
            // template misspelt: say so, with the names, rather than only "not a number".
            if let first = quantityWord.first, first.isLetter, !looksNumeric(quantityWord) {
                return fail("\"\(quantityWord)\" is neither a quantity nor a strategy (\(StrategyTemplate.words.joined(separator: ", ")))")
            }
            let parsed: Quantity
            switch quantity(quantityWord) {
            case .success(let value): parsed = value
            case .failure(let error): return fail(error.message)
            }
            guard words.count <= 2 else { return fail("unexpected \"\(words[2])\" after the series") }
            guard let id = series(words[safe: 1]) else { return unknownSeries(words[safe: 1]) }
            return .success(.trade(side: command == .buy ? .buy : .sell, quantity: parsed, series: id, perContractLimit: limit))
        case .close:
            if arguments.map({ $0.lowercased() }) == ["all"] { return .success(.closeAll) }
            var seriesWord: String?
            var closing: Quantity?
            for word in arguments {
                if word.first.map({ $0.isNumber || $0 == "." || $0 == "-" }) == true {
                    switch quantity(word) {
                    case .success(let value): closing = value
                    case .failure(let error): return fail(error.message)
                    }
                } else {
                    seriesWord = word
                }
            }
            guard let id = series(seriesWord) else { return unknownSeries(seriesWord) }
            return .success(.close(series: id, quantity: closing))
        case .deposit:
            guard arguments.count == 1 else { return fail("needs one amount in USD") }
            switch Money.parse(arguments[0]) {
            case .success(let amount) where amount.isPositive: return .success(.deposit(amount))
            case .success: return fail("amount must be above zero")
            case .failure(let error): return fail("amount \(error)")
            }
        case .withdraw:
            guard arguments.count == 1 else { return fail("needs an amount of shares or all") }
            if arguments[0].lowercased() == "all" { return .success(.withdrawAll) }
            switch Shares.parse(arguments[0]) {
            case .success(let shares) where shares.isPositive: return .success(.withdraw(shares))
            case .success: return fail("shares must be above zero")
            case .failure(let error): return fail("shares \(error)")
            }
        case .speed:
            let range = DashboardState.speedRange
            let bounds = "\(speedText(range.lowerBound)) to \(speedText(range.upperBound))"
            guard arguments.count == 1 else { return fail("needs a number from \(bounds)") }
            guard let value = Double(arguments[0].trimmingCharacters(in: "x×")), value.isFinite else {
                return fail("\"\(arguments[0])\" is not a number: the speed is from \(bounds)")
            }
            guard range.contains(value) else { return fail("\"\(arguments[0])\" is outside the range: the speed is from \(bounds)") }
            return .success(.speed(value))
        case .slippage:
            guard arguments.count == 1 else { return fail("needs a percentage from 0% to 50%") }
            guard let fraction = parsePercent(arguments[0]) else { return fail("\"\(arguments[0])\" is not a percentage (0% to 50%)") }
            guard DashboardState.slippageRange.contains(fraction) else { return fail("\"\(arguments[0])\" is outside 0% to 50%") }
            return .success(.slippage(fraction))
        case .pause: return .success(.pause)
        case .resume: return .success(.resume)
        case .theme:
            guard arguments.count == 1 else { return fail("needs a theme name") }
            return .success(.theme(arguments[0]))
        case .market:
            guard arguments.count == 1 else { return fail("needs a symbol") }
            guard let index = engine.markets.firstIndex(where: { $0.symbol.lowercased() == arguments[0].lowercased() }) else {
                return fail("unknown market \"\(arguments[0])\"")
            }
            return .success(.market(index))
        case .hedge:
            guard arguments.count == 1 else { return fail("on or off") }
            guard ["on", "off"].contains(arguments[0].lowercased()) else { return fail("\"\(arguments[0])\": on or off") }
            return .success(.hedging(arguments[0].lowercased() == "on"))
        case .help: return .success(.help)
        case .quit: return .success(.quit)
        case .shock, .volshock:
            guard arguments.count == 2 else { return fail("needs a market and an amount") }
            guard let index = engine.markets.firstIndex(where: { $0.symbol.lowercased() == arguments[0].lowercased() }) else {
                return fail("unknown market \"\(arguments[0])\"")
            }
            switch ShockAmount.parse(arguments[1], spot: command == .shock) {
            case .success(let amount):
                return .success(command == .shock ? .shock(market: index, spotMove: amount) : .volatilityShock(market: index, volatilityShift: amount))
            case .failure(let problem):
                return fail(problem.message)
            }
        }
    }

    /// `0.5%`, `0.5 %` or `0.5` (always percent) as a fraction; nil when not a finite number.
    public static func parsePercent(_ word: String) -> Double? {
        let digits = word.hasSuffix("%") ? String(word.dropLast()) : word
        guard let value = Double(digits), value.isFinite, !digits.contains(",") else { return nil }
        return value / 100
    }

    /// Completes the last word of `text`: command names first, then series names, theme names or market symbols.
    /// Returns the new text and the candidates when more than one fits.
    public static func complete(_ text: String, engine: Engine, themes: [String], account: AccountID? = nil) -> (text: String, candidates: [String]) {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = words.last ?? ""
        let pool: [String]
        if words.count <= 1 {
            pool = commands
        } else {
            switch CommandWord(rawValue: words[0].lowercased()) {
            case .theme: pool = themes
            case .market, .shock, .volshock: pool = engine.markets.map(\.symbol)
            case .hedge: pool = ["on", "off"]
            case .slippage: pool = ["0.5%", "1%", "2%"]
            case .withdraw: pool = ["all"]
            case .close:
                // What can be closed is what the desk holds, and all of it at once.
                let held = account.map { engine.positions(of: $0).map { engine.series[$0.series.index].name } } ?? []
                pool = held + (held.isEmpty ? [] : ["all"])
            case .buy, .sell:
                if words.count >= 3, let template = StrategyTemplate.named(words[1]) {
                    return completeStrategy(template, words: words, engine: engine)
                }
                let series = engine.liveBoards.flatMap { id -> [String] in
                    let board = engine.boards[id.index]
                    return (board.calls + board.puts).map { engine.series[$0.index].name }
                }
                // Template names while the word could still be one; a series name starts with a market symbol.
                pool = words.count == 2 ? StrategyTemplate.words + series : series
            case .deposit, .speed, .pause, .resume, .help, .quit, nil: pool = []
            }
        }
        let matches = pool.filter { $0.lowercased().hasPrefix(current.lowercased()) }
        guard !matches.isEmpty else { return (text, []) }
        if matches.count == 1 {
            words[words.count - 1] = matches[0]
            return (words.joined(separator: " ") + " ", [])
        }
        let prefix = commonPrefix(matches)
        if prefix.count > current.count { words[words.count - 1] = prefix }
        return (words.joined(separator: " "), matches)
    }

    static func uniquePrefixMatch(_ word: String, in options: [String]) -> String? {
        let matches = options.filter { $0.hasPrefix(word) }
        return matches.count == 1 ? matches[0] : nil
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var length = 0
            while length < min(prefix.count, characters.count),
                  String(prefix[length]).lowercased() == String(characters[length]).lowercased() { length += 1 }
            prefix = Array(prefix.prefix(length))
        }
        return String(prefix)
    }
}

/// A command line that could not be parsed, with the reason.
public struct CommandLineError: Error, Hashable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var result = Substring(self)
        while let last = result.last, set.contains(last) { result.removeLast() }
        return String(result)
    }
}

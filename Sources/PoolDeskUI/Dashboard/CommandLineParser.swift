import PoolEngine

/// A command typed on the `:` line, parsed.
public enum DeskCommand: Hashable, Sendable {
    case trade(side: Side, quantity: Quantity, series: SeriesID)
    case close(series: SeriesID, quantity: Quantity?)
    case deposit(Money)
    case withdraw(Shares)
    case withdrawAll
    case speed(Double)
    case pause
    case resume
    case theme(String)
    case market(Int)
    case hedging(Bool)
    case help
    case quit
}

/// Parses `:` commands and completes them; pure, so it is tested without a terminal.
public enum CommandLineParser {
    /// Command words, in the order completion offers them.
    public static let commands = ["buy", "sell", "close", "deposit", "withdraw", "speed", "pause", "resume",
                                  "theme", "market", "hedge", "help", "quit"]

    static let usage: [String: String] = [
        "buy": "buy QTY SERIES (e.g. buy 2 BTC-1D-62000-C)", "sell": "sell QTY SERIES",
        "close": "close [SERIES] [QTY]", "deposit": "deposit USD", "withdraw": "withdraw SHARES|all",
        "speed": "speed N (1–3600)", "theme": "theme NAME", "market": "market SYMBOL", "hedge": "hedge on|off",
    ]

    /// Parses `text`; `selected` stands in when a series is omitted. Errors are one-line messages for the status bar.
    public static func parse(_ text: String, engine: Engine, selected: SeriesID?, deskAccount: AccountID) -> Result<DeskCommand, CommandLineError> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first?.lowercased() else { return .failure(CommandLineError("empty command")) }
        guard let command = commands.first(where: { $0 == first }) ?? uniquePrefixMatch(first, in: commands) else {
            return .failure(CommandLineError("unknown command \"\(first)\" (try: \(commands.joined(separator: ", ")))"))
        }
        let arguments = Array(words.dropFirst())
        func fail(_ message: String) -> Result<DeskCommand, CommandLineError> {
            .failure(CommandLineError("\(message) — usage: \(usage[command] ?? command)"))
        }
        func series(_ word: String?) -> SeriesID? {
            guard let word else { return selected }
            return engine.resolveSeries(named: word)
        }
        switch command {
        case "buy", "sell":
            guard let quantityWord = arguments.first else { return fail("missing quantity") }
            guard let quantity = Quantity(decimal: quantityWord), quantity.isPositive else { return fail("\"\(quantityWord)\" is not a positive quantity") }
            guard arguments.count <= 2 else { return fail("too many arguments") }
            guard let id = series(arguments[safe: 1]) else { return fail("unknown series \"\(arguments[safe: 1] ?? "")\"") }
            return .success(.trade(side: command == "buy" ? .buy : .sell, quantity: quantity, series: id))
        case "close":
            var seriesWord: String?
            var quantity: Quantity?
            for word in arguments {
                if let value = Quantity(decimal: word) {
                    guard value.isPositive else { return fail("\"\(word)\" is not a positive quantity") }
                    quantity = value
                } else {
                    seriesWord = word
                }
            }
            guard let id = series(seriesWord) else { return fail("unknown series \"\(seriesWord ?? "")\"") }
            return .success(.close(series: id, quantity: quantity))
        case "deposit":
            guard arguments.count == 1, let amount = Money(decimal: arguments[0]), amount.isPositive else { return fail("needs a positive amount") }
            return .success(.deposit(amount))
        case "withdraw":
            guard arguments.count == 1 else { return fail("needs an amount of shares") }
            if arguments[0].lowercased() == "all" { return .success(.withdrawAll) }
            guard let shares = Shares(decimal: arguments[0]), shares.isPositive else { return fail("needs a positive amount of shares") }
            return .success(.withdraw(shares))
        case "speed":
            guard arguments.count == 1, let value = Double(arguments[0].trimmingCharacters(in: "x×")), value > 0, value <= 3600 else {
                return fail("needs a number from 1 to 3600")
            }
            return .success(.speed(value))
        case "pause": return .success(.pause)
        case "resume": return .success(.resume)
        case "theme":
            guard arguments.count == 1 else { return fail("needs a theme name") }
            return .success(.theme(arguments[0]))
        case "market":
            guard arguments.count == 1 else { return fail("needs a symbol") }
            guard let index = engine.markets.firstIndex(where: { $0.symbol.lowercased() == arguments[0].lowercased() }) else {
                return fail("unknown market \"\(arguments[0])\"")
            }
            return .success(.market(index))
        case "hedge":
            guard arguments.count == 1, ["on", "off"].contains(arguments[0].lowercased()) else { return fail("on or off") }
            return .success(.hedging(arguments[0].lowercased() == "on"))
        case "help": return .success(.help)
        default: return .success(.quit)
        }
    }

    /// Completes the last word of `text`: command names first, then series names, theme names or market symbols.
    /// Returns the new text and the candidates when more than one fits.
    public static func complete(_ text: String, engine: Engine, themes: [String]) -> (text: String, candidates: [String]) {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = words.last ?? ""
        let pool: [String]
        if words.count <= 1 {
            pool = commands
        } else {
            switch words[0].lowercased() {
            case "theme": pool = themes
            case "market": pool = engine.markets.map(\.symbol)
            case "hedge": pool = ["on", "off"]
            case "withdraw": pool = ["all"]
            case "buy", "sell", "close":
                pool = engine.liveBoards.flatMap { id -> [String] in
                    let board = engine.boards[id.index]
                    return (board.calls + board.puts).map { engine.series[$0.index].name }
                }
            default: pool = []
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

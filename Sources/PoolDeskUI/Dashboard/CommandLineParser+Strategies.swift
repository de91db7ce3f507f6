import PoolEngine

/// `:buy TEMPLATE …`: parsing the strategy words, and completing them with only what the parser accepts.
extension CommandLineParser {
    // MARK: - Parsing

    /// `straddle BTC-1D-60000 1`: the template's spec (for `ratio` an optional `AxB`, for `custom` the signed legs),
    /// then an optional size. Every malformed word gets a reason that names it: a size that is not a number above
    /// zero, a ratio outside 1–10, a word that is none of these.
    static func parseStrategy(_ template: StrategyTemplate, side: Side, arguments: [String], engine: Engine) -> Result<DeskCommand, CommandLineError> {
        func fail(_ message: String) -> Result<DeskCommand, CommandLineError> {
            .failure(CommandLineError("\(template.rawValue): \(message) — usage: \(template.syntax)"))
        }
        var words = arguments
        if words.contains(where: { $0.hasPrefix("@") }) {
            return fail("\"@\" sets a single order's price; a strategy's worst net premium follows :slippage (shown in its ticket)")
        }
        var size: Quantity?
        // A last word that looks like a number (digits with a sign, point or comma) is the size, and must be one above
        // zero: `-1` is a bad size, never a second spec.
        if let last = words.last, looksNumeric(last) {
            guard words.count >= 2 else { return fail("missing the series before the size \"\(last)\"") }
            switch Quantity.parse(last) {
            case .success(let value) where value.isPositive: size = value
            case .success: return fail("size \"\(last)\" must be above zero (contracts per unit of ratio)")
            case .failure(let error): return fail("size \(error)")
            }
            words.removeLast()
        }
        if let index = words.firstIndex(where: looksNumeric) {
            // `straddle BTC-1D-60000 1 banana`: the word after the size is the one out of place.
            if index + 1 < words.count, !looksNumeric(words[index + 1]) {
                return fail("unexpected \"\(words[index + 1])\" after the size \"\(words[index])\": the size goes last")
            }
            return fail("\"\(words[index])\" looks like a size: the size goes last, once")
        }
        if template != .custom, let spec = words.first {
            var ratio: String?
            for word in words.dropFirst() {
                if template == .ratio, ratio == nil, looksLikeRatio(word) {
                    guard StrategyTemplate.parseRatio(word) != nil else {
                        return fail("ratio \"\(word)\" must be AxB with A and B whole numbers from 1 to \(StrategyTemplate.maximumRatio) (e.g. 1x2)")
                    }
                    ratio = word
                } else {
                    return fail("unexpected \"\(word)\" after \(spec): the strikes go in one word, joined by /")
                }
            }
            words = [spec] + (ratio.map { [$0] } ?? [])
        }
        switch template.legs(words, engine: engine) {
        case .success(let legs): return .success(.strategy(side: side, template: template, legs: legs, size: size))
        case .failure(let error): return .failure(CommandLineError(error.message))
        }
    }

    /// Digits with an optional leading sign and points or commas (`1`, `-1`, `0.5`, `1,5`, `1e3`): a size, or a
    /// malformed one — never a series spec or a signed leg, which start with a market symbol.
    static func looksNumeric(_ word: String) -> Bool {
        var body = Substring(word)
        if let first = body.first, "+-−".contains(first) { body = body.dropFirst() }
        guard let first = body.first, first.isPlainDigit || first == "." else { return false }
        return body.allSatisfy { $0.isPlainDigit || $0 == "." || $0 == "," || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }
    }

    /// `1x2`, `1:2`, `1×2` and malformed forms of it (`0x2`, `1x20`): two digit runs around one separator.
    static func looksLikeRatio(_ word: String) -> Bool {
        let parts = word.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: ":", omittingEmptySubsequences: false) }
            .flatMap { $0.split(separator: "×", omittingEmptySubsequences: false) }
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isPlainDigit) }
    }

    // MARK: - Completion

    /// A completion candidate: the whole word, and whether it is finished (a space follows when it is the only one).
    struct StrategyCandidate: Hashable {
        var word: String
        var finished: Bool
    }

    /// Completes the words after `buy TEMPLATE`: for a template, the series spec stage by stage — `BTC-1D-` board
    /// prefixes (for a calendar `BTC-1D/` then `BTC-1D/7D-`), then strikes above the ones written (a `/` follows while
    /// more are needed, `-` when the template needs `-C` or `-P`), then `-C`/`-P`; for `custom`, signed series names
    /// of the first leg's market not used yet, up to four legs.
    ///
    /// Only what ``parseStrategy(_:side:arguments:engine:)`` accepts is offered: a strike is offered only when enough
    /// strikes above it are left for the rest of the spec, and a last strike (or `-C`/`-P`) only when the whole spec
    /// then parses to legs of live series.
    static func completeStrategy(_ template: StrategyTemplate, words: [String], engine: Engine) -> (text: String, candidates: [String]) {
        var words = words
        let current = words.last ?? ""
        let pool: [StrategyCandidate]
        if template == .custom {
            pool = customCandidates(written: Array(words.dropFirst(2).dropLast()), current: current, engine: engine)
        } else if words.count == 3 {
            pool = specCandidates(template, current: current, engine: engine)
        } else {
            // A ratio or a size: nothing to complete.
            pool = []
        }
        let matches = pool.filter { $0.word.lowercased().hasPrefix(current.lowercased()) }
        guard !matches.isEmpty else { return (words.joined(separator: " "), []) }
        if matches.count == 1 {
            words[words.count - 1] = matches[0].word
            return (words.joined(separator: " ") + (matches[0].finished ? " " : ""), [])
        }
        let prefix = commonPrefix(matches.map(\.word))
        if prefix.count > current.count { words[words.count - 1] = prefix }
        return (words.joined(separator: " "), matches.map(\.word))
    }

    /// How a template writes `-C`/`-P`: required (spread, ratio), optional (butterfly, calendar: calls by default) or
    /// not at all (both kinds are legs).
    enum KindRule { case required, optional, forbidden }

    static func kindRule(_ template: StrategyTemplate) -> KindRule {
        switch template {
        case .spread, .ratio: .required
        case .butterfly, .calendar: .optional
        case .straddle, .strangle, .condor, .ironfly, .reversal, .custom: .forbidden
        }
    }

    /// Strikes the template's spec writes.
    static func strikeCount(_ template: StrategyTemplate) -> Int {
        switch template {
        case .straddle, .calendar, .custom: 1
        case .spread, .strangle, .reversal, .ratio: 2
        case .butterfly, .ironfly: 3
        case .condor: 4
        }
    }

    /// Candidates for the spec word at the stage `current` is at.
    static func specCandidates(_ template: StrategyTemplate, current: String, engine: Engine) -> [StrategyCandidate] {
        let parts = current.uppercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let wanted = strikeCount(template)
        func parses(_ spec: String) -> Bool {
            if case .success = template.legs([spec], engine: engine) { return true }
            return false
        }
        switch parts.count {
        case ...2:
            // Symbol and expiry: the boards that can hold the spec.
            var pool: [StrategyCandidate] = []
            for (symbol, tenors) in liveTenors(engine) {
                if template == .calendar {
                    let pairs = tenors.flatMap { near in tenors.map { (near, $0) } }.filter { near, far in
                        near != far && strikeTexts(engine, symbol: symbol, tenor: near).contains { parses("\(symbol)-\(near)/\(far)-\($0.text)") }
                    }
                    let typingSecond = parts.count == 2 && parts[1].contains("/")
                    if typingSecond {
                        pool += pairs.map { StrategyCandidate(word: "\(symbol)-\($0.0)/\($0.1)-", finished: false) }
                    } else {
                        var seen = Set<String>()
                        for (near, _) in pairs where seen.insert(near).inserted {
                            pool.append(StrategyCandidate(word: "\(symbol)-\(near)/", finished: false))
                        }
                    }
                } else {
                    for tenor in tenors where strikeTexts(engine, symbol: symbol, tenor: tenor).count >= wanted {
                        pool.append(StrategyCandidate(word: "\(symbol)-\(tenor)-", finished: false))
                    }
                }
            }
            return pool
        case 3:
            // Strikes: above the last one written, with room above for the rest.
            let written = parts[2].split(separator: "/", omittingEmptySubsequences: false).map(String.init).dropLast()
            guard written.count < wanted else { return [] }
            let values = written.map { Money(decimal: $0) }
            guard values.allSatisfy({ $0?.isPositive == true }) else { return [] }
            let numbers = values.compactMap { $0 }
            guard !zip(numbers, numbers.dropFirst()).contains(where: { $0 >= $1 }) else { return [] }
            let tenors = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard tenors.count == (template == .calendar ? 2 : 1) else { return [] }
            var available = strikeTexts(engine, symbol: parts[0], tenor: tenors[0])
            if tenors.count == 2 {
                let far = Set(strikeTexts(engine, symbol: parts[0], tenor: tenors[1]).map(\.value))
                available = available.filter { far.contains($0.value) }
            }
            let left = wanted - written.count - 1
            let head = parts[0] + "-" + parts[1] + "-" + written.map { $0 + "/" }.joined()
            var pool: [StrategyCandidate] = []
            for (index, strike) in available.enumerated() where numbers.last.map({ strike.value > $0 }) ?? true {
                guard available.count - index - 1 >= left else { break }
                let word = head + strike.text
                if left > 0 {
                    pool.append(StrategyCandidate(word: word + "/", finished: false))
                    continue
                }
                switch kindRule(template) {
                case .required:
                    if parses(word + "-C") || parses(word + "-P") { pool.append(StrategyCandidate(word: word + "-", finished: false)) }
                case .optional:
                    if parses(word) { pool.append(StrategyCandidate(word: word, finished: false)) }
                case .forbidden:
                    if parses(word) { pool.append(StrategyCandidate(word: word, finished: true)) }
                }
            }
            return pool
        case 4:
            guard kindRule(template) != .forbidden else { return [] }
            let head = parts[0] + "-" + parts[1] + "-" + parts[2] + "-"
            return ["C", "P"].map { head + $0 }.filter(parses).map { StrategyCandidate(word: $0, finished: true) }
        default:
            return []
        }
    }

    /// Market symbols with the tenor aliases their live boards serve, in board order.
    static func liveTenors(_ engine: Engine) -> [(symbol: String, tenors: [String])] {
        var result: [(symbol: String, tenors: [String])] = []
        for id in engine.liveBoards {
            let board = engine.boards[id.index]
            let symbol = engine.markets[board.market.index].symbol
            let labels = board.tenors.map(\.tenorLabel)
            if let index = result.firstIndex(where: { $0.symbol == symbol }) {
                for label in labels where !result[index].tenors.contains(label) { result[index].tenors.append(label) }
            } else {
                var unique: [String] = []
                for label in labels where !unique.contains(label) { unique.append(label) }
                result.append((symbol, unique))
            }
        }
        return result
    }

    /// The strikes, ascending, of the live boards a spec's `SYMBOL-TENOR` names (a tenor alias or a Deribit expiry
    /// code, as ``Engine/resolveSeries(named:)`` reads them), with their text as series names write them.
    static func strikeTexts(_ engine: Engine, symbol: String, tenor: String) -> [(value: Money, text: String)] {
        var strikes: [Money: String] = [:]
        for id in engine.liveBoards {
            let board = engine.boards[id.index]
            guard engine.markets[board.market.index].symbol == symbol else { continue }
            let names = board.calls.map { engine.series[$0.index].name.split(separator: "-").map(String.init) }
            let code = names.first.flatMap { $0.count == 4 ? $0[1] : nil }
            guard board.tenors.contains(where: { $0.tenorLabel == tenor }) || code == tenor else { continue }
            for name in names where name.count == 4 {
                if let value = Money(decimal: name[2]), strikes[value] == nil { strikes[value] = name[2] }
            }
        }
        return strikes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Signed series names for the next `custom` leg: the first leg's market, no series twice, at most four legs.
    static func customCandidates(written: [String], current: String, engine: Engine) -> [StrategyCandidate] {
        let legs = written.filter { !looksNumeric($0) }
        guard legs.count < StrategyTemplate.maximumLegs else { return [] }
        func series(of word: String) -> SeriesID? {
            var body = String(word.dropFirst())
            if let star = body.lastIndex(where: { $0 == "*" || $0 == "x" || $0 == "×" }), body.index(after: star) < body.endIndex,
               body[body.index(after: star)...].allSatisfy(\.isPlainDigit) {
                body = String(body[..<star])
            }
            return engine.resolveSeries(named: body)
        }
        let used = legs.compactMap(series(of:))
        let market = used.first.map { engine.series[$0.index].market }
        let sign = current.first.map { "+-−".contains($0) ? String($0) : "+" } ?? "+"
        return engine.liveBoards.flatMap { id -> [StrategyCandidate] in
            let board = engine.boards[id.index]
            guard market.map({ $0 == board.market }) ?? true else { return [] }
            return (board.calls + board.puts).filter { !used.contains($0) }
                .map { StrategyCandidate(word: sign + engine.series[$0.index].name, finished: true) }
        }
    }
}

private extension Character {
    /// `0`–`9` only (not other scripts' digits, which no amount parser takes).
    var isPlainDigit: Bool { isASCII && isNumber }
}

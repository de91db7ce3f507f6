/// The built-in strategy templates, by the name typed after `buy`/`sell` on the dashboard's command line.
///
/// Each template lists its legs in its *bought* form, as OptionStrat and the usual references name it; selling a
/// template flips every leg (``StrategyOrder/reversed``). Strikes are written low to high, joined by `/`:
///
/// | template | written | legs bought (K1 < K2 < K3 < K4) |
/// |---|---|---|
/// | `spread` (vertical) | `BTC-1D-60000/62000-C` | calls: +K1 −K2; puts: +K2 −K1 (the debit spread) |
/// | `straddle` | `BTC-1D-60000` | +K call, +K put |
/// | `strangle` | `BTC-1D-58000/62000` | +K1 put, +K2 call |
/// | `butterfly` | `BTC-1D-58000/60000/62000[-C\|-P]` | +K1, −2 K2, +K3 (calls by default) |
/// | `condor` (iron condor) | `ETH-7D-2800/2900/3100/3200` | +K1 put, −K2 put, −K3 call, +K4 call (a credit) |
/// | `ironfly` (iron butterfly) | `BTC-1D-58000/60000/62000` | +K1 put, −K2 put, −K2 call, +K3 call (a credit) |
/// | `reversal` (risk reversal) | `BTC-1D-58000/62000` | −K1 put, +K2 call |
/// | `calendar` | `BTC-1D/7D-60000[-C\|-P]` | −near, +far (calls by default) |
/// | `ratio` | `BTC-1D-60000/62000-C 1x2` | calls: +1 K1, −2 K2; puts: +1 K2, −2 K1 (`AxB` sets the ratios, 1x2 by default) |
/// | `custom` | `+BTC-1D-60000-C -BTC-1D-62000-C*2` | each leg signed, `*N` its ratio |
///
/// Series resolve through ``Engine/resolveSeries(named:)``, so the tenor may be an alias (`1D`) or a Deribit expiry
/// code (`27DEC26`).
public enum StrategyTemplate: String, CaseIterable, Hashable, Sendable {
    case spread, straddle, strangle, butterfly, condor, ironfly, reversal, calendar, ratio, custom

    /// How the strategy is called on screen (`iron condor`).
    public var displayName: String {
        switch self {
        case .spread: "vertical spread"
        case .condor: "iron condor"
        case .ironfly: "iron butterfly"
        case .reversal: "risk reversal"
        case .calendar: "calendar spread"
        case .ratio: "ratio spread"
        default: rawValue
        }
    }

    /// Other words that name the template on the command line.
    public var aliases: [String] {
        switch self {
        case .spread: ["vertical"]
        case .butterfly: ["fly"]
        case .condor: ["ironcondor", "iron-condor"]
        case .ironfly: ["ironbutterfly", "iron-butterfly"]
        case .reversal: ["riskreversal", "risk-reversal", "rr"]
        default: []
        }
    }

    /// The written form, for usage lines and help.
    public var syntax: String {
        switch self {
        case .spread: "spread BTC-1D-60000/62000-C [SIZE]"
        case .straddle: "straddle BTC-1D-60000 [SIZE]"
        case .strangle: "strangle BTC-1D-58000/62000 [SIZE]"
        case .butterfly: "butterfly BTC-1D-58000/60000/62000[-C|-P] [SIZE]"
        case .condor: "condor ETH-7D-2800/2900/3100/3200 [SIZE]"
        case .ironfly: "ironfly BTC-1D-58000/60000/62000 [SIZE]"
        case .reversal: "reversal BTC-1D-58000/62000 [SIZE]"
        case .calendar: "calendar BTC-1D/7D-60000[-C|-P] [SIZE]"
        case .ratio: "ratio BTC-1D-60000/62000-C [1x2] [SIZE]"
        case .custom: "custom +SERIES -SERIES[*N] … [SIZE]"
        }
    }

    /// The template a typed word names (its name or an alias, any case), or nil.
    public static func named(_ word: String) -> StrategyTemplate? {
        let lowered = word.lowercased()
        return allCases.first { $0.rawValue == lowered || $0.aliases.contains(lowered) }
    }

    /// Every word that names a template, names first: what completion offers.
    public static var words: [String] { allCases.map(\.rawValue) }

    /// Most legs a strategy order has (Deribit's combos have up to four).
    public static let maximumLegs = 4
    /// Largest ratio one leg may have.
    public static let maximumRatio = 10

    /// The legs (bought form) of this template written as `arguments` (the words after the template name, without the
    /// size), resolved against the engine's live series.
    ///
    /// - Returns: the legs in the order written, or a one-line reason: a malformed spec, strikes not ascending, a
    ///   series no live board lists (with ``Engine/describeUnresolvedSeries(named:)``'s words), a series used twice.
    public func legs(_ arguments: [String], engine: Engine) -> Result<[StrategyLeg], StrategyTemplateError> {
        func fail(_ message: String) -> Result<[StrategyLeg], StrategyTemplateError> {
            .failure(StrategyTemplateError("\(rawValue): \(message) — usage: \(syntax)"))
        }
        if self == .custom { return customLegs(arguments, engine: engine) }
        var words = arguments
        var ratios = (1, 2)
        if self == .ratio, let index = words.firstIndex(where: { Self.parseRatio($0) != nil }), let parsed = Self.parseRatio(words[index]) {
            ratios = parsed
            words.remove(at: index)
        }
        guard words.count == 1 else {
            return fail(words.isEmpty ? "missing the series" : "unexpected \"\(words[1])\" after the series spec: one spec, strikes joined by /")
        }
        let spec: StrikeSpec
        switch StrikeSpec.parse(words[0]) {
        case .success(let value): spec = value
        case .failure(let error): return fail(error.message)
        }
        let strikeCounts: [StrategyTemplate: Int] = [.spread: 2, .straddle: 1, .strangle: 2, .butterfly: 3, .condor: 4,
                                                     .ironfly: 3, .reversal: 2, .calendar: 1, .ratio: 2]
        let wanted = strikeCounts[self] ?? 1
        // Errors about the spec name it, so a long command line says which word is wrong.
        let written = "\"\(words[0])\": "
        guard spec.strikes.count == wanted else { return fail(written + "\(wanted) strike\(wanted == 1 ? "" : "s") expected, got \(spec.strikes.count)") }
        guard spec.tenors.count == (self == .calendar ? 2 : 1) else {
            return fail(written + (self == .calendar ? "two expiries expected (BTC-1D/7D-…)" : "one expiry expected"))
        }
        let values = spec.strikes.map { Money(decimal: $0) }
        for (text, value) in zip(spec.strikes, values) where value == nil || !(value?.isPositive ?? false) {
            return fail("strike \"\(text)\" is not a positive number")
        }
        let numbers = values.compactMap { $0 }
        if zip(numbers, numbers.dropFirst()).contains(where: { $0 >= $1 }) { return fail(written + "strikes must be written low to high, each once") }
        switch self {
        case .spread, .ratio: if spec.kind == nil { return fail(written + "say -C or -P for calls or puts") }
        case .straddle, .strangle, .condor, .ironfly, .reversal:
            if spec.kind != nil { return fail(written + "takes both calls and puts: leave out -C/-P") }
        default: break
        }
        var resolved: [StrategyLeg] = []
        var failure: StrategyTemplateError?
        func leg(_ strike: Int, _ kind: OptionKind, _ side: Side, ratio: Int = 1, tenor: Int = 0) {
            guard failure == nil else { return }
            let name = "\(spec.symbol)-\(spec.tenors[tenor])-\(spec.strikes[strike])-\(kind == .call ? "C" : "P")"
            guard let id = engine.resolveSeries(named: name) else {
                failure = StrategyTemplateError("\(rawValue): \(engine.describeUnresolvedSeries(named: name))")
                return
            }
            resolved.append(StrategyLeg(series: id, side: side, ratio: ratio))
        }
        let kind = spec.kind ?? .call
        switch self {
        case .spread:
            if kind == .call { leg(0, .call, .buy); leg(1, .call, .sell) } else { leg(1, .put, .buy); leg(0, .put, .sell) }
        case .straddle: leg(0, .call, .buy); leg(0, .put, .buy)
        case .strangle: leg(0, .put, .buy); leg(1, .call, .buy)
        case .butterfly: leg(0, kind, .buy); leg(1, kind, .sell, ratio: 2); leg(2, kind, .buy)
        case .condor: leg(0, .put, .buy); leg(1, .put, .sell); leg(2, .call, .sell); leg(3, .call, .buy)
        case .ironfly: leg(0, .put, .buy); leg(1, .put, .sell); leg(1, .call, .sell); leg(2, .call, .buy)
        case .reversal: leg(0, .put, .sell); leg(1, .call, .buy)
        case .calendar: leg(0, kind, .sell, tenor: 0); leg(0, kind, .buy, tenor: 1)
        case .ratio:
            if kind == .call { leg(0, .call, .buy, ratio: ratios.0); leg(1, .call, .sell, ratio: ratios.1) }
            else { leg(1, .put, .buy, ratio: ratios.0); leg(0, .put, .sell, ratio: ratios.1) }
        case .custom: break
        }
        if let failure { return .failure(failure) }
        if self == .calendar, resolved.count == 2 {
            let near = engine.series[resolved[0].series.index].expiry, far = engine.series[resolved[1].series.index].expiry
            guard near < far else { return fail(written + "the first expiry must come before the second") }
        }
        return Self.validate(resolved, engine: engine).map { _ in resolved }
    }

    /// `+SERIES`, `-SERIES*2`: signed legs with an optional ratio.
    func customLegs(_ arguments: [String], engine: Engine) -> Result<[StrategyLeg], StrategyTemplateError> {
        func fail(_ message: String) -> Result<[StrategyLeg], StrategyTemplateError> {
            .failure(StrategyTemplateError("custom: \(message) — usage: \(syntax)"))
        }
        guard arguments.count >= 2 else { return fail("two to four signed legs expected") }
        var legs: [StrategyLeg] = []
        for word in arguments {
            guard let sign = word.first, sign == "+" || sign == "-" || sign == "−" else {
                return fail("\"\(word)\" needs a + (buy) or - (sell) in front")
            }
            var body = String(word.dropFirst())
            var ratio = 1
            if let star = body.lastIndex(where: { $0 == "*" || $0 == "x" || $0 == "×" }), body[body.index(after: star)...].allSatisfy(\.isASCIIDigit),
               body.index(after: star) < body.endIndex {
                guard let value = Int(body[body.index(after: star)...]), (1...Self.maximumRatio).contains(value) else {
                    return fail("ratio in \"\(word)\" must be 1–\(Self.maximumRatio)")
                }
                ratio = value
                body = String(body[..<star])
            }
            guard let id = engine.resolveSeries(named: body) else {
                return .failure(StrategyTemplateError("custom: \(engine.describeUnresolvedSeries(named: body))"))
            }
            legs.append(StrategyLeg(series: id, side: sign == "+" ? .buy : .sell, ratio: ratio))
        }
        return Self.validate(legs, engine: engine).map { _ in legs }
    }

    /// Checks what every strategy needs: 2–4 legs, ratios 1–10, no series twice, one market.
    public static func validate(_ legs: [StrategyLeg], engine: Engine) -> Result<Void, StrategyTemplateError> {
        guard (2...maximumLegs).contains(legs.count) else {
            return .failure(StrategyTemplateError("a strategy has 2 to \(maximumLegs) legs, this one \(legs.count)"))
        }
        if let bad = legs.first(where: { !(1...maximumRatio).contains($0.ratio) }) {
            return .failure(StrategyTemplateError("ratio \(bad.ratio) is outside 1–\(maximumRatio)"))
        }
        guard legs.allSatisfy({ engine.isKnownSeries($0.series) }) else { return .failure(StrategyTemplateError("unknown series")) }
        if Set(legs.map(\.series)).count != legs.count {
            return .failure(StrategyTemplateError("a series appears twice: trade it once with a ratio"))
        }
        if Set(legs.map { engine.series[$0.series.index].market }).count > 1 {
            return .failure(StrategyTemplateError("all legs must be on one market"))
        }
        return .success(())
    }

    /// `1x2` (also `1:2`, `1×2`) as two ratios 1–10; nil for anything else.
    public static func parseRatio(_ word: String) -> (Int, Int)? {
        let parts = word.lowercased().split(whereSeparator: { $0 == "x" || $0 == ":" || $0 == "×" })
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]),
              (1...maximumRatio).contains(a), (1...maximumRatio).contains(b) else { return nil }
        return (a, b)
    }

    /// The template a set of legs matches, for naming a strategy built leg by leg on the chain (nil: custom).
    public static func recognize(_ legs: [StrategyLeg], engine: Engine) -> StrategyTemplate? {
        for template in allCases where template != .custom {
            for flipped in [false, true] {
                let shape = legs.map { leg -> (OptionKind, Money, SimTime, Int) in
                    let option = engine.series[leg.series.index]
                    let side = flipped ? leg.side.opposite : leg.side
                    return (option.kind, option.strike, option.expiry, (side == .buy ? 1 : -1) * leg.ratio)
                }
                if template.matches(shape) { return template }
            }
        }
        return nil
    }

    /// Whether legs (kind, strike, expiry, signed ratio) have this template's bought shape, in any order.
    func matches(_ shape: [(OptionKind, Money, SimTime, Int)]) -> Bool {
        let sorted = shape.sorted { ($0.2, $0.1, $0.0 == .put ? 0 : 1) < ($1.2, $1.1, $1.0 == .put ? 0 : 1) }
        let expiries = Set(sorted.map(\.2))
        if self == .calendar {
            return sorted.count == 2 && expiries.count == 2 && sorted[0].0 == sorted[1].0 && sorted[0].1 == sorted[1].1
                && sorted[0].3 == -1 && sorted[1].3 == 1
        }
        guard expiries.count == 1 else { return false }
        let signature = sorted.map { "\($0.0 == .call ? "C" : "P")\($0.3)" }
        let strikes = sorted.map(\.1)
        func distinct(_ count: Int) -> Bool { Set(strikes).count == count }
        switch self {
        case .spread: return (signature == ["C1", "C-1"] || signature == ["P-1", "P1"]) && distinct(2)
        case .straddle: return signature == ["P1", "C1"] && distinct(1)
        case .strangle: return signature == ["P1", "C1"] && distinct(2)
        case .butterfly: return (signature == ["C1", "C-2", "C1"] || signature == ["P1", "P-2", "P1"]) && distinct(3)
        case .condor: return signature == ["P1", "P-1", "C-1", "C1"] && distinct(4)
        case .ironfly: return signature == ["P1", "P-1", "C-1", "C1"] && distinct(3)
        case .reversal: return signature == ["P-1", "C1"] && distinct(2)
        case .ratio:
            guard sorted.count == 2, distinct(2), sorted[0].0 == sorted[1].0 else { return false }
            return sorted[0].0 == .call ? sorted[0].3 > 0 && sorted[1].3 < 0 && sorted[0].3 != -sorted[1].3
                : sorted[1].3 > 0 && sorted[0].3 < 0 && sorted[1].3 != -sorted[0].3
        case .calendar, .custom: return false
        }
    }
}

/// A template's series written as one word: `SYMBOL-TENOR[/TENOR]-STRIKE[/STRIKE…][-C|-P]`.
struct StrikeSpec: Hashable, Sendable {
    var symbol: String
    var tenors: [String]
    var strikes: [String]
    var kind: OptionKind?

    static func parse(_ word: String) -> Result<StrikeSpec, StrategyTemplateError> {
        let parts = word.uppercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, parts.allSatisfy({ !$0.isEmpty }) else {
            return .failure(StrategyTemplateError("\"\(word)\" is not SYMBOL-EXPIRY-STRIKES[-C|-P]"))
        }
        var kind: OptionKind?
        if parts.count == 4 {
            switch parts[3] {
            case "C": kind = .call
            case "P": kind = .put
            default: return .failure(StrategyTemplateError("\"\(parts[3])\" must be C or P"))
            }
        }
        let tenors = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let strikes = parts[2].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !tenors.contains(where: \.isEmpty), !strikes.contains(where: \.isEmpty) else {
            return .failure(StrategyTemplateError("\"\(word)\" has an empty expiry or strike"))
        }
        return .success(StrikeSpec(symbol: parts[0], tenors: tenors, strikes: strikes, kind: kind))
    }
}

/// Why a strategy could not be built from what was typed: one line for the status bar.
public struct StrategyTemplateError: Error, Hashable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

import Foundation
import PoolEngine
import Testing

/// Templates: the legs each one builds from its written form, payoffs against the legs' own, maximum loss and
/// break-evens against closed forms, and the probability of profit against a numeric integration.
@Suite("Strategy templates and analytics")
struct StrategyTemplateTests {
    /// A quiet engine (no participants) at its start: BTC at 60,000 with 1D strikes every 1,000, ETH at 3,000.
    static func engine() -> Engine {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 7)
        engine.openLP("lp", deposit: Money(5_000_000))
        return engine
    }

    /// `BTC-1D-` strikes around the money as they are written in series names (`60000`), low to high.
    static func strikes(_ engine: Engine, symbol: String = "BTC", tenor: SimDuration = .days(1), around offset: Int = 0, count: Int) throws -> [String] {
        let board = try #require(engine.liveBoard(symbol, tenor: tenor))
        let atm = board.atTheMoneyIndex(spot: engine.markets[board.market.index].spot) + offset
        let start = atm - count / 2
        return (start..<(start + count)).map { String(engine.series[board.calls[$0].index].name.split(separator: "-")[2]) }
    }

    /// The legs as (kind, strike, side, ratio) for comparing with an expected table.
    static func shape(_ legs: [StrategyLeg], _ engine: Engine) -> [String] {
        legs.map { leg in
            let option = engine.series[leg.series.index]
            return "\(leg.side == .buy ? "+" : "-")\(leg.ratio) \(option.strike.plainText)\(option.kind == .call ? "C" : "P")"
        }
    }

    @Test("every template builds its bought legs from the written form")
    func templatesBuildLegs() throws {
        let engine = Self.engine()
        let k = try Self.strikes(engine, count: 4)
        func legs(_ template: StrategyTemplate, _ words: [String]) throws -> [String] {
            Self.shape(try template.legs(words, engine: engine).get(), engine)
        }
        #expect(try legs(.spread, ["BTC-1D-\(k[0])/\(k[1])-C"]) == ["+1 \(k[0])C", "-1 \(k[1])C"])
        #expect(try legs(.spread, ["BTC-1D-\(k[0])/\(k[1])-P"]) == ["+1 \(k[1])P", "-1 \(k[0])P"])
        #expect(try legs(.straddle, ["BTC-1D-\(k[1])"]) == ["+1 \(k[1])C", "+1 \(k[1])P"])
        #expect(try legs(.strangle, ["btc-1d-\(k[0])/\(k[2])"]) == ["+1 \(k[0])P", "+1 \(k[2])C"])
        #expect(try legs(.butterfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]) == ["+1 \(k[0])C", "-2 \(k[1])C", "+1 \(k[2])C"])
        #expect(try legs(.butterfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])-P"]) == ["+1 \(k[0])P", "-2 \(k[1])P", "+1 \(k[2])P"])
        #expect(try legs(.condor, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3])"]) == ["+1 \(k[0])P", "-1 \(k[1])P", "-1 \(k[2])C", "+1 \(k[3])C"])
        #expect(try legs(.ironfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]) == ["+1 \(k[0])P", "-1 \(k[1])P", "-1 \(k[1])C", "+1 \(k[2])C"])
        #expect(try legs(.reversal, ["BTC-1D-\(k[0])/\(k[2])"]) == ["-1 \(k[0])P", "+1 \(k[2])C"])
        #expect(try legs(.ratio, ["BTC-1D-\(k[0])/\(k[1])-C"]) == ["+1 \(k[0])C", "-2 \(k[1])C"])
        #expect(try legs(.ratio, ["BTC-1D-\(k[0])/\(k[1])-P", "2x3"]) == ["+2 \(k[1])P", "-3 \(k[0])P"])
        #expect(try legs(.custom, ["+BTC-1D-\(k[0])-C", "-BTC-1D-\(k[1])-C*2"]) == ["+1 \(k[0])C", "-2 \(k[1])C"])

        // A calendar: the near expiry sold, the far one bought, one strike both have.
        let near = try #require(engine.liveBoard("BTC", tenor: .days(1)))
        let far = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        let shared = try #require(near.strikes.first { far.strikes.contains($0) && abs($0.doubleValue - 60_000) < 5_000 })
        let calendar = try StrategyTemplate.calendar.legs(["BTC-1D/7D-\(shared.plainText)"], engine: engine).get()
        #expect(calendar.map(\.side) == [.sell, .buy])
        #expect(engine.series[calendar[0].series.index].expiry == near.expiry)
        #expect(engine.series[calendar[1].series.index].expiry == far.expiry)
        #expect(calendar.allSatisfy { engine.series[$0.series.index].kind == .call && engine.series[$0.series.index].strike == shared })
    }

    @Test("bad specs are refused with a reason, never a crash")
    func badSpecs() throws {
        let engine = Self.engine()
        let k = try Self.strikes(engine, count: 4)
        func message(_ template: StrategyTemplate, _ words: [String]) -> String {
            if case .failure(let error) = template.legs(words, engine: engine) { return error.message }
            return "accepted"
        }
        #expect(message(.spread, ["BTC-1D-\(k[0])/\(k[1])"]).contains("say -C or -P"))
        #expect(message(.spread, ["BTC-1D-\(k[1])/\(k[0])-C"]).contains("low to high"))
        #expect(message(.straddle, ["BTC-1D-\(k[0])/\(k[1])"]).contains("1 strike expected, got 2"))
        #expect(message(.straddle, ["BTC-1D-\(k[0])-C"]).contains("leave out -C/-P"))
        #expect(message(.condor, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]).contains("4 strikes expected"))
        #expect(message(.straddle, ["BTC-1D-12345"]).contains("no live BTC 1D board lists strike 12345"))
        #expect(message(.straddle, ["DOGE-1D-5"]).contains("unknown series"))
        #expect(message(.straddle, []).contains("missing the series"))
        #expect(message(.straddle, ["BTC-1D"]).contains("is not SYMBOL-EXPIRY-STRIKES"))
        #expect(message(.straddle, ["BTC-1D-abc"]).contains("not a positive number"))
        #expect(message(.calendar, ["BTC-7D/1D-\(k[0])"]).contains("before the second") || message(.calendar, ["BTC-7D/1D-\(k[0])"]).contains("no live"))
        #expect(message(.custom, ["+BTC-1D-\(k[0])-C"]).contains("two to four"))
        #expect(message(.custom, ["BTC-1D-\(k[0])-C", "-BTC-1D-\(k[1])-C"]).contains("needs a + (buy) or - (sell)"))
        #expect(message(.custom, ["+BTC-1D-\(k[0])-C", "-BTC-1D-\(k[0])-C"]).contains("appears twice"))
        #expect(message(.custom, ["+BTC-1D-\(k[0])-C", "-BTC-1D-\(k[1])-C*11"]).contains("1–10"))
        #expect(message(.custom, ["+BTC-1D-\(k[0])-C", "-ETH-1D-3000-C"]).contains("one market"))
    }

    @Test("a template's legs are recognized back from the chain, bought or sold")
    func recognize() throws {
        let engine = Self.engine()
        let k = try Self.strikes(engine, count: 4)
        for (template, words) in [(StrategyTemplate.straddle, ["BTC-1D-\(k[1])"]), (.strangle, ["BTC-1D-\(k[0])/\(k[2])"]),
                                  (.condor, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3])"]), (.spread, ["BTC-1D-\(k[0])/\(k[1])-P"]),
                                  (.butterfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]), (.ironfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]),
                                  (.reversal, ["BTC-1D-\(k[0])/\(k[2])"])] {
            let legs = try template.legs(words, engine: engine).get()
            #expect(StrategyTemplate.recognize(legs, engine: engine) == template, "\(template)")
            let sold = legs.map { StrategyLeg(series: $0.series, side: $0.side.opposite, ratio: $0.ratio) }
            #expect(StrategyTemplate.recognize(sold.reversed(), engine: engine) == template, "sold \(template)")
        }
    }

    // MARK: - Payoff

    /// Intrinsic value of one leg at expiry, written out here.
    static func intrinsic(_ leg: PayoffLeg, _ spot: Double) -> Double {
        (leg.kind == .call ? max(spot - leg.strike, 0) : max(leg.strike - spot, 0)) * leg.quantity
    }

    static func payoffLegs(_ template: StrategyTemplate, _ words: [String], _ engine: Engine) throws -> [PayoffLeg] {
        StrategyAnalytics.modelLegs(try template.legs(words, engine: engine).get(), size: Quantity(1), engine: engine).map(\.payoff)
    }

    @Test("the payoff at expiry is the sum of the legs' payoffs at every spot of a grid")
    func payoffIsSumOfLegs() throws {
        let engine = Self.engine()
        let k = try Self.strikes(engine, count: 4)
        let cases: [(StrategyTemplate, [String])] = [
            (.spread, ["BTC-1D-\(k[0])/\(k[1])-C"]), (.straddle, ["BTC-1D-\(k[1])"]), (.strangle, ["BTC-1D-\(k[0])/\(k[2])"]),
            (.butterfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]), (.condor, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3])"]),
            (.ironfly, ["BTC-1D-\(k[0])/\(k[1])/\(k[2])"]), (.reversal, ["BTC-1D-\(k[0])/\(k[2])"]), (.ratio, ["BTC-1D-\(k[0])/\(k[1])-C"]),
        ]
        for (template, words) in cases {
            let legs = try Self.payoffLegs(template, words, engine)
            for step in 0...200 {
                let spot = 30_000 + Double(step) * 300
                let expected = legs.reduce(0) { $0 + Self.intrinsic($1, spot) }
                #expect(abs(StrategyPayoff.value(legs, atSpot: spot) - expected) < 1e-9, "\(template) at \(spot)")
            }
        }
    }

    @Test("maximum profit, maximum loss and break-evens match each template's closed form")
    func closedForms() throws {
        let engine = Self.engine()
        let s = try Self.strikes(engine, count: 4)
        let k = s.compactMap(Double.init)
        func check(_ template: StrategyTemplate, _ words: [String], premium: Double, profit: Double?, loss: Double?, breakEvens: [Double],
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
            let profile = StrategyPayoff.profile(try Self.payoffLegs(template, words, engine), netPremium: premium)
            func same(_ a: Double?, _ b: Double?) -> Bool { a == nil ? b == nil : b.map { abs($0 - (a ?? 0)) < 1e-6 } ?? false }
            #expect(same(profile.maximumProfit, profit), "\(template) profit \(String(describing: profile.maximumProfit))", sourceLocation: sourceLocation)
            #expect(same(profile.maximumLoss, loss), "\(template) loss \(String(describing: profile.maximumLoss))", sourceLocation: sourceLocation)
            #expect(profile.breakEvens.count == breakEvens.count && zip(profile.breakEvens, breakEvens).allSatisfy { abs($0 - $1) < 1e-6 },
                    "\(template) break-evens \(profile.breakEvens)", sourceLocation: sourceLocation)
        }
        let debit = 300.0, credit = 250.0
        // Bull call spread: lose the debit, gain the width less it, break even at the lower strike plus it.
        try check(.spread, ["BTC-1D-\(s[0])/\(s[1])-C"], premium: debit, profit: k[1] - k[0] - debit, loss: debit, breakEvens: [k[0] + debit])
        // Bear put spread: break even at the upper strike less the debit.
        try check(.spread, ["BTC-1D-\(s[0])/\(s[1])-P"], premium: debit, profit: k[1] - k[0] - debit, loss: debit, breakEvens: [k[1] - debit])
        // Sold call spread (a credit): lose the width less the credit.
        let soldSpread = StrategyPayoff.profile(try Self.payoffLegs(.spread, ["BTC-1D-\(s[0])/\(s[1])-C"], engine).map {
            PayoffLeg(kind: $0.kind, strike: $0.strike, quantity: -$0.quantity, expiry: $0.expiry) }, netPremium: -credit)
        #expect(abs((soldSpread.maximumLoss ?? 0) - (k[1] - k[0] - credit)) < 1e-6)
        #expect(abs((soldSpread.maximumProfit ?? 0) - credit) < 1e-6)
        try check(.straddle, ["BTC-1D-\(s[1])"], premium: debit, profit: nil, loss: debit, breakEvens: [k[1] - debit, k[1] + debit])
        try check(.strangle, ["BTC-1D-\(s[0])/\(s[2])"], premium: debit, profit: nil, loss: debit, breakEvens: [k[0] - debit, k[2] + debit])
        let width = k[1] - k[0]
        try check(.butterfly, ["BTC-1D-\(s[0])/\(s[1])/\(s[2])"], premium: debit, profit: width - debit, loss: debit,
                  breakEvens: [k[0] + debit, k[2] - debit])
        // Iron condor (a credit): keep the credit between the short strikes, lose the wider wing less the credit.
        let wing = max(k[1] - k[0], k[3] - k[2])
        try check(.condor, ["BTC-1D-\(s[0])/\(s[1])/\(s[2])/\(s[3])"], premium: -credit, profit: credit, loss: wing - credit,
                  breakEvens: [k[1] - credit, k[2] + credit])
        try check(.ironfly, ["BTC-1D-\(s[0])/\(s[1])/\(s[2])"], premium: -credit, profit: credit, loss: max(k[1] - k[0], k[2] - k[1]) - credit,
                  breakEvens: [k[1] - credit, k[1] + credit])
        // Risk reversal for a small debit: the short put's loss is bounded by spot reaching 0.
        try check(.reversal, ["BTC-1D-\(s[0])/\(s[2])"], premium: 50, profit: nil, loss: k[0] + 50, breakEvens: [k[2] + 50])
        // 1×2 call ratio for a debit: best at the short strike, unbounded loss above, two break-evens.
        try check(.ratio, ["BTC-1D-\(s[0])/\(s[1])-C"], premium: debit, profit: width - debit, loss: nil,
                  breakEvens: [k[0] + debit, k[1] + width - debit])
    }

    // MARK: - Probability of profit

    /// P(P&L at expiry > 0) by integrating the lognormal density numerically over x = ln S: the sign changes of the
    /// P&L (written out here from intrinsic values) are found by scanning ±10 standard deviations and bisecting, then
    /// the density — smooth inside each piece — is integrated by Simpson's rule over the profitable pieces. No
    /// break-evens from the code under test, no normal CDF.
    static func integratedProbability(_ legs: [PayoffLeg], premium: Double, spot: Double, vol: Double, years: Double, rate: Double) -> Double {
        integratedProbability(spot: spot, vol: vol, years: years, rate: rate) { s in legs.reduce(0) { $0 + intrinsic($1, s) } - premium }
    }

    static func integratedProbability(spot: Double, vol: Double, years: Double, rate: Double, pnlAt: (Double) -> Double) -> Double {
        let sd = vol * years.squareRoot()
        let mean = log(spot) + (rate - vol * vol / 2) * years
        let a = mean - 10 * sd, b = mean + 10 * sd
        func pnl(_ x: Double) -> Double { pnlAt(exp(x)) }
        func density(_ x: Double) -> Double {
            let z = (x - mean) / sd
            return exp(-z * z / 2) / (sd * (2 * Double.pi).squareRoot())
        }
        // Cut points: where the P&L's sign flips between neighbours of a fine scan, refined by bisection.
        var cuts = [a]
        let scan = 20_000
        var previous = pnl(a) > 0
        for i in 1...scan {
            let x = a + (b - a) * Double(i) / Double(scan)
            let now = pnl(x) > 0
            if now != previous {
                var (low, high) = (x - (b - a) / Double(scan), x)
                for _ in 0..<80 {
                    let middle = (low + high) / 2
                    if (pnl(middle) > 0) == previous { low = middle } else { high = middle }
                }
                cuts.append((low + high) / 2)
                previous = now
            }
        }
        cuts.append(b)
        var total = 0.0
        for (low, high) in zip(cuts, cuts.dropFirst()) where pnl((low + high) / 2) > 0 {
            let n = 2_000
            let h = (high - low) / Double(n)
            var sum = density(low) + density(high)
            for i in 1..<n { sum += density(low + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            total += sum * h / 3
        }
        return total
    }

    @Test("probability of profit matches a numeric integration of the lognormal law", arguments: [
        (StrategyTemplate.straddle, 1), (.strangle, 2), (.spread, 3), (.condor, 4), (.butterfly, 5), (.ratio, 6), (.reversal, 7),
    ])
    func probabilityOfProfit(template: StrategyTemplate, variant: Int) throws {
        let engine = Self.engine()
        let s = try Self.strikes(engine, count: 4)
        let words: [String] = switch template {
        case .straddle: ["BTC-1D-\(s[1])"]
        case .strangle, .reversal: ["BTC-1D-\(s[0])/\(s[2])"]
        case .spread: ["BTC-1D-\(s[0])/\(s[2])-C"]
        case .condor: ["BTC-1D-\(s[0])/\(s[1])/\(s[2])/\(s[3])"]
        case .butterfly: ["BTC-1D-\(s[0])/\(s[1])/\(s[2])"]
        default: ["BTC-1D-\(s[0])/\(s[1])-C"]
        }
        let legs = try Self.payoffLegs(template, words, engine)
        let premiums: [StrategyTemplate: Double] = [.straddle: 900, .strangle: 250, .spread: 800, .condor: -300, .butterfly: 200, .ratio: 100, .reversal: -40]
        let premium = premiums[template] ?? 0
        for (vol, years) in [(0.5, 1.0 / 365), (0.8, 7.0 / 365), (0.3, 0.25)] {
            let spot = 60_000.0 + Double(variant) * 100
            let got = StrategyAnalytics.probabilityOfProfit(legs, netPremium: premium, spot: spot, volatility: vol, years: years, rate: 0.03)
            let want = Self.integratedProbability(legs, premium: premium, spot: spot, vol: vol, years: years, rate: 0.03)
            #expect(abs(got - want) < 1e-8, "\(template) σ \(vol) T \(years): \(got) vs \(want)")
        }
    }

    /// Black-Scholes written out here (erfc), for the calendar's later leg.
    static func blackScholesCall(spot: Double, strike: Double, years: Double, vol: Double, rate: Double) -> Double {
        guard years > 0 else { return max(spot - strike, 0) }
        let root = vol * years.squareRoot()
        let d1 = (log(spot / strike) + (rate + vol * vol / 2) * years) / root
        func n(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        return spot * n(d1) - strike * exp(-rate * years) * n(d1 - root)
    }

    @Test("a calendar is read at the first expiry with its far leg at model value: break-evens, best case and P(profit)")
    func calendarProfile() {
        let now = SimTime(milliseconds: 0)
        let near = now + .days(1), far = now + .days(8)
        let legs = [ModelLeg(payoff: PayoffLeg(kind: .call, strike: 60_000, quantity: -1, expiry: near), volatility: 0.50),
                    ModelLeg(payoff: PayoffLeg(kind: .call, strike: 60_000, quantity: 1, expiry: far), volatility: 0.55)]
        let premium = 1_200.0, rate = 0.03, spot = 60_000.0
        func pnl(_ s: Double) -> Double {
            Self.blackScholesCall(spot: s, strike: 60_000, years: 7.0 / 365, vol: 0.55, rate: rate) - max(s - 60_000, 0) - premium
        }
        let model = StrategyAnalytics.multiExpiryProfile(legs, netPremium: premium, spot: spot, volatility: 0.52, now: now, rate: rate)
        #expect(model.breakEvens.count == 2)
        for breakEven in model.breakEvens { #expect(abs(pnl(breakEven)) < 1e-6, "P&L at \(breakEven): \(pnl(breakEven))") }
        // Best at the strike: the far call's time value there, less the debit.
        #expect(abs(model.maximumProfit - pnl(60_000)) < 1.0, "\(model.maximumProfit) vs \(pnl(60_000))")
        let want = Self.integratedProbability(spot: spot, vol: 0.52, years: 1.0 / 365, rate: rate, pnlAt: pnl)
        #expect(abs(model.probability - want) < 1e-8, "\(model.probability) vs \(want)")
    }

    @Test("probability of profit against mpmath constants for a long straddle")
    func probabilityAgainstMpmath() {
        // Long 60,000 straddle for 900 at σ 50%, one day, r 3%, spot 60,000: profitable below 59,100 or above 60,900.
        // mpmath (50 digits): m = ln(60000) + (0.03 - 0.125)/365, s = 0.5/sqrt(365);
        // ncdf((ln 59100 - m)/s) + 1 - ncdf((ln 60900 - m)/s) = 0.56652075868985963489…
        let legs = [PayoffLeg(kind: .call, strike: 60_000, quantity: 1, expiry: SimTime(milliseconds: 0)),
                    PayoffLeg(kind: .put, strike: 60_000, quantity: 1, expiry: SimTime(milliseconds: 0))]
        let got = StrategyAnalytics.probabilityOfProfit(legs, netPremium: 900, spot: 60_000, volatility: 0.5, years: 1.0 / 365, rate: 0.03)
        #expect(abs(got - Self.mpmathStraddle) < 1e-9, "\(got)")
    }

    /// Filled in from mpmath; see `probabilityAgainstMpmath`.
    static let mpmathStraddle = 0.566_520_758_689_859_634_894
}

import Foundation
import PoolEngine
import Testing

@Suite("Pricing domain edges")
struct PricingDomainTests {
    static let extremes: [Double] = [0, Double.leastNonzeroMagnitude, Double.leastNormalMagnitude / 4, 1e-200, 1e-150, 1, 1e150, 1e200, .greatestFiniteMagnitude, .infinity, .nan, -1]

    @Test("no NaN or infinity in any output for extreme spots and strikes", arguments: extremes)
    func extremeSpot(spot: Double) {
        for strike in Self.extremes {
            for kind in OptionKind.allCases {
                let value = BlackScholes.valuation(kind: kind, spot: spot, strike: strike, time: 0.5, volatility: 0.8, rate: 0.03)
                for (name, number) in [("price", value.price), ("delta", value.delta), ("gamma", value.gamma),
                                       ("vega", value.vega), ("theta", value.theta), ("rho", value.rho)] {
                    #expect(number.isFinite, "\(kind) S=\(spot) K=\(strike): \(name) = \(number)")
                }
                #expect(value.price >= 0)
            }
        }
    }
}

/// One domain rule for the kernels, the solver and the commands; bounds and underflow of every result.
///
/// Expected numbers come from mpmath at 50 digits (the script is in each test's comment).
@Suite("Pricing domain rule, no-arbitrage bounds and underflow")
struct PricingBoundsTests {
    /// |rate × t| ≥ 700 used to give an all-zero valuation silently; overflow of K·e^(−rT) gave ±inf or NaN.
    static let outside: [(kind: OptionKind, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double)] = [
        (.call, 100, 100, 80, 0.2, 10),          // r·t = 800: e^(−rT) underflows
        (.put, 100, 100, 80, 0.2, -10),          // r·t = −800: e^(−rT) overflows
        (.put, 100, 1e150, 10, 0.2, -69),        // K·e^(−rT) = 1e150·e^690 overflows although |r·t| < 700
        (.call, 100, 1e-150, 10, 0.2, 69),       // K·e^(−rT) underflows below 1e-150·e^-690
        (.call, 100, 100, 1, 2e3, 0),            // volatility beyond 1000
        (.call, 100, 100, 1e6, 0.2, 0),          // time beyond 10,000 years
        (.call, 100, 100, 1e-6, 0.2, 1e5),       // rate beyond 1000
    ]

    @Test("outside the domain: the kernel, the batch and the solver all refuse, for one stated reason")
    func outsideIsRefusedEverywhere() {
        var batch = PricingBatch()
        for input in Self.outside {
            let violation = PricingDomain.violation(
                spot: input.spot, strike: input.strike, time: input.time, volatility: input.volatility, rate: input.rate)
            #expect(violation != nil, "\(input)")
            #expect(BlackScholes.valuation(kind: input.kind, spot: input.spot, strike: input.strike, time: input.time,
                                           volatility: input.volatility, rate: input.rate) == .zero, "\(input)")
            batch.append(kind: input.kind, spot: input.spot, strike: input.strike, time: input.time, volatility: input.volatility, rate: input.rate)
            guard input.volatility <= PricingDomain.largestVolatility else { continue }   // the solver takes no volatility
            let solved = ImpliedVolatility.solve(kind: input.kind, spot: input.spot, strike: input.strike, time: input.time, rate: input.rate, price: 1)
            #expect(solved == .failure(.invalidInput(violation?.description ?? "")), "\(input)")
        }
        let values = BlackScholes.valuations(batch)
        for index in 0..<batch.count { #expect(values[index] == .zero) }
    }

    @Test("the rate × t refusal names the rate")
    func rateTimeReason() throws {
        let violation = try #require(PricingDomain.violation(spot: 100, strike: 100, time: 80, volatility: 0.2, rate: 10))
        #expect(violation.input == .rate)
        #expect(violation.description.hasPrefix("rate: "))
        #expect(!violation.description.contains(","))
    }

    @Test("inside the domain, at its corners, every output is finite, bounded and never subnormal")
    func cornersAreFiniteAndBounded() {
        let amounts = [1e-150, 1e-20, 1, 1e20, 1e150]
        let times = [0, 1e-12, 1, 100, PricingDomain.longestTime]
        let volatilities = [0, 1e-8, 0.2, 10, PricingDomain.largestVolatility]
        let rates = [-PricingDomain.largestRate, -0.5, 0, 0.05, 3, PricingDomain.largestRate]
        var checked = 0
        for spot in amounts { for strike in amounts { for time in times { for volatility in volatilities { for rate in rates {
            guard PricingDomain.violation(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate) == nil else { continue }
            for kind in OptionKind.allCases {
                let v = BlackScholes.valuation(kind: kind, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate)
                let all = [v.price, v.delta, v.gamma, v.vega, v.theta, v.rho]
                let context = "\(kind) S=\(spot) K=\(strike) t=\(time) σ=\(volatility) r=\(rate): \(v)"
                let finite = all.allSatisfy { $0.isFinite }
                let normalOrZero = all.allSatisfy { $0 == 0 || abs($0) >= .leastNormalMagnitude }
                #expect(finite, "\(context)")
                #expect(normalOrZero, "\(context)")
                #expect(v.price >= 0 && v.gamma >= 0 && v.vega >= 0, "\(context)")
                #expect(kind == .call ? (v.delta >= 0 && v.delta <= 1) : (v.delta <= 0 && v.delta >= -1), "\(context)")
                #expect(kind == .call ? v.price <= spot : v.price <= strike * exp(-rate * max(time, 0)) * (1 + 1e-15), "\(context)")
                checked += 1
            }
        }}}}}
        #expect(checked > 1_000)
    }

    /// mpmath, 50 digits: call S=1e-10 K=2e6 t=1 σ=1 r=0 →
    /// price 4.186538906296e-312, delta 1.5945559363924536e-300, gamma 5.909658904172301e-289,
    /// vega 5.9096589041723e-309, theta −2.95482945208615e-309, rho 1.5526905473295e-310.
    @Test("results below the smallest normal double are reported as 0; normal ones keep their value")
    func subnormalResultsAreZero() {
        let value = BlackScholes.valuation(kind: .call, spot: 1e-10, strike: 2e6, time: 1, volatility: 1, rate: 0)
        #expect(value.price == 0)
        #expect(value.vega == 0)
        #expect(value.theta == 0)
        #expect(value.rho == 0)
        #expect(abs(value.delta / 1.5945559363924536e-300 - 1) < 1e-9)
        #expect(abs(value.gamma / 5.909658904172301e-289 - 1) < 1e-9)
        var batch = PricingBatch()
        batch.append(kind: .call, spot: 1e-10, strike: 2e6, time: 1, volatility: 1, rate: 0)
        batch.append(kind: .call, spot: 1e-10, strike: 2e6, time: 1, volatility: 1, rate: 0)
        let values = BlackScholes.valuations(batch)
        #expect(values[0] == value && values[1] == value)
    }

    @Test("a price of exactly 0 and a price that underflowed get the same implied volatility")
    func underflowedPriceSolvesLikeZero() {
        let zero = ImpliedVolatility.solve(kind: .call, spot: 1e-10, strike: 2e6, time: 1, rate: 0, price: 0)
        #expect(zero == .success(0))
        // The true price of the option above, which the pricing kernel reports as 0.
        let underflowed = ImpliedVolatility.solve(kind: .call, spot: 1e-10, strike: 2e6, time: 1, rate: 0, price: 4.186538906296e-300 / 1e12)
        #expect(underflowed == zero)
        #expect(ImpliedVolatility.solve(kind: .call, spot: 100, strike: 150, time: 1, rate: 0, price: .leastNonzeroMagnitude) == zero)
    }
}

extension PricingBoundsTests {
    /// mpmath, 50 digits: put S=100 K=100 t=100 σ=0.2 r=0.05 → price 0.021751430227127597, rho −4.50143381306801;
    /// put S=1e-150 K=1 t=100 σ=0 r=0.05 → K·e^(−5) − S = 0.006737946999085465.
    /// 1 + (e^(−rT) − 1) lost the low digits of e^(−rT) (1.2e-15, 1.1e-15 and 1.6e-15 relative before).
    @Test("a large r·t keeps the discounted strike to full precision")
    func largeRateTimeIsAccurate() {
        let put = BlackScholes.valuation(kind: .put, spot: 100, strike: 100, time: 100, volatility: 0.2, rate: 0.05)
        #expect(abs(put.price / 0.021751430227127597 - 1) < 8e-16, "\(put.price)")
        #expect(abs(put.rho / -4.50143381306801 - 1) < 8e-16, "\(put.rho)")
        let intrinsic = BlackScholes.valuation(kind: .put, spot: 1e-150, strike: 1, time: 100, volatility: 0, rate: 0.05)
        #expect(abs(intrinsic.price / 0.006737946999085465 - 1) < 4e-16, "\(intrinsic.price)")
        let solved = ImpliedVolatility.solve(kind: .put, spot: 100, strike: 100, time: 100, rate: 0.05, price: 0.021751430227127597)
        #expect(abs(((try? solved.get()) ?? 0) - 0.2) < 1e-9, "\(solved)")
    }
}

extension PricingBoundsTests {
    /// Deep in-the-money puts whose price came out an ulp below the discounted intrinsic value.
    /// Bound: mpmath (50 digits) of K·e^(−rt) − S, rounded to the nearest double.
    static let deepInTheMoney: [(spot: Double, strike: Double, time: Double, volatility: Double, rate: Double, intrinsic: Double)] = [
        (8156.69870516964, 45913.01364462817, 0.0012800084594327213, 0.02794501170397851, 0.07891354310202764, 37751.67750004257),
        (1.1421723855286718, 34.72556553359954, 0.0005193285199127978, 1.9434204047852348, 0.062170345432478784, 33.58227198761859),
        (6836.763062562902, 15338.135723626907, 0.015064660194912732, 0.015619946742990682, 0.014742507287690743, 8497.966579512577),
        (1809.9718004618067, 6860.128980418448, 0.010901339940416642, 0.021557704858305073, 0.04824206982602254, 5046.550364656559),
        (17515.33230029884, 230192.59029399842, 1.3860162318059352e-06, 0.012039507828842465, 0.0709511784938654, 212677.2353566799),
    ]

    @Test("a price is never below the discounted intrinsic value, not even by an ulp", arguments: 0..<5)
    func neverBelowIntrinsic(index: Int) {
        let row = Self.deepInTheMoney[index]
        let put = BlackScholes.valuation(kind: .put, spot: row.spot, strike: row.strike, time: row.time, volatility: row.volatility, rate: row.rate)
        #expect(put.price >= row.intrinsic, "\(put.price) < \(row.intrinsic)")
        #expect(put.price <= row.strike * exp(-row.rate * row.time))
        var batch = PricingBatch()
        batch.append(kind: .put, spot: row.spot, strike: row.strike, time: row.time, volatility: row.volatility, rate: row.rate)
        batch.append(kind: .put, spot: row.spot, strike: row.strike, time: row.time, volatility: row.volatility, rate: row.rate)
        #expect(BlackScholes.valuations(batch)[1] == put)
        // And the solver, with its own intrinsic value, reads it as σ = 0, never as below intrinsic.
        #expect(ImpliedVolatility.solve(kind: .put, spot: row.spot, strike: row.strike, time: row.time, rate: row.rate, price: put.price) == .success(0))
    }

    /// mpmath: call S=768.2715359144344 K=376.31901822928876 t=2.216451264060799 σ=0.013075451722882485
    /// r=0.08584684590486796 has d1 ≈ 61, so S·φ(d1) ≈ 1e-800. The kernel clamps the Gaussian at e^−700, exactly
    /// as release 1 did (journaled sessions replay bit for bit, cached Greeks in snapshots included), so gamma and vega
    /// come out as tiny normal numbers rather than their true 0: negligible (below 1e-300 of the notional) and never
    /// subnormal noise.
    @Test("far-tail Greeks are negligible, normal or zero, and delta is exactly 1")
    func farTailGreeksAreNegligible() {
        let call = BlackScholes.valuation(kind: .call, spot: 768.2715359144344, strike: 376.31901822928876, time: 2.216451264060799,
                                          volatility: 0.013075451722882485, rate: 0.08584684590486796)
        for value in [call.gamma, call.vega] {
            #expect(value == 0 || (value >= .leastNormalMagnitude && value < 1e-300 * 768), "\(call)")
        }
        #expect(call.delta == 1)
    }
}

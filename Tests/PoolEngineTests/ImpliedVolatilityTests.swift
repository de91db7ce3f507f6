import Foundation
import PoolEngine
import Testing

@Suite("Implied volatility")
struct ImpliedVolatilityTests {
    static func solve(_ kind: OptionKind, _ s: Double, _ k: Double, _ t: Double, _ r: Double, _ price: Double) -> Result<Double, ImpliedVolatilityError> {
        ImpliedVolatility.solve(kind: kind, spot: s, strike: k, time: t, rate: r, price: price)
    }

    /// Vega large enough that a price rounded to double still pins σ to 1e-10.
    static func volatilityIsResolvable(_ value: OptionValuation, spot: Double, strike: Double) -> Bool {
        value.vega * 1e-10 > 1e-14 * max(spot, strike)
    }

    @Test("round trip to 1e-10 in vol over the reference grid where vega is not vanishing")
    func referenceRoundTrip() {
        var checked = 0
        for row in PricingReferenceTable.rows {
            let value = BlackScholes.valuation(kind: row.kind, spot: row.spot, strike: row.strike, time: row.time, volatility: row.volatility, rate: row.rate)
            guard Self.volatilityIsResolvable(value, spot: row.spot, strike: row.strike) else { continue }
            checked += 1
            switch Self.solve(row.kind, row.spot, row.strike, row.time, row.rate, value.price) {
            case .success(let vol):
                #expect(abs(vol - row.volatility) <= 1e-10, "\(row): got \(vol)")
            case .failure(let error):
                Issue.record("\(row): \(error)")
            }
        }
        #expect(checked > 700)
    }

    @Test("round trip over a dense grid of strikes, expiries and vols")
    func gridRoundTrip() {
        for kind in OptionKind.allCases {
            for moneyness in [0.3, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 3.0] {
                for time in [1.0 / 8_760, 1.0 / 365, 1.0 / 52, 0.25, 1, 2] {
                    for vol in [0.05, 0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0] {
                        for rate in [0.0, 0.05] {
                            let (s, k) = (40_000.0, 40_000 * moneyness)
                            let value = BlackScholes.valuation(kind: kind, spot: s, strike: k, time: time, volatility: vol, rate: rate)
                            guard Self.volatilityIsResolvable(value, spot: s, strike: k) else { continue }
                            let label = "\(kind) K/S=\(moneyness) T=\(time) vol=\(vol) r=\(rate)"
                            switch Self.solve(kind, s, k, time, rate, value.price) {
                            case .success(let solved): #expect(abs(solved - vol) <= 1e-10, "\(label): \(solved)")
                            case .failure(let error): Issue.record("\(label): \(error)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("tiny out-of-the-money prices still solve: the solver never returns a bound instead")
    func tinyPrices() {
        for price in [1e-300, 1e-100, 1e-30, 1e-12] {
            switch Self.solve(.call, 100, 300, 0.1, 0.01, price) {
            case .success(let vol):
                #expect(vol > 0)
                let back = BlackScholes.price(kind: .call, spot: 100, strike: 300, time: 0.1, volatility: vol, rate: 0.01)
                #expect(abs(back - price) <= 1e-9 * price, "price \(price): vol \(vol) reprices to \(back)")
            case .failure(let error):
                Issue.record("price \(price): \(error)")
            }
        }
    }

    @Test("below intrinsic value has no solution")
    func belowIntrinsic() {
        #expect(Self.solve(.call, 120, 100, 1, 0, 19.9) == .failure(.belowIntrinsic))
        #expect(Self.solve(.put, 80, 100, 1, 0.05, 15) == .failure(.belowIntrinsic))
    }

    @Test("a negative price is an invalid input, not a price below intrinsic value")
    func negativePrice() {
        #expect(Self.solve(.call, 100, 100, 1, 0, -1) == .failure(.invalidInput("price must not be negative")))
        #expect(Self.solve(.put, 100, 100, 1, 0, -0.000001) == .failure(.invalidInput("price must not be negative")))
    }

    @Test("at or above the upper bound has no solution")
    func aboveUpperBound() {
        #expect(Self.solve(.call, 100, 100, 1, 0.05, 100) == .failure(.aboveUpperBound))
        #expect(Self.solve(.call, 100, 50, 1, 0.05, 150) == .failure(.aboveUpperBound))
        #expect(Self.solve(.put, 100, 100, 1, 0.05, 100 * exp(-0.05)) == .failure(.aboveUpperBound))
        #expect(Self.solve(.put, 100, 100, 1, 0.05, 99.9) == .failure(.aboveUpperBound))
    }

    @Test("a price equal to the discounted intrinsic value is volatility 0")
    func intrinsicIsZeroVolatility() {
        #expect(Self.solve(.call, 100, 150, 1, 0, 0) == .success(0))
        #expect(Self.solve(.call, 150, 100, 1, 0, 50) == .success(0))
        #expect(Self.solve(.put, 100, 150, 1, 0.05, 150 * exp(-0.05) - 100) == .success(0))
    }

    @Test("invalid inputs are named, never NaN")
    func invalidInputs() {
        for (s, k, t, r, p) in [
            (Double.nan, 100.0, 1.0, 0.0, 5.0), (100, -1, 1, 0, 5), (100, 100, 0, 0, 5),
            (100, 100, -1, 0, 5), (100, 100, 1, .infinity, 5), (100, 100, 1, 0, .nan),
        ] {
            guard case .failure(.invalidInput(let reason)) = Self.solve(.call, s, k, t, r, p) else {
                Issue.record("expected invalidInput for \((s, k, t, r, p))")
                continue
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test("errors describe themselves in one line without commas")
    func errorDescriptions() {
        let errors: [ImpliedVolatilityError] = [.belowIntrinsic, .aboveUpperBound, .invalidInput("time"), .noConvergence]
        for error in errors {
            #expect(!error.description.contains(","))
            #expect(!error.description.contains("\n"))
        }
    }
}

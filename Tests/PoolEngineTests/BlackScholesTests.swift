import Foundation
import PoolEngine
import Testing

/// Black-Scholes kernel against the 50-digit mpmath table, plus identities and edge behaviour.
@Suite("Black-Scholes kernel")
struct BlackScholesTests {
    static func value(_ row: PricingReferenceRow) -> OptionValuation {
        BlackScholes.valuation(
            kind: row.kind, spot: row.spot, strike: row.strike,
            time: row.time, volatility: row.volatility, rate: row.rate
        )
    }

    @Test("the reference table is present and complete")
    func tableLoads() {
        #expect(PricingReferenceTable.rows.count >= 1_000)
    }

    @Test("price within 1e-12 relative of mpmath (absolute 1e-20·S for prices below 1e-10·S)")
    func pricesMatchReference() {
        for row in PricingReferenceTable.rows {
            let got = Self.value(row).price
            let want = row.expected.price
            if want > 1e-10 * row.spot {
                #expect(abs(got - want) <= 1e-12 * want, "\(row): \(got) vs \(want)")
            } else {
                #expect(abs(got - want) <= 1e-20 * row.spot, "\(row): \(got) vs \(want)")
            }
        }
    }

    @Test("Greeks within 1e-10 relative of mpmath, or a tiny scaled absolute error")
    func greeksMatchReference() {
        for row in PricingReferenceTable.rows {
            let got = Self.value(row)
            let want = row.expected
            let (s, k, t) = (row.spot, row.strike, row.time)
            // The absolute floors are 1e-15 of each Greek's natural scale: negligible next to any price.
            #expect(abs(got.delta - want.delta) <= 1e-10 * abs(want.delta) + 1e-15, "delta \(row)")
            #expect(abs(got.gamma - want.gamma) <= 1e-10 * abs(want.gamma) + 1e-15 / s, "gamma \(row)")
            #expect(abs(got.vega - want.vega) <= 1e-10 * abs(want.vega) + 1e-15 * s * t.squareRoot(), "vega \(row)")
            // Theta is a difference of two terms for puts; scale by the larger term, r·K.
            #expect(abs(got.theta - want.theta) <= 1e-10 * (abs(want.theta) + row.rate * k) + 1e-15 * s, "theta \(row)")
            #expect(abs(got.rho - want.rho) <= 1e-10 * abs(want.rho) + 1e-15 * k * t, "rho \(row)")
        }
    }

    @Test("put-call parity: C − P = S − K·e^(−rT)")
    func putCallParity() {
        for row in PricingReferenceTable.rows where row.kind == .call {
            let call = Self.value(row)
            let put = BlackScholes.valuation(
                kind: .put, spot: row.spot, strike: row.strike, time: row.time,
                volatility: row.volatility, rate: row.rate
            )
            let forward = row.spot - row.strike * exp(-row.rate * row.time)
            let scale = max(row.spot, row.strike)
            #expect(abs((call.price - put.price) - forward) <= 1e-14 * scale, "\(row)")
            #expect(abs((call.delta - put.delta) - 1) <= 1e-14, "\(row)")
            #expect(call.gamma == put.gamma)
            #expect(call.vega == put.vega)
        }
    }

    @Test("Greeks agree with central finite differences of the price")
    func greeksMatchFiniteDifferences() {
        let cases: [(OptionKind, Double, Double, Double, Double, Double)] = [
            (.call, 100, 100, 1, 0.2, 0.05), (.put, 100, 100, 1, 0.2, 0.05),
            (.call, 30_000, 36_000, 0.1, 0.8, 0.03), (.put, 30_000, 24_000, 0.1, 0.8, 0.03),
            (.call, 2_000, 1_500, 1.0 / 52, 1.5, 0.1), (.put, 2_000, 2_600, 0.5, 2.5, 0),
            (.call, 50_000, 50_500, 1.0 / 365, 0.6, 0.05), (.put, 150, 140, 2, 0.05, 0.08),
        ]
        for (kind, s, k, t, v, r) in cases {
            func price(_ s: Double, _ t: Double, _ v: Double, _ r: Double) -> Double {
                BlackScholes.price(kind: kind, spot: s, strike: k, time: t, volatility: v, rate: r)
            }
            func delta(_ s: Double) -> Double {
                BlackScholes.valuation(kind: kind, spot: s, strike: k, time: t, volatility: v, rate: r).delta
            }
            let g = BlackScholes.valuation(kind: kind, spot: s, strike: k, time: t, volatility: v, rate: r)
            let hs = 1e-4 * s, ht = 1e-4 * t, hv = 1e-5, hr = 1e-5
            let fdDelta = (price(s + hs, t, v, r) - price(s - hs, t, v, r)) / (2 * hs)
            let fdGamma = (delta(s + hs) - delta(s - hs)) / (2 * hs)
            let fdVega = (price(s, t, v + hv, r) - price(s, t, v - hv, r)) / (2 * hv)
            let fdTheta = -(price(s, t + ht, v, r) - price(s, t - ht, v, r)) / (2 * ht)
            let fdRho = (price(s, t, v, r + hr) - price(s, t, v, r - hr)) / (2 * hr)
            let label = "\(kind) S=\(s) K=\(k) T=\(t) vol=\(v) r=\(r)"
            #expect(abs(g.delta - fdDelta) <= 1e-6 * max(abs(g.delta), 1e-2), "delta \(label)")
            #expect(abs(g.gamma - fdGamma) <= 1e-5 * abs(g.gamma), "gamma \(label)")
            #expect(abs(g.vega - fdVega) <= 1e-6 * abs(g.vega), "vega \(label)")
            #expect(abs(g.theta - fdTheta) <= 1e-5 * max(abs(g.theta), 1e-3 * s), "theta \(label)")
            #expect(abs(g.rho - fdRho) <= 1e-6 * max(abs(g.rho), 1e-3 * k * t), "rho \(label)")
        }
    }

    @Test("price rises with volatility, and with time for calls (r ≥ 0) and zero-rate puts")
    func monotonicity() {
        for kind in OptionKind.allCases {
            for moneyness in [0.3, 0.7, 1.0, 1.4, 3.0] {
                var previous = -1.0
                for step in 0...60 {
                    let vol = 0.05 * pow(60, Double(step) / 60)   // 5% … 300%
                    let price = BlackScholes.price(kind: kind, spot: 1_000, strike: 1_000 * moneyness, time: 0.25, volatility: vol, rate: 0.05)
                    #expect(price >= previous, "\(kind) K/S=\(moneyness) vol=\(vol)")
                    previous = price
                }
                previous = -1
                let rate = kind == .call ? 0.05 : 0
                for step in 0...60 {
                    let time = pow(8_760, Double(step) / 60 - 1) * 2   // 2/8760 … 2 years
                    let price = BlackScholes.price(kind: kind, spot: 1_000, strike: 1_000 * moneyness, time: time, volatility: 0.8, rate: rate)
                    #expect(price >= previous, "\(kind) K/S=\(moneyness) T=\(time)")
                    previous = price
                }
            }
        }
    }

    @Test("extreme inputs: no NaN, no negative price, price within no-arbitrage bounds")
    func extremes() {
        let minute = 1.0 / 525_600
        for kind in OptionKind.allCases {
            for spot in [100.0, 100_000] {
                for moneyness in [0.3, 0.999, 1.0, 1.001, 3.0] {
                    for time in [minute, 1.0 / 8_760, 2, 30] {
                        for vol in [0.0, 1e-9, 0.05, 3.0, 10.0] {
                            for rate in [0.0, 0.1, -0.02] {
                                let k = spot * moneyness
                                let g = BlackScholes.valuation(kind: kind, spot: spot, strike: k, time: time, volatility: vol, rate: rate)
                                let label = "\(kind) S=\(spot) K=\(k) T=\(time) vol=\(vol) r=\(rate)"
                                for field in [g.price, g.delta, g.gamma, g.vega, g.theta, g.rho] {
                                    #expect(field.isFinite, "\(label): \(g)")
                                }
                                let discounted = k * exp(-rate * time)
                                let intrinsic = max(kind == .call ? spot - discounted : discounted - spot, 0)
                                #expect(g.price >= 0, "\(label)")
                                #expect(g.price >= intrinsic - 1e-12 * spot, "\(label)")
                                #expect(g.price <= (kind == .call ? spot : discounted * (1 + 1e-15)), "\(label)")
                                #expect(g.gamma >= 0 && g.vega >= 0, "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("at or after expiry: intrinsic value and a step delta")
    func expired() {
        #expect(BlackScholes.valuation(kind: .call, spot: 110, strike: 100, time: 0, volatility: 0.5, rate: 0.05)
            == OptionValuation(price: 10, delta: 1, gamma: 0, vega: 0, theta: 0, rho: 0))
        #expect(BlackScholes.valuation(kind: .put, spot: 90, strike: 100, time: -1, volatility: 0.5, rate: 0.05)
            == OptionValuation(price: 10, delta: -1, gamma: 0, vega: 0, theta: 0, rho: 0))
        #expect(BlackScholes.valuation(kind: .call, spot: 90, strike: 100, time: 0, volatility: 0.5, rate: 0) == .zero)
        #expect(BlackScholes.valuation(kind: .put, spot: 100, strike: 100, time: 0, volatility: 0.5, rate: 0) == .zero)
    }

    @Test("zero volatility: discounted forward intrinsic value")
    func zeroVolatility() {
        let discounted = 100 * exp(-0.05)
        let call = BlackScholes.valuation(kind: .call, spot: 100, strike: 100, time: 1, volatility: 0, rate: 0.05)
        #expect(abs(call.price - (100 - discounted)) <= 1e-13)
        #expect(call.delta == 1 && call.gamma == 0 && call.vega == 0)
        #expect(abs(call.theta + 0.05 * discounted) <= 1e-13)
        #expect(abs(call.rho - discounted) <= 1e-13)
        #expect(BlackScholes.valuation(kind: .put, spot: 100, strike: 100, time: 1, volatility: 0, rate: 0.05) == .zero)
    }

    @Test("inputs outside the domain give .zero, never NaN or a trap")
    func invalidInputs() {
        let bad: [(Double, Double, Double, Double, Double)] = [
            (.nan, 100, 1, 0.5, 0), (100, .nan, 1, 0.5, 0), (100, 100, .nan, 0.5, 0),
            (100, 100, 1, .nan, 0), (100, 100, 1, 0.5, .nan), (.infinity, 100, 1, 0.5, 0),
            (100, .infinity, 1, 0.5, 0), (100, 100, .infinity, 0.5, 0), (100, 100, 1, .infinity, 0),
            (-100, 100, 1, 0.5, 0), (100, -100, 1, 0.5, 0), (100, 100, 1, -0.5, 0),
            (0, 100, 1, 0.5, 0), (100, 0, 1, 0.5, 0), (100, 100, 1, 0.5, 1e6),
        ]
        for kind in OptionKind.allCases {
            for (s, k, t, v, r) in bad {
                #expect(BlackScholes.valuation(kind: kind, spot: s, strike: k, time: t, volatility: v, rate: r) == .zero)
            }
        }
    }

    @Test("trader units: vega and rho per 1%, theta per day")
    func traderUnits() {
        let raw = OptionValuation(price: 1, delta: 0.5, gamma: 0.01, vega: 40, theta: -36.5, rho: 20)
        #expect(raw.traderUnits == OptionValuation(price: 1, delta: 0.5, gamma: 0.01, vega: 0.4, theta: -0.1, rho: 0.2))
    }

    @Test("the batch API equals the scalar kernel exactly")
    func batchMatchesScalar() {
        var batch = PricingBatch(reservingCapacity: PricingReferenceTable.rows.count)
        for row in PricingReferenceTable.rows {
            batch.append(kind: row.kind, spot: row.spot, strike: row.strike, time: row.time, volatility: row.volatility, rate: row.rate)
        }
        batch.append(kind: .put, spot: .nan, strike: 1, time: 1, volatility: 1, rate: 0)
        var output = ValuationBatch()
        BlackScholes.valuations(batch, into: &output)
        #expect(output.count == batch.count)
        for (index, row) in PricingReferenceTable.rows.enumerated() {
            #expect(output[index] == Self.value(row), "\(row)")
        }
        #expect(output[batch.count - 1] == .zero)
        // Reuse with fewer options shrinks the output.
        batch.removeAll()
        batch.append(kind: .call, spot: 100, strike: 100, time: 1, volatility: 0.2, rate: 0)
        BlackScholes.valuations(batch, into: &output)
        #expect(output.count == 1)
        #expect(output[0] == BlackScholes.valuation(kind: .call, spot: 100, strike: 100, time: 1, volatility: 0.2, rate: 0))
    }
}

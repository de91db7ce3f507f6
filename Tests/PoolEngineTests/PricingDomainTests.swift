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

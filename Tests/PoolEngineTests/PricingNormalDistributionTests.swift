import Foundation
@testable import PoolEngine
import Testing

@Suite("Normal distribution")
struct PricingNormalDistributionTests {
    @Test("CDF matches 0.5·erfc(−x/√2) to within the rounding of x/√2, deep into both tails")
    func cdfMatchesErfc() {
        // Down to N(−35) ≈ 1e-268: below ~1e-308 results are subnormal and lose bits by design.
        var x = -35.0
        while x <= 8 {
            let expected = 0.5 * erfc(-x / 2.0.squareRoot())
            // Rounding x/√2 alone moves erfc by ~x² ulps (its condition number), so allow for it.
            let tolerance = (8 + 2 * x * x) * Double.ulpOfOne * expected
            #expect(abs(NormalDistribution.cdf(x) - expected) <= tolerance, "x=\(x)")
            x += 0.01
        }
        #expect(NormalDistribution.cdf(0) == 0.5)
        #expect(NormalDistribution.cdf(-40) == 0)
        #expect(NormalDistribution.cdf(40) == 1)
        #expect(NormalDistribution.cdf(.nan).isNaN)
    }

    @Test("known values")
    func knownValues() {
        // mpmath: ncdf(-10), ncdf(-1), ncdf(1.96)
        #expect(abs(NormalDistribution.cdf(-10) / 7.619853024160526e-24 - 1) < 1e-14)
        #expect(abs(NormalDistribution.cdf(-1) / 0.15865525393145707 - 1) < 1e-15)
        #expect(abs(NormalDistribution.cdf(1.96) / 0.9750021048517795 - 1) < 1e-15)
        #expect(abs(NormalDistribution.density(1) - 0.24197072451914337) < 1e-16)
    }

    @Test("quantile inverts the CDF to a few ulps")
    func quantileRoundTrip() {
        for p in [1e-300, 1e-100, 1e-20, 1e-9, 0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98, 0.999, 1 - 1e-12] {
            let x = NormalDistribution.quantile(p)
            let back = x < 0 ? NormalDistribution.cdf(x) : 1 - NormalDistribution.cdf(-x)
            #expect(abs(back - p) <= 1e-14 * min(p, 1 - p) + 1e-16, "p=\(p) x=\(x)")
        }
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(2).isNaN)
    }
}

@Suite("Inlined exponential")
struct PricingExponentialTests {
    @Test("matches libm exp within 2 ulps on [−708, 0], and clamps outside it")
    func matchesLibm() {
        var a = -708.0
        while a <= 0 {
            let expected = exp(a)
            #expect(abs(negativeExponential(a) - expected) <= 2 * expected.ulp, "a=\(a)")
            a += 0.0137
        }
        #expect(negativeExponential(0) == 1)
        #expect(negativeExponential(-1e-300) == 1)
        #expect(negativeExponential(5) == 1)
        #expect(negativeExponential(-800) == negativeExponential(-708))
        #expect(negativeExponential(.nan) == negativeExponential(-708))
    }
}

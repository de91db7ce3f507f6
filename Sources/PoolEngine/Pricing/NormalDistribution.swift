import RealModule

/// The standard normal distribution, accurate to a few ulps in both tails.
///
/// The CDF uses W. J. Cody's rational Chebyshev approximations of erfc (ACM TOMS Algorithm 715),
/// written for the normal variable so that N(x) = 0.5·erfc(−x/√2) keeps full relative precision
/// in the lower tail instead of cancelling in 1 − N(−x).
public enum NormalDistribution {
    /// 1/√(2π).
    public static let inverseSqrtTwoPi = 0.398_942_280_401_432_677_939_946_059_934

    /// The density φ(x) = exp(−x²/2)/√(2π).
    @inlinable
    public static func density(_ x: Double) -> Double {
        inverseSqrtTwoPi * Double.exp(-0.5 * x * x)
    }

    /// The CDF N(x), with full relative precision for large negative x.
    @inlinable
    public static func cdf(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        let y = abs(x)
        if y <= CodyNormal.centralLimit { return 0.5 + CodyNormal.central(x) }
        let tail = CodyNormal.exactGaussian(y) * CodyNormal.tailRatio(y)
        return x < 0 ? tail : 1 - tail
    }

    /// The complementary CDF 1 − N(x) = N(−x), exact by symmetry.
    @inlinable
    public static func complementaryCDF(_ x: Double) -> Double { cdf(-x) }

    /// The quantile N⁻¹(p) for p in (0, 1); −∞ at 0, +∞ at 1, NaN outside [0, 1].
    ///
    /// Acklam's rational approximation (relative error 1.2e-9) refined by one Halley step on the
    /// accurate CDF, which brings it to a few ulps.
    public static func quantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else {
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return .nan
        }
        let estimate = acklamQuantile(p)
        guard estimate.isFinite else { return estimate }
        // Halley on N(x) − p; use the tail on the side where it is small to avoid cancellation.
        let error = estimate < 0 ? cdf(estimate) - p : (1 - p) - cdf(-estimate)
        let u = error / density(estimate)
        return estimate - u / (1 + 0.5 * estimate * u)
    }

    /// Acklam's approximation of the quantile; good to about 1e-9 relative, used as a starting point.
    @usableFromInline
    static func acklamQuantile(_ p: Double) -> Double {
        let low = 0.024_25
        if p < low {
            let q = (-2 * Double.log(p)).squareRoot()
            return acklamTail(q)
        }
        if p > 1 - low {
            let q = (-2 * Double.log(onePlus: -p)).squareRoot()
            return -acklamTail(q)
        }
        let q = p - 0.5
        let r = q * q
        let numerator = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
            + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
        let denominator = ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
            + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1
        return numerator / denominator
    }

    @usableFromInline
    static func acklamTail(_ q: Double) -> Double {
        let numerator = ((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
            - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00
        let denominator = (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
            + 3.754408661907416e+00) * q + 1
        return numerator / denominator
    }
}

/// e^a for a in [−708, 0] (clamped to it), inlined: the kernel's one exponential, without a libm call.
///
/// glibc's exp is correctly rounded to within 0.5 ulp but costs a PLT call, an errno wrapper and
/// the spills around an opaque call. Here: a = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, ln2 split
/// so k·ln2_hi is exact), e^r by its Taylor series to r¹³ (truncation < 1e-17) in Estrin form,
/// and 2^k assembled from bits. Error ≤ 2 ulp, checked against the reference table's Greeks.
@inlinable @inline(__always)
func negativeExponential(_ argument: Double) -> Double {
    // Written so NaN also lands on the clamp: 2^k below must stay a normal number.
    let a = argument >= -708 ? (argument <= 0 ? argument : 0) : -708
    let shifter = 6_755_399_441_055_744.0   // 1.5·2^52: adding it rounds to an integer in the low bits
    let shifted = a * 1.442_695_040_888_963_4 + shifter
    let k = shifted - shifter
    let r = (a - k * 0.693_147_180_369_123_816_490) - k * 1.908_214_929_270_587_700_02e-10
    let r2 = r * r
    let r4 = r2 * r2
    let r8 = r4 * r4
    let p01 = 1 + r
    let p23 = 0.5 + r * (1.0 / 6)
    let p45 = 1.0 / 24 + r * (1.0 / 120)
    let p67 = 1.0 / 720 + r * (1.0 / 5_040)
    let p89 = 1.0 / 40_320 + r * (1.0 / 362_880)
    let p1011 = 1.0 / 3_628_800 + r * (1.0 / 39_916_800)
    let p1213 = 1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)
    let low = p01 + r2 * p23 + r4 * (p45 + r2 * p67)
    let high = p89 + r2 * p1011 + r4 * p1213
    let series = low + r8 * high
    // k is an integer in [−1022, 0] here, so 2^k is a normal double built from its exponent bits.
    let scale = Double(bitPattern: UInt64(bitPattern: Int64(k) &+ 1023) << 52)
    return series * scale
}

/// `negativeExponential` for two options at once (the batch), lane by lane the same operations,
/// so each result is bit-identical to the scalar version.
@inlinable @inline(__always)
func negativeExponential(_ argument: SIMD2<Double>) -> SIMD2<Double> {
    // Written so NaN also lands on the clamp: 2^k below must stay a normal number.
    let a = SIMD2<Double>(repeating: -708)
        .replacing(with: argument.replacing(with: 0, where: .!(argument .<= 0)), where: argument .>= -708)
    let shifter = 6_755_399_441_055_744.0   // 1.5·2^52: adding it rounds to an integer in the low bits
    let shifted = a * 1.442_695_040_888_963_4 + shifter
    let k = shifted - shifter
    let r = (a - k * 0.693_147_180_369_123_816_490) - k * 1.908_214_929_270_587_700_02e-10
    let r2 = r * r
    let r4 = r2 * r2
    let r8 = r4 * r4
    let p01 = 1 + r
    let p23 = 0.5 + r * (1.0 / 6)
    let p45 = 1.0 / 24 + r * (1.0 / 120)
    let p67 = 1.0 / 720 + r * (1.0 / 5_040)
    let p89 = 1.0 / 40_320 + r * (1.0 / 362_880)
    let p1011 = 1.0 / 3_628_800 + r * (1.0 / 39_916_800)
    let p1213 = 1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)
    let low = p01 + r2 * p23 + r4 * (p45 + r2 * p67)
    let high = p89 + r2 * p1011 + r4 * p1213
    let series = low + r8 * high
    // k is an integer in [−1022, 0] here, so 2^k is a normal double built from its exponent bits.
    // shifted holds 2^51 + k in its low bits, a multiple of 4096 plus k: the low 12 bits of
    // (bits + 1023) are k + 1023, the exponent of 2^k, exactly the scalar version's scale.
    let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD2<UInt64>.self) &+ 1023) &<< 52, to: SIMD2<Double>.self)
    return series * scale
}

/// 1/p to about 4e-4 relative for a normal p > 0: the exponent bits' reciprocal and two Newton
/// steps, with no division.
///
/// For corrections that only need a few correct digits (a rounding error over its sum), where a
/// division would compete with the kernel's real ones for the one divider.
@inlinable @inline(__always)
func approximateReciprocal(_ p: Double) -> Double {
    var inverse = Double(bitPattern: 0x7fde_6238_22fc_16e6 &- p.bitPattern)
    inverse *= 2 - p * inverse
    inverse *= 2 - p * inverse
    return inverse
}

/// e^a − 1, inlined, to about 1 ulp of the result: the Taylor series for |a| ≤ 0.35 (every
/// realistic r·T), libm's expm1 beyond.
///
/// Written as a + a²·Q(a) so the leading term is exact and the rounding of the rest is at most
/// a/6 of an ulp of it; the truncation after a¹³/13! is below 2e-17 relative for |a| ≤ 0.35.
@inlinable @inline(__always)
func exponentialMinusOne(_ a: Double) -> Double {
    guard abs(a) <= 0.35 else { return Double.expMinusOne(a) }
    let a2 = a * a
    let a4 = a2 * a2
    let q01 = 1.0 / 2 + a * (1.0 / 6)
    let q23 = 1.0 / 24 + a * (1.0 / 120)
    let q45 = 1.0 / 720 + a * (1.0 / 5_040)
    let q67 = 1.0 / 40_320 + a * (1.0 / 362_880)
    let q89 = 1.0 / 3_628_800 + a * (1.0 / 39_916_800)
    let q1011 = 1.0 / 479_001_600 + a * (1.0 / 6_227_020_800)
    let q = (q01 + a2 * q23) + a4 * ((q45 + a2 * q67) + a4 * (q89 + a2 * q1011))
    return a + a2 * q
}

/// Cody's three-range approximation of the normal CDF, split so callers can share one exponential.
///
/// For |z| ≤ 0.674: N(z) = 0.5 + `central(z)`. Beyond: N(−|z|) = exp(−z²/2) · `tailRatio(|z|)`.
/// The pricing kernel supplies exp(−z²/2) (already multiplied by a notional) itself, which is how
/// it prices both N(d1) and N(d2) with a single exponential.
@usableFromInline
enum CodyNormal {
    /// qnorm(3/4): below it the odd polynomial form is used.
    @usableFromInline static let centralLimit = 0.674_489_75
    /// √32: beyond it the asymptotic form in 1/z² is used.
    @usableFromInline static let asymptoticLimit = 5.656_854_249_492_380_195_206_754_896_838

    /// N(z) − 0.5 for |z| ≤ 0.674, with full relative precision (odd rational in z).
    @inlinable @inline(__always)
    static func central(_ z: Double) -> Double {
        z * centralNumerator(z * z) / centralDenominator(z * z)
    }

    @inlinable @inline(__always)
    static func centralNumerator(_ zz: Double) -> Double {
        (((0.065682337918207449113 * zz + 2.2352520354606839287) * zz + 161.02823106855587881) * zz
            + 1067.6894854603709582) * zz + 18154.981253343561249
    }

    @inlinable @inline(__always)
    static func centralDenominator(_ zz: Double) -> Double {
        (((zz + 47.20258190468824187) * zz + 976.09855173777669322) * zz + 10260.932208618978205) * zz
            + 45507.789335026729956
    }

    @inlinable @inline(__always)
    static func middleNumerator(_ y: Double) -> Double {
        (((((((1.0765576773720192317e-8 * y + 0.39894151208813466764) * y + 8.8831497943883759412) * y
            + 93.506656132177855979) * y + 597.27027639480026226) * y + 2494.5375852903726711) * y
            + 6848.1904505362823326) * y + 11602.651437647350124) * y + 9842.7148383839780218
    }

    @inlinable @inline(__always)
    static func middleDenominator(_ y: Double) -> Double {
        (((((((y + 22.266688044328115691) * y + 235.38790178262499861) * y + 1519.377599407554805) * y
            + 6485.558298266760755) * y + 18615.571640885098091) * y + 34900.952721145977266) * y
            + 38912.003286093271411) * y + 19685.429676859990727
    }

    /// N(−y)/exp(−y²/2) for y > 0.674 (y ≥ 0).
    @inlinable @inline(__always)
    static func tailRatio(_ y: Double) -> Double {
        if y <= asymptoticLimit { return middleNumerator(y) / middleDenominator(y) }
        let r = 1 / (y * y)
        let numerator = ((((0.02307344176494017303 * r + 0.21589853405795699) * r + 0.1274011611602473639) * r
            + 0.022235277870649807) * r + 0.001421619193227893466) * r + 2.9112874951168792e-5
        let denominator = ((((r + 1.28426009614491121) * r + 0.468238212480865118) * r
            + 0.0659881378689285515) * r + 0.00378239633202758244) * r + 7.29751555083966205e-5
        return (NormalDistribution.inverseSqrtTwoPi - r * numerator / denominator) / y
    }

    /// exp(−y²/2) without the rounding error of y² (Cody's split), for the standalone CDF.
    @inlinable @inline(__always)
    static func exactGaussian(_ y: Double) -> Double {
        let head = (y * 16).rounded(.towardZero) / 16
        let del = (y - head) * (y + head)
        return Double.exp(-0.5 * head * head) * Double.exp(-0.5 * del)
    }

    /// m·N(z) as `coefficient·m + rest`, given g = m·exp(−z²/2).
    ///
    /// Keeping the notional part (`coefficient` is 0, ½ or 1) apart from the small part lets a
    /// caller subtract two such values without cancelling the large parts against each other.
    @inlinable @inline(__always)
    static func scaled(_ z: Double, amount m: Double, scaledGaussian g: Double) -> (coefficient: Double, rest: Double) {
        let y = abs(z)
        if y <= centralLimit { return (0.5, m * central(z)) }
        let tail = g * tailRatio(y)
        return z < 0 ? (0, tail) : (1, -tail)
    }

    /// `scaled` for two arguments sharing g, without data-dependent branches.
    ///
    /// Random books make Cody's region choice unpredictable (a mispredict costs more than a
    /// rational), so all three regions are evaluated for both arguments in two-lane SIMD, and
    /// each lane picks its numerator and denominator before the one shared `divpd`. The
    /// asymptotic form (N(−y)/exp(−y²/2) = (1/√(2π) − r·P(r)/Q(r))/y, r = 1/y²) is multiplied
    /// through by y¹² to become a ratio of polynomials in t = y², so it needs no division of its
    /// own: (t·Q̃(t)/√(2π) − P̃(t)) / (y·t·Q̃(t)), every polynomial with positive coefficients.
    @inlinable @inline(__always)
    static func scaledPair(
        _ za: Double, amount ma: Double, _ zb: Double, amount mb: Double, scaledGaussian g: Double
    ) -> (a: (coefficient: Double, rest: Double), b: (coefficient: Double, rest: Double)) {
        let z = SIMD2(za, zb)
        let negative = z .< 0
        let y = z.replacing(with: -z, where: negative)
        let zz = z * z
        let centralNumerator = estrin4(zz, [
            0.065682337918207449113, 2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
            18154.981253343561249,
        ])
        let centralDenominator = estrin4(zz, [
            1, 47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956,
        ])
        let middleNumerator = estrin8(y, [
            1.0765576773720192317e-8, 0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
            597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124,
            9842.7148383839780218,
        ])
        let middleDenominator = estrin8(y, [
            1, 22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
            18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
        ])
        let central = y .<= centralLimit
        let middle = y .<= asymptoticLimit
        if all(middle) {
            // The common case in a listed book, and a predictable branch there: the asymptotic
            // lanes would be discarded anyway, so skip them. Same selected values, same bits.
            let quotient = (g * middleNumerator).replacing(with: SIMD2(ma, mb) * z * centralNumerator, where: central)
                / middleDenominator.replacing(with: centralDenominator, where: central)
            let coefficient = SIMD2<Double>(repeating: 1)
                .replacing(with: 0, where: negative)
                .replacing(with: 0.5, where: central)
            let rest = (SIMD2<Double>() - quotient)
                .replacing(with: quotient, where: negative .| central)
            return ((coefficient[0], rest[0]), (coefficient[1], rest[1]))
        }
        // Beyond y = 1e4 the asymptotic ratio is 1/(y√(2π)) to 1e-8 and g is already clamped at
        // e^−700, so clamping t there keeps t⁶ far from overflow without changing any result that matters.
        let t = SIMD2<Double>(repeating: 1e8).replacing(with: zz, where: zz .< 1e8)
        let asymptoticDenominator = estrin5(t, [
            7.29751555083966205e-5, 0.00378239633202758244, 0.0659881378689285515, 0.468238212480865118,
            1.28426009614491121, 1,
        ])
        let asymptoticNumerator = estrin5(t, [
            2.9112874951168792e-5, 0.001421619193227893466, 0.022235277870649807, 0.1274011611602473639,
            0.21589853405795699, 0.02307344176494017303,
        ])
        let tScaledDenominator = t * asymptoticDenominator
        let numerator = (g * (NormalDistribution.inverseSqrtTwoPi * tScaledDenominator - asymptoticNumerator))
            .replacing(with: g * middleNumerator, where: middle)
            .replacing(with: SIMD2(ma, mb) * z * centralNumerator, where: central)
        let denominator = (y * tScaledDenominator)
            .replacing(with: middleDenominator, where: middle)
            .replacing(with: centralDenominator, where: central)
        let quotient = numerator / denominator
        let coefficient = SIMD2<Double>(repeating: 1)
            .replacing(with: 0, where: negative)
            .replacing(with: 0.5, where: central)
        let rest = (SIMD2<Double>() - quotient)
            .replacing(with: quotient, where: negative .| central)
        return ((coefficient[0], rest[0]), (coefficient[1], rest[1]))
    }

    /// `scaledPair` for the two argument pairs of two options at once (a₁, a₂, b₁, b₂), for the
    /// batch. The same operations in the same order as `scaledPair` on each lane (this is a copy
    /// with the lane count changed: a generic version is not inlined), so every result is
    /// bit-identical to the scalar kernel's. Keep the two in step.
    @inlinable @inline(__always)
    static func scaledQuad(
        _ z: SIMD4<Double>, amount m: SIMD4<Double>, scaledGaussian g: SIMD4<Double>
    ) -> (coefficient: SIMD4<Double>, rest: SIMD4<Double>) {
        let negative = z .< 0
        let y = z.replacing(with: -z, where: negative)
        let zz = z * z
        let centralNumerator = estrin4(zz, [
            0.065682337918207449113, 2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
            18154.981253343561249,
        ])
        let centralDenominator = estrin4(zz, [
            1, 47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956,
        ])
        let middleNumerator = estrin8(y, [
            1.0765576773720192317e-8, 0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
            597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124,
            9842.7148383839780218,
        ])
        let middleDenominator = estrin8(y, [
            1, 22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
            18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
        ])
        // Beyond y = 1e4 the asymptotic ratio is 1/(y√(2π)) to 1e-8 and g is already clamped at
        // e^−700, so clamping t there keeps t⁶ far from overflow without changing any result that matters.
        let t = SIMD4<Double>(repeating: 1e8).replacing(with: zz, where: zz .< 1e8)
        let asymptoticDenominator = estrin5(t, [
            7.29751555083966205e-5, 0.00378239633202758244, 0.0659881378689285515, 0.468238212480865118,
            1.28426009614491121, 1,
        ])
        let asymptoticNumerator = estrin5(t, [
            2.9112874951168792e-5, 0.001421619193227893466, 0.022235277870649807, 0.1274011611602473639,
            0.21589853405795699, 0.02307344176494017303,
        ])
        let tScaledDenominator = t * asymptoticDenominator
        let central = y .<= centralLimit
        let middle = y .<= asymptoticLimit
        let numerator = (g * (NormalDistribution.inverseSqrtTwoPi * tScaledDenominator - asymptoticNumerator))
            .replacing(with: g * middleNumerator, where: middle)
            .replacing(with: m * z * centralNumerator, where: central)
        let denominator = (y * tScaledDenominator)
            .replacing(with: middleDenominator, where: middle)
            .replacing(with: centralDenominator, where: central)
        let quotient = numerator / denominator
        let coefficient = SIMD4<Double>(repeating: 1)
            .replacing(with: 0, where: negative)
            .replacing(with: 0.5, where: central)
        let rest = (SIMD4<Double>() - quotient)
            .replacing(with: quotient, where: negative .| central)
        return (coefficient, rest)
    }

    /// A degree-5 polynomial, leading coefficient first, by Estrin's scheme.
    @inlinable @inline(__always)
    static func estrin5(_ t: SIMD2<Double>, _ c: [Double]) -> SIMD2<Double> {
        let t2 = t * t
        let p01 = t * c[4] + c[5]
        let p23 = t * c[2] + c[3]
        let p45 = t * c[0] + c[1]
        return (p45 * t2 + p23) * t2 + p01
    }

    /// The same, four lanes.
    @inlinable @inline(__always)
    static func estrin5(_ t: SIMD4<Double>, _ c: [Double]) -> SIMD4<Double> {
        let t2 = t * t
        let p01 = t * c[4] + c[5]
        let p23 = t * c[2] + c[3]
        let p45 = t * c[0] + c[1]
        return (p45 * t2 + p23) * t2 + p01
    }

    /// A degree-4 polynomial, leading coefficient first, by Estrin's scheme: half the dependency
    /// chain of Horner's rule, which is what bounds the kernel's latency.
    @inlinable @inline(__always)
    static func estrin4(_ t: SIMD2<Double>, _ c: [Double]) -> SIMD2<Double> {
        let t2 = t * t
        let low = t * c[3] + c[4]
        let high = t * c[1] + c[2]
        return (t2 * c[0] + high) * t2 + low
    }

    /// The same, four lanes.
    @inlinable @inline(__always)
    static func estrin4(_ t: SIMD4<Double>, _ c: [Double]) -> SIMD4<Double> {
        let t2 = t * t
        let low = t * c[3] + c[4]
        let high = t * c[1] + c[2]
        return (t2 * c[0] + high) * t2 + low
    }

    /// A degree-8 polynomial, leading coefficient first, by Estrin's scheme.
    @inlinable @inline(__always)
    static func estrin8(_ t: SIMD2<Double>, _ c: [Double]) -> SIMD2<Double> {
        let t2 = t * t
        let t4 = t2 * t2
        let p01 = t * c[7] + c[8]
        let p23 = t * c[5] + c[6]
        let p45 = t * c[3] + c[4]
        let p67 = t * c[1] + c[2]
        let low = t2 * p23 + p01
        let high = t2 * p67 + p45
        return (t4 * c[0] + high) * t4 + low
    }

    /// The same, four lanes.
    @inlinable @inline(__always)
    static func estrin8(_ t: SIMD4<Double>, _ c: [Double]) -> SIMD4<Double> {
        let t2 = t * t
        let t4 = t2 * t2
        let p01 = t * c[7] + c[8]
        let p23 = t * c[5] + c[6]
        let p45 = t * c[3] + c[4]
        let p67 = t * c[1] + c[2]
        let low = t2 * p23 + p01
        let high = t2 * p67 + p45
        return (t4 * c[0] + high) * t4 + low
    }
}

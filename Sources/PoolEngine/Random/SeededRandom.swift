import RealModule

/// A small, fast, seedable generator (xoshiro256**) whose whole state is a value, so runs replay exactly.
public struct SeededRandom: RandomNumberGenerator, Codable, Hashable, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Expands `seed` with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var state = seed
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inlinable
    static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in (0, 1], safe to take the log of.
    public mutating func uniformOpenAtZero() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// A standard normal draw (Box–Muller; one of the pair is discarded to keep the state a plain value).
    public mutating func normal() -> Double {
        let u1 = uniformOpenAtZero()
        let u2 = uniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    /// An exponential draw with the given mean.
    public mutating func exponential(mean: Double) -> Double {
        -mean * Double.log(uniformOpenAtZero())
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// A uniform double in `range`.
    public mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }
}

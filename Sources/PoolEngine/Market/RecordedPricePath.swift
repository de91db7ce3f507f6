import RealModule

/// The seeded tick path a recorded market's spot follows between bars.
///
/// For bar k (ticks j = 0…n from its open time, n reaching the next bar's open): j = 0 is where the previous segment
/// ended (the previous close, or this bar's open at the first bar and after a gap), j = 1 is the bar's **open**, the
/// bar's **high** and **low** fall on two seeded ticks a < b inside the bar (low first with probability 0.65 when the
/// bar closed up, 0.35 when it closed down, else 0.5), and j = interval/tick is the bar's **close**. Between those
/// points the log price is a Brownian bridge (per-tick volatility half the bar's Parkinson range estimate), clamped
/// to [low, high], so the path never leaves the bar's range and hits each of its four prices exactly (assigned, not
/// computed). A gap before the next bar (within the reader's limit) is a bridge from the close to the next open.
///
/// Each bar's path depends only on the engine seed, the market's index and the bar's index, so it can be built
/// lazily, dropped, and rebuilt identically: a snapshot needs no path state beyond the time.
public enum RecordedPricePath {
    /// A bar must span at least this many ticks: the previous close, the open, two extremes and the close.
    public static let minimumTicksPerBar: Int64 = 4

    /// The spot at each tick of bar `k`'s segment; element j is the spot at `bars.times[k] + j × tick`.
    public static func segment(bars: PriceBars, bar k: Int, tick: Int64, seed: UInt64, market: Int) -> [Double] {
        let barTicks = Int(bars.interval.milliseconds / tick)
        let nextStart = k + 1 < bars.count ? bars.times[k + 1] : bars.closeTime(k)
        let totalTicks = max(barTicks, Int((nextStart - bars.times[k]) / tick))
        var values = [Double](repeating: bars.close[k], count: totalTicks + 1)
        let open = bars.open[k], high = bars.high[k], low = bars.low[k], close = bars.close[k]
        let gapBefore = k > 0 && bars.times[k] > bars.closeTime(k - 1)
        values[0] = k == 0 || gapBefore ? open : bars.close[k - 1]
        values[1] = open
        var random = SeededRandom(seed: pathSeed(seed, market: market, bar: k))
        let lowFirstChance = close > open ? 0.65 : close < open ? 0.35 : 0.5
        let lowFirst = random.uniform() < lowFirstChance
        // a in 2…barTicks−2, b in a+1…barTicks−1 (uniform() < 1, so the products stay below their bounds).
        let a = 2 + Int(random.uniform() * Double(barTicks - 3))
        let b = a + 1 + Int(random.uniform() * Double(barTicks - 1 - a))
        values[a] = lowFirst ? low : high
        values[b] = lowFirst ? high : low
        values[barTicks] = close
        // Parkinson: σ_bar ≈ ln(H/L) / √(4 ln 2) ≈ 0.6 ln(H/L); half of it per bar for the noise between the fixed points.
        let stepVolatility = 0.5 * 0.6 * Double.log(high / low) / Double(barTicks).squareRoot()
        bridge(&values, from: 1, to: a, volatility: stepVolatility, within: low...high, random: &random)
        bridge(&values, from: a, to: b, volatility: stepVolatility, within: low...high, random: &random)
        bridge(&values, from: b, to: barTicks, volatility: stepVolatility, within: low...high, random: &random)
        if totalTicks > barTicks, k + 1 < bars.count {
            values[totalTicks] = bars.open[k + 1]
            bridge(&values, from: barTicks, to: totalTicks, volatility: stepVolatility, within: nil, random: &random)
        }
        return values
    }

    /// Fills `values[from+1 ..< to]` with a Brownian bridge in log price between the fixed ends (sequential conditional
    /// sampling: each step aims at the end with the variance left), clamped to `range` when given.
    static func bridge(_ values: inout [Double], from: Int, to: Int, volatility: Double, within range: ClosedRange<Double>?,
                       random: inout SeededRandom) {
        let steps = to - from
        guard steps > 1 else { return }
        let target = Double.log(values[to])
        var x = Double.log(values[from])
        for j in 1..<steps {
            let left = Double(steps - j + 1)
            x += (target - x) / left + volatility * ((left - 1) / left).squareRoot() * random.normal()
            var value = Double.exp(x)
            if let range { value = min(max(value, range.lowerBound), range.upperBound) }
            values[from + j] = value
        }
    }

    /// A per-bar seed: the engine seed mixed with the market and the bar (SplitMix in `SeededRandom` spreads it).
    static func pathSeed(_ seed: UInt64, market: Int, bar: Int) -> UInt64 {
        (seed &+ (UInt64(truncatingIfNeeded: market &+ 1) &* 0x9E37_79B9_7F4A_7C15)) ^ (UInt64(truncatingIfNeeded: bar) &* 0xBF58_476D_1CE4_E5B9)
    }
}

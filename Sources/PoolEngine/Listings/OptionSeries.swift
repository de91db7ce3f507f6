import RealModule

/// Identifies one option series (market, expiry, strike, call or put).
public struct SeriesID: IndexIdentifier, CustomStringConvertible {
    public var index: Int
    public init(_ index: Int) { self.index = index }
    public var description: String { "#\(index)" }
}

/// Identifies one board (all strikes of one expiry in one market).
public struct BoardID: IndexIdentifier {
    public var index: Int
    public init(_ index: Int) { self.index = index }
}

/// A listed European option: what is traded, not how it is priced.
extension Board {
    /// The index of the strike nearest to `spot` (the at-the-money strike); the lower one on a tie, 0 for no strikes.
    public func atTheMoneyIndex(spot: Double) -> Int {
        strikes.indices.min { abs(strikes[$0].doubleValue - spot) < abs(strikes[$1].doubleValue - spot) } ?? 0
    }
}

public struct OptionSeries: Codable, Hashable, Sendable {
    public var id: SeriesID
    public var board: BoardID
    public var market: MarketID
    public var kind: OptionKind
    public var strike: Money
    public var expiry: SimTime
    /// Deribit-style name, e.g. `BTC-27DEC26-62000-C` or `BTC-1DEC26T1400-62000-C` for intraday expiries.
    public var name: String
    /// Index of the strike within its board (shared by the call and the put).
    public var strikeIndex: Int
}

/// One expiry of one market: its strikes, base IV and per-strike skew (Lyra's board).
public struct Board: Codable, Hashable, Sendable {
    public var id: BoardID
    public var market: MarketID
    public var expiry: SimTime
    public var listedAt: SimTime
    public var tenor: SimDuration
    /// Short label for tabs and aliases: `1H`, `4H`, `1D`, `7D`.
    public var tenorLabel: String
    public var strikes: [Money]
    public var baseIv: Double
    /// Smoothed base IV for the volatility circuit breaker.
    public var smoothedBaseIv: Double
    public var skews: [Double]
    /// Call and put series per strike index.
    public var calls: [SeriesID]
    public var puts: [SeriesID]
    /// Spot at settlement once settled.
    public var settlementSpot: Double?
    /// Shorter tenors whose next board would have had this board's expiry and joined it instead (nil: none).
    /// Optional so a snapshot of a board without any encodes exactly as before.
    public var joinedTenors: [SimDuration]?

    public var isSettled: Bool { settlementSpot != nil }

    /// Every tenor this board serves: its own, then any that joined it; each is listed again when it settles.
    public var tenors: [SimDuration] { [tenor] + (joinedTenors ?? []) }

    /// When opening trades stop on this board.
    public func tradingCutoff(_ amm: AMMConfiguration) -> SimTime {
        let scaled = SimDuration(milliseconds: Int64(Double(tenor.milliseconds) * amm.tradingCutoffShareOfTenor))
        return expiry - min(amm.tradingCutoff, scaled)
    }

    /// The series of `kind` at strike `index`.
    public func series(_ kind: OptionKind, strikeIndex index: Int) -> SeriesID {
        kind == .call ? calls[index] : puts[index]
    }
}

extension SimDuration {
    /// `1H`, `4H`, `1D`, `7D`, `2W`: the alias used in board tabs and on the command line.
    public var tenorLabel: String {
        let minutes = milliseconds / 60_000
        if minutes % (7 * 1440) == 0 && minutes >= 14 * 1440 { return "\(minutes / (7 * 1440))W" }
        if minutes % 1440 == 0 { return "\(minutes / 1440)D" }
        if minutes % 60 == 0 { return "\(minutes / 60)H" }
        return "\(minutes)M"
    }
}

/// Strike grids and names for new boards.
enum ListingRules {
    /// A "nice" strike step (1, 2, 2.5 or 5 × 10^k) near half a standard deviation of the tenor.
    static func strikeStep(spot: Double, volatility: Double, years: Double) -> Double {
        let target = max(spot * volatility * years.squareRoot() * 0.5, spot * 0.001)
        let magnitude = Double.pow(10, Double(Int(Double.log10(target).rounded(.down))))
        let candidates = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }
        return candidates.min(by: { abs($0 - target) < abs($1 - target) }) ?? magnitude
    }

    /// The expiry of a board of `tenor` listed at `now`: intraday tenors end on a whole hour,
    /// daily and longer ones at 08:00 UTC like Deribit.
    static func expiry(listedAt now: SimTime, tenor: SimDuration) -> SimTime {
        let earliest = now + tenor
        if tenor < .days(1) { return earliest.roundedUp(to: .hours(1)) }
        return earliest.roundedUp(to: .days(1), offset: .hours(8))
    }

    static func seriesName(symbol: String, expiry: SimTime, tenor: SimDuration, strike: Money, kind: OptionKind) -> String {
        let civil = expiry.civil
        var date = civil.expiryCode
        if tenor < .days(1) || civil.hour != 8 || civil.minute != 0 {
            date += "T\(twoDigits(civil.hour))\(twoDigits(civil.minute))"
        }
        return "\(symbol)-\(date)-\(strikeText(strike))-\(kind == .call ? "C" : "P")"
    }

    static func strikeText(_ strike: Money) -> String {
        if strike.micros % fixedPointScale == 0 { return "\(strike.micros / fixedPointScale)" }
        var text = strike.description
        text = text.replacingOccurrences(of: Character("."), with: Character("d"))
        return text
    }

    /// The initial skew of a strike: `curve` at the strike's standardized moneyness, clamped to `bounds`.
    /// ``SkewCurve/legacy`` computes exactly what every session did before the curve was configurable.
    static func initialSkew(strike: Double, spot: Double, baseIv: Double, years: Double, bounds: ClosedRange<Double>,
                            curve: SkewCurve = .legacy) -> Double {
        let m = SkewCurve.standardizedMoneyness(strike: strike, spot: spot, baseIv: baseIv, years: years)
        let skew = curve.skew(standardizedMoneyness: m)
        return min(max(skew, bounds.lowerBound), bounds.upperBound)
    }
}

extension String {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

/// Price and Greeks in raw units: delta = dV/dS, gamma = d2V/dS2, vega per 1.00 vol, theta per year (= -dV/dT), rho per 1.00 rate.
public struct OptionValuation: Hashable, Sendable, Codable {
    public var price: Double
    public var delta: Double
    public var gamma: Double
    public var vega: Double
    public var theta: Double
    public var rho: Double

    /// Creates a valuation from raw-unit values.
    @inlinable
    public init(price: Double, delta: Double, gamma: Double, vega: Double, theta: Double, rho: Double) {
        self.price = price
        self.delta = delta
        self.gamma = gamma
        self.vega = vega
        self.theta = theta
        self.rho = rho
    }

    /// vega and rho per 1%, theta per calendar day.
    @inlinable
    public var traderUnits: OptionValuation {
        OptionValuation(
            price: price, delta: delta, gamma: gamma,
            vega: vega / 100, theta: theta / 365, rho: rho / 100
        )
    }

    /// All fields zero: also what the kernel returns for inputs outside its domain.
    public static let zero = OptionValuation(price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0)
}

extension OptionValuation {
    enum CodingKeys: String, CodingKey { case price, delta, gamma, vega, theta, rho }

    /// Reads a stored valuation the way the kernel reports values today: a value below the smallest normal double
    /// (which release-1 snapshots may hold) reads as 0, so an old snapshot equals the same state replayed now.
    public init(from decoder: any Decoder) throws {
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Double {
            let number = try stored.decode(Double.self, forKey: key)
            // Flushed with its sign kept, as the kernel flushes (a negative rho underflows to −0).
            return abs(number) < .leastNormalMagnitude ? (number.sign == .minus ? -0.0 : 0) : number
        }
        self.init(price: try value(.price), delta: try value(.delta), gamma: try value(.gamma),
                  vega: try value(.vega), theta: try value(.theta), rho: try value(.rho))
    }
}

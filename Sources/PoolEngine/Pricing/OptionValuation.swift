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

/// Running counts for summaries; arrays rather than dictionaries so output order never varies.
public struct EngineStatistics: Codable, Hashable, Sendable {
    public var ticks: Int = 0
    public var trades: Int = 0
    public var contractsTraded: Double = 0
    public var premiumVolume: Money = .zero
    public var settlements: Int = 0
    public var boardsSettled: Int = 0
    public var liquidations: Int = 0
    public var hedges: Int = 0
    public var deposits: Int = 0
    public var withdrawals: Int = 0
    /// Rejection counts indexed like `RejectionReason.allCases`.
    public var rejectionCounts: [Int] = Array(repeating: 0, count: RejectionReason.allCases.count)

    /// Rejections per reason, in declaration order, omitting zeros.
    public var rejections: [(reason: RejectionReason, count: Int)] {
        RejectionReason.allCases.enumerated().compactMap { index, reason in
            rejectionCounts[index] > 0 ? (reason, rejectionCounts[index]) : nil
        }
    }

    public var totalRejections: Int { rejectionCounts.reduce(0, +) }

    mutating func countRejection(_ reason: RejectionReason) {
        if let index = RejectionReason.allCases.firstIndex(of: reason) { rejectionCounts[index] += 1 }
    }
}

/// Pool-level net Greeks in raw units (delta in underlying units, vega per 1.00 vol, theta per year).
public struct NetGreeks: Codable, Hashable, Sendable {
    public var delta: Double = 0
    public var gamma: Double = 0
    public var vega: Double = 0
    public var theta: Double = 0
    public var rho: Double = 0

    public init(delta: Double = 0, gamma: Double = 0, vega: Double = 0, theta: Double = 0, rho: Double = 0) {
        self.delta = delta
        self.gamma = gamma
        self.vega = vega
        self.theta = theta
        self.rho = rho
    }

    /// Adds `quantity` contracts of an option with `valuation`.
    @inlinable
    public mutating func add(_ valuation: OptionValuation, quantity: Double) {
        delta += valuation.delta * quantity
        gamma += valuation.gamma * quantity
        vega += valuation.vega * quantity
        theta += valuation.theta * quantity
        rho += valuation.rho * quantity
    }

    public static func + (lhs: NetGreeks, rhs: NetGreeks) -> NetGreeks {
        NetGreeks(delta: lhs.delta + rhs.delta, gamma: lhs.gamma + rhs.gamma, vega: lhs.vega + rhs.vega,
                  theta: lhs.theta + rhs.theta, rho: lhs.rho + rhs.rho)
    }
}

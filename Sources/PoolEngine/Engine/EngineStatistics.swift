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

    /// All counts zero.
    public init() {}

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

extension EngineStatistics {
    enum CodingKeys: String, CodingKey {
        case ticks, trades, contractsTraded, premiumVolume, settlements, boardsSettled, liquidations, hedges, deposits
        case withdrawals, rejectionCounts
    }

    /// Stored in snapshots: absent counters are zero, and `rejectionCounts` written before a reason was added (new
    /// ``RejectionReason`` cases are only ever appended) is padded with zeros for the newer reasons.
    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&ticks, .ticks)
        try stored.fill(&trades, .trades)
        try stored.fill(&contractsTraded, .contractsTraded)
        try stored.fill(&premiumVolume, .premiumVolume)
        try stored.fill(&settlements, .settlements)
        try stored.fill(&boardsSettled, .boardsSettled)
        try stored.fill(&liquidations, .liquidations)
        try stored.fill(&hedges, .hedges)
        try stored.fill(&deposits, .deposits)
        try stored.fill(&withdrawals, .withdrawals)
        let counts = try stored.decodeIfPresent([Int].self, forKey: .rejectionCounts) ?? []
        let known = RejectionReason.allCases.count
        rejectionCounts = Array(counts.prefix(known)) + Array(repeating: 0, count: max(0, known - counts.count))
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

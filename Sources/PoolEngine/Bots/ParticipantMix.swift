/// How many participants of each strategy, as integer weights: `noise = 6, informed = 3` makes two noise traders
/// for each informed one. Stored as an object keyed by the strategies' raw values.
public struct ParticipantMix: Codable, Hashable, Sendable {
    /// Weight per strategy; a strategy not listed has weight 0.
    public var weights: [ParticipantStrategy: Int]

    public init(_ weights: [ParticipantStrategy: Int]) { self.weights = weights }

    /// The mix new sessions of the desk start with, per 20 participants (README, "Participants with an edge", says
    /// why): 4 noise, 2 momentum traders, 2 volatility sellers and 2 LPs (the original strategies, with fewer fee
    /// donors than the original mix's 5:2:2:1 per 10), plus 6 informed volatility traders, 2 jump traders and 2
    /// bank-run LPs.
    public static let standard = ParticipantMix([
        .noise: 4, .momentum: 2, .volatilitySeller: 2, .liquidityProvider: 2,
        .informed: 6, .jumpTrader: 2, .bankRunLiquidityProvider: 2,
    ])

    /// The sum of the weights.
    public var total: Int { weights.values.reduce(0) { $0 + max(0, $1) } }

    /// A reason the mix cannot be used, or nil.
    public func validationError() -> String? {
        if weights.values.contains(where: { $0 < 0 }) { return "weights must not be negative" }
        if weights.values.contains(where: { $0 > 1_000 }) { return "a weight is at most 1000" }
        if total == 0 { return "at least one weight must be positive" }
        return nil
    }

    /// The strategies of `count` participants in account order, interleaved so that every prefix follows the weights
    /// as closely as whole participants can (smooth weighted round robin, ties to the earlier strategy in
    /// `ParticipantStrategy.allCases`): 20 participants of the standard mix are exactly its weights.
    public func strategies(count: Int) -> [ParticipantStrategy] {
        let order = ParticipantStrategy.allCases.filter { (weights[$0] ?? 0) > 0 }
        guard !order.isEmpty else { return [] }
        let total = self.total
        var current = Array(repeating: 0, count: order.count)
        var result: [ParticipantStrategy] = []
        result.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) {
            var best = 0
            for index in order.indices {
                current[index] += weights[order[index]] ?? 0
                if current[index] > current[best] { best = index }
            }
            current[best] -= total
            result.append(order[best])
        }
        return result
    }

    public init(from decoder: any Decoder) throws {
        let stored = try decoder.singleValueContainer().decode([String: Int].self)
        var weights: [ParticipantStrategy: Int] = [:]
        for (name, weight) in stored {
            guard let strategy = ParticipantStrategy(rawValue: name) else {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: "unknown participant strategy \(name)"))
            }
            weights[strategy] = weight
        }
        self.weights = weights
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: weights.map { ($0.key.rawValue, $0.value) }))
    }
}

extension ParticipantStrategy {
    /// The strategies that act on information or thresholds (``ParticipantBehaviour``) rather than at random.
    public var hasEdge: Bool { self == .informed || self == .jumpTrader || self == .bankRunLiquidityProvider }
}

/// The thresholds the participants with an edge act on. Every field has a documented default; a stored behaviour
/// without a field (written by an older build) takes that default.
public struct ParticipantBehaviour: Codable, Hashable, Sendable {
    /// Informed and jump traders trade only when the expected gain after fees is at least this share of the
    /// option's value at their volatility (0.03 = 3%), so they do not churn on noise.
    public var minimumEdge: Double = 0.03
    /// How often a jump trader looks at spot (mean of its exponential wait).
    public var jumpPollInterval: SimDuration = .seconds(5)
    /// A log move of spot between two looks at least this large counts as a jump (0.006 ≈ 0.6%; the diffusion
    /// moves BTC about 0.03% in 5 s even when stressed, a calm jump is ±1.2% typically).
    public var jumpThreshold: Double = 0.006
    /// A jump trader sells its options back this long after buying them.
    public var jumpHoldingPeriod: SimDuration = .hours(2)
    /// A bank-run LP withdraws everything when the share price is this far below the highest it has seen (0.02 = 2%).
    public var bankRunDrawdown: Double = 0.02
    /// … or when pool utilization reaches this share.
    public var bankRunUtilization: Double = 0.60
    /// It deposits again once utilization is below this share …
    public var calmUtilization: Double = 0.40
    /// … and at least this long after it ran.
    public var calmPeriod: SimDuration = .hours(24)
    /// Rules 4: how long a plain LP keeps its deposit on average (exponentially distributed, so some leave within a
    /// day and some stay for weeks); nil: ``defaultLiquidityHoldingPeriod``. Optional so that behaviours stored
    /// before it existed encode exactly as they did.
    public var liquidityHoldingPeriod: SimDuration?
    /// Rules 4: how long a plain LP stays out after leaving, on average, before it deposits again; nil:
    /// ``defaultLiquidityAbsencePeriod``.
    public var liquidityAbsencePeriod: SimDuration?

    /// A week: LPs of options vaults commit for an epoch or more (Lyra's and Ribbon's vaults ran weekly rounds), and
    /// a deposit that leaves within minutes pays the withdrawal fee to those who stay.
    public static let defaultLiquidityHoldingPeriod = SimDuration.days(7)
    /// Two days.
    public static let defaultLiquidityAbsencePeriod = SimDuration.days(2)

    /// ``liquidityHoldingPeriod`` or its default.
    public var holdingPeriod: SimDuration { liquidityHoldingPeriod ?? Self.defaultLiquidityHoldingPeriod }
    /// ``liquidityAbsencePeriod`` or its default.
    public var absencePeriod: SimDuration { liquidityAbsencePeriod ?? Self.defaultLiquidityAbsencePeriod }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case minimumEdge, jumpPollInterval, jumpThreshold, jumpHoldingPeriod, bankRunDrawdown, bankRunUtilization
        case calmUtilization, calmPeriod, liquidityHoldingPeriod, liquidityAbsencePeriod
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let stored = try decoder.container(keyedBy: CodingKeys.self)
        try stored.fill(&minimumEdge, .minimumEdge)
        try stored.fill(&jumpPollInterval, .jumpPollInterval)
        try stored.fill(&jumpThreshold, .jumpThreshold)
        try stored.fill(&jumpHoldingPeriod, .jumpHoldingPeriod)
        try stored.fill(&bankRunDrawdown, .bankRunDrawdown)
        try stored.fill(&bankRunUtilization, .bankRunUtilization)
        try stored.fill(&calmUtilization, .calmUtilization)
        try stored.fill(&calmPeriod, .calmPeriod)
        liquidityHoldingPeriod = try stored.decodeIfPresent(SimDuration.self, forKey: .liquidityHoldingPeriod)
        liquidityAbsencePeriod = try stored.decodeIfPresent(SimDuration.self, forKey: .liquidityAbsencePeriod)
    }

    /// A reason the behaviour cannot be used, or nil.
    public func validationError() -> String? {
        if !(minimumEdge >= 0 && minimumEdge <= 10) { return "minimumEdge must be within 0–10" }
        if jumpPollInterval < SessionLimits.shortestActionInterval { return "jumpPollInterval must be at least \(SessionLimits.shortestActionInterval)" }
        if !(jumpThreshold > 0 && jumpThreshold <= 1) { return "jumpThreshold must be within 0–1 (and above 0)" }
        if jumpHoldingPeriod.milliseconds <= 0 { return "jumpHoldingPeriod must be positive" }
        if !(bankRunDrawdown > 0 && bankRunDrawdown <= 1) { return "bankRunDrawdown must be within 0–1 (and above 0)" }
        if !(bankRunUtilization > 0 && bankRunUtilization <= 1) { return "bankRunUtilization must be within 0–1 (and above 0)" }
        if !(calmUtilization >= 0 && calmUtilization <= bankRunUtilization) { return "calmUtilization must be within 0 and bankRunUtilization" }
        if calmPeriod.milliseconds < 0 { return "calmPeriod must not be negative" }
        if holdingPeriod.milliseconds <= 0 { return "liquidityHoldingPeriod must be positive" }
        if absencePeriod.milliseconds <= 0 { return "liquidityAbsencePeriod must be positive" }
        return nil
    }
}

/// What a participant with an edge remembers between two actions. Every field is optional and absent until used.
public struct ParticipantMemory: Codable, Hashable, Sendable {
    /// Bank-run LP: the highest share price seen while invested.
    public var peakSharePrice: Double?
    /// Bank-run LP, and under rules 4 a plain LP: when it last withdrew everything (nil while invested or before its
    /// first deposit).
    public var ranAt: SimTime?
    /// Jump trader: spot of each market at its last look.
    public var lastSpots: [Double]?
    /// Jump trader: when it bought after its last jump (nil while it holds nothing).
    public var boughtAt: SimTime?

    public init() {}
}

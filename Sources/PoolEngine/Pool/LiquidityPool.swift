import DequeModule

/// A withdrawal that waits for liquidity: the shares sit in escrow and are paid at NAV when liquidity frees.
public struct QueuedWithdrawal: Codable, Hashable, Sendable {
    public var account: AccountID
    public var shares: Shares
    public var requestedAt: SimTime
}

/// The pool's delta hedge in one market (a simulated perpetual).
public struct HedgePosition: Codable, Hashable, Sendable {
    /// Signed size in units of the underlying.
    public var size: Double = 0
    /// Average entry price of the open size.
    public var entryPrice: Double = 0
    public var lastHedgeAt: SimTime?
    /// Cumulative hedging costs and realized P&L.
    public var costs: Money = .zero
    public var realizedPnL: Money = .zero

    /// Mark-to-market P&L of the open size at `spot`.
    public func unrealizedPnL(spot: Double) -> Double { size * (spot - entryPrice) }
}

/// The vault every trader trades against: cash, LP shares, collateral locked for written options.
public struct LiquidityPool: Codable, Hashable, Sendable {
    /// Quote held by the pool (premiums, LP deposits, payoffs received), including what is locked.
    public var cash: Money = .zero
    /// Protocol reserve: a share of fees kept apart from LPs.
    public var reserve: Money = .zero
    public var shareSupply: Shares = .zero
    /// Collateral locked per series the pool is net short (indexed by series index), and its total.
    public var lockedBySeries: [Money] = []
    public var lockedCollateral: Money = .zero
    /// The pool's signed net holding per series, indexed by series index (the opposite of all traders' positions).
    /// Arrays, not dictionaries, so that every sum runs in the same order on every run.
    public var netPosition: [Quantity] = []
    public var feesEarned: Money = .zero
    public var withdrawalQueue: Deque<QueuedWithdrawal> = []
    public var queuedShares: Shares = .zero
    public var hedges: [HedgePosition] = []
    public var hedgingEnabled: Bool = true
    /// Payoffs the pool could not collect or pay, recorded rather than hidden.
    public var insolvency: Money = .zero
    /// Liquidation penalties received.
    public var penaltiesEarned: Money = .zero
}

/// Why trading is halted and until when.
public struct Halt: Codable, Hashable, Sendable {
    public enum Reason: Codable, Hashable, Sendable, CustomStringConvertible {
        /// Free liquidity fell below the configured share of NAV.
        case lowFreeLiquidity
        /// A board's base IV moved too far from its smoothed value.
        case volatilityDeviation(BoardID)

        public var description: String {
            switch self {
            case .lowFreeLiquidity: "free liquidity below minimum share of NAV"
            case .volatilityDeviation: "IV moved too far from its smoothed value"
            }
        }
    }

    public var reason: Reason
    public var since: SimTime
    /// The halt lifts at this time unless its condition persists.
    public var until: SimTime
}

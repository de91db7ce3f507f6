/// Identifies an account (a trader, an LP, or a simulated participant).
public struct AccountID: IndexIdentifier, CustomStringConvertible {
    public var index: Int
    public init(_ index: Int) { self.index = index }
    public var description: String { "acct\(index)" }
}

/// What kind of participant owns an account.
public enum AccountRole: String, Codable, Hashable, Sendable {
    /// A person at the desk.
    case trader
    /// A simulated trader.
    case bot
    /// A simulated liquidity provider.
    case liquidityBot
}

/// A participant's quote balance, collateral posted for shorts, LP shares and realized P&L.
public struct Account: Codable, Hashable, Sendable {
    public var id: AccountID
    public var name: String
    public var role: AccountRole
    /// Free quote balance.
    public var balance: Money
    /// Quote posted as collateral for short options: the sum over positions, plus what strategies collateralized by
    /// their maximum payout hold as a whole.
    public var collateral: Money
    /// LP shares held (excluding shares waiting in the withdrawal queue).
    public var shares: Shares
    /// Realized trading P&L (premiums, fees, payoffs).
    public var realizedPnL: Money
    /// Fees paid to the pool.
    public var feesPaid: Money
    /// Everything ever funded from outside.
    public var funded: Money
}

/// Identifies one open position.
public struct PositionID: IndexIdentifier {
    public var index: Int
    public init(_ index: Int) { self.index = index }
}

/// An account's net holding in one series: positive long, negative short.
public struct Position: Codable, Hashable, Sendable {
    public var id: PositionID
    public var account: AccountID
    public var series: SeriesID
    /// Signed contracts: long > 0, short < 0.
    public var quantity: Quantity
    /// Net premium paid (long, premium + fee) or received (short, premium − fee) for the open quantity.
    public var costBasis: Money
    /// Quote posted as collateral (shorts only).
    public var collateral: Money
    public var openedAt: SimTime
    /// The strategy this position is a leg of, or nil for a position of single orders. A strategy's legs never net
    /// with the account's single-order positions in the same series (nor with another strategy's), so the collateral
    /// the strategy posts as a whole always covers exactly its own legs. Absent in snapshots written before
    /// strategies (decoded as nil).
    public var strategy: StrategyID? = nil

    public var isLong: Bool { quantity.micros > 0 }
    public var isShort: Bool { quantity.micros < 0 }

    /// Average entry premium per contract.
    public var averageEntry: Double {
        quantity.isZero ? 0 : costBasis.doubleValue / abs(quantity.doubleValue)
    }
}

/// Buy or sell, from the trader's side.
public enum Side: String, Codable, Hashable, Sendable {
    case buy, sell
    public var opposite: Side { self == .buy ? .sell : .buy }
}

/// A trader's order against the pool.
public struct Order: Codable, Hashable, Sendable {
    public var account: AccountID
    public var series: SeriesID
    public var side: Side
    public var quantity: Quantity
    /// Collateral to post when the order opens a short; nil posts the full collateral (put: strike, call: spot).
    public var collateral: Money?
    /// Worst acceptable total premium (buy: at most, sell: at least), fees included; nil for none.
    public var limitPremium: Money?

    public init(account: AccountID, series: SeriesID, side: Side, quantity: Quantity, collateral: Money? = nil, limitPremium: Money? = nil) {
        self.account = account
        self.series = series
        self.side = side
        self.quantity = quantity
        self.collateral = collateral
        self.limitPremium = limitPremium
    }
}

/// Everything that can change the engine from outside: commands in, events out.
public enum EngineCommand: Codable, Hashable, Sendable {
    /// Opens an account, funded from outside with `funding`.
    case openAccount(name: String, role: AccountRole, funding: Money)
    /// Adds outside money to an account.
    case fund(account: AccountID, amount: Money)
    /// Buys or sells against the pool (buying against a short closes it first, and vice versa).
    case placeOrder(Order)
    /// Closes `quantity` of the account's position in `series` (all of it when nil).
    case closePosition(account: AccountID, series: SeriesID, quantity: Quantity?)
    /// Deposits quote into the pool for shares at NAV.
    case deposit(account: AccountID, amount: Money)
    /// Burns shares for quote at NAV, queued when liquidity is short.
    case withdraw(account: AccountID, shares: Shares)
    /// Turns the pool's delta hedger on or off.
    case setHedging(enabled: Bool)
}

/// Why an order or request was refused.
public enum RejectionReason: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case insufficientBalance
    case insufficientCollateral
    case insufficientShares
    case utilizationCap
    case insufficientLiquidity
    case tradingCutoff
    case deltaCutoff
    case sizeLimit
    case invalidQuantity
    case marketHalted
    case unknownSeries
    case unknownAccount
    case expired
    case noPosition
    case limitPrice
    case poolInsolvent

    public var description: String {
        switch self {
        case .insufficientBalance: "insufficient balance"
        case .insufficientCollateral: "collateral below minimum"
        case .insufficientShares: "not enough LP shares"
        case .utilizationCap: "pool utilization cap reached"
        case .insufficientLiquidity: "pool free liquidity too low"
        case .tradingCutoff: "past the trading cutoff"
        case .deltaCutoff: "strike too far out of the money (|delta| below minimum)"
        case .sizeLimit: "order larger than the size limit"
        case .invalidQuantity: "invalid quantity"
        case .marketHalted: "trading halted"
        case .unknownSeries: "unknown series"
        case .unknownAccount: "unknown account"
        case .expired: "series expired"
        case .noPosition: "no position to close"
        case .limitPrice: "price worse than the limit"
        case .poolInsolvent: "pool NAV is not positive"
        }
    }
}

/// A refusal with its typed reason and a human-readable detail.
public struct Rejection: Codable, Hashable, Sendable, Error {
    public var reason: RejectionReason
    public var detail: String
    public init(_ reason: RejectionReason, _ detail: String = "") {
        self.reason = reason
        self.detail = detail
    }

    /// `reason: detail`, for logs and the status line.
    public var message: String { detail.isEmpty ? reason.description : "\(reason.description): \(detail)" }
}

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

extension Order {
    /// The worst-acceptable total for an order previewed at `previewed` (fees included): `tolerance` (0.01 = 1%)
    /// more for a buy, less for a sell, rounded to the stricter side.
    public static func slippageLimit(previewed: Money, side: Side, tolerance: Double) -> Money {
        let partsPerMillion = Int64((min(max(tolerance, 0), 1) * 1_000_000).rounded())
        switch side {
        case .buy: return previewed.scaled(by: 1_000_000 + partsPerMillion, over: 1_000_000, rounding: .down)
        case .sell: return previewed.scaled(by: 1_000_000 - partsPerMillion, over: 1_000_000, rounding: .up)
        }
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
    /// Closes `quantity` of the account's position in `series` (all of it when nil; more than is held is refused),
    /// at a total premium no worse than `limitPremium` (fees included; nil for none).
    case closePosition(account: AccountID, series: SeriesID, quantity: Quantity?, limitPremium: Money? = nil)
    /// Deposits quote into the pool for shares at NAV.
    case deposit(account: AccountID, amount: Money)
    /// Burns shares for quote at NAV, queued when liquidity is short.
    case withdraw(account: AccountID, shares: Shares)
    /// Turns the pool's delta hedger on or off.
    case setHedging(enabled: Bool)
    /// Buys or sells a multi-leg strategy: every leg fills or none does.
    case placeStrategy(StrategyOrder)
    /// Closes every leg of a strategy the account holds as one order, at a net premium no worse than `limitNetPremium`
    /// (signed as ``StrategyOrder/limitNetPremium``; nil for none).
    case closeStrategy(account: AccountID, strategy: StrategyID, limitNetPremium: Money?)
    /// Closes `quantity` (nil: all) of one leg of a strategy, at a premium no worse than `limitPremium` (as
    /// ``Order/limitPremium``: buy at most, sell at least, fees included). The legs left post what they need alone
    /// (their maximum loss when bounded); what the strategy held beyond that is released.
    case closeStrategyLeg(account: AccountID, strategy: StrategyID, series: SeriesID, quantity: Quantity?, limitPremium: Money?)
}

extension EngineCommand {
    /// The case name, as stored in the journal's `commands.kind` column (a contract: never renamed).
    public var kind: String {
        switch self {
        case .openAccount: "openAccount"
        case .fund: "fund"
        case .placeOrder: "placeOrder"
        case .closePosition: "closePosition"
        case .deposit: "deposit"
        case .withdraw: "withdraw"
        case .setHedging: "setHedging"
        case .placeStrategy: "placeStrategy"
        case .closeStrategy: "closeStrategy"
        case .closeStrategyLeg: "closeStrategyLeg"
        }
    }

    /// `the order (buy 0.1)`, `the deposit of 10000.00`: the command in the words the user gave it, for messages.
    public var summary: String {
        switch self {
        case .placeOrder(let order): "the order (\(order.side.rawValue) \(order.quantity.plainText))"
        case .closePosition(_, _, let quantity, _): "the close\(quantity.map { " of \($0.plainText)" } ?? "")"
        case .deposit(_, let amount): "the deposit of \(amount)"
        case .withdraw(_, let shares): "the withdrawal of \(shares) shares"
        case .fund, .openAccount: "the account change"
        case .setHedging(let enabled): "hedge \(enabled ? "on" : "off")"
        case .placeStrategy(let order): "the \(order.name) (\(order.size.plainText))"
        case .closeStrategy: "the strategy close"
        case .closeStrategyLeg(_, _, _, let quantity, _): "the leg close\(quantity.map { " of \($0.plainText)" } ?? "")"
        }
    }

    /// The account the command acts for (nil for pool-wide commands and new accounts).
    public var account: AccountID? {
        switch self {
        case .openAccount, .setHedging: nil
        case .fund(let account, _), .closePosition(let account, _, _, _), .deposit(let account, _), .withdraw(let account, _): account
        case .placeOrder(let order): order.account
        case .placeStrategy(let order): order.account
        case .closeStrategy(let account, _, _): account
        case .closeStrategyLeg(let account, _, _, _, _): account
        }
    }

    /// The first user-supplied amount or quantity outside ±``FixedPointLimits/maximumMagnitude``, as a rejection.
    ///
    /// Checked once where commands enter the engine, so every sum of two accepted inputs fits in 64 bits and no
    /// command can trap the engine's arithmetic, whatever a keyboard, a file or a network peer sends.
    public var rangeViolation: Rejection? {
        func check<T: FixedPointAmount>(_ value: T?, _ name: String) -> Rejection? {
            guard let value, !value.isWithinInputRange else { return nil }
            return Rejection(.outOfRange, "\(name) \(value) is beyond ±1,000,000,000,000")
        }
        switch self {
        case .openAccount(_, _, let funding): return check(funding, "funding")
        case .fund(_, let amount): return check(amount, "amount")
        case .placeOrder(let order):
            return check(order.quantity, "quantity") ?? check(order.collateral, "collateral") ?? check(order.limitPremium, "limit")
        case .closePosition(_, _, let quantity, let limit): return check(quantity, "quantity") ?? check(limit, "limit")
        case .deposit(_, let amount): return check(amount, "amount")
        case .withdraw(_, let shares): return check(shares, "shares")
        case .setHedging: return nil
        case .placeStrategy(let order): return check(order.size, "size") ?? check(order.limitNetPremium, "limit")
        case .closeStrategy(_, _, let limit): return check(limit, "limit")
        case .closeStrategyLeg(_, _, _, let quantity, let limit): return check(quantity, "quantity") ?? check(limit, "limit")
        }
    }
}

/// Why an order or request was refused.
///
/// Stored by name in journals, and by position in snapshot statistics: add new cases at the end only.
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
    /// An amount or quantity outside the range the engine accepts, or a result that would overflow.
    case outOfRange
    /// A strategy order whose shape the engine does not take: leg count or ratio out of range, a series twice,
    /// legs in different markets, or a strategy the account does not hold.
    case invalidStrategy

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
        case .outOfRange: "amount out of range"
        case .invalidStrategy: "invalid strategy"
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

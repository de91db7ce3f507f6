/// What the engine keeps for one strategy an account holds, besides its legs' positions (which carry the
/// strategy's id: ``Position/strategy``).
struct StrategyRecord: Codable, Hashable, Sendable {
    var id: StrategyID
    var account: AccountID
    var name: String
    /// The legs' series in the order's leg order. A leg closed in full stays listed (its position is gone).
    var legs: [SeriesID]
    var size: Quantity
    /// Net USD paid (> 0) or received (< 0) when opened, fees included.
    var netPremium: Money
    var fees: Money
    var openedAt: SimTime
    /// USD held at the strategy itself: its maximum payout at expiry when ``isBounded``, else zero (its short legs
    /// then hold their own collateral, as single shorts do).
    var collateral: Money
    /// Whether the strategy is collateralized as a whole by its maximum payout (one expiry, loss bounded).
    var isBounded: Bool
}

/// A strategy-level event: a strategy opened, some of its legs closed, settled or were liquidated, or it closed.
///
/// The legs' own trades are ``EventPayload/orderFilled(_:)`` events (their ``Fill/strategy`` names the strategy);
/// settlements are ``EventPayload/positionSettled(_:)`` per leg. This event adds what only the strategy knows: its
/// name, its net premium and the collateral it holds as a whole.
public struct StrategyActivity: Codable, Hashable, Sendable {
    /// Why the strategy changed.
    public enum Cause: String, Codable, Hashable, Sendable {
        case opened, closed, legClosed, settled, liquidated
    }

    public var account: AccountID
    public var strategy: StrategyID
    /// The template's name as the order gave it (`iron condor`, `custom`).
    public var name: String
    public var cause: Cause
    /// The legs this step touched: contracts traded from the trader's side (bought > 0, sold < 0) for opening and
    /// closing; the signed quantities held (long > 0) for settlement and liquidation.
    public var legs: [StrategyHolding.HeldLeg]
    /// Net USD the trader paid (> 0) or received (< 0) in this step, fees included; for a settlement, the payoffs
    /// negated (a settlement that pays the trader is negative).
    public var netPremium: Money
    /// Fees paid in this step, USD.
    public var fees: Money
    /// Collateral the strategy posted (> 0) or released (< 0) in this step, at the strategy and on its legs, USD.
    public var collateralChange: Money
    /// Collateral the strategy holds after this step (zero once closed), USD.
    public var collateral: Money
    /// P&L realized in this step by the legs that closed or settled, USD.
    public var realizedPnL: Money

    public init(account: AccountID, strategy: StrategyID, name: String, cause: Cause, legs: [StrategyHolding.HeldLeg],
                netPremium: Money, fees: Money, collateralChange: Money, collateral: Money, realizedPnL: Money) {
        self.account = account
        self.strategy = strategy
        self.name = name
        self.cause = cause
        self.legs = legs
        self.netPremium = netPremium
        self.fees = fees
        self.collateralChange = collateralChange
        self.collateral = collateral
        self.realizedPnL = realizedPnL
    }
}

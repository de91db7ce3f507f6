/// Something that happened in the engine, numbered and timed; complete enough to journal and replay.
public struct EngineEvent: Codable, Hashable, Sendable {
    /// Position in the engine's event sequence, starting at 1.
    public var sequence: UInt64
    public var time: SimTime
    public var payload: EventPayload
}

/// What happened.
public enum EventPayload: Codable, Hashable, Sendable {
    case accountOpened(account: AccountID, name: String, role: AccountRole, funding: Money)
    case accountFunded(account: AccountID, amount: Money)
    case boardListed(board: BoardID, market: MarketID, expiry: SimTime, tenor: SimDuration, strikes: [Money], baseIv: Double)
    case orderFilled(Fill)
    case orderRejected(account: AccountID, series: SeriesID?, side: Side?, quantity: Quantity?, rejection: Rejection)
    case deposited(account: AccountID, amount: Money, shares: Shares, sharePrice: Double)
    case withdrawalQueued(account: AccountID, shares: Shares)
    case withdrawn(account: AccountID, shares: Shares, amount: Money, fee: Money, sharePrice: Double)
    case positionSettled(PositionSettlement)
    case boardSettled(board: BoardID, spot: Double, positions: Int, poolPayout: Money)
    case liquidated(Liquidation)
    case hedged(market: MarketID, size: Double, price: Double, cost: Money, realizedPnL: Money, newSize: Double)
    case haltStarted(Halt)
    case haltEnded(Halt)
    case hedgingChanged(enabled: Bool)
    case insolvency(amount: Money, detail: String)
    /// A strategy order filled: its legs' fills came just before, as `orderFilled` events.
    case strategyOpened(StrategyActivity)
    /// Some legs of a strategy closed, settled or were liquidated, and others remain.
    case strategyChanged(StrategyActivity)
    /// A strategy's last legs closed, settled or were liquidated: it is gone, its collateral released.
    case strategyClosed(StrategyActivity)
}

/// An executed order: price, fee, IV before and after, utilization after.
public struct Fill: Codable, Hashable, Sendable {
    public var account: AccountID
    public var series: SeriesID
    public var side: Side
    public var quantity: Quantity
    /// Total premium at model prices (fees excluded).
    public var premium: Money
    public var fee: Money
    /// Average premium per contract.
    public var pricePerContract: Double
    public var volatilityBefore: Double
    public var volatilityAfter: Double
    public var utilizationAfter: Double
    /// Contracts of an existing opposite position that this fill closed.
    public var closedQuantity: Quantity
    /// P&L realized by the closing part.
    public var realizedPnL: Money
    /// Collateral posted (opening a short) or released (closing one).
    public var collateralChange: Money
    /// Whether this fill was a forced close.
    public var isLiquidation: Bool
    /// The strategy this fill is a leg of (nil for single orders; absent from events journaled before strategies).
    public var strategy: StrategyID? = nil
}

extension Fill {
    /// What the trader paid (buy: premium + fee) or received (sell: premium − fee), the figure an order's
    /// `limitPremium` is compared with.
    public var traderCashFlow: Money { side == .buy ? premium + fee : premium - fee }
}

/// A position paid out at expiry.
public struct PositionSettlement: Codable, Hashable, Sendable {
    public var account: AccountID
    public var series: SeriesID
    public var quantity: Quantity
    public var spot: Double
    /// Payoff received (long, positive) or paid (short, negative).
    public var payoff: Money
    public var collateralReleased: Money
    public var realizedPnL: Money
    /// What a short could not cover from its collateral.
    public var shortfall: Money
    /// The strategy the position was a leg of (nil for single orders; absent from events journaled before strategies).
    public var strategy: StrategyID? = nil
}

/// A short forced closed below its minimum collateral.
public struct Liquidation: Codable, Hashable, Sendable {
    public var account: AccountID
    public var series: SeriesID
    public var quantity: Quantity
    public var collateral: Money
    public var minimumCollateral: Money
    public var buybackCost: Money
    public var penalty: Money
    public var returned: Money
    public var shortfall: Money
}

extension EventPayload {
    /// The case name, as stored in the journal's `events.kind` column (a contract: never renamed).
    public var kind: String {
        switch self {
        case .accountOpened: "accountOpened"
        case .accountFunded: "accountFunded"
        case .boardListed: "boardListed"
        case .orderFilled: "orderFilled"
        case .orderRejected: "orderRejected"
        case .deposited: "deposited"
        case .withdrawalQueued: "withdrawalQueued"
        case .withdrawn: "withdrawn"
        case .positionSettled: "positionSettled"
        case .boardSettled: "boardSettled"
        case .liquidated: "liquidated"
        case .hedged: "hedged"
        case .haltStarted: "haltStarted"
        case .haltEnded: "haltEnded"
        case .hedgingChanged: "hedgingChanged"
        case .insolvency: "insolvency"
        case .strategyOpened: "strategyOpened"
        case .strategyChanged: "strategyChanged"
        case .strategyClosed: "strategyClosed"
        }
    }

    /// The account the event concerns, if one (the journal's `events.account` column).
    public var account: AccountID? {
        switch self {
        case .accountOpened(let account, _, _, _), .accountFunded(let account, _), .orderRejected(let account, _, _, _, _),
             .deposited(let account, _, _, _), .withdrawalQueued(let account, _), .withdrawn(let account, _, _, _, _):
            account
        case .orderFilled(let fill): fill.account
        case .positionSettled(let settlement): settlement.account
        case .liquidated(let liquidation): liquidation.account
        case .strategyOpened(let activity), .strategyChanged(let activity), .strategyClosed(let activity): activity.account
        case .boardListed, .boardSettled, .hedged, .haltStarted, .haltEnded, .hedgingChanged, .insolvency: nil
        }
    }

    /// The series the event concerns, if one (named in the journal's `events.series` column).
    public var series: SeriesID? {
        switch self {
        case .orderFilled(let fill): fill.series
        case .orderRejected(_, let series, _, _, _): series
        case .positionSettled(let settlement): settlement.series
        case .liquidated(let liquidation): liquidation.series
        case .accountOpened, .accountFunded, .boardListed, .deposited, .withdrawalQueued, .withdrawn, .boardSettled,
             .hedged, .haltStarted, .haltEnded, .hedgingChanged, .insolvency, .strategyOpened, .strategyChanged, .strategyClosed: nil
        }
    }
}

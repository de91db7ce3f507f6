/// Identifies one strategy an account holds (the legs of one multi-leg order, kept together until closed).
public struct StrategyID: IndexIdentifier, CustomStringConvertible {
    public var index: Int
    public init(_ index: Int) { self.index = index }
    public var description: String { "strat\(index)" }
}

/// One leg of a strategy order: a series, the side the trader takes in it, and how many contracts it trades per
/// unit of the order's size (a 1×2 ratio spread has ratios 1 and 2).
public struct StrategyLeg: Codable, Hashable, Sendable {
    public var series: SeriesID
    public var side: Side
    /// Contracts per unit of ``StrategyOrder/size``; 1–10.
    public var ratio: Int

    public init(series: SeriesID, side: Side, ratio: Int = 1) {
        self.series = series
        self.side = side
        self.ratio = ratio
    }
}

/// A multi-leg order (Deribit calls these combos): two to four legs filled all together or not at all.
///
/// Sides are the trader's, as in the template the user asked for; selling a strategy is the same order with every
/// leg's side flipped (``reversed``).
public struct StrategyOrder: Codable, Hashable, Sendable {
    public var account: AccountID
    public var legs: [StrategyLeg]
    /// Contracts per unit of leg ratio (a straddle of size 2 buys 2 calls and 2 puts).
    public var size: Quantity
    /// Worst acceptable net premium in USD, fees included, signed from the trader's side: positive is a debit (pay at
    /// most this), negative a credit (receive at least its magnitude). Nil for none.
    public var limitNetPremium: Money?
    /// The template's name as the user chose it (`straddle`, `iron condor`, `custom`), kept for display only: the
    /// engine trades the legs, whatever the name.
    public var name: String

    public init(account: AccountID, legs: [StrategyLeg], size: Quantity, limitNetPremium: Money? = nil, name: String = "custom") {
        self.account = account
        self.legs = legs
        self.size = size
        self.limitNetPremium = limitNetPremium
        self.name = name
    }

    /// The same strategy with every leg's side flipped (selling what buying would buy).
    public var reversed: StrategyOrder {
        var copy = self
        copy.legs = legs.map { StrategyLeg(series: $0.series, side: $0.side.opposite, ratio: $0.ratio) }
        return copy
    }
}

/// A strategy an account holds: its legs' signed quantities and the collateral posted for it as a whole.
public struct StrategyHolding: Codable, Hashable, Sendable {
    public var id: StrategyID
    public var account: AccountID
    public var name: String
    /// Signed contracts per series (long > 0), in the order's leg order.
    public var legs: [HeldLeg]
    /// USD posted for the strategy's short legs (its maximum loss when bounded, else the legs' shocked minimums).
    public var collateral: Money
    /// Net premium paid (> 0) or received (< 0) when opened, fees included.
    public var netPremium: Money
    public var openedAt: SimTime
    /// The most the trader can still lose on the legs held, USD, when the strategy is collateralized by its maximum
    /// loss (one expiry, loss bounded): what it holds plus the legs' net cost basis. Nil when its short legs post
    /// their own collateral (unbounded, or several expiries).
    public var maximumLoss: Money? = nil

    public struct HeldLeg: Codable, Hashable, Sendable {
        public var series: SeriesID
        public var quantity: Quantity
        public init(series: SeriesID, quantity: Quantity) {
            self.series = series
            self.quantity = quantity
        }
    }

    public init(id: StrategyID, account: AccountID, name: String, legs: [HeldLeg], collateral: Money, netPremium: Money, openedAt: SimTime) {
        self.id = id
        self.account = account
        self.name = name
        self.legs = legs
        self.collateral = collateral
        self.netPremium = netPremium
        self.openedAt = openedAt
    }
}

/// What a strategy order would do, computed on a copy of the engine, leg by leg in the order the engine fills them.
public struct StrategyPreview: Hashable, Sendable {
    /// One leg's outcome: its fill (premium, fee, IV before → after) or, for the leg that refused, nil.
    public struct Leg: Hashable, Sendable {
        public var leg: StrategyLeg
        /// Contracts this leg trades (ratio × size).
        public var quantity: Quantity
        public var fill: Fill?
        public var rejection: Rejection?
        public init(leg: StrategyLeg, quantity: Quantity, fill: Fill?, rejection: Rejection?) {
            self.leg = leg
            self.quantity = quantity
            self.fill = fill
            self.rejection = rejection
        }
    }

    public var legs: [Leg]
    /// Why the whole order would be refused (naming the leg), or nil when it would fill.
    public var rejection: Rejection?
    /// Net premium in USD, fees excluded: positive is paid by the trader (debit), negative received (credit).
    public var netPremium: Money
    /// Fees over all legs, USD.
    public var fees: Money
    /// Collateral the strategy would post, USD.
    public var collateral: Money
    /// The account's Greeks (USD units, as the positions panel) before and after.
    public var accountGreeksBefore: NetGreeks
    public var accountGreeksAfter: NetGreeks
    public var balanceAfter: Money
    public var utilizationAfter: Double
    /// The most the trader can lose at expiry, USD, exact: the collateral plus the net premium (fees in) when the
    /// strategy is bounded (one expiry, loss bounded); nil when unbounded or spread over several expiries.
    public var maximumLoss: Money? = nil
    /// The id the strategy would get (nil when refused).
    public var strategy: StrategyID? = nil

    public init(legs: [Leg], rejection: Rejection?, netPremium: Money, fees: Money, collateral: Money,
                accountGreeksBefore: NetGreeks, accountGreeksAfter: NetGreeks, balanceAfter: Money, utilizationAfter: Double) {
        self.legs = legs
        self.rejection = rejection
        self.netPremium = netPremium
        self.fees = fees
        self.collateral = collateral
        self.accountGreeksBefore = accountGreeksBefore
        self.accountGreeksAfter = accountGreeksAfter
        self.balanceAfter = balanceAfter
        self.utilizationAfter = utilizationAfter
    }

    /// Net USD the trader pays (> 0) or receives (< 0), fees included.
    public var netCashFlow: Money { netPremium + fees }
}

/// The pool's cash flows counted by cause, so that a change in NAV can be explained term by term
/// (``Engine/poolAccounts()``, P&L attribution). Only counts: nothing the engine decides reads it, so it changes no
/// arithmetic, no event and no journaled command.
///
/// Every field is a running total in micro-USD since the ledger opened. Totals add with wrapping arithmetic, so a
/// counter can never trap; what means something is the difference of two readings, which is exact whenever the true
/// difference fits in 64 bits (any real run).
///
/// Together with the counters the pool already keeps (``LiquidityPool/penaltiesEarned``, each hedge's
/// ``HedgePosition/realizedPnL`` and ``HedgePosition/costs``), the ledger explains pool cash and reserve to the
/// unit; ``Engine/checkInvariants()`` asserts both identities:
///
///     cash    = openingCash + (feesCharged − reserveFromFees) + premiumsNet + settlementsNet + penaltiesEarned
///               + Σ hedges (realizedPnL − costs) + hedgeUnpaid − reserveSwept + deposits − withdrawalsPaid
///     reserve = openingReserve + reserveFromFees + reserveSwept
public struct PoolLedger: Codable, Hashable, Sendable {
    /// Trading fees charged to traders in full, before the reserve's cut (liquidation buybacks included).
    public var feesCharged: Money = .zero
    /// The reserve's cut of those fees: taken out of pool cash into the protocol reserve.
    public var reserveFromFees: Money = .zero
    /// Pool cash swept into the reserve when a deposit found a pool without shares (it belonged to no LP).
    public var reserveSwept: Money = .zero
    /// Premium cash of option trades, fees excluded: received from buyers minus paid to sellers. A liquidation
    /// buyback counts what the short could actually pay.
    public var premiumsNet: Money = .zero
    /// Expiry settlement: taken from trader shorts' collateral minus paid to trader longs.
    public var settlementsNet: Money = .zero
    /// Hedge losses and costs the pool could not pay (recorded as insolvency, so the cash never left the pool).
    public var hedgeUnpaid: Money = .zero
    /// LP deposits received.
    public var deposits: Money = .zero
    /// LP withdrawals paid out, net of the withdrawal fee (the fee stays in the pool).
    public var withdrawalsPaid: Money = .zero
    /// Withdrawal fees kept by the pool (earned by the LPs who stay). No cash moves for them, so they are not in the
    /// cash identity; attribution counts a withdrawal at its value before the fee and the fee as income.
    public var withdrawalFees: Money = .zero
    /// Pool cash not explained by the counters above when the ledger opened: zero for a new engine, the pool's
    /// cash less the counters that were already running for an engine read from a snapshot written before the
    /// ledger existed.
    public var openingCash: Money = .zero
    /// The reserve when the ledger opened (zero for a new engine).
    public var openingReserve: Money = .zero
    /// nil when the ledger has counted since the engine was created; otherwise the simulated time at which it opened
    /// on an engine read from an older snapshot (its counters then cover only what happened since).
    public var openedAt: SimTime?

    /// An empty ledger, for a new engine.
    public init() {}

    /// A ledger opening now on a pool that already has a history: the counters start at zero and the opening
    /// balances absorb everything before.
    init(openingOn pool: LiquidityPool, at time: SimTime) {
        var hedgeNet = Money.zero
        for hedge in pool.hedges { hedgeNet = Self.sum(hedgeNet, Self.sum(hedge.realizedPnL, Self.negated(hedge.costs))) }
        openingCash = Self.sum(pool.cash, Self.negated(Self.sum(pool.penaltiesEarned, hedgeNet)))
        openingReserve = pool.reserve
        openedAt = time
    }

    /// Wrapping addition: a running total never traps, and differences stay exact.
    public static func sum(_ a: Money, _ b: Money) -> Money { Money(micros: a.micros &+ b.micros) }

    static func add(_ total: inout Money, _ amount: Money) { total = sum(total, amount) }

    /// Wrapping negation (never traps, even at the smallest value).
    public static func negated(_ value: Money) -> Money { Money(micros: 0 &- value.micros) }

    /// Records one committed trade from the pool's side: `cashFlow` is what the trader paid (buy) or received (sell).
    mutating func recordTrade(side: Side, cashFlow: Money, fee: Money, reserveCut: Money) {
        Self.add(&feesCharged, fee)
        Self.add(&reserveFromFees, reserveCut)
        // Buy: the pool took cashFlow = premium + fee. Sell: it paid cashFlow = premium − fee, so −premium.
        Self.add(&premiumsNet, side == .buy ? Self.sum(cashFlow, Self.negated(fee)) : Self.negated(Self.sum(cashFlow, fee)))
    }

    /// Pool cash the ledger explains, given the counters the pool keeps itself (compared with wrapping arithmetic).
    func explainedCash(_ pool: LiquidityPool) -> Money {
        var total = openingCash
        for term in [feesCharged, Self.negated(reserveFromFees), premiumsNet, settlementsNet, pool.penaltiesEarned, hedgeUnpaid,
                     Self.negated(reserveSwept), deposits, Self.negated(withdrawalsPaid)] {
            Self.add(&total, term)
        }
        for hedge in pool.hedges {
            Self.add(&total, hedge.realizedPnL)
            Self.add(&total, Self.negated(hedge.costs))
        }
        return total
    }

    /// The reserve the ledger explains.
    func explainedReserve() -> Money {
        Self.sum(openingReserve, Self.sum(reserveFromFees, reserveSwept))
    }
}

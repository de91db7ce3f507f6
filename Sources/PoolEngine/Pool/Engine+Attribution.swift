/// The pool's accounts at one moment, in micro-USD: what P&L attribution compares between two moments.
///
/// NAV (``Engine/netAssetValue()``) adds two `Double` marks to the pool's cash. Attribution is exact only in integer
/// units, so this is the one place they become money: each mark is rounded to the nearest micro-USD once, here,
/// and ``nav`` is defined as `cash + optionMark + hedgeMark`. It differs from `netAssetValue()` by at most one
/// micro-USD per rounded mark (plus the `Double` sum's own rounding).
public struct PoolAccounts: Hashable, Sendable {
    public var time: SimTime
    /// Pool cash (premiums, LP deposits, locked collateral included), exact.
    public var cash: Money
    /// Mark value of the pool's net option holdings on live boards, Σ net × model price at the traded vol, rounded.
    public var optionMark: Money
    /// Unrealized P&L of the open hedges at spot, Σ size × (spot − entry), rounded.
    public var hedgeMark: Money
    /// The protocol reserve (not part of NAV).
    public var reserve: Money
    /// Liquidation penalties received since the engine began.
    public var penaltiesEarned: Money
    /// Hedges' realized P&L and costs since the engine began, summed over markets.
    public var hedgeRealized: Money
    public var hedgeCosts: Money
    /// Payoffs the pool could not collect or pay since the engine began.
    public var insolvency: Money
    public var shareSupply: Shares
    public var ledger: PoolLedger

    /// NAV as attribution counts it: cash + rounded option mark + rounded hedge mark.
    public var nav: Money { PoolLedger.sum(cash, PoolLedger.sum(optionMark, hedgeMark)) }

    /// NAV ÷ share supply (1 while there are no shares), like ``Engine/sharePrice(nav:)``.
    public var sharePrice: Double { shareSupply.isZero ? 1 : nav.doubleValue / shareSupply.doubleValue }
}

/// The pool's P&L between two readings of ``PoolAccounts``, by cause, in micro-USD. Exactly:
///
///     navEnd − navStart = flows + fees + options + hedge + penalties − reserve
///
/// - `flows`: LP deposits received − LP withdrawals at their value before the withdrawal fee (shares burned × NAV).
/// - `fees`: trading fees charged in full (the LPs' share and the reserve's cut) + withdrawal fees kept by the pool.
/// - `options`: premiums received − premiums paid (fees excluded, liquidation buybacks included), + collateral
///   collected from short holders at expiry − payoffs paid to long holders, + the change in the rounded mark of the
///   pool's open options.
/// - `hedge`: realized hedge P&L − hedging costs + hedge losses the pool could not pay (insolvency), + the change in
///   the rounded unrealized mark of the open hedges.
/// - `penalties`: liquidation penalties received.
/// - `reserve`: what moved from pool cash into the protocol reserve: its cut of the fees, and cash swept to it when a
///   deposit found a pool without shares.
public struct PoolAttribution: Hashable, Sendable, Codable {
    public var navStart: Money
    public var navEnd: Money
    public var deposits: Money
    /// Withdrawals at their value before the fee: paid out + `withdrawalFees`.
    public var withdrawals: Money
    /// Trading fees charged in full.
    public var tradingFees: Money
    /// Withdrawal fees kept by the pool.
    public var withdrawalFees: Money
    public var optionPremiums: Money
    public var optionSettlements: Money
    public var optionMarkChange: Money
    public var hedgeRealized: Money
    public var hedgeCosts: Money
    public var hedgeUnpaid: Money
    public var hedgeMarkChange: Money
    public var penalties: Money
    public var reserve: Money

    /// All fees: trading fees + withdrawal fees.
    public var fees: Money { PoolLedger.sum(tradingFees, withdrawalFees) }
    /// LP deposits − withdrawals before their fee.
    public var flows: Money { PoolLedger.sum(deposits, PoolLedger.negated(withdrawals)) }
    /// Option P&L: premiums + settlements + mark change.
    public var options: Money { PoolLedger.sum(optionPremiums, PoolLedger.sum(optionSettlements, optionMarkChange)) }
    /// Hedge P&L: realized − costs + unpaid + mark change.
    public var hedge: Money {
        PoolLedger.sum(PoolLedger.sum(hedgeRealized, PoolLedger.negated(hedgeCosts)), PoolLedger.sum(hedgeUnpaid, hedgeMarkChange))
    }
    /// NAV change without LP flows: what the LPs earned or lost.
    public var navChangeExcludingFlows: Money {
        PoolLedger.sum(PoolLedger.sum(navEnd, PoolLedger.negated(navStart)), PoolLedger.negated(flows))
    }
    /// fees + options + hedge + penalties − reserve.
    public var explained: Money {
        PoolLedger.sum(PoolLedger.sum(fees, options), PoolLedger.sum(PoolLedger.sum(hedge, penalties), PoolLedger.negated(reserve)))
    }
    /// What the terms leave unexplained: zero whenever the ledger covers the whole period.
    public var residual: Money { PoolLedger.sum(navChangeExcludingFlows, PoolLedger.negated(explained)) }

    /// The attribution from `start` to `end` (readings of the same engine, `start` first).
    public init(from start: PoolAccounts, to end: PoolAccounts) {
        func ledgerChange(_ path: KeyPath<PoolLedger, Money>) -> Money {
            PoolLedger.sum(end.ledger[keyPath: path], PoolLedger.negated(start.ledger[keyPath: path]))
        }
        func accountsChange(_ path: KeyPath<PoolAccounts, Money>) -> Money {
            PoolLedger.sum(end[keyPath: path], PoolLedger.negated(start[keyPath: path]))
        }
        navStart = start.nav
        navEnd = end.nav
        deposits = ledgerChange(\PoolLedger.deposits)
        withdrawalFees = ledgerChange(\PoolLedger.withdrawalFees)
        withdrawals = PoolLedger.sum(ledgerChange(\PoolLedger.withdrawalsPaid), withdrawalFees)
        tradingFees = ledgerChange(\PoolLedger.feesCharged)
        optionPremiums = ledgerChange(\PoolLedger.premiumsNet)
        optionSettlements = ledgerChange(\PoolLedger.settlementsNet)
        optionMarkChange = accountsChange(\PoolAccounts.optionMark)
        hedgeRealized = accountsChange(\PoolAccounts.hedgeRealized)
        hedgeCosts = accountsChange(\PoolAccounts.hedgeCosts)
        hedgeUnpaid = ledgerChange(\PoolLedger.hedgeUnpaid)
        hedgeMarkChange = accountsChange(\PoolAccounts.hedgeMark)
        penalties = accountsChange(\PoolAccounts.penaltiesEarned)
        reserve = accountsChange(\PoolAccounts.reserve)
    }
}

extension Engine {
    /// Mark value of the pool's net option holdings on live boards (long minus short), as in ``netAssetValue()``.
    public func optionMarkValue() -> Double {
        var value = 0.0
        for boardID in liveBoards {
            let board = boards[boardID.index]
            for id in board.calls + board.puts {
                let net = pool.netPosition[id.index]
                if !net.isZero { value += net.doubleValue * markValuation(id).price }
            }
        }
        return value
    }

    /// Unrealized P&L of the pool's open hedges at spot, as in ``netAssetValue()``.
    public func hedgeMarkValue() -> Double {
        var value = 0.0
        for (market, hedge) in pool.hedges.enumerated() { value += hedge.unrealizedPnL(spot: markets[market].spot) }
        return value
    }

    /// The pool's accounts now, with both marks rounded to the nearest micro-USD (see ``PoolAccounts``).
    public func poolAccounts() -> PoolAccounts {
        var realized = Money.zero, costs = Money.zero
        for hedge in pool.hedges {
            PoolLedger.add(&realized, hedge.realizedPnL)
            PoolLedger.add(&costs, hedge.costs)
        }
        return PoolAccounts(
            time: time, cash: pool.cash,
            optionMark: Money(rounding: optionMarkValue(), .toNearestOrAwayFromZero),
            hedgeMark: Money(rounding: hedgeMarkValue(), .toNearestOrAwayFromZero),
            reserve: pool.reserve, penaltiesEarned: pool.penaltiesEarned, hedgeRealized: realized, hedgeCosts: costs,
            insolvency: pool.insolvency, shareSupply: pool.shareSupply, ledger: ledger)
    }

    /// This engine with `other`'s ledger. For comparing a replay from the start with a stored snapshot whose ledger
    /// opened midway (written before the ledger existed, or by a session resumed from one): a replay cannot
    /// reproduce such a ledger, and the ledger only counts, so everything else is still compared.
    public func withLedger(of other: Engine) -> Engine {
        var copy = self
        copy.ledger = other.ledger
        return copy
    }
}

/// The violations found so far by ``Engine/checkInvariants()``.
struct InvariantViolations {
    private(set) var list: [InvariantViolation] = []
    mutating func fail(_ name: String, _ detail: String) { list.append(InvariantViolation(name: name, detail: detail)) }
}

/// A broken invariant, named and explained.
public struct InvariantViolation: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var detail: String
    public var description: String { "\(name): \(detail)" }
}

extension Engine {
    /// Checks every invariant the real protocols test (DOMAIN.md) against a full recomputation.
    ///
    /// Cost grows with positions and series. Debug builds run it after every `apply` and `advance`
    /// (``checkInvariantsInDebugBuilds(after:)``); `sim` and `verify` run it in release builds too.
    public func checkInvariants() -> [InvariantViolation] {
        var violations = InvariantViolations()
        checkNoNegatives(&violations)
        checkConservation(&violations)
        checkLedger(&violations)
        checkShares(&violations)
        checkPositionsAgainstPool(&violations)
        checkShortCollateralFloors(&violations)
        checkStrategies(&violations)
        checkCachedGreeks(&violations)
        checkVolatilityBounds(&violations)
        checkEachContractListedOnce(&violations)
        return violations.list
    }

    /// 1. No negative balances; locked never exceeds assets.
    func checkNoNegatives(_ violations: inout InvariantViolations) {
        for account in accounts {
            if account.balance.isNegative { violations.fail("negativeBalance", "\(account.name) balance \(account.balance)") }
            if account.collateral.isNegative { violations.fail("negativeCollateral", "\(account.name) collateral \(account.collateral)") }
            if account.shares.isNegative { violations.fail("negativeShares", "\(account.name) shares \(account.shares)") }
        }
        if pool.cash.isNegative { violations.fail("negativePoolCash", "\(pool.cash)") }
        if pool.reserve.isNegative { violations.fail("negativeReserve", "\(pool.reserve)") }
        if pool.lockedCollateral > pool.cash { violations.fail("lockedExceedsAssets", "locked \(pool.lockedCollateral) > cash \(pool.cash)") }
    }

    /// 2. Exact conservation of money: what accounts, pool and reserve hold is what came in from outside.
    func checkConservation(_ violations: inout InvariantViolations) {
        var total = pool.cash + pool.reserve
        for account in accounts { total += account.balance + account.collateral }
        if total != externalNet { violations.fail("conservation", "held \(total) ≠ external net \(externalNet)") }
    }

    /// 2b. The P&L ledger explains pool cash and reserve to the unit (so every cash path of the pool is counted).
    func checkLedger(_ violations: inout InvariantViolations) {
        let cash = ledger.explainedCash(pool)
        if cash != pool.cash { violations.fail("ledgerCash", "ledger explains \(cash) ≠ pool cash \(pool.cash)") }
        let reserve = ledger.explainedReserve()
        if reserve != pool.reserve { violations.fail("ledgerReserve", "ledger explains \(reserve) ≠ reserve \(pool.reserve)") }
    }

    /// 3. Shares add up, and the withdrawal queue holds exactly the queued shares.
    func checkShares(_ violations: inout InvariantViolations) {
        var shares = pool.queuedShares
        for account in accounts { shares += account.shares }
        if shares != pool.shareSupply { violations.fail("shareSupply", "held \(shares) ≠ supply \(pool.shareSupply)") }
        var queued = Shares.zero
        for entry in pool.withdrawalQueue { queued += entry.shares }
        if queued != pool.queuedShares { violations.fail("withdrawalQueue", "queue \(queued) ≠ \(pool.queuedShares)") }
    }

    /// 4. Pool net positions, locks and collateral agree with the positions; nothing settled is still held.
    func checkPositionsAgainstPool(_ violations: inout InvariantViolations) {
        var net = Array(repeating: Quantity.zero, count: series.count)
        var collateral = Array(repeating: Money.zero, count: accounts.count)
        for position in positions.values {
            if position.quantity.isZero { violations.fail("flatPosition", "position \(position.id.index) is flat") }
            if boards[series[position.series.index].board.index].isSettled {
                violations.fail("settledTwice", "position \(position.id.index) in settled \(series[position.series.index].name)")
            }
            net[position.series.index] -= position.quantity
            collateral[position.account.index] += position.collateral
            if position.isLong && !position.collateral.isZero { violations.fail("longCollateral", "position \(position.id.index)") }
            if positionLookup[PositionKey(account: position.account, series: position.series, strategy: position.strategy)] != position.id {
                violations.fail("positionIndex", "position \(position.id.index) missing from lookup")
            }
        }
        if positionLookup.count != positions.count {
            violations.fail("positionIndex", "\(positionLookup.count) keys for \(positions.count) positions")
        }
        var locked = Money.zero
        for index in series.indices {
            if net[index] != pool.netPosition[index] {
                violations.fail("poolNet", "\(series[index].name): pool \(pool.netPosition[index]) ≠ positions \(net[index])")
            }
            locked += pool.lockedBySeries[index]
            let minimum = minimumLock(SeriesID(index))
            if pool.lockedBySeries[index] < minimum {
                violations.fail("underCollateralized", "\(series[index].name): locked \(pool.lockedBySeries[index]) < \(minimum)")
            }
        }
        if locked != pool.lockedCollateral { violations.fail("lockedTotal", "sum \(locked) ≠ total \(pool.lockedCollateral)") }
        // Strategies collateralized by their maximum loss hold it at the strategy, not on their legs.
        for record in strategyBook.values where isKnownAccount(record.account) {
            collateral[record.account.index] += record.collateral
        }
        for account in accounts where collateral[account.id.index] != account.collateral {
            violations.fail("accountCollateral", "\(account.name): positions \(collateral[account.id.index]) ≠ \(account.collateral)")
        }
    }

    /// 4b. The liquidation scan's per-series collateral floors match the positions.
    func checkShortCollateralFloors(_ violations: inout InvariantViolations) {
        var floors = Array(repeating: Double.infinity, count: series.count)
        for position in positions.values where isLiquidatable(position) {
            floors[position.series.index] = min(floors[position.series.index], position.collateral.doubleValue / abs(position.quantity.doubleValue))
        }
        for index in series.indices where floors[index] != shortCollateralFloor[index] {
            violations.fail("shortCollateralFloor", "\(series[index].name): cached \(shortCollateralFloor[index]) ≠ \(floors[index])")
        }
    }

    /// 5. Cached pool Greeks equal a recomputation from positions (same marks).
    func checkCachedGreeks(_ violations: inout InvariantViolations) {
        var recomputed = Array(repeating: NetGreeks(), count: markets.count)
        for position in positions.values {
            let option = series[position.series.index]
            recomputed[option.market.index].add(valuations[position.series.index], quantity: -position.quantity.doubleValue)
        }
        for index in markets.indices {
            let cached = poolGreeks[index], fresh = recomputed[index]
            for (name, a, b) in [("delta", cached.delta, fresh.delta), ("gamma", cached.gamma, fresh.gamma),
                                 ("vega", cached.vega, fresh.vega), ("theta", cached.theta, fresh.theta)] {
                if abs(a - b) > 1e-7 * max(1, abs(b)) {
                    violations.fail("cachedGreeks", "\(markets[index].symbol) \(name) cached \(a) ≠ recomputed \(b)")
                }
            }
        }
    }

    /// 6. IV and skew within bounds.
    func checkVolatilityBounds(_ violations: inout InvariantViolations) {
        let amm = configuration.amm
        for id in liveBoards {
            let board = boards[id.index]
            if !amm.baseIvBounds.contains(board.baseIv) { violations.fail("baseIvBounds", "board \(id.index) base IV \(board.baseIv)") }
            for skew in board.skews where !amm.skewBounds.contains(skew) { violations.fail("skewBounds", "board \(id.index) skew \(skew)") }
        }
    }

    /// 7. A contract is listed once: no two live series share a name or (market, expiry, strike, kind), and no two
    ///    live boards share (market, expiry) — a board of a coinciding tenor joins the existing one. Sessions under the
    ///    original rules (journals from before rules 2) listed such boards twice, as they replay.
    func checkEachContractListedOnce(_ violations: inout InvariantViolations) {
        guard configuration.joinsCoincidingExpiries else { return }
        struct Expiry: Hashable { var market: MarketID, expiry: SimTime }
        struct Contract: Hashable { var expiry: Expiry, strike: Money, kind: OptionKind }
        var names: [String: SeriesID] = [:]
        var contracts: [Contract: SeriesID] = [:]
        var expiries: [Expiry: BoardID] = [:]
        for id in liveBoards {
            let board = boards[id.index]
            if let other = expiries.updateValue(id, forKey: Expiry(market: board.market, expiry: board.expiry)) {
                violations.fail("duplicateBoard", "boards \(other.index) and \(id.index) both expire \(board.expiry) in \(markets[board.market.index].symbol)")
            }
        }
        for id in liveSeries {
            let option = series[id.index]
            if let other = names.updateValue(id, forKey: option.name) {
                violations.fail("duplicateSeriesName", "\(option.name) names series \(other.index) and \(id.index)")
            }
            let contract = Contract(expiry: Expiry(market: option.market, expiry: option.expiry), strike: option.strike, kind: option.kind)
            if let other = contracts.updateValue(id, forKey: contract) {
                violations.fail("duplicateListing", "\(option.name) (series \(id.index)) is the contract of \(series[other.index].name) (series \(other.index))")
            }
        }
    }

    /// The lock a series must carry: puts exactly strike × contracts; calls at least at the spot of the last re-check
    /// (call locks follow spot only at risk refreshes, so any positive lock is accepted for them).
    func minimumLock(_ id: SeriesID) -> Money {
        let net = pool.netPosition[id.index]
        guard net.micros < 0 else { return .zero }
        return series[id.index].kind == .put ? lockRequirement(id, net: net) : Money(micros: 1)
    }
}

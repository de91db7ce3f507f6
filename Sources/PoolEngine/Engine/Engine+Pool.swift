extension Engine {
    /// Collateral locked ÷ pool assets (cash); 1 when the pool holds nothing but has locked collateral.
    public var utilization: Double {
        guard pool.cash.isPositive else { return pool.lockedCollateral.isPositive ? 1 : 0 }
        return pool.lockedCollateral.doubleValue / pool.cash.doubleValue
    }

    /// Net asset value now: cash + hedge P&L + the mark value of the pool's net option holdings (long minus short).
    public func netAssetValue() -> Double {
        var value = pool.cash.doubleValue
        for (market, hedge) in pool.hedges.enumerated() { value += hedge.unrealizedPnL(spot: markets[market].spot) }
        for boardID in liveBoards {
            let board = boards[boardID.index]
            for id in board.calls + board.puts {
                let net = pool.netPosition[id.index]
                if !net.isZero { value += net.doubleValue * markValuation(id).price }
            }
        }
        return value
    }

    /// LP share price: NAV ÷ supply, 1.0 while the supply is zero.
    public func sharePrice(nav: Double) -> Double {
        pool.shareSupply.isZero ? 1 : nav / pool.shareSupply.doubleValue
    }

    /// Value of the shares waiting in the withdrawal queue at the last refreshed NAV.
    func queuedWithdrawalValue() -> Money {
        guard pool.queuedShares.isPositive, pool.shareSupply.isPositive else { return .zero }
        return Money(rounding: pool.queuedShares.doubleValue * max(cachedNAV, 0) / pool.shareSupply.doubleValue, .up)
    }

    /// Quote the pool could pay out right now: cash beyond what its locked collateral needs at the utilization cap.
    ///
    /// Withdrawals never push utilization past the cap, like trades: call locks follow spot, and a pool drained to
    /// 100% would owe more collateral than it holds on the next uptick.
    func availableForWithdrawal() -> Money {
        let capPPM = Int64((configuration.pool.utilizationCap * 1_000_000).rounded())
        guard capPPM > 0 else { return max(.zero, pool.cash - pool.lockedCollateral) }
        let needed = pool.lockedCollateral.scaled(by: 1_000_000, over: capPPM, rounding: .up)
        return max(.zero, pool.cash - needed)
    }

    /// Free liquidity: cash − locked collateral − value of queued withdrawals.
    public var freeLiquidity: Money {
        pool.cash - pool.lockedCollateral - queuedWithdrawalValue()
    }

    mutating func deposit(account: AccountID, amount: Money, into events: inout [EngineEvent]) {
        guard isKnownAccount(account) else { return reject(.unknownAccount, account, into: &events) }
        guard amount.isPositive else { return reject(.invalidQuantity, account, "deposit must be positive", into: &events) }
        guard accounts[account.index].balance >= amount else {
            return reject(.insufficientBalance, account, "deposit \(amount) exceeds balance", into: &events)
        }
        let nav = netAssetValue()
        let minted: Shares
        var orphaned = Money.zero
        if pool.shareSupply.isZero {
            // A pool without shares belongs to no LP: what it still holds (the last withdrawal's fee, rounding dust)
            // goes to the protocol reserve, so the first depositor mints at 1.0 without a windfall.
            orphaned = min(max(.zero, pool.cash - pool.lockedCollateral), Money(rounding: max(nav, 0), .down))
            minted = Shares(micros: amount.micros)
        } else {
            guard nav > 0 else { return reject(.poolInsolvent, account, into: &events) }
            // Mint at NAV, rounded down so that a deposit can never be worth more than it paid.
            let navMoney = Money(rounding: nav, .up)
            minted = Shares(micros: FixedPointMath.mulDiv(amount.micros, pool.shareSupply.micros, navMoney.micros, .down))
        }
        guard minted.isPositive else { return reject(.invalidQuantity, account, "deposit too small for one share unit", into: &events) }
        pool.cash -= orphaned
        pool.reserve += orphaned
        PoolLedger.add(&ledger.reserveSwept, orphaned)
        PoolLedger.add(&ledger.deposits, amount)
        accounts[account.index].balance -= amount
        accounts[account.index].shares += minted
        pool.cash += amount
        pool.shareSupply += minted
        cachedNAV = nav - orphaned.doubleValue + amount.doubleValue
        statistics.deposits += 1
        emit(.deposited(account: account, amount: amount, shares: minted, sharePrice: sharePrice(nav: cachedNAV)), into: &events)
    }

    mutating func withdraw(account: AccountID, shares: Shares, into events: inout [EngineEvent]) {
        guard isKnownAccount(account) else { return reject(.unknownAccount, account, into: &events) }
        guard shares.isPositive else { return reject(.invalidQuantity, account, "withdrawal must be positive", into: &events) }
        guard accounts[account.index].shares >= shares else {
            return reject(.insufficientShares, account, "has \(accounts[account.index].shares) shares", into: &events)
        }
        accounts[account.index].shares -= shares
        pool.withdrawalQueue.append(QueuedWithdrawal(account: account, shares: shares, requestedAt: time))
        pool.queuedShares += shares
        payQueuedWithdrawals(into: &events)
        // Nothing is appended meanwhile, so a non-empty queue still ends with this request.
        if let waiting = pool.withdrawalQueue.last {
            emit(.withdrawalQueued(account: account, shares: waiting.shares), into: &events)
        }
    }

    /// Pays queued withdrawals in order while liquidity allows; the head may be paid in part,
    /// and nobody behind it is paid before it is paid in full.
    mutating func payQueuedWithdrawals(into events: inout [EngineEvent]) {
        while let head = pool.withdrawalQueue.first {
            let nav = netAssetValue()
            cachedNAV = nav
            guard nav > 0, pool.shareSupply.isPositive else { return }
            let navMoney = Money(rounding: nav, .down)
            // Burn at NAV rounded down: a withdrawal never takes more than its share.
            let gross = Money(micros: FixedPointMath.mulDiv(head.shares.micros, navMoney.micros, pool.shareSupply.micros, .down))
            let available = availableForWithdrawal()
            guard available.isPositive else { return }
            var shares = head.shares
            var payout = gross
            if gross > available {
                // Pay part of the head: burn only the shares that `available` buys.
                shares = Shares(micros: FixedPointMath.mulDiv(available.micros, pool.shareSupply.micros, navMoney.micros, .down))
                shares = min(shares, head.shares)
                payout = Money(micros: FixedPointMath.mulDiv(shares.micros, navMoney.micros, pool.shareSupply.micros, .down))
            }
            guard shares.isPositive, payout.isPositive else { return }
            let fee = payout.scaled(by: Int64((configuration.pool.withdrawalFee * 1_000_000).rounded()), over: 1_000_000, rounding: .up)
            let net = payout - fee
            let supplyBefore = pool.shareSupply
            pool.cash -= net
            PoolLedger.add(&ledger.withdrawalsPaid, net)
            PoolLedger.add(&ledger.withdrawalFees, fee)
            pool.shareSupply -= shares
            pool.queuedShares -= shares
            accounts[head.account.index].balance += net
            let partial = shares != head.shares
            if partial {
                pool.withdrawalQueue[pool.withdrawalQueue.startIndex].shares -= shares
            } else {
                pool.withdrawalQueue.removeFirst()
            }
            statistics.withdrawals += 1
            emit(.withdrawn(account: head.account, shares: shares, amount: net, fee: fee,
                            sharePrice: navMoney.doubleValue / supplyBefore.doubleValue), into: &events)
            cachedNAV = nav - net.doubleValue
            if partial { return }
        }
    }

    mutating func reject(_ reason: RejectionReason, _ account: AccountID, _ detail: String = "", into events: inout [EngineEvent]) {
        statistics.countRejection(reason)
        emit(.orderRejected(account: account, series: nil, side: nil, quantity: nil, rejection: Rejection(reason, detail)), into: &events)
    }
}

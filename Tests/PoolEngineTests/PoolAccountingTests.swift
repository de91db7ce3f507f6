import PoolEngine
import PropertyBased
import Testing

/// LP shares at NAV, withdrawal queue, fee split.
@Suite("Pool accounting")
struct PoolAccountingTests {
    @Test func sharePriceIsOneAtZeroSupply() {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 3)
        #expect(engine.pool.shareSupply == .zero)
        #expect(engine.poolSnapshot().sharePrice == 1.0)
        #expect(engine.sharePrice(nav: 12_345) == 1.0)
        let lp = engine.open("lp", funding: Money(decimal: "1234.567891") ?? .zero)
        let events = engine.apply(.deposit(account: lp, amount: Money(micros: 1_234_567_891)))
        // The first deposit mints one share per unit of quote, to the micro-unit.
        #expect(engine.accounts[lp.index].shares == Shares(micros: 1_234_567_891))
        #expect(engine.pool.shareSupply == Shares(micros: 1_234_567_891))
        #expect(engine.poolSnapshot().sharePrice == 1.0)
        guard case .deposited(_, _, let shares, let price) = events.last?.payload else {
            Issue.record("no deposit event")
            return
        }
        #expect(shares == Shares(micros: 1_234_567_891))
        #expect(price == 1.0)
    }

    @Test func withdrawalFeeIsChargedRoundedUp() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 3)
        let lp = engine.openLP("lp", deposit: Money(1_000))
        let events = engine.apply(.withdraw(account: lp, shares: Shares(micros: 333_333_333)))
        guard case .withdrawn(_, let shares, let amount, let fee, _) = events.last?.payload else {
            Issue.record("not paid: \(events)")
            return
        }
        // NAV 1,000 over 1,000 shares: 333.333333 shares are worth 333.333333;
        // fee = ceil(333.333333 × 0.3%) = ceil(0.999999999) = 1.000000; paid 332.333333.
        #expect(shares == Shares(micros: 333_333_333))
        #expect(fee == Money(micros: 1_000_000))
        #expect(amount == Money(micros: 332_333_333))
        #expect(engine.accounts[lp.index].balance == amount)
        #expect(engine.checkInvariants().isEmpty)
    }

    /// Deposit then withdraw at the same instant never returns more than was deposited, whatever the pool state:
    /// trades that moved NAV, open positions, LPs and queues, with or without a withdrawal fee.
    @Test(.shrinking(false)) func depositThenWithdrawNeverGains() async {
        await propertyCheck(count: 25, input: Gen.uint64(in: 0...UInt64.max), Gen.int64(in: 1...2_000_000_000_000), Gen.bool) { seed, amountMicros, feeFree in
            var engine = Self.randomPoolState(seed: seed, withdrawalFee: feeFree ? 0 : 0.003)
            let amount = Money(micros: amountMicros)
            let tester = engine.open("tester", funding: amount)
            let deposit = engine.apply(.deposit(account: tester, amount: amount))
            guard case .deposited = deposit.last?.payload else {
                // Only an insolvent pool may refuse a funded deposit.
                #expect(deposit.rejections.map(\.reason).allSatisfy { $0 == .poolInsolvent || $0 == .invalidQuantity })
                return
            }
            let shares = engine.accounts[tester.index].shares
            let events = engine.apply(.withdraw(account: tester, shares: shares))
            var paid = Money.zero
            var othersFees = Money.zero
            var payments = 0
            for event in events {
                guard case .withdrawn(let account, _, let amount, let fee, _) = event.payload else { continue }
                payments += 1
                if account == tester { paid += amount } else { othersFees += fee }
            }
            #expect(paid <= amount, "seed \(seed): deposited \(amount), got back \(paid)")
            #expect(engine.accounts[tester.index].balance == paid)
            // Shares still queued (behind earlier requests, which the deposit helped pay) are worth no more than what is
            // missing, give or take what those earlier withdrawals left behind for every holder: their fees and one
            // micro-unit of rounding each.
            let queued = engine.pool.withdrawalQueue.filter { $0.account == tester }.reduce(Shares.zero) { $0 + $1.shares }
            if queued.isPositive {
                let value = queued.doubleValue * engine.poolSnapshot().sharePrice
                let allowance = othersFees.doubleValue + Double(payments + 1) * 1e-6
                #expect(paid.doubleValue + value <= amount.doubleValue * (1 + 1e-12) + allowance)
            }
            #expect(engine.checkInvariants().isEmpty)
        }
    }

    /// A pool that has seen trading: LPs, participants for a few hours, random direct trades and withdrawals.
    static func randomPoolState(seed: UInt64, withdrawalFee: Double) -> Engine {
        var random = SeededRandom(seed: seed)
        var configuration = TestMarkets.fast()
        configuration.pool.withdrawalFee = withdrawalFee
        var engine = Engine(configuration: configuration, seed: seed)
        let lpCount = random.integer(in: 1...3)
        var lps: [AccountID] = []
        for index in 0..<lpCount {
            lps.append(engine.openLP("lp\(index)", deposit: Money(micros: Int64(random.integer(in: 50_000...2_000_000)) * 1_000_000)))
        }
        let trader = engine.open("trader", funding: Money(5_000_000))
        _ = engine.addParticipants(ParticipantConfiguration(count: random.integer(in: 0...10), meanActionInterval: .minutes(5)))
        for _ in 0..<random.integer(in: 0...3) {
            _ = engine.advance(to: engine.time + .minutes(Int64(random.integer(in: 1...45))))
            for _ in 0..<random.integer(in: 0...8) {
                let live = engine.liveSeries
                let id = live[random.integer(in: 0...(live.count - 1))]
                let side: Side = random.chance(0.6) ? .buy : .sell
                let quantity = Quantity(micros: Int64(random.integer(in: 1...40)) * 100_000)
                _ = engine.apply(.placeOrder(Order(account: trader, series: id, side: side, quantity: quantity)))
            }
            if random.chance(0.3), let lp = lps.randomElement(using: &random) {
                let held = engine.accounts[lp.index].shares
                if held.isPositive {
                    let share = random.chance(0.3) ? held : Shares(micros: max(1, held.micros / Int64(random.integer(in: 2...5))))
                    _ = engine.apply(.withdraw(account: lp, shares: share))
                }
            }
        }
        return engine
    }

    /// A pool whose last LP left (the withdrawal fee stays behind) must not hand that leftover to the next depositor.
    @Test func leftoverValueAtZeroSupplyIsNotAWindfall() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 3)
        let first = engine.openLP("first", deposit: Money(100_000))
        _ = engine.apply(.withdraw(account: first, shares: engine.accounts[first.index].shares))
        #expect(engine.pool.shareSupply == .zero)
        // 100,000 burnt at NAV 100,000: fee 300 stays in the pool.
        #expect(engine.accounts[first.index].balance == Money(99_700))
        let next = engine.openLP("next", deposit: Money(1_000))
        #expect(engine.poolSnapshot().sharePrice <= 1.0 + 1e-12)
        // The orphaned fee went to the protocol reserve.
        #expect(engine.pool.reserve == Money(300))
        _ = engine.apply(.withdraw(account: next, shares: engine.accounts[next.index].shares))
        let back = engine.accounts[next.index].balance
        #expect(back <= Money(1_000), "a 1,000 deposit came back as \(back)")
        #expect(engine.checkInvariants().isEmpty)
        #expect(engine.totalHeld == Money(101_000))
    }

    @Test func withdrawalsBeyondFreeLiquidityQueueAndPayInOrder() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 5)
        let a = engine.openLP("a", deposit: Money(60_000))
        let b = engine.openLP("b", deposit: Money(40_000))
        let trader = engine.open("trader", funding: Money(1_000_000))
        let board = try #require(engine.liveBoard("ETH", tenor: .hours(1)))
        // 24 ETH calls lock about 72,000 of the 100,000 pool.
        _ = try #require(engine.place(Order(account: trader, series: engine.series(board, .call), side: .buy, quantity: Quantity(24))).fill)
        let free = engine.pool.cash - engine.pool.lockedCollateral
        #expect(free < Money(60_000))

        let sharesA = engine.accounts[a.index].shares
        let first = engine.apply(.withdraw(account: a, shares: sharesA))
        var queuedA = Shares.zero
        var paidNow = Money.zero
        for event in first {
            switch event.payload {
            case .withdrawalQueued(let account, let shares): #expect(account == a); queuedA = shares
            case .withdrawn(let account, let shares, let amount, let fee, _):
                #expect(account == a)
                #expect(shares < sharesA)
                paidNow += amount + fee
            default: break
            }
        }
        // A is paid at most what is free now (never touching locked collateral), the rest waits.
        #expect(queuedA.isPositive)
        #expect(paidNow <= free)
        // Withdrawals, like trades, never take utilization past the 80% cap.
        #expect(engine.pool.lockedCollateral.doubleValue <= 0.8 * engine.pool.cash.doubleValue + 1e-6)
        #expect(engine.pool.queuedShares == queuedA)
        #expect(engine.accounts[a.index].shares == .zero)

        let second = engine.apply(.withdraw(account: b, shares: engine.accounts[b.index].shares))
        // B waits behind A: B's whole request is queued and B is paid nothing (A, the head, may get the fee A left).
        for event in second {
            switch event.payload {
            case .withdrawalQueued(let account, let shares): #expect(account == b && shares == Shares(40_000))
            case .withdrawn(let account, _, _, _, _): #expect(account == a)
            default: Issue.record("unexpected \(event.payload)")
            }
        }
        #expect(second.last?.payload == .withdrawalQueued(account: b, shares: Shares(40_000)))
        #expect(engine.poolSnapshot().queuedWithdrawals == 2)
        #expect(engine.checkInvariants().isEmpty)

        // Settlement at 01:00 releases the lock; the queue is paid head first.
        var paidOrder: [AccountID] = []
        var events: [EngineEvent] = []
        while engine.time < board.expiry + .minutes(1) {
            let step = engine.advance(to: engine.time + .seconds(10))
            #expect(engine.checkInvariants().isEmpty)
            for event in step {
                if case .withdrawn(let account, _, _, _, _) = event.payload {
                    paidOrder.append(account)
                    // Nobody behind the head is paid while the head waits.
                    if account == b { #expect(!engine.pool.withdrawalQueue.contains { $0.account == a }) }
                }
            }
            events += step
        }
        #expect(events.contains { if case .boardSettled = $0.payload { true } else { false } })
        #expect(paidOrder.contains(a) && paidOrder.contains(b))
        if let lastA = paidOrder.lastIndex(of: a), let firstB = paidOrder.firstIndex(of: b) { #expect(lastA < firstB) }
        #expect(engine.pool.withdrawalQueue.isEmpty)
        #expect(engine.pool.queuedShares == .zero)
        #expect(engine.pool.shareSupply == .zero)
        // Nothing created or lost: 60,000 + 40,000 + 1,000,000 funded, hedger off.
        #expect(engine.totalHeld == Money(1_100_000))
    }

    @Test(arguments: [0.10, 0.25])
    func feesSplitToReserve(share: Double) throws {
        var engine = Engine(configuration: TestMarkets.quiet { $0.pool.reserveShareOfFees = share }, seed: 9)
        engine.openLP("lp", deposit: Money(1_000_000))
        let trader = engine.open("trader", funding: Money(1_000_000))
        let board = try #require(engine.liveBoard("ETH", tenor: .days(1)))
        let ppm = Int64(share * 1_000_000)
        for (side, kind) in [(Side.buy, OptionKind.call), (.sell, .put)] {
            let reserve = engine.pool.reserve, fees = engine.pool.feesEarned, cash = engine.pool.cash
            let fill = try #require(engine.place(Order(account: trader, series: engine.series(board, kind), side: side, quantity: Quantity(3))).fill)
            // Reserve cut = floor(fee × share): the pool keeps the rounding.
            let cut = Money(micros: ExactMath.floorMulDiv(fill.fee.micros, ppm, 1_000_000))
            #expect(cut.isPositive)
            #expect(engine.pool.reserve - reserve == cut)
            #expect(engine.pool.feesEarned - fees == fill.fee - cut)
            switch side {
            case .buy: #expect(engine.pool.cash - cash == fill.premium + fill.fee - cut)
            case .sell: #expect(engine.pool.cash - cash == -(fill.premium - fill.fee) - cut)
            }
        }
        #expect(engine.checkInvariants().isEmpty)
        #expect(engine.totalHeld == Money(2_000_000))
    }

    @Test func secondDepositorMintsAtNavRoundedDown() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 4)
        engine.openLP("lp", deposit: Money(1_000_000))
        let trader = engine.open("trader", funding: Money(1_000_000))
        let board = try #require(engine.liveBoard("BTC", tenor: .days(1)))
        _ = try #require(engine.place(Order(account: trader, series: engine.series(board, .call), side: .buy, quantity: Quantity(2))).fill)
        let nav = engine.netAssetValue()
        let supply = engine.pool.shareSupply
        let lp2 = engine.openLP("lp2", deposit: Money(10_000))
        let minted = engine.accounts[lp2.index].shares
        // minted = floor(10,000 × supply / ceil(NAV)) in micro-units.
        let navMicros = Int64((nav * 1_000_000).rounded(.up))
        #expect(minted.micros == ExactMath.floorMulDiv(10_000_000_000, supply.micros, navMicros))
        #expect(minted.doubleValue * nav / supply.doubleValue <= 10_000)
    }
}

import PoolEngine
import PropertyBased
import Testing

/// Long random command sequences (valid and invalid) interleaved with random advances: every invariant holds after
/// every single command and advance.
@Suite("Property: invariants under random sessions")
struct PropertyInvariantTests {
    /// Runs one session and checks everything after each step; stops at the first broken step.
    static func run(_ session: inout RandomSession, steps: Int, seed: UInt64) {
        for _ in 0..<steps {
            let step = session.step()
            let violations = session.engine.checkInvariants()
            if !violations.isEmpty {
                Issue.record("seed \(seed), step \(session.steps) (\(step.description)): \(violations.prefix(3))")
                return
            }
            // Exact conservation against the events alone, not the engine's own counter.
            if session.engine.totalHeld != session.expectedExternal {
                Issue.record("seed \(seed), step \(session.steps): held \(session.engine.totalHeld) ≠ funded \(session.expectedExternal)")
                return
            }
            switch step.command {
            case .placeOrder?, .closePosition?:
                // Exactly one fill or one rejection for the order itself (liquidations only happen while advancing).
                let outcomes = step.events.filter {
                    switch $0.payload {
                    case .orderFilled, .orderRejected: true
                    default: false
                    }
                }
                if outcomes.count != 1 {
                    Issue.record("seed \(seed), step \(session.steps) (\(step.description)): \(outcomes.count) outcomes")
                    return
                }
            case .placeStrategy(let order)?:
                let fills = step.events.fills.count
                let rejected = step.events.rejections.count
                let opened = step.events.filter { if case .strategyOpened = $0.payload { true } else { false } }.count
                if !((rejected == 1 && fills == 0 && opened == 0) || (rejected == 0 && fills == order.legs.count && opened == 1)) {
                    Issue.record("seed \(seed), step \(session.steps) (\(step.description)): \(fills) fills, \(rejected) rejections, \(opened) opened")
                    return
                }
            case .closeStrategy?, .closeStrategyLeg?:
                let rejected = step.events.rejections.count
                let strategyEvents = step.events.filter {
                    switch $0.payload {
                    case .strategyChanged, .strategyClosed: true
                    default: false
                    }
                }.count
                if !((rejected == 1 && step.events.fills.isEmpty && strategyEvents == 0) || (rejected == 0 && !step.events.fills.isEmpty && strategyEvents == 1)) {
                    Issue.record("seed \(seed), step \(session.steps) (\(step.description)): \(rejected) rejections, \(strategyEvents) strategy events")
                    return
                }
            case .deposit?, .withdraw?, .fund?:
                // A rejection or the matching effect, never both.
                let rejected = step.events.contains { if case .orderRejected = $0.payload { true } else { false } }
                if rejected && step.events.count != 1 {
                    Issue.record("seed \(seed), step \(session.steps): rejection with side effects \(step.events)")
                    return
                }
            default:
                break
            }
            if let twice = session.settledPairs.first(where: { $0.value > 1 }) {
                Issue.record("seed \(seed): position \(twice.key) settled \(twice.value) times")
                return
            }
            // Sequence numbers strictly increase and time never goes back.
            for (a, b) in zip(step.events, step.events.dropFirst()) where !(a.sequence < b.sequence && a.time <= b.time) {
                Issue.record("seed \(seed): events out of order \(a.sequence) → \(b.sequence)")
                return
            }
        }
    }

    @Test(.shrinking(false)) func coarseTicksLongSessions() async {
        await propertyCheck(count: 50, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var session = RandomSession(configuration: TestMarkets.fast(), seed: seed,
                                        participants: Int(seed % 8), maximumAdvance: .minutes(30))
            Self.run(&session, steps: 150, seed: seed)
            #expect(session.fills > 0)
            #expect(session.rejections > 0)
            #expect(session.advances > 15)
            #expect(session.engine.statistics.settlements + session.engine.statistics.boardsSettled > 0)
        }
    }

    @Test(.shrinking(false)) func defaultTicksShortSessions() async {
        await propertyCheck(count: 12, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var configuration = EngineConfiguration()
            configuration.hedging.enabled = seed % 2 == 0
            var session = RandomSession(configuration: configuration, seed: seed,
                                        participants: Int(seed % 8), maximumAdvance: .minutes(4))
            Self.run(&session, steps: 120, seed: seed)
            #expect(session.fills > 0)
        }
    }

    /// Random strategy orders, whole and leg closes among the other commands, through settlements and liquidations:
    /// every invariant holds after every step, and a strategy order fills all its legs with one strategy event or
    /// is one rejection with no fill.
    @Test(.shrinking(false)) func strategySessionsKeepInvariants() async {
        await propertyCheck(count: 30, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            Self.strategySession(seed: seed)
        }
    }

    /// Seeds a property run once failed on: 11545988209031000364 opened strategies but neither closed nor settled one
    /// within 200 steps (a shortfall of the test's own liveness, not a broken invariant).
    @Test(arguments: [11_545_988_209_031_000_364 as UInt64])
    func strategyRegressionSeeds(seed: UInt64) {
        Self.strategySession(seed: seed)
    }

    static func strategySession(seed: UInt64) {
        var session = RandomSession(configuration: TestMarkets.fast(), seed: seed,
                                    participants: Int(seed % 4), maximumAdvance: .minutes(30))
        session.includesStrategies = true
        Self.run(&session, steps: 200, seed: seed)
        // A session that has not yet filled a strategy (random legs are often refused: naked shorts on small balances,
        // strikes past the delta cutoff), or whose strategies all stay open, runs on (bounded) until one fills and one
        // closes, settles or is liquidated, so those paths are exercised in every run rather than in most.
        var extra = 0
        while session.strategiesOpened == 0 || session.strategiesChanged == 0, extra < 10 {
            Self.run(&session, steps: 100, seed: seed)
            extra += 1
        }
        #expect(session.fills > 0)
        #expect(session.strategiesOpened > 0, "seed \(seed): no strategy filled")
        #expect(session.strategiesChanged > 0, "seed \(seed): no strategy closed, settled or liquidated")
    }

    /// Quantities, amounts, collateral and limits anywhere in `Int64`, through `preview`, `previewClose` and `apply`:
    /// never a trap, and a refused command changes nothing but the rejection counter.
    @Test(.shrinking(false)) func extremeAmountsNeverTrap() async {
        await propertyCheck(count: 40, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var session = RandomSession(configuration: TestMarkets.fast(), seed: seed, participants: 0, maximumAdvance: .minutes(5))
            for _ in 0..<20 { _ = session.step() }
            for _ in 0..<60 {
                var order = session.randomOrder()
                order.quantity = Quantity(micros: session.extremeMicros())
                if session.random.chance(0.5) { order.collateral = Money(micros: session.extremeMicros()) }
                if session.random.chance(0.5) { order.limitPremium = Money(micros: session.extremeMicros()) }
                _ = session.engine.preview(order)
                _ = session.engine.previewClose(account: order.account, series: order.series, quantity: order.quantity)
                let commands: [EngineCommand] = [
                    .placeOrder(order),
                    .closePosition(account: order.account, series: order.series, quantity: order.quantity, limitPremium: order.limitPremium),
                    .deposit(account: order.account, amount: Money(micros: session.extremeMicros())),
                    .withdraw(account: order.account, shares: Shares(micros: session.extremeMicros())),
                    .fund(account: order.account, amount: Money(micros: session.extremeMicros())),
                    .openAccount(name: "x", role: .trader, funding: Money(micros: session.extremeMicros())),
                ]
                for command in commands {
                    let before = session.engine
                    let events = session.engine.apply(command)
                    let refused = events.allSatisfy { if case .orderRejected = $0.payload { true } else { false } }
                    if refused {
                        #expect(session.engine.accounts == before.accounts, "seed \(seed): \(command) refused but accounts changed")
                        #expect(session.engine.pool == before.pool, "seed \(seed): \(command) refused but the pool changed")
                    }
                    let violations = session.engine.checkInvariants()
                    #expect(violations.isEmpty, "seed \(seed) after \(command): \(violations.prefix(3))")
                }
            }
        }
    }

    /// Seeds that once broke an invariant, replayed exactly: withdrawals draining the pool to 100% utilization before
    /// call locks rose with spot (default ticks, seed 0), hedge losses taking a drained pool's cash below zero, and a
    /// hedge paid out of locked collateral.
    @Test(arguments: [(UInt64(0), false), (11_173_683_376_659_461_790, true), (14_669_262_804_535_128_633, true)])
    func regressionSeeds(seed: UInt64, coarse: Bool) {
        var configuration = coarse ? TestMarkets.fast() : EngineConfiguration()
        configuration.hedging.enabled = true
        var session = RandomSession(configuration: configuration, seed: seed, participants: coarse ? Int(seed % 8) : 0,
                                    maximumAdvance: coarse ? .minutes(30) : .minutes(20))
        Self.run(&session, steps: coarse ? 150 : 100, seed: seed)
    }

    /// A stressed market (huge volatility and jumps) with lean short sellers: liquidations, insolvency and bank-run
    /// queues happen, and the books still balance.
    @Test(.shrinking(false)) func stressedMarketSessions() async {
        await propertyCheck(count: 10, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var configuration = TestMarkets.fast()
            for index in configuration.markets.indices {
                configuration.markets[index].calmVolatility = 2.5
                configuration.markets[index].stressedVolatility = 4.0
                configuration.markets[index].jumpsPerYear = 2_000
                configuration.markets[index].jumpStandardDeviation = 0.05
            }
            var session = RandomSession(configuration: configuration, seed: seed, participants: 10, maximumAdvance: .hours(1))
            Self.run(&session, steps: 150, seed: seed)
        }
    }
}

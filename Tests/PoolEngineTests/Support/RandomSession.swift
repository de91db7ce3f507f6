import PoolEngine

/// Drives an engine with a seeded stream of random commands (valid and invalid) interleaved with random advances,
/// and keeps the bookkeeping the property tests check after every step.
struct RandomSession {
    var engine: Engine
    var random: SeededRandom
    /// Outside money in, counted independently of the engine from the events: funding plus hedge P&L minus costs.
    var expectedExternal: Money = .zero
    /// How many times each (account, series) pair was settled.
    var settledPairs: [String: Int] = [:]
    var steps = 0
    var fills = 0
    var rejections = 0
    var advances = 0
    /// Strategy events seen: opened, and changed or closed (by a close, a settlement or a liquidation).
    var strategiesOpened = 0
    var strategiesChanged = 0
    let maximumAdvance: SimDuration
    /// Whether steps include strategy orders and closes (off by default, so the other properties' seeds replay the
    /// sessions they always did).
    var includesStrategies = false

    init(configuration: EngineConfiguration, seed: UInt64, participants: Int, maximumAdvance: SimDuration) {
        random = SeededRandom(seed: seed ^ 0x5EED_CAFE)
        engine = Engine(configuration: configuration, seed: seed)
        self.maximumAdvance = maximumAdvance
        var events: [EngineEvent] = []
        events += engine.apply(.openAccount(name: "house", role: .liquidityBot, funding: Money(3_000_000)))
        events += engine.apply(.deposit(account: AccountID(0), amount: Money(micros: Int64(random.integer(in: 200_000...3_000_000)) * 1_000_000)))
        for index in 0..<random.integer(in: 2...5) {
            events += engine.apply(.openAccount(name: "trader\(index)", role: .trader,
                                                funding: Money(micros: Int64(random.integer(in: 1_000...1_000_000)) * 1_000_000)))
        }
        events += engine.addParticipants(ParticipantConfiguration(count: participants, meanActionInterval: .minutes(5)))
        record(events)
    }

    /// The outcome of one step, for the property's checks.
    struct Step {
        var command: EngineCommand?
        var events: [EngineEvent]
        var description: String
    }

    /// Applies one random command or advance.
    mutating func step() -> Step {
        steps += 1
        if includesStrategies, random.chance(0.25) {
            let command = randomStrategyCommand()
            let events = engine.apply(command)
            record(events)
            return Step(command: command, events: events, description: "\(command)")
        }
        let roll = random.uniform()
        let command: EngineCommand
        switch roll {
        case ..<0.40: command = .placeOrder(randomOrder())
        case ..<0.52: command = randomClose()
        case ..<0.60: command = .deposit(account: randomAccount(), amount: randomMoney())
        case ..<0.68: command = randomWithdrawal()
        case ..<0.72: command = .fund(account: randomAccount(), amount: randomMoney())
        case ..<0.73: command = .openAccount(name: "late\(steps)", role: .trader, funding: randomMoney())
        case ..<0.74: command = .setHedging(enabled: random.chance(0.7))
        default:
            let target = engine.time + SimDuration(milliseconds: Int64(random.double(in: 0...1) * random.double(in: 0...1)
                * Double(maximumAdvance.milliseconds)) + 1)
            let events = engine.advance(to: target)
            advances += 1
            record(events)
            return Step(command: nil, events: events, description: "advance to \(target)")
        }
        let events = engine.apply(command)
        record(events)
        return Step(command: command, events: events, description: "\(command)")
    }

    mutating func record(_ events: [EngineEvent]) {
        for event in events {
            switch event.payload {
            case .accountOpened(_, _, _, let funding): expectedExternal += funding
            case .accountFunded(_, let amount): expectedExternal += amount
            case .hedged(_, _, _, let cost, let realized, _): expectedExternal += realized - cost
            case .insolvency(let amount, let detail) where detail.hasPrefix("hedge"):
                // The part of a hedge loss the pool could not pay never left it.
                expectedExternal += amount
            case .positionSettled(let settlement): settledPairs["\(settlement.account.index)/\(settlement.series.index)/\(settlement.strategy?.index ?? -1)", default: 0] += 1
            case .orderFilled: fills += 1
            case .orderRejected: rejections += 1
            case .strategyOpened: strategiesOpened += 1
            case .strategyChanged, .strategyClosed: strategiesChanged += 1
            default: break
            }
        }
    }

    // MARK: - Random inputs

    mutating func randomAccount() -> AccountID {
        let count = engine.accounts.count
        switch random.uniform() {
        case ..<0.93: return AccountID(random.integer(in: 0...(count - 1)))
        case ..<0.97: return AccountID(count + random.integer(in: 0...3))
        default: return AccountID(-1)
        }
    }

    mutating func randomSeries() -> SeriesID {
        let live = engine.liveSeries
        switch random.uniform() {
        case ..<0.85: return live[random.integer(in: 0...(live.count - 1))]
        case ..<0.93: return SeriesID(random.integer(in: 0...(engine.series.count - 1)))  // may be expired
        default: return SeriesID(engine.series.count + random.integer(in: 0...100))
        }
    }

    /// Micro-unit counts at and near the ends of `Int64`, where unchecked arithmetic would trap.
    mutating func extremeMicros() -> Int64 {
        switch random.integer(in: 0...6) {
        case 0: return .max
        case 1: return .min
        case 2: return .max / 2 + 1
        case 3: return 1_000_000_000_000_000_001  // just past the input range
        case 4: return 1_000_000_000_000_000_000  // the largest amount in range
        case 5: return -1_000_000_000_000_000_001
        default: return Int64(bitPattern: random.next())
        }
    }

    mutating func randomQuantity(for id: SeriesID) -> Quantity {
        let market = engine.isKnownSeries(id) ? engine.series[id.index].market : MarketID(0)
        let rules = engine.marketConfiguration(market)
        if random.chance(0.03) { return Quantity(micros: extremeMicros()) }
        switch random.uniform() {
        case ..<0.80: return Quantity(micros: rules.minimumOrderSize.micros * Int64(random.integer(in: 1...80)))
        case ..<0.86: return Quantity(micros: Int64(random.integer(in: 1...Int(rules.maximumOrderSize.micros))))
        case ..<0.90: return .zero
        case ..<0.93: return Quantity(micros: -Int64(random.integer(in: 1...10_000_000)))
        case ..<0.96: return Quantity(micros: rules.minimumOrderSize.micros - 1)
        default: return rules.maximumOrderSize + Quantity(micros: Int64(random.integer(in: 1...1_000_000_000)))
        }
    }

    mutating func randomOrder() -> Order {
        let id = randomSeries()
        let quantity = randomQuantity(for: id)
        var order = Order(account: randomAccount(), series: id, side: random.chance(0.6) ? .buy : .sell, quantity: quantity)
        if order.side == .sell, engine.isKnownSeries(id), quantity.isPositive, random.chance(0.4) {
            let minimum = engine.minimumShortCollateral(id, quantity: quantity)
            order.collateral = Money(micros: Int64(Double(minimum.micros) * random.double(in: 0.8...1.5)))
        }
        if random.chance(0.05) { order.limitPremium = randomMoney() }
        return order
    }

    mutating func randomClose() -> EngineCommand {
        let open = engine.positions.values
        if !open.isEmpty, random.chance(0.85) {
            let position = open[open.index(open.startIndex, offsetBy: random.integer(in: 0...(open.count - 1)))]
            let held = abs(position.quantity.micros)
            let quantity: Quantity? = random.chance(0.5) ? nil
                : random.chance(0.05) ? Quantity(micros: extremeMicros())
                : Quantity(micros: Int64(random.integer(in: -1_000...Int(held) * 2)))
            return .closePosition(account: position.account, series: position.series, quantity: quantity)
        }
        return .closePosition(account: randomAccount(), series: randomSeries(), quantity: nil)
    }

    mutating func randomMoney() -> Money {
        if random.chance(0.03) { return Money(micros: extremeMicros()) }
        switch random.uniform() {
        case ..<0.80: return Money(micros: Int64(random.integer(in: 1...200_000_000_000)))
        case ..<0.88: return Money(micros: Int64(random.integer(in: 1...1_000)))
        case ..<0.93: return .zero
        case ..<0.97: return Money(micros: -Int64(random.integer(in: 1...1_000_000_000)))
        default: return Money(micros: Int64(random.integer(in: 1...50_000_000)) * 1_000_000)
        }
    }

    mutating func randomWithdrawal() -> EngineCommand {
        let holders = engine.accounts.filter { $0.shares.isPositive }
        if !holders.isEmpty, random.chance(0.6) {
            let holder = holders[random.integer(in: 0...(holders.count - 1))]
            let share = random.chance(0.2) ? holder.shares : Shares(micros: max(1, Int64(Double(holder.shares.micros) * random.uniform())))
            return .withdraw(account: holder.id, shares: share)
        }
        return .withdraw(account: randomAccount(), shares: randomShares())
    }

    mutating func randomShares() -> Shares {
        if random.chance(0.03) { return Shares(micros: extremeMicros()) }
        switch random.uniform() {
        case ..<0.7: return Shares(micros: Int64(random.integer(in: 1...500_000_000_000)))
        case ..<0.8: return .zero
        case ..<0.85: return Shares(micros: -5)
        default: return Shares(micros: Int64(random.integer(in: 1...5_000_000)) * 1_000_000)
        }
    }
}

extension RandomSession {
    /// A strategy order (mostly well formed, on one board; sometimes with too few or too many legs, a bad ratio, a
    /// repeated or unknown series, a size out of range, a limit), a whole close or a leg close.
    mutating func randomStrategyCommand() -> EngineCommand {
        let held = engine.accounts.flatMap { engine.strategies(of: $0.id) }
        let roll = random.uniform()
        if !held.isEmpty, roll < 0.35 {
            let holding = held[random.integer(in: 0...(held.count - 1))]
            if random.chance(0.4) {
                return .closeStrategy(account: holding.account, strategy: holding.id,
                                      limitNetPremium: random.chance(0.1) ? randomMoney() : nil)
            }
            let leg = holding.legs[random.integer(in: 0...(holding.legs.count - 1))]
            let quantity: Quantity? = random.chance(0.5) ? nil
                : Quantity(micros: Int64(random.integer(in: 1...Int(max(2, abs(leg.quantity.micros) * 3 / 2)))))
            return .closeStrategyLeg(account: random.chance(0.95) ? holding.account : randomAccount(), strategy: holding.id,
                                     series: leg.series, quantity: quantity, limitPremium: nil)
        }
        if roll < 0.40 {
            return .closeStrategy(account: randomAccount(), strategy: StrategyID(random.integer(in: 0...20)), limitNetPremium: nil)
        }
        let boards = engine.liveBoards.map { engine.boards[$0.index] }
        let board = boards[random.integer(in: 0...(boards.count - 1))]
        let count = random.chance(0.9) ? random.integer(in: 2...4) : random.integer(in: 0...6)
        let centre = engine.atTheMoneyIndex(board)
        var legs: [StrategyLeg] = []
        for _ in 0..<count {
            let strikeIndex = min(max(centre + random.integer(in: -3...3), 0), board.strikes.count - 1)
            var series = board.series(random.chance(0.5) ? .call : .put, strikeIndex: strikeIndex)
            if random.chance(0.03) { series = randomSeries() }
            let ratio = random.chance(0.95) ? random.integer(in: 1...3) : random.integer(in: -1...12)
            legs.append(StrategyLeg(series: series, side: random.chance(0.5) ? .buy : .sell, ratio: ratio))
        }
        let rules = engine.marketConfiguration(board.market)
        let size = random.chance(0.95) ? Quantity(micros: rules.minimumOrderSize.micros * Int64(random.integer(in: 1...30)))
            : Quantity(micros: extremeMicros())
        return .placeStrategy(StrategyOrder(account: randomAccount(), legs: legs, size: size,
                                            limitNetPremium: random.chance(0.05) ? randomMoney() : nil, name: "random"))
    }
}

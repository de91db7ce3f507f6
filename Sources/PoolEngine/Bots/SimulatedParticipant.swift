/// How a simulated participant behaves.
public enum ParticipantStrategy: String, Codable, Hashable, Sendable, CaseIterable {
    /// Buys and sells near-the-money options at random, and closes some of them later.
    case noise
    /// Buys calls after a rise and puts after a fall.
    case momentum
    /// Sells out-of-the-money options with modest collateral, collecting premium.
    case volatilitySeller
    /// Deposits into and withdraws from the pool: part of its shares or balance at every action under rules 1–3, a
    /// deposit held for days (``ParticipantBehaviour/liquidityHoldingPeriod``) under rules 4.
    case liquidityProvider
    // Participants with an edge (appended: the raw values above are stored in snapshots and journals).
    /// Knows the market's true current volatility (``Engine/informedVolatility(market:)``): buys options the pool
    /// quotes below their value at that volatility and sells (with full collateral) those it quotes above, after fees.
    case informed
    /// Watches spot every few seconds and, right after a jump, buys the now at-the-money option of the nearest expiry
    /// when the jump makes the stressed regime likely and the pool's vol has not moved yet; sells it back later.
    case jumpTrader
    /// An LP who takes everything out when the share price falls from its peak or utilization runs high (a bank
    /// run), and comes back when the pool has been calm for a while.
    case bankRunLiquidityProvider

    /// Whether the participant provides liquidity (an LP account funded like one) rather than trading.
    public var isLiquidityProvider: Bool { self == .liquidityProvider || self == .bankRunLiquidityProvider }
}

/// A seeded simulated trader or LP with its own account.
public struct SimulatedParticipant: Codable, Hashable, Sendable {
    public var account: AccountID
    public var strategy: ParticipantStrategy
    /// The thresholds a participant with an edge, or under rules 4 a plain LP, acts on (copied from its configuration
    /// so a snapshot carries them); nil for the other original strategies, which have none (and so encode exactly as before).
    public var behaviour: ParticipantBehaviour?
    /// What a participant with an edge remembers between two actions; nil until it has something to remember.
    public var memory: ParticipantMemory?

    public init(account: AccountID, strategy: ParticipantStrategy, behaviour: ParticipantBehaviour? = nil, memory: ParticipantMemory? = nil) {
        self.account = account
        self.strategy = strategy
        self.behaviour = behaviour
        self.memory = memory
    }
}

/// How many simulated participants there are, how busy they are, and what they start with.
public struct ParticipantConfiguration: Codable, Hashable, Sendable {
    public var count: Int
    /// Mean simulated time between two actions of one participant.
    public var meanActionInterval: SimDuration
    public var traderFunding: Money
    public var liquidityProviderFunding: Money
    /// Which strategies the participants follow, as weights; nil is the original mix of ``strategy(forIndex:)``
    /// (what a stored configuration without a mix means, so older sessions replay exactly).
    public var mix: ParticipantMix?
    /// Thresholds of the participants with an edge; nil takes ``ParticipantBehaviour/init()``'s defaults.
    public var behaviour: ParticipantBehaviour?

    public init(count: Int = 20, meanActionInterval: SimDuration = .minutes(10),
                traderFunding: Money = Money(250_000), liquidityProviderFunding: Money = Money(1_000_000),
                mix: ParticipantMix? = nil, behaviour: ParticipantBehaviour? = nil) {
        self.count = count
        self.meanActionInterval = meanActionInterval
        self.traderFunding = traderFunding
        self.liquidityProviderFunding = liquidityProviderFunding
        self.mix = mix
        self.behaviour = behaviour
    }

    /// What a new session of the desk starts with: `count` participants in the ``ParticipantMix/standard`` mix with
    /// the default behaviour (README, "Participants with an edge"). `ParticipantConfiguration(count:)` keeps the
    /// original mix, so code and tests that build one directly keep their numbers.
    public static func standard(count: Int = 20, meanActionInterval: SimDuration = .minutes(10)) -> ParticipantConfiguration {
        ParticipantConfiguration(count: count, meanActionInterval: meanActionInterval, mix: .standard, behaviour: ParticipantBehaviour())
    }

    /// The strategy of each of `count` participants, in account order.
    public func strategies() -> [ParticipantStrategy] {
        let total = max(0, count)
        guard let mix else { return (0..<total).map(Self.strategy(forIndex:)) }
        return mix.strategies(count: total)
    }

    /// The strategy of the `index`-th participant: mostly noise traders, then momentum, sellers and LPs.
    public static func strategy(forIndex index: Int) -> ParticipantStrategy {
        switch index % 10 {
        case 0, 1, 2, 3, 4: .noise
        case 5, 6: .momentum
        case 7, 8: .volatilitySeller
        default: .liquidityProvider
        }
    }
}

/// When a participant acts next; ordered by time, then account, so ties break the same way on every run.
struct BotWakeUp: Comparable, Hashable, Sendable, Codable {
    var time: SimTime
    var participant: Int
    static func < (lhs: BotWakeUp, rhs: BotWakeUp) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.participant < rhs.participant
    }
}

extension Engine {
    /// Adds simulated participants, each with an account, scheduled by seeded exponential waits.
    public mutating func addParticipants(_ participants: ParticipantConfiguration) -> [EngineEvent] {
        var events: [EngineEvent] = []
        for strategy in participants.strategies() {
            let isLP = strategy.isLiquidityProvider
            let role: AccountRole = isLP ? .liquidityBot : .bot
            let name = "\(strategy.rawValue)-\(bots.count + 1)"
            let funding = isLP ? participants.liquidityProviderFunding : participants.traderFunding
            apply(.openAccount(name: name, role: role, funding: funding), into: &events)
            let account = AccountID(accounts.count - 1)
            var participant = SimulatedParticipant(account: account, strategy: strategy)
            // Under rules 4 plain LPs have a behaviour too: their holding period.
            if strategy.hasEdge || (strategy == .liquidityProvider && configuration.liquidityProvidersHold) {
                participant.behaviour = participants.behaviour ?? ParticipantBehaviour()
            }
            bots.append(participant)
            let wait = random.exponential(mean: Double(actionInterval(of: participant, default: participants.meanActionInterval).milliseconds))
            botSchedule.insert(BotWakeUp(time: time + SimDuration(milliseconds: Int64(wait) + 1), participant: bots.count - 1))
        }
        participantActionInterval = participants.meanActionInterval
        return events
    }

    /// Mean time between two wake-ups: jump traders poll at their own short interval, everyone else at the session's.
    func actionInterval(of participant: SimulatedParticipant, default interval: SimDuration) -> SimDuration {
        if participant.strategy == .jumpTrader, let behaviour = participant.behaviour { return behaviour.jumpPollInterval }
        return interval
    }

    mutating func runDueParticipants(into events: inout [EngineEvent]) {
        while let wakeUp = botSchedule.min, wakeUp.time <= time {
            _ = botSchedule.removeMin()
            act(wakeUp.participant, into: &events)
            let interval = actionInterval(of: bots[wakeUp.participant], default: participantActionInterval)
            let wait = random.exponential(mean: Double(interval.milliseconds))
            botSchedule.insert(BotWakeUp(time: time + SimDuration(milliseconds: Int64(wait) + 1), participant: wakeUp.participant))
        }
    }

    mutating func act(_ index: Int, into events: inout [EngineEvent]) {
        let participant = bots[index]
        let account = participant.account
        switch participant.strategy {
        case .informed:
            actInformed(index, into: &events)
        case .jumpTrader:
            actJumpTrader(index, into: &events)
        case .bankRunLiquidityProvider:
            actBankRunLiquidityProvider(index, into: &events)
        case .liquidityProvider where configuration.liquidityProvidersHold:
            actHoldingLiquidityProvider(index, into: &events)
        case .liquidityProvider:
            let held = accounts[account.index].shares
            if held.isPositive, random.chance(0.35) {
                let fraction = random.double(in: 0.1...0.5)
                apply(.withdraw(account: account, shares: Shares(micros: Int64(Double(held.micros) * fraction))), into: &events)
            } else {
                let balance = accounts[account.index].balance
                let amount = Money(micros: Int64(Double(balance.micros) * random.double(in: 0.05...0.3)))
                if amount.isPositive { apply(.deposit(account: account, amount: amount), into: &events) }
            }
        case .noise:
            if random.chance(0.3), let position = randomPosition(of: account) {
                apply(.closePosition(account: account, series: position.series, quantity: nil), into: &events)
                return
            }
            guard let seriesID = randomSeries(maxStrikeOffset: 3, kind: nil) else { return }
            let side: Side = random.chance(0.7) ? .buy : .sell
            placeOrder(botOrder(account: account, series: seriesID, side: side), into: &events)
        case .momentum:
            if random.chance(0.25), let position = randomPosition(of: account) {
                apply(.closePosition(account: account, series: position.series, quantity: nil), into: &events)
                return
            }
            let market = random.integer(in: 0...(markets.count - 1))
            let history = markets[market].history
            guard history.count > 12, let last = history.last else { return }
            let change = last / history[history.count - 12] - 1
            guard abs(change) > 0.0005 else { return }
            guard let seriesID = randomSeries(market: MarketID(market), maxStrikeOffset: 2, kind: change > 0 ? .call : .put) else { return }
            placeOrder(botOrder(account: account, series: seriesID, side: .buy), into: &events)
        case .volatilitySeller:
            if random.chance(0.2), let position = randomPosition(of: account) {
                apply(.closePosition(account: account, series: position.series, quantity: nil), into: &events)
                return
            }
            guard let seriesID = randomSeries(maxStrikeOffset: 4, kind: nil, outOfTheMoneyOnly: true) else { return }
            var order = botOrder(account: account, series: seriesID, side: .sell)
            // Sellers run lean: some post barely more than the minimum and get liquidated when spot runs.
            let minimum = minimumShortCollateral(seriesID, quantity: order.quantity)
            order.collateral = Money(micros: Int64(Double(minimum.micros) * random.double(in: 1.02...1.6)))
            placeOrder(order, into: &events)
        }
    }

    func randomPosition(of account: AccountID) -> Position? {
        // Positions are few per bot; a linear scan keeps the choice deterministic.
        let owned = positions.values.filter { $0.account == account }
        guard !owned.isEmpty else { return nil }
        var generator = SeededRandom(seed: UInt64(truncatingIfNeeded: time.milliseconds) &+ UInt64(account.index))
        return owned[generator.integer(in: 0...(owned.count - 1))]
    }

    mutating func randomSeries(market: MarketID? = nil, maxStrikeOffset: Int, kind: OptionKind?, outOfTheMoneyOnly: Bool = false) -> SeriesID? {
        let candidates = liveBoards.filter { id in
            let board = boards[id.index]
            return (market == nil || board.market == market) && time < board.tradingCutoff(configuration.amm)
        }
        guard !candidates.isEmpty else { return nil }
        let board = boards[candidates[random.integer(in: 0...(candidates.count - 1))].index]
        let spot = markets[board.market.index].spot
        let atm = board.atTheMoneyIndex(spot: spot)
        var offset = random.integer(in: -maxStrikeOffset...maxStrikeOffset)
        var chosenKind = kind ?? (random.chance(0.5) ? .call : .put)
        if outOfTheMoneyOnly {
            offset = max(1, abs(offset))
            chosenKind = random.chance(0.5) ? .call : .put
            if chosenKind == .put { offset = -offset }
        }
        let index = min(max(atm + offset, 0), board.strikes.count - 1)
        return board.series(chosenKind, strikeIndex: index)
    }

    mutating func botOrder(account: AccountID, series seriesID: SeriesID, side: Side) -> Order {
        let marketConfig = configuration.markets[series[seriesID.index].market.index]
        let multiple = random.double(in: 0.2...2.0)
        let raw = Double(marketConfig.standardSize.micros) * multiple
        let step = Double(marketConfig.minimumOrderSize.micros)
        let quantity = Quantity(micros: Int64(max(step, (raw / step).rounded() * step)))
        return Order(account: account, series: seriesID, side: side, quantity: quantity)
    }
}

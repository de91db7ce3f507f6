import HeapModule
import OrderedCollections

/// The whole peer-to-pool market as one value: commands in, events out, no I/O, no wall clock.
///
/// Randomness comes from a seeded generator held in the state and time only moves through
/// `advance(to:)`, so the same seed, configuration and commands replay byte for byte.
public struct Engine: Sendable {
    public let configuration: EngineConfiguration
    public let seed: UInt64
    public internal(set) var time: SimTime
    public internal(set) var markets: [MarketState]
    /// Every board ever listed, indexed by `BoardID.index`.
    public internal(set) var boards: [Board]
    /// Boards still open or awaiting expiry, nearest expiry first within each market.
    public internal(set) var liveBoards: [BoardID]
    /// Every series ever listed, indexed by `SeriesID.index`.
    public internal(set) var series: [OptionSeries]
    public internal(set) var accounts: [Account]
    /// Open positions in opening order (ordered, so every iteration is deterministic).
    public internal(set) var positions: OrderedDictionary<PositionID, Position>
    public internal(set) var pool: LiquidityPool
    public internal(set) var halts: [Halt]
    public internal(set) var statistics: EngineStatistics
    /// Outside money in minus out: account funding plus hedge P&L minus hedge costs.
    /// Conservation: balances + collateral + pool cash + reserve equals this to the last unit.
    public internal(set) var externalNet: Money
    public internal(set) var bots: [SimulatedParticipant]
    /// The pool's cash flows by cause, for P&L attribution only (see ``PoolLedger``).
    public internal(set) var ledger = PoolLedger()

    var random: SeededRandom
    /// The simulated price process's own generator per market (``EngineConfiguration/drawsPricesFromOwnStreams``,
    /// rules 4), so the path depends on the seed and the market only, never on the participants' draws; empty under
    /// earlier rules, whose prices draw from `random`.
    var priceStreams: [SeededRandom] = []
    var nextSequence: UInt64 = 1

    /// The sequence number of the last event this engine emitted (0 before the first).
    public var lastEventSequence: UInt64 { nextSequence - 1 }
    var nextPositionIndex: Int = 0
    var positionLookup: [PositionKey: PositionID] = [:]
    /// Open position ids per series, indexed by series index.
    var seriesPositions: [[PositionID]] = []
    /// Mark valuations per series at the last risk refresh (traded vol, no fees).
    var valuations: [OptionValuation] = []
    /// Traded vol per series at the last refresh.
    var markVolatility: [Double] = []
    /// Pool net Greeks per market: rebuilt per series at each refresh, adjusted per trade in between.
    var poolGreeks: [NetGreeks] = []
    /// Pool net standardized vega per market (Lyra's stdVega), same update rule.
    var poolStdVega: [Double] = []
    var cachedNAV: Double = 0
    var nextRiskRefresh: SimTime
    var nextLiquidationCheck: SimTime
    var nextHistorySample: SimTime
    var nextHedge: SimTime
    var botSchedule: Heap<BotWakeUp> = []
    /// Lowest collateral per contract among trader shorts in each series (infinity when none), so the
    /// liquidation scan can skip a whole series with one comparison and cost grows with series, not positions.
    /// Derived from positions; rebuilt on decode.
    var shortCollateralFloor: [Double] = []
    var participantActionInterval: SimDuration = .minutes(10)
    /// The current bar's tick path per recorded market (derived from seed, bars and time; rebuilt on demand).
    var recordedPaths: [RecordedPathCache] = []

    /// Strategies held, in opening order (ordered, so settlement and liquidation visit them deterministically).
    var strategyBook: OrderedDictionary<StrategyID, StrategyRecord> = [:]
    var nextStrategyIndex: Int = 0

    /// A position is one account's holding in one series, apart for each strategy (nil: single orders).
    struct PositionKey: Hashable, Sendable {
        var account: AccountID
        var series: SeriesID
        var strategy: StrategyID? = nil
    }

    /// A fresh market at `configuration.startTime` with boards listed and no accounts.
    public init(configuration: EngineConfiguration = EngineConfiguration(), seed: UInt64) {
        self.configuration = configuration
        self.seed = seed
        time = configuration.startTime
        random = SeededRandom(seed: seed)
        if configuration.drawsPricesFromOwnStreams {
            priceStreams = configuration.markets.indices.map { SeededRandom(seed: Self.priceStreamSeed(seed, market: $0)) }
        }
        markets = configuration.markets.enumerated().map { index, market in
            MarketState(
                id: MarketID(index), symbol: market.symbol, spot: market.initialSpot, openingSpot: market.initialSpot,
                regime: .calm, history: [market.initialSpot],
                impliedVolatilityLevel: market.calmVolatility * market.impliedVolatilityPremium
            )
        }
        boards = []
        liveBoards = []
        series = []
        accounts = []
        positions = [:]
        pool = LiquidityPool()
        pool.hedges = Array(repeating: HedgePosition(), count: configuration.markets.count)
        pool.hedgingEnabled = configuration.hedging.enabled
        halts = []
        statistics = EngineStatistics()
        externalNet = .zero
        bots = []
        poolGreeks = Array(repeating: NetGreeks(), count: configuration.markets.count)
        poolStdVega = Array(repeating: 0, count: configuration.markets.count)
        nextRiskRefresh = time + configuration.riskRefreshInterval
        nextLiquidationCheck = time + configuration.liquidationCheckInterval
        nextHistorySample = time + configuration.priceHistoryInterval
        nextHedge = time + configuration.hedging.interval
        startRecordedMarkets()
        for market in markets.indices {
            for tenor in configuration.tenors {
                _ = listBoard(market: MarketID(market), tenor: tenor)
            }
        }
        sortLiveBoards()
        refreshRisk()
    }

    /// The seed of market `market`'s price stream: the engine seed mixed with the market's index and a constant, so
    /// it differs from the participants' stream and from every other market's (SplitMix in `SeededRandom` spreads it).
    static func priceStreamSeed(_ seed: UInt64, market: Int) -> UInt64 {
        (seed ^ 0x5052_4943_4553_5452) &+ UInt64(truncatingIfNeeded: market + 1) &* 0x9E37_79B9_7F4A_7C15
    }

    // MARK: - Lookups

    /// The market configuration of `market`.
    public func marketConfiguration(_ market: MarketID) -> MarketConfiguration {
        configuration.markets[market.index]
    }

    /// The board a series belongs to.
    public func board(of seriesID: SeriesID) -> Board { boards[series[seriesID.index].board.index] }

    /// Live boards of one market, nearest expiry first.
    public func liveBoards(market: MarketID) -> [Board] {
        liveBoards.map { boards[$0.index] }.filter { $0.market == market }
    }

    /// Whether `id` names a listed series.
    public func isKnownSeries(_ id: SeriesID) -> Bool { id.index >= 0 && id.index < series.count }

    /// Whether `id` names an existing account.
    public func isKnownAccount(_ id: AccountID) -> Bool { id.index >= 0 && id.index < accounts.count }

    /// The account's open position of single orders in a series, if any (strategy legs are held apart:
    /// ``position(account:series:strategy:)``).
    public func position(account: AccountID, series seriesID: SeriesID) -> Position? {
        positionLookup[PositionKey(account: account, series: seriesID)].flatMap { positions[$0] }
    }

    /// The account's position in a series held as a leg of `strategy` (nil: of single orders), if any.
    public func position(account: AccountID, series seriesID: SeriesID, strategy: StrategyID?) -> Position? {
        positionLookup[PositionKey(account: account, series: seriesID, strategy: strategy)].flatMap { positions[$0] }
    }

    /// Open positions of one account, in opening order.
    public func positions(of account: AccountID) -> [Position] {
        positions.values.filter { $0.account == account }
    }

    /// Finds a live or past series by its full name (case-insensitive) or a tenor alias such as `BTC-1D-62000-C`
    /// (the live board serving that tenor).
    public func resolveSeries(named text: String) -> SeriesID? {
        let wanted = text.uppercased()
        for boardID in liveBoards {
            let board = boards[boardID.index]
            for id in board.calls + board.puts where series[id.index].name == wanted { return id }
        }
        let parts = wanted.split(separator: "-")
        guard parts.count == 4, let strike = Money(decimal: String(parts[2])) else { return nil }
        let kind: OptionKind? = parts[3] == "C" ? .call : parts[3] == "P" ? .put : nil
        guard let kind else { return nil }
        for boardID in liveBoards {
            let board = boards[boardID.index]
            // A tenor whose board joined a longer one's (same expiry) resolves to that board.
            guard markets[board.market.index].symbol == parts[0], board.tenors.contains(where: { $0.tenorLabel == parts[1] }) else { continue }
            if let index = board.strikes.firstIndex(of: strike) { return board.series(kind, strikeIndex: index) }
        }
        return nil
    }

    /// Traded vol of a series now: base IV × skew, clamped to the configured bounds.
    public func tradedVolatility(_ seriesID: SeriesID) -> Double {
        let option = series[seriesID.index]
        let board = boards[option.board.index]
        return clampVolatility(board.baseIv * board.skews[option.strikeIndex])
    }

    func clampVolatility(_ vol: Double) -> Double {
        min(max(vol, configuration.amm.tradedVolBounds.lowerBound), configuration.amm.tradedVolBounds.upperBound)
    }

    /// Years to expiry of a series now (never negative).
    public func yearsToExpiry(_ seriesID: SeriesID) -> Double {
        max(0, time.years(until: series[seriesID.index].expiry))
    }

    /// Mark valuation (model price and raw Greeks at the traded vol, no fees) computed now.
    public func markValuation(_ seriesID: SeriesID) -> OptionValuation {
        let option = series[seriesID.index]
        return BlackScholes.valuation(
            kind: option.kind, spot: markets[option.market.index].spot, strike: option.strike.doubleValue,
            time: yearsToExpiry(seriesID), volatility: tradedVolatility(seriesID), rate: configuration.rate
        )
    }

    /// The valuation cached at the last risk refresh.
    public func cachedValuation(_ seriesID: SeriesID) -> OptionValuation { valuations[seriesID.index] }

    // MARK: - Events

    mutating func emit(_ payload: EventPayload, into events: inout [EngineEvent]) {
        events.append(EngineEvent(sequence: nextSequence, time: time, payload: payload))
        nextSequence += 1
    }

    // MARK: - Listing

    /// Lists the next board of `tenor` in `market`, or joins the live board that already has its expiry.
    ///
    /// Tenors meet: a 1-hour board listed at 15:00 expires at 16:00 like the 4-hour board listed at 12:00, and a
    /// 4-hour board listed at 04:00 expires at 08:00 like the daily one. A contract (market, expiry, strike, kind)
    /// must be listed once, so the tenor joins the existing board instead: it is recorded in `joinedTenors`, and
    /// when that board settles every tenor it serves is listed afresh, so the shorter schedule carries on. The
    /// board is joined as it is — its strike grid (chosen for its own, longer tenor) is not widened, because
    /// inserting strikes would renumber the board's series; the grid is coarser but brackets the spot, and trading
    /// stops at the board's own (longer tenor's) cutoff.
    /// Returns the board and whether it is new (a `boardListed` event is due only then).
    mutating func listBoard(market: MarketID, tenor: SimDuration) -> (board: BoardID, isNew: Bool) {
        let state = markets[market.index]
        let marketConfig = configuration.markets[market.index]
        let expiry = ListingRules.expiry(listedAt: time, tenor: tenor)
        if configuration.joinsCoincidingExpiries,
           let existing = liveBoards.first(where: { boards[$0.index].market == market && boards[$0.index].expiry == expiry }) {
            if !boards[existing.index].tenors.contains(tenor) {
                boards[existing.index].joinedTenors = (boards[existing.index].joinedTenors ?? []) + [tenor]
            }
            return (existing, false)
        }
        let years = time.years(until: expiry)
        let amm = configuration.amm
        let baseIv = min(max(state.impliedVolatilityLevel, amm.baseIvBounds.lowerBound), amm.baseIvBounds.upperBound)
        let step = ListingRules.strikeStep(spot: state.spot, volatility: baseIv, years: years)
        let atm = (state.spot / step).rounded() * step
        let boardID = BoardID(boards.count)
        var strikes: [Money] = []
        for offset in -configuration.strikesPerSide...configuration.strikesPerSide {
            let strike = atm + Double(offset) * step
            if strike > 0 { strikes.append(Money(rounding: strike, .toNearestOrEven)) }
        }
        var board = Board(
            id: boardID, market: market, expiry: expiry, listedAt: time, tenor: tenor, tenorLabel: tenor.tenorLabel,
            strikes: strikes, baseIv: baseIv, smoothedBaseIv: baseIv, skews: [], calls: [], puts: [], settlementSpot: nil
        )
        for (index, strike) in strikes.enumerated() {
            board.skews.append(ListingRules.initialSkew(
                strike: strike.doubleValue, spot: state.spot, baseIv: baseIv, years: years, bounds: amm.skewBounds,
                curve: amm.skewCurve))
            for kind in OptionKind.allCases {
                let id = SeriesID(series.count)
                series.append(OptionSeries(
                    id: id, board: boardID, market: market, kind: kind, strike: strike, expiry: expiry,
                    name: ListingRules.seriesName(symbol: marketConfig.symbol, expiry: expiry, tenor: tenor, strike: strike, kind: kind),
                    strikeIndex: index
                ))
                if kind == .call { board.calls.append(id) } else { board.puts.append(id) }
                pool.netPosition.append(.zero)
                pool.lockedBySeries.append(.zero)
                seriesPositions.append([])
                shortCollateralFloor.append(.infinity)
                valuations.append(.zero)
                markVolatility.append(baseIv)
            }
        }
        boards.append(board)
        liveBoards.append(boardID)
        for id in board.calls + board.puts {
            valuations[id.index] = markValuation(id)
            markVolatility[id.index] = tradedVolatility(id)
        }
        return (boardID, true)
    }

    mutating func sortLiveBoards() {
        liveBoards.sort { a, b in
            let lhs = boards[a.index], rhs = boards[b.index]
            if lhs.market != rhs.market { return lhs.market < rhs.market }
            if lhs.expiry != rhs.expiry { return lhs.expiry < rhs.expiry }
            return lhs.id < rhs.id
        }
    }

    /// Series of all live boards, in board then strike order.
    public var liveSeries: [SeriesID] {
        liveBoards.flatMap { boards[$0.index].calls + boards[$0.index].puts }
    }
}

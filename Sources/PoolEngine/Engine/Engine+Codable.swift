import HeapModule
import OrderedCollections

/// `Engine` as a snapshot: every field that influences what happens next, so a decoded engine continues
/// byte for byte like the one that was encoded (the journal keeps these to make recovery cheap).
///
/// Derived lookups are rebuilt rather than stored: `positionLookup` is exactly the open positions keyed by
/// (account, series), as `checkInvariants()` asserts. The participants' `Heap` is stored as its elements;
/// `BotWakeUp` is totally ordered by (time, participant), so the rebuilt heap pops in the same order even if
/// its internal layout differs.
extension Engine: Codable {
    /// Bumped whenever the encoded shape changes, so an old snapshot is refused rather than misread.
    public static let snapshotFormat = 1

    enum CodingKeys: String, CodingKey {
        case snapshotFormat, configuration, seed, time, markets, boards, liveBoards, series, accounts, positions
        case pool, halts, statistics, externalNet, bots, random, nextSequence, nextPositionIndex, seriesPositions
        case valuations, markVolatility, poolGreeks, poolStdVega, cachedNAV, nextRiskRefresh, nextLiquidationCheck
        case nextHistorySample, nextHedge, botSchedule, participantActionInterval, ledger
        /// Strategies held and the next strategy id; written only once a session has had a strategy, so snapshots
        /// without strategies keep the bytes they always had, and older snapshots (without the keys) decode as none.
        case strategies, nextStrategyIndex
        /// The price process's own streams (rules 4); written only when there are some, so snapshots of sessions under
        /// earlier rules keep the bytes they always had.
        case priceStreams
    }

    /// Decodes a snapshot written by `encode(to:)`; throws on any other snapshot format.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(Int.self, forKey: .snapshotFormat)
        guard format == Self.snapshotFormat else {
            throw DecodingError.dataCorruptedError(
                forKey: .snapshotFormat, in: container,
                debugDescription: "engine snapshot format \(format), this build reads \(Self.snapshotFormat)")
        }
        configuration = try container.decode(EngineConfiguration.self, forKey: .configuration)
        seed = try container.decode(UInt64.self, forKey: .seed)
        time = try container.decode(SimTime.self, forKey: .time)
        markets = try container.decode([MarketState].self, forKey: .markets)
        boards = try container.decode([Board].self, forKey: .boards)
        liveBoards = try container.decode([BoardID].self, forKey: .liveBoards)
        series = try container.decode([OptionSeries].self, forKey: .series)
        accounts = try container.decode([Account].self, forKey: .accounts)
        // An array of positions in opening order: the ids are inside each value, so no separate keys.
        let positionList = try container.decode([Position].self, forKey: .positions)
        var positions = OrderedDictionary<PositionID, Position>()
        var lookup: [PositionKey: PositionID] = [:]
        for position in positionList {
            positions[position.id] = position
            lookup[PositionKey(account: position.account, series: position.series, strategy: position.strategy)] = position.id
        }
        self.positions = positions
        positionLookup = lookup
        pool = try container.decode(LiquidityPool.self, forKey: .pool)
        halts = try container.decode([Halt].self, forKey: .halts)
        statistics = try container.decode(EngineStatistics.self, forKey: .statistics)
        externalNet = try container.decode(Money.self, forKey: .externalNet)
        bots = try container.decode([SimulatedParticipant].self, forKey: .bots)
        random = try container.decode(SeededRandom.self, forKey: .random)
        priceStreams = try container.decodeIfPresent([SeededRandom].self, forKey: .priceStreams) ?? []
        guard priceStreams.count == (configuration.drawsPricesFromOwnStreams ? configuration.markets.count : 0) else {
            throw DecodingError.dataCorruptedError(
                forKey: .priceStreams, in: container,
                debugDescription: "engine snapshot has \(priceStreams.count) price streams, its rules need \(configuration.drawsPricesFromOwnStreams ? configuration.markets.count : 0)")
        }
        nextSequence = try container.decode(UInt64.self, forKey: .nextSequence)
        nextPositionIndex = try container.decode(Int.self, forKey: .nextPositionIndex)
        seriesPositions = try container.decode([[PositionID]].self, forKey: .seriesPositions)
        valuations = try container.decode([OptionValuation].self, forKey: .valuations)
        markVolatility = try container.decode([Double].self, forKey: .markVolatility)
        poolGreeks = try container.decode([NetGreeks].self, forKey: .poolGreeks)
        poolStdVega = try container.decode([Double].self, forKey: .poolStdVega)
        cachedNAV = try container.decode(Double.self, forKey: .cachedNAV)
        nextRiskRefresh = try container.decode(SimTime.self, forKey: .nextRiskRefresh)
        nextLiquidationCheck = try container.decode(SimTime.self, forKey: .nextLiquidationCheck)
        nextHistorySample = try container.decode(SimTime.self, forKey: .nextHistorySample)
        nextHedge = try container.decode(SimTime.self, forKey: .nextHedge)
        botSchedule = Heap(try container.decode([BotWakeUp].self, forKey: .botSchedule))
        participantActionInterval = try container.decode(SimDuration.self, forKey: .participantActionInterval)
        var book = OrderedDictionary<StrategyID, StrategyRecord>()
        for record in try container.decodeIfPresent([StrategyRecord].self, forKey: .strategies) ?? [] { book[record.id] = record }
        strategyBook = book
        nextStrategyIndex = try container.decodeIfPresent(Int.self, forKey: .nextStrategyIndex) ?? 0
        guard series.count == valuations.count, series.count == markVolatility.count,
              series.count == seriesPositions.count, markets.count == configuration.markets.count else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "engine snapshot arrays disagree in length"))
        }
        // A snapshot written before the ledger existed has none: it opens here, on the pool as it stands.
        ledger = try container.decodeIfPresent(PoolLedger.self, forKey: .ledger) ?? PoolLedger(openingOn: pool, at: time)
        rebuildShortCollateralFloors()
    }

    /// Encodes the whole state; with sorted keys the bytes depend only on the state, never on history.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.snapshotFormat, forKey: .snapshotFormat)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(seed, forKey: .seed)
        try container.encode(time, forKey: .time)
        try container.encode(markets, forKey: .markets)
        try container.encode(boards, forKey: .boards)
        try container.encode(liveBoards, forKey: .liveBoards)
        try container.encode(series, forKey: .series)
        try container.encode(accounts, forKey: .accounts)
        try container.encode(Array(positions.values), forKey: .positions)
        try container.encode(pool, forKey: .pool)
        try container.encode(halts, forKey: .halts)
        try container.encode(statistics, forKey: .statistics)
        try container.encode(externalNet, forKey: .externalNet)
        try container.encode(bots, forKey: .bots)
        try container.encode(random, forKey: .random)
        if !priceStreams.isEmpty { try container.encode(priceStreams, forKey: .priceStreams) }
        try container.encode(nextSequence, forKey: .nextSequence)
        try container.encode(nextPositionIndex, forKey: .nextPositionIndex)
        try container.encode(seriesPositions, forKey: .seriesPositions)
        try container.encode(valuations, forKey: .valuations)
        try container.encode(markVolatility, forKey: .markVolatility)
        try container.encode(poolGreeks, forKey: .poolGreeks)
        try container.encode(poolStdVega, forKey: .poolStdVega)
        try container.encode(cachedNAV, forKey: .cachedNAV)
        try container.encode(nextRiskRefresh, forKey: .nextRiskRefresh)
        try container.encode(nextLiquidationCheck, forKey: .nextLiquidationCheck)
        try container.encode(nextHistorySample, forKey: .nextHistorySample)
        try container.encode(nextHedge, forKey: .nextHedge)
        // Sorted, so equal states encode to equal bytes whatever the heap's internal layout.
        try container.encode(botSchedule.unordered.sorted(), forKey: .botSchedule)
        try container.encode(participantActionInterval, forKey: .participantActionInterval)
        if nextStrategyIndex > 0 {
            try container.encode(Array(strategyBook.values), forKey: .strategies)
            try container.encode(nextStrategyIndex, forKey: .nextStrategyIndex)
        }
        try container.encode(ledger, forKey: .ledger)
    }

    /// The sequence number the next event will carry (events so far are 1..<this).
    public var upcomingSequence: UInt64 { nextSequence }
}

extension EngineEvent {
    /// An event as read back from a journal (the engine itself numbers the events it emits).
    public static func journaled(sequence: UInt64, time: SimTime, payload: EventPayload) -> EngineEvent {
        EngineEvent(sequence: sequence, time: time, payload: payload)
    }
}

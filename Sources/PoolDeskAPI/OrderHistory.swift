import PoolEngine

/// What a `private/buy` / `private/sell` asked for, kept with its `label` so a retry can be recognised and a lost
/// reply recovered (`private/get_order_state_by_label`). A combo (``isCombo``) is one strategy order: `instrumentName`
/// is its combo id, `series` its first leg (which names the market and the order id's symbol), `amount` its units and
/// `limitPrice` the worst net premium per unit, signed as the request gave it. A strategy close
/// (``isStrategyClose``, `private/close_strategy`) has the strategy's id (`strat3`) as `instrumentName`, its first leg
/// as `series`, the leg's contracts as `amount` (zero for a whole close) and the `price` given as `limitPrice`.
public struct OrderRequest: Hashable, Sendable {
    public var account: AccountID
    public var series: SeriesID
    public var instrumentName: String
    public var side: Side
    /// Contracts asked for (a combo: units of the combo).
    public var amount: Quantity
    /// `market` or `limit`.
    public var orderType: String
    /// Worst premium per contract in USD, fees included (limit orders only; a combo: net per unit, credits negative).
    public var limitPrice: Money?
    /// The client's label: 1 to 64 characters, unique per account (a second order with it is not placed).
    public var label: String?

    public init(account: AccountID, series: SeriesID, instrumentName: String, side: Side, amount: Quantity,
                orderType: String, limitPrice: Money?, label: String?) {
        self.account = account
        self.series = series
        self.instrumentName = instrumentName
        self.side = side
        self.amount = amount
        self.orderType = orderType
        self.limitPrice = limitPrice
        self.label = label
    }

    /// Whether this is a combo (a strategy order, all legs or none): its instrument is a `COMBO:` id.
    public var isCombo: Bool { instrumentName.hasPrefix(DeribitMethods.comboPrefix) }

    /// Whether this closes a strategy or one of its legs (`private/close_strategy`): its instrument is a strategy id,
    /// `strat` and digits (no series is named so: series names hold dashes).
    public var isStrategyClose: Bool {
        instrumentName.hasPrefix("strat") && Int(instrumentName.dropFirst(5)) != nil
    }

    /// Whether the order is a strategy command (a combo or a strategy close), answered from its strategy events.
    public var isStrategyOrder: Bool { isCombo || isStrategyClose }
}

/// An order as placed: what was asked and what the engine did with it (one fill or one refusal; the pool never
/// rests an order). Rebuilt from the journal for labelled orders, so a reply can be given again after a restart.
public struct PlacedOrder: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case filled(Fill)
        case rejected(Rejection)
        /// A combo or strategy close that filled: the command's events for the account, its legs' fills then its
        /// strategy event (the reply is rendered from them,
        /// ``DeribitMethods/strategyReply(_:_:account:instrument:direction:amount:type:label:)``).
        case strategyFilled([EngineEvent])
    }

    public var request: OrderRequest
    /// The event sequence of the fill or the refusal (the order id's number).
    public var sequence: UInt64
    /// Simulated time the order was applied.
    public var time: SimTime
    public var outcome: Outcome
    /// The index (spot) and the series' model mark when the order was applied; nil when not known.
    public var indexPrice: Double?
    public var markPrice: Double?

    public init(request: OrderRequest, sequence: UInt64, time: SimTime, outcome: Outcome, indexPrice: Double?, markPrice: Double?) {
        self.request = request
        self.sequence = sequence
        self.time = time
        self.outcome = outcome
        self.indexPrice = indexPrice
        self.markPrice = markPrice
    }

    /// The placed order `request` became from the events of its command (nil when they hold neither a fill nor a
    /// refusal for its account), with the index and mark of `engine` (the pool just after the command). A combo's
    /// sequence is its first leg's fill (or its refusal).
    public init?(request: OrderRequest, events: [EngineEvent], engine: Engine) {
        if request.isStrategyOrder {
            guard let combo = Self.combo(request, events) else { return nil }
            self = combo
            return
        }
        for event in events {
            switch event.payload {
            case .orderFilled(let fill) where fill.account == request.account && !fill.isLiquidation:
                outcome = .filled(fill)
            case .orderRejected(let account, _, _, _, let rejection) where account == request.account:
                outcome = .rejected(rejection)
            default:
                continue
            }
            self.request = request
            sequence = event.sequence
            time = event.time
            if engine.isKnownSeries(request.series) {
                indexPrice = engine.markets[engine.series[request.series.index].market.index].spot
                markPrice = engine.markValuation(request.series).price
            }
            return
        }
        return nil
    }

    /// A strategy order's outcome: its refusal, or its legs' fills and its strategy event (nil: neither among `events`).
    static func combo(_ request: OrderRequest, _ events: [EngineEvent]) -> PlacedOrder? {
        var own: [EngineEvent] = []
        for event in events {
            switch event.payload {
            case .orderRejected(let account, _, _, _, let rejection) where account == request.account:
                return PlacedOrder(request: request, sequence: event.sequence, time: event.time, outcome: .rejected(rejection),
                                   indexPrice: nil, markPrice: nil)
            case .orderFilled(let fill) where fill.account == request.account && fill.strategy != nil && !fill.isLiquidation:
                own.append(event)
            case .strategyOpened(let activity) where activity.account == request.account,
                 .strategyChanged(let activity) where activity.account == request.account,
                 .strategyClosed(let activity) where activity.account == request.account:
                own.append(event)
            default:
                continue
            }
        }
        func isStrategyEvent(_ event: EngineEvent) -> Bool {
            switch event.payload {
            case .strategyOpened, .strategyChanged, .strategyClosed: true
            default: false
            }
        }
        guard let first = own.first, own.contains(where: isStrategyEvent) else { return nil }
        return PlacedOrder(request: request, sequence: first.sequence, time: first.time, outcome: .strategyFilled(own),
                           indexPrice: nil, markPrice: nil)
    }

    /// The event sequences of the fills the order made (its legs' for a combo), for labelling them in the history.
    public var fillSequences: [UInt64] {
        switch outcome {
        case .filled: [sequence]
        case .rejected: []
        case .strategyFilled(let events):
            events.compactMap { if case .orderFilled = $0.payload { $0.sequence } else { nil } }
        }
    }
}

/// One fill in the trade history (`get_last_trades_by_instrument`, `get_user_trades_by_*`).
public struct TradeRecord: Hashable, Sendable {
    /// The fill's event sequence: Deribit's `trade_seq` and `trade_id`.
    public var sequence: UInt64
    public var time: SimTime
    public var fill: Fill
    /// The label of the order that made it (own trades only; nil when unlabelled or not known).
    public var label: String?

    public init(sequence: UInt64, time: SimTime, fill: Fill, label: String? = nil) {
        self.sequence = sequence
        self.time = time
        self.fill = fill
        self.label = label
    }
}

/// Which trades a history method asks for: one instrument or one currency, optionally one account, a sequence range,
/// at most `count` (the store answers up to `count + 1`, so `has_more` can be told), oldest or newest first.
public struct TradeQuery: Hashable, Sendable {
    public enum Scope: Hashable, Sendable {
        case series(SeriesID)
        case market(MarketID)
    }

    public var scope: Scope
    /// Only this account's fills (nil: everyone's, for the public method).
    public var account: AccountID?
    /// Inclusive sequence bounds.
    public var startSequence: UInt64?
    public var endSequence: UInt64?
    /// 1 to 1000.
    public var count: Int
    /// Oldest first (`sorting=asc`); otherwise newest first.
    public var ascending: Bool

    public init(scope: Scope, account: AccountID?, startSequence: UInt64?, endSequence: UInt64?, count: Int, ascending: Bool) {
        self.scope = scope
        self.account = account
        self.startSequence = startSequence
        self.endSequence = endSequence
        self.count = count
        self.ascending = ascending
    }

    /// Whether `record` is in the query's scope, account and range (`engine` maps its series to a market).
    public func matches(_ record: TradeRecord, engine: Engine) -> Bool {
        if let account, record.fill.account != account { return false }
        if let startSequence, record.sequence < startSequence { return false }
        if let endSequence, record.sequence > endSequence { return false }
        switch scope {
        case .series(let id): return record.fill.series == id
        case .market(let market): return engine.isKnownSeries(record.fill.series) && engine.series[record.fill.series.index].market == market
        }
    }

    /// The first `count + 1` of `records` in the query's order (each record once, by sequence).
    public func select(_ records: some Sequence<TradeRecord>, engine: Engine) -> [TradeRecord] {
        var seen = Set<UInt64>()
        let unique = records.filter { matches($0, engine: engine) && seen.insert($0.sequence).inserted }
        let ordered = unique.sorted { ascending ? $0.sequence < $1.sequence : $0.sequence > $1.sequence }
        return Array(ordered.prefix(count + 1))
    }
}

/// A read the server answers from its order store (the journal, or memory without one), never from the engine.
public enum HistoryRequest: Hashable, Sendable {
    case trades(TradeQuery)
    /// The order `label` of `account` (at most one: labels are unique per account).
    case orderByLabel(account: AccountID, label: String)
}

/// The store's answer to a ``HistoryRequest``.
public enum HistoryAnswer: Hashable, Sendable {
    case trades([TradeRecord])
    case orders([PlacedOrder])
}

/// Trade history and labelled orders kept in memory: the whole store of a pool served without a journal (tests),
/// and the not-yet-written tail of one served with a journal. Fills are kept up to `capacity` (the oldest are
/// dropped), labelled orders all.
public struct OrderHistory: Sendable {
    /// Fills kept; with a journal this must exceed the fills a journal batch can hold unwritten.
    public var capacity: Int
    private var fills: [TradeRecord] = []
    private var labelled: [LabelKey: PlacedOrder] = [:]
    /// Labels of fills by their sequence (own trades show their order's label).
    private var labelsBySequence: [UInt64: String] = [:]

    struct LabelKey: Hashable, Sendable {
        var account: AccountID
        var label: String
    }

    public init(capacity: Int = 20_000) {
        self.capacity = max(1, capacity)
    }

    /// Adds the fills among `events` (oldest first).
    public mutating func record(_ events: [EngineEvent]) {
        for event in events {
            guard case .orderFilled(let fill) = event.payload else { continue }
            fills.append(TradeRecord(sequence: event.sequence, time: event.time, fill: fill, label: labelsBySequence[event.sequence]))
        }
        // Trimmed in halves so appending stays amortised O(1).
        if fills.count > 2 * capacity { fills.removeFirst(fills.count - capacity) }
    }

    /// Remembers a labelled order (call before `record` for its events, so its fill carries the label).
    public mutating func remember(_ order: PlacedOrder) {
        guard let label = order.request.label else { return }
        labelled[LabelKey(account: order.request.account, label: label)] = order
        for sequence in order.fillSequences {
            labelsBySequence[sequence] = label
            if let index = fills.lastIndex(where: { $0.sequence == sequence }) { fills[index].label = label }
        }
    }

    /// The order `label` of `account`, if one was placed.
    public func order(account: AccountID, label: String) -> PlacedOrder? {
        labelled[LabelKey(account: account, label: label)]
    }

    /// The newest fills kept, oldest first.
    public var recentTrades: [TradeRecord] { Array(fills.suffix(capacity)) }

    /// Answers `request` from memory alone.
    public func answer(_ request: HistoryRequest, engine: Engine) -> HistoryAnswer {
        switch request {
        case .trades(let query): .trades(query.select(fills.suffix(capacity), engine: engine))
        case .orderByLabel(let account, let label): .orders(order(account: account, label: label).map { [$0] } ?? [])
        }
    }
}

extension OrderHistory {
    /// Carries out a buy or sell in memory with the server's label rules (a used label places nothing and answers with
    /// its first outcome): the whole order path of a pool served without a journal, and of tests.
    public mutating func applyOrder(_ request: OrderRequest, _ command: EngineCommand, engine: inout Engine) -> Result<JSONValue, APIError> {
        if let label = request.label, let first = order(account: request.account, label: label) {
            return DeribitMethods.orderReply(first, engine)
        }
        let events = engine.apply(command)
        guard let placed = PlacedOrder(request: request, events: events, engine: engine) else {
            record(events)
            return .failure(APIError(-32603, "Internal error", data: ["reason": "the order produced no fill and no refusal"]))
        }
        remember(placed)
        record(events)
        return DeribitMethods.orderReply(placed, engine)
    }
}

import Foundation
import GRDB
import PoolEngine

/// An API client's label for one order, journaled with the order's command (table `order_labels`).
public struct JournalOrderLabel: Hashable, Sendable {
    public var account: AccountID
    /// Unique per account.
    public var label: String
    /// The series name, as in `events.series`.
    public var instrument: String
    public var side: Side
    public var amount: Quantity
    /// `market` or `limit`.
    public var orderType: String
    /// Limit per contract (nil for a market order).
    public var price: Money?
    /// Spot and model mark just after the command (filled in by `SessionJournal.apply` when nil).
    public var indexPrice: Double?
    public var markPrice: Double?

    public init(account: AccountID, label: String, instrument: String, side: Side, amount: Quantity, orderType: String,
                price: Money?, indexPrice: Double? = nil, markPrice: Double? = nil) {
        self.account = account
        self.label = label
        self.instrument = instrument
        self.side = side
        self.amount = amount
        self.orderType = orderType
        self.price = price
        self.indexPrice = indexPrice
        self.markPrice = markPrice
    }

    /// With the index and mark of `engine` (the pool after the command) where not given.
    func completed(engine: Engine) -> JournalOrderLabel {
        guard let id = engine.resolveSeries(named: instrument), engine.isKnownSeries(id) else { return self }
        var label = self
        label.indexPrice = indexPrice ?? engine.markets[engine.series[id.index].market.index].spot
        label.markPrice = markPrice ?? engine.markValuation(id).price
        return label
    }

    func insert(_ db: Database, commandID: Int64, recordedAt: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO order_labels (account, label, command_id, instrument, direction, amount, order_type, price, index_price,
                                      mark_price, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [Int64(account.index), label, commandID, instrument, side.rawValue, amount.micros, orderType,
                                     price?.micros, indexPrice, markPrice, recordedAt])
    }
}

/// A labelled order read back: the label row and the command's outcome event (its `orderFilled` or `orderRejected`
/// for the account; nil only if the journal holds neither).
public struct JournalLabelledOrder: Hashable, Sendable {
    public var label: JournalOrderLabel
    public var commandID: Int64
    public var outcome: EngineEvent?
    /// The command's trade and strategy events for the account, oldest first (a combo's legs' fills and its
    /// `strategyOpened`, or its refusal): at most ``maximumEvents``.
    public var events: [EngineEvent]

    /// More than any one order command makes for its account (a strategy: 4 fills and one strategy event).
    public static let maximumEvents = 16
}

/// One `orderFilled` event as the trade history reads it, with the label of its order when it had one.
public struct JournalFill: Hashable, Sendable {
    public var event: EngineEvent
    public var fill: Fill
    public var label: String?
}

/// Which fills to read: one series or one market's series (by name prefix), optionally one account, an inclusive
/// sequence range, oldest or newest first, at most `limit` rows.
public struct JournalFillQuery: Hashable, Sendable {
    public var series: String?
    /// `BTC`: every series named `BTC-…`.
    public var marketSymbol: String?
    public var account: AccountID?
    public var startSequence: UInt64?
    public var endSequence: UInt64?
    public var ascending: Bool
    public var limit: Int

    public init(series: String? = nil, marketSymbol: String? = nil, account: AccountID? = nil, startSequence: UInt64? = nil,
                endSequence: UInt64? = nil, ascending: Bool, limit: Int) {
        self.series = series
        self.marketSymbol = marketSymbol
        self.account = account
        self.startSequence = startSequence
        self.endSequence = endSequence
        self.ascending = ascending
        self.limit = limit
    }
}

extension SessionJournal {
    /// The order `label` of `account`, if one was journaled.
    public func labelledOrder(account: AccountID, label: String) throws -> JournalLabelledOrder? {
        try JournalReader.guarded(path) {
            try queue.read { db -> JournalLabelledOrder? in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT command_id, instrument, direction, amount, order_type, price, index_price, mark_price
                    FROM order_labels WHERE account = ? AND label = ?
                    """, arguments: [Int64(account.index), label]) else { return nil }
                let commandID: Int64 = row["command_id"]
                let direction: String = row["direction"]
                let price: Int64? = row["price"]
                let stored = JournalOrderLabel(
                    account: account, label: label, instrument: row["instrument"], side: direction == "sell" ? .sell : .buy,
                    amount: Quantity(micros: row["amount"]), orderType: row["order_type"], price: price.map(Money.init(micros:)),
                    indexPrice: row["index_price"], markPrice: row["mark_price"])
                // The command's events lie between its `after_seq` and the next command's: a bounded range of the
                // primary key, however long the journal.
                let rows = try Row.fetchAll(db, sql: """
                    SELECT seq, sim_time, kind, payload FROM events
                    WHERE seq > (SELECT after_seq FROM commands WHERE id = ?)
                      AND seq <= COALESCE((SELECT after_seq FROM commands WHERE id > ? ORDER BY id LIMIT 1), 9223372036854775807)
                      AND command_id = ? AND account = ?
                      AND kind IN ('orderFilled', 'orderRejected', 'strategyOpened', 'strategyChanged', 'strategyClosed')
                    ORDER BY seq LIMIT ?
                    """, arguments: [commandID, commandID, commandID, Int64(account.index), JournalLabelledOrder.maximumEvents])
                let decoder = JournalCodec.makeDecoder()
                var outcome: EngineEvent?
                var events: [EngineEvent] = []
                for row in rows {
                    let payload: String = row["payload"]
                    let event = EngineEvent.journaled(sequence: UInt64(row["seq"] as Int64), time: SimTime(milliseconds: row["sim_time"]),
                                                      payload: try decoder.decode(EventPayload.self, from: Data(payload.utf8)))
                    events.append(event)
                    let kind: String = row["kind"]
                    if outcome == nil, kind == "orderFilled" || kind == "orderRejected" { outcome = event }
                }
                return JournalLabelledOrder(label: stored, commandID: commandID, outcome: outcome, events: events)
            }
        }
    }

    /// Fills written to the journal that match `query` (at most `query.limit`: a bounded read through the partial
    /// indexes on `orderFilled` events). Fills still pending in memory are not included.
    public func fills(_ query: JournalFillQuery) throws -> [JournalFill] {
        var conditions = ["e.kind = 'orderFilled'"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let series = query.series {
            conditions.append("e.series = ?")
            arguments.append(series)
        }
        if let symbol = query.marketSymbol {
            // `BTC-` ≤ name < `BTC.` ('.' follows '-'): a range the series index serves.
            conditions.append("e.series >= ? AND e.series < ?")
            arguments.append(symbol + "-")
            arguments.append(symbol + ".")
        }
        if let account = query.account {
            conditions.append("e.account = ?")
            arguments.append(Int64(account.index))
        }
        if let start = query.startSequence {
            conditions.append("e.seq >= ?")
            arguments.append(Int64(clamping: start))
        }
        if let end = query.endSequence {
            conditions.append("e.seq <= ?")
            arguments.append(Int64(clamping: end))
        }
        arguments.append(max(0, query.limit))
        let sql = """
            SELECT e.seq, e.sim_time, e.payload, l.label FROM events e
            LEFT JOIN order_labels l ON l.command_id = e.command_id AND l.account = e.account
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY e.seq \(query.ascending ? "ASC" : "DESC") LIMIT ?
            """
        return try JournalReader.guarded(path) {
            try queue.read { db in
                let decoder = JournalCodec.makeDecoder()
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap { row -> JournalFill? in
                    let payload: String = row["payload"]
                    let decoded = try decoder.decode(EventPayload.self, from: Data(payload.utf8))
                    guard case .orderFilled(let fill) = decoded else { return nil }
                    let event = EngineEvent.journaled(sequence: UInt64(row["seq"] as Int64), time: SimTime(milliseconds: row["sim_time"]),
                                                      payload: decoded)
                    return JournalFill(event: event, fill: fill, label: row["label"])
                }
            }
        }
    }
}

import PoolEngine

/// A subscription channel by Deribit's names (`ticker.BTC-27DEC26-62000-C.100ms`), plus `pool.state`.
public enum SubscriptionChannel: Hashable, Sendable {
    case ticker(instrument: String, interval: String)
    case book(instrument: String, interval: String)
    case trades(instrument: String, interval: String)
    /// `deribit_price_index.btc_usd`: here the pool's own index (its simulated or replayed spot).
    case priceIndex(String)
    /// `user.trades.{instrument}.{interval}` or `user.trades.option.{currency}.{interval}`.
    case userTrades(scope: String, interval: String)
    case userPortfolio(currency: String)
    case userChanges(scope: String, interval: String)
    /// `pool.state`: NAV, share price, utilization, Greeks, breakers and the withdrawal queue (PoolDesk's own).
    case poolState
    /// `pool.replica`: every step the server takes, for a dashboard's replica (PoolDesk's own; ``ReplicaProtocol``).
    case replica

    /// Intervals Deribit offers; the server publishes at most every 100 ms whichever is asked.
    public static let intervals: Set<String> = ["raw", "100ms", "agg2"]

    /// Parses a channel name, or says why it is not one.
    public static func parse(_ name: String) -> Result<SubscriptionChannel, APIError> {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func bad(_ reason: String) -> Result<SubscriptionChannel, APIError> { .failure(.invalidParams("channels", "\(name): \(reason)")) }
        func interval(_ text: String) -> Bool { intervals.contains(text) }
        switch parts.first {
        case "ticker"?, "book"?, "trades"?:
            guard parts.count == 3, !parts[1].isEmpty, interval(parts[2]) else { return bad("expected \(parts[0]).INSTRUMENT.INTERVAL (raw, 100ms or agg2)") }
            switch parts[0] {
            case "ticker": return .success(.ticker(instrument: parts[1], interval: parts[2]))
            case "book": return .success(.book(instrument: parts[1], interval: parts[2]))
            default: return .success(.trades(instrument: parts[1], interval: parts[2]))
            }
        case "deribit_price_index"?:
            guard parts.count == 2, !parts[1].isEmpty else { return bad("expected deribit_price_index.INDEX (btc_usd)") }
            return .success(.priceIndex(parts[1].lowercased()))
        case "user"?:
            guard parts.count >= 3 else { return bad("expected user.trades…, user.portfolio.CURRENCY or user.changes…") }
            switch parts[1] {
            case "portfolio" where parts.count == 3: return .success(.userPortfolio(currency: parts[2].uppercased()))
            case "trades", "changes":
                guard (parts.count == 4 || parts.count == 5), let last = parts.last, interval(last) else {
                    return bad("expected user.\(parts[1]).INSTRUMENT.INTERVAL or user.\(parts[1]).option.CURRENCY.INTERVAL")
                }
                let scope = parts[2..<(parts.count - 1)].joined(separator: ".")
                return .success(parts[1] == "trades" ? .userTrades(scope: scope, interval: last) : .userChanges(scope: scope, interval: last))
            default: return bad("unknown user channel")
            }
        case "pool"? where parts == ["pool", "state"]:
            return .success(.poolState)
        case "pool"? where parts == ["pool", "replica"]:
            return .success(.replica)
        default:
            return bad("unknown channel")
        }
    }

    /// The channel's name as a subscription notification carries it.
    public var name: String {
        switch self {
        case .ticker(let instrument, let interval): "ticker.\(instrument).\(interval)"
        case .book(let instrument, let interval): "book.\(instrument).\(interval)"
        case .trades(let instrument, let interval): "trades.\(instrument).\(interval)"
        case .priceIndex(let index): "deribit_price_index.\(index)"
        case .userTrades(let scope, let interval): "user.trades.\(scope).\(interval)"
        case .userPortfolio(let currency): "user.portfolio.\(currency.lowercased())"
        case .userChanges(let scope, let interval): "user.changes.\(scope).\(interval)"
        case .poolState: "pool.state"
        case .replica: ReplicaProtocol.channelName
        }
    }

    /// Whether the channel speaks when something happens (a trade, a step of the replica) rather than on the
    /// clock's 100 ms publications: such channels are also published right after each command.
    public var isEventDriven: Bool {
        switch self {
        case .trades, .userTrades, .userChanges, .userPortfolio, .replica: true
        case .ticker, .book, .priceIndex, .poolState: false
        }
    }

    /// Whether the channel needs an authenticated connection (`private/subscribe`).
    public var isPrivate: Bool {
        switch self {
        case .userTrades, .userPortfolio, .userChanges: true
        default: false
        }
    }

    /// What to publish on this channel now, after `events` (the events since the last publication), for `account`
    /// (private channels); nil when there is nothing new to say (a trades channel with no trade). `replica` is the
    /// `pool.replica` data of this publication (encoded once by the server for every subscriber).
    public func notification(events: [EngineEvent], engine: Engine, account: AccountID?, replica: JSONValue? = nil) -> JSONValue? {
        func fills(_ matches: (Fill) -> Bool) -> [JSONValue] {
            events.compactMap { event -> JSONValue? in
                guard case .orderFilled(let fill) = event.payload, matches(fill) else { return nil }
                let option = engine.series[fill.series.index]
                return ["trade_seq": .number(Double(event.sequence)), "trade_id": .string("\(event.sequence)"),
                        "instrument_name": .string(option.name), "direction": fill.side == .buy ? "buy" : "sell",
                        "amount": .number(fill.quantity.doubleValue), "price": .number(fill.pricePerContract),
                        "iv": .number(fill.volatilityAfter * 100), "index_price": .number(engine.markets[option.market.index].spot),
                        "timestamp": .number(Double(event.time.milliseconds)), "liquidation": fill.isLiquidation ? "T" : .null]
            }
        }
        func inScope(_ fill: Fill, _ scope: String) -> Bool {
            let option = engine.series[fill.series.index]
            if scope == option.name { return true }
            let parts = scope.split(separator: ".")
            return parts.count == 2 && (parts[0] == "option" || parts[0] == "any")
                && engine.markets[option.market.index].symbol == parts[1].uppercased()
        }
        switch self {
        case .ticker(let instrument, _):
            return engine.resolveSeries(named: instrument).map { DeribitMethods.ticker($0, engine) }
        case .book(let instrument, _):
            return engine.resolveSeries(named: instrument).map { DeribitMethods.orderBook($0, engine) }
        case .trades(let instrument, _):
            guard let id = engine.resolveSeries(named: instrument) else { return nil }
            let trades = fills { $0.series == id }
            return trades.isEmpty ? nil : .array(trades)
        case .priceIndex(let index):
            guard let market = engine.markets.indices.first(where: { DeribitMethods.indexName(MarketID($0), engine) == index }) else { return nil }
            return ["index_name": .string(index), "price": .number(engine.markets[market].spot),
                    "timestamp": .number(Double(engine.time.milliseconds))]
        case .userTrades(let scope, _):
            guard let account else { return nil }
            let trades = fills { $0.account == account && inScope($0, scope) }
            return trades.isEmpty ? nil : .array(trades)
        case .userChanges(let scope, _):
            guard let account else { return nil }
            let trades = fills { $0.account == account && inScope($0, scope) }
            guard !trades.isEmpty else { return nil }
            let positions = engine.positionViews(of: account).map { view -> JSONValue in
                ["instrument_name": .string(view.series.name), "size": .number(view.position.quantity.doubleValue),
                 "mark_price": .number(view.mark), "floating_profit_loss": .number(view.unrealizedPnL)]
            }
            return ["trades": .array(trades), "positions": .array(positions), "orders": []]
        case .userPortfolio:
            guard let account, let snapshot = engine.accountSnapshot(account) else { return nil }
            return ["currency": "USD", "balance": .number(snapshot.account.balance.doubleValue),
                    "equity": .number(snapshot.account.balance.doubleValue + snapshot.account.collateral.doubleValue + snapshot.unrealizedPnL),
                    "initial_margin": .number(snapshot.account.collateral.doubleValue), "session_upl": .number(snapshot.unrealizedPnL)]
        case .poolState:
            return DeribitMethods.pool(engine)
        case .replica:
            return replica
        }
    }

    /// The JSON-RPC notification Deribit clients expect: `{"jsonrpc":"2.0","method":"subscription","params":{channel,data}}`.
    public func message(data: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": "subscription", "params": ["channel": .string(name), "data": data]]
    }
}

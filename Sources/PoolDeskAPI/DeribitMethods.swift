import Foundation
import PoolEngine

/// Who is asking, and the pool as it is now.
public struct APIContext: Sendable {
    public var engine: Engine
    /// The authenticated account (nil: public access only).
    public var account: AccountID?
    /// False for a `viewer` token: it reads but never trades.
    public var mayTrade: Bool
    /// True for an `lp` token only (scope `account:read_write`): it may deposit into and withdraw from the pool.
    public var mayMoveFunds: Bool

    public init(engine: Engine, account: AccountID? = nil, mayTrade: Bool = false, mayMoveFunds: Bool = false) {
        self.engine = engine
        self.account = account
        self.mayTrade = mayTrade
        self.mayMoveFunds = mayMoveFunds
    }
}

/// What a method asks of the server: a result now, or an engine command to sequence (the server applies it in
/// order, journals it, and only then renders the reply from its events).
public enum APIOutcome: Sendable {
    case result(JSONValue)
    case command(EngineCommand, render: @Sendable (_ events: [EngineEvent], _ engine: Engine) -> Result<JSONValue, APIError>)
    /// A buy or sell. The server first looks up `request.label` for the account: a label already used answers with
    /// that order's first outcome (``DeribitMethods/orderReply(_:_:)``) and places nothing. Otherwise it applies
    /// `command`, journals the label with it in the same transaction, and answers with the ``PlacedOrder`` the
    /// events make.
    case order(OrderRequest, EngineCommand)
    /// A read of the server's order store (trade history, labelled orders), rendered against the pool as it is now.
    case history(HistoryRequest, render: @Sendable (_ answer: HistoryAnswer, _ engine: Engine) -> Result<JSONValue, APIError>)
}

/// The methods of Deribit's API v2 that exist in a peer-to-pool market, with Deribit's names, parameter names and
/// result field names (prices in USD rather than in the coin; one pool as the counterparty; no resting orders),
/// plus what Deribit lacks in its style (`public/get_pool`, `private/deposit_to_pool`, `private/withdraw_from_pool`,
/// `private/preview_trade`). Pure: every handler reads an engine value and returns a result, a command, an order
/// (with its label) or a read of the server's order store.
public enum DeribitMethods {
    public typealias Handler = @Sendable (APIContext, RequestParameters) throws(APIError) -> APIOutcome

    /// Method name → handler. A method missing here is `Method not found`.
    public static let table: [String: Handler] = [
        "public/test": { _, _ throws(APIError) in .result(["version": "pooldesk-1"]) },
        "public/get_time": { context, _ throws(APIError) in .result(.number(Double(context.engine.time.milliseconds))) },
        "public/get_currencies": { context, _ throws(APIError) in .result(.array(context.engine.markets.map(currency))) },
        "public/get_instruments": getInstruments,
        "public/get_instrument": { context, params throws(APIError) in
            .result(instrument(try series(params, context.engine), context.engine))
        },
        "public/ticker": { context, params throws(APIError) in .result(ticker(try series(params, context.engine), context.engine)) },
        "public/get_order_book": { context, params throws(APIError) in
            .result(orderBook(try series(params, context.engine), context.engine))
        },
        "public/get_book_summary_by_currency": bookSummary,
        "public/get_index_price": indexPrice,
        "public/get_pool": { context, _ throws(APIError) in .result(pool(context.engine)) },
        "private/buy": { context, params throws(APIError) in try trade(.buy, context, params) },
        "private/sell": { context, params throws(APIError) in try trade(.sell, context, params) },
        "private/close_position": closePosition,
        "private/get_positions": getPositions,
        "private/get_account_summary": accountSummary,
        "private/get_order_state_by_label": orderStateByLabel,
        "public/get_last_trades_by_instrument": lastTradesByInstrument,
        "private/get_user_trades_by_instrument": userTradesByInstrument,
        "private/get_user_trades_by_currency": userTradesByCurrency,
        "private/deposit_to_pool": depositToPool,
        "private/withdraw_from_pool": withdrawFromPool,
        "private/preview_trade": previewTrade,
        "private/create_combo": createCombo,
        "private/close_strategy": closeStrategy,
    ]

    /// Runs `request` against `context`: the outcome, or the error to answer with.
    public static func handle(_ request: JSONRPCRequest, _ context: APIContext) -> Result<APIOutcome, APIError> {
        guard let handler = table[request.method] else { return .failure(.methodNotFound(request.method)) }
        if request.method.hasPrefix("private/"), context.account == nil {
            // A token that was given but is not (or no longer) valid is said so, not mistaken for a missing one.
            if request.params["access_token"] != nil { return .failure(.unauthorized("invalid or expired access_token")) }
            return .failure(.unauthorized("\(request.method) needs an access token (public/auth)"))
        }
        do {
            return .success(try handler(context, RequestParameters(request.params)))
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Market data

    static func currency(_ market: MarketState) -> JSONValue {
        ["currency": .string(market.symbol), "currency_long": .string(market.symbol), "coin_type": "CRYPTO",
         "fee_precision": 6, "min_confirmations": 0, "withdrawal_fee": 0]
    }

    static func market(_ params: RequestParameters, _ engine: Engine) throws(APIError) -> MarketID {
        let symbol = try params.string("currency").uppercased()
        guard let index = engine.markets.firstIndex(where: { $0.symbol == symbol }) else {
            throw .invalidParams("currency", "\(symbol) is not listed (\(engine.markets.map(\.symbol).joined(separator: ", ")))")
        }
        return MarketID(index)
    }

    static func series(_ params: RequestParameters, _ engine: Engine) throws(APIError) -> SeriesID {
        let name = try params.string("instrument_name")
        guard let id = engine.resolveSeries(named: name) else {
            throw .invalidParams("instrument_name", engine.describeUnresolvedSeries(named: name))
        }
        return id
    }

    static let getInstruments: Handler = { context, params throws(APIError) in
        let engine = context.engine
        let market = try market(params, engine)
        if let kind = params.optionalString("kind"), kind != "option" {
            throw .invalidParams("kind", "only options are listed (kind=option)")
        }
        let expired = try params.optionalBool("expired") ?? false
        let boards = expired
            ? engine.boards.filter { $0.market == market && $0.isSettled }.suffix(200).map { $0 }
            : engine.liveBoards(market: market)
        return .result(.array(boards.flatMap { board in (board.calls + board.puts).map { instrument($0, engine) } }))
    }

    static func instrument(_ id: SeriesID, _ engine: Engine) -> JSONValue {
        let option = engine.series[id.index]
        let board = engine.boards[option.board.index]
        let rules = engine.marketConfiguration(option.market)
        return [
            "instrument_name": .string(option.name), "instrument_id": .number(Double(id.index)), "kind": "option",
            "option_type": option.kind == .call ? "call" : "put", "strike": .number(option.strike.doubleValue),
            "expiration_timestamp": .number(Double(option.expiry.milliseconds)),
            "creation_timestamp": .number(Double(board.listedAt.milliseconds)),
            "base_currency": .string(engine.markets[option.market.index].symbol), "quote_currency": "USD",
            "settlement_currency": "USD", "counter_currency": "USD", "contract_size": 1,
            "min_trade_amount": .number(rules.minimumOrderSize.doubleValue), "max_trade_amount": .number(rules.maximumOrderSize.doubleValue),
            "tick_size": 0.000001, "is_active": .bool(!board.isSettled && engine.time < option.expiry),
            "settlement_period": .string(board.tenorLabel), "tenor": .string(board.tenorLabel),
        ]
    }

    static func quote(_ id: SeriesID, _ engine: Engine) -> ChainQuote? {
        let option = engine.series[id.index]
        let size = engine.marketConfiguration(option.market).minimumOrderSize
        return engine.chain(board: option.board, quoteSize: size).lazy.flatMap { [$0.call, $0.put] }.first { $0.series == id }
    }

    /// The vol a per-contract price implies (percent, as Deribit quotes IV), or nil when none does.
    static func impliedVolatilityPercent(_ id: SeriesID, price: Double, _ engine: Engine) -> JSONValue {
        let option = engine.series[id.index]
        let result = ImpliedVolatility.solve(kind: option.kind, spot: engine.markets[option.market.index].spot,
                                             strike: option.strike.doubleValue, time: engine.yearsToExpiry(id),
                                             rate: engine.configuration.rate, price: price)
        if case .success(let vol) = result { return .number(vol * 100) }
        return .null
    }

    static func ticker(_ id: SeriesID, _ engine: Engine) -> JSONValue {
        let option = engine.series[id.index]
        let spot = engine.markets[option.market.index].spot
        let mark = engine.markValuation(id)
        let quote = quote(id, engine)
        let size = engine.marketConfiguration(option.market).maximumOrderSize.doubleValue
        let open = quote?.restriction == nil && engine.time < option.expiry
        let interest = engine.positions.values.filter { $0.series == id && $0.isLong }.reduce(0.0) { $0 + $1.quantity.doubleValue }
        let trader = mark.traderUnits
        return [
            "instrument_name": .string(option.name), "timestamp": .number(Double(engine.time.milliseconds)),
            "state": .string(open ? "open" : "closed"),
            "best_bid_price": .number(quote?.bid ?? 0), "best_ask_price": .number(quote?.ask ?? 0),
            "best_bid_amount": .number(open ? size : 0), "best_ask_amount": .number(open ? size : 0),
            "bid_iv": quote.map { impliedVolatilityPercent(id, price: $0.bid, engine) } ?? .null,
            "ask_iv": quote.map { impliedVolatilityPercent(id, price: $0.ask, engine) } ?? .null,
            "mark_price": .number(mark.price), "mark_iv": .number(engine.tradedVolatility(id) * 100),
            "underlying_price": .number(spot), "underlying_index": .string(indexName(option.market, engine)),
            "index_price": .number(spot), "estimated_delivery_price": .number(spot),
            "greeks": ["delta": .number(trader.delta), "gamma": .number(trader.gamma), "vega": .number(trader.vega),
                       "theta": .number(trader.theta), "rho": .number(trader.rho)],
            "open_interest": .number(interest), "interest_rate": .number(engine.configuration.rate),
            "settlement_price": engine.boards[option.board.index].settlementSpot.map(JSONValue.number) ?? .null,
        ]
    }

    static func orderBook(_ id: SeriesID, _ engine: Engine) -> JSONValue {
        guard case .object(var fields) = ticker(id, engine) else { return .null }
        let open = fields["state"] == .string("open")
        // The pool is the whole book: one level each side, at the price of the size it would take there.
        fields["bids"] = open ? [[fields["best_bid_price"] ?? 0, fields["best_bid_amount"] ?? 0]] : []
        fields["asks"] = open ? [[fields["best_ask_price"] ?? 0, fields["best_ask_amount"] ?? 0]] : []
        return .object(fields)
    }

    static let bookSummary: Handler = { context, params throws(APIError) in
        let engine = context.engine
        let market = try market(params, engine)
        let rows = engine.liveBoards(market: market).flatMap { board in
            (board.calls + board.puts).map { id -> JSONValue in
                guard case .object(let fields) = ticker(id, engine) else { return .null }
                return .object(fields.filter { ["instrument_name", "bid_price", "ask_price", "mark_price", "mark_iv",
                                                "underlying_price", "open_interest", "best_bid_price", "best_ask_price"].contains($0.key) })
            }
        }
        return .result(.array(rows))
    }

    /// `btc_usd`, `eth_usd`: Deribit's index names. Here the index is the pool's own simulated (or replayed) spot.
    static func indexName(_ market: MarketID, _ engine: Engine) -> String {
        engine.markets[market.index].symbol.lowercased() + "_usd"
    }

    static let indexPrice: Handler = { context, params throws(APIError) in
        let engine = context.engine
        let name = try params.string("index_name").lowercased()
        guard let index = engine.markets.indices.first(where: { indexName(MarketID($0), engine) == name }) else {
            throw .invalidParams("index_name", "\(name) is not an index here (\(engine.markets.indices.map { indexName(MarketID($0), engine) }.joined(separator: ", ")))")
        }
        let spot = engine.markets[index].spot
        return .result(["index_price": .number(spot), "estimated_delivery_price": .number(spot)])
    }

    /// `public/get_pool` and the `pool.state` channel. A session with recorded prices (`--prices`) also carries
    /// `recorded_prices`: per recorded market `index_name`, `end_timestamp` (ms, the last bar's close) and `ended`
    /// (true once the market holds its last close: "history ended"), so a client learns when the history stops.
    static func pool(_ engine: Engine) -> JSONValue {
        var fields = poolFields(engine)
        let recorded = engine.markets.indices.compactMap { index -> JSONValue? in
            guard let end = engine.recordedPricesEnd(MarketID(index)) else { return nil }
            return ["index_name": .string(indexName(MarketID(index), engine)), "end_timestamp": .number(Double(end.milliseconds)),
                    "ended": .bool(engine.time >= end)]
        }
        if !recorded.isEmpty { fields["recorded_prices"] = .array(recorded) }
        return .object(fields)
    }

    private static func poolFields(_ engine: Engine) -> [String: JSONValue] {
        let snapshot = engine.poolSnapshot()
        return [
            "nav": .number(snapshot.nav), "share_price": .number(snapshot.sharePrice), "share_supply": .number(snapshot.shareSupply.doubleValue),
            "utilization": .number(snapshot.utilization), "utilization_cap": .number(snapshot.utilizationCap),
            "free_liquidity": .number(snapshot.freeLiquidity.doubleValue), "locked_collateral": .number(snapshot.lockedCollateral.doubleValue),
            "fees_earned": .number(snapshot.feesEarned.doubleValue), "reserve": .number(snapshot.reserve.doubleValue),
            "net_greeks": ["delta": .number(snapshot.totalGreeksUSD.delta), "gamma": .number(snapshot.totalGreeksUSD.gamma),
                           "vega": .number(snapshot.totalGreeksUSD.vega), "theta": .number(snapshot.totalGreeksUSD.theta)],
            "hedging_enabled": .bool(snapshot.hedgingEnabled),
            "halts": .array(snapshot.halts.map { .string($0.reason.description) }),
            "withdrawal_queue": ["requests": .number(Double(snapshot.queuedWithdrawals)), "shares": .number(snapshot.queuedShares.doubleValue),
                                 "value": .number(snapshot.queuedValue.doubleValue)],
            "timestamp": .number(Double(engine.time.milliseconds)),
        ]
    }

    // MARK: - Trading

    static func tradingAccount(_ context: APIContext) throws(APIError) -> AccountID {
        guard let account = context.account else { throw .unauthorized("needs an access token (public/auth)") }
        guard context.mayTrade else { throw .unauthorized("this token may read but not trade (viewer)") }
        return account
    }

    /// `private/buy` / `private/sell`: `instrument_name`, `amount` (contracts), `type` market or limit, `price` (limit:
    /// the worst premium per contract, fees included), `label` (up to 64 characters, unique per account: a retry with
    /// a used label places nothing and gets the first outcome again). Fills at once against the pool or is refused.
    static func trade(_ side: Side, _ context: APIContext, _ params: RequestParameters) throws(APIError) -> APIOutcome {
        if let name = params.optionalString("instrument_name"), name.hasPrefix(comboPrefix) {
            return try tradeCombo(side, context, params, name: name)
        }
        let account = try tradingAccount(context)
        let engine = context.engine
        let id = try series(params, engine)
        let amount = try params.amount("amount", as: Quantity.self)
        guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
        let type = try params.optionalText("type") ?? "market"
        var order = Order(account: account, series: id, side: side, quantity: amount)
        var limitPrice: Money?
        switch type {
        case "market": break
        case "limit":
            let price = try params.amount("price", as: Money.self)
            guard price.isPositive else { throw .invalidParams("price", "must be above zero") }
            order.limitPremium = Money.notional(price, amount, rounding: side == .buy ? .down : .up)
            limitPrice = price
        default: throw .invalidParams("type", "market or limit (no resting orders: the pool fills at once or refuses)")
        }
        let request = OrderRequest(account: account, series: id, instrumentName: engine.series[id.index].name, side: side,
                                   amount: amount, orderType: type, limitPrice: limitPrice, label: try label(params))
        return .order(request, .placeOrder(order))
    }

    /// Deribit's longest label.
    public static let maximumLabelLength = 64

    /// The optional `label`: 1 to 64 printable characters (an empty label is no label, as on Deribit).
    static func label(_ params: RequestParameters, required: Bool = false) throws(APIError) -> String? {
        guard let label = try params.optionalText("label"), !label.isEmpty else {
            if required { throw .invalidParams("label", "required") }
            return nil
        }
        guard label.count <= maximumLabelLength, label.utf8.count <= 4 * maximumLabelLength else {
            throw .invalidParams("label", "at most \(maximumLabelLength) characters")
        }
        guard !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidParams("label", "control characters are not allowed")
        }
        return label
    }

    /// `private/close_position`: `instrument_name`, `type` market or limit with `price` (the worst premium per contract),
    /// `amount` (PoolDesk's: part of the position; absent, all of it) and `label` (PoolDesk's, as for `private/buy`: a
    /// retried close closes nothing more, and a connected dashboard can ask what became of a close it lost).
    static let closePosition: Handler = { context, params throws(APIError) in
        let account = try tradingAccount(context)
        let id = try series(params, context.engine)
        let type = try params.optionalText("type") ?? "market"
        guard type == "market" || type == "limit" else { throw .invalidParams("type", "market or limit") }
        let held = context.engine.position(account: account, series: id)
        // `amount` (PoolDesk's addition): close only this many contracts; absent, the whole position as on Deribit.
        let amount = try params.optionalAmount("amount", as: Quantity.self)
        if let amount, !amount.isPositive { throw .invalidParams("amount", "must be above zero") }
        let closing = amount ?? held.map { Quantity(micros: abs($0.quantity.micros)) }
        var limit: Money?
        var limitPrice: Money?
        if type == "limit", let price = try params.optionalAmount("price", as: Money.self) {
            guard price.isPositive else { throw .invalidParams("price", "must be above zero") }
            limitPrice = price
            if let held, let closing {
                limit = Money.notional(price, closing, rounding: held.isLong ? .up : .down)
            }
        }
        let request = OrderRequest(account: account, series: id, instrumentName: context.engine.series[id.index].name,
                                   side: held.map { $0.isLong ? .sell : .buy } ?? .sell,
                                   amount: closing ?? .zero,
                                   orderType: type, limitPrice: limitPrice, label: try label(params))
        return .order(request, .closePosition(account: account, series: id, quantity: amount, limitPremium: limit))
    }

    /// Deribit's `{order, trades}` for the order `request` became in `events`, or the refusal as an error.
    public static func orderResult(_ request: OrderRequest, _ events: [EngineEvent], _ engine: Engine) -> Result<JSONValue, APIError> {
        guard let placed = PlacedOrder(request: request, events: events, engine: engine) else {
            return .failure(APIError(-32603, "Internal error", data: ["reason": "the order produced no fill and no refusal"]))
        }
        return orderReply(placed, engine)
    }

    /// The reply to a buy or sell that became `placed`: `{order, trades}` for a fill, the refusal's error otherwise.
    /// The same for the first answer and for a retry with the same label (which places nothing).
    public static func orderReply(_ placed: PlacedOrder, _ engine: Engine) -> Result<JSONValue, APIError> {
        switch placed.outcome {
        case .rejected(let rejection):
            return .failure(rejected(rejection))
        case .strategyFilled(let events):
            let request = placed.request
            if request.isStrategyClose {
                return strategyReply(events, engine, account: request.account, instrument: request.instrumentName, direction: nil,
                                     amount: nil, type: "market", label: request.label)
            }
            return strategyReply(events, engine, account: request.account, instrument: request.instrumentName, direction: request.side,
                                 amount: request.amount, type: request.orderType, label: request.label)
        case .filled(let fill):
            let trade = tradeObject(TradeRecord(sequence: placed.sequence, time: placed.time, fill: fill, label: placed.request.label),
                                    engine, own: true, indexPrice: placed.indexPrice, markPrice: placed.markPrice,
                                    orderType: placed.request.orderType)
            return .success(["order": orderObject(placed, engine), "trades": [trade]])
        }
    }

    /// `BTC-1234`: the market's symbol and the event sequence of the order's fill or refusal.
    static func orderID(_ series: SeriesID, sequence: UInt64, _ engine: Engine) -> JSONValue {
        let symbol = engine.isKnownSeries(series) ? engine.markets[engine.series[series.index].market.index].symbol : "POOL"
        return .string("\(symbol)-\(sequence)")
    }

    /// Deribit's order object. Orders never rest here, so `order_state` is `filled` or `rejected` (with
    /// `reject_reason`, `reject_code` and `reject_detail`: the engine's typed reason, the stable error code, the detail);
    /// `price` is the limit per contract, or `market_price` for a market order, as on Deribit.
    public static func orderObject(_ placed: PlacedOrder, _ engine: Engine) -> JSONValue {
        let request = placed.request
        if case .strategyFilled = placed.outcome, case .success(let reply) = orderReply(placed, engine), let order = reply["order"] {
            return order
        }
        var order: [String: JSONValue] = [
            "order_id": orderID(request.series, sequence: placed.sequence, engine), "label": .string(request.label ?? ""),
            "instrument_name": .string(request.instrumentName),
            "direction": .string(request.isStrategyClose ? "close" : request.side.rawValue),
            "amount": .number(request.amount.doubleValue), "order_type": .string(request.orderType),
            "price": request.limitPrice.map { .number($0.doubleValue) } ?? "market_price",
            "time_in_force": "fill_or_kill", "post_only": false, "reduce_only": false, "api": true, "is_liquidation": false,
            "creation_timestamp": .number(Double(placed.time.milliseconds)), "last_update_timestamp": .number(Double(placed.time.milliseconds)),
        ]
        switch placed.outcome {
        case .filled(let fill):
            order["order_state"] = "filled"
            order["filled_amount"] = .number(fill.quantity.doubleValue)
            order["average_price"] = .number(fill.pricePerContract)
        case .strategyFilled:
            // Rendered above; only an inconsistent event list lands here.
            order["order_state"] = "filled"
        case .rejected(let rejection):
            let error = rejected(rejection)
            order["order_state"] = "rejected"
            order["filled_amount"] = 0
            order["average_price"] = 0
            order["reject_reason"] = .string(rejection.reason.rawValue)
            order["reject_code"] = .number(Double(error.code))
            order["reject_detail"] = .string(rejection.detail)
        }
        return .object(order)
    }

    /// Deribit's trade object. `own` adds what only the trader sees (`order_id`, `label`, `fee`, `fee_currency`,
    /// `liquidity`, `state`, `order_type`). `index_price` and `mark_price` are null when not known (history read
    /// from the journal keeps each fill's IV but not the index or mark at that moment). `trade_seq` and `trade_id`
    /// are the pool-wide event sequence (Deribit numbers trades per instrument). `liquidation` is present, `T`,
    /// only for a forced close.
    public static func tradeObject(_ record: TradeRecord, _ engine: Engine, own: Bool, indexPrice: Double? = nil,
                                   markPrice: Double? = nil, orderType: String? = nil) -> JSONValue {
        let fill = record.fill
        let name = engine.isKnownSeries(fill.series) ? engine.series[fill.series.index].name : "unknown"
        var trade: [String: JSONValue] = [
            "trade_id": .string("\(record.sequence)"), "trade_seq": .number(Double(record.sequence)),
            "timestamp": .number(Double(record.time.milliseconds)), "instrument_name": .string(name),
            "direction": .string(fill.side.rawValue), "amount": .number(fill.quantity.doubleValue),
            "contracts": .number(fill.quantity.doubleValue), "price": .number(fill.pricePerContract),
            "iv": .number(fill.volatilityAfter * 100),
            "index_price": indexPrice.map(JSONValue.number) ?? .null, "mark_price": markPrice.map(JSONValue.number) ?? .null,
        ]
        if fill.isLiquidation { trade["liquidation"] = "T" }
        if own {
            trade["order_id"] = orderID(fill.series, sequence: record.sequence, engine)
            if let label = record.label { trade["label"] = .string(label) }
            trade["fee"] = .number(fill.fee.doubleValue)
            trade["fee_currency"] = "USD"
            trade["liquidity"] = "T"
            trade["state"] = "filled"
            if let orderType { trade["order_type"] = .string(orderType) }
        }
        return .object(trade)
    }

    /// An engine refusal as a JSON-RPC error: a stable code per reason (12000 + its position in `RejectionReason`,
    /// whose cases are only ever appended), the reason's name and the engine's one-line detail.
    public static func rejected(_ rejection: Rejection) -> APIError {
        let index = RejectionReason.allCases.firstIndex(of: rejection.reason) ?? 0
        return APIError(12_000 + index, rejection.reason.description,
                        data: ["reason": .string(rejection.reason.rawValue), "detail": .string(rejection.detail)])
    }

    /// `private/get_positions`: `currency` (optional). Deribit's position objects; a strategy's leg adds `strategy_id`
    /// (`strat3`, as `close_strategy` takes it and a combo order's `order_id`), `strategy` (its display name) and
    /// `combo_id` (the combo of the legs still held, ``comboID(of:engine:)``; null when fewer than two are left or their
    /// ratios do not reduce to 1–10). Single-order positions have none of these, as on Deribit.
    static let getPositions: Handler = { context, params throws(APIError) in
        guard let account = context.account else { throw .unauthorized("needs an access token (public/auth)") }
        let engine = context.engine
        let market: MarketID? = params.optionalString("currency").map { _ in () } != nil ? try market(params, engine) : nil
        let views = engine.positionViews(of: account).filter { market == nil || $0.series.market == market }
        var strategies: [StrategyID: (name: String, combo: JSONValue)] = [:]
        return .result(.array(views.map { view in
            let trader = OptionValuation(price: view.mark, delta: view.greeks.delta, gamma: view.greeks.gamma,
                                         vega: view.greeks.vega, theta: view.greeks.theta, rho: view.greeks.rho)
            var position: [String: JSONValue] = [
                "instrument_name": .string(view.series.name), "kind": "option",
                "direction": .string(view.position.isLong ? "buy" : "sell"), "size": .number(view.position.quantity.doubleValue),
                "average_price": .number(abs(view.position.costBasis.doubleValue / view.position.quantity.doubleValue)),
                "mark_price": .number(view.mark), "floating_profit_loss": .number(view.unrealizedPnL),
                "initial_margin": .number(view.position.collateral.doubleValue),
                "delta": .number(trader.delta), "gamma": .number(trader.gamma), "vega": .number(trader.vega), "theta": .number(trader.theta),
            ]
            if let id = view.position.strategy {
                let strategy = strategies[id] ?? engine.strategy(id).map { held in
                    (held.name, comboID(of: held, engine: engine).map(JSONValue.string) ?? .null)
                } ?? ("", .null)
                strategies[id] = strategy
                position["strategy_id"] = .string(id.description)
                position["strategy"] = .string(strategy.name)
                position["combo_id"] = strategy.combo
            }
            return .object(position)
        }))
    }

    /// The combo id of the legs a strategy still holds: their signed quantities reduced by their greatest common divisor
    /// to whole ratios (a bought leg positive), as `create_combo` reduces trades; nil for fewer than two legs or when a
    /// ratio would exceed 10 (no combo trades that).
    public static func comboID(of strategy: StrategyHolding, engine: Engine) -> String? {
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        let held = strategy.legs.filter { !$0.quantity.isZero }
        guard (2...4).contains(held.count) else { return nil }
        let common = held.reduce(Int64(0)) { gcd($0, abs($1.quantity.micros)) }
        guard common > 0 else { return nil }
        let legs = held.map { leg in
            StrategyLeg(series: leg.series, side: leg.quantity.isPositive ? .buy : .sell, ratio: Int(abs(leg.quantity.micros) / common))
        }
        guard legs.allSatisfy({ (1...10).contains($0.ratio) }) else { return nil }
        return comboName(legs, engine: engine)
    }

    static let accountSummary: Handler = { context, _ throws(APIError) in
        guard let account = context.account, let snapshot = context.engine.accountSnapshot(account) else {
            throw .unauthorized("needs an access token (public/auth)")
        }
        let balance = snapshot.account.balance.doubleValue
        return .result([
            "id": .number(Double(account.index)), "currency": "USD", "balance": .number(balance), "available_funds": .number(balance),
            "equity": .number(balance + snapshot.account.collateral.doubleValue + snapshot.unrealizedPnL),
            "initial_margin": .number(snapshot.account.collateral.doubleValue),
            "total_pl": .number(snapshot.account.realizedPnL.doubleValue + snapshot.unrealizedPnL),
            "session_upl": .number(snapshot.unrealizedPnL), "fees_paid": .number(snapshot.account.feesPaid.doubleValue),
            "options_delta": .number(snapshot.greeks.delta), "options_gamma": .number(snapshot.greeks.gamma),
            "options_vega": .number(snapshot.greeks.vega), "options_theta": .number(snapshot.greeks.theta),
            "lp_shares": .number(snapshot.account.shares.doubleValue), "lp_share_value": .number(snapshot.shareValue),
            "username": .string(snapshot.account.name),
        ])
    }
}

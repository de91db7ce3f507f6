import Foundation
import PoolEngine

/// Who is asking, and the pool as it is now.
public struct APIContext: Sendable {
    public var engine: Engine
    /// The authenticated account (nil: public access only).
    public var account: AccountID?
    /// False for a `viewer` token: it reads but never trades.
    public var mayTrade: Bool

    public init(engine: Engine, account: AccountID? = nil, mayTrade: Bool = false) {
        self.engine = engine
        self.account = account
        self.mayTrade = mayTrade
    }
}

/// What a method asks of the server: a result now, or an engine command to sequence (the server applies it in
/// order, journals it, and only then renders the reply from its events).
public enum APIOutcome: Sendable {
    case result(JSONValue)
    case command(EngineCommand, render: @Sendable (_ events: [EngineEvent], _ engine: Engine) -> Result<JSONValue, APIError>)
}

/// The methods of Deribit's API v2 that exist in a peer-to-pool market, with Deribit's names, parameter names and
/// result field names (prices in USD rather than in the coin; one pool as the counterparty; no resting orders),
/// plus `public/get_pool`. Pure: every handler reads an engine value and returns a result or a command.
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
    ]

    /// Runs `request` against `context`: the outcome, or the error to answer with.
    public static func handle(_ request: JSONRPCRequest, _ context: APIContext) -> Result<APIOutcome, APIError> {
        guard let handler = table[request.method] else { return .failure(.methodNotFound(request.method)) }
        if request.method.hasPrefix("private/"), context.account == nil {
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

    static func pool(_ engine: Engine) -> JSONValue {
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
    /// the worst premium per contract, fees included), `label`. Fills at once against the pool or is refused.
    static func trade(_ side: Side, _ context: APIContext, _ params: RequestParameters) throws(APIError) -> APIOutcome {
        let account = try tradingAccount(context)
        let engine = context.engine
        let id = try series(params, engine)
        let amount = try params.amount("amount", as: Quantity.self)
        guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
        let type = params.optionalString("type") ?? "market"
        var order = Order(account: account, series: id, side: side, quantity: amount)
        switch type {
        case "market": break
        case "limit":
            let price = try params.amount("price", as: Money.self)
            guard price.isPositive else { throw .invalidParams("price", "must be above zero") }
            order.limitPremium = Money.notional(price, amount, rounding: side == .buy ? .down : .up)
        default: throw .invalidParams("type", "market or limit (no resting orders: the pool fills at once or refuses)")
        }
        let label = params.optionalString("label")
        return .command(.placeOrder(order)) { events, engine in orderResult(events, engine, type: type, label: label) }
    }

    static let closePosition: Handler = { context, params throws(APIError) in
        let account = try tradingAccount(context)
        let id = try series(params, context.engine)
        let type = params.optionalString("type") ?? "market"
        guard type == "market" || type == "limit" else { throw .invalidParams("type", "market or limit") }
        // `amount` (PoolDesk's addition): close only this many contracts; absent, the whole position as on Deribit.
        let amount = try params.optionalAmount("amount", as: Quantity.self)
        if let amount, !amount.isPositive { throw .invalidParams("amount", "must be above zero") }
        var limit: Money?
        if type == "limit", let price = try params.optionalAmount("price", as: Money.self),
           let held = context.engine.position(account: account, series: id) {
            let closing = amount ?? Quantity(micros: abs(held.quantity.micros))
            limit = Money.notional(price, closing, rounding: held.isLong ? .up : .down)
        }
        return .command(.closePosition(account: account, series: id, quantity: amount, limitPremium: limit)) { events, engine in
            orderResult(events, engine, type: type, label: nil)
        }
    }

    /// Deribit's `{order, trades}` for a fill, or the refusal as an error with the engine's typed reason.
    static func orderResult(_ events: [EngineEvent], _ engine: Engine, type: String, label: String?) -> Result<JSONValue, APIError> {
        for event in events {
            switch event.payload {
            case .orderFilled(let fill):
                let option = engine.series[fill.series.index]
                let direction: JSONValue = fill.side == .buy ? "buy" : "sell"
                let orderID = JSONValue.string("\(engine.markets[option.market.index].symbol)-\(event.sequence)")
                var order: [String: JSONValue] = [
                    "order_id": orderID, "instrument_name": .string(option.name), "direction": direction,
                    "amount": .number(fill.quantity.doubleValue), "filled_amount": .number(fill.quantity.doubleValue),
                    "average_price": .number(fill.pricePerContract), "order_state": "filled", "order_type": .string(type),
                    "creation_timestamp": .number(Double(event.time.milliseconds)), "last_update_timestamp": .number(Double(event.time.milliseconds)),
                ]
                if let label { order["label"] = .string(label) }
                var trade: [String: JSONValue] = [
                    "trade_id": .string("\(event.sequence)"), "trade_seq": .number(Double(event.sequence)), "order_id": orderID,
                    "instrument_name": .string(option.name), "direction": direction, "amount": .number(fill.quantity.doubleValue),
                    "price": .number(fill.pricePerContract), "fee": .number(fill.fee.doubleValue), "fee_currency": "USD",
                    "iv": .number(fill.volatilityAfter * 100), "index_price": .number(engine.markets[option.market.index].spot),
                    "timestamp": .number(Double(event.time.milliseconds)), "liquidity": "T",
                ]
                if let label { trade["label"] = .string(label) }
                return .success(["order": .object(order), "trades": [.object(trade)]])
            case .orderRejected(_, _, _, _, let rejection):
                return .failure(rejected(rejection))
            default:
                continue
            }
        }
        return .failure(APIError(-32603, "Internal error", data: ["reason": "the order produced no fill and no refusal"]))
    }

    /// An engine refusal as a JSON-RPC error: a stable code per reason (12000 + its position in `RejectionReason`,
    /// whose cases are only ever appended), the reason's name and the engine's one-line detail.
    public static func rejected(_ rejection: Rejection) -> APIError {
        let index = RejectionReason.allCases.firstIndex(of: rejection.reason) ?? 0
        return APIError(12_000 + index, rejection.reason.description,
                        data: ["reason": .string(rejection.reason.rawValue), "detail": .string(rejection.detail)])
    }

    static let getPositions: Handler = { context, params throws(APIError) in
        guard let account = context.account else { throw .unauthorized("needs an access token (public/auth)") }
        let engine = context.engine
        let market: MarketID? = params.optionalString("currency").map { _ in () } != nil ? try market(params, engine) : nil
        let views = engine.positionViews(of: account).filter { market == nil || $0.series.market == market }
        return .result(.array(views.map { view in
            let trader = OptionValuation(price: view.mark, delta: view.greeks.delta, gamma: view.greeks.gamma,
                                         vega: view.greeks.vega, theta: view.greeks.theta, rho: view.greeks.rho)
            return [
                "instrument_name": .string(view.series.name), "kind": "option",
                "direction": .string(view.position.isLong ? "buy" : "sell"), "size": .number(view.position.quantity.doubleValue),
                "average_price": .number(abs(view.position.costBasis.doubleValue / view.position.quantity.doubleValue)),
                "mark_price": .number(view.mark), "floating_profit_loss": .number(view.unrealizedPnL),
                "initial_margin": .number(view.position.collateral.doubleValue),
                "delta": .number(trader.delta), "gamma": .number(trader.gamma), "vega": .number(trader.vega), "theta": .number(trader.theta),
            ]
        }))
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

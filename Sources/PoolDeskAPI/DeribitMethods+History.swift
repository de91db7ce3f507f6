import PoolEngine

/// Trade history and labelled orders: reads the server answers from its order store (the journal's `fills` and
/// `order_labels`, or memory without a journal), never by scanning the engine.
extension DeribitMethods {
    /// Trades one page may hold (Deribit's maximum `count`).
    public static let maximumTradeCount = 1000
    /// Largest sequence number accepted in `start_seq` / `end_seq` (exact in a JSON number).
    static let maximumSequence: Int64 = 1 << 53

    /// `count` (default 10, at most 1000), `sorting` (`asc`; `desc` and `default` are newest first) and the inclusive
    /// sequence range from `startName` / `endName` (`start_seq`/`end_seq`, or `start_id`/`end_id` by currency, whose
    /// trade ids are the same sequence numbers as text).
    static func tradeQuery(_ params: RequestParameters, scope: TradeQuery.Scope, account: AccountID?,
                           startName: String = "start_seq", endName: String = "end_seq") throws(APIError) -> TradeQuery {
        let count = try params.optionalInteger("count", in: 1...Int64(maximumTradeCount)) ?? 10
        let start = try params.optionalInteger(startName, in: 0...maximumSequence)
        let end = try params.optionalInteger(endName, in: 0...maximumSequence)
        let sorting = try params.optionalText("sorting") ?? "default"
        guard ["asc", "desc", "default"].contains(sorting) else { throw .invalidParams("sorting", "asc, desc or default") }
        if let start, let end, start > end { throw .invalidParams(endName, "must not be below \(startName)") }
        return TradeQuery(scope: scope, account: account, startSequence: start.map(UInt64.init), endSequence: end.map(UInt64.init),
                          count: Int(count), ascending: sorting == "asc")
    }

    /// `{trades, has_more}` from a store's answer (which holds up to `count + 1` trades).
    static func tradesPage(_ answer: HistoryAnswer, _ query: TradeQuery, _ engine: Engine, own: Bool) -> Result<JSONValue, APIError> {
        guard case .trades(let records) = answer else {
            return .failure(APIError(-32603, "Internal error", data: ["reason": "the order store answered with orders"]))
        }
        let page = records.prefix(query.count).map { tradeObject($0, engine, own: own) }
        return .success(["trades": .array(page), "has_more": .bool(records.count > query.count)])
    }

    /// `public/get_last_trades_by_instrument`: `instrument_name`, `start_seq`, `end_seq`, `count`, `sorting`. Everyone's
    /// fills against the pool in that instrument, without owner, order or fee.
    static let lastTradesByInstrument: Handler = { context, params throws(APIError) in
        let query = try tradeQuery(params, scope: .series(try series(params, context.engine)), account: nil)
        return .history(.trades(query)) { answer, engine in tradesPage(answer, query, engine, own: false) }
    }

    /// `private/get_user_trades_by_instrument`: as `get_last_trades_by_instrument`, the caller's own fills only, with
    /// `order_id`, `label`, `fee` and `fee_currency`.
    static let userTradesByInstrument: Handler = { context, params throws(APIError) in
        let account = try readingAccount(context)
        let query = try tradeQuery(params, scope: .series(try series(params, context.engine)), account: account)
        return .history(.trades(query)) { answer, engine in tradesPage(answer, query, engine, own: true) }
    }

    /// `private/get_user_trades_by_currency`: `currency`, `kind` (option), `start_id`, `end_id`, `count`, `sorting`;
    /// the caller's own fills in every instrument of the currency.
    static let userTradesByCurrency: Handler = { context, params throws(APIError) in
        let account = try readingAccount(context)
        let market = try market(params, context.engine)
        if let kind = try params.optionalText("kind"), kind != "option", kind != "any" {
            throw .invalidParams("kind", "only options trade here (kind=option)")
        }
        let query = try tradeQuery(params, scope: .market(market), account: account, startName: "start_id", endName: "end_id")
        return .history(.trades(query)) { answer, engine in tradesPage(answer, query, engine, own: true) }
    }

    /// `private/get_order_state_by_label`: `currency`, `label`. The caller's order with that label in that currency
    /// (an array, as on Deribit; at most one, since labels are unique per account here), `filled` or `rejected`.
    static let orderStateByLabel: Handler = { context, params throws(APIError) in
        let account = try readingAccount(context)
        let market = try market(params, context.engine)
        guard let label = try label(params, required: true) else { throw .invalidParams("label", "required") }
        return .history(.orderByLabel(account: account, label: label)) { answer, engine in
            guard case .orders(let orders) = answer else {
                return .failure(APIError(-32603, "Internal error", data: ["reason": "the order store answered with trades"]))
            }
            let inMarket = orders.filter { order in
                engine.isKnownSeries(order.request.series) && engine.series[order.request.series.index].market == market
            }
            return .success(.array(inMarket.map { orderObject($0, engine) }))
        }
    }

    /// The caller's account for a private read (a viewer token reads too).
    static func readingAccount(_ context: APIContext) throws(APIError) -> AccountID {
        guard let account = context.account else { throw .unauthorized("needs an access token (public/auth)") }
        return account
    }
}

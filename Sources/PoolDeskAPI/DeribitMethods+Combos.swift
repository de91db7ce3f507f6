import Foundation
import PoolEngine

/// Deribit combos over a pool: `private/create_combo` names a strategy's legs, `private/buy` / `private/sell` on that
/// name place it as one strategy order (all legs or none), and `private/close_strategy` (PoolDesk's) closes a held
/// strategy or one of its legs.
///
/// Deribit lists combos as books (`BTC-REV-29APR22-37500`) that live on its servers. A pool has no books and keeps no
/// state for a name, so a combo id here *is* its legs: `COMBO:1xETH-4DEC26-3000-C/-1xETH-4DEC26-3100-C` (signed
/// ratio `x` instrument, `/` between legs; instrument names hold neither). `create_combo` returns it in Deribit's
/// result shape; any client may also write one by hand.
extension DeribitMethods {
    /// The prefix of every combo id.
    public static let comboPrefix = "COMBO:"

    /// The combo id of `legs` (buy legs positive), in leg order.
    public static func comboName(_ legs: [StrategyLeg], engine: Engine) -> String? {
        var parts: [String] = []
        for leg in legs {
            guard engine.isKnownSeries(leg.series) else { return nil }
            parts.append("\(leg.side == .buy ? leg.ratio : -leg.ratio)x\(engine.series[leg.series.index].name)")
        }
        return comboPrefix + parts.joined(separator: "/")
    }

    /// The legs a combo id names (buy legs for positive ratios), or the reason it names none.
    public static func comboLegs(_ name: String, engine: Engine) -> Result<[StrategyLeg], APIError> {
        guard name.hasPrefix(comboPrefix) else { return .failure(.invalidParams("instrument_name", "not a combo")) }
        let body = name.dropFirst(comboPrefix.count)
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        guard (2...4).contains(parts.count) else { return .failure(.invalidParams("instrument_name", "a combo has 2 to 4 legs")) }
        var legs: [StrategyLeg] = []
        for part in parts {
            guard let cross = part.firstIndex(of: "x"), let ratio = Int(part[..<cross]), ratio != 0, abs(ratio) <= 10 else {
                return .failure(.invalidParams("instrument_name", "leg \"\(part)\" is not RATIOxINSTRUMENT with a ratio of ±1–10"))
            }
            let instrument = String(part[part.index(after: cross)...])
            guard let id = engine.resolveSeries(named: instrument) else {
                return .failure(.invalidParams("instrument_name", engine.describeUnresolvedSeries(named: instrument)))
            }
            legs.append(StrategyLeg(series: id, side: ratio > 0 ? .buy : .sell, ratio: abs(ratio)))
        }
        return .success(legs)
    }

    /// `private/create_combo`: `trades` (2–4 of `{instrument_name, amount, direction}`), amounts reduced to whole
    /// ratios of 1–10. Deribit's result: `{id, instrument_id, state, state_timestamp, creation_timestamp, legs}`, each
    /// leg `{instrument_name, amount}` with a sold leg's amount negative.
    static let createCombo: Handler = { context, params throws(APIError) in
        _ = try tradingAccount(context)
        let engine = context.engine
        guard case .array(let trades)? = params.values["trades"], (2...4).contains(trades.count) else {
            throw .invalidParams("trades", "2 to 4 trades of {instrument_name, amount, direction}")
        }
        var legs: [(series: SeriesID, side: Side, amount: Int64)] = []
        for (index, trade) in trades.enumerated() {
            guard case .object(let fields) = trade else { throw .invalidParams("trades", "trade \(index + 1) is not an object") }
            let values = RequestParameters(fields)
            let id = try series(values, engine)
            let amount = try values.amount("amount", as: Quantity.self)
            guard amount.isPositive else { throw .invalidParams("trades", "trade \(index + 1): amount must be above zero") }
            let side: Side
            switch try values.string("direction") {
            case "buy": side = .buy
            case "sell": side = .sell
            default: throw .invalidParams("trades", "trade \(index + 1): direction is buy or sell")
            }
            guard !legs.contains(where: { $0.series == id }) else {
                throw .invalidParams("trades", "trade \(index + 1) repeats \(engine.series[id.index].name)")
            }
            legs.append((id, side, amount.micros))
        }
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        let common = legs.reduce(Int64(0)) { gcd($0, $1.amount) }
        let strategyLegs = legs.map { StrategyLeg(series: $0.series, side: $0.side, ratio: Int($0.amount / max(common, 1))) }
        guard strategyLegs.allSatisfy({ (1...10).contains($0.ratio) }) else {
            throw .invalidParams("trades", "amounts must be in whole ratios of 1 to 10")
        }
        guard let name = comboName(strategyLegs, engine: engine) else { throw .invalidParams("trades", "unknown instrument") }
        let now = JSONValue.number(Double(engine.time.milliseconds))
        return .result([
            "id": .string(name), "instrument_id": 0, "state": "active", "state_timestamp": now, "creation_timestamp": now,
            "legs": .array(strategyLegs.map {
                ["instrument_name": .string(engine.series[$0.series.index].name),
                 "amount": .number(Double($0.side == .buy ? $0.ratio : -$0.ratio))]
            }),
        ])
    }

    /// `private/buy` / `private/sell` of a combo: `amount` units of the combo (each leg trades amount × its ratio), `type`
    /// market or limit with `price` the worst net premium per unit, fees included (signed: a buy pays at most `price`,
    /// a sell receives at least it; negative prices are credits). Answers `{order, trades}` with `order.order_id` the
    /// strategy's id (`strat3`) and one trade per leg, or the refusal naming the leg. `strategy` (PoolDesk's, optional)
    /// names it for display (`iron condor`). `label` works as for a single order: unique per account, a retry with a used
    /// label places nothing and gets the first outcome again, and `get_order_state_by_label` answers for it.
    static func tradeCombo(_ side: Side, _ context: APIContext, _ params: RequestParameters, name: String) throws(APIError) -> APIOutcome {
        let account = try tradingAccount(context)
        let engine = context.engine
        var legs: [StrategyLeg]
        switch comboLegs(name, engine: engine) {
        case .success(let parsed): legs = parsed
        case .failure(let error): throw error
        }
        if side == .sell { legs = legs.map { StrategyLeg(series: $0.series, side: $0.side.opposite, ratio: $0.ratio) } }
        let amount = try params.amount("amount", as: Quantity.self)
        guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
        let type = try params.optionalText("type") ?? "market"
        var limit: Money?
        var limitPrice: Money?
        switch type {
        case "market": break
        case "limit":
            let price = try params.amount("price", as: Money.self)
            limitPrice = price
            // Net per unit × units, signed from the trader's side (paid > 0): a sell's price is what it receives.
            let total = Money.notional(Money(micros: abs(price.micros)), amount, rounding: .down)
            limit = side == .buy ? (price.isNegative ? -total : total) : (price.isNegative ? total : -total)
        default: throw .invalidParams("type", "market or limit (no resting orders: the pool fills at once or refuses)")
        }
        let order = StrategyOrder(account: account, legs: legs, size: amount, limitNetPremium: limit,
                                  name: String((try params.optionalText("strategy") ?? "combo").prefix(40)))
        guard let first = legs.first else { throw .invalidParams("instrument_name", "a combo has 2 to 4 legs") }
        let request = OrderRequest(account: account, series: first.series, instrumentName: name, side: side, amount: amount,
                                   orderType: type, limitPrice: limitPrice, label: try label(params))
        return .order(request, .placeStrategy(order))
    }

    /// The first leg's series of a combo id, listed or past (a journaled combo may name expired series), or nil.
    public static func comboFirstSeries(_ name: String, engine: Engine) -> SeriesID? {
        guard name.hasPrefix(comboPrefix), let leg = name.dropFirst(comboPrefix.count).split(separator: "/").first,
              let cross = leg.firstIndex(of: "x") else { return nil }
        let instrument = String(leg[leg.index(after: cross)...])
        return engine.resolveSeries(named: instrument) ?? engine.series.firstIndex { $0.name == instrument }.map(SeriesID.init)
    }

    /// `private/close_strategy` (PoolDesk): `strategy_id` (`strat3` or 3) closes every leg as one order; with
    /// `instrument_name` only that leg, `amount` contracts of it (all when absent). `price` (optional): for a whole
    /// close the worst net premium in total, signed as a combo's (paid > 0); for a leg, the worst premium per contract.
    /// `label` as for `private/buy` (a retried close answers the first outcome and closes nothing more).
    static let closeStrategy: Handler = { context, params throws(APIError) in
        let account = try tradingAccount(context)
        let engine = context.engine
        let text: String
        switch params.values["strategy_id"] {
        case .string(let given)?: text = given
        case .number(let number)?: text = number == number.rounded() ? String(Int64(number)) : "?"
        default: throw .invalidParams("strategy_id", "required")
        }
        let digits = text.hasPrefix("strat") ? String(text.dropFirst(5)) : text
        guard let index = Int(digits), index >= 0 else { throw .invalidParams("strategy_id", "\"\(text)\" is not a strategy id (strat3)") }
        let strategy = StrategyID(index)
        let price = try params.optionalAmount("price", as: Money.self)
        let command: EngineCommand
        var closedAmount = Quantity.zero
        var firstLeg = engine.strategy(strategy)?.legs.first?.series ?? SeriesID(-1)
        if params.values["instrument_name"] != nil {
            let id = try series(params, engine)
            firstLeg = id
            let quantity = try params.optionalAmount("amount", as: Quantity.self)
            closedAmount = quantity ?? engine.position(account: account, series: id, strategy: strategy).map { Quantity(micros: abs($0.quantity.micros)) } ?? .zero
            if let quantity, !quantity.isPositive { throw .invalidParams("amount", "must be above zero") }
            var limit: Money?
            if let price, let held = engine.position(account: account, series: id, strategy: strategy) {
                let closing = quantity ?? Quantity(micros: abs(held.quantity.micros))
                limit = Money.notional(Money(micros: abs(price.micros)), closing, rounding: held.isLong ? .up : .down)
            }
            command = .closeStrategyLeg(account: account, strategy: strategy, series: id, quantity: quantity, limitPremium: limit)
        } else {
            command = .closeStrategy(account: account, strategy: strategy, limitNetPremium: price)
        }
        let request = OrderRequest(account: account, series: firstLeg, instrumentName: strategy.description, side: .sell,
                                   amount: closedAmount, orderType: "market", limitPrice: price, label: try label(params))
        return .order(request, command)
    }

    /// `{order, trades}` for a strategy command's events, or the refusal as an error. The order carries `label` (empty
    /// when none) as a single order's does.
    static func strategyReply(_ events: [EngineEvent], _ engine: Engine, account: AccountID, instrument: String, direction: Side?,
                              amount: Quantity?, type: String, label: String?) -> Result<JSONValue, APIError> {
        var trades: [JSONValue] = []
        for event in events {
            switch event.payload {
            case .orderRejected(let who, _, _, _, let rejection) where who == account:
                return .failure(rejected(rejection))
            case .orderFilled(let fill) where fill.account == account && fill.strategy != nil:
                var trade: [String: JSONValue] = [
                    "trade_seq": .number(Double(event.sequence)), "trade_id": .string(String(event.sequence)),
                    "timestamp": .number(Double(event.time.milliseconds)),
                    "instrument_name": .string(engine.isKnownSeries(fill.series) ? engine.series[fill.series.index].name : ""),
                    "direction": .string(fill.side.rawValue), "amount": .number(fill.quantity.doubleValue),
                    "price": .number(fill.pricePerContract), "fee": .number(fill.fee.doubleValue), "fee_currency": "USD",
                    "iv": .number(fill.volatilityAfter * 100), "combo_id": .string(instrument),
                ]
                if let label { trade["label"] = .string(label) }
                trades.append(.object(trade))
            case .strategyOpened(let activity), .strategyChanged(let activity), .strategyClosed(let activity):
                guard activity.account == account else { continue }
                let units = amount?.doubleValue ?? 0
                let order: JSONValue = [
                    "order_id": .string(activity.strategy.description), "instrument_name": .string(instrument),
                    "direction": .string(direction?.rawValue ?? "close"), "amount": .number(units),
                    "filled_amount": .number(units), "order_state": "filled", "order_type": .string(type),
                    "average_price": .number(units > 0 ? activity.netPremium.doubleValue / units : activity.netPremium.doubleValue),
                    "net_premium": .number(activity.netPremium.doubleValue), "fees": .number(activity.fees.doubleValue),
                    "collateral": .number(activity.collateral.doubleValue), "strategy": .string(activity.name),
                    "label": .string(label ?? ""),
                    "creation_timestamp": .number(Double(event.time.milliseconds)),
                    "last_update_timestamp": .number(Double(event.time.milliseconds)),
                ]
                return .success(["order": order, "trades": .array(trades)])
            default:
                continue
            }
        }
        return .failure(APIError(-32603, "Internal error", data: ["reason": "the strategy command produced no fill and no refusal"]))
    }
}

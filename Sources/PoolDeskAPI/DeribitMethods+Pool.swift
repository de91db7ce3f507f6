import PoolEngine

/// What Deribit lacks, in its style: LP flows and the order ticket's preview.
extension DeribitMethods {
    /// The caller's account for an LP flow: only an `lp` credential (scope `account:read_write`) moves money in or out
    /// of the pool. A `trader` credential's scope is `account:read` (it trades from its balance but does not move
    /// funds), and a `viewer` never acts.
    static func fundsAccount(_ context: APIContext) throws(APIError) -> AccountID {
        guard let account = context.account else { throw .unauthorized("needs an access token (public/auth)") }
        guard context.mayMoveFunds else {
            throw .unauthorized("deposit_to_pool and withdraw_from_pool need an lp credential (scope account:read_write)")
        }
        return account
    }

    /// `private/deposit_to_pool`: `amount` (USD from the account's balance) → LP shares minted at the share price.
    /// Result: `{currency, amount, shares, share_price, lp_shares, timestamp, state: "deposited"}`.
    static let depositToPool: Handler = { context, params throws(APIError) in
        let account = try fundsAccount(context)
        let amount = try params.amount("amount", as: Money.self)
        guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
        return .command(.deposit(account: account, amount: amount)) { events, engine in lpResult(events, engine, account: account, requested: nil) }
    }

    /// `private/withdraw_from_pool`: `shares` to burn, or `amount` in USD (converted at the current share price,
    /// rounded down to whole share micros); exactly one of the two. Paid at once when the pool's free liquidity
    /// allows, otherwise (in part) queued. Result: `{currency, shares, withdrawn_shares, amount (USD paid, net of the
    /// fee), fee, share_price, queued_shares, lp_shares, timestamp, state}` with `state` `withdrawn`,
    /// `partially_queued` or `queued`.
    static let withdrawFromPool: Handler = { context, params throws(APIError) in
        let account = try fundsAccount(context)
        let engine = context.engine
        let byShares = try params.optionalAmount("shares", as: Shares.self)
        let byAmount = try params.optionalAmount("amount", as: Money.self)
        let shares: Shares
        switch (byShares, byAmount) {
        case (let given?, nil):
            guard given.isPositive else { throw .invalidParams("shares", "must be above zero") }
            shares = given
        case (nil, let amount?):
            guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
            let price = engine.poolSnapshot().sharePrice
            guard price.isFinite, price > 0 else { throw .invalidParams("amount", "the share price is not positive; withdraw by shares") }
            shares = Shares(rounding: amount.doubleValue / price, .down)
            guard shares.isPositive else { throw .invalidParams("amount", "less than one share unit (0.000001) at the share price") }
        case (nil, nil): throw .invalidParams("shares", "required (or amount in USD)")
        case (_?, _?): throw .invalidParams("amount", "give shares or amount, not both")
        }
        return .command(.withdraw(account: account, shares: shares)) { events, engine in lpResult(events, engine, account: account, requested: shares) }
    }

    /// The LP flow's result from its events (other queued withdrawals the command paid are left out), or the refusal.
    static func lpResult(_ events: [EngineEvent], _ engine: Engine, account: AccountID, requested: Shares?) -> Result<JSONValue, APIError> {
        var result: [String: JSONValue] = ["currency": "USD"]
        var withdrawnShares = Shares.zero, paid = Money.zero, fee = Money.zero, queued = Shares.zero
        var sharePrice: Double?
        for event in events {
            result["timestamp"] = .number(Double(event.time.milliseconds))
            switch event.payload {
            case .orderRejected(let who, _, _, _, let rejection) where who == account:
                return .failure(rejected(rejection))
            case .deposited(let who, let amount, let shares, let price) where who == account:
                result["state"] = "deposited"
                result["amount"] = .number(amount.doubleValue)
                result["shares"] = .number(shares.doubleValue)
                sharePrice = price
            case .withdrawn(let who, let shares, let net, let withdrawalFee, let price) where who == account:
                // The event's amount is already net of the fee.
                withdrawnShares += shares
                paid += net
                fee += withdrawalFee
                sharePrice = price
            case .withdrawalQueued(let who, let shares) where who == account:
                queued = shares
            default:
                continue
            }
        }
        if let requested {
            result["shares"] = .number(requested.doubleValue)
            result["withdrawn_shares"] = .number(withdrawnShares.doubleValue)
            result["amount"] = .number(paid.doubleValue)
            result["fee"] = .number(fee.doubleValue)
            result["queued_shares"] = .number(queued.doubleValue)
            result["state"] = queued.isZero ? "withdrawn" : withdrawnShares.isZero ? "queued" : "partially_queued"
        }
        result["share_price"] = .number(sharePrice ?? engine.poolSnapshot().sharePrice)
        if engine.isKnownAccount(account) { result["lp_shares"] = .number(engine.accounts[account.index].shares.doubleValue) }
        return .success(.object(result))
    }

    /// `private/preview_trade`: `instrument_name`, `amount`, `direction` (buy or sell), optional `price` (limit per
    /// contract) and `slippage` (tolerance for `worst_accepted`, default 0.01 as the dashboard). What the dashboard's
    /// order ticket shows, computed on a copy of the pool (nothing is applied or journaled): premium per contract
    /// and in total, fee, what the trader pays or receives, IV before and after, collateral required, balance and
    /// utilization after, the Greeks of the traded position (trader units: delta, gamma, vega per vol point, theta
    /// per day) and of the account before and after, the worst total a 1% slippage limit accepts, and
    /// `would_reject` (`{code, reason, message, detail}`) when the engine would refuse; null otherwise.
    static let previewTrade: Handler = { context, params throws(APIError) in
        let account = try readingAccount(context)
        let engine = context.engine
        let id = try series(params, engine)
        let amount = try params.amount("amount", as: Quantity.self)
        guard amount.isPositive else { throw .invalidParams("amount", "must be above zero") }
        let side: Side
        switch try params.optionalText("direction") {
        case "buy"?: side = .buy
        case "sell"?: side = .sell
        case nil: throw .invalidParams("direction", "required: buy or sell")
        default: throw .invalidParams("direction", "buy or sell")
        }
        let tolerance = try params.optionalNumber("slippage") ?? 0.01
        guard (0...0.5).contains(tolerance) else { throw .invalidParams("slippage", "from 0 to 0.5 (0.01 = 1%)") }
        var order = Order(account: account, series: id, side: side, quantity: amount)
        if let price = try params.optionalAmount("price", as: Money.self) {
            guard price.isPositive else { throw .invalidParams("price", "must be above zero") }
            order.limitPremium = Money.notional(price, amount, rounding: side == .buy ? .down : .up)
        }
        let preview = engine.preview(order)
        let before = engine.accountSnapshot(account)
        let quantity = amount.doubleValue
        let sign = side == .buy ? 1.0 : -1.0
        let perContract = engine.markValuation(id).traderUnits
        // The traded position's own Greeks in the account panel's units (USD delta, gamma per 1% move).
        let spot = engine.markets[engine.series[id.index].market.index].spot
        func greeks(_ g: NetGreeks) -> JSONValue {
            ["delta": .number(g.delta), "gamma": .number(g.gamma), "vega": .number(g.vega), "theta": .number(g.theta)]
        }
        var result: [String: JSONValue] = [
            "instrument_name": .string(engine.series[id.index].name), "direction": .string(side.rawValue), "amount": .number(quantity),
            "greeks": ["delta": .number(sign * quantity * perContract.delta * spot),
                       "gamma": .number(sign * quantity * perContract.gamma * spot * spot / 100),
                       "vega": .number(sign * quantity * perContract.vega), "theta": .number(sign * quantity * perContract.theta)],
            "account_greeks_before": greeks(before?.greeks ?? NetGreeks()), "account_greeks_after": greeks(preview.accountGreeksAfter),
            "balance_after": .number(preview.balanceAfter.doubleValue),
            "collateral_after": .number(preview.collateralAfter.doubleValue),
            "utilization_before": .number(engine.utilization), "utilization_after": .number(preview.utilizationAfter),
            "utilization_cap": .number(engine.configuration.pool.utilizationCap),
            "slippage": .number(tolerance), "timestamp": .number(Double(engine.time.milliseconds)),
        ]
        if let quote = preview.quote {
            let total = side == .buy ? quote.premium + quote.fee : max(quote.premium - quote.fee, 0)
            result["premium"] = .number(quote.premium)
            result["premium_per_contract"] = .number(quote.premium / quantity)
            result["fee"] = .number(quote.fee)
            result["total"] = .number(total)
            result["price"] = .number(quote.perContract(side: side, quantity: quantity))
            result["iv_before"] = .number(quote.volatilityBefore * 100)
            result["iv_after"] = .number(quote.volatilityAfter * 100)
        }
        if let fill = preview.fill {
            result["collateral_required"] = .number(max(fill.collateralChange.doubleValue, 0))
            result["worst_accepted"] = .number(Order.slippageLimit(previewed: fill.traderCashFlow, side: side, tolerance: tolerance).doubleValue)
        }
        if let rejection = preview.rejection {
            let error = rejected(rejection)
            result["would_reject"] = ["code": .number(Double(error.code)), "reason": .string(rejection.reason.rawValue),
                                      "message": .string(error.message), "detail": .string(rejection.detail)]
        } else {
            result["would_reject"] = .null
        }
        return .result(.object(result))
    }
}

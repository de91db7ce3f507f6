import PoolDeskAPI
import PoolEngine
import Testing

/// Labels, trade history, LP flows and the trade preview, against a seeded pool served in memory.
@Suite("Deribit-style methods: labels, history, LP flows, preview")
struct PoolMethodsTests {
    let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))

    func code(_ reason: RejectionReason) -> Int { 12_000 + (RejectionReason.allCases.firstIndex(of: reason) ?? -1_000) }

    @Test("a labelled buy fills once: the retry answers the first outcome and trades nothing; get_order_state_by_label finds it")
    func labelIdempotency() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let name = try #require(pool.atTheMoney())
        let params: [String: JSONValue] = ["instrument_name": .string(name), "amount": "0.3", "label": "hedge-1"]
        let first = try pool.call("private/buy", params, account: desk).get()
        #expect(first["order"]?["label"] == "hedge-1")
        #expect(first["order"]?["order_state"] == "filled")
        #expect(first["order"]?["price"] == "market_price")
        let balance = pool.engine.accounts[desk.index].balance
        // The retry asks for a different amount: with the label used, nothing is placed at all.
        let retry = try pool.call("private/buy", ["instrument_name": .string(name), "amount": "5", "label": "hedge-1"], account: desk).get()
        #expect(retry == first)
        #expect(pool.engine.positions(of: desk).map(\.quantity) == [Quantity(micros: 300_000)])
        #expect(pool.engine.accounts[desk.index].balance == balance)

        let state = try pool.call("private/get_order_state_by_label", ["currency": "BTC", "label": "hedge-1"], account: desk).get()
        guard case .array(let orders) = state, let order = orders.first else { Issue.record("\(state.text)"); return }
        #expect(orders.count == 1)
        #expect(order == first["order"])
        for key in ["order_id", "label", "order_state", "instrument_name", "direction", "amount", "filled_amount", "average_price",
                    "price", "order_type", "creation_timestamp", "last_update_timestamp"] {
            #expect(order[key] != nil, "missing \(key)")
        }
        // Another currency, or another account, does not see it.
        #expect(try pool.call("private/get_order_state_by_label", ["currency": "ETH", "label": "hedge-1"], account: desk).get() == [])
        let otherOpened = pool.openAccount("bob")
        let other = try #require(otherOpened)
        #expect(try pool.call("private/get_order_state_by_label", ["currency": "BTC", "label": "hedge-1"], account: other).get() == [])
        // The same label is free for another account.
        let bobs = try pool.call("private/buy", params, account: other).get()
        #expect(bobs["order"]?["order_state"] == "filled")
        #expect(bobs["order"]?["order_id"] != first["order"]?["order_id"])
    }

    @Test("a labelled refusal is remembered as rejected with the engine's reason, and its retry is refused the same way")
    func labelledRejection() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let name = try #require(pool.atTheMoney())
        let params: [String: JSONValue] = ["instrument_name": .string(name), "amount": "0.2", "type": "limit", "price": "0.01", "label": "cheap"]
        let first = pool.call("private/buy", params, account: desk)
        #expect(first.failure?.code == code(.limitPrice))
        // A generous limit with the same label is still not placed: the label's outcome was a refusal.
        var generous = params
        generous["price"] = "100000"
        #expect(pool.call("private/buy", generous, account: desk).failure == first.failure)
        #expect(pool.engine.positions(of: desk).isEmpty)
        let state = try pool.call("private/get_order_state_by_label", ["currency": "btc", "label": "cheap"], account: desk).get()
        guard case .array(let orders) = state, let order = orders.first else { Issue.record("\(state.text)"); return }
        #expect(order["order_state"] == "rejected")
        #expect(order["reject_reason"] == "limitPrice")
        #expect(order["reject_code"] == .number(Double(code(.limitPrice))))
        #expect(order["filled_amount"] == 0)
        #expect(order["price"] == 0.01)
        #expect(order["order_type"] == "limit")
    }

    @Test("labels are validated: at most 64 characters, a string, no control characters; get_order_state_by_label needs one")
    func labelValidation() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let name = try #require(pool.atTheMoney())
        for bad: JSONValue in [.string(String(repeating: "x", count: 65)), 12, .string("tab\there")] {
            let result = pool.call("private/buy", ["instrument_name": .string(name), "amount": "0.1", "label": bad], account: desk)
            #expect(result.failure?.code == -32_602)
            #expect(result.failure?.data?["param"] == "label")
        }
        let longest = String(repeating: "é", count: 64)
        let accepted = try pool.call("private/buy", ["instrument_name": .string(name), "amount": "0.1", "label": .string(longest)], account: desk).get()
        #expect(accepted["order"]?["label"] == .string(longest))
        let missing = pool.call("private/get_order_state_by_label", ["currency": "BTC"], account: desk)
        #expect(missing.failure?.data?["param"] == "label")
        #expect(pool.call("private/get_order_state_by_label", ["currency": "BTC", "label": "x"]).failure?.code == 13_009)
    }

    @Test("get_last_trades_by_instrument pages everyone's fills newest first with has_more; user trades show only the caller's, with fees")
    func tradeHistory() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let bobOpened = pool.openAccount("bob")
        let bob = try #require(bobOpened)
        let call = try #require(pool.atTheMoney(.call))
        let put = try #require(pool.atTheMoney(.put))
        _ = try pool.call("private/buy", ["instrument_name": .string(call), "amount": "0.1", "label": "a"], account: desk).get()
        _ = try pool.call("private/buy", ["instrument_name": .string(call), "amount": "0.2"], account: bob).get()
        _ = try pool.call("private/buy", ["instrument_name": .string(put), "amount": "0.3"], account: desk).get()
        _ = try pool.call("private/sell", ["instrument_name": .string(call), "amount": "0.1"], account: desk).get()

        let page = try pool.call("public/get_last_trades_by_instrument", ["instrument_name": .string(call), "count": "2"]).get()
        guard case .array(let trades)? = page["trades"] else { Issue.record("\(page.text)"); return }
        #expect(trades.map { $0["amount"] } == [0.1, 0.2])
        #expect(trades.map { $0["direction"] } == ["sell", "buy"])
        #expect(page["has_more"] == true)
        #expect(trades.first?["fee"] == nil && trades.first?["order_id"] == nil && trades.first?["label"] == nil, "public trades carry no owner data")
        for key in ["trade_seq", "trade_id", "timestamp", "instrument_name", "direction", "amount", "price", "iv", "index_price", "mark_price"] {
            #expect(trades.first?[key] != nil, "missing \(key)")
        }
        let ascending = try pool.call("public/get_last_trades_by_instrument", ["instrument_name": .string(call), "sorting": "asc"]).get()
        guard case .array(let oldest)? = ascending["trades"] else { Issue.record("\(ascending.text)"); return }
        #expect(oldest.map { $0["amount"] } == [0.1, 0.2, 0.1])
        #expect(ascending["has_more"] == false)
        guard case .number(let secondSeq)? = oldest[1]["trade_seq"] else { Issue.record("no trade_seq"); return }
        let ranged = try pool.call("public/get_last_trades_by_instrument",
                                   ["instrument_name": .string(call), "start_seq": .number(secondSeq), "end_seq": .number(secondSeq)]).get()
        if case .array(let one)? = ranged["trades"] { #expect(one.count == 1 && one[0]["amount"] == 0.2) }

        let mine = try pool.call("private/get_user_trades_by_instrument", ["instrument_name": .string(call)], account: desk).get()
        guard case .array(let own)? = mine["trades"] else { Issue.record("\(mine.text)"); return }
        #expect(own.map { $0["amount"] } == [0.1, 0.1])
        #expect(own.map { $0["label"] } == [nil, "a"])
        #expect(own.allSatisfy { $0["fee_currency"] == "USD" && $0["order_id"] != nil && $0["fee"] != nil })
        let byCurrency = try pool.call("private/get_user_trades_by_currency", ["currency": "BTC", "kind": "option"], account: desk).get()
        guard case .array(let all)? = byCurrency["trades"] else { Issue.record("\(byCurrency.text)"); return }
        #expect(all.count == 3)
        #expect(try pool.call("private/get_user_trades_by_currency", ["currency": "ETH"], account: desk).get()["trades"] == [])
        #expect(pool.call("private/get_user_trades_by_currency", ["currency": "BTC"]).failure?.code == 13_009)
    }

    @Test("history parameters are validated with the parameter named", arguments: [
        ("count", JSONValue.number(0)), ("count", .number(1_001)), ("count", .string("2.5")), ("sorting", .string("up")),
        ("start_seq", .number(-1)), ("end_seq", .string("x")),
    ])
    func historyValidation(_ name: String, _ value: JSONValue) throws {
        var pool = TestPool(engine: scenario.engine)
        let call = try #require(pool.atTheMoney())
        let result = pool.call("public/get_last_trades_by_instrument", ["instrument_name": .string(call), name: value])
        #expect(result.failure?.code == -32_602)
        #expect(result.failure?.data?["param"] == .string(name))
    }

    @Test("deposit_to_pool and withdraw_from_pool: an lp credential moves funds; trader and viewer credentials are refused")
    func liquidityFlows() throws {
        var pool = TestPool(engine: scenario.engine)
        let lpOpened = pool.openAccount("lp")
        let lp = try #require(lpOpened)
        let deposit = try pool.call("private/deposit_to_pool", ["amount": "10000"], account: lp, mayMoveFunds: true).get()
        #expect(deposit["state"] == "deposited")
        #expect(deposit["amount"] == 10_000)
        guard case .number(let shares)? = deposit["shares"], case .number(let held)? = deposit["lp_shares"] else {
            Issue.record("\(deposit.text)"); return
        }
        #expect(shares > 0 && held == shares)
        #expect(pool.engine.accounts[lp.index].balance == Money(90_000))

        #expect(pool.call("private/deposit_to_pool", ["amount": "10"], account: lp, mayMoveFunds: false).failure?.code == 13_009)
        #expect(pool.call("private/deposit_to_pool", ["amount": "10"], account: lp, mayTrade: false).failure?.code == 13_009)
        #expect(pool.call("private/deposit_to_pool", ["amount": "-5"], account: lp, mayMoveFunds: true).failure?.data?["param"] == "amount")
        #expect(pool.call("private/deposit_to_pool", ["amount": "1000000"], account: lp, mayMoveFunds: true).failure?.code == code(.insufficientBalance))

        let partial = try pool.call("private/withdraw_from_pool", ["shares": "100"], account: lp, mayMoveFunds: true).get()
        #expect(partial["state"] == "withdrawn")
        #expect(partial["withdrawn_shares"] == 100)
        let byAmount = try pool.call("private/withdraw_from_pool", ["amount": "500"], account: lp, mayMoveFunds: true).get()
        guard case .number(let burned)? = byAmount["withdrawn_shares"], case .number(let price)? = byAmount["share_price"] else {
            Issue.record("\(byAmount.text)"); return
        }
        #expect(abs(burned * price - 500) < 0.01, "about 500 USD of shares burned: \(burned) × \(price)")
        let both = pool.call("private/withdraw_from_pool", ["amount": "5", "shares": "5"], account: lp, mayMoveFunds: true)
        #expect(both.failure?.code == -32_602)
        #expect(pool.call("private/withdraw_from_pool", [:], account: lp, mayMoveFunds: true).failure?.data?["param"] == "shares")
        #expect(pool.call("private/withdraw_from_pool", ["shares": "1000000000"], account: lp, mayMoveFunds: true).failure?.code
                == code(.insufficientShares))
    }

    @Test("preview_trade shows the ticket's figures and applies nothing; a refusal is shown, not raised")
    func previewTrade() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let name = try #require(pool.atTheMoney())
        let before = pool.engine
        let preview = try pool.call("private/preview_trade", ["instrument_name": .string(name), "amount": "0.5", "direction": "buy"],
                                    account: desk, mayTrade: false).get()
        #expect(pool.engine.lastEventSequence == before.lastEventSequence, "a preview emits nothing")
        #expect(pool.engine.positions(of: desk).isEmpty && pool.engine.accounts[desk.index] == before.accounts[desk.index])
        #expect(pool.engine.utilization == before.utilization)
        guard case .number(let premium)? = preview["premium"], case .number(let perContract)? = preview["premium_per_contract"],
              case .number(let fee)? = preview["fee"], case .number(let total)? = preview["total"],
              case .number(let worst)? = preview["worst_accepted"], case .number(let ivBefore)? = preview["iv_before"],
              case .number(let ivAfter)? = preview["iv_after"] else { Issue.record("\(preview.text)"); return }
        #expect(abs(perContract * 0.5 - premium) < 1e-9)
        #expect(abs(total - (premium + fee)) < 1e-6)
        #expect(worst >= total && worst <= total * 1.011)
        #expect(ivAfter >= ivBefore && ivBefore > 5 && ivAfter < 300, "IV in percent")
        #expect(preview["would_reject"] == .null)
        #expect(preview["greeks"]?["delta"] != nil && preview["account_greeks_after"]?["vega"] != nil)
        // What the preview said is what the buy does.
        let bought = try pool.call("private/buy", ["instrument_name": .string(name), "amount": "0.5"], account: desk).get()
        guard case .number(let average)? = bought["order"]?["average_price"] else { Issue.record("\(bought.text)"); return }
        #expect(abs(average - perContract) < 1e-5, "the fill's premium is rounded to micro-dollars")

        let huge = try pool.call("private/preview_trade", ["instrument_name": .string(name), "amount": "100000", "direction": "buy"],
                                 account: desk).get()
        #expect(huge["would_reject"]?["reason"] == "sizeLimit")
        #expect(huge["would_reject"]?["code"] == .number(Double(code(.sizeLimit))))
        let missing = pool.call("private/preview_trade", ["instrument_name": .string(name), "amount": "1"], account: desk)
        #expect(missing.failure?.data?["param"] == "direction")
        #expect(pool.call("private/preview_trade", ["instrument_name": .string(name), "amount": "1", "direction": "buy"]).failure?.code == 13_009)
    }
}

/// A session on recorded prices tells API clients where its data ends and when it has ended, so a client is not left
/// guessing why a recorded market's index stopped moving.
@Suite("Recorded prices over the API")
struct RecordedPricesAPITests {
    @Test("get_pool carries recorded_prices (index, end, ended) only for recorded markets; ended turns true past the last bar")
    func historyEndIsVisible() throws {
        var configuration = EngineConfiguration()
        let start = configuration.startTime.milliseconds
        // Two hand-written hourly bars from the session start: the data ends at start + 2h.
        let bars = PriceBars(times: [start, start + 3_600_000], open: [60_000, 60_400], high: [60_700, 60_900],
                             low: [59_800, 60_100], close: [60_400, 60_200], interval: .hours(1))
        configuration.markets[0].history = MarketHistory(source: "btc.csv", bars: bars)
        configuration.markets[0].initialSpot = 60_000
        let scenario = Scenario(configuration: configuration, seed: 3, participants: ParticipantConfiguration(count: 0))
        var pool = TestPool(engine: scenario.engine)

        let before = try pool.call("public/get_pool").get()
        guard case .array(let recorded)? = before["recorded_prices"] else { Issue.record("no recorded_prices: \(before.text)"); return }
        #expect(recorded.count == 1)
        #expect(recorded.first?["index_name"] == "btc_usd")
        #expect(recorded.first?["end_timestamp"] == .number(Double(start + 7_200_000)))
        #expect(recorded.first?["ended"] == false)

        _ = pool.engine.advance(to: SimTime(milliseconds: start + 7_200_000))
        let after = try pool.call("public/get_pool").get()
        guard case .array(let ended)? = after["recorded_prices"] else { Issue.record("no recorded_prices: \(after.text)"); return }
        #expect(ended.first?["ended"] == true)
        #expect(pool.engine.markets[0].spot == 60_200)

        // A session without recorded prices answers exactly as before: no such field.
        var plain = TestPool(engine: Scenario(seed: 3, participants: ParticipantConfiguration(count: 0)).engine)
        #expect(try plain.call("public/get_pool").get()["recorded_prices"] == nil)
    }
}

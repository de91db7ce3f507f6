import PoolDeskAPI
import PoolEngine
import Testing

/// The Deribit-shaped methods against a seeded pool, with commands applied the way the server will apply them.
@Suite("Deribit-style methods")
struct DeribitMethodsTests {
    let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))

    func call(_ method: String, _ params: [String: JSONValue] = [:], engine: inout Engine, account: AccountID? = nil,
              mayTrade: Bool = true) -> Result<JSONValue, APIError> {
        var pool = TestPool(engine: engine)
        defer { engine = pool.engine }
        return pool.call(method, params, account: account, mayTrade: mayTrade)
    }

    func atTheMoneyCall(_ engine: Engine) throws -> String {
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        return engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
    }

    @Test("close_position takes a label: a retried partial close answers the first close and closes nothing more")
    func labelledClose() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let name = try atTheMoneyCall(pool.engine)
        _ = try pool.call("private/buy", ["instrument_name": .string(name), "amount": "1"], account: desk).get()
        let params: [String: JSONValue] = ["instrument_name": .string(name), "amount": "0.4", "label": "close-once"]
        let first = try pool.call("private/close_position", params, account: desk).get()
        #expect(first["order"]?["label"] == "close-once" && first["order"]?["direction"] == "sell")
        #expect(try pool.call("private/close_position", params, account: desk).get() == first)
        #expect(pool.engine.positions(of: desk).map(\.quantity) == [Quantity(micros: 600_000)], "1 bought, 0.4 closed once")
        let state = try pool.call("private/get_order_state_by_label", ["currency": "BTC", "label": "close-once"], account: desk).get()
        #expect(state == .array([try #require(first["order"])]))
    }

    @Test("public/get_instruments lists every live BTC option with Deribit's fields")
    func instruments() throws {
        var engine = scenario.engine
        let result = try call("public/get_instruments", ["currency": "btc", "kind": "option"], engine: &engine).get()
        guard case .array(let instruments) = result else { Issue.record("\(result)"); return }
        let live = engine.liveBoards(market: MarketID(0)).reduce(0) { $0 + $1.calls.count + $1.puts.count }
        #expect(instruments.count == live)
        let first = try #require(instruments.first)
        for key in ["instrument_name", "kind", "option_type", "strike", "expiration_timestamp", "base_currency",
                    "settlement_currency", "min_trade_amount", "is_active"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["base_currency"] == "BTC")
    }

    @Test("public/ticker and public/get_order_book quote the pool's bid and ask, IVs in percent, and Greeks")
    func tickerAndBook() throws {
        var engine = scenario.engine
        let name = try atTheMoneyCall(engine)
        let ticker = try call("public/ticker", ["instrument_name": .string(name)], engine: &engine).get()
        guard case .number(let bid)? = ticker["best_bid_price"], case .number(let ask)? = ticker["best_ask_price"],
              case .number(let mark)? = ticker["mark_price"], case .number(let bidIV)? = ticker["bid_iv"],
              case .number(let askIV)? = ticker["ask_iv"] else { Issue.record("\(ticker.text)"); return }
        #expect(bid < mark && mark < ask)
        #expect(bidIV < askIV && bidIV > 5 && askIV < 300, "IVs in percent: \(bidIV) \(askIV)")
        #expect(ticker["state"] == "open")
        #expect(ticker["greeks"]?["delta"] != nil)
        let book = try call("public/get_order_book", ["instrument_name": .string(name)], engine: &engine).get()
        #expect(book["bids"] == [[.number(bid), ticker["best_bid_amount"] ?? 0]])
        #expect(book["asks"] == [[.number(ask), ticker["best_ask_amount"] ?? 0]])
    }

    @Test("private/buy fills against the pool and returns Deribit's order and trades; the position shows in get_positions")
    func buy() throws {
        var engine = scenario.engine
        let name = try atTheMoneyCall(engine)
        let result = try call("private/buy", ["instrument_name": .string(name), "amount": "0.1", "label": "mine"],
                              engine: &engine, account: scenario.deskAccount).get()
        #expect(result["order"]?["order_state"] == "filled")
        #expect(result["order"]?["label"] == "mine")
        #expect(result["order"]?["filled_amount"] == 0.1)
        guard case .array(let trades)? = result["trades"] else { Issue.record("\(result.text)"); return }
        #expect(trades.count == 1)
        let positions = try call("private/get_positions", [:], engine: &engine, account: scenario.deskAccount).get()
        guard case .array(let list) = positions else { Issue.record("\(positions.text)"); return }
        #expect(list.first?["instrument_name"] == .string(name))
        #expect(list.first?["size"] == 0.1)
    }

    @Test("refusals are errors: no token, a viewer token, a bad amount, a limit the price is past, an unknown method")
    func refusals() throws {
        var engine = scenario.engine
        let name = try atTheMoneyCall(engine)
        let params: [String: JSONValue] = ["instrument_name": .string(name), "amount": 0.1]
        #expect(call("private/buy", params, engine: &engine).failure?.code == 13_009)
        #expect(call("private/buy", params, engine: &engine, account: scenario.deskAccount, mayTrade: false).failure?.code == 13_009)
        let comma = call("private/buy", ["instrument_name": .string(name), "amount": "1,5"], engine: &engine, account: scenario.deskAccount)
        #expect(comma.failure?.code == -32602)
        let limited = call("private/buy", ["instrument_name": .string(name), "amount": 0.1, "type": "limit", "price": "1"],
                           engine: &engine, account: scenario.deskAccount)
        #expect(limited.failure?.data?["reason"] == "limitPrice")
        #expect(limited.failure?.code == 12_000 + (RejectionReason.allCases.firstIndex(of: .limitPrice) ?? 0))
        #expect(call("public/nothing", [:], engine: &engine).failure?.code == -32601)
        #expect(call("public/ticker", ["instrument_name": "BTC-9Z-1-C"], engine: &engine).failure?.code == -32602)
        #expect(engine.positions(of: scenario.deskAccount).isEmpty, "no refusal may change state")
    }

    @Test("numbers and booleans given as strings are accepted, as over HTTP query strings")
    func stringsForNumbersAndBooleans() throws {
        var engine = scenario.engine
        let result = try call("public/get_instruments", ["currency": "ETH", "expired": "false"], engine: &engine).get()
        guard case .array(let list) = result else { Issue.record("\(result.text)"); return }
        #expect(!list.isEmpty)
        let index = try call("public/get_index_price", ["index_name": "btc_usd"], engine: &engine).get()
        #expect(index["index_price"] == .number(engine.markets[0].spot))
    }
}

extension Result {
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
}

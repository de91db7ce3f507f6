import Foundation
import PoolDeskAPI
import PoolEngine
import Testing

/// Golden request/response JSON for every method of ``DeribitMethods/table``, run in order against one fixed seeded
/// pool (seed 1, no bots) served in memory. Each file in Golden/ holds the request and the full JSON-RPC response.
/// A change of any field, name or number shows as a diff of these files; re-record after a deliberate change with
/// `POOLDESK_RECORD_GOLDENS=1 swift test --filter GoldenTests` and review the diff.
@Suite("Golden request/response JSON", .serialized)
struct GoldenTests {
    enum Caller: Sendable {
        case anonymous, desk, viewer, lp, other
    }

    struct Step: Sendable {
        var file: String
        var method: String
        var params: [String: JSONValue]
        var caller: Caller
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["POOLDESK_RECORD_GOLDENS"] == "1" }

    /// The script: names are resolved against the seeded pool, so the files hold real instrument names.
    static func steps(call: String, put: String) -> [Step] {
        [
            Step(file: "public-test", method: "public/test", params: [:], caller: .anonymous),
            Step(file: "public-get_time", method: "public/get_time", params: [:], caller: .anonymous),
            Step(file: "public-get_currencies", method: "public/get_currencies", params: [:], caller: .anonymous),
            Step(file: "public-get_instruments", method: "public/get_instruments", params: ["currency": "ETH", "kind": "option"], caller: .anonymous),
            Step(file: "public-get_instrument", method: "public/get_instrument", params: ["instrument_name": .string(call)], caller: .anonymous),
            Step(file: "public-ticker", method: "public/ticker", params: ["instrument_name": .string(call)], caller: .anonymous),
            Step(file: "public-get_order_book", method: "public/get_order_book", params: ["instrument_name": .string(put)], caller: .anonymous),
            Step(file: "public-get_book_summary_by_currency", method: "public/get_book_summary_by_currency", params: ["currency": "ETH"],
                 caller: .anonymous),
            Step(file: "public-get_index_price", method: "public/get_index_price", params: ["index_name": "btc_usd"], caller: .anonymous),
            Step(file: "private-deposit_to_pool", method: "private/deposit_to_pool", params: ["amount": 25_000], caller: .lp),
            Step(file: "private-deposit_to_pool-trader-refused", method: "private/deposit_to_pool", params: ["amount": 100], caller: .desk),
            Step(file: "public-get_pool", method: "public/get_pool", params: [:], caller: .anonymous),
            Step(file: "private-preview_trade", method: "private/preview_trade",
                 params: ["instrument_name": .string(call), "amount": 0.5, "direction": "buy"], caller: .desk),
            Step(file: "private-buy", method: "private/buy",
                 params: ["instrument_name": .string(call), "amount": 0.5, "type": "market", "label": "golden-1"], caller: .desk),
            Step(file: "private-buy-retried-label", method: "private/buy",
                 params: ["instrument_name": .string(call), "amount": 0.5, "type": "market", "label": "golden-1"], caller: .desk),
            Step(file: "private-buy-label-too-long", method: "private/buy",
                 params: ["instrument_name": .string(call), "amount": 0.5, "label": .string(String(repeating: "L", count: 65))], caller: .desk),
            Step(file: "private-sell", method: "private/sell",
                 params: ["instrument_name": .string(put), "amount": "0.2", "type": "limit", "price": "1", "label": "golden-2"], caller: .desk),
            Step(file: "private-sell-rejected-label", method: "private/sell",
                 params: ["instrument_name": .string(put), "amount": "0.2", "type": "limit", "price": "100000", "label": "golden-3"], caller: .desk),
            Step(file: "private-buy-other-account", method: "private/buy",
                 params: ["instrument_name": .string(call), "amount": "0.25"], caller: .other),
            Step(file: "private-get_order_state_by_label", method: "private/get_order_state_by_label",
                 params: ["currency": "BTC", "label": "golden-1"], caller: .desk),
            Step(file: "private-get_order_state_by_label-rejected", method: "private/get_order_state_by_label",
                 params: ["currency": "BTC", "label": "golden-3"], caller: .viewer),
            Step(file: "public-get_last_trades_by_instrument", method: "public/get_last_trades_by_instrument",
                 params: ["instrument_name": .string(call), "count": 1], caller: .anonymous),
            Step(file: "public-get_last_trades_by_instrument-bad-count", method: "public/get_last_trades_by_instrument",
                 params: ["instrument_name": .string(call), "count": 5_000], caller: .anonymous),
            Step(file: "private-get_user_trades_by_instrument", method: "private/get_user_trades_by_instrument",
                 params: ["instrument_name": .string(call), "sorting": "asc"], caller: .desk),
            Step(file: "private-get_user_trades_by_currency", method: "private/get_user_trades_by_currency",
                 params: ["currency": "BTC", "kind": "option", "count": 10], caller: .desk),
            Step(file: "private-get_positions", method: "private/get_positions", params: ["currency": "BTC"], caller: .desk),
            Step(file: "private-get_account_summary", method: "private/get_account_summary", params: [:], caller: .desk),
            Step(file: "private-close_position", method: "private/close_position",
                 params: ["instrument_name": .string(call), "type": "market"], caller: .desk),
            Step(file: "private-withdraw_from_pool", method: "private/withdraw_from_pool", params: ["shares": 1_000], caller: .lp),
            Step(file: "private-withdraw_from_pool-viewer-refused", method: "private/withdraw_from_pool", params: ["amount": 10], caller: .viewer),
            Step(file: "private-create_combo", method: "private/create_combo", params: ["trades": [
                ["instrument_name": .string(call), "amount": "1", "direction": "buy"],
                ["instrument_name": .string(put), "amount": "1", "direction": "buy"],
            ]], caller: .desk),
            Step(file: "private-buy-combo", method: "private/buy",
                 params: ["instrument_name": .string("COMBO:1x\(call)/1x\(put)"), "amount": "0.2", "strategy": "straddle",
                          "label": "golden-combo"], caller: .desk),
            Step(file: "private-buy-combo-retried-label", method: "private/buy",
                 params: ["instrument_name": .string("COMBO:1x\(call)/1x\(put)"), "amount": "0.2", "strategy": "straddle",
                          "label": "golden-combo"], caller: .desk),
            Step(file: "private-get_order_state_by_label-combo", method: "private/get_order_state_by_label",
                 params: ["currency": "BTC", "label": "golden-combo"], caller: .desk),
            Step(file: "private-get_positions-strategy", method: "private/get_positions", params: ["currency": "BTC"], caller: .desk),
            Step(file: "private-close_strategy", method: "private/close_strategy", params: ["strategy_id": "strat0", "label": "golden-close"],
                 caller: .desk),
            Step(file: "private-close_strategy-retried-label", method: "private/close_strategy",
                 params: ["strategy_id": "strat0", "label": "golden-close"], caller: .desk),
        ]
    }

    /// Runs the script and returns each step's request and response.
    static func run() throws -> [(Step, request: JSONValue, response: JSONValue)] {
        let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))
        var pool = TestPool(engine: scenario.engine)
        let lpOpened = pool.openAccount("lp", funding: Money(50_000))
        let lp = try #require(lpOpened)
        let otherOpened = pool.openAccount("bob")
        let other = try #require(otherOpened)
        let call = try #require(pool.atTheMoney(.call))
        let put = try #require(pool.atTheMoney(.put))
        var results: [(Step, request: JSONValue, response: JSONValue)] = []
        for (index, step) in steps(call: call, put: put).enumerated() {
            let id = JSONValue.number(Double(index + 1))
            let outcome: Result<JSONValue, APIError>
            switch step.caller {
            case .anonymous: outcome = pool.call(step.method, step.params)
            case .desk: outcome = pool.call(step.method, step.params, account: scenario.deskAccount)
            case .viewer: outcome = pool.call(step.method, step.params, account: scenario.deskAccount, mayTrade: false)
            case .lp: outcome = pool.call(step.method, step.params, account: lp, mayMoveFunds: true)
            case .other: outcome = pool.call(step.method, step.params, account: other)
            }
            let request: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(step.method), "params": .object(step.params)]
            results.append((step, request, JSONRPCDecoder.response(id: id, outcome)))
        }
        return results
    }

    static func pretty(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    @Test("every method of the table has a golden step")
    func coversTheTable() {
        let scripted = Set(Self.steps(call: "C", put: "P").map(\.method))
        let missing = Set(DeribitMethods.table.keys).subtracting(scripted)
        #expect(missing.isEmpty, "no golden for \(missing.sorted())")
    }

    @Test("each response matches its golden file")
    func matchesGoldens() throws {
        let results = try Self.run()
        if Self.recording { try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true) }
        for (step, request, response) in results {
            let url = Self.folder.appendingPathComponent("\(step.file).json")
            let document: JSONValue = ["request": request, "response": response]
            if Self.recording {
                try Self.pretty(document).write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let data = try? Data(contentsOf: url) else {
                Issue.record("missing golden \(step.file).json: record with POOLDESK_RECORD_GOLDENS=1")
                continue
            }
            let golden = try JSONDecoder().decode(JSONValue.self, from: data)
            #expect(golden["request"]?.text == request.text, "\(step.file): request changed")
            #expect(golden["response"]?.text == response.text, "\(step.file): response differs from the golden file")
        }
    }

    @Test("the goldens speak Deribit: result fields by Deribit's names, refusals with stable codes")
    func deribitNames() throws {
        let results = try Self.run()
        func response(_ file: String) -> JSONValue? { results.first { $0.0.file == file }?.response }
        let buy = try #require(response("private-buy")?["result"])
        for key in ["order_id", "order_state", "instrument_name", "direction", "amount", "filled_amount", "average_price",
                    "order_type", "label", "creation_timestamp", "last_update_timestamp", "price", "time_in_force"] {
            #expect(buy["order"]?[key] != nil, "order lacks \(key)")
        }
        #expect(response("private-buy-retried-label") == response("private-buy").map { response in
            guard case .object(var fields) = response else { return response }
            fields["id"] = 15
            return .object(fields)
        })
        // A combo's label works as a single order's: the retry answers the first outcome (strat0 again, no strat1).
        let combo = try #require(response("private-buy-combo")?["result"])
        #expect(combo["order"]?["label"] == "golden-combo" && combo["order"]?["order_id"] == "strat0")
        #expect(response("private-buy-combo-retried-label")?["result"] == combo)
        let close = try #require(response("private-close_strategy")?["result"])
        #expect(close["order"]?["label"] == "golden-close" && close["order"]?["direction"] == "close")
        #expect(response("private-close_strategy-retried-label")?["result"] == close, "a retried close answers the first close")
        let comboState = try #require(response("private-get_order_state_by_label-combo")?["result"])
        #expect(comboState == .array([try #require(combo["order"])]))
        let legs = try #require(response("private-get_positions-strategy")?["result"])
        if case .array(let positions) = legs {
            let grouped = positions.filter { $0["strategy_id"] == "strat0" }
            #expect(grouped.count == 2)
            #expect(grouped.allSatisfy { $0["combo_id"] == combo["order"]?["instrument_name"] && $0["strategy"] == "straddle" })
            let single = positions.filter { $0["strategy_id"] == nil }
            #expect(!single.isEmpty && single.allSatisfy { $0["combo_id"] == nil && $0["strategy"] == nil },
                    "the single-order position (the put sold by label golden-2) carries no strategy")
        } else {
            Issue.record("\(legs.text)")
        }
        #expect(response("private-sell-rejected-label")?["error"]?["code"] == .number(Double(12_000 + 14)), "limitPrice is RejectionReason #14")
        #expect(response("private-buy-label-too-long")?["error"]?["code"] == -32_602)
        #expect(response("public-get_last_trades_by_instrument-bad-count")?["error"]?["data"]?["param"] == "count")
        #expect(response("private-deposit_to_pool-trader-refused")?["error"]?["code"] == 13_009)
        #expect(response("private-withdraw_from_pool-viewer-refused")?["error"]?["code"] == 13_009)
        let trades = try #require(response("public-get_last_trades_by_instrument")?["result"])
        #expect(trades["has_more"] == true)
        for key in ["trade_seq", "trade_id", "timestamp", "instrument_name", "direction", "amount", "price", "iv", "index_price", "mark_price"] {
            #expect(trades["trades"].flatMap { if case .array(let list) = $0 { list.first } else { nil } }?[key] != nil, "trade lacks \(key)")
        }
        let state = try #require(response("private-get_order_state_by_label-rejected")?["result"])
        if case .array(let orders) = state { #expect(orders.first?["order_state"] == "rejected") } else { Issue.record("\(state.text)") }
    }
}

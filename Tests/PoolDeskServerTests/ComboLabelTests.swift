import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import Testing

/// A combo's `label` works as a single order's: a retry answers the first outcome (fill or refusal) and trades
/// nothing, concurrent retries never trade twice, `get_order_state_by_label` answers for it, its legs' trades carry it,
/// and all of this survives a crash of the sequencer (the reply is rebuilt from the journal).
@Suite("Combo labels", .serialized)
struct ComboLabelTests {
    typealias Client = OrderLabelRestartTests.Client

    @Test("a labelled combo: retries, concurrent retries, label state, leg trades, and the same after a crash")
    func comboLabels() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-combo-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("session.sqlite").path
        var logger = Logger(label: "combo-label-tests")
        logger.logLevel = .critical

        let (journal, scenario) = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 3, participants: ParticipantConfiguration(count: 0)),
                                                            createdBy: "combo label tests")
        var engine = scenario.engine
        let opened = try journal.apply(.openAccount(name: "alice", role: .trader, funding: Money(100_000)), to: &engine)
        let account = try #require(opened.lazy.compactMap { event -> AccountID? in
            if case .accountOpened(let id, _, _, _) = event.payload { return id }
            return nil
        }.first)
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let atm = board.atTheMoneyIndex(spot: engine.markets[0].spot)
        let call = engine.series[board.series(.call, strikeIndex: atm).index].name
        let put = engine.series[board.series(.put, strikeIndex: atm).index].name
        let combo = "COMBO:1x\(call)/1x\(put)"
        var store = CredentialStore()
        var random = SystemRandomNumberGenerator()
        let issued = try store.issue(name: "alice", account: account, role: .trader, using: &random)

        let sequencer = PoolSequencer(engine: engine, journal: journal, credentials: store, speed: 60, logger: logger)
        var client = Client()
        _ = await client.authenticate(sequencer, clientID: issued.clientID, secret: issued.secret)
        let straddle: [String: JSONValue] = ["instrument_name": .string(combo), "amount": "0.2", "strategy": "straddle", "label": "combo-1"]
        let firstReply = await client.send(sequencer, "private/buy", straddle)
        let first = try #require(firstReply["result"], "\(firstReply.text)")
        #expect(first["order"]?["order_state"] == "filled")
        #expect(first["order"]?["order_id"] == "strat0")
        #expect(first["order"]?["label"] == "combo-1")
        guard case .array(let legTrades)? = first["trades"] else { Issue.record("\(first.text)"); return }
        #expect(legTrades.count == 2 && legTrades.allSatisfy { $0["label"] == "combo-1" })

        // A retry answers the first outcome and trades nothing.
        let retry = await client.send(sequencer, "private/buy", straddle)
        #expect(retry["result"] == first, "the retry answers the first outcome: \(retry.text)")
        #expect(await sequencer.engine.strategies(of: account).count == 1, "one strategy for one label")

        // Four sends of a new label at once: one strategy; each reply is that strategy's, or `label_in_flight` for one
        // that arrived while it was being committed.
        var secondStraddle = straddle
        secondStraddle["label"] = "combo-3"
        secondStraddle["amount"] = "0.1"
        let concurrentParams = secondStraddle
        let concurrent = await withTaskGroup(of: JSONValue.self) { group in
            for _ in 0..<4 {
                let copy = client
                group.addTask {
                    var sending = copy
                    return await sending.send(sequencer, "private/buy", concurrentParams)
                }
            }
            var replies: [JSONValue] = []
            for await reply in group { replies.append(reply) }
            return replies
        }
        let filled = concurrent.compactMap { $0["result"] }
        #expect(concurrent.count == 4 && !filled.isEmpty)
        #expect(filled.allSatisfy { $0 == filled.first && $0["order"]?["order_id"] == "strat1" }, "\(filled.map(\.text))")
        for reply in concurrent where reply["result"] == nil {
            #expect(reply["error"]?["message"] == "label_in_flight", "\(reply.text)")
        }
        #expect(await sequencer.engine.strategies(of: account).count == 2, "one strategy for the concurrent label")

        // A refused combo keeps its refusal under its label.
        var refusedParams = straddle
        refusedParams["label"] = "combo-2"
        refusedParams["type"] = "limit"
        refusedParams["price"] = "0.01"
        let refused = await client.send(sequencer, "private/buy", refusedParams)
        #expect(refused["error"]?["data"]?["reason"] == "limitPrice", "\(refused.text)")
        let refusedAgain = await client.send(sequencer, "private/buy", refusedParams)
        #expect(refusedAgain["error"] == refused["error"])
        #expect(await sequencer.engine.strategies(of: account).count == 2)

        // A labelled close of part of a leg: the retry closes nothing more.
        let closeParams: [String: JSONValue] = ["strategy_id": "strat0", "instrument_name": .string(put), "amount": "0.1", "label": "close-1"]
        let closeReply = await client.send(sequencer, "private/close_strategy", closeParams)
        let closed = try #require(closeReply["result"], "\(closeReply.text)")
        #expect(closed["order"]?["direction"] == "close" && closed["order"]?["label"] == "close-1")
        let closeRetry = await client.send(sequencer, "private/close_strategy", closeParams)
        #expect(closeRetry["result"] == closed)
        let putID = board.series(.put, strikeIndex: atm)
        let putLeg = await sequencer.engine.strategy(StrategyID(0))?.legs.first { $0.series == putID }
        #expect(putLeg?.quantity == Quantity(micros: 100_000), "0.2 bought, 0.1 closed once")

        func checkLabels(_ sequencer: PoolSequencer, _ client: inout Client) async throws {
            let closeState = await client.send(sequencer, "private/get_order_state_by_label", ["currency": "BTC", "label": "close-1"])
            #expect(closeState["result"] == .array([closed["order"] ?? .null]), "\(closeState.text)")
            let closeAgain = await client.send(sequencer, "private/close_strategy", closeParams)
            #expect(closeAgain["result"] == closed)
            let state = await client.send(sequencer, "private/get_order_state_by_label", ["currency": "BTC", "label": "combo-1"])
            #expect(state["result"] == .array([first["order"] ?? .null]), "\(state.text)")
            let refusedState = await client.send(sequencer, "private/get_order_state_by_label", ["currency": "BTC", "label": "combo-2"])
            guard case .array(let orders)? = refusedState["result"], let order = orders.first else { Issue.record("\(refusedState.text)"); return }
            #expect(orders.count == 1)
            #expect(order["order_state"] == "rejected" && order["reject_reason"] == "limitPrice")
            #expect(order["instrument_name"] == .string(combo) && order["label"] == "combo-2" && order["price"] == 0.01)
            let trades = await client.send(sequencer, "private/get_user_trades_by_instrument", ["instrument_name": .string(put)])
            guard case .array(let own)? = trades["result"]?["trades"] else { Issue.record("\(trades.text)"); return }
            #expect(own.map { $0["label"] } == ["close-1", "combo-3", "combo-1"], "newest first")
            let again = await client.send(sequencer, "private/buy", straddle)
            #expect(again["result"] == first)
        }
        try await checkLabels(sequencer, &client)

        // A crash: the files as they are on disk, resumed under another name; the replies come from the journal.
        let crashed = directory.appendingPathComponent("crashed.sqlite").path
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
        }
        try await sequencer.close()
        let recovered = try SessionJournal.resume(at: crashed)
        #expect(recovered.engine.strategies(of: account).count == 2)
        let resumed = PoolSequencer(engine: recovered.engine, journal: recovered.journal, credentials: store, speed: 60, logger: logger)
        var newClient = Client()
        _ = await newClient.authenticate(resumed, clientID: issued.clientID, secret: issued.secret)
        try await checkLabels(resumed, &newClient)
        #expect(await resumed.engine.strategies(of: account).count == 2)
        try await resumed.close()

        let summary = try JournalVerifier.verify(path: crashed)
        #expect(summary.commands == 5, "openAccount, two straddles, the refused combo and the close: retries wrote nothing")
    }
}

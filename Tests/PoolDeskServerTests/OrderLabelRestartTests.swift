import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import Testing

/// Labels are durable: a sequencer that stops without closing its journal (as after `kill -9`: no final flush, no
/// snapshot) is resumed from the journal, and a client that lost its reply learns the outcome by label; a retry
/// with the label trades nothing.
@Suite("Order labels across a sequencer restart", .serialized)
struct OrderLabelRestartTests {
    /// One connection to `sequencer`: sends request text, returns the response.
    struct Client {
        var connection = APIConnection()
        var id = 0

        mutating func send(_ sequencer: PoolSequencer, _ method: String, _ params: [String: JSONValue]) async -> JSONValue {
            id += 1
            let request: JSONValue = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": .object(params)]
            var connection = self.connection
            let reply = await sequencer.handle(Array(request.text.utf8), connection: &connection)
            defer { self.connection = connection }
            switch reply {
            case .send(let response, _): return response
            case .verifySecret(let check):
                // What the transport's verifier does off the actor, done inline.
                let store = await sequencer.credentials
                let verification = store.authenticate(clientID: check.clientID, secret: check.secret).map(SecretVerification.verified) ?? .rejected
                return await sequencer.completeAuthentication(check, verification, connection: &connection)
            }
        }

        mutating func authenticate(_ sequencer: PoolSequencer, clientID: String, secret: String) async -> JSONValue {
            await send(sequencer, "public/auth", ["grant_type": "client_credentials", "client_id": .string(clientID),
                                                  "client_secret": .string(secret)])
        }
    }

    @Test("a labelled order survives a crash of the sequencer; the retried label does not trade twice; the journal verifies")
    func labelSurvivesRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("session.sqlite").path
        var logger = Logger(label: "label-tests")
        logger.logLevel = .critical

        let (journal, scenario) = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 3, participants: ParticipantConfiguration(count: 0)),
                                                            createdBy: "label tests")
        var engine = scenario.engine
        let opened = try journal.apply(.openAccount(name: "alice", role: .trader, funding: Money(100_000)), to: &engine)
        let account = try #require(opened.lazy.compactMap { event -> AccountID? in
            if case .accountOpened(let id, _, _, _) = event.payload { return id }
            return nil
        }.first)
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let instrument = engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
        var store = CredentialStore()
        var random = SystemRandomNumberGenerator()
        let issued = try store.issue(name: "alice", account: account, role: .trader, using: &random)
        let buy: [String: JSONValue] = ["instrument_name": .string(instrument), "amount": "0.4", "type": "market", "label": "lost-reply-1"]

        // First life: the order is placed and journaled; the reply is "lost"; then the process dies without closing.
        // The crash is the files as they are on disk at that moment (database and write-ahead log, no final flush,
        // no snapshot), copied while the first sequencer still holds the session, and resumed under another name.
        let crashed = directory.appendingPathComponent("crashed.sqlite").path
        let dying = PoolSequencer(engine: engine, journal: journal, credentials: store, speed: 60, logger: logger)
        var firstClient = Client()
        _ = await firstClient.authenticate(dying, clientID: issued.clientID, secret: issued.secret)
        let firstReply = await firstClient.send(dying, "private/buy", buy)
        let first = try #require(firstReply["result"], "\(firstReply.text)")
        #expect(first["order"]?["order_state"] == "filled")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
        }

        // Second life: resumed from the journal alone.
        let recovered = try SessionJournal.resume(at: crashed)
        #expect(recovered.engine.positions(of: account).map(\.quantity) == [Quantity(micros: 400_000)])
        let sequencer = PoolSequencer(engine: recovered.engine, journal: recovered.journal, credentials: store, speed: 60, logger: logger)
        var client = Client()
        let auth = await client.authenticate(sequencer, clientID: issued.clientID, secret: issued.secret)
        #expect(auth["result"]?["access_token"] != nil)

        let state = await client.send(sequencer, "private/get_order_state_by_label", ["currency": "BTC", "label": "lost-reply-1"])
        guard case .array(let orders)? = state["result"] else { Issue.record("\(state.text)"); return }
        #expect(orders == [first["order"] ?? .null], "the order as first answered")

        let retry = await client.send(sequencer, "private/buy", buy)
        #expect(retry["result"] == first, "the retry answers the first outcome: \(retry.text)")
        #expect(await sequencer.engine.positions(of: account).map(\.quantity) == [Quantity(micros: 400_000)], "and trades nothing")

        let trades = await client.send(sequencer, "private/get_user_trades_by_instrument", ["instrument_name": .string(instrument)])
        guard case .array(let own)? = trades["result"]?["trades"] else { Issue.record("\(trades.text)"); return }
        #expect(own.count == 1)
        #expect(own.first?["label"] == "lost-reply-1")
        #expect(own.first?["trade_id"] == first["trades"].flatMap { if case .array(let list) = $0 { list.first?["trade_id"] } else { nil } })
        let public_ = await client.send(sequencer, "public/get_last_trades_by_instrument", ["instrument_name": .string(instrument)])
        #expect(public_["result"]?["has_more"] == false)

        // A new label still trades, once.
        var second = buy
        second["label"] = "lost-reply-2"
        let placed = await client.send(sequencer, "private/buy", second)
        #expect(placed["result"]?["order"]?["order_state"] == "filled")
        #expect(await sequencer.engine.positions(of: account).map(\.quantity) == [Quantity(micros: 800_000)])
        try await sequencer.close()
        try await dying.close()

        let summary = try JournalVerifier.verify(path: crashed)
        #expect(summary.commands == 3, "openAccount and two buys: the retry wrote nothing")
    }
}

extension ServerTests {
    @Test("HTTP GET: a labelled buy, its retry, get_order_state_by_label, trade history and preview_trade with string parameters")
    func labelsAndHistoryOverHTTP() async throws {
        try await Self.withServer { served in
            try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                let auth = try await client.get("/api/v2/public/auth?grant_type=client_credentials&client_id=\(served.clientID)&client_secret=\(served.secret)")
                guard case .string(let token)? = Self.json(String(buffer: try #require(auth.body)))?["result"]?["access_token"] else {
                    Issue.record("no token"); return
                }
                let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
                func get(_ path: String) async throws -> JSONValue? {
                    let response = try await client.get(path, headers: bearer)
                    return Self.json(String(buffer: try #require(response.body)))
                }
                let buy = "/api/v2/private/buy?instrument_name=\(served.instrument)&amount=0.3&type=market&label=http-1"
                let first = try await get(buy)
                #expect(first?["result"]?["order"]?["label"] == "http-1", "\(first?.text ?? "nil")")
                let retry = try await get(buy)
                #expect(retry?["result"] == first?["result"])
                let positions = await served.sequencer.engine.positions(of: served.account)
                #expect(positions.map(\.quantity) == [Quantity(micros: 300_000)])

                let state = try await get("/api/v2/private/get_order_state_by_label?currency=BTC&label=http-1")
                #expect(state?["result"] == [first?["result"]?["order"] ?? .null])
                let trades = try await get("/api/v2/public/get_last_trades_by_instrument?instrument_name=\(served.instrument)&count=5&sorting=asc")
                guard case .array(let list)? = trades?["result"]?["trades"] else { Issue.record("\(trades?.text ?? "nil")"); return }
                #expect(list.count == 1 && list.first?["amount"] == 0.3)
                let badCount = try await get("/api/v2/public/get_last_trades_by_instrument?instrument_name=\(served.instrument)&count=abc")
                #expect(badCount?["error"]?["data"]?["param"] == "count")
                let preview = try await get("/api/v2/private/preview_trade?instrument_name=\(served.instrument)&amount=0.1&direction=sell")
                #expect(preview?["result"]?["would_reject"] == .null, "\(preview?.text ?? "nil")")
                #expect(preview?["result"]?["premium_per_contract"] != nil)
                let deposit = try await get("/api/v2/private/deposit_to_pool?amount=100")
                #expect(deposit?["error"]?["code"] == 13_009, "a trader credential does not move funds")
            }
        }
    }
}

import PoolDeskAPI
import PoolEngine
import Testing

/// One connection's protocol rules, end to end through request bytes: authentication, a trade, subscriptions,
/// the request budget, a viewer refused, tokens by parameter.
@Suite("API connection")
struct APIConnectionTests {
    let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))

    struct Harness {
        var engine: Engine
        var authority = APIAuthority()
        var random = TestRandom()
        var connection = APIConnection()
        var wall = 0.0
        var history = OrderHistory()

        /// Sends `text`, applies a command reply to the engine, and returns the response JSON and whether it closed.
        mutating func send(_ text: String) -> (response: JSONValue, closed: Bool) {
            wall += 0.01
            switch connection.receive(Array(text.utf8), engine: engine, authority: &authority, wallSeconds: wall,
                                      serverTime: engine.time, using: &random) {
            case .respond(let value): return (value, false)
            case .respondAndClose(let value): return (value, true)
            case .apply(let command, let id, let render):
                let events = engine.apply(command)
                history.record(events)
                return (JSONRPCDecoder.response(id: id, render(events, engine)), false)
            case .applyOrder(let order, let command, let id):
                return (JSONRPCDecoder.response(id: id, history.applyOrder(order, command, engine: &engine)), false)
            case .read(let request, let id, let render):
                return (JSONRPCDecoder.response(id: id, render(history.answer(request, engine: engine), engine)), false)
            case .replica(let id, _, _):
                // The harness has no server run to catch up on: always the whole engine, as sequence 0.
                let snapshot = ReplicaSnapshot(serverID: "harness", sequence: 0, engine: engine, speed: 1)
                return (JSONRPCDecoder.response(id: id, .success(ReplicaProtocol.snapshotResult(snapshot))), false)
            case .verifySecret(let check):
                // What the server's verifier does off the actor, done inline.
                let verification = authority.credentials.authenticate(clientID: check.clientID, secret: check.secret)
                    .map(SecretVerification.verified) ?? .rejected
                return (connection.completeAuthentication(check, verification, authority: &authority, now: engine.time, using: &random), false)
            }
        }
    }

    func harness() throws -> (Harness, trader: (String, String), viewer: (String, String), instrument: String) {
        var harness = Harness(engine: scenario.engine)
        let trader = try harness.authority.credentials.issue(name: "trader", account: scenario.deskAccount, role: .trader, using: &harness.random)
        let viewer = try harness.authority.credentials.issue(name: "viewer", account: scenario.deskAccount, role: .viewer, using: &harness.random)
        let engine = harness.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let name = engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
        return (harness, (trader.clientID, trader.secret), (viewer.clientID, viewer.secret), name)
    }

    @Test("after public/auth the connection trades without a token; a wrong secret is refused; logout closes")
    func authenticatedTrading() throws {
        var (h, trader, _, instrument) = try harness()
        let refused = h.send(#"{"id":1,"method":"private/buy","params":{"instrument_name":"\#(instrument)","amount":0.1}}"#)
        #expect(refused.response["error"]?["code"] == 13_009)
        let wrong = h.send(#"{"id":2,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(trader.0)","client_secret":"nope"}}"#)
        #expect(wrong.response["error"]?["code"] == 13_009)
        let auth = h.send(#"{"id":3,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(trader.0)","client_secret":"\#(trader.1)"}}"#)
        #expect(auth.response["result"]?["token_type"] == "bearer")
        let bought = h.send(#"{"id":4,"method":"/private/buy","params":{"instrument_name":"\#(instrument)","amount":"0.1"}}"#)
        #expect(bought.response["id"] == 4)
        #expect(bought.response["result"]?["order"]?["order_state"] == "filled", "\(bought.response.text)")
        #expect(h.engine.positions(of: scenario.deskAccount).count == 1)
        let out = h.send(#"{"id":5,"method":"private/logout"}"#)
        #expect(out.closed)
        let after = h.send(#"{"id":6,"method":"private/get_positions"}"#)
        #expect(after.response["error"]?["code"] == 13_009)
    }

    @Test("a viewer reads but never trades; an access_token parameter authenticates a single request")
    func viewerAndTokenParameter() throws {
        var (h, _, viewer, instrument) = try harness()
        var other = h
        let auth = other.send(#"{"id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(viewer.0)","client_secret":"\#(viewer.1)"}}"#)
        guard case .string(let token)? = auth.response["result"]?["access_token"] else { Issue.record("\(auth.response.text)"); return }
        h.authority = other.authority
        let positions = h.send(#"{"id":2,"method":"private/get_positions","params":{"access_token":"\#(token)"}}"#)
        #expect(positions.response["result"] == [])
        let buy = h.send(#"{"id":3,"method":"private/buy","params":{"access_token":"\#(token)","instrument_name":"\#(instrument)","amount":0.1}}"#)
        #expect(buy.response["error"]?["code"] == 13_009)
        #expect(h.engine.positions(of: scenario.deskAccount).isEmpty)
    }

    @Test("a token that is not valid is called invalid, not missing")
    func invalidToken() throws {
        var (h, _, _, _) = try harness()
        let missing = h.send(#"{"id":1,"method":"private/get_positions","params":{}}"#)
        #expect(missing.response["error"]?["data"]?["reason"] == "private/get_positions needs an access token (public/auth)")
        let invalid = h.send(#"{"id":2,"method":"private/get_positions","params":{"access_token":"xyz"}}"#)
        #expect(invalid.response["error"]?["code"] == 13_009)
        #expect(invalid.response["error"]?["data"]?["reason"] == "invalid or expired access_token")
    }

    @Test("subscriptions: public channels for anyone, private ones after auth, a cap, unsubscribe_all")
    func subscriptions() throws {
        var (h, trader, _, instrument) = try harness()
        let ok = h.send(#"{"id":1,"method":"public/subscribe","params":{"channels":["ticker.\#(instrument).100ms","pool.state"]}}"#)
        #expect(ok.response["result"] == [.string("ticker.\(instrument).100ms"), "pool.state"])
        let denied = h.send(#"{"id":2,"method":"private/subscribe","params":{"channels":["user.portfolio.btc"]}}"#)
        #expect(denied.response["error"]?["code"] == 13_009)
        _ = h.send(#"{"id":3,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(trader.0)","client_secret":"\#(trader.1)"}}"#)
        #expect(h.send(#"{"id":4,"method":"private/subscribe","params":{"channels":["user.portfolio.btc"]}}"#).response["result"] != nil)
        #expect(h.connection.notifications(events: [], engine: h.engine).count == 3)
        h.connection.maximumSubscriptions = 3
        let full = h.send(#"{"id":5,"method":"public/subscribe","params":{"channels":["deribit_price_index.btc_usd"]}}"#)
        #expect(full.response["error"]?["code"] == 10_040)
        _ = h.send(#"{"id":6,"method":"public/unsubscribe_all"}"#)
        #expect(h.connection.subscriptions.isEmpty)
    }

    @Test("a burst past the request budget is refused without running, then the budget refills")
    func rateLimit() throws {
        var (h, _, _, _) = try harness()
        h.connection.creditCapacity = 5
        h.connection.creditsPerSecond = 10
        var refusals = 0
        for _ in 0..<20 {
            h.wall -= 0.01  // the whole burst at one instant
            if h.send(#"{"id":1,"method":"public/test"}"#).response["error"]?["code"] == 10_028 { refusals += 1 }
        }
        #expect(refusals == 15)
        h.wall += 1
        #expect(h.send(#"{"id":1,"method":"public/test"}"#).response["result"] != nil)
    }

    @Test("garbage gets a JSON-RPC error with a null id, and changes nothing")
    func garbage() throws {
        var (h, _, _, _) = try harness()
        let before = h.engine
        let reply = h.send("{not json")
        #expect(reply.response["error"]?["code"] == -32700)
        #expect(reply.response["id"] == .null)
        #expect(h.engine.time == before.time && h.engine.positions.count == before.positions.count)
    }
}

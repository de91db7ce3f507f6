import PoolDeskAPI
import PoolEngine
import Testing

/// A seeded generator for tests (SeededRandom is the engine's own; any RandomNumberGenerator works).
struct TestRandom: RandomNumberGenerator {
    var inner = SeededRandom(seed: 42)
    mutating func next() -> UInt64 { inner.next() }
}

@Suite("Credentials, tokens and channels")
struct CredentialsAndChannelsTests {
    @Test("a secret is shown once and stored only as a salted scrypt hash; wrong, unknown and revoked fail alike")
    func credentials() throws {
        var store = CredentialStore()
        var random = TestRandom()
        let alice = try store.issue(name: "alice", account: AccountID(2), role: .trader, using: &random)
        let bob = try store.issue(name: "bob", account: AccountID(3), role: .viewer, using: &random)
        #expect(alice.secret.count == 48 && alice.clientID.count == 16)
        let stored = try #require(store.credentials.first { $0.name == "alice" })
        #expect(!stored.secretHash.isEmpty && stored.secretHash != Array(alice.secret.utf8))
        #expect(!(store.credentials.map(\.secretHash).contains { $0.count != CredentialHashing.outputBytes }))
        #expect(store.authenticate(clientID: alice.clientID, secret: alice.secret)?.account == AccountID(2))
        #expect(store.authenticate(clientID: alice.clientID, secret: bob.secret) == nil)
        #expect(store.authenticate(clientID: "nobody", secret: alice.secret) == nil)
        #expect(store.authenticate(clientID: bob.clientID, secret: bob.secret)?.role.mayTrade == false)
        #expect(throws: APIError.self) { try store.issue(name: "alice", account: AccountID(4), role: .lp, using: &random) }
        let revoked = store.revoke(name: "alice")
        #expect(revoked)
        #expect(store.authenticate(clientID: alice.clientID, secret: alice.secret) == nil)
    }

    @Test("scrypt matches RFC 7914's test vector (N=16, r=1, p=1) through the same library call")
    func scryptVector() throws {
        // RFC 7914 §12, first vector: empty password and salt.
        let key = try KDFCheck.rfc7914Empty()
        #expect(key.prefix(8) == [0x77, 0xd6, 0x57, 0x62, 0x38, 0x65, 0x7b, 0x20])
    }

    @Test("access tokens expire, refresh tokens work once, logout ends both")
    func tokens() throws {
        var store = CredentialStore()
        var random = TestRandom()
        let issued = try store.issue(name: "carol", account: AccountID(5), role: .lp, using: &random)
        let credential = try #require(store.authenticate(clientID: issued.clientID, secret: issued.secret))
        var table = TokenTable()
        let start = SimTime(milliseconds: 1_000_000)
        let reply = table.grant(credential, now: start, using: &random)
        guard case .string(let access)? = reply["access_token"], case .string(let refresh)? = reply["refresh_token"] else {
            Issue.record("\(reply.text)")
            return
        }
        #expect(reply["expires_in"] == 900)
        #expect(table.validate(accessToken: access, now: start + .seconds(899))?.account == AccountID(5))
        #expect(table.validate(accessToken: access, now: start + .seconds(900)) == nil)
        #expect(table.redeem(refreshToken: refresh, now: start + .seconds(1_000)) != nil)
        #expect(table.redeem(refreshToken: refresh, now: start + .seconds(1_001)) == nil)
        let again = table.grant(credential, now: start, using: &random)
        table.revokeAll(clientID: credential.clientID)
        if case .string(let token)? = again["access_token"] { #expect(table.validate(accessToken: token, now: start) == nil) }
    }

    @Test("channel names parse to Deribit's channels and print back the same", arguments: [
        "ticker.BTC-1DEC26T0100-60000-C.100ms", "book.ETH-7DEC26-3000-P.raw", "trades.BTC-2DEC26-61000-C.agg2",
        "deribit_price_index.btc_usd", "user.trades.option.BTC.100ms", "user.trades.BTC-2DEC26-61000-C.raw",
        "user.portfolio.btc", "user.changes.option.ETH.raw", "pool.state",
    ])
    func channelNames(name: String) throws {
        let channel = try SubscriptionChannel.parse(name).get()
        #expect(channel.name == name)
    }

    @Test("malformed channels are refused with the reason", arguments: [
        "ticker.BTC-1D-60000-C", "ticker..100ms", "ticker.X.5s", "user.trades", "pool", "quotes.BTC.100ms", "",
    ])
    func badChannels(name: String) {
        guard case .failure(let error) = SubscriptionChannel.parse(name) else { Issue.record("\(name) parsed"); return }
        #expect(error.code == -32602)
    }

    @Test("notifications: the ticker every time, trades only when there were some, user channels only for their account")
    func notifications() throws {
        let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))
        var engine = scenario.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let id = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
        let name = engine.series[id.index].name
        let events = engine.apply(.placeOrder(Order(account: scenario.deskAccount, series: id, side: .buy, quantity: Quantity(micros: 100_000))))
        let ticker = SubscriptionChannel.ticker(instrument: name, interval: "100ms")
        #expect(ticker.notification(events: [], engine: engine, account: nil)?["instrument_name"] == .string(name))
        let trades = SubscriptionChannel.trades(instrument: name, interval: "100ms")
        #expect(trades.notification(events: [], engine: engine, account: nil) == nil)
        guard case .array(let list)? = trades.notification(events: events, engine: engine, account: nil) else { Issue.record("no trades"); return }
        #expect(list.first?["direction"] == "buy")
        let mine = SubscriptionChannel.userTrades(scope: "option.BTC", interval: "100ms")
        #expect(mine.notification(events: events, engine: engine, account: scenario.deskAccount) != nil)
        #expect(mine.notification(events: events, engine: engine, account: AccountID(0)) == nil)
        let message = ticker.message(data: 1)
        #expect(message["method"] == "subscription")
        #expect(message["params"]?["channel"] == .string(ticker.name))
    }
}

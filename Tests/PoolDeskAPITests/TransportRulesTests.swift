import Foundation
import PoolDeskAPI
import PoolEngine
import Testing

/// The protocol rules behind the transport's abuse limits, without a socket: heartbeats, the cost of a failed
/// authentication, per-address failure budgets, revoked tokens, and pending accounts in the credential store.
@Suite("Transport rules")
struct TransportRulesTests {
    let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0))

    typealias Client = APIConnectionTests.Harness

    /// A client on `transport`, its clock at 100 s.
    func makeClient(_ transport: APITransport = .webSocket) -> Client {
        var client = Client(engine: scenario.engine)
        client.connection = APIConnection(transport: transport)
        client.wall = 100
        return client
    }

    @Test("set_heartbeat: at least the minimum interval, WebSocket only; test_requests follow the interval; one unanswered closes")
    func heartbeats() throws {
        var client = makeClient()
        #expect(client.connection.heartbeatStep(now: client.wall, lastTestRequest: nil) == .wait(until: nil))
        let tooShort = client.send(#"{"id":1,"method":"public/set_heartbeat","params":{"interval":5}}"#).response
        #expect(tooShort["error"]?["code"] == -32_602)
        #expect(client.send(#"{"id":2,"method":"public/set_heartbeat","params":{"interval":"30"}}"#).response["result"] == "ok")
        let set = client.wall
        // The first test_request one interval after set_heartbeat.
        #expect(client.connection.heartbeatStep(now: set + 29, lastTestRequest: nil) == .wait(until: set + 30))
        #expect(client.connection.heartbeatStep(now: set + 30, lastTestRequest: nil) == .sendTestRequest)
        let firstSent = set + 30
        #expect(client.connection.heartbeatStep(now: set + 45, lastTestRequest: firstSent) == .wait(until: firstSent + 30))
        // Answered with public/test: the next one goes out an interval later.
        client.wall = set + 40
        #expect(client.send(#"{"id":3,"method":"public/test"}"#).response["result"]?["version"] != nil)
        #expect(client.connection.heartbeatStep(now: firstSent + 30, lastTestRequest: firstSent) == .sendTestRequest)
        // Unanswered for a whole interval: close.
        let secondSent = firstSent + 30
        #expect(client.connection.heartbeatStep(now: secondSent + 30, lastTestRequest: secondSent) == .close)
        // disable_heartbeat stops it all.
        #expect(client.send(#"{"id":4,"method":"public/disable_heartbeat"}"#).response["result"] == "ok")
        #expect(client.connection.heartbeatStep(now: secondSent + 30, lastTestRequest: secondSent) == .wait(until: nil))
        // The JSON the server sends, as Deribit's.
        #expect(APIConnection.testRequest.text == #"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#)

        var overHTTP = makeClient(.http)
        #expect(overHTTP.send(#"{"id":1,"method":"public/set_heartbeat","params":{"interval":30}}"#).response["error"]?["code"] == 10_030)
    }

    @Test("a wrong secret costs extra credits; a credential revoked while its secret was checked gets no token")
    func failedAuthenticationCost() throws {
        var client = makeClient()
        let trader = try client.authority.credentials.issue(name: "t", account: scenario.deskAccount, role: .trader, using: &client.random)
        client.connection.creditCapacity = 12
        client.connection.creditsPerSecond = 0.001
        // 1 credit for the request, 10 more for the failure: one request is left.
        let wrong = client.send(#"{"id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(trader.clientID)","client_secret":"nope"}}"#).response
        #expect(wrong["error"]?["code"] == 13_009)
        #expect(client.send(#"{"id":2,"method":"public/test"}"#).response["result"] != nil)
        #expect(client.send(#"{"id":3,"method":"public/test"}"#).response["error"]?["code"] == 10_028)

        // Checked while live, revoked before the token is minted: refused.
        var other = makeClient()
        other.authority = client.authority
        let credential = try #require(other.authority.credentials.authenticate(clientID: trader.clientID, secret: trader.secret))
        let check = SecretCheck(id: 9, clientID: trader.clientID, secret: trader.secret)
        _ = other.authority.credentials.revoke(name: "t")
        let late = other.connection.completeAuthentication(check, .verified(credential), authority: &other.authority,
                                                           now: other.engine.time, using: &other.random)
        #expect(late["error"]?["code"] == 13_009)
        #expect(late["id"] == 9)
        // A refusal from the verifier (busy, or too many failures) is passed through.
        let refused = other.connection.completeAuthentication(check, .refused(APIError(10_028, "too_many_requests")),
                                                              authority: &other.authority, now: other.engine.time, using: &other.random)
        #expect(refused["error"]?["code"] == 10_028)
    }

    @Test("an over-long client id or secret is refused without being checked")
    func overlongSecret() throws {
        var client = makeClient()
        let long = String(repeating: "a", count: 300)
        let reply = client.connection.receive(
            Array(#"{"id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"x","client_secret":"\#(long)"}}"#.utf8),
            engine: client.engine, authority: &client.authority, wallSeconds: 1, serverTime: client.engine.time, using: &client.random)
        guard case .respond(let value) = reply else { Issue.record("expected a response, got \(reply)"); return }
        #expect(value["error"]?["code"] == 13_009)
    }

    @Test("tokens voided in the table end the connection's authentication too")
    func revokedTokensEndTheConnection() throws {
        var client = makeClient()
        let trader = try client.authority.credentials.issue(name: "t", account: scenario.deskAccount, role: .trader, using: &client.random)
        let auth = client.send(#"{"id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(trader.clientID)","client_secret":"\#(trader.secret)"}}"#).response
        #expect(auth["result"]?["access_token"] != nil)
        #expect(client.send(#"{"id":2,"method":"private/get_positions"}"#).response["result"] != nil)
        client.authority.tokens.revokeAll(clientID: trader.clientID)
        #expect(client.send(#"{"id":3,"method":"private/get_positions"}"#).response["error"]?["code"] == 13_009)
    }

    @Test("failure budget: a burst per address, then refused until it refills; other addresses unaffected; memory bounded")
    func failureBudget() {
        var budget = FailureBudget(capacity: 3, refillPerSecond: 1, maximumKeys: 4)
        for _ in 0..<3 {
            #expect(budget.allows("10.0.0.1", now: 0))
            budget.recordFailure("10.0.0.1", now: 0)
        }
        #expect(!budget.allows("10.0.0.1", now: 0))
        #expect(budget.allows("10.0.0.2", now: 0))
        #expect(budget.allows("10.0.0.1", now: 1))
        for index in 0..<20 { budget.recordFailure("192.0.2.\(index)", now: 2) }
        #expect(budget.trackedKeys <= 4)
    }

    @Test("pending accounts: requested, then fulfilled by the server; revoke drops a pending one; old files still load")
    func pendingAccounts() throws {
        var store = CredentialStore()
        var random = TestRandom()
        let bob = try store.requestAccount(name: "bob", role: .lp, funding: 5_000, using: &random)
        #expect(store.isNameTaken("bob"))
        #expect(throws: APIError.self) { try store.issue(name: "bob", account: AccountID(9), role: .trader, using: &random) }
        #expect(store.authenticate(clientID: bob.clientID, secret: bob.secret) == nil, "not usable before the account exists")
        let saved = try JSONEncoder().encode(store)
        let reloaded = try JSONDecoder().decode(CredentialStore.self, from: saved)
        #expect(reloaded == store)
        let fulfilled = store.fulfil(clientID: bob.clientID, account: AccountID(7))
        #expect(fulfilled)
        #expect(store.pendingAccounts.isEmpty)
        #expect(store.authenticate(clientID: bob.clientID, secret: bob.secret)?.account == AccountID(7))
        #expect(store.authenticate(clientID: bob.clientID, secret: bob.secret)?.role == .lp)

        _ = try store.requestAccount(name: "carol", role: .trader, funding: 1, using: &random)
        let revoked = store.revoke(name: "carol")
        #expect(revoked)
        #expect(store.pendingAccounts.isEmpty)
        // A file without pending requests has no pendingAccounts key, and a file from before it existed loads.
        let text = String(decoding: try JSONEncoder().encode(store), as: UTF8.self)
        #expect(!text.contains("pendingAccounts"))
        let old = try JSONDecoder().decode(CredentialStore.self, from: Data(#"{"credentials":[]}"#.utf8))
        #expect(old.credentials.isEmpty && old.pendingAccounts.isEmpty)
    }
}

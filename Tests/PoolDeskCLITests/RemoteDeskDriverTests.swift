import Foundation
import Logging
import PoolDeskAPI
@testable import PoolDeskCLI
import PoolDeskUI
import PoolEngine
import Synchronization
import Testing

/// A link that records what the driver sends and hands it scripted messages.
final class FakeLink: RemoteLink, @unchecked Sendable {
    // Used from the test's thread only.
    var inbox: [LinkMessage] = []
    var sent: [(method: String, params: [String: JSONValue], label: String?)] = []
    var queries: [String] = []
    var connected = true
    var resume: (String, Int64)?

    func drain() -> [LinkMessage] {
        defer { inbox.removeAll() }
        return inbox
    }
    func setResumePoint(serverID: String, sequence: Int64) { resume = (serverID, sequence) }
    func send(_ method: String, _ params: [String: JSONValue]) -> Bool {
        guard connected else { return false }
        sent.append((method, params, nil))
        return true
    }
    func sendOrder(_ method: String, _ params: [String: JSONValue], label: String) -> Bool {
        guard connected else { return false }
        sent.append((method, params, label))
        return true
    }
    func queryLabel(_ label: String, currency: String) -> Bool {
        guard connected else { return false }
        queries.append(label)
        return true
    }
}

@Suite("Remote desk driver (a replica fed by a scripted link)")
struct RemoteDeskDriverTests {
    let scenario = Scenario(seed: 5, participants: ParticipantConfiguration(count: 4))

    func makeDriver() -> (RemoteDeskDriver, FakeLink, Engine) {
        let link = FakeLink()
        let engine = scenario.engine
        let driver = RemoteDeskDriver(snapshot: ReplicaSnapshot(serverID: "s1", sequence: 10, engine: engine, speed: 60), link: link,
                                      status: ConnectionStatus(server: "test:1", account: nil, phase: .connected, serverSpeed: 60),
                                      logger: Logger(label: "test"))
        var ignored: [EngineEvent] = []
        driver.take(.account(id: scenario.deskAccount, name: "desk"), into: &ignored)
        driver.take(.phase(.connected), into: &ignored)
        return (driver, link, engine)
    }

    func step(_ driver: RemoteDeskDriver) -> [EngineEvent] { driver.advance(milliseconds: 100) { false }.events }

    @Test("entries apply in order and give the engine the server would have; old ones are skipped")
    func appliesInOrder() {
        let (driver, link, start) = makeDriver()
        var expected = start
        let t1 = start.time + SimDuration(milliseconds: 10_000)
        let t2 = t1 + SimDuration(milliseconds: 10_000)
        var expectedEvents: [EngineEvent] = []
        expected.advance(to: t1, into: &expectedEvents)
        expectedEvents += expected.apply(.deposit(account: scenario.deskAccount, amount: Money(5_000)))
        expected.advance(to: t2, into: &expectedEvents)
        link.inbox = [
            .entries(serverID: "s1", [.advance(sequence: 9, to: start.time + SimDuration(milliseconds: 999_999)),  // already held: skipped
                                      .advance(sequence: 11, to: t1)]),
            .entries(serverID: "s1", [.command(sequence: 12, .deposit(account: scenario.deskAccount, amount: Money(5_000))),
                                      .advance(sequence: 13, to: t2)]),
        ]
        let events = step(driver)
        #expect(driver.sequence == 13)
        #expect(driver.engine.time == t2)
        #expect(events == expectedEvents)
        #expect(driver.engine.accounts[scenario.deskAccount.index].shares == expected.accounts[scenario.deskAccount.index].shares)
        #expect(link.sent.isEmpty)
    }

    @Test("a replica on recorded prices says once, when the server's clock passes the last bar, that the history ended")
    func historyEndedReachesTheClient() {
        var configuration = EngineConfiguration()
        let start = configuration.startTime.milliseconds
        // Two hand-written hourly bars from the session start: the data ends two hours in.
        configuration.markets[0].history = MarketHistory(
            source: "btc.csv", bars: PriceBars(times: [start, start + 3_600_000], open: [60_000, 60_400], high: [60_700, 60_900],
                                               low: [59_800, 60_100], close: [60_400, 60_200], interval: .hours(1)))
        configuration.markets[0].initialSpot = 60_000
        let served = Scenario(configuration: configuration, seed: 5, participants: ParticipantConfiguration(count: 0)).engine
        let link = FakeLink()
        let driver = RemoteDeskDriver(snapshot: ReplicaSnapshot(serverID: "s1", sequence: 10, engine: served, speed: 60), link: link,
                                      status: ConnectionStatus(server: "test:1", account: nil, phase: .connected, serverSpeed: 60),
                                      logger: Logger(label: "test"))
        func historyNotices() -> [String] {
            driver.pendingNotices().compactMap { action in
                if case .notice(let message) = action, message.text.hasPrefix("history ended") { return message.text }
                return nil
            }
        }
        link.inbox = [.entries(serverID: "s1", [.advance(sequence: 11, to: SimTime(milliseconds: start + 3_600_000))])]
        _ = step(driver)
        #expect(historyNotices().isEmpty, "an hour in, the data goes on")
        link.inbox = [.entries(serverID: "s1", [.advance(sequence: 12, to: SimTime(milliseconds: start + 7_200_000))])]
        _ = step(driver)
        #expect(historyNotices() == ["history ended: BTC holds the last recorded close"])
        link.inbox = [.entries(serverID: "s1", [.advance(sequence: 13, to: SimTime(milliseconds: start + 7_300_000))])]
        _ = step(driver)
        #expect(historyNotices().isEmpty, "said once")
    }

    @Test("a gap asks for a catch-up once; steps arriving meanwhile wait and follow it")
    func gapAsksForCatchUp() {
        let (driver, link, start) = makeDriver()
        let t = { (seconds: Int64) in start.time + SimDuration(milliseconds: seconds * 1000) }
        link.inbox = [.entries(serverID: "s1", [.advance(sequence: 12, to: t(20))])]  // 11 is missing
        _ = step(driver)
        #expect(driver.sequence == 10)
        #expect(link.sent.map(\.method) == ["public/get_replica"])
        #expect(link.sent.first?.params["since"] == 10)
        link.inbox = [.entries(serverID: "s1", [.advance(sequence: 13, to: t(30))])]  // overtakes the catch-up
        _ = step(driver)
        #expect(driver.sequence == 10)
        link.inbox = [.catchUp(serverID: "s1", [.advance(sequence: 11, to: t(10)), .advance(sequence: 12, to: t(20))])]
        _ = step(driver)
        #expect(driver.sequence == 13)
        #expect(driver.engine.time == t(30))
        #expect(link.sent.count == 1, "one request, not one per message")
    }

    @Test("orders go out as Deribit requests with a label and the worst price per contract; a refusal is shown in the server's words")
    func ordersAndRefusals() throws {
        let (driver, link, engine) = makeDriver()
        let board = try #require(engine.liveBoards(market: MarketID(0)).first)
        let series = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
        let order = Order(account: scenario.deskAccount, series: series, side: .buy, quantity: Quantity(2), limitPremium: Money(300))
        guard case .success(let events) = driver.submit(.placeOrder(order)) else {
            Issue.record("not sent")
            return
        }
        #expect(events.isEmpty, "nothing is shown as filled before the server says so")
        let request = try #require(link.sent.first)
        #expect(request.method == "private/buy")
        #expect(request.params["instrument_name"] == .string(engine.series[series.index].name))
        #expect(request.params["amount"] == "2")
        #expect(request.params["type"] == "limit")
        #expect(request.params["price"] == "150")
        // Six decimals, rounded in the trader's favour: a buy's ceiling down, a sell's floor up.
        #expect(RemoteDeskDriver.perContract(Money(micros: 17_487_889), Quantity(micros: 100_000), side: .buy) == Money(micros: 174_878_890))
        #expect(RemoteDeskDriver.perContract(Money(micros: 10_000_000), Quantity(3), side: .buy) == Money(micros: 3_333_333))
        #expect(RemoteDeskDriver.perContract(Money(micros: 10_000_000), Quantity(3), side: .sell) == Money(micros: 3_333_334))
        let label = try #require(request.label)
        #expect(request.params["label"] == .string(label))
        #expect(driver.inFlight[label] != nil)
        link.inbox = [.orderReply(label: label, .failure(APIError(12_014, "limit_price", data: ["detail": "premium 310.00 USD is past the limit 300.00 USD"])))]
        _ = step(driver)
        let texts = driver.pendingNotices().compactMap { if case .notice(let m) = $0 { m.text } else { nil } }
        #expect(texts.contains { $0.contains("refused by the server: premium 310.00 USD is past the limit 300.00 USD") }, "\(texts)")
        #expect(driver.inFlight.isEmpty)
        // Pool settings are the operator's: not sent at all.
        guard case .failure = driver.submit(.setHedging(enabled: false)) else {
            Issue.record("hedging was sent")
            return
        }
    }

    @Test("an order in flight when the line drops is asked about by label after reconnecting, never sent again")
    func lostOrderResolvedByLabel() throws {
        let (driver, link, engine) = makeDriver()
        let series = try #require(engine.liveBoards(market: MarketID(0)).first?.calls.first)
        _ = driver.submit(.placeOrder(Order(account: scenario.deskAccount, series: series, side: .buy, quantity: Quantity(1))))
        let label = try #require(link.sent.first?.label)
        link.inbox = [.phase(.disconnected(reason: "reset", retryInSeconds: 0.25))]
        _ = step(driver)
        #expect(driver.inFlight[label]?.lost == true)
        #expect(!driver.status.isLive)
        guard case .failure = driver.submit(.placeOrder(Order(account: scenario.deskAccount, series: series, side: .buy, quantity: Quantity(1)))) else {
            Issue.record("an order was sent while disconnected")
            return
        }
        link.inbox = [.phase(.synchronising), .catchUp(serverID: "s1", []), .phase(.connected)]
        _ = step(driver)
        #expect(link.queries == [label])
        #expect(link.sent.count == 1, "the lost order was not sent again")
        let filled: JSONValue = [["label": .string(label), "order_state": "filled"]]
        link.inbox = [.labelState(label: label, .success(filled))]
        _ = step(driver)
        let texts = driver.pendingNotices().compactMap { if case .notice(let m) = $0 { m.text } else { nil } }
        #expect(texts.contains { $0.contains("was filled before the line dropped") }, "\(texts)")
        #expect(driver.inFlight.isEmpty)
    }

    @Test("a strategy order goes out as a labelled combo; lost with the line, it is asked about by label, never sent again")
    func lostStrategyResolvedByLabel() throws {
        let (driver, link, engine) = makeDriver()
        let board = try #require(engine.liveBoards(market: MarketID(0)).first)
        let atm = board.atTheMoneyIndex(spot: engine.markets[0].spot)
        let legs = [StrategyLeg(series: board.series(.call, strikeIndex: atm), side: .buy),
                    StrategyLeg(series: board.series(.put, strikeIndex: atm), side: .buy)]
        let order = StrategyOrder(account: scenario.deskAccount, legs: legs, size: Quantity(1), name: "straddle")
        guard case .success = driver.submit(.placeStrategy(order)) else {
            Issue.record("not sent")
            return
        }
        let request = try #require(link.sent.first)
        let combo = "COMBO:1x\(engine.series[legs[0].series.index].name)/1x\(engine.series[legs[1].series.index].name)"
        #expect(request.method == "private/buy")
        #expect(request.params["instrument_name"] == .string(combo))
        let label = try #require(request.label)
        #expect(request.params["label"] == .string(label))
        link.inbox = [.phase(.disconnected(reason: "reset", retryInSeconds: 0.25))]
        _ = step(driver)
        #expect(driver.inFlight[label]?.lost == true)
        link.inbox = [.phase(.synchronising), .catchUp(serverID: "s1", []), .phase(.connected)]
        _ = step(driver)
        #expect(link.queries == [label], "asked by label in the legs' currency")
        #expect(link.sent.count == 1, "the lost strategy was not sent again")
        // The server's answer for a labelled combo (its order object, as get_order_state_by_label gives it).
        let filled: JSONValue = [["label": .string(label), "order_state": "filled", "order_id": "strat0", "instrument_name": .string(combo)]]
        link.inbox = [.labelState(label: label, .success(filled))]
        _ = step(driver)
        let texts = driver.pendingNotices().compactMap { if case .notice(let m) = $0 { m.text } else { nil } }
        #expect(texts.contains { $0.contains("straddle 1 was filled before the line dropped") }, "\(texts)")
        #expect(driver.inFlight.isEmpty)
    }

    @Test("a viewer's credential makes a monitor: nothing is sent")
    func viewerSendsNothing() throws {
        let (driver, link, engine) = makeDriver()
        var ignored: [EngineEvent] = []
        driver.take(.mayTrade(false), into: &ignored)
        let series = try #require(engine.liveBoards(market: MarketID(0)).first?.calls.first)
        guard case .failure(let refusal) = driver.submit(.placeOrder(Order(account: scenario.deskAccount, series: series, side: .buy, quantity: Quantity(1)))) else {
            Issue.record("a viewer's order was sent")
            return
        }
        #expect(refusal.message.contains("viewer"))
        #expect(link.sent.isEmpty)
    }

    @Test("the three answers about a lost order: filled, refused, never arrived")
    func resolutions() {
        let order = RemoteDeskDriver.InFlightOrder(summary: "buy 1 BTC-X", currency: "BTC")
        #expect(RemoteDeskDriver.resolution(of: order, label: "l", .success([["order_state": "filled"]])).text.contains("was filled"))
        #expect(RemoteDeskDriver.resolution(of: order, label: "l", .success([["order_state": "rejected", "reject_reason": "limit_price"]])).text
            .contains("refused by the server: limit_price"))
        #expect(RemoteDeskDriver.resolution(of: order, label: "l", .success([])).text.contains("never reached the server: not filled, and not sent again"))
    }

    @Test("credentials come from a file in `accounts add`'s words or JSON, or the environment; a secret alone is refused")
    func credentialSources() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let printed = directory.appendingPathComponent("alice.txt")
        try "account alice (trader, account 21, funded 100000 USD) in pool.sqlite\nclient_id pd_abc\nclient_secret s3cret\n(the secret is shown once)\n"
            .write(to: printed, atomically: true, encoding: .utf8)
        #expect(try ClientCredentialSource.resolve(clientID: nil, clientSecret: nil, file: printed.path, environment: [:])
            == ClientCredentials(clientID: "pd_abc", clientSecret: "s3cret"))
        let json = directory.appendingPathComponent("bob.json")
        try #"{"client_id": "pd_bob", "client_secret": "x"}"#.write(to: json, atomically: true, encoding: .utf8)
        #expect(try ClientCredentialSource.resolve(clientID: nil, clientSecret: nil, file: json.path, environment: [:])?.clientID == "pd_bob")
        #expect(try ClientCredentialSource.resolve(clientID: "pd_c", clientSecret: nil, file: nil,
                                                   environment: ["POOLDESK_CLIENT_SECRET": "env"])?.clientSecret == "env")
        #expect(try ClientCredentialSource.resolve(clientID: nil, clientSecret: nil, file: nil, environment: [:]) == nil)
        #expect(throws: PoolDeskError.self) { try ClientCredentialSource.resolve(clientID: "pd_c", clientSecret: nil, file: nil, environment: [:]) }
        #expect(throws: PoolDeskError.self) { try ClientCredentialSource.resolve(clientID: nil, clientSecret: nil, file: "/nonexistent/x", environment: [:]) }
    }
}

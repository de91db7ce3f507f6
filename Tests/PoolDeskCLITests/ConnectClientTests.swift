import Foundation
import Logging
import PoolDeskAPI
@testable import PoolDeskCLI
import PoolDeskServer
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine
import ServiceLifecycle
import Synchronization
import Testing

/// A served pool in this process on an ephemeral loopback port (no journal: these tests are about the client).
final class InProcessPool: Sendable {
    let port: Int
    let sequencer: PoolSequencer
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, sequencer: PoolSequencer, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.sequencer = sequencer
        self.group = group
        self.task = task
    }

    var url: String { "ws://127.0.0.1:\(port)" }

    static func start(engine: Engine, credentials: CredentialStore, port: Int = 0, speed: Double = 60) async throws -> InProcessPool {
        var logger = Logger(label: "connect-tests-server")
        logger.logLevel = .error
        let sequencer = PoolSequencer(engine: engine, journal: nil, credentials: credentials, speed: speed, logger: logger)
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let app = PoolServer.application(sequencer: sequencer, host: "127.0.0.1", port: port, logger: logger) { sink.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw CancellationError() }
        return InProcessPool(port: bound, sequencer: sequencer, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Two traders' accounts in a seeded pool, with credentials, as `pooldesk accounts add` makes them.
struct ConnectFixture {
    var engine: Engine
    var credentials = CredentialStore()
    var alice: (account: AccountID, id: String, secret: String)
    var bob: (account: AccountID, id: String, secret: String)
    var instrument: String

    init() throws {
        var engine = Scenario(seed: 7, participants: ParticipantConfiguration(count: 3)).engine
        func open(_ name: String) throws -> AccountID {
            let events = engine.apply(.openAccount(name: name, role: .trader, funding: Money(200_000)))
            return try #require(events.lazy.compactMap { event -> AccountID? in
                if case .accountOpened(let id, _, _, _) = event.payload { return id }
                return nil
            }.first)
        }
        let aliceAccount = try open("alice")
        let bobAccount = try open("bob")
        var random = SystemRandomNumberGenerator()
        let aliceKey = try credentials.issue(name: "alice", account: aliceAccount, role: .trader, using: &random)
        let bobKey = try credentials.issue(name: "bob", account: bobAccount, role: .trader, using: &random)
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        instrument = engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
        self.engine = engine
        alice = (aliceAccount, aliceKey.clientID, aliceKey.secret)
        bob = (bobAccount, bobKey.clientID, bobKey.secret)
    }
}

/// Runs blocking client code (the dashboard loop, polling) on its own thread, off the cooperative pool the server
/// and the link need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A connected client without a screen: the link, the driver made from its first replica, and a bounded poll.
final class TestClient: @unchecked Sendable {
    // Used from one thread at a time (the test's off-pool thread).
    let link: RemotePoolLink
    let driver: RemoteDeskDriver
    private(set) var events: [EngineEvent] = []
    private(set) var notices: [DashboardAction] = []

    /// `silenceLimit`: long by default, so a test run starving the server for seconds is not a lost connection.
    init(url: String, credentials: ClientCredentials?, silenceLimit: Double = 30) throws {
        let address = try ServerAddress.parse(url)
        link = RemotePoolLink(url: address.webSocketURL, displayName: address.display, credentials: credentials, logger: Logger(label: "client"),
                              silenceLimit: silenceLimit)
        link.start()
        if let failure = link.waitUntilReady(timeout: 60) {
            link.stop()
            throw PoolDeskError(failure)
        }
        let messages = link.drain()
        let snapshot = try #require(messages.lazy.compactMap { if case .snapshot(let s) = $0 { s } else { nil } }.last)
        driver = RemoteDeskDriver(snapshot: snapshot, link: link,
                                  status: ConnectionStatus(server: address.display, account: nil, phase: .synchronising, serverSpeed: snapshot.speed),
                                  logger: Logger(label: "driver"))
        var ignored: [EngineEvent] = []
        for message in messages { driver.take(message, into: &ignored) }
        notices += driver.pendingNotices()
    }

    /// Polls the driver (as the run loop does each frame) until `condition` holds; false after `seconds`.
    func poll(seconds: Double = 30, until condition: (TestClient) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        for _ in 0..<Int(seconds * 50) {
            let (new, _) = driver.advance(milliseconds: 0) { false }
            events += new
            notices += driver.pendingNotices()
            if condition(self) { return true }
            if Date() > deadline { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    var noticeTexts: [String] {
        notices.compactMap { if case .notice(let message) = $0 { message.text } else { nil } }
    }

    deinit { link.stop() }
}

@Suite("pooldesk connect: the dashboard against a served pool", .serialized)
struct ConnectClientTests {
    @Test("a replica follows the server step for step: same positions, same pool, the peer's fill in the other's events")
    func replicaFollowsServer() async throws {
        let fixture = try ConnectFixture()
        let pool = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials)
        let url = pool.url
        let instrument = fixture.instrument
        let (alice, bob) = (fixture.alice, fixture.bob)
        try await offPool {
            let aliceClient = try TestClient(url: url, credentials: ClientCredentials(clientID: alice.id, clientSecret: alice.secret))
            let bobClient = try TestClient(url: url, credentials: ClientCredentials(clientID: bob.id, clientSecret: bob.secret))
            #expect(aliceClient.poll { $0.driver.account?.id == alice.account && $0.driver.status.isLive })
            #expect(bobClient.poll { $0.driver.account?.id == bob.account })
            let series = try #require(aliceClient.driver.engine.resolveSeries(named: instrument))
            let order = Order(account: alice.account, series: series, side: .buy, quantity: Quantity(1))
            guard case .success = aliceClient.driver.submit(.placeOrder(order)) else {
                Issue.record("the order was not sent")
                return
            }
            // Alice's replica shows her position once the server's step arrives; Bob's shows her fill as an event.
            #expect(aliceClient.poll { !$0.driver.engine.positions(of: alice.account).isEmpty })
            #expect(bobClient.poll { client in
                client.events.contains { event in
                    if case .orderFilled(let fill) = event.payload { return fill.account == alice.account && fill.series == series }
                    return false
                }
            })
            // The reply releases the order (the stream may bring the fill a moment before the reply itself).
            #expect(aliceClient.poll { $0.driver.inFlight.isEmpty })
        }
        // The replicas hold what the server holds.
        let served = await pool.sequencer.engine
        let positions = served.positions(of: fixture.alice.account)
        #expect(positions.count == 1)
        #expect(positions.first?.quantity == Quantity(1))
        await pool.stop()
    }

    @Test("the replica is the server's engine, bit for bit, once it has the same steps")
    func replicaIsExact() async throws {
        let fixture = try ConnectFixture()
        let pool = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials, speed: 600)
        let url = pool.url
        let client = try await offPool { try TestClient(url: url, credentials: nil) }
        // The server runs (bots trade at ×600) while the client follows; then the server stops and the client's
        // replica is brought to the server's last step with the protocol's own catch-up.
        let followed = try await offPool { client.poll(seconds: 20) { $0.driver.engine.statistics.trades > 0 && $0.driver.sequence > 20 } }
        #expect(followed, "the replica saw bots trade")
        await pool.stop()
        let served = await pool.sequencer.engine
        let have = client.driver.sequence
        let reply = await pool.sequencer.replica(since: have, serverID: client.driver.serverID)
        guard case .success(.catchUp(_, let entries)) = ReplicaProtocol.reply(from: reply) else {
            Issue.record("no catch-up from \(have): \(reply.text.prefix(200))")
            return
        }
        var engine = client.driver.engine
        var events: [EngineEvent] = []
        for entry in entries where entry.sequence > have { entry.apply(to: &engine, into: &events) }
        #expect(try Self.canonical(engine) == Self.canonical(served))
        #expect(engine.statistics.trades > 0)
    }

    /// An engine's canonical JSON (the journal's encoding: sorted keys, shortest round-trip doubles).
    static func canonical(_ engine: Engine) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(engine)
    }

    @Test("wrong credentials, a refused port and a malformed URL each stop with one line before any screen")
    func refusals() async throws {
        let fixture = try ConnectFixture()
        let pool = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials)
        let url = pool.url
        let alice = fixture.alice
        let wrong = try await offPool { () -> String in
            do {
                _ = try TestClient(url: url, credentials: ClientCredentials(clientID: alice.id, clientSecret: "not-the-secret"))
                return "connected"
            } catch let error as PoolDeskError { return error.message }
        }
        #expect(wrong.contains("refused the credentials"), "\(wrong)")
        #expect(!wrong.contains("\n"))
        await pool.stop()
        let refused = try await offPool { () -> String in
            do {
                _ = try TestClient(url: url, credentials: nil)
                return "connected"
            } catch let error as PoolDeskError { return error.message }
        }
        #expect(refused.contains("connection refused") || refused.contains("cannot connect"), "\(refused)")
        #expect(throws: (any Error).self) { try ServerAddress.parse("ftp://host:1") }
        #expect(throws: (any Error).self) { try ServerAddress.parse("ws://host:99999") }
        #expect(throws: (any Error).self) { try ServerAddress.parse("ws://:8750") }
        #expect(try ServerAddress.parse("127.0.0.1:8750").webSocketURL == "ws://127.0.0.1:8750/ws/api/v2")
        #expect(try ServerAddress.parse("wss://pool.example:9000/").webSocketURL == "wss://pool.example:9000/ws/api/v2")
        #expect(throws: (any Error).self) { try ServerAddress.parse("wss://127.0.0.1:9000") }
        #expect(throws: PoolDeskError.self) { try ConnectCommand.tls(caFile: "/nonexistent/ca.pem") }
        #expect(try ConnectCommand.tls(caFile: nil) == nil)
    }

    @Test("a price that moved past the slippage limit is refused by the server, in its words, and nothing is filled")
    func slippageRefusal() async throws {
        let fixture = try ConnectFixture()
        let pool = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials)
        let url = pool.url
        let (alice, instrument) = (fixture.alice, fixture.instrument)
        try await offPool {
            let client = try TestClient(url: url, credentials: ClientCredentials(clientID: alice.id, clientSecret: alice.secret))
            #expect(client.poll { $0.driver.account != nil && $0.driver.status.isLive })
            let series = try #require(client.driver.engine.resolveSeries(named: instrument))
            // A worst-acceptable total of one cent for a whole contract: any real premium is past it.
            let order = Order(account: alice.account, series: series, side: .buy, quantity: Quantity(1), limitPremium: Money(micros: 10_000))
            _ = client.driver.submit(.placeOrder(order))
            #expect(client.poll { $0.noticeTexts.contains { $0.contains("refused by the server") } }, "\(client.noticeTexts)")
            #expect(client.driver.engine.positions(of: alice.account).isEmpty)
        }
        await pool.stop()
    }

    @Test("a server that goes away shows DISCONNECTED within two seconds; one that comes back on the same port is resynced")
    func reconnects() async throws {
        let fixture = try ConnectFixture()
        let first = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials)
        let url = first.url
        let port = first.port
        let alice = fixture.alice
        let client = try await offPool { try TestClient(url: url, credentials: ClientCredentials(clientID: alice.id, clientSecret: alice.secret)) }
        let firstServer = client.driver.serverID
        await first.stop()
        let lostAt = Date()
        let lost = try await offPool { client.poll(seconds: 5) { if case .disconnected = $0.driver.status.phase { true } else { false } } }
        #expect(lost)
        #expect(Date().timeIntervalSince(lostAt) < 5)
        // Orders are refused while the line is down (the reducer says so too, before the driver is asked).
        let series = try #require(client.driver.engine.resolveSeries(named: fixture.instrument))
        if case .success = client.driver.submit(.placeOrder(Order(account: alice.account, series: series, side: .buy, quantity: Quantity(1)))) {
            Issue.record("an order was accepted while disconnected")
        }
        let second = try await InProcessPool.start(engine: fixture.engine, credentials: fixture.credentials, port: port)
        let back = try await offPool { client.poll(seconds: 20) { $0.driver.status.isLive && $0.driver.serverID != firstServer } }
        #expect(back)
        #expect(client.noticeTexts.contains { $0.contains("restarted") }, "\(client.noticeTexts)")
        await second.stop()
    }
}

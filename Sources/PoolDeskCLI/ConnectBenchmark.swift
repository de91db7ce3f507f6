import ArgumentParser
import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import ServiceLifecycle

/// `pooldesk bench-connect`: how long a fill takes to reach another dashboard over loopback. A server runs in this
/// process on an ephemeral port with a journal in a temporary directory; two network dashboards (the real link and driver, without a screen) connect as
/// alice and bob; alice sends market buys one after another and the time from sending to the fill appearing in
/// bob's replica is measured (bob's driver is polled every 0.2 ms, so the frame pacing of a real screen — up to one
/// frame, 50 ms at 20 fps — is not included).
struct ConnectBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-connect",
        abstract: "Measure order-to-fill latency between two network dashboards over loopback (build with -c release)."
    )

    @Option(help: "Orders to time (10–10000, default 300).")
    var orders: Int = 300

    @Flag(help: "Print JSON.")
    var json = false

    init() {}

    func validate() throws {
        try FlagLimits.check(orders, in: 10...10_000, flag: "--orders")
    }

    func run() throws {
        let result = try ConnectBenchmark.run(orders: orders)
        if json {
            let value: JSONValue = ["orders": .number(Double(result.samples.count)), "median_ms": .number(result.percentile(0.5)),
                                    "p99_ms": .number(result.percentile(0.99)), "max_ms": .number(result.percentile(1))]
            print(value.text)
        } else {
            print("order outcome seen by another dashboard over loopback: \(result.samples.count) orders, "
                + "median \(String(format: "%.2f", result.percentile(0.5))) ms, p99 \(String(format: "%.2f", result.percentile(0.99))) ms, "
                + "max \(String(format: "%.2f", result.percentile(1))) ms")
        }
    }
}

enum ConnectBenchmark {
    struct Result {
        /// Milliseconds from sending each order to its fill in the other replica, sorted.
        var samples: [Double]
        func percentile(_ p: Double) -> Double {
            guard !samples.isEmpty else { return .nan }
            let index = min(samples.count - 1, max(0, Int((Double(samples.count) * p).rounded(.up)) - 1))
            return samples[index]
        }
    }

    static func run(orders: Int) throws -> Result {
        var logger = Logger(label: "bench-connect")
        logger.logLevel = .error
        // A served pool as `pooldesk serve` runs one: journaled (each order is fsynced before its reply and its step).
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-bench-connect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (journal, scenario) = try SessionJournal.create(at: directory.appendingPathComponent("pool.sqlite").path,
                                                            parameters: SessionParameters(seed: 1, participants: ParticipantConfiguration(count: 0)),
                                                            createdBy: "pooldesk bench-connect")
        var engine = scenario.engine
        var credentials = CredentialStore()
        var random = SystemRandomNumberGenerator()
        var keys: [ClientCredentials] = []
        var accounts: [AccountID] = []
        for name in ["alice", "bob"] {
            let events = try journal.apply(.openAccount(name: name, role: .trader, funding: Money(100_000_000)), to: &engine)
            guard let account = events.lazy.compactMap({ event -> AccountID? in
                if case .accountOpened(let id, _, _, _) = event.payload { return id }
                return nil
            }).first else { throw PoolDeskError("could not open \(name)'s account", exitCode: 1) }
            let issued = try credentials.issue(name: name, account: account, role: .trader, using: &random)
            keys.append(ClientCredentials(clientID: issued.clientID, clientSecret: issued.secret))
            accounts.append(account)
        }
        guard let board = engine.liveBoards(market: MarketID(0)).first(where: { engine.time < $0.tradingCutoff(engine.configuration.amm) }) else {
            throw PoolDeskError("no board open for trading", exitCode: 1)
        }
        // Spread over the at-the-money call and put of every board open for trading, so no one board's breaker halts the run.
        let open = engine.liveBoards(market: MarketID(0)).filter { engine.time < $0.tradingCutoff(engine.configuration.amm) }
        let spread = open.flatMap { board in
            [board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)),
             board.series(.put, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))]
        }
        _ = board
        let sequencer = PoolSequencer(engine: engine, journal: journal, credentials: credentials, speed: 1, logger: logger)
        let ports = PortBox()
        // Orders back to back would spend the connection's request budget (20 a second) in five seconds: it is lifted,
        // since this measures the path, not the budget.
        var options = ServerOptions()
        options.creditCapacity = 1e12
        options.creditsPerSecond = 1e12
        let app = PoolServer.application(sequencer: sequencer, host: "127.0.0.1", port: 0, options: options, logger: logger) { ports.set($0) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let server = Task { try await group.run() }
        defer {
            let done = DispatchSemaphore(value: 0)
            Task {
                await group.triggerGracefulShutdown()
                _ = try? await server.value
                done.signal()
            }
            done.wait()
        }
        guard let port = ports.wait(timeout: 20) else { throw PoolDeskError("the benchmark server did not start", exitCode: 1) }
        let url = "ws://127.0.0.1:\(port)/ws/api/v2"
        func connect(_ key: ClientCredentials) throws -> RemoteDeskDriver {
            let link = RemotePoolLink(url: url, displayName: "127.0.0.1:\(port)", credentials: key, logger: logger)
            link.start()
            if let failure = link.waitUntilReady(timeout: 20) { throw PoolDeskError(failure, exitCode: 1) }
            let messages = link.drain()
            guard let snapshot = messages.lazy.compactMap({ if case .snapshot(let s) = $0 { s } else { nil } }).last else {
                throw PoolDeskError("no snapshot", exitCode: 1)
            }
            let driver = RemoteDeskDriver(snapshot: snapshot, link: link,
                                          status: .init(server: "bench", account: nil, phase: .synchronising, serverSpeed: snapshot.speed), logger: logger)
            var ignored: [EngineEvent] = []
            for message in messages { driver.take(message, into: &ignored) }
            return driver
        }
        let alice = try connect(keys[0])
        let bob = try connect(keys[1])
        defer {
            (alice.link as? RemotePoolLink)?.stop()
            (bob.link as? RemotePoolLink)?.stop()
        }
        func pump(_ driver: RemoteDeskDriver) -> [EngineEvent] {
            let events = driver.advance(milliseconds: 0) { false }.events
            _ = driver.pendingNotices()
            return events
        }
        var samples: [Double] = []
        samples.reserveCapacity(orders)
        for index in 0..<orders {
            _ = pump(alice)
            let side: Side = index.isMultiple(of: 2) ? .buy : .sell
            let sent = DispatchTime.now().uptimeNanoseconds
            let series = spread[(index / 2) % spread.count]
            guard case .success = alice.submit(.placeOrder(Order(account: accounts[0], series: series, side: side, quantity: Quantity(1)))) else {
                throw PoolDeskError("order \(index) was not sent", exitCode: 1)
            }
            let deadline = sent + 10_000_000_000
            var seen = false
            while !seen && DispatchTime.now().uptimeNanoseconds < deadline {
                // The outcome reaching the other replica: a fill (shown in its log) or a refusal (the pool's breakers
                // may halt a board that one client trades back and forth; the step arrives all the same).
                seen = pump(bob).contains { event in
                    switch event.payload {
                    case .orderFilled(let fill): return fill.account == accounts[0]
                    case .orderRejected(let account, _, _, _, _): return account == accounts[0]
                    default: return false
                    }
                }
                if !seen { Thread.sleep(forTimeInterval: 0.000_2) }
            }
            guard seen else { throw PoolDeskError("order \(index): its outcome did not reach the other dashboard within 10 s", exitCode: 1) }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6)
        }
        return Result(samples: samples.sorted())
    }
}

/// The server's port, handed from its start-up task to the waiting thread.
private final class PortBox: @unchecked Sendable {
    // Guarded by `lock`.
    private var port: Int?
    private let lock = NSCondition()

    func set(_ value: Int) {
        lock.lock()
        port = value
        lock.broadcast()
        lock.unlock()
    }

    func wait(timeout: Double) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while port == nil && lock.wait(until: deadline) {}
        return port
    }
}

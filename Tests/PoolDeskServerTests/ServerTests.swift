import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import ServiceLifecycle
import Testing

/// The real server on an ephemeral loopback port, driven by a real WebSocket client and a real HTTP client.
@Suite("pooldesk serve", .serialized)
struct ServerTests {
    /// A served pool in a temporary directory with one trader credential; `body` runs while the server is up, and the
    /// server is always shut down (gracefully, so the journal is closed) before this returns.
    struct Served: Sendable {
        var port: Int
        var clientID: String
        var secret: String
        var instrument: String
        var account: AccountID
        var sequencer: PoolSequencer
        var journalPath: String
        /// The server's connection counter.
        var gate: ConnectionGate
        /// Starts the server's graceful shutdown (as SIGTERM does) while the test is still running.
        var stop: @Sendable () async -> Void
        var url: String { "ws://127.0.0.1:\(port)/ws/api/v2" }
    }

    /// `options` are the server's (by default with the connection timeouts relaxed: a test run on two busy cores can
    /// leave a connection unserved for seconds, and only the transport tests are about those timeouts) (its `credentialsPath`, when set, is replaced by the test journal's own file).
    static func withServer(options: ServerOptions = .patientForTests, _ body: @Sendable (Served) async throws -> Void,
                           afterShutdown: (_ journalPath: String) throws -> Void = { _ in }) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("session.sqlite").path
        let (journal, scenario) = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 3, participants: ParticipantConfiguration(count: 0)),
                                                            createdBy: "server tests")
        let engine = scenario.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let instrument = engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
        var logger = Logger(label: "server-tests")
        logger.logLevel = .warning
        // The account is opened as `pooldesk accounts add` does: applied, journaled, then its credential issued.
        var engineAfter = engine
        let command = EngineCommand.openAccount(name: "alice", role: .trader, funding: Money(100_000))
        let events = engineAfter.apply(command)
        let account = try #require(events.lazy.compactMap { event -> AccountID? in
            if case .accountOpened(let id, _, _, _) = event.payload { return id }
            return nil
        }.first)
        try journal.recordCommand(command, events: events, engine: engineAfter)
        var store = CredentialStore()
        var random = SystemRandomNumberGenerator()
        let issued = try store.issue(name: "alice", account: account, role: .trader, using: &random)
        let credentialsPath = CredentialFile.path(forJournal: path)
        try CredentialFile.save(store, path: credentialsPath)
        let mode = try FileManager.default.attributesOfItem(atPath: credentialsPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = try CredentialFile.load(path: credentialsPath)
        #expect(loaded == store)
        let served = PoolSequencer(engine: engineAfter, journal: journal, credentials: loaded, speed: 60, logger: logger)

        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var options = options
        if options.credentialsPath != nil { options.credentialsPath = credentialsPath }
        let gate = ConnectionGate(maximum: options.maximumConnections, maximumPerAddress: options.maximumConnectionsPerAddress)
        let app = PoolServer.application(sequencer: served, host: "127.0.0.1", port: 0, options: options, gate: gate,
                                         logger: logger) { port in portSink.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                try await body(Served(port: port, clientID: issued.clientID, secret: issued.secret, instrument: instrument,
                                      account: account, sequencer: served, journalPath: path, gate: gate,
                                      stop: { await group.triggerGracefulShutdown() }))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try afterShutdown(path)
    }

    /// A reply's text as JSON (nil when it is not JSON).
    static func json(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("WebSocket: public/auth, private/buy of the ATM call fills, a ticker subscription notifies")
    func webSocketTrading() async throws {
        try await Self.withServer { served in
            let logger = Logger(label: "ws-client")
            let replies = ReplyLog()
            try await WebSocketClient.connect(url: served.url, logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func next() async throws -> JSONValue? {
                    guard case .text(let text)? = try await messages.next() else { return nil }
                    return Self.json(text)
                }
                /// The response to `id`, skipping notifications in between.
                func response(_ id: Int) async throws -> JSONValue? {
                    while let value = try await next() {
                        if value["id"] == .number(Double(id)) { return value }
                    }
                    return nil
                }
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(served.clientID)","client_secret":"\#(served.secret)"}}"#))
                await replies.add("auth", try await response(1))
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"private/buy","params":{"instrument_name":"\#(served.instrument)","amount":"0.1","type":"market"}}"#))
                await replies.add("buy", try await response(2))
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":3,"method":"public/subscribe","params":{"channels":["ticker.\#(served.instrument).100ms"]}}"#))
                await replies.add("subscribe", try await response(3))
                while let value = try await next() {
                    if value["method"] == "subscription" {
                        await replies.add("notification", value)
                        break
                    }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let log = await replies.values
            #expect(log["auth"]?["result"]?["token_type"] == "bearer", "\(log["auth"]?.text ?? "nil")")
            #expect(log["buy"]?["result"]?["order"]?["order_state"] == "filled", "\(log["buy"]?.text ?? "nil")")
            if case .array(let trades)? = log["buy"]?["result"]?["trades"] { #expect(trades.count == 1) } else { Issue.record("no trades") }
            #expect(log["subscribe"]?["result"] == [.string("ticker.\(served.instrument).100ms")])
            #expect(log["notification"]?["params"]?["channel"] == .string("ticker.\(served.instrument).100ms"))
            #expect(log["notification"]?["params"]?["data"]?["instrument_name"] == .string(served.instrument))
            let positions = await served.sequencer.engine.positions(of: served.account)
            #expect(positions.count == 1)
        }
    }

    @Test("HTTP: GET public/get_instruments lists options; private/get_positions with a bearer token shows the position")
    func httpRequests() async throws {
        try await Self.withServer { served in
            // Authenticate and trade over HTTP POST (JSON-RPC body), then read back over GET.
            try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                let instruments = try await client.get("/api/v2/public/get_instruments?currency=BTC&kind=option&expired=false")
                #expect(instruments.status == .ok)
                let listed = Self.json(String(buffer: try #require(instruments.body)))
                guard case .array(let list)? = listed?["result"] else { Issue.record("\(listed?.text ?? "nil")"); return }
                #expect(!list.isEmpty)

                let auth = try await client.post("/api/v2", headers: [.contentType: "application/json"], body: ByteBuffer(string:
                    #"{"jsonrpc":"2.0","id":7,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(served.clientID)","client_secret":"\#(served.secret)"}}"#))
                let granted = Self.json(String(buffer: try #require(auth.body)))
                #expect(granted?["id"] == 7)
                guard case .string(let token)? = granted?["result"]?["access_token"] else { Issue.record("\(granted?.text ?? "nil")"); return }

                let unauthorized = try await client.get("/api/v2/private/get_positions")
                #expect(Self.json(String(buffer: try #require(unauthorized.body)))?["error"]?["code"] == 13_009)

                let buy = try await client.get("/api/v2/private/buy?instrument_name=\(served.instrument)&amount=0.2&type=market",
                                               headers: [.authorization: "bearer \(token)"])
                let bought = Self.json(String(buffer: try #require(buy.body)))
                #expect(bought?["result"]?["order"]?["order_state"] == "filled", "\(bought?.text ?? "nil")")

                let positions = try await client.get("/api/v2/private/get_positions?currency=BTC", headers: [.authorization: "Bearer \(token)"])
                #expect(positions.status == .ok)
                let held = Self.json(String(buffer: try #require(positions.body)))
                guard case .array(let rows)? = held?["result"] else { Issue.record("\(held?.text ?? "nil")"); return }
                #expect(rows.count == 1)
                #expect(rows.first?["instrument_name"] == .string(served.instrument))

                let tooLarge = try await client.post("/api/v2", body: ByteBuffer(repeating: UInt8(ascii: " "), count: PoolServer.maximumBodyBytes + 1))
                #expect(tooLarge.status == .contentTooLarge)
            }
        }
    }

    @Test("a bad JSON frame gets -32700 and the connection keeps serving")
    func badFrame() async throws {
        try await Self.withServer { served in
            let replies = ReplyLog()
            try await WebSocketClient.connect(url: served.url, logger: Logger(label: "ws-client")) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"#))
                if case .text(let text)? = try await messages.next() { await replies.add("bad", Self.json(text)) }
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"public/test"}"#))
                if case .text(let text)? = try await messages.next() { await replies.add("test", Self.json(text)) }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let log = await replies.values
            #expect(log["bad"]?["error"]?["code"] == -32_700, "\(log["bad"]?.text ?? "nil")")
            #expect(log["test"]?["id"] == 2)
            #expect(log["test"]?["error"] == nil, "\(log["test"]?.text ?? "nil")")
        }
    }
}

extension ServerTests {
    @Test("graceful shutdown closes an open WebSocket, stops the server and leaves a journal that verifies")
    func gracefulShutdown() async throws {
        try await Self.withServer { served in
            let closed = try await WebSocketClient.connect(url: served.url, logger: Logger(label: "ws-client")) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/subscribe","params":{"channels":["pool.state"]}}"#))
                _ = try await messages.next()
                _ = try await messages.next()
                await served.stop()
                // The server closes the connection; the client sees the end of its inbound stream.
                while try await messages.next() != nil {}
            }
            #expect(closed?.closeCode == .normalClosure)
        } afterShutdown: { journalPath in
            // The sequencer closed the journal after the listener stopped (final flush and snapshot): it verifies,
            // with the account's command in it.
            let summary = try JournalVerifier.verify(path: journalPath)
            #expect(summary.commands == 1)
        }
    }
}

/// Replies collected inside a client's handler, read after it returns.
actor ReplyLog {
    private(set) var values: [String: JSONValue] = [:]
    func add(_ key: String, _ value: JSONValue?) { values[key] = value }
}

extension ServerOptions {
    /// The defaults, but with first-request and idle timeouts no loaded test machine reaches.
    static var patientForTests: ServerOptions {
        var options = ServerOptions()
        options.firstRequestTimeout = .seconds(300)
        options.idleTimeout = .seconds(600)
        return options
    }
}

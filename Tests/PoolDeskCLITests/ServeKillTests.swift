import Foundation
import HummingbirdWSClient
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolEngine
import Testing

/// `kill -9` of the real `pooldesk serve` binary under load: every order a client had an answer for is in the
/// journal after a restart, and the journal verifies.
@Suite("serve: kill -9 under load", .serialized)
struct ServeKillTests {
    let cli = CommandLineErrorTests()

    /// A running `pooldesk serve` and the port it listens on.
    struct Served {
        var serve: ServeProcess
        var process: Process { serve.process }
        var port: Int { serve.port }
    }

    static func startServe(journal: String, home: URL) throws -> Served {
        Served(serve: try ServeProcess(journal: journal, home: home))
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Orders the clients had an answer for: (account, trade sequence).
    actor Acknowledged {
        private(set) var trades: [(account: Int, sequence: Int)] = []
        func add(account: Int, sequence: Int) { trades.append((account, sequence)) }
        var count: Int { trades.count }
    }

    /// One client: authenticates, then buys and sells the smallest size in turn, at most `orders` times, recording
    /// every filled answer, until the connection ends.
    static func trade(port: Int, clientID: String, secret: String, account: Int, instrument: String, amount: String,
                      orders: Int, log: Acknowledged) async {
        var logger = Logger(label: "kill-test-client")
        logger.logLevel = .critical
        do {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/api/v2", logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func next() async throws -> JSONValue? {
                    guard case .text(let text)? = try await messages.next() else { return nil }
                    return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                }
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(clientID)","client_secret":"\#(secret)"}}"#))
                guard try await next()?["result"]?["access_token"] != nil else { return }
                for id in 2..<(orders + 2) {
                    let method = id % 2 == 0 ? "private/buy" : "private/sell"
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{"instrument_name":"\#(instrument)","amount":"\#(amount)","type":"market"}}"#))
                    guard let reply = try await next() else { return }
                    if case .array(let trades)? = reply["result"]?["trades"], case .number(let sequence)? = trades.first?["trade_seq"] {
                        await log.add(account: account, sequence: Int(sequence))
                    }
                }
            }
        } catch {
            // The server was killed: the connection ends with an error, as expected.
        }
    }

    @Test("SIGKILL mid-load, restart on the same journal: every acknowledged order is journaled, the restart serves, verify passes")
    func killUnderLoad() async throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("pool.sqlite").path
        var clients: [(id: String, secret: String, account: Int)] = []
        for name in ["kim", "lee", "max"] {
            let added = try cli.run(["accounts", "add", name, "--journal", journal], home: home)
            #expect(added.status == 0, "\(added.standardError)")
            let lines = added.standardOutput.split(separator: "\n").map(String.init)
            let id = try #require(lines.first { $0.hasPrefix("client_id ") }).dropFirst("client_id ".count)
            let secret = try #require(lines.first { $0.hasPrefix("client_secret ") }).dropFirst("client_secret ".count)
            // "account kim (trader, account 3, funded 100000 USD) in …"
            let header = try #require(lines.first)
            let accountText = try #require(header.range(of: ", account ")).upperBound
            let account = try #require(Int(header[accountText...].prefix { $0.isNumber }))
            clients.append((String(id), String(secret), account))
        }
        // The longest-dated board's at-the-money call stays tradable for the whole test.
        let session = try JournalReader.loadReadOnly(path: journal)
        let engine = session.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).filter { engine.time < $0.tradingCutoff(engine.configuration.amm) }
            .max { $0.expiry < $1.expiry })
        let instrument = engine.series[board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
        let amount = engine.configuration.markets[0].minimumOrderSize.plainText

        let served = try Self.startServe(journal: journal, home: home)
        let log = Acknowledged()
        let port = served.port, pid = served.process.processIdentifier
        await withTaskGroup(of: Void.self) { group in
            for client in clients {
                group.addTask {
                    await Self.trade(port: port, clientID: client.id, secret: client.secret, account: client.account,
                                     instrument: instrument, amount: amount, orders: 400, log: log)
                }
            }
            group.addTask {
                // Killed once the clients have some answers, while they are still sending (at most ~30 s of polling).
                for _ in 0..<3_000 {
                    if await log.count >= 60 { break }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                kill(pid, SIGKILL)
            }
        }
        served.process.waitUntilExit()
        #expect(served.process.terminationReason == .uncaughtSignal, "the server was killed, not stopped")
        let acknowledged = await log.trades
        #expect(acknowledged.count >= 60, "the clients had answers before the kill")

        // Restart on the same journal: it resumes, serves, and stops cleanly.
        let restarted = try Self.startServe(journal: journal, home: home)
        restarted.process.terminate()
        restarted.process.waitUntilExit()
        #expect(restarted.process.terminationReason == .exit && restarted.process.terminationStatus == 0)
        let verified = try cli.run(["verify", journal], home: home)
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")

        // Every acknowledged trade is a journaled fill of that account at that sequence.
        let queue = try JournalReader.openReadOnly(path: journal)
        let events = try JournalReader.recentEvents(queue: queue, path: journal, limit: 1_000_000)
        var fills: [Int: Int] = [:]
        for event in events {
            if case .orderFilled(let fill) = event.payload { fills[Int(event.sequence)] = fill.account.index }
        }
        let missing = acknowledged.filter { fills[$0.sequence] != $0.account }
        #expect(missing.isEmpty, "acknowledged but not journaled: \(missing.prefix(5))")
    }
}

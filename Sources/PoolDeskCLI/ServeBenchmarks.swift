import ArgumentParser
import Dispatch
import Foundation
import HummingbirdWSClient
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import ServiceLifecycle

/// `pooldesk bench serve`: the served pool end to end over loopback, journal on. This process runs the real server
/// (journal in a temporary folder); the clients run in a child process (`pooldesk bench serve-clients`), so the
/// server's CPU time (`getrusage` of this process) excludes theirs. Both share the machine's cores.
struct BenchServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Measure `pooldesk serve` end to end: journaled orders/s and latency per client count, ticker fan-out CPU.",
        discussion: "Each client authenticates with its own account, then sends a market order, awaits its reply and repeats, "
            + "alternating buy and sell of the smallest size. The per-connection request budget is lifted (the default "
            + "20 requests/s per connection would cap 100 clients at 2,000/s). Run the release build."
    )

    @Option(help: "Client counts to run, comma-separated (default 10,100,1000).")
    var clients: String = "10,100,1000"

    @Option(help: "Seconds each order run and the ticker run last (default 5).")
    var seconds: Double = 5

    @Option(help: "Ticker subscribers (default 1000; 0 skips the fan-out run).")
    var subscribers: Int = 1000

    @Option(help: "Simulated participants in the served pool (default 20, as `serve`).")
    var bots: Int = SimCommand.defaultBots

    @Option(help: "Simulated seconds per wall second (default 60, as `serve`).")
    var speed: Double = 60

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    init() {}

    func counts() throws -> [Int] {
        let parsed = clients.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && (1...5_000).contains($0 ?? 0) }) else {
            throw ValidationError("malformed --clients '\(clients)': client counts within 1–5000, comma-separated")
        }
        return parsed.compactMap { $0 }
    }

    func validate() throws {
        _ = try counts()
        guard (0.5...600).contains(seconds) else { throw ValidationError("--seconds must be within 0.5–600, got \(seconds)") }
        guard (0...5_000).contains(subscribers) else { throw ValidationError("--subscribers must be within 0–5000, got \(subscribers)") }
        try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed")
        try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots")
    }

    /// Progress lines go out at once (unbuffered), so a run can be watched or profiled phase by phase.
    private func say(_ line: String) {
        writeStandardOutput(line + "\n")
    }

    func run() throws {
        let counts = try counts()
        ServeBench.raiseFileLimit()
        #if DEBUG
        if !json { say("warning: this is a debug build; run `swift run -c release pooldesk bench serve` for real figures") }
        #endif
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-bench-serve-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (setup, journal) = try ServeBench.makePool(folder: folder, accounts: counts.max() ?? 1, bots: bots, quiet: json)
        var logger = Logger(label: "pooldesk.bench.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let sequencer = PoolSequencer(engine: setup.engine, journal: journal, credentials: setup.credentials, speed: speed, logger: logger)
        let server = try ServeBench.Server(sequencer: sequencer, logger: logger)
        var figures: [String: Double] = [:]
        var rows: [String] = []
        for count in counts {
            if !json { say("  \(count) clients: connecting and authenticating (scrypt, one per client)…") }
            let run = try ServeBench.runClients(mode: "orders", count: count, port: server.port, credentials: setup.credentialsFile,
                                                instrument: setup.instrument, amount: setup.amount, seconds: seconds, sequencer: sequencer)
            let perSecond = Double(run.result.replies) / run.result.seconds
            figures["orders\(count)PerSecond"] = perSecond
            figures["orders\(count)P50Ms"] = run.result.p50
            figures["orders\(count)P99Ms"] = run.result.p99
            figures["orders\(count)P999Ms"] = run.result.p999
            figures["orders\(count)ServerCPU"] = run.serverCPU
            figures["orders\(count)GroupSize"] = run.groupSize
            figures["orders\(count)ClientCPU"] = run.result.clientCPU
            rows.append(String(format: "  %5d clients  %8.0f orders/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  CPU server %4.2f, clients %4.2f cores  "
                                   + "%.1f orders/commit  (%d filled, %d refused, %d errors)",
                               count, perSecond, run.result.p50, run.result.p99, run.result.p999, run.serverCPU, run.result.clientCPU,
                               run.groupSize, run.result.filled, run.result.refused, run.result.errors))
            if !json {
                say(rows[rows.count - 1])
                if !run.result.refusals.isEmpty {
                    say("         refused by the pool: " + run.result.refusals.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
            }
        }
        if subscribers > 0 {
            if !json { say("  \(subscribers) ticker subscribers: connecting…") }
            let run = try ServeBench.runClients(mode: "ticker", count: subscribers, port: server.port, credentials: setup.credentialsFile,
                                                instrument: setup.instrument, amount: setup.amount, seconds: seconds, sequencer: sequencer)
            let delivered = Double(run.result.notifications) / run.result.seconds
            figures["tickerSubscribers"] = Double(subscribers)
            figures["tickerDeliveredPerSecond"] = delivered
            figures["tickerServerCPU"] = run.serverCPU
            figures["tickerClientCPU"] = run.result.clientCPU
            rows.append(String(format: "  %5d subscribers to ticker.%@.100ms: %.0f notifications/s (%.1f per subscriber per s; 10 expected), "
                                   + "CPU server %.2f, clients %.2f cores", subscribers, setup.tickerInstrument, delivered, delivered / Double(subscribers),
                               run.serverCPU, run.result.clientCPU))
            if !json { say(rows[rows.count - 1]) }
        }
        try server.stop()
        let summary = try JournalVerifier.verify(path: setup.path)
        figures["journalCommands"] = Double(summary.commands)
        if !json {
            say("  journal verified after shutdown: \(summary.line)")
        } else {
            say(try JSONOutput.text(figures))
        }
    }
}

/// `pooldesk bench serve-clients`: the client side of `bench serve`, run as its child process. Prints `start` once
/// every client is connected (and authenticated or subscribed), then one JSON line of results.
struct BenchServeClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-clients", abstract: "The client side of `pooldesk bench serve` (run by it).", shouldDisplay: false)

    @Option var port: Int
    @Option var credentials: String
    @Option var instrument: String
    @Option var amount: String
    @Option var clients: Int
    @Option var seconds: Double
    @Option var mode: String

    init() {}

    func run() throws {
        ServeBench.raiseFileLimit()
        let data = try Data(contentsOf: URL(fileURLWithPath: credentials))
        let pairs = try JSONDecoder().decode([[String]].self, from: data)
        guard pairs.count >= clients || mode == "ticker" else { throw PoolDeskError("\(credentials): \(pairs.count) credentials for \(clients) clients") }
        let instruments = instrument.split(separator: ",").map(String.init), amounts = amount.split(separator: ",").map(String.init)
        guard !instruments.isEmpty, instruments.count == amounts.count else { throw PoolDeskError("--instrument and --amount differ in length") }
        let options = ServeBench.ClientOptions(url: "ws://127.0.0.1:\(port)/ws/api/v2", instruments: instruments, amounts: amounts,
                                               seconds: seconds, ticker: mode == "ticker")
        let outcome = ResultBox()
        let finished = DispatchSemaphore(value: 0)
        let count = clients
        Task {
            outcome.set(await ServeBench.drive(count: count, credentials: pairs, options: options))
            finished.signal()
        }
        finished.wait()
        guard let result = outcome.result else { throw PoolDeskError("no result", exitCode: 1) }
        writeStandardOutput(try JSONOutput.text(result) + "\n")
    }
}

/// The child's result, handed from its task to its main thread (the semaphore orders the write and the read).
final class ResultBox: @unchecked Sendable {
    private(set) var result: ServeBench.ClientResult?
    func set(_ result: ServeBench.ClientResult) { self.result = result }
}

/// The parts of `bench serve`.
enum ServeBench {
    /// The pool to serve: a new journal with one funded trader per client, their credentials (client id and
    /// secret pairs in a 0600 file for the child), and the instrument they trade.
    struct Pool {
        var path: String
        var engine: Engine
        var credentials: CredentialStore
        var credentialsFile: String
        /// Comma-separated instruments the clients trade (client i trades the i-th, round robin; the first carries the
        /// ticker run) and their order sizes (each market's smallest).
        var instrument: String
        var amount: String
        var tickerInstrument: String { String(instrument.prefix { $0 != "," }) }
    }

    static func makePool(folder: URL, accounts: Int, bots: Int, quiet: Bool) throws -> (Pool, SessionJournal) {
        let path = folder.appendingPathComponent("bench.sqlite").path
        let (journal, scenario) = try SessionJournal.create(
            at: path, parameters: SessionParameters(seed: SimCommand.defaultSeed, participants: ParticipantConfiguration(count: bots)),
            createdBy: "pooldesk bench serve")
        var engine = scenario.engine
        // The accounts are opened as `accounts add` opens them, journaled in one transaction.
        var ids: [AccountID] = []
        for number in 0..<accounts {
            let command = EngineCommand.openAccount(name: "bench-\(number)", role: .trader, funding: Money(100_000))
            let events = engine.apply(command)
            for case .accountOpened(let id, _, _, _) in events.map(\.payload) { ids.append(id) }
            try journal.stage(command, events: events, engine: engine)
        }
        guard ids.count == accounts else { throw PoolDeskError("the pool refused to open \(accounts) accounts", exitCode: 1) }
        let batch = try journal.takeBatch(engine: engine, snapshotIfDue: false)
        try journal.batchWriter.write(batch)
        journal.didWrite(batch)
        if !quiet { writeStandardOutput("  issuing \(accounts) credentials (scrypt, on both cores)…\n") }
        let (store, pairs) = try issueCredentials(ids)
        let file = folder.appendingPathComponent("bench-secrets.json").path
        guard FileManager.default.createFile(atPath: file, contents: try JSONEncoder().encode(pairs), attributes: [.posixPermissions: 0o600]) else {
            throw PoolDeskError("cannot write \(file)", exitCode: 1)
        }
        // The at-the-money call and put of every board of both markets that stays tradable for a simulated day (the
        // whole run): clients spread over them, so no one board's IV runs into its circuit breaker.
        var names: [String] = [], amounts: [String] = []
        for market in engine.markets.indices {
            let boards = engine.liveBoards(market: MarketID(market)).filter { engine.time + .hours(24) < $0.tradingCutoff(engine.configuration.amm) }
            for board in boards.sorted(by: { $0.expiry > $1.expiry }) {
                for kind in [OptionKind.call, .put] {
                    names.append(engine.series[board.series(kind, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[market].spot)).index].name)
                    amounts.append(engine.configuration.markets[market].minimumOrderSize.plainText)
                }
            }
        }
        guard !names.isEmpty else { throw PoolDeskError("no board stays tradable for a day", exitCode: 1) }
        let pool = Pool(path: path, engine: engine, credentials: store, credentialsFile: file,
                        instrument: names.joined(separator: ","), amount: amounts.joined(separator: ","))
        return (pool, journal)
    }

    /// One credential per account, hashed on every core (scrypt is the slow part of the set-up).
    static func issueCredentials(_ accounts: [AccountID]) throws -> (CredentialStore, [[String]]) {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, accounts.count))
        let parts = PartResults(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var store = CredentialStore()
            var pairs: [[String]] = []
            var random = SystemRandomNumberGenerator()
            do {
                for index in stride(from: worker, to: accounts.count, by: workers) {
                    let issued = try store.issue(name: "bench-\(index)", account: accounts[index], role: .trader, using: &random)
                    pairs.append([issued.clientID, issued.secret, String(index)])
                }
                parts.set(worker, .success((store, pairs)))
            } catch {
                parts.set(worker, .failure(PoolDeskError("\(error)", exitCode: 1)))
            }
        }
        // Merged through the store's own coding: the store has no public way to add an already hashed credential.
        var credentials: [Any] = []
        var pairs: [[String]] = []
        for part in parts.values {
            let (store, issued) = try part.get()
            let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(store)) as? [String: Any]
            credentials += object?["credentials"] as? [Any] ?? []
            pairs += issued
        }
        let merged = try JSONDecoder().decode(CredentialStore.self, from: JSONSerialization.data(withJSONObject: ["credentials": credentials]))
        pairs.sort { (Int($0[2]) ?? 0) < (Int($1[2]) ?? 0) }
        return (merged, pairs)
    }

    /// Results of the credential workers, one slot each.
    final class PartResults: @unchecked Sendable {
        // Each worker writes only its own slot; they are read after concurrentPerform returns.
        private(set) var values: [Result<(CredentialStore, [[String]]), PoolDeskError>]
        private let lock = NSLock()
        init(count: Int) { values = Array(repeating: .failure(PoolDeskError("not run", exitCode: 1)), count: count) }
        func set(_ index: Int, _ value: Result<(CredentialStore, [[String]]), PoolDeskError>) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }
    }

    /// The real server on an ephemeral loopback port, run by a service group on the cooperative pool.
    final class Server: Sendable {
        let port: Int
        private let group: ServiceGroup
        private let finished = DispatchSemaphore(value: 0)
        private let outcome = Outcome()

        init(sequencer: PoolSequencer, logger: Logger) throws {
            let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
            // The request budget is lifted and every client's login may queue: the figures are the server's, not its limits'.
            var options = ServerOptions()
            options.creditCapacity = 1e12
            options.creditsPerSecond = 1e12
            options.queuedSecretChecks = 100_000
            let app = PoolServer.application(
                sequencer: sequencer, host: "127.0.0.1", port: 0, options: options, logger: logger, onRunning: { port in portSink.yield(port) })
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
            let portBox = PortBox()
            let ready = DispatchSemaphore(value: 0)
            Task {
                var iterator = ports.makeAsyncIterator()
                portBox.port = await iterator.next() ?? 0
                ready.signal()
            }
            Task { [finished, outcome] in
                do { try await group.run() } catch { outcome.set(error) }
                portSink.finish()
                finished.signal()
            }
            ready.wait()
            self.group = group
            port = portBox.port
            guard port > 0 else { throw PoolDeskError("the server did not start: \(outcome.error.map { "\($0)" } ?? "no port")", exitCode: 1) }
        }

        /// Graceful shutdown, as SIGTERM: stop listening, answer what is in flight, close the journal.
        func stop() throws {
            Task { [group] in await group.triggerGracefulShutdown() }
            finished.wait()
            if let error = outcome.error { throw PoolDeskError("server: \(error)", exitCode: 1) }
        }
    }

    final class PortBox: @unchecked Sendable {
        // Written once before the `ready` semaphore is signalled, read after the wait.
        var port = 0
    }

    /// One run of the child: its result, the server's CPU (cores busy on average, from this process's
    /// `getrusage` between the child's `start` and its result) and the mean commands per group commit.
    struct Run {
        var result: ClientResult
        var serverCPU: Double
        var groupSize: Double
    }

    static func runClients(mode: String, count: Int, port: Int, credentials: String, instrument: String, amount: String,
                           seconds: Double, sequencer: PoolSequencer) throws -> Run {
        guard let executable = Bundle.main.executableURL else { throw PoolDeskError("cannot find this executable", exitCode: 1) }
        let child = Process()
        child.executableURL = executable
        child.arguments = ["bench", "serve-clients", "--port", "\(port)", "--credentials", credentials, "--instrument", instrument,
                           "--amount", amount, "--clients", "\(count)", "--seconds", "\(seconds)", "--mode", mode]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        var buffer = Data()
        var startCPU: Double?, startWall = 0.0
        var startStats = (groups: 0, commands: 0)
        var resultLine: String?
        reading: while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line == "start" {
                    startCPU = processCPUSeconds()
                    startWall = monotonicSeconds()
                    startStats = statistics(sequencer)
                } else if line.hasPrefix("{") {
                    resultLine = line
                    break reading
                }
            }
        }
        let endCPU = processCPUSeconds(), endWall = monotonicSeconds()
        let endStats = statistics(sequencer)
        child.waitUntilExit()
        guard let resultLine, let startCPU,
              let result = try? JSONDecoder().decode(ClientResult.self, from: Data(resultLine.utf8)) else {
            throw PoolDeskError("the client process failed (status \(child.terminationStatus))", exitCode: 1)
        }
        let commands = endStats.commands - startStats.commands, groups = endStats.groups - startStats.groups
        return Run(result: result, serverCPU: (endCPU - startCPU) / max(endWall - startWall, 1e-9),
                   groupSize: groups > 0 ? Double(commands) / Double(groups) : 0)
    }

    static func statistics(_ sequencer: PoolSequencer) -> (groups: Int, commands: Int) {
        let box = StatisticsBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = (await sequencer.groupsCommitted, await sequencer.commandsCommitted)
            done.signal()
        }
        done.wait()
        return box.value
    }

    final class StatisticsBox: @unchecked Sendable {
        // Written before the semaphore is signalled, read after the wait.
        var value = (groups: 0, commands: 0)
    }

    /// User plus system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// A thousand sockets each side: the soft descriptor limit goes up to the hard one.
    static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    // MARK: - Clients (the child process)

    struct ClientOptions: Sendable {
        var url: String
        var instruments: [String]
        var amounts: [String]
        var seconds: Double
        var ticker: Bool
        /// Seconds at the start of a ticker run whose notifications are not counted.
        var tickerWarmUp: Double { ticker ? min(1, seconds / 2) : 0 }
    }

    /// What the clients saw: replies in the timed window (filled, refused by the pool, other errors), their latency
    /// percentiles in milliseconds, and ticker notifications received.
    struct ClientResult: Codable, Sendable {
        var clients: Int
        var connected: Int
        var seconds: Double
        var replies: Int
        var filled: Int
        var refused: Int
        var errors: Int
        var p50: Double
        var p99: Double
        var p999: Double
        var notifications: Int
        /// CPU time of the client process over the window, in cores.
        var clientCPU: Double
        /// The pool's reasons for refused orders (its typed `data.reason`), with how many.
        var refusals: [String: Int]
    }

    /// Per-client tallies.
    struct Tally: Sendable {
        var connected = false
        var latencies: [Double] = []
        var filled = 0
        var refused = 0
        var errors = 0
        var notifications = 0
        var refusals: [String: Int] = [:]
    }

    /// Lets every client start the timed window together, once all have connected (or failed to).
    actor StartLine {
        private let expected: Int
        private var arrived = 0
        private var waiting: [CheckedContinuation<Void, Never>] = []
        private(set) var startedAt = 0.0
        private(set) var startedCPU = 0.0

        init(expected: Int) { self.expected = expected }

        /// Called once per client, connected or not; returns when every client has called it.
        func arrive() async {
            arrived += 1
            if arrived == expected {
                startedAt = monotonicSeconds()
                startedCPU = processCPUSeconds()
                writeStandardOutput("start\n")
                for waiter in waiting { waiter.resume() }
                waiting.removeAll()
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    static func drive(count: Int, credentials: [[String]], options: ClientOptions) async -> ClientResult {
        let start = StartLine(expected: count)
        let tallies = await withTaskGroup(of: Tally.self) { group in
            for index in 0..<count {
                let pair = options.ticker ? nil : credentials[index]
                group.addTask { await client(index: index, credential: pair, options: options, start: start) }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        let elapsed = monotonicSeconds() - (await start.startedAt)
        let cpu = processCPUSeconds() - (await start.startedCPU)
        let latencies = tallies.flatMap(\.latencies).sorted()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.down)))] * 1000
        }
        return ClientResult(
            clients: count, connected: tallies.filter(\.connected).count, seconds: elapsed - options.tickerWarmUp,
            replies: latencies.count, filled: tallies.reduce(0) { $0 + $1.filled }, refused: tallies.reduce(0) { $0 + $1.refused },
            errors: tallies.reduce(0) { $0 + $1.errors }, p50: percentile(0.5), p99: percentile(0.99), p999: percentile(0.999),
            notifications: tallies.reduce(0) { $0 + $1.notifications }, clientCPU: cpu / max(elapsed, 1e-9),
            refusals: tallies.reduce(into: [:]) { all, tally in all.merge(tally.refusals, uniquingKeysWith: +) })
    }

    /// One client: authenticate (orders) or subscribe (ticker), wait for the start line, then run for the window.
    static func client(index: Int, credential: [String]?, options: ClientOptions, start: StartLine) async -> Tally {
        let box = TallyBox()
        do {
            var logger = Logger(label: "pooldesk.bench.client")
            logger.logLevel = .critical
            try await WebSocketClient.connect(url: options.url, logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func nextText() async throws -> String? {
                    while let message = try await messages.next() {
                        if case .text(let text) = message { return text }
                    }
                    return nil
                }
                var tally = Tally()
                if let credential, credential.count >= 2 {
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(credential[0])","client_secret":"\#(credential[1])"}}"#))
                    guard let reply = try await nextText(), reply.contains("\"access_token\"") else { return }
                } else {
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/subscribe","params":{"channels":["ticker.\#(options.instruments[0]).100ms"]}}"#))
                    guard let reply = try await nextText(), reply.contains("\"result\"") else { return }
                }
                tally.connected = true
                box.arrived = true
                await start.arrive()
                let deadline = monotonicSeconds() + options.seconds
                if options.ticker {
                    // Each frame holds one notification; the reader stops at the deadline's next frame. The first
                    // `tickerWarmUp` seconds are not counted: they deliver what was buffered while others connected.
                    let counted = monotonicSeconds() + options.tickerWarmUp
                    while monotonicSeconds() < deadline, let text = try await nextText() {
                        if text.contains("\"subscription\""), monotonicSeconds() >= counted { tally.notifications += 1 }
                    }
                } else {
                    // Round robin over the instruments; half the clients start with a sell, so the pool's net flow
                    // stays near zero and every order is one the pool accepts.
                    let instrument = options.instruments[index % options.instruments.count]
                    let amount = options.amounts[index % options.amounts.count]
                    var id = 2
                    while monotonicSeconds() < deadline {
                        let method = (id + index) % 2 == 0 ? "private/buy" : "private/sell"
                        let sent = monotonicSeconds()
                        try await outbound.write(.text(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{"instrument_name":"\#(instrument)","amount":\#(amount),"type":"market"}}"#))
                        guard let reply = try await nextText() else { break }
                        tally.latencies.append(monotonicSeconds() - sent)
                        // Light checks rather than a JSON parse: the client's CPU is the server's competition here.
                        if reply.contains("\"order_state\":\"filled\"") {
                            tally.filled += 1
                        } else if reply.contains("\"code\":12") {
                            tally.refused += 1
                            let reason = reply.range(of: "\"reason\":\"").map { reply[$0.upperBound...].prefix { $0 != "\"" } } ?? "?"
                            tally.refusals[String(reason), default: 0] += 1
                        } else {
                            tally.errors += 1
                        }
                        id += 1
                    }
                }
                box.tally = tally
                try await outbound.close(.normalClosure, reason: nil)
            }
        } catch {
            // Counted as not connected (or as the replies it got before the failure).
        }
        if !box.arrived { await start.arrive() }
        return box.tally
    }

    /// A client's tally, carried out of its connection handler.
    final class TallyBox: @unchecked Sendable {
        // Written inside the handler, read after `connect` returns.
        var tally = Tally()
        var arrived = false
    }
}

import ArgumentParser
import Dispatch
import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine

/// `pooldesk serve`: runs the pool authoritatively and serves Deribit-style JSON-RPC over WebSocket and HTTP.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the pool over a Deribit-style JSON-RPC API (WebSocket /ws/api/v2, HTTP /api/v2).",
        discussion: "Runs the simulated pool with its own clock and journals every accepted command like the embedded desk. "
            + "Credentials come from `pooldesk accounts add` (PATH.credentials.json beside the journal); accounts added or "
            + "revoked while it runs take effect within a second. Loopback by default; with --tls-cert and --tls-key it "
            + "serves https and wss only."
    )

    static let defaultListen = "127.0.0.1:8750"
    /// `--max-connections` and `--max-connections-per-ip` accept 1 to this.
    static let connectionLimitRange = 1...100_000

    @Option(help: "Address to listen on, HOST:PORT (default \(ServeCommand.defaultListen); port 0 picks a free one).")
    var listen: String = ServeCommand.defaultListen

    @Option(help: "Journal file; an existing one is resumed (default: a new session under $XDG_DATA_HOME/pooldesk/sessions).")
    var journal: String?

    @Option(help: "Seed of a new session's market (default 1). New journals only.")
    var seed: UInt64?

    @Option(help: "Simulated seconds per wall second (\(SessionLimits.text(SessionLimits.speed)), default 60).")
    var speed: Double = 60

    @Option(help: "Number of simulated participants (\(SessionLimits.text(SessionLimits.participants)), default 20). New journals only.")
    var bots: Int?

    @Option(help: "Configuration file (TOML; see `pooldesk config --default`) for a new session; --bots overrides its participant count. An existing journal must have been started with the same configuration.")
    var config: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain (leaf first): serve https and wss. Needs --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted). Needs --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("max-connections"),
            help: "Open connections at most, HTTP and WebSocket (\(SessionLimits.text(ServeCommand.connectionLimitRange)), default 1024); more are answered 503.")
    var maxConnections: Int = 1_024

    @Option(name: .customLong("max-connections-per-ip"),
            help: "Open connections from one IP address at most (\(SessionLimits.text(ServeCommand.connectionLimitRange)), default 64; loopback clients exempt).")
    var maxConnectionsPerIP: Int = 64

    @OptionGroup var priceOptions: PriceOptions

    @Option(name: .customLong("log-level"), help: "Least severe log level written to stderr: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String = "info"

    init() {}

    func validate() throws {
        _ = try address()
        try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed")
        if let bots { try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots") }
        try FlagLimits.check(maxConnections, in: Self.connectionLimitRange, flag: "--max-connections")
        try FlagLimits.check(maxConnectionsPerIP, in: Self.connectionLimitRange, flag: "--max-connections-per-ip")
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both or neither")
        }
        _ = try level()
    }

    /// Refuses `--seed` or `--bots` that differ from the existing session's, which they could not change (a resumed
    /// session keeps its own), as the dashboard does. Read without opening the journal for writing.
    func checkNewSessionFlags(path: String) throws {
        guard seed != nil || bots != nil, FileManager.default.fileExists(atPath: path) else { return }
        let parameters: SessionParameters
        do {
            parameters = try JournalReader.session(queue: JournalReader.openReadOnly(path: path), path: path).parameters
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        if let seed, seed != parameters.seed {
            throw PoolDeskError("--seed applies only to new sessions, and \(path) holds seed \(parameters.seed); leave --seed out or choose another --journal path")
        }
        if let bots, bots != parameters.participants.count {
            throw PoolDeskError("--bots applies only to new sessions, and \(path) holds \(parameters.participants.count) bots; leave --bots out or choose another --journal path")
        }
    }

    /// `--listen` as host and port, or a one-line reason it is not usable.
    func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("malformed --listen '\(listen)': use HOST:PORT, e.g. 127.0.0.1:8750")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("malformed --listen '\(listen)': the host is missing") }
        return (host, port)
    }

    func level() throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("unknown --log-level '\(logLevel)': use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func run() throws {
        let (host, port) = try address()
        var logger = Logger(label: "pooldesk.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = try level()
        // Checked before anything is opened or bound: a bad file is one line and exit 2.
        var tls: ServerTLS?
        if let tlsCert, let tlsKey {
            do {
                tls = try ServerTLS.load(certificatePath: tlsCert, keyPath: tlsKey)
            } catch {
                throw PoolDeskError(error.description)
            }
        }
        let path = journal ?? SessionLocation.newPath(seed: seed ?? SimCommand.defaultSeed)
        try checkNewSessionFlags(path: path)
        if priceOptions.isGiven, FileManager.default.fileExists(atPath: path) {
            throw PoolDeskError("--prices applies only to new sessions, and \(path) already holds one (with its own recorded prices, if any); choose another --journal path")
        }
        var settings = try SessionConfigOption.settings(path: config)
        settings.participants.count = bots ?? settings.participants.count
        if let config, FileManager.default.fileExists(atPath: path) {
            try SessionConfigOption.refuseIfDifferent(config: config, requested: settings, existing: path)
        }
        if priceOptions.isGiven {
            let applied = try priceOptions.sources().apply(to: settings.configuration)
            settings.configuration = applied.configuration
            for warning in applied.warnings { logger.warning("\(warning)") }
        }
        if !Self.isLoopback(host) && tls == nil {
            writeStandardError("pooldesk serve: warning: listening on \(host), not loopback, without TLS (--tls-cert, --tls-key): tokens and secrets cross the network in clear\n")
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let credentials: CredentialStore
        do {
            credentials = try CredentialFile.load(path: CredentialFile.path(forJournal: path))
        } catch {
            throw PoolDeskError("\(error)")
        }
        let session = try JournalOpening.openOrCreate(
            path: path,
            parameters: SessionParameters(seed: seed ?? SimCommand.defaultSeed, configuration: settings.configuration, participants: settings.participants),
            createdBy: "pooldesk serve")
        if journal == nil { SessionLocation.remember(path) }
        logger.info("\(session.note)")
        if let end = session.engine.configuration.markets.compactMap({ $0.history?.bars.end }).min() {
            // The sequencer's clock runs on past the data; recorded markets then hold their last close.
            logger.notice("recorded prices end at \(end); after that the recorded markets hold their last close (history ended)")
        }
        let sequencer = PoolSequencer(engine: session.engine, journal: session.journal, credentials: credentials, speed: speed, logger: logger)
        var options = ServerOptions()
        options.tls = tls
        options.maximumConnections = maxConnections
        options.maximumConnectionsPerAddress = maxConnectionsPerIP
        options.credentialsPath = CredentialFile.path(forJournal: path)
        let secure = tls != nil
        let app = PoolServer.application(sequencer: sequencer, host: host, port: port, options: options, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            let (http, ws) = secure ? ("https", "wss") : ("http", "ws")
            writeStandardOutput("pooldesk serve: listening on \(http)://\(shown):\(bound) and \(ws)://\(shown):\(bound)/ws/api/v2 (journal \(path))\n")
        }
        // The commands are synchronous (ParsableCommand); the server runs on the cooperative pool while this thread
        // waits. runService installs the SIGTERM/SIGINT handlers that start a graceful shutdown.
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Task {
            do { try await app.runService() } catch { outcome.set(error) }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.error { throw PoolDeskError("serve stopped: \(error)", exitCode: 1) }
    }
}

/// The server task's failure, handed back to the waiting thread.
final class Outcome: @unchecked Sendable {
    // Written once by the server task before the semaphore is signalled, read after the wait: the semaphore orders them.
    private(set) var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}

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
            + "Credentials come from `pooldesk accounts add` (PATH.credentials.json beside the journal), read once at start. "
            + "No TLS yet: bind loopback, or put a TLS proxy in front."
    )

    static let defaultListen = "127.0.0.1:8750"

    @Option(help: "Address to listen on, HOST:PORT (default \(ServeCommand.defaultListen); port 0 picks a free one).")
    var listen: String = ServeCommand.defaultListen

    @Option(help: "Journal file; an existing one is resumed (default: a new session under $XDG_DATA_HOME/pooldesk/sessions).")
    var journal: String?

    @Option(help: "Seed of a new session's market (default 1). New journals only.")
    var seed: UInt64 = SimCommand.defaultSeed

    @Option(help: "Simulated seconds per wall second (\(SessionLimits.text(SessionLimits.speed)), default 60).")
    var speed: Double = 60

    @Option(help: "Number of simulated participants (\(SessionLimits.text(SessionLimits.participants)), default 20). New journals only.")
    var bots: Int = SimCommand.defaultBots

    @Option(name: .customLong("log-level"), help: "Least severe log level written to stderr: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String = "info"

    init() {}

    func validate() throws {
        _ = try address()
        try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed")
        try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots")
        _ = try level()
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
        if !Self.isLoopback(host) {
            writeStandardError("pooldesk serve: warning: listening on \(host), not loopback, without TLS (not supported yet): tokens and secrets cross the network in clear\n")
        }
        let path = journal ?? SessionLocation.newPath(seed: seed)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let credentials: CredentialStore
        do {
            credentials = try CredentialFile.load(path: CredentialFile.path(forJournal: path))
        } catch {
            throw PoolDeskError("\(error)")
        }
        let session = try JournalOpening.openOrCreate(
            path: path, parameters: SessionParameters(seed: seed, participants: ParticipantConfiguration(count: bots)), createdBy: "pooldesk serve")
        if journal == nil { SessionLocation.remember(path) }
        logger.info("\(session.note)")
        let sequencer = PoolSequencer(engine: session.engine, journal: session.journal, credentials: credentials, speed: speed, logger: logger)
        let app = PoolServer.application(sequencer: sequencer, host: host, port: port, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            writeStandardOutput("pooldesk serve: listening on http://\(shown):\(bound) (journal \(path))\n")
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

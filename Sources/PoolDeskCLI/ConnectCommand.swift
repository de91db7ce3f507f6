import ArgumentParser
import Foundation
import NIOSSL
import PoolDeskAPI
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// `pooldesk connect URL`: the dashboard against a served pool (`pooldesk serve`), as a trader or a monitor.
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Open the dashboard on a served pool (pooldesk serve): trade with credentials, or watch without.",
        discussion: """
            URL is ws://HOST:PORT or wss://HOST:PORT (the API path /ws/api/v2 is implied). Credentials: --credentials FILE \
            (the `client_id …`/`client_secret …` lines `pooldesk accounts add` prints, or JSON), or --client-id with the \
            secret in POOLDESK_CLIENT_SECRET (POOLDESK_CLIENT_ID works too). --client-secret also works but shows in `ps`. \
            Without credentials, or with --read-only, the dashboard is a monitor: everything visible, order keys off.
            """
    )

    @Argument(help: "The server: ws://HOST:PORT or wss://HOST:PORT.")
    var url: String

    @Option(name: .customLong("client-id"), help: "The account's client id (or POOLDESK_CLIENT_ID).")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "The secret (visible to other users in `ps`: prefer POOLDESK_CLIENT_SECRET or --credentials).")
    var clientSecret: String?

    @Option(help: "A file holding client_id and client_secret (as `pooldesk accounts add` prints them, or JSON).")
    var credentials: String?

    @Flag(name: .customLong("read-only"), help: "Watch only: order keys off even with credentials.")
    var readOnly = false

    @Option(help: "Theme name (see `pooldesk themes`) or path to a .toml file.")
    var theme: String = "default"

    @Flag(help: "ASCII borders and charts instead of Unicode.")
    var ascii = false

    @Option(help: "Frame-rate cap (\(SessionLimits.text(SessionLimits.framesPerSecond))).")
    var fps: Int = 20

    @Option(help: "Price protection: the worst total an order accepts, as a percentage past its preview (0%–50%, default 1%).")
    var slippage: String = "1%"

    @Option(name: .customLong("ca-file"), help: "PEM certificates to trust for wss:// besides the system's (a self-signed server, a private CA).")
    var caFile: String?

    @Option(help: "Seconds to wait for the server before giving up (1–120, default 10).")
    var timeout: Double = 10

    init() {}

    func validate() throws {
        try FlagLimits.check(fps, in: SessionLimits.framesPerSecond, flag: "--fps")
        try FlagLimits.check(timeout, in: 1...120, flag: "--timeout")
        guard let tolerance = CommandLineParser.parsePercent(slippage), DashboardState.slippageRange.contains(tolerance) else {
            throw ValidationError("--slippage must be a percentage within 0%–50%, got \(slippage)")
        }
        let address = try ServerAddress.parse(url)
        if caFile != nil && !address.secure { throw ValidationError("--ca-file applies to wss:// servers only") }
    }

    /// The TLS configuration for `--ca-file` (nil: the system's trusted roots), or a one-line reason it cannot be used.
    static func tls(caFile: String?) throws -> TLSConfiguration? {
        guard let caFile else { return nil }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw PoolDeskError("--ca-file \(caFile): not a readable PEM certificate file")
        }
        guard !certificates.isEmpty else { throw PoolDeskError("--ca-file \(caFile): holds no certificate") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(certificates)
        return configuration
    }

    func run() throws {
        let environment = ProcessEnvironment.current
        let address = try ServerAddress.parse(url)
        let credentials = try ClientCredentialSource.resolve(clientID: clientID, clientSecret: clientSecret, file: credentials,
                                                            environment: environment)
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        let logger = SessionLog.open(environment: environment)
        logger.info("connect: \(address.webSocketURL) as \(credentials?.clientID ?? "monitor") read-only=\(readOnly)")
        let tls = try Self.tls(caFile: caFile)
        let link = RemotePoolLink(url: address.webSocketURL, displayName: address.display, credentials: credentials, logger: logger,
                                  tlsConfiguration: tls)
        link.start()
        // Everything that can be wrong before the screen opens is one line and exit 2.
        if let failure = link.waitUntilReady(timeout: timeout) {
            link.stop()
            throw PoolDeskError(failure)
        }
        let messages = link.drain()
        guard let snapshot = messages.lazy.compactMap({ if case .snapshot(let s) = $0 { s } else { nil } }).last else {
            link.stop()
            throw PoolDeskError("\(address.display) sent no pool state")
        }
        let status = ConnectionStatus(server: address.display, account: nil, phase: .synchronising, serverSpeed: snapshot.speed)
        let driver = RemoteDeskDriver(snapshot: snapshot, link: link, status: status, logger: logger)
        var ignored: [EngineEvent] = []
        for message in messages { driver.take(message, into: &ignored) }
        if credentials != nil && driver.account == nil {
            link.stop()
            throw PoolDeskError("\(address.display) accepted the credentials but did not say which account they open")
        }
        // Checked after the server answered, so `connect` without a terminal still tests the URL and the credentials.
        do {
            try DeskTerminal.requireInteractiveTerminal()
        } catch {
            link.stop()
            throw error
        }
        // Without credentials, with --read-only, or with a viewer's credential (it may read but never trade).
        let monitor = readOnly || driver.account == nil || !driver.mayTrade
        var state = DashboardState(
            deskAccount: driver.account?.id ?? RemoteDeskDriver.monitorAccount, marketCount: driver.engine.markets.count,
            readOnly: monitor, themeName: loadedTheme.name, availableThemes: catalog.list().map(\.name),
            slippage: CommandLineParser.parsePercent(slippage) ?? 0.01, connection: driver.status)
        for notice in driver.pendingNotices() { _ = DashboardReducer.reduce(&state, action: notice, engine: driver.engine) }
        let who = driver.account.map { "as \($0.name)\(driver.mayTrade ? "" : " (viewer: reads, never trades)")" } ?? "as a monitor (no credentials)"
        _ = DashboardReducer.reduce(&state, action: .notice(StatusMessage(
            "connected to \(address.display) \(who)\(monitor ? " · order keys off" : " · b buys the selected series") · ? shows every key",
            role: .info)), engine: driver.engine)
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        let loop = DeskRunLoop(state: state, driver: driver, terminal: terminal, clock: ContinuousClock(), framesPerSecond: fps,
                               logger: logger, shouldStop: { TerminalSignals.pendingTermination })
        loop.run()
        terminal.screen.restore()
        link.stop()
        logger.info("connect stopped")
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }
}

extension RemoteDeskDriver {
    /// The desk account of a monitor: no account has it, so no position or balance is shown as "yours".
    static let monitorAccount = AccountID(Int.max)
}

/// A server address as `connect` takes it: `ws://host:port`, `wss://host:port` (http/https accepted as aliases),
/// or `host:port`; the API path `/ws/api/v2` is implied.
struct ServerAddress: Hashable {
    var webSocketURL: String
    /// `host:port` for the header and messages.
    var display: String
    var secure: Bool

    static func parse(_ text: String) throws -> ServerAddress {
        let bad = ValidationError("malformed URL '\(text)': use ws://HOST:PORT or wss://HOST:PORT")
        var raw = text.trimmingCharacters(in: .whitespaces)
        if !raw.contains("://") { raw = "ws://" + raw }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else { throw bad }
        let secure: Bool
        switch scheme {
        case "ws", "http": secure = false
        case "wss", "https": secure = true
        default: throw ValidationError("unsupported scheme '\(scheme)' in '\(text)': use ws:// or wss://")
        }
        if let port = components.port, !(1...65_535).contains(port) { throw bad }
        guard components.query == nil, components.fragment == nil, components.user == nil else { throw bad }
        let path = components.path.isEmpty || components.path == "/" ? "/ws/api/v2" : components.path
        guard path == "/ws/api/v2" else { throw ValidationError("'\(text)': the API lives at /ws/api/v2; give the server as ws://HOST:PORT") }
        // TLS names the server it checks (SNI), and an IP address cannot be one: wss:// needs the certificate's name.
        if secure, host.contains(":") || host.split(separator: ".").allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            throw ValidationError("wss:// needs the server's host name as its certificate names it (e.g. wss://localhost:PORT), not an IP address")
        }
        let port = components.port ?? (secure ? 443 : 8750)
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return ServerAddress(webSocketURL: "\(secure ? "wss" : "ws")://\(hostText):\(port)\(path)", display: "\(hostText):\(port)", secure: secure)
    }
}

/// Where `connect` finds its credentials: flags, the environment, or a file — and never a secret without an id.
enum ClientCredentialSource {
    static func resolve(clientID: String?, clientSecret: String?, file: String?, environment: [String: String]) throws -> ClientCredentials? {
        var id = clientID ?? environment["POOLDESK_CLIENT_ID"].flatMap { $0.isEmpty ? nil : $0 }
        var secret = clientSecret ?? environment["POOLDESK_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let file {
            let stored = try read(file)
            id = id ?? stored.clientID
            secret = secret ?? stored.clientSecret
        }
        switch (id, secret) {
        case (nil, nil): return nil
        case (let id?, let secret?): return ClientCredentials(clientID: id, clientSecret: secret)
        case (_?, nil): throw PoolDeskError("--client-id needs its secret: set POOLDESK_CLIENT_SECRET, or give --credentials FILE")
        case (nil, _?): throw PoolDeskError("a client secret without a client id: give --client-id (or POOLDESK_CLIENT_ID)")
        }
    }

    /// Reads `client_id X` / `client_secret Y` lines (also `key=value` or `key: value`), or a JSON object with those keys.
    static func read(_ path: String) throws -> (clientID: String?, clientSecret: String?) {
        guard let data = FileManager.default.contents(atPath: path), data.count < 65_536 else {
            throw PoolDeskError("cannot read credentials file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw PoolDeskError("\(path): not valid JSON (expected {\"client_id\": …, \"client_secret\": …})")
            }
            func string(_ key: String) -> String? { if case .string(let value)? = fields[key] { value } else { nil } }
            return (string("client_id"), string("client_secret"))
        }
        var id: String?
        var secret: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for key in ["client_id", "client_secret"] where trimmed.hasPrefix(key) {
                let rest = trimmed.dropFirst(key.count).trimmingCharacters(in: CharacterSet(charactersIn: " \t=:"))
                guard !rest.isEmpty, !rest.contains(" ") else { continue }
                if key == "client_id" { id = rest } else { secret = rest }
            }
        }
        guard id != nil || secret != nil else {
            throw PoolDeskError("\(path) holds no client_id or client_secret line")
        }
        return (id, secret)
    }
}

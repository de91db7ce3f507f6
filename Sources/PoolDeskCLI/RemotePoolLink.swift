import Foundation
import HummingbirdWSClient
import Logging
import NIOSSL
import PoolDeskAPI
import PoolDeskUI
import PoolEngine
import Synchronization

/// What the link hands to the dashboard's driver, in arrival order.
enum LinkMessage: Sendable {
    /// A whole engine to start (or restart) the replica from.
    case snapshot(ReplicaSnapshot)
    /// Steps published by the server (`pool.replica`).
    case entries(serverID: String, [ReplicaEntry])
    /// The steps after the replica's sequence, in answer to `public/get_replica`.
    case catchUp(serverID: String, [ReplicaEntry])
    /// The authenticated account (from `private/get_account_summary`).
    case account(id: AccountID, name: String)
    /// What the token may do, from `public/auth`'s `scope`: false for a viewer (`trade:read`), whose dashboard is a
    /// monitor.
    case mayTrade(Bool)
    /// The server's answer to an order sent with `label`.
    case orderReply(label: String, Result<JSONValue, APIError>)
    /// The server's answer to `private/get_order_state_by_label` for `label`.
    case labelState(label: String, Result<JSONValue, APIError>)
    case phase(ConnectionStatus.Phase)
    case roundTrip(milliseconds: Double)
    /// A problem retrying cannot fix (credentials refused, another protocol version): one line.
    case fatal(String)
}

/// Client credentials for `public/auth` (`client_credentials` grant).
struct ClientCredentials: Sendable, Hashable {
    var clientID: String
    var clientSecret: String
}

/// `pooldesk connect`'s network side: one WebSocket to the server at a time, opened again with backoff whenever it
/// drops, that authenticates, subscribes to `pool.replica`, asks for the replica and passes everything on as
/// ``LinkMessage``s. It runs on the cooperative pool; the dashboard's run loop (a plain thread) drains it each frame.
final class RemotePoolLink: Sendable {
    /// The WebSocket URL (`ws://host:port/ws/api/v2`).
    let url: String
    /// How the header names the server.
    let displayName: String
    let credentials: ClientCredentials?
    let logger: Logger
    /// TLS for `wss://` (nil: the system's trusted roots).
    let tlsConfiguration: TLSConfiguration?

    /// A silent server for this long is a lost connection (the link pings twice a second, so the DISCONNECTED badge
    /// shows within two seconds). Tests on a loaded machine pass a longer one.
    let silenceLimit: Double
    static let defaultSilenceLimit = 1.5
    static let pingInterval = Duration.milliseconds(500)
    /// Reconnection backoff: 0.25 s doubling to at most 5 s.
    static func backoff(attempt: Int) -> Double { min(5, 0.25 * pow(2, Double(min(attempt, 8)))) }
    /// Largest message accepted from the server (a snapshot of a busy pool is a few MB).
    static let maximumMessageBytes = 64 << 20

    private struct Shared {
        var inbox: [LinkMessage] = []
        var outgoing: AsyncStream<String>.Continuation?
        var nextID = 1
        var pending: [Int: Purpose] = [:]
        var stopped = false
        var task: Task<Void, Never>?
        /// Where the replica stands, for a catch-up instead of a snapshot after a reconnection.
        var resume: (serverID: String, sequence: Int64)?
        var lastHeard = 0.0
        var everReady = false
        var firstFailure: String?
    }

    private enum Purpose: Sendable {
        case auth, summary, subscribe, replica, other
        case ping(sentAt: Double)
        case order(label: String)
        case labelQuery(label: String)
    }

    private let shared = Mutex(Shared())

    init(url: String, displayName: String, credentials: ClientCredentials?, logger: Logger, silenceLimit: Double = RemotePoolLink.defaultSilenceLimit,
         tlsConfiguration: TLSConfiguration? = nil) {
        self.silenceLimit = silenceLimit
        self.tlsConfiguration = tlsConfiguration
        self.url = url
        self.displayName = displayName
        self.credentials = credentials
        self.logger = logger
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    // MARK: - The dashboard's side (any thread)

    /// Starts connecting (and reconnecting until ``stop()``).
    func start() {
        let task = Task { [self] in await self.run() }
        shared.withLock { $0.task = task }
    }

    /// Stops reconnecting and closes the connection.
    func stop() {
        let task = shared.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            state.outgoing?.finish()
            return state.task
        }
        task?.cancel()
    }

    /// Everything received since the last call, oldest first.
    func drain() -> [LinkMessage] {
        shared.withLock { state in
            defer { state.inbox.removeAll(keepingCapacity: true) }
            return state.inbox
        }
    }

    /// Records where the replica stands, so the next connection asks only for what it missed.
    func setResumePoint(serverID: String, sequence: Int64) {
        shared.withLock { $0.resume = (serverID, sequence) }
    }

    /// Waits (blocking this thread, at most `timeout` seconds) until the first replica arrived, or the first attempt
    /// failed: nil when ready, else the one-line reason. The messages stay in the inbox for ``drain()``.
    func waitUntilReady(timeout: Double) -> String? {
        let deadline = Self.now() + timeout
        while Self.now() < deadline {
            let (ready, failure) = shared.withLock { ($0.everReady, $0.firstFailure) }
            if ready { return nil }
            if let failure { return failure }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return "no answer from \(displayName) within \(Int(timeout)) s"
    }

    /// Sends a request on the live connection; false when there is none (the caller says so on screen).
    @discardableResult
    func send(_ method: String, _ params: [String: JSONValue]) -> Bool {
        send(method, params, purpose: method == "public/get_replica" ? .replica : .other)
    }

    /// Sends an order request tagged with its `label`; false when there is no live connection (nothing was sent).
    func sendOrder(_ method: String, _ params: [String: JSONValue], label: String) -> Bool {
        send(method, params, purpose: .order(label: label))
    }

    /// Asks the server what became of the order labelled `label` (`private/get_order_state_by_label`).
    func queryLabel(_ label: String, currency: String) -> Bool {
        send("private/get_order_state_by_label", ["currency": .string(currency), "label": .string(label)], purpose: .labelQuery(label: label))
    }

    private func send(_ method: String, _ params: [String: JSONValue], purpose: Purpose) -> Bool {
        shared.withLock { state in
            guard let outgoing = state.outgoing else { return false }
            let id = state.nextID
            state.nextID += 1
            state.pending[id] = purpose
            let request: JSONValue = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": .object(params)]
            if case .terminated = outgoing.yield(request.text) {
                state.pending[id] = nil
                return false
            }
            return true
        }
    }

    private func post(_ message: LinkMessage) {
        shared.withLock { $0.inbox.append(message) }
    }

    // MARK: - The network side

    private func run() async {
        var attempt = 0
        while !shared.withLock({ $0.stopped }) && !Task.isCancelled {
            post(.phase(.synchronising))
            var reason = "connection closed"
            do {
                var configuration = WebSocketClientConfiguration()
                configuration.maxFrameSize = Self.maximumMessageBytes
                // A session ended by silence must not wait long for a close handshake the server may never answer.
                configuration.closeTimeout = .seconds(1)
                let close = try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tlsConfiguration,
                                                              logger: logger) { inbound, outbound, _ in
                    try await self.session(inbound: inbound, outbound: outbound)
                }
                if let close, let text = close.reason, !text.isEmpty { reason = "closed by the server: \(text)" }
            } catch let error as LinkError {
                reason = error.message
            } catch {
                reason = Self.describe(error, url: displayName)
            }
            let ready = shared.withLock { state -> Bool in
                state.outgoing?.finish()
                state.outgoing = nil
                state.pending.removeAll()
                return state.everReady
            }
            if shared.withLock({ $0.stopped }) {
                if ready { post(.phase(.disconnected(reason: reason, retryInSeconds: nil))) }
                break
            }
            if !ready {
                // Before the screen opens, the first failure ends `connect` with one line (exit 2).
                shared.withLock { if $0.firstFailure == nil { $0.firstFailure = reason } }
                break
            }
            attempt += 1
            let wait = Self.backoff(attempt: attempt - 1)
            logger.warning("connection to \(displayName) lost: \(reason); retrying in \(wait) s")
            post(.phase(.disconnected(reason: reason, retryInSeconds: wait)))
            do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch { break }
        }
    }

    /// A reason to end a session, in words.
    struct LinkError: Error {
        var message: String
    }

    private func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (outgoing, continuation) = AsyncStream.makeStream(of: String.self)
        let resume = shared.withLock { state -> (serverID: String, sequence: Int64)? in
            state.outgoing = continuation
            state.pending.removeAll()
            state.lastHeard = Self.now()
            return state.resume
        }
        if let credentials {
            _ = send("public/auth", ["grant_type": "client_credentials", "client_id": .string(credentials.clientID),
                                     "client_secret": .string(credentials.clientSecret)], purpose: .auth)
            _ = send("private/get_account_summary", ["currency": "USD"], purpose: .summary)
        }
        _ = send("public/subscribe", ["channels": [.string(ReplicaProtocol.channelName)]], purpose: .subscribe)
        var replicaParams: [String: JSONValue] = [:]
        if let resume {
            replicaParams = ["server_id": .string(resume.serverID), "since": .number(Double(resume.sequence))]
        }
        _ = send("public/get_replica", replicaParams, purpose: .replica)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in outgoing { try await outbound.write(.text(text)) }
            }
            group.addTask {
                // Pings measure the round trip and prove the line alive; silence past the limit ends the session.
                while !Task.isCancelled {
                    try await Task.sleep(for: Self.pingInterval)
                    let silent = self.shared.withLock { Self.now() - $0.lastHeard }
                    if silent > self.silenceLimit {
                        throw LinkError(message: "no answer from the server for \(Int(silent * 1000)) ms")
                    }
                    _ = self.send("public/test", [:], purpose: .ping(sentAt: Self.now()))
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: Self.maximumMessageBytes) {
                    guard case .text(let text) = message else { continue }
                    try self.receive(text)
                }
                throw LinkError(message: "the server closed the connection")
            }
            // The first task to end (a lost line, a fatal answer) ends the session.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Handles one message from the server; throws to end the session.
    private func receive(_ text: String) throws {
        shared.withLock { $0.lastHeard = Self.now() }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return }
        if case .string(let method)? = value["method"] {
            switch method {
            case "subscription":
                guard value["params"]?["channel"] == .string(ReplicaProtocol.channelName),
                      let data = value["params"]?["data"], case .string(let serverID)? = data["server_id"] else { return }
                switch ReplicaProtocol.entries(from: data["entries"]) {
                case .success(let entries): post(.entries(serverID: serverID, entries))
                case .failure(let reason): throw LinkError(message: "unreadable replica stream: \(reason.message)")
                }
            case "heartbeat":
                // Deribit's heartbeat: a `test_request` must be answered with `public/test`.
                if value["params"]?["type"] == "test_request" { _ = send("public/test", [:], purpose: .other) }
            default: break
            }
            return
        }
        guard case .number(let rawID)? = value["id"], let id = Int(exactly: rawID),
              let purpose = shared.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        let outcome: Result<JSONValue, APIError> = {
            if let error = value["error"] {
                let code = error["code"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? -32603
                let message = error["message"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "error"
                return .failure(APIError(code, message, data: error["data"]))
            }
            return .success(value["result"] ?? .null)
        }()
        switch purpose {
        case .auth:
            switch outcome {
            case .failure(let error):
                let message = "the server refused the credentials for \(credentials?.clientID ?? "?"): \(error.reasonText)"
                shared.withLock { state in
                    if !state.everReady && state.firstFailure == nil { state.firstFailure = message }
                    // Refused after they worked (revoked): retrying would only spend this address's login budget,
                    // which other users behind it share. The dashboard stays open, disconnected, and says so.
                    if state.everReady { state.stopped = true }
                }
                post(.fatal(message + " — not retrying (revoked?); quit and connect again once it is fixed"))
                throw LinkError(message: message)
            case .success(let result):
                if case .string(let scope)? = result["scope"] {
                    post(.mayTrade(scope.split(separator: " ").contains("trade:read_write")))
                }
            }
        case .summary:
            if case .success(let result) = outcome, case .number(let index)? = result["id"], let account = Int(exactly: index) {
                let name = result["username"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "acct\(account)"
                post(.account(id: AccountID(account), name: name))
            }
        case .subscribe:
            if case .failure(let error) = outcome { throw LinkError(message: "subscribing to the pool failed: \(error.reasonText)") }
        case .replica:
            switch outcome {
            case .failure(let error) where error.code == -32601:
                try refuse("\(displayName) is not a PoolDesk server this pooldesk can follow (no public/get_replica)")
            case .failure(let error):
                throw LinkError(message: "the server refused the replica: \(error.reasonText)")
            case .success(let result):
                switch ReplicaProtocol.reply(from: result) {
                case .failure(let reason): try refuse(reason.message)
                case .success(.snapshot(let snapshot)): post(.snapshot(snapshot))
                case .success(.catchUp(let serverID, let entries)): post(.catchUp(serverID: serverID, entries))
                }
                shared.withLock { $0.everReady = true }
                post(.phase(.connected))
            }
        case .ping(let sentAt):
            post(.roundTrip(milliseconds: (Self.now() - sentAt) * 1000))
        case .order(let label):
            post(.orderReply(label: label, outcome))
        case .labelQuery(let label):
            post(.labelState(label: label, outcome))
        case .other:
            break
        }
    }

    /// A problem no retry fixes: reported once, before the screen opens when it is the first attempt.
    private func refuse(_ message: String) throws -> Never {
        shared.withLock { if !$0.everReady && $0.firstFailure == nil { $0.firstFailure = message } }
        post(.fatal(message))
        throw LinkError(message: message)
    }

    /// A transport error in one line a user can act on.
    static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("connection refused") || lower.contains("econnrefused") {
            return "cannot connect to \(url): connection refused (is `pooldesk serve` running there?)"
        }
        if lower.contains("certificate_verify_failed") {
            return "TLS with \(url) failed: its certificate is not trusted here (a self-signed or private CA certificate needs --ca-file PEM)"
        }
        if lower.contains("hostname") && lower.contains("mismatch") || lower.contains("unable to validate") {
            return "TLS with \(url) failed: its certificate does not name this host"
        }
        if lower.contains("wrong_version_number") || lower.contains("unexpected eof") {
            return "TLS with \(url) failed: the server does not speak TLS there (try ws://)"
        }
        if lower.contains("ssl") || lower.contains("tls") || lower.contains("handshake") || lower.contains("certificate") {
            return "TLS with \(url) failed: \(text.prefix(160))"
        }
        if lower.contains("dns") || lower.contains("resolve") || lower.contains("getaddrinfo") || lower.contains("name or service") {
            return "cannot resolve the host of \(url)"
        }
        if lower.contains("upgrade") {
            return "\(url) did not accept a WebSocket at /ws/api/v2 (is it a PoolDesk server?)"
        }
        if lower.contains("timeout") || lower.contains("timed out") {
            return "connecting to \(url) timed out"
        }
        return "connection to \(url) failed: \(text.prefix(160))"
    }
}

extension APIError {
    /// The error's most specific words: the engine's detail or the reason, else the message.
    var reasonText: String {
        if case .string(let detail)? = data?["detail"] { return detail }
        if case .string(let reason)? = data?["reason"] { return reason }
        return message
    }
}

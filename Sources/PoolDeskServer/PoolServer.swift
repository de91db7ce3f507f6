import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import PoolDeskAPI
import PoolEngine
import ServiceLifecycle
import Synchronization

/// `pooldesk serve`'s transport: HTTP and WebSocket routes around ``PoolSequencer``. All protocol rules live in
/// `PoolDeskAPI`; this file only moves bytes, checks secrets off the actor, and runs the clocks (the pool's, the
/// heartbeats').
public enum PoolServer {
    /// Largest HTTP request body (the same 64 KiB the JSON-RPC decoder enforces for WebSocket frames).
    public static let maximumBodyBytes = 65_536
    /// How often the clock steps and subscriptions are published.
    public static let stepInterval = Duration.milliseconds(100)

    /// What every connection of one server shares besides the sequencer.
    struct Shared: Sendable {
        let sequencer: PoolSequencer
        let verifier: SecretVerifier
        let revoked: RevokedClients
        let options: ServerOptions
    }

    /// The application serving `sequencer` on `host`:`port` (port 0: any free port, reported to `onRunning`), with
    /// the limits, TLS and credentials file of `options`; `gate` counts its connections.
    public static func application(sequencer: PoolSequencer, host: String, port: Int, options: ServerOptions = ServerOptions(),
                                   gate: ConnectionGate? = nil, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let shared = Shared(sequencer: sequencer, verifier: SecretVerifier(options: options), revoked: RevokedClients(), options: options)
        let gate = gate ?? ConnectionGate(maximum: options.maximumConnections, maximumPerAddress: options.maximumConnectionsPerAddress)
        let router = Router(context: PoolRequestContext.self)
        addHTTPRoutes(router, shared: shared)
        router.ws("/ws/api/v2") { _, _ in
            .upgrade()
        } onUpgrade: { inbound, outbound, context in
            try await serveWebSocket(inbound: inbound, outbound: outbound, channel: context.requestContext.channel, shared: shared)
        }
        let webSocketResponder = router.buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: WebSocketServerConfiguration(maxFrameSize: maximumBodyBytes, autoPing: .enabled(timePeriod: options.pingInterval)))
        let idle = TimeAmount.nanoseconds(Int64(options.idleTimeout.components.seconds) * 1_000_000_000
            + options.idleTimeout.components.attoseconds / 1_000_000_000)
        let first = TimeAmount.nanoseconds(Int64(options.firstRequestTimeout.components.seconds) * 1_000_000_000
            + options.firstRequestTimeout.components.attoseconds / 1_000_000_000)
        let tls = options.tls
        let server = HTTPServerBuilder { responder in
            let http = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration)
            let guarded = GuardedChannel(base: http, gate: gate, idleTimeout: idle, firstRequestTimeout: first)
            // TLS outermost: the gate's refusal and timers work on decrypted bytes.
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls.configuration)
        }
        var services: [any Service] = [ClockService(sequencer: sequencer)]
        if let path = options.credentialsPath {
            services.append(CredentialWatcher(path: path, sequencer: sequencer, revoked: shared.revoked,
                                              interval: options.credentialPollInterval, logger: logger))
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "pooldesk"),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Runs one request for `connection`, checking a client secret off the actor when the request is a
    /// `client_credentials` `public/auth`. Returns the response and whether to close the connection after it.
    static func run(_ body: [UInt8], connection: inout APIConnection, address: String, shared: Shared) async -> (JSONValue, close: Bool) {
        switch await shared.sequencer.handle(body, connection: &connection) {
        case .send(let response, let close):
            return (response, close)
        case .verifySecret(let check):
            let sequencer = shared.sequencer
            let verification = await shared.verifier.verify(check, address: address) { await sequencer.credentials }
            return (await sequencer.completeAuthentication(check, verification, connection: &connection), false)
        }
    }

    // MARK: - WebSocket

    /// One connection: requests are answered in order by a reader loop that owns the connection's `APIConnection`;
    /// a second task sends subscription notifications from the latest copy of it, and a third its heartbeats.
    /// Nothing here is awaited inside the sequencer: a client that stops reading blocks only its own writes, and is
    /// closed by the ping, heartbeat or idle rules.
    static func serveWebSocket(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
                               shared: Shared) async throws {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        var connection = APIConnection(transport: .webSocket)
        connection.minimumHeartbeatInterval = shared.options.minimumHeartbeatInterval
        connection.creditCapacity = shared.options.creditCapacity
        connection.creditsPerSecond = shared.options.creditsPerSecond
        let latest = SharedConnection(connection)
        let (heartbeatChanges, heartbeatChanged) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let publications = await shared.sequencer.subscribe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await publication in publications {
                    let connection = latest.state.withLock { $0 }
                    if let clientID = connection.grant?.clientID, shared.revoked.contains(clientID) {
                        // Its credential was revoked: nothing more goes to this client.
                        channel.close(promise: nil)
                        return
                    }
                    guard !connection.subscriptions.isEmpty else { continue }
                    // Public channels are rendered once per publication for every subscriber (SharedNotifications).
                    for text in notificationTexts(connection, publication) {
                        try await outbound.write(.text(text))
                    }
                }
            }
            group.addTask {
                try await runHeartbeats(latest: latest, changes: heartbeatChanges, outbound: outbound, channel: channel)
            }
            reading: for try await message in inbound.messages(maxSize: maximumBodyBytes) {
                let bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                let heartbeat = (connection.heartbeatInterval, connection.heartbeatSince)
                let (response, close) = await run(bytes, connection: &connection, address: address, shared: shared)
                latest.state.withLock { [connection] in $0 = connection }
                if heartbeat != (connection.heartbeatInterval, connection.heartbeatSince) { heartbeatChanged.yield() }
                try await outbound.write(.text(response.text))
                if close { break reading }
            }
            heartbeatChanged.finish()
            group.cancelAll()
        }
    }

    /// Sends `test_request`s on the schedule `public/set_heartbeat` set, and closes the connection when one goes
    /// unanswered (the rules are ``APIConnection/heartbeatStep(now:lastTestRequest:)``'s; this only keeps time).
    static func runHeartbeats(latest: SharedConnection, changes: AsyncStream<Void>, outbound: WebSocketOutboundWriter,
                              channel: any Channel) async throws {
        var lastTestRequest: Double?
        var wake = changes.makeAsyncIterator()
        while !Task.isCancelled {
            let now = PoolSequencer.monotonicSeconds()
            switch latest.state.withLock({ $0 }).heartbeatStep(now: now, lastTestRequest: lastTestRequest) {
            case .wait(until: nil):
                lastTestRequest = nil
                // Off: sleep until the reader says the settings changed (nil: the connection is over).
                guard await wake.next() != nil else { return }
            case .wait(until: let deadline?):
                // At most a second at a time, so a new `set_heartbeat` is seen soon.
                try await Task.sleep(for: .seconds(min(max(deadline - now, 0.001), 1)))
            case .sendTestRequest:
                lastTestRequest = now
                try await outbound.write(.text(APIConnection.testRequest.text))
            case .close:
                // Not a polite close frame: a client that does not answer may not read either, and would hold it.
                channel.close(promise: nil)
                return
            }
        }
    }

    // MARK: - HTTP

    static func addHTTPRoutes(_ router: Router<PoolRequestContext>, shared: Shared) {
        router.get("/api/v2/:scope/:method") { request, context -> Response in
            guard let scope = context.parameters.get("scope"), scope == "public" || scope == "private",
                  let method = context.parameters.get("method") else {
                return jsonResponse(JSONRPCDecoder.response(id: .null, .failure(.methodNotFound(request.uri.path))), status: .notFound)
            }
            var params: [String: JSONValue] = [:]
            // Query values stay strings: the core accepts "0.1" and "true" wherever a number or a boolean is expected.
            for (key, value) in request.uri.queryParameters { params[String(key)] = .string(String(value)) }
            if let token = bearerToken(request), params["access_token"] == nil { params["access_token"] = .string(token) }
            let body: JSONValue = ["jsonrpc": "2.0", "id": 0, "method": .string("\(scope)/\(method)"), "params": .object(params)]
            return await answer(Array(body.text.utf8), address: context.remoteAddress, shared: shared)
        }
        router.post("/api/v2") { request, context -> Response in
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                let refusal = APIError.invalidRequest("request body exceeds \(maximumBodyBytes) bytes")
                return jsonResponse(JSONRPCDecoder.response(id: .null, .failure(refusal)), status: .contentTooLarge)
            }
            let bytes = Array(buffer.readableBytesView)
            guard let token = bearerToken(request) else { return await answer(bytes, address: context.remoteAddress, shared: shared) }
            // The bearer token joins the request's parameters, where the core looks for it.
            switch JSONRPCDecoder.decode(bytes) {
            case .failure(let error):
                return jsonResponse(JSONRPCDecoder.response(id: .null, .failure(error)), status: .badRequest)
            case .success(let decoded):
                var params = decoded.params
                if params["access_token"] == nil { params["access_token"] = .string(token) }
                let body: JSONValue = ["jsonrpc": "2.0", "id": decoded.id, "method": .string(decoded.method), "params": .object(params)]
                return await answer(Array(body.text.utf8), address: context.remoteAddress, shared: shared)
            }
        }
    }

    /// The token of an `Authorization: Bearer TOKEN` header (scheme case-insensitive, as HTTP says).
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// One HTTP request is one short-lived connection (no `public/auth` state carries over; tokens do).
    static func answer(_ body: [UInt8], address: String, shared: Shared) async -> Response {
        var connection = APIConnection(transport: .http)
        connection.creditCapacity = shared.options.creditCapacity
        connection.creditsPerSecond = shared.options.creditsPerSecond
        let (response, _) = await run(body, connection: &connection, address: address, shared: shared)
        return jsonResponse(response, status: response["error"] == nil ? .ok : .badRequest)
    }

    static func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }
}

/// The request context of every route: Hummingbird's, plus the connection's channel (to close a WebSocket at once)
/// and the client's address (the key of the per-address limits).
public struct PoolRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<PoolRequestContext>
    /// The connection the request arrived on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// The client's IP address ("unknown" when the socket has none).
    public var remoteAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }
}

/// Steps the pool's clock every ``PoolServer/stepInterval`` until shutdown, then flushes and closes the journal.
/// It is listed before the HTTP server, so on shutdown the server stops first and the journal closes last.
struct ClockService: Service {
    let sequencer: PoolSequencer

    func run() async throws {
        await sequencer.step()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: PoolServer.stepInterval) } catch { break }
                await sequencer.step()
            }
        }
        try await sequencer.close()
    }
}

/// The reader loop's latest `APIConnection`, for the notification and heartbeat tasks (a class, since a `Mutex`
/// cannot be captured by a child task directly).
final class SharedConnection: Sendable {
    let state: Mutex<APIConnection>

    init(_ connection: APIConnection) {
        state = Mutex(connection)
    }
}

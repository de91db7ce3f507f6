import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import PoolDeskAPI
import PoolEngine
import ServiceLifecycle
import Synchronization

/// `pooldesk serve`'s transport: HTTP and WebSocket routes around ``PoolSequencer``. All protocol rules live in
/// `PoolDeskAPI`; this file only moves bytes and runs the clock.
public enum PoolServer {
    /// Largest HTTP request body (the same 64 KiB the JSON-RPC decoder enforces for WebSocket frames).
    public static let maximumBodyBytes = 65_536
    /// How often the clock steps and subscriptions are published.
    public static let stepInterval = Duration.milliseconds(100)

    /// The application serving `sequencer` on `host`:`port` (port 0: any free port, reported to `onRunning`).
    /// `newConnection` gives each connection's starting protocol state (its limits; `pooldesk bench serve` lifts the
    /// request budget to measure the server rather than the budget).
    public static func application(sequencer: PoolSequencer, host: String, port: Int, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                                   newConnection: @escaping @Sendable () -> APIConnection = { APIConnection() }) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        addHTTPRoutes(router, sequencer: sequencer, newConnection: newConnection)
        router.ws("/ws/api/v2") { _, _ in
            .upgrade()
        } onUpgrade: { inbound, outbound, _ in
            try await serveWebSocket(inbound: inbound, outbound: outbound, sequencer: sequencer, connection: newConnection())
        }
        var wsConfiguration = WebSocketServerConfiguration()
        wsConfiguration.maxFrameSize = maximumBodyBytes
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: wsConfiguration)),
            configuration: .init(address: .hostname(host, port: port), serverName: "pooldesk"),
            services: [ClockService(sequencer: sequencer)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    // MARK: - WebSocket

    /// One connection: requests are answered in order by a reader loop that owns the connection's `APIConnection`;
    /// a second task sends subscription notifications from the latest copy of it.
    static func serveWebSocket(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, sequencer: PoolSequencer,
                               connection initial: APIConnection) async throws {
        let shared = SharedConnection()
        let publications = await sequencer.subscribe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await publication in publications {
                    let connection = shared.state.withLock { $0 }
                    guard !connection.subscriptions.isEmpty else { continue }
                    for text in notificationTexts(connection, publication) {
                        try await outbound.write(.text(text))
                    }
                }
            }
            var connection = initial
            reading: for try await message in inbound.messages(maxSize: maximumBodyBytes) {
                let bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                let (response, close) = await sequencer.handle(bytes, connection: &connection)
                shared.state.withLock { $0 = connection }
                try await outbound.write(.text(response.text))
                if close { break reading }
            }
            group.cancelAll()
        }
    }

    // MARK: - HTTP

    static func addHTTPRoutes(_ router: Router<BasicWebSocketRequestContext>, sequencer: PoolSequencer,
                              newConnection: @escaping @Sendable () -> APIConnection) {
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
            return await answer(Array(body.text.utf8), sequencer: sequencer, connection: newConnection())
        }
        router.post("/api/v2") { request, _ -> Response in
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                let refusal = APIError.invalidRequest("request body exceeds \(maximumBodyBytes) bytes")
                return jsonResponse(JSONRPCDecoder.response(id: .null, .failure(refusal)), status: .contentTooLarge)
            }
            let bytes = Array(buffer.readableBytesView)
            guard let token = bearerToken(request) else { return await answer(bytes, sequencer: sequencer, connection: newConnection()) }
            // The bearer token joins the request's parameters, where the core looks for it.
            switch JSONRPCDecoder.decode(bytes) {
            case .failure(let error):
                return jsonResponse(JSONRPCDecoder.response(id: .null, .failure(error)), status: .badRequest)
            case .success(let decoded):
                var params = decoded.params
                if params["access_token"] == nil { params["access_token"] = .string(token) }
                let body: JSONValue = ["jsonrpc": "2.0", "id": decoded.id, "method": .string(decoded.method), "params": .object(params)]
                return await answer(Array(body.text.utf8), sequencer: sequencer, connection: newConnection())
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
    static func answer(_ body: [UInt8], sequencer: PoolSequencer, connection initial: APIConnection) async -> Response {
        var connection = initial
        let (response, _) = await sequencer.handle(body, connection: &connection)
        return jsonResponse(response, status: response["error"] == nil ? .ok : .badRequest)
    }

    static func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }
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

/// The reader loop's latest `APIConnection`, for the notification task (a class, since a `Mutex` cannot be captured
/// by a child task directly).
final class SharedConnection: Sendable {
    let state = Mutex(APIConnection())
}

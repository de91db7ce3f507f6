import PoolEngine

/// The pool-wide state every connection shares: who may connect, and the tokens handed out.
public struct APIAuthority: Sendable {
    public var credentials: CredentialStore
    public var tokens: TokenTable

    public init(credentials: CredentialStore = CredentialStore(), tokens: TokenTable = TokenTable()) {
        self.credentials = credentials
        self.tokens = tokens
    }
}

/// What the transport must do with one request's answer.
public enum APIReply: Sendable {
    /// Send this JSON-RPC response now.
    case respond(JSONValue)
    /// Sequence this command through the engine (and journal), then send `render`'s response for request `id`.
    case apply(EngineCommand, id: JSONValue, render: @Sendable ([EngineEvent], Engine) -> Result<JSONValue, APIError>)
    /// A buy or sell: answer a used `label` with its first outcome, otherwise sequence `command` with the label (see
    /// ``APIOutcome/order(_:_:)``) and answer with ``DeribitMethods/orderReply(_:_:)``.
    case applyOrder(OrderRequest, EngineCommand, id: JSONValue)
    /// Read the order store, then send `render`'s response for request `id`.
    case read(HistoryRequest, id: JSONValue, render: @Sendable (HistoryAnswer, Engine) -> Result<JSONValue, APIError>)
    /// Send this response, then close the connection (too many refusals, or a message that cannot be answered).
    case respondAndClose(JSONValue)
    /// Answer request `id` with the server's replica (``ReplicaProtocol``): a catch-up after `since` when `serverID`
    /// names this server run and it still holds those entries, else a snapshot.
    case replica(id: JSONValue, since: Int64?, serverID: String?)
    /// Check this client secret outside the single writer (scrypt is slow on purpose), then hand the outcome to
    /// ``APIConnection/completeAuthentication(_:_:authority:now:using:)`` for the response.
    case verifySecret(SecretCheck)
}

/// How a connection reaches the server: some methods are WebSocket only, as on Deribit.
public enum APITransport: Sendable {
    case webSocket
    /// One request per connection (`GET /api/v2/...`, `POST /api/v2`).
    case http
}

/// A `public/auth` with `grant_type` `client_credentials` whose secret is still to be checked.
public struct SecretCheck: Hashable, Sendable {
    /// The request's id, echoed in the response.
    public var id: JSONValue
    public var clientID: String
    public var secret: String

    public init(id: JSONValue, clientID: String, secret: String) {
        self.id = id
        self.clientID = clientID
        self.secret = secret
    }
}

/// What checking a ``SecretCheck`` found, outside the sequencer.
public enum SecretVerification: Sendable {
    /// The secret proves this credential.
    case verified(StoredCredential)
    /// Unknown id, wrong secret or revoked (one answer for all three).
    case rejected
    /// Not checked at all: too many checks in flight, or too many failures from the client's address.
    case refused(APIError)
}

/// What the heartbeat timer of a WebSocket connection must do now (`public/set_heartbeat`).
public enum HeartbeatStep: Hashable, Sendable {
    /// Nothing yet: look again at `until` (monotonic seconds); nil when heartbeats are off.
    case wait(until: Double?)
    /// Send ``APIConnection/testRequest`` now.
    case sendTestRequest
    /// The last `test_request` went a whole interval without a `public/test`: close the connection, as Deribit does.
    case close
}

/// One client connection's protocol state, as a value (swift-nio's state-machine habit): its authentication, its
/// subscriptions and its request budget. The transport feeds it request bytes and carries out the reply; nothing
/// here does I/O, so every rule is tested without a socket.
public struct APIConnection: Sendable {
    /// The grant behind `public/auth` on this connection: afterwards private methods need no token (as on Deribit).
    public private(set) var grant: TokenTable.Grant?
    /// The access token behind `grant`: checked against the token table on each use, so a logout or a revoked
    /// credential ends the connection's authentication too.
    private var accessToken: String?
    public private(set) var subscriptions: Set<SubscriptionChannel> = []
    /// Subscriptions one connection may hold.
    public var maximumSubscriptions = 200
    /// Request budget (Deribit-style credits): a burst of `creditCapacity` requests, refilled at `creditsPerSecond`.
    public var creditCapacity = 100.0
    public var creditsPerSecond = 20.0
    /// Credits left; nil until the first request, which starts from a full `creditCapacity`.
    private var credits: Double?
    private var lastRefill: Double?
    public var limits = RequestLimits()
    /// How the client is connected (`public/set_heartbeat` is WebSocket only).
    public var transport: APITransport
    /// Extra credits a failed `client_credentials` authentication costs, on top of the request's own.
    public var authenticationFailureCost = 10.0
    /// Shortest `public/set_heartbeat` interval in seconds (Deribit: 10). Lowered only by tests.
    public var minimumHeartbeatInterval = 10.0
    /// Longest accepted heartbeat interval in seconds.
    public static let maximumHeartbeatInterval = 3_600.0
    /// Seconds between `test_request`s, while heartbeats are on.
    public private(set) var heartbeatInterval: Double?
    /// When heartbeats were (re)configured, monotonic seconds: a change restarts the schedule.
    public private(set) var heartbeatSince: Double?
    /// When the last `public/test` arrived, monotonic seconds.
    private var lastTestAnswer: Double?
    /// Longest accepted client id and secret: issued ones are 16 and 48 characters, so anything much longer is
    /// refused without hashing it.
    static let maximumSecretLength = 256

    /// Deribit's `test_request`: the client must answer it with `public/test` within the heartbeat interval.
    public static let testRequest: JSONValue = ["jsonrpc": "2.0", "method": "heartbeat", "params": ["type": "test_request"]]

    public init(transport: APITransport = .webSocket) {
        self.transport = transport
    }

    /// Handles one request body received at `wallSeconds` (a monotonic clock) against the pool as it is now.
    public mutating func receive<R: RandomNumberGenerator>(_ body: [UInt8], engine: Engine, authority: inout APIAuthority,
                                                            wallSeconds: Double, serverTime: SimTime, using random: inout R) -> APIReply {
        var available = credits ?? creditCapacity
        if let last = lastRefill { available = min(creditCapacity, available + max(0, wallSeconds - last) * creditsPerSecond) }
        lastRefill = wallSeconds
        // Every message spends a credit, malformed ones too, so a flood of garbage is limited like any other.
        guard available >= 1 else {
            credits = available
            // Deribit's 10028 too_many_requests; the request is not run.
            return .respond(JSONRPCDecoder.response(id: .null, .failure(APIError(10_028, "too_many_requests"))))
        }
        credits = available - 1
        let request: JSONRPCRequest
        switch JSONRPCDecoder.decode(body, limits: limits) {
        case .success(let decoded): request = decoded
        case .failure(let error): return .respond(JSONRPCDecoder.response(id: .null, .failure(error)))
        }
        func respond(_ outcome: Result<JSONValue, APIError>) -> APIReply { .respond(JSONRPCDecoder.response(id: request.id, outcome)) }
        if request.method == "public/test" { lastTestAnswer = wallSeconds }

        switch request.method {
        case "public/auth":
            let params = RequestParameters(request.params)
            guard params.optionalString("grant_type") == "client_credentials" else {
                return respond(authenticate(params, authority: &authority, now: serverTime, using: &random))
            }
            guard let id = params.optionalString("client_id"), let secret = params.optionalString("client_secret"),
                  id.utf8.count <= Self.maximumSecretLength, secret.utf8.count <= Self.maximumSecretLength else {
                chargeAuthenticationFailure()
                return respond(.failure(.unauthorized("invalid client_id or client_secret")))
            }
            return .verifySecret(SecretCheck(id: request.id, clientID: id, secret: secret))
        case "private/logout":
            guard let grant = currentGrant(request, authority: authority, now: serverTime) else {
                return respond(.failure(.unauthorized("not authenticated")))
            }
            authority.tokens.revokeAll(clientID: grant.clientID)
            self.grant = nil
            accessToken = nil
            return .respondAndClose(JSONRPCDecoder.response(id: request.id, .success("ok")))
        case "public/set_heartbeat":
            return respond(setHeartbeat(RequestParameters(request.params), at: wallSeconds))
        case "public/disable_heartbeat":
            guard transport == .webSocket else { return respond(.failure(Self.webSocketOnly)) }
            heartbeatInterval = nil
            heartbeatSince = nil
            return respond(.success("ok"))
        case "public/subscribe", "private/subscribe":
            return respond(subscribe(request, authority: authority, now: serverTime))
        case "public/unsubscribe", "private/unsubscribe":
            return respond(unsubscribe(RequestParameters(request.params)))
        case "public/unsubscribe_all", "private/unsubscribe_all":
            subscriptions.removeAll()
            return respond(.success("ok"))
        case "public/get_replica":
            let params = RequestParameters(request.params)
            let since: Double?
            do { since = try params.optionalNumber("since") } catch { return respond(.failure(error)) }
            guard since.map({ $0 >= 0 && $0 < 9e15 && $0 == $0.rounded() }) ?? true else {
                return respond(.failure(.invalidParams("since", "a sequence number (a whole number from 0)")))
            }
            return .replica(id: request.id, since: since.map { Int64($0) }, serverID: params.optionalString("server_id"))
        default:
            let grant = request.method.hasPrefix("private/") ? currentGrant(request, authority: authority, now: serverTime) : nil
            let context = APIContext(engine: engine, account: grant?.account, mayTrade: grant?.role.mayTrade ?? false,
                                     mayMoveFunds: grant?.role == .lp)
            switch DeribitMethods.handle(request, context) {
            case .failure(let error): return respond(.failure(error))
            case .success(.result(let value)): return respond(.success(value))
            case .success(.command(let command, let render)): return .apply(command, id: request.id, render: render)
            case .success(.order(let order, let command)): return .applyOrder(order, command, id: request.id)
            case .success(.history(let read, let render)): return .read(read, id: request.id, render: render)
            }
        }
    }

    /// The connection's grant, or the one an `access_token` parameter proves (accepted on any request, as on Deribit).
    func currentGrant(_ request: JSONRPCRequest, authority: APIAuthority, now: SimTime) -> TokenTable.Grant? {
        if case .string(let token)? = request.params["access_token"] { return authority.tokens.validate(accessToken: token, now: now) }
        guard let accessToken else { return nil }
        return authority.tokens.validate(accessToken: accessToken, now: now)
    }

    /// The response to a `client_credentials` `public/auth` once its secret has been checked: tokens when the
    /// credential is still live in `authority` (it may have been revoked while the secret was hashed), else a refusal.
    /// A wrong secret costs ``authenticationFailureCost`` extra credits.
    public mutating func completeAuthentication<R: RandomNumberGenerator>(_ check: SecretCheck, _ verification: SecretVerification,
                                                                          authority: inout APIAuthority, now: SimTime,
                                                                          using random: inout R) -> JSONValue {
        switch verification {
        case .refused(let error):
            return JSONRPCDecoder.response(id: check.id, .failure(error))
        case .rejected:
            chargeAuthenticationFailure()
            return JSONRPCDecoder.response(id: check.id, .failure(.unauthorized("invalid client_id or client_secret")))
        case .verified(let credential):
            guard credential.clientID == check.clientID, authority.credentials.isLive(credential) else {
                return JSONRPCDecoder.response(id: check.id, .failure(.unauthorized("invalid client_id or client_secret")))
            }
            return JSONRPCDecoder.response(id: check.id, .success(issueTokens(credential, authority: &authority, now: now, using: &random)))
        }
    }

    /// Spends ``authenticationFailureCost`` credits (never below zero: the refill then starts from nothing).
    mutating func chargeAuthenticationFailure() {
        credits = max(0, (credits ?? creditCapacity) - authenticationFailureCost)
    }

    mutating func issueTokens<R: RandomNumberGenerator>(_ credential: StoredCredential, authority: inout APIAuthority, now: SimTime,
                                                         using random: inout R) -> JSONValue {
        let reply = authority.tokens.grant(credential, now: now, using: &random)
        if case .string(let token)? = reply["access_token"] {
            grant = authority.tokens.validate(accessToken: token, now: now)
            accessToken = token
        }
        return reply
    }

    /// Deribit's 10030 `must_be_websocket_request`.
    static let webSocketOnly = APIError(10_030, "must_be_websocket_request", data: ["reason": "this method needs a WebSocket connection"])

    mutating func setHeartbeat(_ params: RequestParameters, at wallSeconds: Double) -> Result<JSONValue, APIError> {
        guard transport == .webSocket else { return .failure(Self.webSocketOnly) }
        let interval: Double
        do {
            guard let given = try params.optionalNumber("interval") else { return .failure(.invalidParams("interval", "required")) }
            interval = given
        } catch {
            return .failure(error)
        }
        guard interval >= minimumHeartbeatInterval, interval <= Self.maximumHeartbeatInterval else {
            return .failure(.invalidParams("interval", "seconds within \(Self.seconds(minimumHeartbeatInterval))–\(Self.seconds(Self.maximumHeartbeatInterval))"))
        }
        heartbeatInterval = interval
        heartbeatSince = wallSeconds
        return .success("ok")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// What the heartbeat timer must do at `now` (monotonic seconds, the clock `receive` is given), when it last sent
    /// a `test_request` at `lastTestRequest` (nil: never, or not since heartbeats were last set). The first
    /// `test_request` goes out one interval after `public/set_heartbeat`; each later one an interval after the
    /// previous, provided a `public/test` answered it; one left unanswered for a whole interval closes the connection.
    public func heartbeatStep(now: Double, lastTestRequest: Double?) -> HeartbeatStep {
        guard let interval = heartbeatInterval, let since = heartbeatSince else { return .wait(until: nil) }
        if let sent = lastTestRequest, sent >= since {
            let deadline = sent + interval
            guard now >= deadline else { return .wait(until: deadline) }
            return (lastTestAnswer ?? -.infinity) >= sent ? .sendTestRequest : .close
        }
        let due = since + interval
        return now >= due ? .sendTestRequest : .wait(until: due)
    }

    /// `public/auth` by `refresh_token` (cheap, so it stays in the sequencer); `client_credentials` goes through
    /// ``APIReply/verifySecret(_:)``.
    mutating func authenticate<R: RandomNumberGenerator>(_ params: RequestParameters, authority: inout APIAuthority, now: SimTime,
                                                          using random: inout R) -> Result<JSONValue, APIError> {
        let credential: StoredCredential
        switch params.optionalString("grant_type") {
        case "refresh_token"?:
            guard let token = params.optionalString("refresh_token"),
                  let redeemed = authority.tokens.redeem(refreshToken: token, now: now),
                  let found = authority.credentials.credentials.first(where: { $0.clientID == redeemed.clientID && !$0.revoked }) else {
                return .failure(.unauthorized("invalid or expired refresh_token"))
            }
            credential = found
        default:
            return .failure(.invalidParams("grant_type", "client_credentials or refresh_token"))
        }
        return .success(issueTokens(credential, authority: &authority, now: now, using: &random))
    }

    mutating func subscribe(_ request: JSONRPCRequest, authority: APIAuthority, now: SimTime) -> Result<JSONValue, APIError> {
        guard case .array(let names)? = request.params["channels"] else { return .failure(.invalidParams("channels", "an array of channel names")) }
        var added: [SubscriptionChannel] = []
        for case .string(let name) in names {
            switch SubscriptionChannel.parse(name) {
            case .failure(let error): return .failure(error)
            case .success(let channel):
                if channel.isPrivate, currentGrant(request, authority: authority, now: now) == nil {
                    return .failure(.unauthorized("\(name) is a private channel: authenticate first"))
                }
                added.append(channel)
            }
        }
        guard subscriptions.union(added).count <= maximumSubscriptions else {
            return .failure(APIError(10_040, "subscription_limit", data: ["limit": .number(Double(maximumSubscriptions))]))
        }
        subscriptions.formUnion(added)
        return .success(.array(added.map { .string($0.name) }))
    }

    mutating func unsubscribe(_ params: RequestParameters) -> Result<JSONValue, APIError> {
        guard case .array(let names)? = params.values["channels"] else { return .failure(.invalidParams("channels", "an array of channel names")) }
        var removed: [JSONValue] = []
        for case .string(let name) in names {
            if case .success(let channel) = SubscriptionChannel.parse(name), subscriptions.remove(channel) != nil { removed.append(.string(name)) }
        }
        return .success(.array(removed))
    }

    /// The subscription notifications to send after `events`, for this connection's channels (`replica`: this
    /// publication's `pool.replica` data, if any). Between clock steps (`tick` false: a command's immediate
    /// publication) only event-driven channels speak.
    public func notifications(events: [EngineEvent], engine: Engine, replica: JSONValue? = nil, tick: Bool = true) -> [JSONValue] {
        subscriptions.sorted { $0.name < $1.name }.filter { tick || $0.isEventDriven }.compactMap { channel in
            channel.notification(events: events, engine: engine, account: grant?.account, replica: replica).map(channel.message)
        }
    }
}

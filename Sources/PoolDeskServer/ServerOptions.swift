import Foundation
import PoolDeskAPI

/// The transport's limits and settings for `pooldesk serve`. The defaults are the documented production values
/// (README, "Serving"); tests shorten the times so nothing waits seconds.
public struct ServerOptions: Sendable {
    /// Open connections (HTTP and WebSocket) at most; one more is answered HTTP 503 with a JSON-RPC error and closed.
    public var maximumConnections = 1_024
    /// Open connections from one IP address at most (the same refusal); loopback clients are exempt.
    public var maximumConnectionsPerAddress = 64
    /// A connection from which nothing arrives for this long is closed (a WebSocket client answers the server's
    /// pings, so only a dead, half-open or stalled peer stays silent that long).
    public var idleTimeout: Duration = .seconds(60)
    /// A connection that has not completed its first request (TLS handshake, HTTP request head, WebSocket upgrade)
    /// within this long is closed: a client trickling bytes cannot hold a slot.
    public var firstRequestTimeout: Duration = .seconds(10)
    /// WebSocket ping period; a client that has not answered the previous ping is closed.
    public var pingInterval: Duration = .seconds(30)
    /// Shortest `public/set_heartbeat` interval in seconds (Deribit's 10).
    public var minimumHeartbeatInterval = 10.0
    /// Each connection's request budget: a burst of this many requests (Deribit-style credits)…
    public var creditCapacity = 100.0
    /// …refilled at this many a second. `pooldesk bench serve` lifts both to measure the server, not the budget.
    public var creditsPerSecond = 20.0
    /// TLS for every connection (https and wss), or nil for plain HTTP.
    public var tls: ServerTLS?
    /// The credentials file to watch for accounts added or revoked while serving (nil: no watching).
    public var credentialsPath: String?
    /// How often the credentials file's modification time is looked at.
    public var credentialPollInterval: Duration = .seconds(1)
    /// Secrets checked at once, each on its own thread outside the cooperative pool (scrypt keeps a core busy for
    /// tens of milliseconds): one core is always left for the sequencer and the connections.
    public var concurrentSecretChecks = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount - 1))
    /// Secret checks waiting for a thread at most; past it `public/auth` is refused at once (10028).
    public var queuedSecretChecks = 32
    /// Failed authentications allowed per IP address (burst, then refill): past it `public/auth` is refused before
    /// any hashing.
    public var authenticationFailures = FailureBudget()
    /// The secret check itself; a test may wrap it (to hold a check open while it watches other clients).
    public var checkSecret: @Sendable (_ store: CredentialStore, _ clientID: String, _ secret: String) -> StoredCredential? = {
        $0.authenticate(clientID: $1, secret: $2)
    }

    /// The production defaults.
    public init() {}
}

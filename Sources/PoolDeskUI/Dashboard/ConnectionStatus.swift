/// The link of a network dashboard (`pooldesk connect`) to its server, as the header shows it.
public struct ConnectionStatus: Hashable, Sendable {
    /// Where the link stands.
    public enum Phase: Hashable, Sendable {
        /// Connected and in step with the server.
        case connected
        /// Connected, waiting for the pool's state (after a reconnection).
        case synchronising
        /// Lost: the one-line reason and when the next attempt starts (seconds from now, nil: trying now).
        case disconnected(reason: String, retryInSeconds: Double?)
    }

    /// The server as the user named it (`127.0.0.1:8750`).
    public var server: String
    /// The account's name (nil: watching without credentials).
    public var account: String?
    public var phase: Phase
    /// The last round trip to the server, in milliseconds.
    public var roundTripMilliseconds: Double?
    /// The server's clock speed (simulated seconds per wall second): the operator's, not this dashboard's.
    public var serverSpeed: Double

    public init(server: String, account: String?, phase: Phase, roundTripMilliseconds: Double? = nil, serverSpeed: Double) {
        self.server = server
        self.account = account
        self.phase = phase
        self.roundTripMilliseconds = roundTripMilliseconds
        self.serverSpeed = serverSpeed
    }

    /// Whether orders can be sent now.
    public var isLive: Bool { phase == .connected }

    /// Why order keys are off now, or nil when they work.
    public var orderRefusal: String? {
        switch phase {
        case .connected: nil
        case .synchronising: "synchronising with \(server) — orders resume in a moment"
        case .disconnected: "disconnected from \(server) — orders are off until the connection is back"
        }
    }
}

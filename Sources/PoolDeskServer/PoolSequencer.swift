import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolEngine

/// What the sequencer publishes to connected sessions: the events since the last publication and the pool after them.
public struct Publication: Sendable {
    /// Events since the previous publication, commands' and the clock's, in sequence order.
    public var events: [EngineEvent]
    /// The pool after them (a value: each connection reads it without touching the sequencer).
    public var engine: Engine
}

/// The one writer of a served pool: owns the engine, the session's journal and the API authority, and orders every
/// command and every clock step. Commands are applied to a copy, journaled, and only then committed and answered,
/// exactly as the embedded desk does (`EmbeddedDeskDriver`), so a served session replays like any other.
public actor PoolSequencer {
    /// The pool as it is now.
    public private(set) var engine: Engine
    /// Simulated seconds per wall second.
    public let speed: Double
    let journal: SessionJournal?
    var authority: APIAuthority
    private var random = SystemRandomNumberGenerator()
    private let logger: Logger
    /// Set by the first journal failure: later commands are refused, since nothing more can be made durable.
    public private(set) var failure: String?
    /// Events not yet published (from commands and clock steps since the last tick).
    private var unpublished: [EngineEvent] = []
    /// Simulated milliseconds owed to the clock but smaller than one engine tick.
    private var owedMilliseconds = 0.0
    private var lastStep: Double?
    private var subscribers: [UUID: AsyncStream<Publication>.Continuation] = [:]
    private var closed = false

    /// A sequencer for `engine`, journaling to `journal` (nil: in memory only), authenticating against `credentials`.
    public init(engine: Engine, journal: sending SessionJournal?, credentials: CredentialStore, speed: Double, logger: Logger) {
        self.engine = engine
        self.journal = journal
        self.authority = APIAuthority(credentials: credentials)
        self.speed = speed
        self.logger = logger
    }

    /// Monotonic wall seconds (request budgets and clock steps).
    static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Tokens live in wall time, like Deribit's: a fast simulated clock must not expire them early.
    static func wallTime() -> SimTime {
        SimTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Handles one JSON-RPC request for `connection`, sequencing a trade through the journal when it is one.
    /// Returns the response and whether the connection should close after it, or a client secret for the transport
    /// to check outside this actor (see ``completeAuthentication(_:_:connection:)``).
    public func handle(_ body: [UInt8], connection: inout APIConnection) -> SequencedReply {
        let reply = connection.receive(body, engine: engine, authority: &authority, wallSeconds: Self.monotonicSeconds(),
                                       serverTime: Self.wallTime(), using: &random)
        switch reply {
        case .respond(let value): return .send(value, close: false)
        case .respondAndClose(let value): return .send(value, close: true)
        case .verifySecret(let check): return .verifySecret(check)
        case .apply(let command, let id, let render):
            switch apply(command) {
            case .success(let events): return .send(JSONRPCDecoder.response(id: id, render(events, engine)), close: false)
            case .failure(let error): return .send(JSONRPCDecoder.response(id: id, .failure(error)), close: false)
            }
        }
    }

    /// Applies `command` to a copy, journals it, then commits: the caller is answered only once it is on disk.
    public func apply(_ command: EngineCommand) -> Result<[EngineEvent], APIError> {
        guard failure == nil, !closed else { return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal is stopped"])) }
        let events: [EngineEvent]
        if let journal {
            do {
                events = try journal.apply(command, to: &engine)
            } catch {
                stop(error, lost: "\(command.summary) was not applied and not recorded")
                return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal failed; nothing was applied"]))
            }
        } else {
            events = engine.apply(command)
        }
        unpublished += events
        return .success(events)
    }

    /// Moves the simulated clock by the wall time since the last step times `speed`, journals the simulation's
    /// events, and publishes everything new to the connected sessions.
    public func step() {
        guard !closed else { return }
        let now = Self.monotonicSeconds()
        defer { lastStep = now }
        if let last = lastStep, failure == nil {
            // A stalled process (a debugger, a suspended VM) catches up at most one second, not hours at once.
            owedMilliseconds += min(now - last, 1) * speed * 1000
            let tick = Double(engine.configuration.tickInterval.milliseconds)
            let whole = (owedMilliseconds / tick).rounded(.down) * tick
            if whole > 0 {
                var events: [EngineEvent] = []
                engine.advance(to: engine.time + SimDuration(milliseconds: Int64(whole)), into: &events)
                owedMilliseconds -= whole
                if let journal {
                    do {
                        try journal.recordAdvance(events, engine: engine)
                        try journal.flushIfDue(engine: engine)
                    } catch {
                        stop(error, lost: "the simulation since the last save was not recorded; resuming continues from there")
                    }
                }
                unpublished += events
            }
        }
        let publication = Publication(events: unpublished, engine: engine)
        unpublished.removeAll(keepingCapacity: true)
        for continuation in subscribers.values { continuation.yield(publication) }
    }

    /// A stream of publications for one connection. It keeps only the newest few: a slow reader skips ticks rather
    /// than making the server hold an unbounded backlog for it.
    public func subscribe() -> AsyncStream<Publication> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Publication.self, bufferingPolicy: .bufferingNewest(8))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        subscribers[id] = continuation
        return stream
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    /// Connected sessions receiving publications.
    public var subscriberCount: Int { subscribers.count }

    /// Final flush and snapshot; ends every publication stream. Later commands are refused.
    public func close() throws {
        guard !closed else { return }
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
        if failure == nil { try journal?.close(engine: engine) }
    }

    private func stop(_ error: any Error, lost: String) {
        failure = "\(error) (\(lost))"
        logger.error("journal: \(error) (\(lost))")
    }
}

import DequeModule
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
    /// The `pool.replica` data for these steps (``ReplicaProtocol``), encoded once for every subscriber; nil when
    /// the server took no step.
    public var replica: JSONValue?
    /// A clock step (every channel publishes) rather than a command's immediate publication (only event-driven
    /// channels — trades, user changes, the replica — publish, so a fill reaches every peer at once while tickers
    /// keep their 100 ms pace).
    public var isTick = true
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
    /// Recent fills (and, without a journal, labelled orders): the history's tail the journal may not have written
    /// yet (simulation events are batched), or the whole history of a pool served in memory.
    private var history = OrderHistory()
    /// This server run, for replicas: sequences restart with each run, so a client that sees another id resyncs.
    public nonisolated let serverID: String
    /// The last step (command or clock move) given a replica sequence number.
    public private(set) var replicaSequence: Int64 = 0
    /// The newest steps, for clients catching up after a short disconnection without a whole snapshot.
    private var replicaLog = Deque<ReplicaEntry>()
    /// Steps not yet published.
    private var unpublishedEntries: [ReplicaEntry] = []
    /// Steps kept for catching up: about 80 minutes of clock moves at 10 a second, plus the commands among them.
    public static let replicaLogCapacity = 50_000

    /// A sequencer for `engine`, journaling to `journal` (nil: in memory only), authenticating against `credentials`.
    public init(engine: Engine, journal: sending SessionJournal?, credentials: CredentialStore, speed: Double, logger: Logger) {
        self.engine = engine
        self.journal = journal
        self.authority = APIAuthority(credentials: credentials)
        self.speed = speed
        self.logger = logger
        var generator = SystemRandomNumberGenerator()
        self.serverID = String(generator.next(), radix: 16)
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
        case .applyOrder(let request, let command, let id):
            return .send(JSONRPCDecoder.response(id: id, placeOrder(request, command)), close: false)
        case .read(let request, let id, let render):
            switch read(request) {
            case .success(let answer): return .send(JSONRPCDecoder.response(id: id, render(answer, engine)), close: false)
            case .failure(let error): return .send(JSONRPCDecoder.response(id: id, .failure(error)), close: false)
            }
        case .replica(let id, let since, let server):
            return .send(JSONRPCDecoder.response(id: id, .success(replica(since: since, serverID: server))), close: false)
        }
    }

    /// A buy or sell with Deribit's `label`, exactly once per label and account: a label already journaled (or, in
    /// memory, remembered) answers with that order's first outcome and places nothing; otherwise the command is
    /// applied and journaled together with its label in one transaction, then answered.
    public func placeOrder(_ request: OrderRequest, _ command: EngineCommand) -> Result<JSONValue, APIError> {
        if let label = request.label {
            if let journal {
                switch storedOrder(account: request.account, label: label, journal: journal) {
                case .failure(let error): return .failure(error)
                case .success(let first?): return DeribitMethods.orderReply(first, engine)
                case .success(nil): break
                }
            } else if let first = history.order(account: request.account, label: label) {
                return DeribitMethods.orderReply(first, engine)
            }
        }
        let journalLabel = request.label.map { label in
            JournalOrderLabel(account: request.account, label: label, instrument: request.instrumentName, side: request.side,
                              amount: request.amount, orderType: request.orderType, price: request.limitPrice)
        }
        switch apply(command, label: journalLabel) {
        case .failure(let error): return .failure(error)
        case .success(let events):
            guard let placed = PlacedOrder(request: request, events: events, engine: engine) else {
                return .failure(APIError(-32603, "Internal error", data: ["reason": "the order produced no fill and no refusal"]))
            }
            // Without a journal the label lives in memory only (a restart forgets it, as it forgets the pool).
            if journal == nil { history.remember(placed) }
            return DeribitMethods.orderReply(placed, engine)
        }
    }

    /// The labelled order as journaled, rebuilt as the API's ``PlacedOrder``.
    private func storedOrder(account: AccountID, label: String, journal: SessionJournal) -> Result<PlacedOrder?, APIError> {
        let stored: JournalLabelledOrder?
        do {
            stored = try journal.labelledOrder(account: account, label: label)
        } catch {
            logger.error("journal read: \(error)")
            return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal could not be read"]))
        }
        guard let stored, let event = stored.outcome else { return .success(nil) }
        let outcome: PlacedOrder.Outcome
        var seriesID: SeriesID?
        switch event.payload {
        case .orderFilled(let fill):
            outcome = .filled(fill)
            seriesID = fill.series
        case .orderRejected(_, let rejectedSeries, _, _, let rejection):
            outcome = .rejected(rejection)
            seriesID = rejectedSeries
        default: return .success(nil)
        }
        // The event names the series; a refusal may not, and a past series no longer resolves by name alone.
        let name = stored.label.instrument
        let series = seriesID ?? engine.resolveSeries(named: name) ?? engine.series.firstIndex { $0.name == name }.map(SeriesID.init) ?? SeriesID(-1)
        let request = OrderRequest(account: account, series: series, instrumentName: stored.label.instrument, side: stored.label.side,
                                   amount: stored.label.amount, orderType: stored.label.orderType, limitPrice: stored.label.price,
                                   label: label)
        return .success(PlacedOrder(request: request, sequence: event.sequence, time: event.time, outcome: outcome,
                                    indexPrice: stored.label.indexPrice, markPrice: stored.label.markPrice))
    }

    /// Answers a history read: journaled fills (a bounded query) merged with the unwritten tail kept in memory, or
    /// memory alone without a journal. Runs on the sequencer, so each query is capped at `count + 1` rows.
    public func read(_ request: HistoryRequest) -> Result<HistoryAnswer, APIError> {
        guard let journal else { return .success(history.answer(request, engine: engine)) }
        switch request {
        case .orderByLabel(let account, let label):
            return storedOrder(account: account, label: label, journal: journal).map { .orders($0.map { [$0] } ?? []) }
        case .trades(let query):
            var fillQuery = JournalFillQuery(account: query.account, startSequence: query.startSequence, endSequence: query.endSequence,
                                             ascending: query.ascending, limit: query.count + 1)
            switch query.scope {
            case .series(let id): fillQuery.series = engine.isKnownSeries(id) ? engine.series[id.index].name : ""
            case .market(let market): fillQuery.marketSymbol = engine.markets.indices.contains(market.index) ? engine.markets[market.index].symbol : ""
            }
            let written: [JournalFill]
            do {
                written = try journal.fills(fillQuery)
            } catch {
                logger.error("journal read: \(error)")
                return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal could not be read"]))
            }
            // Journaled rows first: they carry the order's label; memory adds only fills not yet written.
            let records = written.map { TradeRecord(sequence: $0.event.sequence, time: $0.event.time, fill: $0.fill, label: $0.label) }
            return .success(.trades(query.select(records + history.recentTrades, engine: engine)))
        }
    }

    /// `public/get_replica`: the entries after `since` when they are still held for this server run, else the
    /// engine as it is now (encoding it takes a few milliseconds, once per connection or resync).
    public func replica(since: Int64?, serverID: String?) -> JSONValue {
        if let since, serverID == self.serverID, since <= replicaSequence,
           let first = replicaLog.first?.sequence, since + 1 >= first || since == replicaSequence {
            let entries = Array(replicaLog.filter { $0.sequence > since })
            return ReplicaProtocol.catchUpResult(serverID: self.serverID, sequence: replicaSequence, entries: entries)
        }
        return ReplicaProtocol.snapshotResult(ReplicaSnapshot(serverID: self.serverID, sequence: replicaSequence, engine: engine, speed: speed))
    }

    /// Numbers a step for replicas, keeps it for catch-ups and queues it for publication.
    private func record(_ make: (Int64) -> ReplicaEntry) {
        replicaSequence += 1
        let entry = make(replicaSequence)
        unpublishedEntries.append(entry)
        replicaLog.append(entry)
        if replicaLog.count > Self.replicaLogCapacity { replicaLog.removeFirst(replicaLog.count - Self.replicaLogCapacity) }
    }

    /// Applies `command` to a copy, journals it, then commits: the caller is answered only once it is on disk.
    /// `label`: an API order label, journaled in the same transaction as the command.
    public func apply(_ command: EngineCommand, label: JournalOrderLabel? = nil) -> Result<[EngineEvent], APIError> {
        guard failure == nil, !closed else { return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal is stopped"])) }
        let events: [EngineEvent]
        if let journal {
            do {
                events = try journal.apply(command, to: &engine, label: label)
            } catch {
                stop(error, lost: "\(command.summary) was not applied and not recorded")
                return .failure(APIError(-32603, "Internal error", data: ["reason": "the journal failed; nothing was applied"]))
            }
        } else {
            events = engine.apply(command)
        }
        history.record(events)
        unpublished += events
        record { .command(sequence: $0, command) }
        publish(tick: false)
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
                history.record(events)
                unpublished += events
                let time = engine.time
                record { .advance(sequence: $0, to: time) }
            }
        }
        publish(tick: true)
    }

    /// Hands everything unpublished to the connected sessions.
    private func publish(tick: Bool) {
        let replica = unpublishedEntries.isEmpty ? nil : ["server_id": .string(serverID), "entries": ReplicaProtocol.json(unpublishedEntries)] as JSONValue
        let publication = Publication(events: unpublished, engine: engine, replica: replica, isTick: tick)
        unpublished.removeAll(keepingCapacity: true)
        unpublishedEntries.removeAll(keepingCapacity: true)
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

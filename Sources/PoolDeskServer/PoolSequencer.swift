import DequeModule
import Dispatch
import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolEngine

/// What the sequencer publishes to connected sessions: the events since the last publication and the pool after them.
/// Only durable state is published: every event in it is in a journal transaction that has committed.
public struct Publication: Sendable {
    /// Events since the previous publication, commands' and the clock's, in sequence order.
    public var events: [EngineEvent]
    /// The pool after them (a value: each connection reads it without touching the sequencer).
    public var engine: Engine
    /// The server run and the committed entries for replicas (``ReplicaProtocol``).
    public var serverID: String = ""
    public var replicaEntries: [ReplicaEntry] = []
    /// The `pool.replica` data for these entries; nil when nothing committed. Encoded when asked (only a connection
    /// subscribed to `pool.replica` asks, and its text is shared by all of them).
    public var replica: JSONValue? {
        replicaEntries.isEmpty ? nil : ["server_id": .string(serverID), "entries": ReplicaProtocol.json(replicaEntries)]
    }
    /// A clock step (every channel publishes) rather than a commands-only group (only event-driven channels —
    /// trades, user changes, the replica — publish, so a fill reaches every peer at once while tickers keep their
    /// 100 ms pace).
    public var isTick = true
    /// Public channels' notifications, rendered once per publication and shared by every connection subscribed.
    public let shared = SharedNotifications()
}

/// One entry of the pool's order: a command with its per-command metadata, or a move of the clock. Entries are
/// applied in this order to the engine and written in this order to the journal; committed ones leave the
/// sequencer in this order too (see `PoolSequencer.commit`).
public enum SequencedEntry: Sendable {
    case command(EngineCommand, metadata: CommandMetadata)
    /// The simulated clock moved to this time (the simulation's events are the entry's events).
    case advance(to: SimTime)
}

/// The one writer of a served pool: owns the engine, the session's journal and the API authority, and orders every
/// command and every clock step.
///
/// Group commit. Commands are applied at once, in arrival order, to the *head* engine and staged in the journal;
/// while one group is being written (one fsynced transaction, on the journal's own thread), later commands and
/// clock steps gather into the next group. Nothing is answered and nothing is published before the transaction
/// holding it has committed: a client never sees a fill a crash could lose. Reads (tickers, the book, positions)
/// are answered from ``engine``, the state after the last committed group, so a read never shows what is not
/// durable either; a connection's own command is committed before its reply, hence before its next read.
/// A failed write refuses its whole group and every command staged after it, and rolls the head back to
/// ``engine``; the journal then stops, and later commands are refused, as nothing more can be made durable.
public actor PoolSequencer {
    /// The pool as last made durable: what reads, replies and publications see.
    public private(set) var engine: Engine
    /// The pool with every sequenced entry applied, durable or not: new commands apply to it, in order.
    private var head: Engine
    /// Simulated seconds per wall second.
    public let speed: Double
    let journal: SessionJournal?
    private let writer: BatchWriterThread?
    var authority: APIAuthority
    private var random = SystemRandomNumberGenerator()
    private let logger: Logger
    /// Set by the first journal failure: later commands are refused, since nothing more can be made durable.
    public private(set) var failure: String?
    /// Entries applied to `head` and staged in the journal, not yet handed to the writer: the next group.
    private var staged: [Staged] = []
    /// Whether `commitGroups` is running (a group is being written, or about to be).
    private var committing = false
    /// Waiting for the commit loop to finish (`close`).
    private var drained: [CheckedContinuation<Void, Never>] = []
    /// Committed events not yet published.
    private var unpublished: [EngineEvent] = []
    /// Simulated milliseconds owed to the clock but smaller than one engine tick.
    private var owedMilliseconds = 0.0
    private var lastStep: Double?
    private var subscribers: [UUID: AsyncStream<Publication>.Continuation] = [:]
    private var closed = false
    /// Groups committed, and commands in them (for `pooldesk bench serve`).
    public private(set) var groupsCommitted = 0
    public private(set) var commandsCommitted = 0
    /// Recent committed fills (and, without a journal, labelled orders): the history's tail, or the whole history of
    /// a pool served in memory.
    private var history = OrderHistory()
    /// Labels of orders staged and not yet committed (`account|label`): a retry arriving meanwhile must not trade.
    private var labelsInFlight: Set<String> = []
    /// This server run, for replicas: sequences restart with each run, so a client that sees another id resyncs.
    public nonisolated let serverID: String
    /// The last committed entry's replica sequence number.
    public private(set) var replicaSequence: Int64 = 0
    /// The newest committed entries, for clients catching up after a short disconnection without a whole snapshot.
    private var replicaLog = Deque<ReplicaEntry>()
    /// Committed entries not yet published.
    private var unpublishedEntries: [ReplicaEntry] = []
    /// Entries kept for catching up: about 80 minutes of clock moves at 10 a second, plus the commands among them.
    public static let replicaLogCapacity = 50_000

    /// An entry applied to the head and staged, with whoever waits for it to be durable.
    private struct Staged {
        var entry: SequencedEntry
        var events: [EngineEvent]
        /// Resumed with true once the entry's transaction has committed, false when it was refused.
        var waiter: CheckedContinuation<Bool, Never>?
    }

    /// A sequencer for `engine`, journaling to `journal` (nil: in memory only), authenticating against `credentials`.
    public init(engine: Engine, journal: sending SessionJournal?, credentials: CredentialStore, speed: Double, logger: Logger) {
        self.engine = engine
        self.head = engine
        self.writer = journal.map { BatchWriterThread($0.batchWriter) }
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

    static let stoppedError = APIError(-32603, "Internal error", data: ["reason": "the journal is stopped"])
    static let failedError = APIError(-32603, "Internal error", data: ["reason": "the journal failed; nothing was applied"])

    /// Handles one JSON-RPC request for `connection`, sequencing a trade through the journal when it is one (the
    /// reply then waits until the trade is durable). Returns the response and whether the connection should close
    /// after it, or a client secret for the transport to check outside this actor (see
    /// ``completeAuthentication(_:_:connection:)``).
    public func handle(_ body: [UInt8], connection: inout APIConnection) async -> SequencedReply {
        let reply = connection.receive(body, engine: engine, authority: &authority, wallSeconds: Self.monotonicSeconds(),
                                       serverTime: Self.wallTime(), using: &random)
        switch reply {
        case .respond(let value): return .send(value, close: false)
        case .respondAndClose(let value): return .send(value, close: true)
        case .verifySecret(let check): return .verifySecret(check)
        case .apply(let command, let id, let render):
            let outcome = await sequence(command, render: render)
            return .send(JSONRPCDecoder.response(id: id, outcome), close: false)
        case .applyOrder(let request, let command, let id):
            return .send(JSONRPCDecoder.response(id: id, await placeOrder(request, command)), close: false)
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
    /// memory, remembered) answers with that order's first outcome and places nothing; a label whose order is still
    /// being committed is refused (ask again, or `get_order_state_by_label`); otherwise the command is sequenced with
    /// its label, written in the same transaction, and answered once durable.
    public func placeOrder(_ request: OrderRequest, _ command: EngineCommand) async -> Result<JSONValue, APIError> {
        var key: String?
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
            let inFlight = "\(request.account.index)|\(label)"
            guard !labelsInFlight.contains(inFlight) else {
                return .failure(APIError(10_047, "label_in_flight", data: [
                    "reason": "an order with this label is being committed: ask private/get_order_state_by_label in a moment",
                ]))
            }
            labelsInFlight.insert(inFlight)
            key = inFlight
        }
        defer { if let key { labelsInFlight.remove(key) } }
        let journalLabel = request.label.map { label in
            JournalOrderLabel(account: request.account, label: label, instrument: request.instrumentName, side: request.side,
                              amount: request.amount, orderType: request.orderType, price: request.limitPrice)
        }
        let outcome = await sequence(command, metadata: CommandMetadata(label: journalLabel)) { events, after in
            PlacedOrder(request: request, events: events, engine: after).map { Result.success($0) }
                ?? .failure(APIError(-32603, "Internal error", data: ["reason": "the order produced no fill and no refusal"]))
        }
        switch outcome {
        case .failure(let error): return .failure(error)
        case .success(let placed):
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
        let name = stored.label.instrument
        var request = OrderRequest(account: account, series: SeriesID(-1), instrumentName: name, side: stored.label.side,
                                   amount: stored.label.amount, orderType: stored.label.orderType, limitPrice: stored.label.price,
                                   label: label)
        if request.isStrategyOrder {
            // A strategy order: its reply is rebuilt from all its events (legs' fills and strategy event), as first
            // rendered. Its series (market, order id) is the combo's first leg, or for a close the first leg it traded.
            let traded = stored.events.lazy.compactMap { event -> SeriesID? in
                switch event.payload {
                case .orderFilled(let fill): fill.series
                case .orderRejected(_, let series, _, _, _): series
                default: nil
                }
            }.first
            request.series = (request.isCombo ? DeribitMethods.comboFirstSeries(name, engine: engine) : nil)
                ?? traded ?? Int(name.dropFirst(5)).flatMap { engine.strategy(StrategyID($0))?.legs.first?.series } ?? SeriesID(-1)
            return .success(PlacedOrder(request: request, events: stored.events, engine: engine))
        }
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
        request.series = seriesID ?? engine.resolveSeries(named: name) ?? engine.series.firstIndex { $0.name == name }.map(SeriesID.init) ?? SeriesID(-1)
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

    /// Numbers a committed entry for replicas, keeps it for catch-ups and queues it for publication.
    private func record(_ make: (Int64) -> ReplicaEntry) {
        replicaSequence += 1
        let entry = make(replicaSequence)
        unpublishedEntries.append(entry)
        replicaLog.append(entry)
        if replicaLog.count > Self.replicaLogCapacity { replicaLog.removeFirst(replicaLog.count - Self.replicaLogCapacity) }
    }

    /// Applies `command` and returns its events once they are durable (see ``sequence(_:metadata:render:)``).
    public func apply(_ command: EngineCommand, metadata: CommandMetadata = CommandMetadata()) async -> Result<[EngineEvent], APIError> {
        await sequence(command, metadata: metadata) { events, _ in .success(events) }
    }

    /// Applies `command` to the head in order, stages it in the journal with `metadata`, and returns `render`'s
    /// result once the group holding it has committed. `render` runs at once, against the state right after the
    /// command (every entry before it is in the same or an earlier group, so it is durable by the time the result
    /// is returned). A refused group returns the journal's error, with nothing applied.
    public func sequence<T: Sendable>(_ command: EngineCommand, metadata: CommandMetadata = CommandMetadata(),
                                      render: @Sendable ([EngineEvent], Engine) -> Result<T, APIError>) async -> Result<T, APIError> {
        guard failure == nil, !closed else { return .failure(Self.stoppedError) }
        let events = head.apply(command)
        if let journal {
            do {
                try journal.stage(command, events: events, engine: head, metadata: metadata)
            } catch {
                stop(error, lost: "\(command.summary) and the commands staged with it were not applied and not recorded")
                return .failure(Self.failedError)
            }
        }
        let rendered = render(events, head)
        let durable = await withCheckedContinuation { continuation in
            staged.append(Staged(entry: .command(command, metadata: metadata), events: events, waiter: continuation))
            commitIfIdle()
        }
        return durable ? rendered : .failure(Self.failedError)
    }

    /// Moves the simulated clock by the wall time since the last step times `speed`. The move is an entry of the
    /// next group; the publication to connected sessions follows once it has committed (a step that does not move
    /// the clock publishes what has committed since the last one at once).
    public func step() {
        guard !closed else { return }
        let now = Self.monotonicSeconds()
        defer { lastStep = now }
        if let last = lastStep, failure == nil {
            // A stalled process (a debugger, a suspended VM) catches up at most one second, not hours at once.
            owedMilliseconds += min(now - last, 1) * speed * 1000
            let tick = Double(head.configuration.tickInterval.milliseconds)
            let whole = (owedMilliseconds / tick).rounded(.down) * tick
            if whole > 0 {
                var events: [EngineEvent] = []
                let target = head.time + SimDuration(milliseconds: Int64(whole))
                head.advance(to: target, into: &events)
                owedMilliseconds -= whole
                if let journal {
                    do {
                        try journal.recordAdvance(events, engine: head)
                    } catch {
                        stop(error, lost: "the simulation since the last save was not recorded; resuming continues from there")
                        publish()
                        return
                    }
                }
                staged.append(Staged(entry: .advance(to: target), events: events, waiter: nil))
                commitIfIdle()
                return
            }
        }
        publish()
    }

    // MARK: - Group commit

    private func commitIfIdle() {
        guard !committing else { return }
        committing = true
        // High priority: the actor runs its queued jobs by priority, so the loop gets back on it as soon as a write
        // completes, ahead of the requests queued meanwhile; the next write starts without waiting behind them.
        Task(priority: .high) { await commitGroups() }
    }

    /// Writes the staged entries as one group, then whatever gathered meanwhile, until nothing is staged.
    private func commitGroups() async {
        while !staged.isEmpty, failure == nil {
            let group = staged
            staged.removeAll(keepingCapacity: true)
            let after = head
            if let journal, let writer {
                let outcome: Result<JournalBatch, JournalError>
                do {
                    let batch = try journal.takeBatch(engine: after, snapshotIfDue: true)
                    // Suspends this loop, not the actor: commands keep arriving and gather in `staged`.
                    outcome = await writer.write(batch).map { batch }
                } catch {
                    outcome = .failure(error as? JournalError ?? JournalError("\(error)"))
                }
                switch outcome {
                case .failure(let error):
                    journal.didFail(error)
                    refuse(group, error: error)
                case .success(let batch):
                    journal.didWrite(batch)
                }
                if case .failure = outcome { break }
            }
            commit(group, engine: after)
        }
        committing = false
        for waiter in drained { waiter.resume() }
        drained.removeAll()
    }

    /// The one place where committed entries leave the sequencer, in order: the group's transaction has
    /// committed, so its replies are released and its events join the next publication.
    private func commit(_ group: [Staged], engine after: Engine) {
        engine = after
        // After a failure elsewhere (a command that could not be staged) the head was rolled back; this group was
        // durable all the same, so it is the state to keep.
        if failure != nil { head = after }
        var advanced = false
        for item in group {
            unpublished += item.events
            history.record(item.events)
            switch item.entry {
            case .advance(let time):
                advanced = true
                record { .advance(sequence: $0, to: time) }
            case .command(let command, _):
                record { .command(sequence: $0, command) }
            }
        }
        groupsCommitted += 1
        for item in group {
            if case .command = item.entry { commandsCommitted += 1 }
            item.waiter?.resume(returning: true)
        }
        // A clock step is published at once. A commands-only group is published at once when the commit loop is about
        // to go idle (a fill reaches the other peers' logs and replicas without waiting for the clock); under a
        // stream of orders, groups ride with the next clock step instead, so a thousand connections are not woken
        // for every group. Tickers speak only on clock steps (`isTick`).
        if advanced || staged.isEmpty { publish(tick: advanced) }
    }

    /// A failed write: the group and everything staged after it are refused, and the head goes back to the last
    /// committed state.
    private func refuse(_ group: [Staged], error: JournalError) {
        let later = staged
        staged.removeAll()
        head = engine
        let commands = (group + later).filter { if case .command = $0.entry { true } else { false } }.count
        stop(error, lost: "\(Plural.count(commands, "command")) of the failed group and after it were refused and rolled back")
        for item in group + later { item.waiter?.resume(returning: false) }
    }

    private func publish(tick: Bool = true) {
        let publication = Publication(events: unpublished, engine: engine, serverID: serverID, replicaEntries: unpublishedEntries, isTick: tick)
        unpublished.removeAll(keepingCapacity: true)
        unpublishedEntries.removeAll(keepingCapacity: true)
        for continuation in subscribers.values { continuation.yield(publication) }
    }

    // MARK: - Sessions

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

    /// Refuses new commands, waits until every staged group is written (and its clients answered), then writes the
    /// final flush and snapshot and ends every publication stream.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        if committing { await withCheckedContinuation { drained.append($0) } }
        publish()
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
        if failure == nil { try journal?.close(engine: engine) }
    }

    private func stop(_ error: any Error, lost: String) {
        if failure == nil { failure = "\(error) (\(lost))" }
        head = engine
        logger.error("journal: \(error) (\(lost))")
        // Anything staged cannot be written any more: refuse it now rather than leave its clients waiting.
        let waiting = staged
        staged.removeAll()
        for item in waiting { item.waiter?.resume(returning: false) }
    }
}

/// Writes journal batches on one dedicated thread, so an fsync blocks neither the sequencer nor Swift's
/// cooperative threads (two on this machine), and batches are written in the order they were handed over.
final class BatchWriterThread: Sendable {
    private let writer: JournalBatchWriter
    private let queue = DispatchQueue(label: "pooldesk.journal.writer", qos: .userInitiated)

    init(_ writer: JournalBatchWriter) {
        self.writer = writer
    }

    func write(_ batch: JournalBatch) async -> Result<Void, JournalError> {
        await withCheckedContinuation { continuation in
            queue.async { [writer] in
                do {
                    try writer.write(batch)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error as? JournalError ?? JournalError("\(error)")))
                }
            }
        }
    }
}

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
    private let journal: SessionJournal?
    private let writer: BatchWriterThread?
    private var authority: APIAuthority
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
    /// reply then waits until the trade is durable). Returns the response and whether the connection should close.
    public func handle(_ body: [UInt8], connection: inout APIConnection) async -> (response: JSONValue, close: Bool) {
        let reply = connection.receive(body, engine: engine, authority: &authority, wallSeconds: Self.monotonicSeconds(),
                                       serverTime: Self.wallTime(), using: &random)
        switch reply {
        case .respond(let value): return (value, false)
        case .respondAndClose(let value): return (value, true)
        case .apply(let command, let id, let render):
            let outcome = await sequence(command, render: render)
            return (JSONRPCDecoder.response(id: id, outcome), false)
        }
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
            if case .advance = item.entry { advanced = true }
        }
        groupsCommitted += 1
        for item in group {
            if case .command = item.entry { commandsCommitted += 1 }
            item.waiter?.resume(returning: true)
        }
        if advanced { publish() }
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

    private func publish() {
        let publication = Publication(events: unpublished, engine: engine)
        unpublished.removeAll(keepingCapacity: true)
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

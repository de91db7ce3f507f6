import Logging
import PoolDeskJournal
import PoolDeskUI
import PoolEngine

/// The embedded engine, journaled: every command is applied to a copy, written with its events, and only then shown.
final class EmbeddedDeskDriver: DeskDriver {
    private(set) var engine: Engine
    /// The session's journal (nil: not journaled, or watched read-only).
    let journal: SessionJournal?
    /// The clock never moves (the read-only dashboard shows a session as journaled, without simulating further).
    let isFrozen: Bool
    let logger: Logger
    private(set) var failure: String?
    /// Announces the end of recorded prices (once per run).
    private var historyEnd = HistoryEndNotice()

    init(engine: Engine, journal: SessionJournal?, isFrozen: Bool = false, logger: Logger) {
        self.engine = engine
        self.journal = journal
        self.isFrozen = isFrozen
        self.logger = logger
    }

    var canAdvance: Bool { !isFrozen && failure == nil }

    /// Says once, on the status line, that recorded prices have run out and their markets hold the last close.
    func pendingNotices() -> [DashboardAction] {
        historyEnd.take(from: engine).map { [$0] } ?? []
    }

    func advance(milliseconds: Double, outOfTime: () -> Bool) -> (events: [EngineEvent], consumed: Double) {
        let tick = Double(engine.configuration.tickInterval.milliseconds)
        var remaining = milliseconds
        var consumed = 0.0
        var events: [EngineEvent] = []
        while remaining >= tick {
            // Advance in slices so the time budget is checked often even at high speed.
            let whole = (min(remaining, tick * 50) / tick).rounded(.down) * tick
            engine.advance(to: engine.time + SimDuration(milliseconds: Int64(whole)), into: &events)
            remaining -= whole
            consumed += whole
            if outOfTime() { break }
        }
        if consumed > 0 { journalAdvance(events) }
        return (events, consumed)
    }

    func submit(_ command: EngineCommand) -> Result<[EngineEvent], DeskRefusal> {
        guard failure == nil else { return .failure(DeskRefusal(failure ?? "the journal failed")) }
        guard let journal else { return .success(engine.apply(command)) }
        do {
            // Journaled first: the desk sees a result only once it is on disk.
            return .success(try journal.apply(command, to: &engine))
        } catch {
            stop(error, lost: "\(command.summary) was not applied and not recorded")
            return .failure(DeskRefusal(failure ?? "the journal failed"))
        }
    }

    /// Journals simulation events (batched by the journal); a failure stops the session.
    private func journalAdvance(_ events: [EngineEvent]) {
        guard let journal, failure == nil else { return }
        do {
            try journal.recordAdvance(events, engine: engine)
            try journal.flushIfDue(engine: engine)
        } catch {
            stop(error, lost: "the simulation since the last save was not recorded; resuming continues from there")
        }
    }

    private func stop(_ error: any Error, lost: String) {
        failure = "\(error) (\(lost))"
        logger.error("journal: \(error)")
    }
}

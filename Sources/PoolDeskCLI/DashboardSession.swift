import Logging
import PoolDeskJournal
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The imperative shell around the dashboard: wall clock → engine time, keys → reducer → engine, state → frames.
final class DashboardSession {
    var engine: Engine
    var state: DashboardState
    let terminal: DeskTerminal
    private var screen: TerminalScreen { terminal.screen }
    private var pacer: FramePacer
    let logger: Logger
    /// The session's journal (nil: not journaled). Commands are written before their events are shown.
    var journal: SessionJournal?
    /// Set when a journal write failed; the session then stops rather than show unrecorded results.
    private(set) var journalFailure: String?

    /// Simulated milliseconds owed to the engine (fractions carry over between frames).
    private var pendingSimulatedMilliseconds = 0.0

    /// Longest wall time spent advancing the engine per frame, so keys stay responsive at any speed.
    static let advanceBudgetSeconds = 0.030
    /// Backlog beyond which the engine is declared stale and the backlog dropped.
    static let staleBacklogMilliseconds = 5_000.0

    init(engine: Engine, state: DashboardState, terminal: DeskTerminal, framesPerSecond: Int, logger: Logger) {
        self.engine = engine
        self.state = state
        self.terminal = terminal
        self.pacer = FramePacer(framesPerSecond: framesPerSecond)
        self.logger = logger
    }

    /// Runs until the user quits or a termination signal arrives.
    func run() {
        var dirty = true
        pacer.restart(now: monotonicSeconds())
        while !state.shouldQuit && !TerminalSignals.pendingTermination {
            let now = monotonicSeconds()
            let elapsed = pacer.elapsed(now: now)
            if !state.paused {
                pendingSimulatedMilliseconds += elapsed * 1000 * state.speed
                if advanceEngine() { dirty = true }
            } else {
                pendingSimulatedMilliseconds = 0
            }
            if let rate = pacer.closeTickWindow(now: now) { state.tickRate = rate }
            if dirty, pacer.isFrameDue(now: now) {
                present()
                pacer.framePresented(now: now)
                dirty = false
            }
            if let key = screen.readKey(timeoutMilliseconds: pacer.keyTimeoutMilliseconds(idle: state.paused && !dirty)) {
                handle(key)
                dirty = true
                // Drain keys typed in a burst before drawing again.
                while let next = screen.readKey(timeoutMilliseconds: 0) {
                    handle(next)
                    if state.shouldQuit { break }
                }
            }
        }
    }

    /// Advances the engine by whole ticks within the frame budget; returns whether time moved.
    private func advanceEngine() -> Bool {
        let tick = Double(engine.configuration.tickInterval.milliseconds)
        guard pendingSimulatedMilliseconds >= tick else { return false }
        let started = monotonicSeconds()
        let startTicks = engine.statistics.ticks
        var events: [EngineEvent] = []
        while pendingSimulatedMilliseconds >= tick {
            // Advance in slices so the budget check runs often even at high speed.
            let slice = min(pendingSimulatedMilliseconds, tick * 50)
            let whole = (slice / tick).rounded(.down) * tick
            engine.advance(to: engine.time + SimDuration(milliseconds: Int64(whole)), into: &events)
            pendingSimulatedMilliseconds -= whole
            if monotonicSeconds() - started > Self.advanceBudgetSeconds { break }
        }
        state.isStale = pendingSimulatedMilliseconds > Self.staleBacklogMilliseconds
        if state.isStale {
            logger.warning("engine behind by \(Int(pendingSimulatedMilliseconds)) ms of simulated time; dropping the backlog")
            pendingSimulatedMilliseconds = 0
        }
        pacer.count(ticks: engine.statistics.ticks - startTicks)
        journalAdvance(events)
        EventLogFormatter.receive(events, state: &state, engine: engine)
        return true
    }

    private func present() {
        terminal.present(state: state, engine: engine)
    }

    private func handle(_ key: KeyPress) {
        if key == .resize {
            screen.requestFullRepaint()
            return
        }
        let effects = DashboardReducer.reduce(&state, key: key, engine: engine)
        for effect in effects {
            switch effect {
            case .engine(let command):
                // Applied to a copy and journaled first: the desk sees a result only once it is on disk.
                var next = engine
                let events = next.apply(command)
                guard journalCommand(command, events: events, engine: next) else { return }
                engine = next
                logger.info("command \(String(describing: command)) → \(Plural.count(events.count, "event"))")
                EventLogFormatter.receive(events, state: &state, engine: engine)
            case .applyTheme(let name):
                switch terminal.applyTheme(named: name) {
                case .success(let theme):
                    state.themeName = theme.name
                    state.status = StatusMessage("theme \(theme.name)")
                case .failure(let error):
                    state.status = StatusMessage(error.description, role: .danger)
                    logger.error("theme \(name): \(error.description)")
                }
            case .redraw:
                screen.requestFullRepaint()
            case .quit:
                state.shouldQuit = true
            }
        }
    }
}

extension DashboardSession {
    /// Journals simulation events (batched by the journal); a failure stops the session.
    func journalAdvance(_ events: [EngineEvent]) {
        guard let journal, journalFailure == nil else { return }
        do {
            try journal.recordAdvance(events, engine: engine)
            try journal.flushIfDue(engine: engine)
        } catch {
            stopForJournal(error)
        }
    }

    /// Journals a command and its events in one transaction; false (and the session stops) when that failed.
    func journalCommand(_ command: EngineCommand, events: [EngineEvent], engine next: Engine) -> Bool {
        guard let journal else { return true }
        guard journalFailure == nil else { return false }
        do {
            try journal.recordCommand(command, events: events, engine: next)
            return true
        } catch {
            stopForJournal(error)
            return false
        }
    }

    private func stopForJournal(_ error: any Error) {
        journalFailure = "\(error) (the order shown last was not recorded)"
        logger.error("journal: \(error)")
        state.shouldQuit = true
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

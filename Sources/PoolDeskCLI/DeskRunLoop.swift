import Logging
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// The dashboard's one run loop, for every mode: wall time (from an injected clock) becomes simulated time through
/// a ``DeskDriver``, keys and driver output become ``DashboardAction``s for the reducer, and state becomes frames on
/// a ``ScreenBackend``. The embedded dashboard, the replay and (later) the network client differ only in their driver.
final class DeskRunLoop<C: Clock> where C.Duration == Duration {
    private(set) var state: DashboardState
    let driver: any DeskDriver
    let terminal: DeskTerminal
    let clock: C
    let logger: Logger
    /// Polled every iteration: true ends the loop (a termination signal arrived).
    let shouldStop: () -> Bool
    private var pacer: FramePacer
    /// Simulated milliseconds owed to the driver (fractions carry over between frames).
    private var pendingSimulatedMilliseconds = 0.0
    private let origin: C.Instant

    /// Longest time spent advancing the engine per iteration, so keys stay responsive at any speed.
    static var advanceBudget: Duration { .milliseconds(30) }
    /// Backlog beyond which the engine is declared stale and the backlog dropped.
    static var staleBacklogMilliseconds: Double { 5_000 }

    private var screen: any ScreenBackend { terminal.screen }

    init(state: DashboardState, driver: any DeskDriver, terminal: DeskTerminal, clock: C, framesPerSecond: Int,
         logger: Logger, shouldStop: @escaping () -> Bool) {
        self.state = state
        self.driver = driver
        self.terminal = terminal
        self.clock = clock
        self.logger = logger
        self.shouldStop = shouldStop
        self.origin = clock.now
        self.pacer = FramePacer(framesPerSecond: framesPerSecond, now: 0)
    }

    /// Seconds on the injected clock since the loop was made.
    private var now: Double { origin.duration(to: clock.now).inSeconds }

    /// Runs until the user quits, the driver fails or `shouldStop` says so.
    func run() {
        var dirty = true
        pacer.restart(now: now)
        while !state.shouldQuit && !shouldStop() {
            let time = now
            let elapsed = pacer.elapsed(now: time)
            if !state.paused && driver.canAdvance {
                pendingSimulatedMilliseconds += elapsed * 1000 * state.speed
                if advance() { dirty = true }
            } else {
                pendingSimulatedMilliseconds = 0
            }
            for notice in driver.pendingNotices() {
                send(notice)
                dirty = true
            }
            if driver.failure != nil { send(.stop); break }
            if let rate = pacer.closeTickWindow(now: time) { send(.tickRateMeasured(rate)) }
            if dirty, pacer.isFrameDue(now: time) {
                terminal.present(state: state, engine: driver.engine)
                // A ticket opened by the keys before this frame is on screen now: only from here on does it take keys.
                send(.framePresented(width: screen.size.width, height: screen.size.height))
                pacer.framePresented(now: time)
                dirty = false
            }
            let idle = (state.paused || !driver.canAdvance) && !dirty
            if let key = screen.readKey(timeoutMilliseconds: pacer.keyTimeoutMilliseconds(idle: idle, now: now)) {
                handle(key)
                dirty = true
                // Drain keys typed in a burst before drawing again.
                while !state.shouldQuit, let next = screen.readKey(timeoutMilliseconds: 0) { handle(next) }
            }
        }
    }

    /// Feeds one action to the reducer; engine commands it asks for go to the driver.
    private func send(_ action: DashboardAction) {
        for effect in DashboardReducer.reduce(&state, action: action, engine: driver.engine) { perform(effect) }
    }

    private func perform(_ effect: DashboardEffect) {
        switch effect {
        case .engine(let command):
            switch driver.submit(command) {
            case .success(let events):
                logger.info("command \(String(describing: command)) → \(events.count) events")
                send(.engineEvents(events))
            case .failure(let refusal):
                send(.notice(StatusMessage(refusal.message, role: .warning)))
            }
            if driver.failure != nil { send(.stop) }
        case .applyTheme(let name):
            switch terminal.applyTheme(named: name) {
            case .success(let theme): send(.themeApplied(theme.name))
            case .failure(let error):
                logger.error("theme \(name): \(error.description)")
                send(.themeFailed(name: name, reason: error.description))
            }
        case .redraw:
            screen.requestFullRepaint()
        case .quit:
            break  // the reducer has already set shouldQuit
        }
    }

    private func handle(_ key: KeyPress) {
        if key == .resize {
            screen.requestFullRepaint()
            return
        }
        if let actions = driver.handle(key, state: state) {
            pendingSimulatedMilliseconds = 0
            for action in actions { send(action) }
            return
        }
        send(.key(key))
    }

    /// Advances the driver by what is owed, within the time budget; returns whether simulated time moved.
    private func advance() -> Bool {
        let deadline = clock.now.advanced(by: Self.advanceBudget)
        let ticksBefore = driver.engine.statistics.ticks
        let (events, consumed) = driver.advance(milliseconds: pendingSimulatedMilliseconds) { [clock] in clock.now >= deadline }
        pendingSimulatedMilliseconds -= consumed
        // Judged whether or not anything moved: an engine that manages nothing at all is the stalest of all.
        let stale = pendingSimulatedMilliseconds > Self.staleBacklogMilliseconds
        if stale {
            logger.warning("engine behind by \(Int(pendingSimulatedMilliseconds)) ms of simulated time; dropping the backlog")
            pendingSimulatedMilliseconds = 0
        }
        if stale != state.isStale { send(.stalenessChanged(stale)) }
        guard consumed > 0 else { return stale }
        pacer.count(ticks: driver.engine.statistics.ticks - ticksBefore)
        // Sent even when empty: time moving is news by itself (a board under the cursor reaching its cutoff, a ticket
        // on a series that stopped trading), and the reducer only learns of it through an action.
        send(.engineEvents(events))
        return true
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

import ArgumentParser
import Logging
import PoolDeskJournal
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// `pooldesk replay FILE [--speed N]`: a recorded session in the dashboard, read-only, with pause and seek.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded session back in the dashboard (read-only; space pauses, , . seek an hour, g G start/end).",
        discussion: "The session is re-simulated from its journal, so every frame is what the live dashboard showed "
            + "at that simulated time. The file is opened read-only."
    )

    @Argument(help: "The session journal (.sqlite).")
    var file: String

    @Option(help: "Simulated seconds per wall-clock second (\(SessionLimits.text(SessionLimits.speed))).")
    var speed: Double = 60

    @Option(help: "Theme name (see `pooldesk themes`) or path to a .toml file.")
    var theme: String = "default"

    @Flag(help: "ASCII borders and charts instead of Unicode.")
    var ascii = false

    @Option(help: "Frame-rate cap (\(SessionLimits.text(SessionLimits.framesPerSecond))).")
    var fps: Int = 20

    func validate() throws {
        try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed")
        try FlagLimits.check(fps, in: SessionLimits.framesPerSecond, flag: "--fps")
    }

    func run() throws {
        let driver: ReplayDriver
        do {
            driver = try ReplayDriver.load(path: file)
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        var state = DashboardState(
            deskAccount: driver.session.deskAccount, marketCount: driver.engine.markets.count, readOnly: true,
            speed: speed, themeName: loadedTheme.name, availableThemes: catalog.list().map(\.name))
        state.isReplay = true
        state.status = StatusMessage(ReplayKeyMap.hint, role: .info)
        EventLogFormatter.receive(driver.setupEvents, state: &state, engine: driver.engine)
        let logger = SessionLog.open(environment: environment)
        logger.info("replay starting: \(file) \(driver.start) → \(driver.end)")
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        let session = ReplaySession(driver: driver, state: state, terminal: terminal, framesPerSecond: fps, logger: logger)
        session.run()
        terminal.screen.restore()
        logger.info("replay stopped")
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }
}

/// The replay run loop: like `DashboardSession`, but time comes from the journal's re-simulation and
/// engine commands from keys are refused.
final class ReplaySession {
    var driver: ReplayDriver
    var state: DashboardState
    let terminal: DeskTerminal
    private var screen: TerminalScreen { terminal.screen }
    private var pacer: FramePacer
    let logger: Logger
    private var pendingSimulatedMilliseconds = 0.0

    init(driver: ReplayDriver, state: DashboardState, terminal: DeskTerminal, framesPerSecond: Int, logger: Logger) {
        self.driver = driver
        self.state = state
        self.terminal = terminal
        self.pacer = FramePacer(framesPerSecond: framesPerSecond)
        self.logger = logger
    }

    func run() {
        var dirty = true
        var announcedEnd = false
        pacer.restart(now: monotonicSeconds())
        while !state.shouldQuit && !TerminalSignals.pendingTermination {
            let now = monotonicSeconds()
            let elapsed = pacer.elapsed(now: now)
            if let rate = pacer.closeTickWindow(now: now) { state.tickRate = rate }
            if !state.paused && !driver.isAtEnd {
                pendingSimulatedMilliseconds += elapsed * 1000 * state.speed
                let tick = Double(driver.engine.configuration.tickInterval.milliseconds)
                if pendingSimulatedMilliseconds >= tick {
                    let whole = (pendingSimulatedMilliseconds / tick).rounded(.down) * tick
                    pendingSimulatedMilliseconds -= whole
                    var events: [EngineEvent] = []
                    let ticks = driver.engine.statistics.ticks
                    driver.advance(to: driver.engine.time + SimDuration(milliseconds: Int64(whole)), into: &events)
                    pacer.count(ticks: driver.engine.statistics.ticks - ticks)
                    EventLogFormatter.receive(events, state: &state, engine: driver.engine)
                    dirty = true
                }
            } else {
                pendingSimulatedMilliseconds = 0
            }
            if driver.isAtEnd && !announcedEnd {
                announcedEnd = true
                state.status = StatusMessage("end of the recording at \(driver.end) · g restarts · q quits", role: .info)
                dirty = true
            }
            if dirty, pacer.isFrameDue(now: now) {
                terminal.present(state: state, engine: driver.engine)
                pacer.framePresented(now: now)
                dirty = false
            }
            let idle = (state.paused || driver.isAtEnd) && !dirty
            if let key = screen.readKey(timeoutMilliseconds: pacer.keyTimeoutMilliseconds(idle: idle)) {
                handle(key)
                dirty = true
                while let next = screen.readKey(timeoutMilliseconds: 0) {
                    handle(next)
                    if state.shouldQuit { break }
                }
                if !driver.isAtEnd { announcedEnd = false }
            }
        }
    }

    private func handle(_ key: KeyPress) {
        if key == .resize {
            screen.requestFullRepaint()
            return
        }
        if let seek = ReplayKeyMap.action(for: key, state: state) {
            let before = driver.engine.time
            let target = ReplayKeyMap.target(of: seek, now: before, start: driver.start, end: driver.end)
            let events = driver.seek(to: target)
            // Going back rebuilds from a keyframe: the log restarts with what happened since it.
            if target < before { state.log = [] }
            EventLogFormatter.receive(events, state: &state, engine: driver.engine)
            pendingSimulatedMilliseconds = 0
            state.status = StatusMessage("replay at \(driver.engine.time) (\(seek.rawValue))", role: .info)
            return
        }
        for effect in DashboardReducer.reduce(&state, key: key, engine: driver.engine) {
            switch effect {
            case .engine:
                state.status = StatusMessage("replay is read-only", role: .warning)
            case .applyTheme(let name):
                switch terminal.applyTheme(named: name) {
                case .success(let theme): state.themeName = theme.name
                case .failure(let error): state.status = StatusMessage(error.description, role: .danger)
                }
            case .redraw:
                screen.requestFullRepaint()
            case .quit:
                state.shouldQuit = true
            }
        }
    }
}

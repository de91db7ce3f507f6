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

    @Flag(help: "ASCII borders and charts instead of Unicode (automatic on the Linux console, TERM=linux).")
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
        // The journal is only read (a bad one is named first); nothing opens without a terminal.
        try DeskTerminal.requireInteractiveTerminal()
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        var state = DashboardState(
            deskAccount: driver.session.deskAccount, marketCount: driver.engine.markets.count, readOnly: true,
            speed: speed, themeName: loadedTheme.name, availableThemes: catalog.list().map(\.name), isReplay: true,
            status: StatusMessage(ReplayKeyMap.hint, role: .info))
        _ = DashboardReducer.reduce(&state, action: .engineEvents(driver.setupEvents), engine: driver.engine)
        let logger = SessionLog.open(environment: environment)
        logger.info("replay starting: \(file) \(driver.start) → \(driver.end)")
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        let loop = DeskRunLoop(state: state, driver: ReplayDeskDriver(driver), terminal: terminal, clock: ContinuousClock(),
                               framesPerSecond: fps, logger: logger, shouldStop: { TerminalSignals.pendingTermination })
        loop.run()
        terminal.screen.restore()
        logger.info("replay stopped")
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }
}

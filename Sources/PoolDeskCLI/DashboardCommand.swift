import ArgumentParser
import Foundation
import PoolDeskJournal
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// `pooldesk` (no subcommand): the full-screen dashboard on a seeded simulation.
public struct DashboardCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the live dashboard (the default when no subcommand is given)."
    )

    @Option(help: "Seed of the simulation (default 1); giving one starts a new journaled session.")
    var seed: UInt64?

    @Option(help: "Session journal to resume, or to create when missing (default: the last session under $XDG_DATA_HOME/pooldesk/sessions).")
    var journal: String?

    @Flag(help: "Start a new session instead of resuming the last one.")
    var new = false

    @Option(help: "Simulated seconds per wall-clock second (1–3600).")
    var speed: Double?

    @Option(help: "Theme name (see `pooldesk themes`) or path to a .toml file.")
    var theme: String = "default"

    @Option(help: "Number of simulated traders and LPs (0–1000).")
    var bots: Int?

    @Flag(help: "A lively preset for presentations: faster clock, more and busier simulated traders.")
    var demo = false

    @Flag(name: .customLong("read-only"), help: "Monitoring only: order keys are off.")
    var readOnly = false

    @Flag(help: "ASCII borders and charts instead of Unicode.")
    var ascii = false

    @Option(help: "Frame-rate cap (1–60).")
    var fps: Int = 20

    @Option(help: "Price protection: the worst total an order accepts, as a percentage past its preview (0%–50%, default 1%).")
    var slippage: String = "1%"

    public init() {}

    public func validate() throws {
        if let speed, !(speed > 0 && speed <= 3600) { throw ValidationError("--speed must be within 1–3600, got \(speed)") }
        if let bots, !(0...1000).contains(bots) { throw ValidationError("--bots must be within 0–1000, got \(bots)") }
        if !(1...60).contains(fps) { throw ValidationError("--fps must be within 1–60, got \(fps)") }
        guard let tolerance = CommandLineParser.parsePercent(slippage), DashboardState.slippageRange.contains(tolerance) else {
            throw ValidationError("--slippage must be a percentage within 0%–50%, got \(slippage)")
        }
    }

    public func run() throws {
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        var participants = ParticipantConfiguration(count: bots ?? (demo ? 40 : 20))
        if demo { participants.meanActionInterval = .minutes(4) }
        let opened = try openJournal(participants: participants)
        // A resumed session's newest events refill the log; the status line then says where the session stands.
        var state = DashboardState(
            deskAccount: opened.deskAccount, marketCount: opened.engine.markets.count, readOnly: readOnly,
            speed: speed ?? (demo ? 120 : 60), themeName: loadedTheme.name,
            availableThemes: catalog.list().map(\.name), slippage: CommandLineParser.parsePercent(slippage) ?? 0.01)
        if opened.resumed {
            _ = DashboardReducer.reduce(&state, action: .engineEvents(opened.recentEvents), engine: opened.engine)
        }
        _ = DashboardReducer.reduce(&state, action: .notice(StatusMessage(opened.resumed
            ? opened.note + ((bots != nil || demo) ? " · --bots/--demo apply to new sessions (--new)" : "")
            : "seed \(opened.journal.parameters.seed) · b buys the selected series · ? shows every key", role: .info)), engine: opened.engine)
        let logger = SessionLog.open(environment: environment)
        logger.info("dashboard starting: journal=\(opened.journal.path) seed=\(opened.journal.parameters.seed) speed=\(state.speed) bots=\(participants.count) theme=\(loadedTheme.name)")
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        let driver = EmbeddedDeskDriver(engine: opened.engine, journal: opened.journal, logger: logger)
        let loop = DeskRunLoop(state: state, driver: driver, terminal: terminal, clock: ContinuousClock(), framesPerSecond: fps,
                               logger: logger, shouldStop: { TerminalSignals.pendingTermination })
        loop.run()
        terminal.screen.restore()
        if let failure = driver.failure { throw PoolDeskError(failure) }
        do {
            try opened.journal.close(engine: driver.engine)
        } catch {
            throw PoolDeskError("\(error)")
        }
        logger.info("dashboard stopped")
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }

    /// The journaled session to run: `--journal PATH` (resumed or created), a new one for `--new`/`--seed`,
    /// else the last session. A bad journal is one line and exit code 2, and is never overwritten.
    private func openJournal(participants: ParticipantConfiguration) throws -> OpenedSession {
        let parameters = SessionParameters(seed: seed ?? 1, participants: participants)
        let path: String
        if let journal {
            if FileManager.default.fileExists(atPath: journal) && (new || seed != nil) {
                throw PoolDeskError("\(journal) already holds a session; --new and --seed start fresh ones: choose another --journal path")
            }
            path = journal
        } else if new || seed != nil {
            path = SessionLocation.newPath(seed: seed ?? 1)
        } else {
            path = SessionLocation.lastSession() ?? SessionLocation.newPath(seed: 1)
        }
        let opened = try JournalOpening.openOrCreate(path: path, parameters: parameters, createdBy: "pooldesk dashboard")
        SessionLocation.remember(path)
        return opened
    }
}

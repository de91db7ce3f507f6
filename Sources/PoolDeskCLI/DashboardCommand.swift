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

    @Option(help: "Simulated seconds per wall-clock second (\(SessionLimits.text(SessionLimits.speed))).")
    var speed: Double?

    @Option(help: "Theme name (see `pooldesk themes`) or path to a .toml file.")
    var theme: String = "default"

    @Option(help: "Number of simulated traders and LPs (\(SessionLimits.text(SessionLimits.participants))); new sessions only.")
    var bots: Int?

    @Option(help: "Configuration file (TOML; see `pooldesk config --default`) for a new session; --bots and --demo override its participants. A resumed session must have been started with the same configuration.")
    var config: String?

    @Flag(help: "A lively preset for presentations: faster clock, more and busier simulated traders; new sessions only.")
    var demo = false

    @Flag(name: .customLong("read-only"), help: "Monitoring only: shows an existing session as journaled, writes nothing, order keys off.")
    var readOnly = false

    @Flag(help: "ASCII borders and charts instead of Unicode (automatic on the Linux console, TERM=linux).")
    var ascii = false

    @Option(help: "Frame-rate cap (\(SessionLimits.text(SessionLimits.framesPerSecond))).")
    var fps: Int = 20

    @Option(help: "Price protection: the worst total an order accepts, as a percentage past its preview (0%–50%, default 1%).")
    var slippage: String = "1%"

    @OptionGroup var priceOptions: PriceOptions

    public init() {}

    public func validate() throws {
        if let speed { try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed") }
        if let bots { try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots") }
        try FlagLimits.check(fps, in: SessionLimits.framesPerSecond, flag: "--fps")
        guard let tolerance = CommandLineParser.parsePercent(slippage), DashboardState.slippageRange.contains(tolerance) else {
            throw ValidationError("--slippage must be a percentage within 0%–50%, got \(slippage)")
        }
        if readOnly && (new || seed != nil || priceOptions.isGiven) {
            throw ValidationError("--read-only watches an existing session; it cannot start one (--new/--seed/--prices)")
        }
        if readOnly, config != nil { throw ValidationError("--config applies only to new sessions; --read-only watches an existing one") }
        if readOnly, let flag = newSessionOnlyFlag {
            throw ValidationError("\(flag) only to new sessions; --read-only watches an existing one")
        }
    }

    public func run() throws {
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        var settings = try SessionConfigOption.settings(path: config)
        settings.participants.count = bots ?? (demo ? 40 : settings.participants.count)
        if demo { settings.participants.meanActionInterval = .minutes(4) }
        let participants = settings.participants
        // Recorded prices are read and checked before anything is opened: a bad file is one line and exit 2.
        var gapWarnings: [String] = []
        if priceOptions.isGiven {
            let applied = try priceOptions.sources().apply(to: settings.configuration)
            settings.configuration = applied.configuration
            gapWarnings = applied.warnings
            for warning in gapWarnings { writeStandardError("pooldesk: warning: \(warning)\n") }
        }
        let opened = readOnly ? try openForWatching() : try openJournal(settings: settings)
        // A resumed session's newest events refill the log; the status line then says where the session stands.
        var state = DashboardState(
            deskAccount: opened.deskAccount, marketCount: opened.engine.markets.count, readOnly: readOnly,
            speed: speed ?? (demo ? 120 : 60), themeName: loadedTheme.name,
            availableThemes: catalog.list().map(\.name), slippage: CommandLineParser.parsePercent(slippage) ?? 0.01)
        let logger = SessionLog.open(environment: environment)
        let viewFile = UIStateFile(journal: opened.path, environment: environment)
        if opened.resumed {
            _ = DashboardReducer.reduce(&state, action: .engineEvents(opened.recentEvents), engine: opened.engine)
            // The view this session was left in (market, positions sort, speed); a --speed given now wins.
            if var saved = viewFile.load(logger: logger) {
                if speed != nil { saved.speed = nil }
                _ = DashboardReducer.reduce(&state, action: .restoreView(saved), engine: opened.engine)
            }
        }
        _ = DashboardReducer.reduce(&state, action: .notice(StatusMessage(opened.resumed
            ? opened.note
            : gapWarnings.isEmpty ? "seed \(opened.seed) · b buys the selected series · ? shows every key"
            : "seed \(opened.seed) · \(Plural.count(gapWarnings.count, "gap")) in the price files bridged (printed on exit and in the log)",
            role: gapWarnings.isEmpty ? .info : .warning)), engine: opened.engine)
        for warning in gapWarnings { logger.warning("\(warning)") }
        logger.info("dashboard starting: journal=\(opened.path) seed=\(opened.seed) speed=\(state.speed) bots=\(participants.count) theme=\(loadedTheme.name) read-only=\(readOnly)")
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        // Watching: the clock stays where the journal ends; simulating on would show a future the writer never had.
        let driver = EmbeddedDeskDriver(engine: opened.engine, journal: opened.journal, isFrozen: opened.journal == nil, logger: logger)
        let loop = DeskRunLoop(state: state, driver: driver, terminal: terminal, clock: ContinuousClock(), framesPerSecond: fps,
                               logger: logger, shouldStop: { TerminalSignals.pendingTermination })
        loop.run()
        terminal.screen.restore()
        // --read-only writes nothing, this file included.
        if !readOnly { viewFile.save(loop.state.savedView(engine: driver.engine), logger: logger) }
        if let failure = driver.failure { throw PoolDeskError(failure) }
        do {
            try opened.journal?.close(engine: driver.engine)
        } catch {
            throw PoolDeskError("\(error)")
        }
        logger.info("dashboard stopped")
        // The alternate screen hid the warnings printed before it opened.
        for warning in gapWarnings { writeStandardError("pooldesk: warning: \(warning)\n") }
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }

    /// `--bots applies`, `--demo applies` or `--bots and --demo apply`: the flags given that only shape a new session.
    var newSessionOnlyFlag: String? {
        switch (bots != nil, demo) {
        case (true, true): "--bots and --demo apply"
        case (true, false): "--bots applies"
        case (false, true): "--demo applies"
        case (false, false): nil
        }
    }

    /// The journaled session to run: `--journal PATH` (resumed or created), a new one for `--new`/`--seed`,
    /// else the last session. A bad journal is one line and exit code 2, and is never overwritten.
    private func openJournal(settings: SessionSettings) throws -> DashboardStart {
        let parameters = SessionParameters(seed: seed ?? 1, configuration: settings.configuration, participants: settings.participants)
        let path: String
        if let journal {
            if FileManager.default.fileExists(atPath: journal) && (new || seed != nil || priceOptions.isGiven) {
                throw PoolDeskError("\(journal) already holds a session; --new, --seed and --prices start fresh ones: choose another --journal path")
            }
            path = journal
        } else if new || seed != nil || priceOptions.isGiven {
            // Recorded prices shape a session from its start, so they start a new one, as a seed does.
            path = SessionLocation.newPath(seed: seed ?? 1)
        } else {
            path = SessionLocation.lastSession() ?? SessionLocation.newPath(seed: 1)
        }
        // The screen takes the terminal over, so a notice could not be read in time: a flag that
        // cannot apply to a resumed session is refused before anything is opened.
        if FileManager.default.fileExists(atPath: path), let flag = newSessionOnlyFlag {
            throw PoolDeskError(journal == nil
                ? "\(flag) only to new sessions, and the last session would be resumed; add --new"
                : "\(flag) only to new sessions, and \(journal ?? path) already holds one; add --new with another --journal path")
        }
        if let config, FileManager.default.fileExists(atPath: path) {
            try SessionConfigOption.refuseIfDifferent(config: config, requested: settings, existing: path)
        }
        // No terminal, no session: nothing is created, resumed or remembered for a dashboard that cannot open.
        try DeskTerminal.requireInteractiveTerminal()
        let opened = try JournalOpening.openOrCreate(path: path, parameters: parameters, createdBy: "pooldesk dashboard")
        SessionLocation.remember(path)
        return DashboardStart(opened)
    }

    /// `--read-only`: the existing session (`--journal PATH` or the last one) as journaled, opened without writing
    /// anything — no lock, rows, checkpoints, snapshot or `last-session` update — so it may run beside the writer.
    private func openForWatching() throws -> DashboardStart {
        guard let path = journal ?? SessionLocation.lastSession() else {
            throw PoolDeskError("--read-only watches an existing session, and there is none in \(SessionLocation.directory().path)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw PoolDeskError("\(path): no such session to watch (--read-only never creates one)")
        }
        let watched: JournaledSession
        do {
            try DeskTerminal.requireInteractiveTerminal()
            watched = try JournalReader.loadReadOnly(path: path)
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        let note = "read-only: \(URL(fileURLWithPath: path).lastPathComponent) as journaled at \(watched.engine.time), when opened "
            + "(not following the writer) · q quits"
        return DashboardStart(
            path: path, seed: watched.session.parameters.seed, journal: nil, engine: watched.engine,
            deskAccount: watched.session.deskAccount, resumed: true, recentEvents: watched.recentEvents, note: note)
    }
}

/// What the dashboard starts from: a journaled session it writes, or (read-only) one it only shows.
private struct DashboardStart {
    var path: String
    var seed: UInt64
    /// nil when watching read-only: nothing is written.
    var journal: SessionJournal?
    var engine: Engine
    var deskAccount: AccountID
    var resumed: Bool
    var recentEvents: [EngineEvent]
    var note: String

    init(path: String, seed: UInt64, journal: SessionJournal?, engine: Engine, deskAccount: AccountID, resumed: Bool,
         recentEvents: [EngineEvent], note: String) {
        self.path = path
        self.seed = seed
        self.journal = journal
        self.engine = engine
        self.deskAccount = deskAccount
        self.resumed = resumed
        self.recentEvents = recentEvents
        self.note = note
    }

    init(_ opened: OpenedSession) {
        self.init(path: opened.journal.path, seed: opened.journal.parameters.seed, journal: opened.journal, engine: opened.engine,
                  deskAccount: opened.deskAccount, resumed: opened.resumed, recentEvents: opened.recentEvents, note: opened.note)
    }
}

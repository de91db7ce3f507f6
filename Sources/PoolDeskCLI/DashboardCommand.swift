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

    @Flag(help: "A lively preset for presentations: faster clock, more and busier simulated traders; new sessions only.")
    var demo = false

    @Flag(name: .customLong("read-only"), help: "Monitoring only: order keys are off.")
    var readOnly = false

    @Flag(help: "ASCII borders and charts instead of Unicode.")
    var ascii = false

    @Option(help: "Frame-rate cap (\(SessionLimits.text(SessionLimits.framesPerSecond))).")
    var fps: Int = 20

    public init() {}

    public func validate() throws {
        if let speed { try FlagLimits.check(speed, in: SessionLimits.speed, flag: "--speed") }
        if let bots { try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots") }
        try FlagLimits.check(fps, in: SessionLimits.framesPerSecond, flag: "--fps")
    }

    public func run() throws {
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme = try DeskTerminal.loadTheme(theme, from: catalog)
        var participants = ParticipantConfiguration(count: bots ?? (demo ? 40 : 20))
        if demo { participants.meanActionInterval = .minutes(4) }
        let opened = try openJournal(participants: participants)
        var state = DashboardState(
            deskAccount: opened.deskAccount, marketCount: opened.engine.markets.count, readOnly: readOnly,
            speed: speed ?? (demo ? 120 : 60), themeName: loadedTheme.name,
            availableThemes: catalog.list().map(\.name))
        // A resumed session's newest events refill the log; the status line then says where the session stands.
        if opened.resumed { EventLogFormatter.receive(opened.recentEvents, state: &state, engine: opened.engine) }
        state.status = StatusMessage(opened.resumed
            ? opened.note
            : "seed \(opened.journal.parameters.seed) · b buys the selected series · ? shows every key", role: .info)
        let logger = SessionLog.open(environment: environment)
        logger.info("dashboard starting: journal=\(opened.journal.path) seed=\(opened.journal.parameters.seed) speed=\(state.speed) bots=\(participants.count) theme=\(loadedTheme.name)")
        let terminal = try DeskTerminal.open(theme: loadedTheme, catalog: catalog, ascii: ascii, environment: environment)
        let session = DashboardSession(engine: opened.engine, state: state, terminal: terminal, framesPerSecond: fps, logger: logger)
        session.journal = opened.journal
        session.run()
        terminal.screen.restore()
        if let failure = session.journalFailure { throw PoolDeskError(failure) }
        do {
            try opened.journal.close(engine: session.engine)
        } catch {
            throw PoolDeskError("\(error)")
        }
        logger.info("dashboard stopped")
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
        // The screen takes the terminal over, so a notice could not be read in time: a flag that
        // cannot apply to a resumed session is refused before anything is opened.
        if FileManager.default.fileExists(atPath: path), let flag = newSessionOnlyFlag {
            throw PoolDeskError(journal == nil
                ? "\(flag) only to new sessions, and the last session would be resumed; add --new"
                : "\(flag) only to new sessions, and \(journal ?? path) already holds one; add --new with another --journal path")
        }
        let opened = try JournalOpening.openOrCreate(path: path, parameters: parameters, createdBy: "pooldesk dashboard")
        SessionLocation.remember(path)
        return opened
    }
}

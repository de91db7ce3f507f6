import ArgumentParser
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// `pooldesk` (no subcommand): the full-screen dashboard on a seeded simulation.
public struct DashboardCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the live dashboard (the default when no subcommand is given)."
    )

    @Option(help: "Seed of the simulation; the same seed replays the same market.")
    var seed: UInt64 = 1

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

    public init() {}

    public func validate() throws {
        if let speed, !(speed > 0 && speed <= 3600) { throw ValidationError("--speed must be within 1–3600, got \(speed)") }
        if let bots, !(0...1000).contains(bots) { throw ValidationError("--bots must be within 0–1000, got \(bots)") }
        if !(1...60).contains(fps) { throw ValidationError("--fps must be within 1–60, got \(fps)") }
    }

    public func run() throws {
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.forCurrentProcess()
        let loadedTheme: Theme
        do {
            loadedTheme = try catalog.load(theme)
        } catch {
            throw PoolDeskError(error.description)
        }
        var participants = ParticipantConfiguration(count: bots ?? (demo ? 40 : 20))
        if demo { participants.meanActionInterval = .minutes(4) }
        let scenario = Scenario(seed: seed, participants: participants)
        let glyphs = ascii ? GlyphSet.ascii : GlyphSet.detect(environment: environment)
        var state = DashboardState(
            deskAccount: scenario.deskAccount, marketCount: scenario.engine.markets.count, readOnly: readOnly,
            speed: speed ?? (demo ? 120 : 60), themeName: loadedTheme.name,
            availableThemes: catalog.list().map(\.name))
        state.status = StatusMessage("seed \(seed) · b buys the selected series · ? shows every key", role: .info)
        let logger = SessionLog.open(environment: environment)
        logger.info("dashboard starting: seed=\(seed) speed=\(state.speed) bots=\(participants.count) theme=\(loadedTheme.name)")
        let screen = TerminalScreen()
        do {
            try screen.start()
        } catch let error as TerminalError {
            throw PoolDeskError(error.message)
        }
        let capability = ColorCapability.detect(environment: environment, colorCount: screen.colorCount)
        let session = DashboardSession(
            engine: scenario.engine, state: state, screen: screen, catalog: catalog, capability: capability,
            context: RenderContext(theme: loadedTheme.degraded(to: capability), glyphs: glyphs,
                                   chartStyle: glyphs.supportsBraille ? .braille : .ascii),
            framesPerSecond: fps, logger: logger)
        session.run()
        screen.restore()
        logger.info("dashboard stopped")
        if TerminalSignals.pendingTermination { TerminalSignals.exitForPendingSignal() }
    }
}

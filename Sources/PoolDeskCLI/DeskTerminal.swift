import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

/// The terminal side shared by the live dashboard and the replay: the screen, the theme catalog, the
/// terminal's color capability and the render context (theme, glyphs, chart style).
final class DeskTerminal {
    let screen: any ScreenBackend
    let catalog: ThemeCatalog
    let capability: ColorCapability
    private(set) var context: RenderContext

    /// A terminal over any backend (the in-memory one in tests); ``open(theme:catalog:ascii:environment:)`` makes the real one.
    init(screen: any ScreenBackend, catalog: ThemeCatalog, capability: ColorCapability, context: RenderContext) {
        self.screen = screen
        self.catalog = catalog
        self.capability = capability
        self.context = context
    }

    /// Loads the theme the user named at start-up; a broken or unknown theme is a one-line error before the screen opens.
    static func loadTheme(_ nameOrPath: String, from catalog: ThemeCatalog) throws -> Theme {
        do {
            return try catalog.load(nameOrPath)
        } catch {
            throw PoolDeskError(error.description)
        }
    }

    /// Refuses, with the one line `open` would print, when there is no interactive terminal; called before a
    /// command does anything else, so that `pooldesk </dev/null` opens, creates and rewrites nothing.
    static func requireInteractiveTerminal() throws {
        do {
            try TerminalScreen.checkInteractive()
        } catch let error as TerminalError {
            throw PoolDeskError(error.message)
        }
    }

    /// Opens the screen (one-line error when there is no usable terminal) and fits `theme` to its colors.
    static func open(theme: Theme, catalog: ThemeCatalog, ascii: Bool, environment: [String: String]) throws -> DeskTerminal {
        let screen = TerminalScreen()
        do {
            try screen.start()
        } catch let error as TerminalError {
            throw PoolDeskError(error.message)
        }
        let capability = Self.capability(environment: environment, screenColorCount: screen.colorCount)
        let glyphs = ascii ? GlyphSet.ascii : GlyphSet.detect(environment: environment)
        let context = RenderContext(theme: theme.degraded(to: capability), glyphs: glyphs,
                                    chartStyle: glyphs.supportsBraille ? .braille : .ascii)
        return DeskTerminal(screen: screen, catalog: catalog, capability: capability, context: context)
    }

    /// The capability themes are degraded to, once, before they reach the screen: what the environment asks for
    /// (``ColorCapability/detect(environment:colorCount:)``), capped by what the screen's terminfo reports, so that
    /// `COLORTERM=truecolor` on a 256-color terminfo gives 256-color themes and the backend has nothing left to degrade.
    static func capability(environment: [String: String], screenColorCount: Int) -> ColorCapability {
        ColorCapability.detect(environment: environment, colorCount: screenColorCount)
            .limited(to: ColorCapability(terminalColorCount: screenColorCount))
    }

    /// Switches to the named theme; on failure the current theme stays and the error is returned.
    func applyTheme(named name: String) -> Result<Theme, ThemeError> {
        do {
            let theme = try catalog.load(name)
            context.theme = theme.degraded(to: capability)
            return .success(theme)
        } catch {
            return .failure(error)
        }
    }

    /// Renders the dashboard at the screen's current size and flushes what changed.
    func present(state: DashboardState, engine: Engine) {
        let size = screen.size
        screen.present(DashboardRenderer.render(state: state, engine: engine, context: context, width: size.width, height: size.height))
    }
}

import CNcurses
import PoolDeskUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal: ncurses in raw mode on the alternate screen, fed by ``CellGrid`` frames.
///
/// Not thread-safe: use it from the thread that runs the dashboard loop.
public final class TerminalScreen: ScreenBackend {
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var previousGrid: CellGrid?
    private var previousSize: TerminalSize?
    private var clearRequested = false
    private var styleCache: [CellStyle: (attributes: attr_t, pair: Int32)] = [:]
    private var cellBuffer: [cchar_t] = []

    /// The number of colors terminfo reports (`COLORS`), 0 when the terminal has none.
    public private(set) var colorCount = 0
    /// The colors the screen can show, from ``colorCount``; cap the theme's capability by it.
    public private(set) var colorDepth: ColorCapability = .monochrome
    /// Cells written to the curses screen by the last ``present(_:)`` (the benchmark's measure).
    public private(set) var lastFrameChangedCells = 0
    /// Runs (row segments) written by the last ``present(_:)``.
    public private(set) var lastFrameRuns = 0
    /// True between ``start()`` and ``restore()``.
    public var isActive: Bool { screen != nil }

    /// Creates an unstarted screen; nothing touches the terminal until ``start()``.
    public init() {}

    deinit {
        restore()
    }

    /// Throws the one-line ``TerminalError`` ``start()`` would for a missing terminal, without touching it: stdin
    /// and stdout must be TTYs and `TERM` set (not `dumb`). Shells call it before any other work (opening
    /// or creating a session), so `pooldesk </dev/null` changes nothing. Returns `TERM`.
    @discardableResult
    public static func checkInteractive() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw TerminalError("the dashboard needs an interactive terminal: stdin is not a TTY")
        }
        guard isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError("the dashboard needs an interactive terminal: stdout is not a TTY")
        }
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty else {
            throw TerminalError("the dashboard needs an interactive terminal: TERM is not set")
        }
        guard term != "dumb" else {
            throw TerminalError("the dashboard needs an interactive terminal: TERM=dumb cannot position the cursor")
        }
        return term
    }

    /// Takes over the terminal, or throws a one-line ``TerminalError`` when it is not interactive.
    public func start() throws {
        guard screen == nil else { return }
        let term = try Self.checkInteractive()

        // Handlers first: ncurses only installs its own SIGINT/SIGTERM handlers over SIG_DFL.
        TerminalSignals.install()
        TerminalSignals.saveTerminalModes()
        pd_setlocale_from_environment()

        guard let newScreen = pd_newterm(nil) else {
            throw TerminalError("the dashboard needs an interactive terminal: unknown terminal type TERM=\(term)")
        }
        guard pd_has_cursor_addressing() != 0 else {
            endwin()
            delscreen(newScreen)
            throw TerminalError("the dashboard needs an interactive terminal: TERM=\(term) cannot position the cursor")
        }
        screen = newScreen
        set_term(newScreen)
        window = pd_stdscr()
        TerminalSignals.setScreenActive(true)

        // Raw (not cbreak) so Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys instead of signals.
        raw()
        noecho()
        nonl()
        keypad(window, true)
        meta(window, true)
        intrflush(window, false)
        scrollok(window, false)
        leaveok(window, true)
        curs_set(0)
        // Esc alone must not wait the default second for a possible escape sequence.
        set_escdelay(25)
        pd_enable_bracketed_paste()

        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(pd_colors())
        }
        colorDepth = ColorCapability(terminalColorCount: colorCount)
        previousGrid = nil
        previousSize = nil
        styleCache.removeAll()
    }

    /// The terminal's current size (0×0 before ``start()``).
    public var size: TerminalSize {
        guard screen != nil else { return TerminalSize(width: 0, height: 0) }
        return TerminalSize(width: Int(pd_cols()), height: Int(pd_lines()))
    }

    /// Makes the next ``present(_:)`` repaint every cell of the physical terminal (Ctrl-L).
    public func requestFullRepaint() {
        clearRequested = true
    }

    /// Writes the cells that differ from the previous frame, then flushes once.
    ///
    /// The first frame, and the first after a size change, repaints the whole curses screen;
    /// ncurses still sends only what differs from the physical screen. Cells outside the
    /// terminal are clipped.
    public func present(_ grid: CellGrid) {
        guard screen != nil, let window else { return }
        let currentSize = size
        var old = previousGrid
        if previousSize != currentSize {
            // After a resize the curses screen holds stale, clipped content: start from blank.
            werase(window)
            old = nil
        }
        if clearRequested {
            clearok(pd_curscr(), true)
            clearRequested = false
        }

        let runs = GridDiff.changedRuns(old: old, new: grid)
        var cellsWritten = 0
        for run in runs where run.y < currentSize.height && run.x < currentSize.width {
            let count = min(run.cells.count, currentSize.width - run.x)
            let look = curses(run.style)
            if cellBuffer.count < count {
                cellBuffer = Array(repeating: cchar_t(), count: max(count, currentSize.width))
            }
            cellBuffer.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for index in 0..<count {
                    _ = pd_set_cell(base + index, Self.displayable(run.cells[index].scalar), look.attributes, look.pair)
                }
                _ = pd_put_cells(Int32(run.y), Int32(run.x), base, Int32(count))
            }
            cellsWritten += count
        }
        wnoutrefresh(window)
        doupdate()

        previousGrid = grid
        previousSize = currentSize
        lastFrameChangedCells = cellsWritten
        lastFrameRuns = runs.count
    }

    /// Waits for one key; nil on timeout, or early when a signal arrived (check
    /// ``TerminalSignals/pendingTermination``). Keys PoolDesk ignores do not end the wait.
    public func readKey(timeoutMilliseconds: Int) -> KeyPress? {
        guard screen != nil, let window else { return nil }
        let deadline = timeoutMilliseconds >= 0 ? monotonicMilliseconds() + timeoutMilliseconds : nil
        while true {
            let remaining = deadline.map { max(0, $0 - monotonicMilliseconds()) } ?? -1
            wtimeout(window, Int32(clamping: remaining))
            var key: wint_t = 0
            let status = pd_get_wch(&key)
            if status == pd_err() { return nil }
            if status == pd_key_code_yes(), Int32(bitPattern: UInt32(key)) == pd_key_paste_begin() {
                return readPaste(window)
            }
            if let press = KeyDecoder.decode(code: Int32(bitPattern: UInt32(key)), isFunctionKey: status == pd_key_code_yes()) {
                if press == .resize {
                    // The old frame no longer matches the screen: the next present repaints it all.
                    previousGrid = nil
                }
                return press
            }
            if TerminalSignals.pendingTermination { return nil }
            if let deadline, monotonicMilliseconds() >= deadline { return nil }
        }
    }

    /// Longest paste kept (64 KiB of characters); the rest is read and dropped so it cannot turn into keys.
    static let maximumPasteLength = 65_536

    /// Collects a bracketed paste up to its end marker. A terminal that never sends the end marker (or a paste
    /// cut off) ends the paste after half a second of silence, still as text.
    private func readPaste(_ window: UnsafeMutablePointer<WINDOW>) -> KeyPress {
        var scalars = String.UnicodeScalarView()
        var count = 0
        wtimeout(window, 500)
        while true {
            var key: wint_t = 0
            let status = pd_get_wch(&key)
            if status == pd_err() { break }
            let code = Int32(bitPattern: UInt32(key))
            if status == pd_key_code_yes() {
                if code == pd_key_paste_end() { break }
                continue
            }
            // Raw mode delivers Enter as CR; a paste's line breaks are text here.
            let scalar: Unicode.Scalar? = code == 13 ? "\n" : Unicode.Scalar(UInt32(key))
            if let scalar, count < Self.maximumPasteLength {
                scalars.append(scalar)
                count += 1
            }
        }
        return .paste(String(scalars))
    }

    /// Leaves curses mode and gives the terminal back to the shell; idempotent.
    public func restore() {
        guard let screen else { return }
        TerminalSignals.setScreenActive(false)
        pd_disable_bracketed_paste()
        endwin()
        delscreen(screen)
        self.screen = nil
        window = nil
        previousGrid = nil
        previousSize = nil
    }

    // MARK: - Internals

    /// The ncurses attributes and color pair for `style`, cached because a frame reuses few styles.
    private func curses(_ style: CellStyle) -> (attributes: attr_t, pair: Int32) {
        if let cached = styleCache[style] { return cached }
        var attributes = pd_attr_normal()
        if style.attributes.contains(.bold) { attributes |= pd_attr_bold() }
        if style.attributes.contains(.underline) { attributes |= pd_attr_underline() }
        if style.attributes.contains(.reverse) { attributes |= pd_attr_reverse() }
        if style.attributes.contains(.dim) { attributes |= pd_attr_dim() }
        if style.attributes.contains(.italic) { attributes |= pd_attr_italic() }

        var pair: Int32 = 0
        if colorDepth != .monochrome {
            let foreground = ColorEncoding.colorNumber(for: style.foreground, capability: colorDepth)
            let background = ColorEncoding.colorNumber(for: style.background, capability: colorDepth)
            if foreground != -1 || background != -1 {
                // alloc_pair recycles the oldest pair once COLOR_PAIRS is exhausted; drop the
                // cache then so no style keeps pointing at a pair that now means other colors.
                if styleCache.count >= Int(pd_color_pairs()) - 1 { styleCache.removeAll() }
                pair = max(0, alloc_pair(foreground, background))
            }
        }
        let result = (attributes, pair)
        styleCache[style] = result
        return result
    }

    /// Every grid cell is one column: control characters and zero- or double-width glyphs
    /// would shift the rest of the row, so they are shown as `?`.
    private static func displayable(_ scalar: Unicode.Scalar) -> UInt32 {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return value }
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0x3F }
        return pd_wcwidth(value) == 1 ? value : 0x3F
    }

    private func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }
}

import PoolDeskUI

/// A terminal's size in character cells.
public struct TerminalSize: Hashable, Sendable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A size of `width` columns by `height` rows.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// What the dashboard run loop needs from a screen, so tests can drive it with a fake.
public protocol ScreenBackend: AnyObject {
    /// The current size; after ``readKey(timeoutMilliseconds:)`` returns `.resize` it is the new size.
    var size: TerminalSize { get }
    /// The colors the terminal can show (fakes default to 256); themes are degraded to at most this.
    var colorDepth: ColorCapability { get }
    /// Shows `grid`, writing only what changed since the previous frame.
    func present(_ grid: CellGrid)
    /// Waits up to `timeoutMilliseconds` (negative: forever) for a key; nil on timeout or when a
    /// signal interrupted the wait (check ``TerminalSignals/pendingTermination``).
    func readKey(timeoutMilliseconds: Int) -> KeyPress?
    /// Makes the next ``present(_:)`` repaint the whole terminal (Ctrl-L).
    func requestFullRepaint()
    /// Gives the terminal back to the shell; idempotent.
    func restore()
}

extension ScreenBackend {
    /// Fakes usually do not care about color depth.
    public var colorDepth: ColorCapability { .palette256 }
    /// Fakes have nothing to repaint.
    public func requestFullRepaint() {}
}

/// Why the terminal could not be opened; ``message`` is one line meant for the user.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    /// The one-line explanation.
    public var message: String

    /// An error carrying the one-line `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message itself, so `"\(error)"` prints just the line.
    public var description: String { message }
}

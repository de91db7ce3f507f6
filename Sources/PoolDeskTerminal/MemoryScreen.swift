import PoolDeskUI

/// A ``ScreenBackend`` in memory: keys come from a script, frames are kept, and waiting for a key moves an
/// injected clock instead of sleeping. The run loop's pacing, pausing, staleness and quitting are tested on it
/// without a terminal.
public final class MemoryScreen: ScreenBackend {
    /// A key and the wait before it (simulated by advancing the clock, not by sleeping).
    public struct ScriptedKey: Sendable {
        public var after: Duration
        public var key: KeyPress
        public init(after: Duration = .zero, _ key: KeyPress) {
            self.after = after
            self.key = key
        }
    }

    public private(set) var size: TerminalSize
    public var colorDepth: ColorCapability { .palette256 }
    /// Every frame presented, oldest first.
    public private(set) var frames: [CellGrid] = []
    /// Keys still to be read.
    public private(set) var script: [ScriptedKey]
    /// Moves the clock the loop reads: called with how long a key read waited.
    private let wait: (Duration) -> Void
    public private(set) var restored = false

    /// `wait` must advance the clock the run loop was given by exactly the duration it is passed.
    public init(size: TerminalSize = TerminalSize(width: 120, height: 40), script: [ScriptedKey], wait: @escaping (Duration) -> Void) {
        self.size = size
        self.script = script
        self.wait = wait
    }

    public func present(_ grid: CellGrid) { frames.append(grid) }

    /// The next scripted key once its wait fits in the timeout; otherwise the clock moves by the timeout
    /// (a second for "forever", so a script that runs out cannot hang a test) and nil is returned.
    public func readKey(timeoutMilliseconds: Int) -> KeyPress? {
        let timeout = Duration.milliseconds(timeoutMilliseconds < 0 ? 1000 : timeoutMilliseconds)
        guard var next = script.first else {
            wait(timeout)
            return nil
        }
        if next.after <= timeout {
            wait(next.after)
            script.removeFirst()
            return next.key
        }
        next.after -= timeout
        script[0] = next
        wait(timeout)
        return nil
    }

    /// Changes the size, as a terminal resize would (queue a `.resize` key to tell the loop).
    public func resize(to newSize: TerminalSize) { size = newSize }

    public func restore() { restored = true }
}

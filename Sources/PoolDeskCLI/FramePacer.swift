/// Wall-clock pacing shared by the live and the replay loop: elapsed time, frame cadence, key-read
/// timeouts and the measured tick rate.
struct FramePacer {
    let frameInterval: Double
    private var lastWall: Double
    private var lastFrame = -Double.infinity
    private var windowStart: Double
    private var ticksInWindow = 0

    init(framesPerSecond: Int, now: Double) {
        frameInterval = 1 / Double(max(1, framesPerSecond))
        lastWall = now
        windowStart = now
    }

    /// Starts counting from `now` (the loop may begin well after the session was set up).
    mutating func restart(now: Double) {
        lastWall = now
        windowStart = now
        ticksInWindow = 0
        lastFrame = -Double.infinity
    }

    /// Wall seconds since the previous call.
    mutating func elapsed(now: Double) -> Double {
        defer { lastWall = now }
        return now - lastWall
    }

    /// Counts simulated ticks towards the tick-rate window.
    mutating func count(ticks: Int) { ticksInWindow += ticks }

    /// The ticks per wall second of the window that just closed, once a second; nil in between.
    mutating func closeTickWindow(now: Double) -> Double? {
        let window = now - windowStart
        guard window >= 1 else { return nil }
        defer {
            ticksInWindow = 0
            windowStart = now
        }
        return Double(ticksInWindow) / window
    }

    /// Whether a dirty screen may be drawn now without exceeding the frame-rate cap.
    func isFrameDue(now: Double) -> Bool { now - lastFrame >= frameInterval }

    mutating func framePresented(now: Double) { lastFrame = now }

    /// How long the key read may sleep: until the next frame is due, or a second when idle (paused, nothing
    /// to draw) so signals and resizes are still noticed at next to no CPU.
    func keyTimeoutMilliseconds(idle: Bool, now: Double) -> Int {
        idle ? 1000 : max(1, Int(((lastFrame + frameInterval) - now) * 1000))
    }
}

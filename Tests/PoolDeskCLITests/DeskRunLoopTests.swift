import Foundation
import Logging
@testable import PoolDeskCLI
import PoolDeskTerminal
import PoolDeskUI
import PoolEngine
import Synchronization
import Testing

/// A clock that moves only when told: the run loop's waits become exact, instant steps.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Duration.zero)
    var now: Instant { Instant(offset: current.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws { current.withLock { $0 = max($0, deadline.offset) } }
    func advance(by duration: Duration) { current.withLock { $0 += duration } }
}

/// A driver that records what it is asked, for the loop's bookkeeping (staleness, failures) in isolation.
final class StubDriver: DeskDriver {
    var engine: Engine
    var canAdvance = true
    var failure: String?
    /// Simulated milliseconds it manages per call (a slow engine consumes less than it is owed).
    var capacityMilliseconds: Double = .infinity
    var submitted: [EngineCommand] = []
    var failOnSubmit = false

    init(engine: Engine) { self.engine = engine }

    func advance(milliseconds: Double, outOfTime: () -> Bool) -> (events: [EngineEvent], consumed: Double) {
        let tick = Double(engine.configuration.tickInterval.milliseconds)
        let whole = (min(milliseconds, capacityMilliseconds) / tick).rounded(.down) * tick
        guard whole > 0 else { return ([], 0) }
        let events = engine.advance(to: engine.time + SimDuration(milliseconds: Int64(whole)))
        return (events, whole)
    }

    func submit(_ command: EngineCommand) -> Result<[EngineEvent], DeskRefusal> {
        submitted.append(command)
        if failOnSubmit {
            failure = "disk full (the order (buy 0.1) was not applied and not recorded)"
            return .failure(DeskRefusal("disk full"))
        }
        return .success(engine.apply(command))
    }
}

@Suite("Dashboard run loop (in-memory screen, manual clock)")
struct DeskRunLoopTests {
    let scenario = Scenario(seed: 1, participants: ParticipantConfiguration(count: 5))

    func makeLoop(driver: any DeskDriver, script: [MemoryScreen.ScriptedKey], clock: ManualClock, fps: Int = 20,
                  speed: Double = 60, stopAfter: Int = 2_000) -> (DeskRunLoop<ManualClock>, MemoryScreen) {
        let screen = MemoryScreen(script: script) { clock.advance(by: $0) }
        let context = RenderContext(theme: Theme.compiledInDefault, glyphs: .unicode, chartStyle: .braille)
        let terminal = DeskTerminal(screen: screen, catalog: ThemeCatalog(builtInDirectory: nil, userDirectory: nil, fileSystem: .inMemory([:])),
                                    capability: .palette256, context: context)
        let state = DashboardState(deskAccount: scenario.deskAccount, marketCount: driver.engine.markets.count, speed: speed)
        // Bounded: a loop that never quits fails its test instead of running (and growing) for ever.
        let polls = Mutex(0)
        let loop = DeskRunLoop(state: state, driver: driver, terminal: terminal, clock: clock, framesPerSecond: fps,
                               logger: Logger(label: "test"), shouldStop: { polls.withLock { $0 += 1; return $0 > stopAfter } })
        return (loop, screen)
    }

    @Test("simulated time follows the clock at the set speed, and frames stay under the frame-rate cap")
    func pacing() {
        let clock = ManualClock()
        let driver = StubDriver(engine: scenario.engine)
        let start = driver.engine.time
        let (loop, screen) = makeLoop(driver: driver, script: [.init(after: .seconds(3), .character("q"))], clock: clock)
        loop.run()
        #expect(loop.state.shouldQuit)
        let simulated = driver.engine.time.milliseconds - start.milliseconds
        // 3 s of wall time at ×60 is 180 simulated seconds, give or take one frame's worth.
        #expect(abs(simulated - 180_000) <= 3_000, "simulated \(simulated) ms")
        #expect(screen.frames.count <= 3 * 20 + 2, "\(screen.frames.count) frames in 3 s at 20 fps")
        #expect(screen.frames.count >= 3 * 20 / 2, "\(screen.frames.count) frames: the market moved, so it should redraw")
    }

    @Test("paused, simulated time stands still and the loop idles in one-second key waits")
    func pause() {
        let clock = ManualClock()
        let driver = StubDriver(engine: scenario.engine)
        let (loop, screen) = makeLoop(driver: driver, script: [.init(.character(" ")), .init(after: .seconds(10), .character("q"))], clock: clock)
        let before = driver.engine.time
        loop.run()
        #expect(loop.state.paused)
        #expect(driver.engine.time.milliseconds - before.milliseconds <= 3_000)
        #expect(screen.frames.count <= 4, "\(screen.frames.count) frames while paused for 10 s")
    }

    @Test("an engine that cannot keep up is marked stale and its backlog dropped")
    func staleness() {
        let clock = ManualClock()
        let driver = StubDriver(engine: scenario.engine)
        // One tick per call, against an hour a second owed.
        driver.capacityMilliseconds = Double(driver.engine.configuration.tickInterval.milliseconds)
        let (loop, _) = makeLoop(driver: driver, script: [.init(after: .seconds(2), .character("q"))], clock: clock, speed: 3600)
        loop.run()
        #expect(loop.state.isStale)
    }

    @Test("keys reach the engine through the driver: b then Enter buys, and the log says so")
    func buyThroughTheLoop() {
        let clock = ManualClock()
        let driver = EmbeddedDeskDriver(engine: scenario.engine, journal: nil, logger: Logger(label: "test"))
        let (loop, _) = makeLoop(driver: driver, script: [
            .init(after: .milliseconds(200), .character("b")), .init(after: .milliseconds(200), .enter),
            // With a position open, q asks once: the second q quits.
            .init(after: .milliseconds(200), .character("q")), .init(after: .milliseconds(200), .character("q")),
        ], clock: clock)
        loop.run()
        #expect(driver.engine.positions(of: scenario.deskAccount).count == 1)
        #expect(loop.state.log.contains { $0.text.hasPrefix("you bought") })
    }

    @Test("a journal failure stops the loop with the reason; nothing after it is applied")
    func journalFailureStops() {
        let clock = ManualClock()
        let driver = StubDriver(engine: scenario.engine)
        driver.failOnSubmit = true
        let (loop, _) = makeLoop(driver: driver, script: [
            .init(after: .milliseconds(100), .character("b")), .init(after: .milliseconds(100), .enter),
            .init(after: .milliseconds(100), .character("b")), .init(after: .milliseconds(100), .enter),
        ], clock: clock)
        loop.run()
        #expect(loop.state.shouldQuit)
        #expect(driver.submitted.count == 1)
        #expect(driver.failure?.contains("was not applied") == true)
    }

    @Test("a termination request ends the loop without a key")
    func stopsOnSignal() {
        let clock = ManualClock()
        let (loop, _) = makeLoop(driver: StubDriver(engine: scenario.engine), script: [], clock: clock, stopAfter: 5)
        loop.run()
        #expect(!loop.state.shouldQuit)
    }

    @Test("read-only refusal and a refused command come back as a status line, not a crash")
    func refusalIsShown() {
        let clock = ManualClock()
        let driver = StubDriver(engine: scenario.engine)
        let (loop, _) = makeLoop(driver: driver, script: [
            .init(after: .milliseconds(100), .character(":")),
        ] + "buy 99999 BTC-9Z-1-C".map { .init(.character($0)) } + [.init(.enter), .init(after: .milliseconds(100), .character("q"))],
            clock: clock)
        loop.run()
        #expect(driver.submitted.isEmpty)
        #expect(loop.state.status?.text.contains("unknown series") == true)
    }
}

import ArgumentParser
import PoolEngine

/// `pooldesk sim`: runs the simulated market headless, as fast as it can, and prints a summary.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the simulated market headless and print a summary.",
        discussion: "Advances the seeded market in one-hour chunks, checks every engine invariant after each chunk, "
            + "and reports spots, the pool, activity counts and the speed of the run."
    )

    /// Longest run accepted, so a typo cannot start a run of centuries.
    static let maximumDuration = SimDuration.days(366)
    /// Most simulated participants accepted.
    static let maximumBots = 10_000
    /// Simulated time between two invariant checks.
    static let chunk = SimDuration.hours(1)

    @Option(help: "Seed of the simulated market; the same seed replays the same run.")
    var seed: UInt64 = 1

    @Option(help: "Simulated time to run, e.g. 90s, 15m, 4h, 7d, 1d12h.")
    var duration: String = "1d"

    @Option(help: "Number of simulated participants.")
    var bots: Int = 20

    @Option(name: .customLong("bot-interval"), help: "Mean simulated time between two actions of one participant (their intensity), e.g. 30s, 10m.")
    var botInterval: String = "10m"

    @Flag(help: "Print one JSON object instead of the text report.")
    var json = false

    @Option(help: "Journal the run to this SQLite file; an existing journal is resumed and run further.")
    var journal: String?

    init() {}

    func validate() throws {
        _ = try simulatedDuration()
        _ = try participantInterval()
        guard bots >= 0 else { throw ValidationError("--bots must be zero or more, not \(bots)") }
        guard bots <= Self.maximumBots else { throw ValidationError("--bots must be at most \(Self.maximumBots), not \(bots)") }
    }

    /// The parsed `--bot-interval`, or a one-line reason it is not usable.
    func participantInterval() throws -> SimDuration {
        guard let parsed = SimDuration(parsing: botInterval), parsed >= .seconds(1) else {
            throw ValidationError("malformed --bot-interval '\(botInterval)': use e.g. 30s, 10m or 1h (at least 1s)")
        }
        return parsed
    }

    /// The parsed `--duration`, or a one-line reason it is not usable.
    func simulatedDuration() throws -> SimDuration {
        guard let parsed = SimDuration(parsing: duration) else {
            throw ValidationError("malformed --duration '\(duration)': use e.g. 90s, 15m, 4h, 7d or 1d12h")
        }
        guard parsed <= Self.maximumDuration else {
            throw ValidationError("--duration '\(duration)' is longer than \(Self.maximumDuration)")
        }
        return parsed
    }

    mutating func run() throws {
        let summary = try simulate()
        print(json ? try summary.json() : summary.render())
        if !summary.invariants.isClean {
            throw PoolDeskError("\(summary.invariants.violationCount) invariant violations during the run", exitCode: 1)
        }
    }

    /// Runs the simulation the options describe and summarises it.
    func simulate() throws -> SimulationSummary {
        let interval = try participantInterval()
        let journaled = try journal.map { try JournaledRun(path: $0, seed: seed, bots: bots, actionInterval: interval) }
        let summary = try SimulationRunner.run(seed: seed, duration: simulatedDuration(), bots: bots, actionInterval: interval, journal: journaled)
        try journaled?.finish()
        return summary
    }
}

/// The headless run behind `pooldesk sim`: a scenario advanced in chunks with one reused event buffer.
enum SimulationRunner {
    /// Runs `duration` of simulated time with `bots` participants and returns the summary with the wall time it took.
    static func run(seed: UInt64, duration: SimDuration, bots: Int, actionInterval: SimDuration = .minutes(10), chunk: SimDuration = SimCommand.chunk,
                    journal: JournaledRun? = nil) -> SimulationSummary {
        let clock = ContinuousClock()
        let began = clock.now
        var engine = journal?.engine ?? Scenario(seed: seed, participants: ParticipantConfiguration(count: bots, meanActionInterval: actionInterval)).engine
        let start = engine.time
        let end = start + duration
        var events: [EngineEvent] = []
        events.reserveCapacity(4_096)
        var invariants = SimulationInvariantLog()
        var target = start
        while target < end {
            target = min(target + chunk, end)
            events.removeAll(keepingCapacity: true)
            engine.advance(to: target, into: &events)
            journal?.record(events, engine: engine)
            invariants.record(engine.checkInvariants(), at: engine.time)
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return SimulationSummary(engine: engine, start: start, seed: seed, bots: bots, wallSeconds: seconds, invariants: invariants)
    }
}

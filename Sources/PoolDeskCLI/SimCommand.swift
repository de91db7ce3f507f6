import ArgumentParser
import Foundation
import PoolDeskJournal
import PoolEngine

/// `pooldesk sim`: runs the simulated market headless, as fast as it can, and prints a summary.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the simulated market headless and print a summary.",
        discussion: "Advances the seeded market in one-hour chunks, checks every engine invariant after each chunk, "
            + "and reports spots, the pool, activity counts and the speed of the run."
    )

    /// Simulated time between two invariant checks.
    static let chunk = SimDuration.hours(1)
    /// Defaults of the flags that shape a new session (optional so a resumed journal can tell "given" from "default").
    static let defaultSeed: UInt64 = 1
    static let defaultBots = 20
    static let defaultBotInterval = "10m"

    @Option(help: "Seed of the simulated market (default 1); the same seed replays the same run. New journals only.")
    var seed: UInt64?

    @Option(help: "Simulated time to run, e.g. 90s, 15m, 4h, 7d, 1d12h (at most \(SessionLimits.longestRun)).")
    var duration: String = "1d"

    @Option(help: "Number of simulated participants (\(SessionLimits.text(SessionLimits.participants)), default 20). New journals only.")
    var bots: Int?

    @Option(name: .customLong("bot-interval"), help: "Mean simulated time between two actions of one participant (their intensity), e.g. 30s, 10m (default 10m, at least \(SessionLimits.shortestActionInterval)). New journals only.")
    var botInterval: String?

    @Option(help: "Configuration file (TOML; see `pooldesk config --default`) for a new session; --bots and --bot-interval override its participants. An existing journal must have been started with the same configuration.")
    var config: String?

    @Flag(help: "Print one JSON object instead of the text report.")
    var json = false

    @Option(help: "Journal the run to this SQLite file; an existing journal is resumed and run further with its own seed, bots and interval.")
    var journal: String?

    init() {}

    func validate() throws {
        _ = try simulatedDuration()
        _ = try participantInterval()
        if let bots { try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots") }
    }

    /// The parsed `--bot-interval` (or `fallback`, else its default), or a one-line reason it is not usable.
    func participantInterval(fallback: SimDuration? = nil) throws -> SimDuration {
        if botInterval == nil, let fallback { return fallback }
        let text = botInterval ?? Self.defaultBotInterval
        guard let parsed = SimDuration(parsing: text), parsed >= SessionLimits.shortestActionInterval else {
            throw ValidationError("malformed --bot-interval '\(text)': use e.g. 30s, 10m or 1h (at least \(SessionLimits.shortestActionInterval))")
        }
        return parsed
    }

    /// The parsed `--duration`, or a one-line reason it is not usable.
    func simulatedDuration() throws -> SimDuration {
        guard let parsed = SimDuration(parsing: duration) else {
            throw ValidationError("malformed --duration '\(duration)': use e.g. 90s, 15m, 4h, 7d or 1d12h")
        }
        guard parsed <= SessionLimits.longestRun else {
            throw ValidationError("--duration '\(duration)' is longer than \(SessionLimits.longestRun)")
        }
        return parsed
    }

    mutating func run() throws {
        let summary = try simulate()
        print(json ? try summary.json() : summary.render())
        if !summary.invariants.isClean {
            throw PoolDeskError("\(Plural.count(summary.invariants.violationCount, "invariant violation")) during the run", exitCode: 1)
        }
    }

    /// Runs the simulation the options describe and summarises it.
    ///
    /// A resumed journal runs on with the seed, participants and interval it was created with;
    /// `--seed`, `--bots` or `--bot-interval` that differ from them are refused (exit 2) rather
    /// than reported as used.
    func simulate() throws -> SimulationSummary {
        var settings = try SessionConfigOption.settings(path: config)
        let interval = try participantInterval(fallback: settings.participants.meanActionInterval)
        settings.participants.count = bots ?? settings.participants.count
        settings.participants.meanActionInterval = interval
        if let journal, FileManager.default.fileExists(atPath: journal) {
            try refuseFlagsThatCannotApply(toExisting: journal, interval: interval)
            if let config { try SessionConfigOption.refuseIfDifferent(config: config, requested: settings, existing: journal) }
        }
        let journaled = try journal.map { path in
            try JournaledRun(path: path, seed: seed ?? Self.defaultSeed, settings: settings)
        }
        let summary = try SimulationRunner.run(
            seed: seed ?? Self.defaultSeed, duration: simulatedDuration(), settings: settings, journal: journaled)
        try journaled?.finish()
        return summary
    }
}

extension SimCommand {
    /// Refuses (exit 2, before anything is written) `--seed`, `--bots` or `--bot-interval` that differ
    /// from what the existing journal at `path` was created with; equal values are harmless and pass.
    func refuseFlagsThatCannotApply(toExisting path: String, interval: SimDuration) throws {
        guard seed != nil || bots != nil || botInterval != nil else { return }
        let held: SessionParameters
        do {
            held = try JournalReader.session(queue: JournalReader.openReadOnly(path: path), path: path).parameters
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        var conflicts: [String] = []
        if let seed, seed != held.seed { conflicts.append("--seed \(seed)") }
        if let bots, bots != held.participants.count { conflicts.append("--bots \(bots)") }
        if botInterval != nil, interval != held.participants.meanActionInterval { conflicts.append("--bot-interval \(interval)") }
        guard !conflicts.isEmpty else { return }
        throw PoolDeskError("\(conflicts.joined(separator: ", ")) cannot apply: \(path) resumes its own session "
            + "(seed \(held.seed) · \(Plural.count(held.participants.count, "bot")) · one action per \(held.participants.meanActionInterval)); "
            + "drop the flag or give a new --journal path")
    }
}

/// The headless run behind `pooldesk sim`: a scenario advanced in chunks with one reused event buffer.
enum SimulationRunner {
    /// Runs `duration` of simulated time with `bots` participants and returns the summary with the wall time it took.
    ///
    /// With a resumed journal the run continues the journal's session (its seed and participants);
    /// the summary then tells this run's activity from the session's totals.
    static func run(seed: UInt64, duration: SimDuration, settings: SessionSettings = .standard, chunk: SimDuration = SimCommand.chunk,
                    journal: JournaledRun? = nil) -> SimulationSummary {
        let clock = ContinuousClock()
        let began = clock.now
        let bots = settings.participants.count
        var engine = journal?.engine
            ?? Scenario(configuration: settings.configuration, seed: seed, participants: settings.participants).engine
        let start = engine.time
        // A new session's setup belongs to this run; a resumed one's earlier activity does not.
        var before: EngineStatistics?
        var session = SimulationSummary.Session(seed: seed, bots: bots, resumedFrom: nil)
        if let journal, journal.session.resumed {
            let held = journal.session.journal.parameters
            session = .init(seed: held.seed, bots: held.participants.count, resumedFrom: start)
            before = engine.statistics
        }
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
        return SimulationSummary(engine: engine, start: start, before: before, session: session, wallSeconds: seconds, invariants: invariants)
    }
}

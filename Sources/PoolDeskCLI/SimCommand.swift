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

    @Option(help: "Simulated time to run, e.g. 90s, 15m, 4h, 7d, 1d12h (at most \(SessionLimits.longestRun); default 1d, or until recorded prices end).")
    var duration: String?

    @Option(help: "Number of simulated participants (\(SessionLimits.text(SessionLimits.participants)), default 20). New journals only.")
    var bots: Int?

    @Option(name: .customLong("bot-interval"), help: "Mean simulated time between two actions of one participant (their intensity), e.g. 30s, 10m (default 10m, at least \(SessionLimits.shortestActionInterval)). New journals only.")
    var botInterval: String?

    @Option(help: "Configuration file (TOML; see `pooldesk config --default`) for a new session; --bots and --bot-interval override its participants. An existing journal must have been started with the same configuration.")
    var config: String?

    @Flag(help: "Print one JSON object instead of the text report.")
    var json = false

    @OptionGroup var priceOptions: PriceOptions

    @Option(help: ArgumentHelp("A stress scenario: a built-in name (march-2020, may-2021, slow-bleed, vol-spike, squeeze) or a scenario file; `--scenario list` lists them. New journals only.",
                               valueName: "NAME|FILE"))
    var scenario: String?

    @Option(help: "Journal the run to this SQLite file; an existing journal is resumed and run further with its own seed, bots and interval.")
    var journal: String?

    @Option(help: ArgumentHelp("Write an LP report into this directory: hourly.csv, summary.txt, summary.json. It must not exist or be empty.", valueName: "dir"))
    var report: String?

    @Flag(help: "Draw the LP share price and each spot in the terminal after the run (braille; see --ascii).")
    var plot = false

    @Flag(help: "With --plot: draw with plain ASCII instead of braille.")
    var ascii = false

    @Option(help: ArgumentHelp("Delta hedging of the pool for this run: on or off (default: as configured, on). Journaled as a command.", valueName: "on|off"))
    var hedging: String?

    init() {}

    func validate() throws {
        _ = try simulatedDuration()
        if scenario != nil && !priceOptions.prices.isEmpty {
            throw ValidationError("--scenario and --prices do not combine: put `prices SYMBOL=FILE` lines in a scenario file")
        }
        _ = try participantInterval()
        if let bots { try FlagLimits.check(bots, in: SessionLimits.participants, flag: "--bots") }
        _ = try hedgingSwitch()
        if plot && json { throw ValidationError("--plot draws text and cannot go with --json") }
        if ascii && !plot { throw ValidationError("--ascii only changes --plot; add --plot") }
    }

    /// The parsed `--hedging` (nil when not given), or a one-line reason it is not usable.
    func hedgingSwitch() throws -> Bool? {
        guard let hedging else { return nil }
        switch hedging.lowercased() {
        case "on": return true
        case "off": return false
        default: throw ValidationError("malformed --hedging '\(hedging)': use on or off")
        }
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

    /// The parsed `--duration` (1d when not given), or a one-line reason it is not usable.
    func simulatedDuration() throws -> SimDuration {
        try givenDuration() ?? .days(1)
    }

    /// The parsed `--duration`, nil when not given.
    func givenDuration() throws -> SimDuration? {
        guard let duration else { return nil }
        guard let parsed = SimDuration(parsing: duration) else {
            throw ValidationError("malformed --duration '\(duration)': use e.g. 90s, 15m, 4h, 7d or 1d12h")
        }
        guard parsed <= SessionLimits.longestRun else {
            throw ValidationError("--duration '\(duration)' is longer than \(SessionLimits.longestRun)")
        }
        return parsed
    }

    mutating func run() throws {
        if scenario?.lowercased() == "list" {
            print(try ScenarioCatalog.listing())
            return
        }
        let (text, summary) = try output(width: SimPlot.terminalWidth(), color: SimPlot.colorWanted())
        print(text, terminator: "")
        if !summary.invariants.isClean {
            throw PoolDeskError("\(Plural.count(summary.invariants.violationCount, "invariant violation")) during the run", exitCode: 1)
        }
    }

    /// Runs the simulation, writes `--report`'s files, and returns what to print (summary, then `--plot`'s drawing
    /// `width` columns wide, coloured when `color`) with the summary.
    func output(width: Int, color: Bool) throws -> (text: String, summary: SimulationSummary) {
        let (summary, recorder) = try simulateRecording()
        if let report, let body = summary.report { try SimReportFiles.write(recorder, summary: body, to: report) }
        var text = (json ? try summary.json() : summary.render()) + "\n"
        if plot {
            text += "\n" + SimPlot(recorder: recorder, style: ascii ? .ascii : .braille, width: width, color: color).render()
        }
        return (text, summary)
    }

    /// Runs the simulation the options describe and summarises it.
    ///
    /// A resumed journal runs on with the seed, participants and interval it was created with;
    /// `--seed`, `--bots` or `--bot-interval` that differ from them are refused (exit 2) rather
    /// than reported as used.
    func simulate() throws -> SimulationSummary {
        try simulateRecording().summary
    }

    /// `simulate()` with the report's rows (`--report`, `--plot`); refuses a `--report` directory in use before running.
    func simulateRecording() throws -> (summary: SimulationSummary, recorder: SimReportRecorder) {
        if let report { try SimReportFiles.checkDestination(report) }
        let hedgingEnabled = try hedgingSwitch()
        var settings = try SessionConfigOption.settings(path: config)
        let interval = try participantInterval(fallback: settings.participants.meanActionInterval)
        settings.participants.count = bots ?? settings.participants.count
        settings.participants.meanActionInterval = interval
        if let journal, FileManager.default.fileExists(atPath: journal) {
            try refuseFlagsThatCannotApply(toExisting: journal, interval: interval)
            if let config { try SessionConfigOption.refuseIfDifferent(config: config, requested: settings, existing: journal) }
        }
        let session = try sessionSetup(base: settings.configuration)
        for warning in session.warnings { writeStandardError("pooldesk sim: warning: \(warning)\n") }
        settings.configuration = session.configuration
        let journaled = try journal.map { path in
            try JournaledRun(path: path, seed: seed ?? Self.defaultSeed, settings: settings)
        }
        let result = try SimulationRunner.runRecording(
            seed: seed ?? Self.defaultSeed, duration: givenDuration() ?? session.duration, settings: settings,
            journal: journaled, commands: session.commands, hedging: hedgingEnabled,
            note: { writeStandardError("pooldesk sim: note: \($0)\n") })
        try journaled?.finish()
        return result
    }
}

extension SimCommand {
    /// Refuses (exit 2, before anything is written) `--seed`, `--bots` or `--bot-interval` that differ
    /// from what the existing journal at `path` was created with; equal values are harmless and pass.
    func refuseFlagsThatCannotApply(toExisting path: String, interval: SimDuration) throws {
        if priceOptions.isGiven || scenario != nil {
            throw PoolDeskError("\(scenario != nil ? "--scenario" : "--prices") applies only to new sessions, and \(path) resumes its own "
                + "(its recorded prices, if any, are in it); drop the flag or give a new --journal path")
        }
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

extension SimCommand {
    /// What a new session starts from: the configuration (with `--prices` or the scenario's recorded markets), the
    /// scenario's timed shocks, its default duration, and the bridged-gap warnings to print.
    struct SessionSetup {
        var configuration = EngineConfiguration()
        var commands: [(time: SimTime, command: EngineCommand)] = []
        /// nil: 1 day, or until the recorded prices end.
        var duration: SimDuration?
        var warnings: [String] = []
    }

    /// `base`: the configuration the session starts from before recorded prices are applied (`--config`'s, or the defaults).
    func sessionSetup(base: EngineConfiguration = EngineConfiguration.standard) throws -> SessionSetup {
        var setup = SessionSetup(configuration: base)
        var sources: RecordedSources?
        var stress: StressScenario?
        if let scenario {
            let loaded = try ScenarioCatalog.load(scenario)
            stress = loaded
            sources = loaded.sources
            setup.duration = loaded.duration
        } else if priceOptions.isGiven {
            sources = try priceOptions.sources()
        }
        if let sources, !sources.isEmpty {
            let applied = try sources.apply(to: setup.configuration)
            setup.configuration = applied.configuration
            setup.warnings = applied.warnings
        }
        if let stress {
            setup.commands = try stress.commands(start: setup.configuration.startTime, configuration: setup.configuration)
        }
        return setup
    }
}

/// The headless run behind `pooldesk sim`: a scenario advanced in chunks with one reused event buffer.
enum SimulationRunner {
    /// Runs `duration` of simulated time with `bots` participants and returns the summary with the wall time it took.
    ///
    /// With a resumed journal the run continues the journal's session (its seed and participants);
    /// the summary then tells this run's activity from the session's totals.
    ///
    /// `duration` nil runs 1 day, or until recorded prices end; a run never goes past the end of recorded prices
    /// (`note` says so when a given duration is cut). `commands` (a scenario's shocks) are applied at their times,
    /// journaled like the dashboard's commands.
    static func run(seed: UInt64, duration: SimDuration?, settings: SessionSettings = .standard, chunk: SimDuration = SimCommand.chunk,
                    journal: JournaledRun? = nil, commands: [(time: SimTime, command: EngineCommand)] = [],
                    note: (String) -> Void = { _ in }) -> SimulationSummary {
        runRecording(seed: seed, duration: duration, settings: settings, chunk: chunk, journal: journal, commands: commands, note: note).summary
    }

    /// `run` that also returns the report's rows: one at the start and one after every chunk. `hedging` switches the
    /// pool's delta hedging on or off first (a `setHedging` command, journaled like any other).
    static func runRecording(seed: UInt64, duration: SimDuration?, settings: SessionSettings = .standard,
                             chunk: SimDuration = SimCommand.chunk, journal: JournaledRun? = nil,
                             commands: [(time: SimTime, command: EngineCommand)] = [], hedging: Bool? = nil,
                             note: (String) -> Void = { _ in }) -> (summary: SimulationSummary, recorder: SimReportRecorder) {
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
        var end = start + (duration ?? .days(1))
        let recordedEnd = engine.configuration.markets.compactMap { $0.history?.bars.end }.min()
        if let recordedEnd {
            if duration == nil {
                end = recordedEnd
            } else if end > recordedEnd {
                note("recorded prices end at \(recordedEnd); the run stops there (history ended)")
                end = recordedEnd
            }
            end = max(end, start)
        }
        var pending = commands[...]
        var events: [EngineEvent] = []
        events.reserveCapacity(4_096)
        if let hedging {
            if let journal {
                _ = journal.apply(.setHedging(enabled: hedging), to: &engine)
            } else {
                _ = engine.apply(.setHedging(enabled: hedging))
            }
        }
        var recorder = SimReportRecorder(engine: engine)
        var invariants = SimulationInvariantLog()
        var target = start
        while target < end {
            target = min(target + chunk, end)
            events.removeAll(keepingCapacity: true)
            // Commands due within this chunk: the simulation up to each one is recorded before the command itself.
            while let next = pending.first, next.time <= target {
                pending.removeFirst()
                engine.advance(to: next.time, into: &events)
                journal?.record(events, engine: engine)
                recorder.observe(events)
                events.removeAll(keepingCapacity: true)
                // The command's own events (a shock's halts and liquidations) count in the report too.
                recorder.observe(journal?.apply(next.command, to: &engine) ?? engine.apply(next.command))
            }
            engine.advance(to: target, into: &events)
            journal?.record(events, engine: engine)
            invariants.record(engine.checkInvariants(), at: engine.time)
            recorder.observe(events)
            recorder.sample(engine)
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var summary = SimulationSummary(engine: engine, start: start, before: before, session: session, wallSeconds: seconds, invariants: invariants)
        summary.report = recorder.summary(hedgingEnabled: engine.pool.hedgingEnabled)
        return (summary, recorder)
    }
}

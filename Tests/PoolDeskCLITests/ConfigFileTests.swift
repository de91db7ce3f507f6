import Foundation
import PoolDeskJournal
import PoolEngine
import Testing
@testable import PoolDeskCLI

/// `--config FILE` and `pooldesk config`: the TOML file, its messages, and the sessions it starts.
@Suite("Configuration files")
struct ConfigFileTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("config --default parses back to exactly the defaults")
    func defaultRoundTrip() throws {
        let text = ConfigWriter.render(.standard)
        let parsed = try ConfigFile.parse(text, file: "default.toml", base: SessionSettings(configuration: EngineConfiguration(), participants: ParticipantConfiguration()))
        #expect(parsed == .standard)
        // What the defaults are, stated independently of the code that writes them.
        #expect(parsed.configuration.amm.skewCurve == SkewCurve(linear: -0.1156, quadratic: 0.0738))
        #expect(parsed.configuration.markets.map(\.symbol) == ["BTC", "ETH"])
        #expect(parsed.participants.count == 20)
        #expect(parsed.participants.mix?.weights[.informed] == 6)
        #expect(text.contains("tenors = [\"1h\", \"4h\", \"1d\", \"7d\"]"))
        #expect(text.contains("meanActionInterval = \"10m\""))
    }

    @Test("a configuration with every section changed round-trips too")
    func changedRoundTrip() throws {
        var settings = SessionSettings.standard
        var sol = MarketConfiguration.bitcoin
        sol.symbol = "SOL"
        sol.initialSpot = 150.25
        sol.standardSize = Quantity(50)
        sol.minimumOrderSize = Quantity(micros: 100_000)
        settings.configuration.markets.append(sol)
        settings.configuration.tenors = [.minutes(30), .days(1) + .hours(12)]
        settings.configuration.startTime = SimTime(year: 2020, month: 3, day: 12, hour: 6)
        settings.configuration.amm.baseIvBounds = 0.2...3.5
        settings.configuration.amm.skewCurve = .legacy
        settings.configuration.hedging.enabled = false
        settings.configuration.rate = 0.05
        settings.participants = ParticipantConfiguration(count: 7, meanActionInterval: .seconds(90), traderFunding: Money(micros: 1_500_000),
                                                         mix: nil, behaviour: ParticipantBehaviour())
        let parsed = try ConfigFile.parse(ConfigWriter.render(settings), file: "changed.toml")
        #expect(parsed == settings)
    }

    @Test("a partial file overrides only what it names")
    func partialFile() throws {
        let source = """
            strikesPerSide = 5
            [pool]
            utilizationCap = 0.5
            [[markets]]
            symbol = "ETH"
            initialSpot = 2500
            [participants.mix]
            informed = 1
            noise = 3
            """
        let parsed = try ConfigFile.parse(source, file: "partial.toml")
        var expected = SessionSettings.standard
        expected.configuration.strikesPerSide = 5
        expected.configuration.pool.utilizationCap = 0.5
        var ether = MarketConfiguration.ether
        ether.initialSpot = 2_500
        ether.impliedVolatilityPremium = 1.024   // a new session's ETH: the premium calibrated to its process
        expected.configuration.markets = [ether]
        expected.participants.mix = ParticipantMix([.informed: 1, .noise: 3])
        #expect(parsed == expected)
    }

    /// Every kind of bad key or value, with the line and key the message must name.
    static let badFiles: [(source: String, line: Int?, key: String, problem: String)] = [
        ("bogus = 1", 1, "bogus", "unknown key"),
        ("rate = 0.01\n[amm]\nskewAdjustmentFactr = 0.5", 3, "amm.skewAdjustmentFactr", "did you mean skewAdjustmentFactor?"),
        ("strikesPerSide = \"eight\"", 1, "strikesPerSide", "expected an integer, got string \"eight\""),
        ("\n[pool]\nutilizationCap = 1.5", 3, "pool.utilizationCap", "1.5 is out of range (0–1)"),
        ("tickInterval = \"5 minutes\"", 1, "tickInterval", "is not a duration"),
        ("tickInterval = 5", 1, "tickInterval", "expected a duration such as \"10m\", got integer 5"),
        ("[[markets]]\nsymbol = \"BTC\"\n\n[[markets]]\nsymbol = \"ETH\"\ninitialSpot = -3", 6, "markets[2].initialSpot", "out of range"),
        ("[[markets]]\nsymbol = \"SOL\"", 2, "markets[1].symbol", "needs an initialSpot"),
        ("[[markets]]\nsymbol = \"btc\"", 2, "markets[1].symbol", "is not a symbol"),
        ("[[markets]]\nsymbol = \"BTC\"\nminimumOrderSize = 30", 3, "markets[1].minimumOrderSize", "above maximumOrderSize"),
        ("[participants.mix]\nnoise = 1\nwhales = 2", 3, "participants.mix.whales", "unknown key"),
        ("[participants.mix]\nnoise = 0", 1, "participants.mix", "at least one weight must be positive"),
        ("[participants]\nmix = \"lots\"", 2, "participants.mix", "is not a mix"),
        ("[participants]\ncount = 5000", 2, "participants.count", "out of range (0–1000)"),
        ("[amm]\nbaseIvBounds = [2.0, 0.35]", 2, "amm.baseIvBounds", "low 2 is above high 0.35"),
        ("[amm]\ntradedVolBounds = 0.5", 2, "amm.tradedVolBounds", "expected [low, high]"),
        ("amm = { skewCurve = { linear = \"x\" } }", 1, "amm.skewCurve.linear", "expected a number"),
        ("[participants.behaviour]\nbankRunUtilization = 0.3\ncalmUtilization = 0.5", 3, "participants.behaviour.calmUtilization", "calmUtilization must be within"),
        ("startTime = \"2026-02-31T00:00:00Z\"", 1, "startTime", "is not a UTC time"),
        ("tenors = [\"1h\", \"1h\"]", 1, "tenors", "listed twice"),
        ("tenors = []", 1, "tenors", "between 1 and 12 tenors"),
        ("rulesVersion = 9", 1, "rulesVersion", "out of range (1–4)"),
        ("[hedging]\nenabled = \"yes\"", 2, "hedging.enabled", "expected true or false"),
        ("[breakers]\ncooldown = \"99999d\"", 2, "breakers.cooldown", "out of range"),
        ("[pool]\nutilizationCap = nan", 2, "pool.utilizationCap", "out of range"),
        ("pool = 3", 1, "pool", "expected a table"),
        ("[amm\nrate = 1", 1, "file", "TOML syntax error"),
    ]

    @Test("every bad key or value is FILE:LINE: key: problem", arguments: 0..<badFiles.count)
    func badFile(_ index: Int) throws {
        let bad = Self.badFiles[index]
        do {
            _ = try ConfigFile.parse(bad.source, file: "bad.toml")
            Issue.record("accepted: \(bad.source)")
        } catch let error as ConfigFileError {
            #expect(error.line == bad.line, "\(error)")
            #expect(error.key == bad.key, "\(error)")
            #expect(error.problem.contains(bad.problem), "\(error)")
            let prefix = "bad.toml\(bad.line.map { ":\($0)" } ?? ""): \(bad.key): "
            #expect(error.description.hasPrefix(prefix), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a missing file is one line naming it")
    func missingFile() throws {
        #expect(throws: PoolDeskError.self) { try SessionConfigOption.settings(path: "/nonexistent/pooldesk.toml") }
        do {
            _ = try ConfigFile.load(path: "/nonexistent/pooldesk.toml")
        } catch let error as ConfigFileError {
            #expect(error.description.hasPrefix("/nonexistent/pooldesk.toml: file: cannot be read"))
        }
    }

    @Test("the built binary: config --default prints a file that parses to the defaults; a bad --config is one line, exit 2")
    func builtBinary() throws {
        let cli = CommandLineErrorTests()
        let defaults = try cli.run(["config", "--default"])
        #expect(defaults.status == 0)
        #expect(try ConfigFile.parse(defaults.standardOutput, file: "stdout") == .standard)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.toml").path
        try "rate = 0.01\n[pool]\nutilizationCap = 1.5\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let message = "\(bad):3: pool.utilizationCap: 1.5 is out of range (0–1)"
        for arguments in [["sim", "--config", bad, "--duration", "1h"], ["config", bad], ["serve", "--config", bad, "--listen", "127.0.0.1:0"]] {
            cli.expectOneLineFailure(try cli.run(arguments), mentioning: message)
        }
        let typo = folder.appendingPathComponent("typo.toml").path
        try "[amm]\nskewAdjustmentFactr = 0.5\n".write(toFile: typo, atomically: true, encoding: .utf8)
        cli.expectOneLineFailure(try cli.run(["sim", "--config", typo]), mentioning: "\(typo):2: amm.skewAdjustmentFactr: unknown key (did you mean skewAdjustmentFactor?)")
    }

    @Test("sim --config runs the file's market, journals it, resumes with it, and refuses a different file")
    func simJournalsTheConfiguration() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("desk.toml")
        try "strikesPerSide = 3\n[hedging]\nenabled = false\n[[markets]]\nsymbol = \"ETH\"\n[participants]\ncount = 4\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let journal = folder.appendingPathComponent("run.sqlite").path
        let first = try SimCommand.parse(["--config", file.path, "--journal", journal, "--duration", "1h"]).simulate()
        #expect(first.bots == 4)
        let held = try JournalReader.session(queue: JournalReader.openReadOnly(path: journal), path: journal).parameters
        #expect(held.configuration.strikesPerSide == 3)
        #expect(held.configuration.hedging.enabled == false)
        #expect(held.configuration.markets.map(\.symbol) == ["ETH"])
        #expect(held.configuration.amm.skewCurve == SkewCurve.deribitBTC2026)
        #expect(held.participants.count == 4 && held.participants.mix == .standard)
        // Resuming: with the same file, or none, the session runs on with its own configuration.
        _ = try SimCommand.parse(["--config", file.path, "--journal", journal, "--duration", "30m"]).simulate()
        _ = try SimCommand.parse(["--journal", journal, "--duration", "30m"]).simulate()
        // A different file is refused before anything is written.
        let other = folder.appendingPathComponent("other.toml")
        try "strikesPerSide = 4\n".write(to: other, atomically: true, encoding: .utf8)
        #expect(throws: PoolDeskError.self) { try SimCommand.parse(["--config", other.path, "--journal", journal, "--duration", "1h"]).simulate() }
        let summary = try JournalVerifier.verify(path: journal)
        #expect(summary.end == SimTime(year: 2026, month: 12, day: 1, hour: 2))
    }

    @Test("the default sim runs the standard mix and the fitted skew; an old-style session keeps the original mix")
    func defaultsOfNewSessions() throws {
        let standard = Scenario(configuration: .standard, seed: 1, participants: .standard(count: 20)).engine
        let names = standard.bots.map(\.strategy)
        #expect(names.filter { $0 == .informed }.count == 6)
        #expect(names.filter { $0 == .bankRunLiquidityProvider }.count == 2)
        #expect(names.filter { $0 == .jumpTrader }.count == 2)
        let original = Scenario(seed: 1, participants: ParticipantConfiguration(count: 20)).engine
        #expect(original.bots.map(\.strategy) == (0..<20).map(ParticipantConfiguration.strategy(forIndex:)))
        #expect(original.bots.allSatisfy { $0.behaviour == nil && $0.memory == nil })
        // New sessions hold: their plain LPs carry a behaviour (the holding period).
        #expect(standard.bots.filter { $0.strategy == .liquidityProvider }.allSatisfy { $0.behaviour != nil })
    }
}

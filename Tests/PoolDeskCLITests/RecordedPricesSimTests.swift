import Foundation
import Logging
import PoolDeskJournal
import PoolDeskUI
import PoolEngine
import Testing
@testable import PoolDeskCLI

/// Real BTC hourly bars of 12 March 2020 (the committed excerpt, see Fixtures/README.md) drive `sim`.
@Suite("Recorded prices drive sim")
struct RecordedPricesSimTests {
    static var fixturePath: String { Fixture.url("btc_usdt_1h_2020-03-12.csv").path }

    /// Closes of the excerpt's bars, read here with a plain split (not the reader under test).
    static func closes() throws -> [(time: Int64, close: Double)] {
        try Fixture.text("btc_usdt_1h_2020-03-12.csv").split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",")
            return (try #require(Int64(cells[0])) * 1000 + 3_600_000, try #require(Double(cells[4])))
        }
    }

    @Test("the spot at each bar's close time equals the file's close, bit for bit, and invariants hold")
    func closesMatch() throws {
        let sources = RecordedSources(prices: [.init(symbol: "BTC", name: Self.fixturePath, text: try Fixture.text("btc_usdt_1h_2020-03-12.csv"))])
        let applied = try sources.apply(to: EngineConfiguration())
        #expect(applied.configuration.startTime == SimTime(year: 2020, month: 3, day: 12))
        #expect(applied.end == SimTime(year: 2020, month: 3, day: 13))
        #expect(applied.configuration.markets[0].history?.source == "btc_usdt_1h_2020-03-12.csv")
        var engine = Scenario(configuration: applied.configuration, seed: 1, participants: ParticipantConfiguration(count: 4)).engine
        #expect(engine.markets[0].spot == 7_934.52)
        let closes = try Self.closes()
        #expect(closes.count == 24)
        for (time, close) in closes {
            _ = engine.advance(to: SimTime(milliseconds: time))
            #expect(engine.markets[0].spot == close, "close at \(SimTime(milliseconds: time))")
        }
        #expect(engine.checkInvariants().isEmpty)
    }

    @Test("sim --prices runs the data's span, ends on the last close, and replays identically")
    func simReplays() throws {
        func run() throws -> [String: Any] {
            var json = try SimCommandTests.runJSON(["--prices", "BTC=\(Self.fixturePath)", "--bots", "4", "--seed", "3",
                                                    "--from", "2020-03-12T10:00Z", "--to", "2020-03-12T16:00:00Z"])
            json.removeValue(forKey: "ticksPerSecond")
            return json
        }
        let first = try run()
        #expect(first["ticks"] as? Int == 6 * 3_600)
        let markets = try #require(first["markets"] as? [[String: Any]])
        // The 15:00 bar's close (the last bar selected).
        #expect(markets.first?["spot"] as? Double == 6_132.13)
        let invariants = try #require(first["invariants"] as? [String: Any])
        #expect(invariants["ok"] as? Bool == true)
        let second = try run()
        #expect(try JSONSerialization.data(withJSONObject: first, options: [.sortedKeys])
            == JSONSerialization.data(withJSONObject: second, options: [.sortedKeys]))
    }

    @Test("informed participants on the crash's first hours do not trap (the trial's crash: an enormous edge made an Int64 overflow)",
          arguments: [1, 2] as [UInt64])
    func informedOnTheCrashDoNotTrap(seed: UInt64) throws {
        let json = try SimCommandTests.runJSON(["--prices", "BTC=\(Self.fixturePath)", "--bots", "20", "--seed", "\(seed)",
                                                "--to", "2020-03-12T06:00:00Z"])
        #expect(json["ticks"] as? Int == 6 * 3_600)
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(invariants["ok"] as? Bool == true)
    }

    @Test("the dashboard's driver says once that history ended, when the recorded prices run out")
    func historyEndedNotice() throws {
        let sources = RecordedSources(prices: [.init(symbol: "BTC", name: "btc.csv", text: try Fixture.text("btc_usdt_1h_2021-04-19_gap.csv"))])
        var engine = Engine(configuration: try sources.apply(to: EngineConfiguration()).configuration, seed: 1)
        let driver = EmbeddedDeskDriver(engine: engine, journal: nil, logger: Logger(label: "test"))
        #expect(driver.pendingNotices().isEmpty)
        _ = engine.advance(to: SimTime(year: 2021, month: 4, day: 20, hour: 8))
        let ended = EmbeddedDeskDriver(engine: engine, journal: nil, logger: Logger(label: "test"))
        let notices = ended.pendingNotices()
        guard case .notice(let message) = notices.first else {
            Issue.record("no notice: \(notices)")
            return
        }
        #expect(message.text == "history ended: BTC holds the last recorded close")
        #expect(ended.pendingNotices().isEmpty)
        #expect(engine.markets[0].spot == 54_410.57)
    }

    @Test("a journaled sim on recorded prices records them in its configuration and resumes on them")
    func journaled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-prices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        _ = try SimCommand.parse(["--prices", "BTC=\(Self.fixturePath)", "--bots", "2", "--from", "2020-03-12T10:00Z",
                                  "--duration", "2h", "--journal", path, "--json"]).simulate()
        let resumed = try SimCommand.parse(["--journal", path, "--duration", "1h", "--json"]).simulate()
        _ = try JournalVerifier.verify(path: path)
        #expect(resumed.markets.first?.spot == 6_028.1)
        // Flags that would change a session cannot apply to a resumed one.
        #expect(throws: PoolDeskError.self) {
            _ = try SimCommand.parse(["--journal", path, "--prices", "BTC=\(Self.fixturePath)"]).simulate()
        }
    }

    @Test("scenario files: timed shocks on a simulated market are journaled commands and replay")
    func scenarioFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("crash.scenario")
        try "summary test crash\nduration 2h\nat 30m shock BTC -25%   # the crash\nat 30m volshock BTC +40\n".write(to: file, atomically: true, encoding: .utf8)
        let scenario = try ScenarioCatalog.load(file.path)
        #expect(scenario.duration == .hours(2))
        #expect(scenario.shocks == [.init(offset: .minutes(30), symbol: "BTC", spotMove: -0.25, volatilityShift: 0),
                                    .init(offset: .minutes(30), symbol: "BTC", spotMove: 0, volatilityShift: 0.4)])
        let journal = folder.appendingPathComponent("j.sqlite").path
        let summary = try SimCommand.parse(["--scenario", file.path, "--bots", "2", "--journal", journal]).simulate()
        #expect(summary.invariants.isClean)
        let commands = try JournalCommandKinds.read(journal)
        #expect(commands.filter { $0 == "shock" }.count == 2)
        // The journal replays from its start, shocks included, to the same events.
        _ = try JournalVerifier.verify(path: journal)
    }

    @Test("built-in scenarios parse; real-history ones drive both markets from their embedded data")
    func builtIns() throws {
        for entry in ScenarioCatalog.builtIns {
            let scenario = try ScenarioCatalog.load(entry.name)
            #expect(!scenario.summary.isEmpty)
            let setup = try SimCommand.parse(["--scenario", entry.name]).sessionSetup()
            if entry.name == "march-2020" || entry.name == "may-2021" {
                #expect(setup.configuration.markets.allSatisfy { $0.history?.bars.count == 336 }, "\(entry.name)")
                #expect(setup.warnings.isEmpty)
            } else {
                #expect(!setup.commands.isEmpty)
            }
        }
        let may = try SimCommand.parse(["--scenario", "may-2021"]).sessionSetup()
        #expect(may.configuration.startTime == SimTime(year: 2021, month: 5, day: 12))
        #expect(may.configuration.markets[0].history?.impliedVolatility != nil)
        #expect(try ScenarioCatalog.listing().contains("vol-spike"))
    }

    @Test("bad scenario files are one line naming the file, the line and the statement")
    func badScenarios() throws {
        let cases: [(text: String, expected: String)] = [
            ("bogus 1\n", ":1: bogus: unknown statement"),
            ("\nat soon shock BTC -5%\n", ":2: at: \"soon\" is not a duration"),
            ("at 1h shock BTC -120%\n", ":1: shock: -120% is out of range"),
            ("at 1h volshock BTC lots\n", ":1: volshock: \"lots\" is not a number of vol points"),
            ("at 1h jump BTC 5\n", ":1: at: needs `shock SYMBOL PERCENT`"),
            ("every 1h shock BTC -1%\n", ":1: every: needs `until DURATION`"),
            ("prices BTC\n", ":1: prices: needs SYMBOL=FILE"),
        ]
        for (text, expected) in cases {
            do {
                _ = try ScenarioFile.parse(text, file: "s.txt", name: "s") { _ in RecordedSources.File(symbol: "", name: "x", text: "") }
                Issue.record("accepted: \(text)")
            } catch let error as PoolDeskError {
                #expect(error.message.hasPrefix("s.txt" + expected), "\(error.message)")
            }
        }
    }
}

/// Reads the `kind` column of a journal's commands (through the journal's own reader).
enum JournalCommandKinds {
    static func read(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, "SELECT kind FROM commands ORDER BY id"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

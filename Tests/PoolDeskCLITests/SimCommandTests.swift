import Foundation
import PoolEngine
import Testing
@testable import PoolDeskCLI

/// `pooldesk sim`: option parsing, the headless run and its summary.
@Suite("pooldesk sim")
struct SimCommandTests {
    /// Runs `pooldesk sim` in-process with `arguments` and returns the JSON object it would print.
    static func runJSON(_ arguments: [String]) throws -> [String: Any] {
        let command = try SimCommand.parse(arguments + ["--json"])
        let summary = try command.simulate()
        let text = try summary.json()
        #expect(!text.contains("\n"), "one line of JSON")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func jsonHasTheDocumentedKeysAndCleanInvariants() throws {
        let json = try Self.runJSON(["--seed", "3", "--duration", "2h", "--bots", "10"])
        for key in ["ticks", "ticksPerSecond", "markets", "pool", "trades", "settlements", "liquidations", "rejections", "invariants"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        // 2 hours of 1-second ticks.
        #expect(json["ticks"] as? Int == 7_200)
        #expect((json["ticksPerSecond"] as? Double ?? 0) > 0)
        let markets = try #require(json["markets"] as? [[String: Any]])
        #expect(markets.map { $0["symbol"] as? String } == ["BTC", "ETH"])
        #expect(markets.allSatisfy { ($0["spot"] as? Double ?? 0) > 0 })
        let pool = try #require(json["pool"] as? [String: Any])
        for key in ["nav", "sharePrice", "utilization", "freeLiquidity", "fees", "netDelta", "netGamma", "netVega", "netTheta"] {
            #expect(pool[key] is Double || pool[key] is Int, "pool.\(key)")
        }
        #expect((pool["nav"] as? Double ?? 0) > 1_000_000)
        #expect((pool["fees"] as? Double ?? 0) > 0)
        #expect((json["trades"] as? Int ?? 0) > 0)
        // Two hourly boards per market settle in two hours.
        #expect(json["settlements"] is Int)
        let rejections = try #require(json["rejections"] as? [String: Int])
        #expect(rejections.keys.allSatisfy { RejectionReason(rawValue: $0) != nil })
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(invariants["ok"] as? Bool == true)
        #expect(invariants["violations"] as? Int == 0)
        #expect(invariants["checks"] as? Int == 2)
    }

    @Test func sameSeedGivesTheSameJSONApartFromSpeed() throws {
        func stripped(_ seed: String) throws -> Data {
            var json = try Self.runJSON(["--seed", seed, "--duration", "90m", "--bots", "6"])
            json.removeValue(forKey: "ticksPerSecond")
            return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        }
        let first = try stripped("5")
        #expect(first == (try stripped("5")))
        #expect(first != (try stripped("6")))
    }

    @Test func jsonKeysAreSorted() throws {
        let summary = try SimCommand.parse(["--duration", "10m", "--bots", "2"]).simulate()
        let text = try summary.json()
        let topLevel = ["bots", "end", "invariants", "liquidations", "markets", "pool", "rejections", "seed", "settlements",
                        "start", "ticks", "ticksPerSecond", "trades"]
        let positions = topLevel.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted())
    }

    @Test func defaults() throws {
        let command = try SimCommand.parse([])
        // Not given: the defaults apply to a new session only (a resumed journal keeps its own).
        #expect(command.seed == nil && SimCommand.defaultSeed == 1)
        #expect(command.duration == nil)
        #expect(try command.simulatedDuration() == .days(1))
        #expect(command.bots == nil && SimCommand.defaultBots == 20)
        #expect(command.json == false)
    }

    @Test(arguments: [
        ["--duration", "7x"], ["--duration", "0s"], ["--duration", "-1d"], ["--duration", ""], ["--duration", "d"],
        ["--duration", "400d"], ["--duration", "9999999999w9999999999w"], ["--bots=-1"], ["--bots", "20000"], ["--bots", "1001"],
        ["--seed", "-3"], ["--seed", "abc"], ["--frobnicate"], ["extra"],
    ])
    func badInputIsRejected(arguments: [String]) {
        #expect(throws: (any Error).self) { try SimCommand.parse(arguments) }
    }

    @Test func botIntervalSetsTheParticipantsIntensity() throws {
        // Same seed and bots: participants acting every minute trade far more than ones acting every hour.
        let busy = try SimCommand.parse(["--duration", "4h", "--bots", "10", "--bot-interval", "1m"]).simulate()
        let quiet = try SimCommand.parse(["--duration", "4h", "--bots", "10", "--bot-interval", "1h"]).simulate()
        #expect(busy.trades > 5 * max(1, quiet.trades))
        #expect(throws: (any Error).self) { try SimCommand.parse(["--bot-interval", "7x"]) }
        #expect(throws: (any Error).self) { try SimCommand.parse(["--bot-interval", "0s"]) }
    }

    @Test func badDurationMessageIsOneLine() {
        do {
            _ = try SimCommand.parse(["--duration", "7x"])
            Issue.record("7x parsed")
        } catch {
            let message = PoolDeskCommand.message(for: error)
            #expect(message.contains("7x"))
            #expect(PoolDeskCommand.exitCode(for: error) != .success)
            #expect(!message.split(separator: "\n").isEmpty)
        }
    }

    @Test func textReportIsAlignedAndComplete() throws {
        let summary = try SimCommand.parse(["--seed", "2", "--duration", "1h", "--bots", "5"]).simulate()
        let text = summary.render()
        for label in ["Markets", "BTC", "ETH", "Pool", "NAV", "Share price", "Utilization", "Free liquidity", "Fees earned",
                      "Net delta", "Net gamma", "Net vega", "Net theta", "Trades", "Settlements", "Liquidations", "Rejections",
                      "Invariants", "ticks/s"] {
            #expect(text.contains(label), "missing \(label)")
        }
        #expect(text.contains("OK"))
        // Figures line up: every pool row ends its number in the same column.
        // (Matched as whole labels: the LP report below has its own NAV rows.)
        let poolRows = text.split(separator: "\n").filter { row in ["NAV", "Free liquidity", "Fees earned", "Net delta"].contains { row.hasPrefix("  \($0)  ") } }
        let ends = poolRows.map { row in (row.range(of: " USD")?.lowerBound).map { row.distance(from: row.startIndex, to: $0) } }
        #expect(ends.count == 4 && Set(ends).count == 1, "\(poolRows)")
    }

    @Test func summaryIsPureGivenEngineAndWallTime() {
        var engine = Scenario(seed: 4, participants: ParticipantConfiguration(count: 3)).engine
        let start = engine.time
        _ = engine.advance(to: start + .minutes(30))
        var log = SimulationInvariantLog()
        log.record(engine.checkInvariants(), at: engine.time)
        let a = SimulationSummary(engine: engine, start: start, session: .init(seed: 4, bots: 3, resumedFrom: nil), wallSeconds: 2, invariants: log)
        let b = SimulationSummary(engine: engine, start: start, session: .init(seed: 4, bots: 3, resumedFrom: nil), wallSeconds: 2, invariants: log)
        #expect(a == b)
        #expect(a.render() == b.render())
        #expect(a.ticks == 1_800)
        #expect(a.ticksPerSecond == 900)
        #expect(SimulationSummary(engine: engine, start: start, session: .init(seed: 4, bots: 3, resumedFrom: nil), wallSeconds: 0, invariants: log).ticksPerSecond == 0)
    }

    @Test func resumedRunReportsThisRunAndTheSessionSeparately() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.sqlite").path
        let first = try SimCommand.parse(["--journal", path, "--seed", "3", "--bots", "4", "--duration", "2h"]).simulate()
        #expect(first.session.resumedFrom == nil && first.sessionTotals == nil)
        // The journal's own seed and bots run on; a flag that would differ is refused, an equal one is fine.
        #expect(throws: PoolDeskError.self) { try SimCommand.parse(["--journal", path, "--seed", "5", "--duration", "1h"]).simulate() }
        #expect(throws: PoolDeskError.self) { try SimCommand.parse(["--journal", path, "--bots", "1", "--duration", "1h"]).simulate() }
        let second = try SimCommand.parse(["--journal", path, "--bots", "4", "--duration", "1h"]).simulate()
        #expect(second.seed == 3 && second.bots == 4)
        #expect(second.session.resumedFrom == first.end)
        #expect(second.ticks == 3_600, "this run's ticks, not the session's")
        let totals = try #require(second.sessionTotals)
        #expect(totals.ticks == 3 * 3_600)
        #expect(totals.trades == first.trades + second.trades)
        #expect(second.render().hasPrefix("PoolDesk simulation · resumed session (seed 3 · 4 bots); this run: 1h, \(Plural.count(second.trades, "trade"))"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.json().utf8)) as? [String: Any])
        #expect(json["resumed"] as? Bool == true)
        #expect(json["ticks"] as? Int == 3_600)
        let session = try #require(json["session"] as? [String: Any])
        #expect(session["ticks"] as? Int == 3 * 3_600)
        let fresh = try #require(try JSONSerialization.jsonObject(with: Data(first.json().utf8)) as? [String: Any])
        #expect(fresh["resumed"] as? Bool == false && fresh["session"] == nil)
    }

    @Test func countsAgreeWithTheirNouns() throws {
        #expect(Plural.count(1, "position") == "1 position")
        #expect(Plural.count(0, "position") == "0 positions")
        #expect(Plural.count(Int64(2), "check") == "2 checks")
        let one = try SimCommand.parse(["--duration", "1h", "--bots", "1"]).simulate().render()
        #expect(one.hasPrefix("PoolDesk simulation · seed 1 · 1h · 1 bot\n"), "\(one.prefix(60))")
        #expect(one.contains("1 check, no violations"))
    }

    @Test func violationsAreCountedAndTheFirstFewKept() {
        var log = SimulationInvariantLog()
        for index in 0..<4 {
            log.record(descriptions: Array(repeating: "conservation: held 1 ≠ 2", count: index), at: SimTime(milliseconds: Int64(index) * 1000))
        }
        #expect(log.checks == 4)
        #expect(log.violationCount == 6)
        #expect(log.firstViolations.count == SimulationInvariantLog.keptViolations)
        #expect(!log.isClean)
        #expect(log.firstViolations.first == "1970-01-01T00:00:01Z: conservation: held 1 ≠ 2")
    }

    @Test func numberFormatting() {
        #expect(SimSummaryFormat.grouped(1_234_567.891, decimals: 2) == "1,234,567.89")
        #expect(SimSummaryFormat.grouped(-1_234.5, decimals: 2) == "-1,234.50")
        #expect(SimSummaryFormat.grouped(999, decimals: 0) == "999")
        #expect(SimSummaryFormat.grouped(1_000, decimals: 0) == "1,000")
        #expect(SimSummaryFormat.grouped(0.0000001, decimals: 6) == "0.000000")
        #expect(SimSummaryFormat.grouped(-0.001, decimals: 2) == "0.00")
        #expect(SimSummaryFormat.grouped(.nan, decimals: 2) == "nan")
        #expect(SimSummaryFormat.grouped(-.infinity, decimals: 2) == "-inf")
        #expect(SimSummaryFormat.words("deltaCutoff") == "delta cutoff")
        #expect(SimSummaryFormat.words("poolInsolvent") == "pool insolvent")
    }
}

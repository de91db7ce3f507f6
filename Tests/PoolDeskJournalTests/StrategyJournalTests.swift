import Foundation
import PoolEngine
import Testing
@testable import PoolDeskJournal

/// Strategy commands are journaled like any other: the journal verifies (every event replayed, snapshots holding
/// strategies compared), resumes with its strategies, and exports the legs' fills and the strategy records.
@Suite("Journal: strategies")
struct StrategyJournalTests {
    /// Records a session with two strategies, a refused one, a leg close and a whole close; returns what the desk
    /// holds at the end (the journal is closed and released when this returns).
    static func record(path: String) throws -> (desk: AccountID, held: [StrategyHolding]) {
        var configuration = EngineConfiguration()
        configuration.amm.minimumAbsoluteDelta = 0
        let (journal, scenario) = try SessionJournal.create(
            at: path, parameters: SessionParameters(seed: 9, configuration: configuration,
                                                    participants: ParticipantConfiguration(count: 5, meanActionInterval: .minutes(3))),
            createdBy: "test")
        journal.minimumSnapshotWallInterval = 0
        var engine = scenario.engine
        let desk = scenario.deskAccount

        func frames(_ count: Int) throws {
            for _ in 0..<count {
                var events: [EngineEvent] = []
                engine.advance(to: engine.time + .seconds(20), into: &events)
                try journal.recordAdvance(events, engine: engine)
                try journal.flushIfDue(engine: engine)
            }
        }
        // The ETH board of the longest tenor: it outlives the session.
        let board = try #require(engine.liveBoards(market: MarketID(1)).last)
        let spot = engine.markets[1].spot
        let atm = try #require(board.strikes.indices.min { abs(board.strikes[$0].doubleValue - spot) < abs(board.strikes[$1].doubleValue - spot) })
        let shortCall = board.series(.call, strikeIndex: atm), longCall = board.series(.call, strikeIndex: atm + 1)
        let put = board.series(.put, strikeIndex: atm)

        let spread = StrategyOrder(account: desk, legs: [StrategyLeg(series: shortCall, side: .sell), StrategyLeg(series: longCall, side: .buy)],
                                   size: Quantity(2), name: "call spread")
        let opened = try journal.apply(.placeStrategy(spread), to: &engine)
        #expect(opened.filter { if case .orderFilled = $0.payload { true } else { false } }.count == 2)
        let spreadID = try #require(engine.strategies(of: desk).first?.id)
        try frames(5)
        // Refused (a series twice): journaled as the command and its one rejection, nothing else.
        let refused = try journal.apply(.placeStrategy(StrategyOrder(
            account: desk, legs: [StrategyLeg(series: put, side: .buy), StrategyLeg(series: put, side: .sell)], size: Quantity(1))), to: &engine)
        #expect(refused.count == 1 && refused.first?.payload.kind == "orderRejected")
        let straddle = StrategyOrder(account: desk, legs: [StrategyLeg(series: shortCall, side: .buy), StrategyLeg(series: put, side: .buy)],
                                     size: Quantity(1), name: "straddle")
        _ = try journal.apply(.placeStrategy(straddle), to: &engine)
        try journal.snapshot(engine: engine)
        try frames(5)
        _ = try journal.apply(.closeStrategyLeg(account: desk, strategy: spreadID, series: longCall, quantity: Quantity(1), limitPremium: nil), to: &engine)
        try frames(5)
        let closed = try journal.apply(.closeStrategy(account: desk, strategy: spreadID, limitNetPremium: nil), to: &engine)
        #expect(closed.contains { $0.payload.kind == "strategyClosed" })
        try journal.snapshot(engine: engine)
        try frames(5)
        let held = engine.strategies(of: desk)
        #expect(held.count == 1 && held.first?.name == "straddle")
        try journal.close(engine: engine)
        return (desk, held)
    }

    @Test("a journaled session with strategies verifies, resumes and exports")
    func journaledStrategiesVerifyResumeAndExport() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("strategies.sqlite")
        let (desk, held) = try Self.record(path: path)
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.snapshotsChecked >= 2)
        #expect(summary.commands == 5)

        do {
            let recovered = try SessionJournal.resume(at: path)
            #expect(recovered.engine.strategies(of: desk) == held)
            try recovered.journal.close(engine: recovered.engine)
        }

        var csv = ""
        try JournalExport.export(path: path, format: .csv, account: "desk") { csv += $0 }
        let lines = csv.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("strategy_opened,") }.count == 2)
        #expect(lines.filter { $0.hasPrefix("strategy_changed,") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("strategy_closed,") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("fill,") && $0.contains("leg of strat0") }.count == 5)
        var json = ""
        try JournalExport.export(path: path, format: .json) { json += $0 }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["strategies"] as? [Any])?.count == 4)
    }
}

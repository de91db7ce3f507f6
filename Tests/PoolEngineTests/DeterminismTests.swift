import Foundation
import PoolEngine
import Testing

/// Same seed, same configuration, same commands: the same events, byte for byte.
@Suite("Determinism")
struct DeterminismTests {
    /// A scenario with participants, run for two simulated days; returns every event as sorted-key JSON.
    static func twoDayJournal(seed: UInt64) throws -> (json: Data, events: Int, fills: Int) {
        var scenario = Scenario(seed: seed, participants: ParticipantConfiguration(count: 20))
        var events = scenario.events
        let end = scenario.engine.time + .days(2)
        // Chunks with a reused buffer, as a headless run does.
        var chunk: [EngineEvent] = []
        while scenario.engine.time < end {
            chunk.removeAll(keepingCapacity: true)
            scenario.engine.advance(to: min(scenario.engine.time + .hours(6), end), into: &chunk)
            events += chunk
        }
        // A desk order in the middle of it all replays too.
        let board = scenario.engine.liveBoards(market: MarketID(0))[0]
        events += scenario.engine.apply(.placeOrder(Order(account: scenario.deskAccount, series: board.calls[board.strikes.count / 2],
                                                          side: .buy, quantity: Quantity(1))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(events)
        return (data, events.count, events.fills.count)
    }

    @Test func sameSeedGivesIdenticalEvents() throws {
        let first = try Self.twoDayJournal(seed: 7)
        let second = try Self.twoDayJournal(seed: 7)
        #expect(first.events > 1_000)
        #expect(first.fills > 100)
        #expect(first.json == second.json)
        let third = try Self.twoDayJournal(seed: 8)
        #expect(third.json != first.json)
    }

    @Test func sameCommandsGiveTheSameState() {
        // Two engines fed the same commands end in equal states (pool, accounts, positions, boards, markets).
        func run() -> Engine {
            var engine = Engine(configuration: TestMarkets.fast(), seed: 99)
            engine.openLP("lp", deposit: Money(1_000_000))
            let trader = engine.open("t", funding: Money(100_000))
            for hour in 0..<12 {
                _ = engine.advance(to: engine.time + .hours(1))
                let live = engine.liveSeries
                _ = engine.apply(.placeOrder(Order(account: trader, series: live[(hour * 7) % live.count], side: hour % 3 == 0 ? .sell : .buy,
                                                   quantity: Quantity(1))))
            }
            return engine
        }
        let a = run(), b = run()
        #expect(a.pool == b.pool)
        #expect(a.accounts == b.accounts)
        #expect(a.positions == b.positions)
        #expect(a.boards == b.boards)
        #expect(a.markets == b.markets)
        #expect(a.statistics == b.statistics)
    }
}

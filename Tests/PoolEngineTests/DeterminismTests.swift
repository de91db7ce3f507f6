import Foundation
import PoolEngine
import Testing

/// Same seed, same configuration, same commands: the same events, byte for byte.
@Suite("Determinism")
struct DeterminismTests {
    /// A scenario with 12 participants run for `duration` (coarse ticks, so debug builds stay quick), plus a desk order;
    /// returns every event as sorted-key JSON.
    static func journal(seed: UInt64, duration: SimDuration) throws -> (json: Data, events: Int, fills: Int) {
        var scenario = Scenario(configuration: TestMarkets.fast(), seed: seed, participants: ParticipantConfiguration(count: 12))
        var events = scenario.events
        let end = scenario.engine.time + duration
        // Chunks with a reused buffer, as a headless run does.
        var chunk: [EngineEvent] = []
        while scenario.engine.time < end {
            chunk.removeAll(keepingCapacity: true)
            scenario.engine.advance(to: min(scenario.engine.time + .hours(6), end), into: &chunk)
            events += chunk
        }
        // A desk order at the end replays too.
        let board = scenario.engine.liveBoards(market: MarketID(0))[0]
        events += scenario.engine.apply(.placeOrder(Order(account: scenario.deskAccount, series: board.calls[board.strikes.count / 2],
                                                          side: .buy, quantity: Quantity(1))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(events)
        return (data, events.count, events.fills.count)
    }

    @Test func sameSeedGivesIdenticalEventsOverTwoDays() throws {
        let first = try Self.journal(seed: 7, duration: .days(2))
        let second = try Self.journal(seed: 7, duration: .days(2))
        #expect(first.events > 1_000)
        #expect(first.fills > 100)
        #expect(first.json == second.json)
    }

    @Test func differentSeedsDiffer() throws {
        let seven = try Self.journal(seed: 7, duration: .hours(6))
        let eight = try Self.journal(seed: 8, duration: .hours(6))
        #expect(seven.json != eight.json)
        #expect(seven.json == (try Self.journal(seed: 7, duration: .hours(6))).json)
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

import PoolDeskAPI
import PoolEngine
import Testing

/// Deribit combos over the pool: `private/create_combo`, `private/buy` / `private/sell` on a combo id, and
/// `private/close_strategy`.
@Suite("Deribit-style methods: combos")
struct ComboMethodsTests {
    let scenario = Scenario(configuration: {
        var configuration = EngineConfiguration()
        configuration.amm.minimumAbsoluteDelta = 0
        return configuration
    }(), seed: 1, participants: ParticipantConfiguration(count: 0))

    func code(_ reason: RejectionReason) -> Int { 12_000 + (RejectionReason.allCases.firstIndex(of: reason) ?? -1_000) }

    /// The at-the-money call and the next strike's call of the first BTC board, by name.
    func spreadNames(_ engine: Engine) throws -> (String, String) {
        let board = try #require(engine.liveBoards(market: MarketID(0)).last)
        let atm = board.atTheMoneyIndex(spot: engine.markets[0].spot)
        return (engine.series[board.series(.call, strikeIndex: atm).index].name,
                engine.series[board.series(.call, strikeIndex: atm + 1).index].name)
    }

    @Test("create_combo names the legs; buying it places one strategy, selling it the opposite one; close_strategy closes it")
    func comboLifecycle() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let (short, long) = try spreadNames(pool.engine)
        let combo = try pool.call("private/create_combo", ["trades": [
            ["instrument_name": .string(short), "amount": "2", "direction": "sell"],
            ["instrument_name": .string(long), "amount": "2", "direction": "buy"],
        ]], account: desk).get()
        let id = "COMBO:-1x\(short)/1x\(long)"
        #expect(combo["id"] == .string(id))
        #expect(combo["state"] == "active")
        #expect(combo["legs"] == [["instrument_name": .string(short), "amount": -1], ["instrument_name": .string(long), "amount": 1]])

        let bought = try pool.call("private/buy", ["instrument_name": .string(id), "amount": "0.5", "strategy": "call spread"], account: desk).get()
        #expect(bought["order"]?["order_id"] == "strat0")
        #expect(bought["order"]?["order_state"] == "filled")
        guard case .array(let trades)? = bought["trades"] else { Issue.record("\(bought.text)"); return }
        #expect(trades.map { $0["instrument_name"] } == [.string(short), .string(long)])
        #expect(trades.map { $0["direction"] } == ["sell", "buy"])
        let held = pool.engine.strategies(of: desk)
        #expect(held.map(\.name) == ["call spread"])
        #expect(held.first?.legs.map(\.quantity) == [Quantity(micros: -500_000), Quantity(micros: 500_000)])

        // Selling the combo flips every leg: a debit spread, a second strategy.
        let sold = try pool.call("private/sell", ["instrument_name": .string(id), "amount": "0.5"], account: desk).get()
        #expect(sold["order"]?["order_id"] == "strat1")
        #expect(pool.engine.strategy(StrategyID(1))?.legs.map(\.quantity) == [Quantity(micros: 500_000), Quantity(micros: -500_000)])

        let closed = try pool.call("private/close_strategy", ["strategy_id": "strat0"], account: desk).get()
        #expect(closed["order"]?["order_id"] == "strat0")
        #expect(pool.engine.strategies(of: desk).map(\.id) == [StrategyID(1)])
        // One leg of the other.
        _ = try pool.call("private/close_strategy", ["strategy_id": 1, "instrument_name": .string(long), "amount": "0.2"], account: desk).get()
        #expect(pool.engine.strategy(StrategyID(1))?.legs.map(\.quantity) == [Quantity(micros: 500_000), Quantity(micros: -300_000)])
    }

    @Test("bad combos and refused strategies answer with errors and change nothing")
    func comboRefusals() throws {
        var pool = TestPool(engine: scenario.engine)
        let desk = scenario.deskAccount
        let (short, long) = try spreadNames(pool.engine)
        let repeated = pool.call("private/create_combo", ["trades": [
            ["instrument_name": .string(short), "amount": "1", "direction": "sell"],
            ["instrument_name": .string(short), "amount": "1", "direction": "buy"],
        ]], account: desk)
        #expect(repeated.failure?.code == APIError.invalidParams("trades", "").code)
        #expect(pool.call("private/buy", ["instrument_name": "COMBO:1xNOPE-1D-1-C/1xNOPE-1D-2-C", "amount": "1"], account: desk).failure != nil)
        #expect(pool.call("private/buy", ["instrument_name": .string("COMBO:12x\(short)/1x\(long)"), "amount": "1"], account: desk).failure != nil)
        // A debit spread for at most 0.01 USD a unit: refused by the engine with its limit reason.
        let tight = pool.call("private/buy", ["instrument_name": .string("COMBO:1x\(short)/-1x\(long)"), "amount": "1", "type": "limit",
                                              "price": "0.01"], account: desk)
        #expect(tight.failure?.code == code(.limitPrice))
        #expect(pool.call("private/close_strategy", ["strategy_id": "strat7"], account: desk).failure?.code == code(.noPosition))
        // A viewer may not trade combos.
        #expect(pool.call("private/buy", ["instrument_name": .string("COMBO:1x\(short)/-1x\(long)"), "amount": "1"], account: desk,
                          mayTrade: false).failure != nil)
        #expect(pool.engine.strategies(of: desk).isEmpty && pool.engine.positions(of: desk).isEmpty)
    }
}

import PoolEngine

// TEST SCAFFOLDING: the desk script played by the hidden `journal-drill` subcommand (JournalDrillCommand.swift),
// which the crash-recovery test kills with SIGKILL, by the journal tests and by `bench`'s journal figure. It lives
// in the shell, not in PoolDeskJournal, so the journal library holds no test code; the drill must stay reachable
// from the real binary for the kill test.

/// A deterministic stand-in for a busy trader at the desk: orders near the money, closes, LP deposits and
/// withdrawals. Command `number` depends only on the seed, the number and the engine, so a run that is
/// killed and resumed continues the same script. Used by the crash drill, the journal benchmark and tests.
public enum DeskDrillScript {
    /// The `number`-th command (1-based) of the script for `seed`, against the engine as it is now.
    public static func command(number: Int, seed: UInt64, engine: Engine, desk: AccountID) -> EngineCommand {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: number))
        let roll = random.uniform()
        if roll < 0.08 { return .deposit(account: desk, amount: Money(random.integer(in: 1...20) * 1000)) }
        if roll < 0.12 { return .withdraw(account: desk, shares: Shares(random.integer(in: 1...5) * 100)) }
        if roll < 0.25, let position = engine.positions(of: desk).first {
            return .closePosition(account: desk, series: position.series, quantity: nil)
        }
        let boards = engine.liveBoards(market: MarketID(random.integer(in: 0...max(0, engine.markets.count - 1))))
        guard let board = boards.first, !board.strikes.isEmpty else { return .setHedging(enabled: random.chance(0.5)) }
        let strike = max(0, min(board.strikes.count - 1, board.strikes.count / 2 + random.integer(in: -2...2)))
        let series = board.series(random.chance(0.5) ? .call : .put, strikeIndex: strike)
        let quantity = Quantity(micros: Int64(random.integer(in: 1...20)) * 100_000)
        return .placeOrder(Order(account: desk, series: series, side: random.chance(0.6) ? .buy : .sell, quantity: quantity))
    }
}

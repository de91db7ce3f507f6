import PoolEngine
import Testing
@testable import PoolDeskCLI

/// The strategy benchmark times fills, not refusals: its iron condor, the same legs as single orders and the
/// previews all go through on the bench market.
@Suite("Strategy benchmark")
struct StrategyBenchmarkTests {
    @Test("the bench iron condor fills as one strategy and as four single orders; its preview is not refused")
    func condorFills() throws {
        let engine = EngineBenchmarks.engineWithPositions(0)
        let figures = try #require(EngineBenchmarks.strategies(engine, iterations: 4, repetitions: 1))
        #expect(figures.allFilled)
        var copy = engine
        _ = copy.apply(.openAccount(name: "check", role: .trader, funding: Money(1_000_000)))
        let condor = try #require(EngineBenchmarks.benchCondor(copy, account: AccountID(copy.accounts.count - 1)))
        #expect(condor.legs.map(\.side) == [.buy, .sell, .sell, .buy])
        let strikes = condor.legs.map { copy.series[$0.series.index].strike }
        #expect(strikes == strikes.sorted() && Set(strikes).count == 4)
    }
}

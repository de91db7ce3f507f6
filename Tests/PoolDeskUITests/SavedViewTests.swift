import PoolDeskUI
import PoolEngine
import Testing

/// What a resumed session gets back of its view: market, positions sort, speed — through the reducer only.
@Suite("Saved view (resume)")
struct SavedViewTests {
    @Test("a saved view comes back through restoreView: market by symbol (any case), sort, direction and speed")
    func restores() {
        var fixture = DashboardFixture()
        let saved = SavedView(market: "eth", positionSort: "pnl", positionSortDescending: true, speed: 300)
        _ = DashboardReducer.reduce(&fixture.state, action: .restoreView(saved), engine: fixture.engine)
        #expect(fixture.engine.markets[fixture.state.marketIndex].symbol == "ETH")
        #expect(fixture.state.positionSort == .pnl)
        #expect(fixture.state.positionSortDescending)
        #expect(fixture.state.speed == 300)
        #expect(fixture.state.log.last?.text == "view restored: market ETH, positions sorted by pnl (descending), speed ×300")
        // The chain follows the restored market.
        #expect(fixture.state.currentBoard(in: fixture.engine).map { fixture.engine.markets[$0.market.index].symbol } == "ETH")
    }

    @Test("what the session cannot use is skipped, never trusted", arguments: [
        SavedView(market: "DOGE"), SavedView(positionSort: "colour"), SavedView(speed: 99_999), SavedView(speed: 0),
        SavedView(speed: .nan), SavedView(speed: -60), SavedView(),
    ])
    func skipsWhatDoesNotFit(saved: SavedView) {
        var fixture = DashboardFixture()
        let before = fixture.state
        _ = DashboardReducer.reduce(&fixture.state, action: .restoreView(saved), engine: fixture.engine)
        #expect(fixture.state.marketIndex == before.marketIndex)
        #expect(fixture.state.positionSort == before.positionSort)
        #expect(fixture.state.speed == 60)
        #expect(fixture.state.log.count == before.log.count)
    }

    @Test("the view saved at quit restores the same market, sort and speed into a fresh state")
    func roundTrip() {
        var fixture = DashboardFixture()
        fixture.press(.character("m"), .character("o"), .character("o"), .character("O"), .character("+"), .character("+"))
        let saved = fixture.state.savedView(engine: fixture.engine)
        // `o` twice from the default sort (expiry): size, then entry; `+` twice from ×60 on the speed ladder (120, 300).
        #expect(saved == SavedView(market: "ETH", positionSort: "entry", positionSortDescending: true, speed: 300))
        var fresh = DashboardFixture()
        _ = DashboardReducer.reduce(&fresh.state, action: .restoreView(saved), engine: fresh.engine)
        #expect(fresh.state.marketIndex == fixture.state.marketIndex)
        #expect(fresh.state.positionSort == fixture.state.positionSort)
        #expect(fresh.state.positionSortDescending == fixture.state.positionSortDescending)
        #expect(fresh.state.speed == fixture.state.speed)
    }
}

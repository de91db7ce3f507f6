import PoolDeskUI
import PoolEngine
import Testing

/// "My activity": the desk's own fills, settlements, liquidations and LP flows.
@Suite("My activity blotter")
struct ActivityBlotterTests {
    @Test("a buy and its close are two lines, newest first, with signed quantities and cash")
    func buyAndClose() throws {
        var fixture = DashboardFixture()
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let name = fixture.engine.series[series.index].name
        fixture.press(.character("b"), .enter)
        fixture.advance(by: .minutes(1))
        fixture.press(.tab, .character("c"), .enter)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        let lines = fixture.state.visibleActivity
        try #require(lines.count == 2)
        #expect(lines.map(\.kind) == [.sell, .buy])
        #expect(lines.allSatisfy { $0.instrument == name })
        #expect(lines[1].quantity == "+0.1")
        #expect(lines[0].quantity == "-0.1")
        // Paid on the buy, received on the sell; the close realizes P&L, the opening buy none.
        #expect(lines[1].cash?.isNegative == true)
        #expect(lines[0].cash?.isPositive == true)
        #expect(lines[1].realizedPnL == nil)
        #expect(lines[0].realizedPnL != nil)
        #expect(lines[0].time >= lines[1].time)
    }

    @Test("the crowd's trades never enter it, however many there are")
    func onlyTheDesk() {
        var fixture = DashboardFixture()
        fixture.advance(by: .hours(2))
        #expect(!fixture.state.log.isEmpty)
        #expect(fixture.state.activity.isEmpty)
    }

    @Test("a desk position that expires leaves a settlement line, and the status line says it settled")
    func settlement() throws {
        var fixture = DashboardFixture()
        let series = try #require(fixture.state.selectedSeries(in: fixture.engine))
        let board = fixture.engine.board(of: series)
        fixture.press(.character("b"), .enter)
        fixture.advance(to: board.expiry + .minutes(1))
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        let newest = try #require(fixture.state.visibleActivity.first)
        #expect(newest.kind == .settlement)
        #expect(newest.instrument == fixture.engine.series[series.index].name)
        #expect(newest.quantity == "+0.1")
        #expect(newest.realizedPnL != nil)
        let status = try #require(fixture.state.status?.text)
        #expect(status.contains("settled at"), "\(status)")
        // The chain's own notice (its board expired) went to the log instead of hiding the settlement.
        #expect(fixture.state.log.contains { $0.text.contains("expired at") && $0.text.contains("the chain moved to") })
    }

    @Test("LP flows are lines too: a deposit pays cash for shares")
    func deposit() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("d"), .enter)
        let line = try #require(fixture.state.visibleActivity.first)
        #expect(line.kind == .deposit)
        #expect(line.instrument == "pool")
        // The LP prompt's default is 10,000 USD.
        #expect(line.cash == Money(micros: -10_000_000_000))
    }

    @Test("a switches the bottom panel; / filters the list shown, and only that list")
    func toggleAndFilter() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("d"), .enter)
        #expect(fixture.state.activity.count == 2)
        fixture.press(.character("a"))
        #expect(fixture.state.logView == .activity)
        #expect(fixture.state.focus == .log)
        fixture.press(.character("/"))
        fixture.type("depo")
        fixture.press(.enter)
        #expect(fixture.state.activityFilter == "depo")
        #expect(fixture.state.logFilter.isEmpty)
        #expect(fixture.state.visibleActivity.map(\.kind) == [.deposit])
        let text = fixture.render(width: 120, height: 40).text
        #expect(text.contains("My activity"))
        #expect(text.contains("DEPOSIT"))
        #expect(!text.contains("BUY "))
        // Esc in the filter clears the activity filter; a goes back to the events, whose filter never changed.
        fixture.press(.character("/"), .escape)
        #expect(fixture.state.activityFilter.isEmpty)
        fixture.press(.character("a"))
        #expect(fixture.state.logView == .events)
        #expect(fixture.render(width: 120, height: 40).text.contains("Events"))
    }

    @Test("newest first: j scrolls toward older lines, End and G return to the newest")
    func scrolling() {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("b"), .enter, .character("b"), .enter)
        fixture.press(.character("a"), .character("j"), .character("j"))
        #expect(fixture.state.logScroll == 2)
        fixture.press(.character("j"))
        #expect(fixture.state.logScroll == 2)  // three lines: the oldest is the last one that can be on top
        fixture.press(.character("G"))
        #expect(fixture.state.logScroll == 0)
    }
}

import Foundation
import GRDB
@testable import PoolDeskJournal
import PoolEngine
import Testing

/// The additive `order_labels` table and the fill reads behind the API's trade history, on a release-1 journal.
@Suite("Order labels and fill reads in the journal", .serialized)
struct OrderLabelJournalTests {
    @Test("a release-1 journal gains order_labels when resumed, journals a labelled order with its command, and still verifies")
    func labelOnReleaseOneJournal() throws {
        let folder = try TemporaryFolder()
        let fixture = try #require(FixtureJournalTests.fixtures.first { $0.file == "r1-desk-drill-seed5.sqlite" })
        let path = try FixtureJournalTests.copy(fixture, into: folder)
        let before = try JournalReader.openReadOnly(path: path).read { db in try db.tableExists("order_labels") }
        #expect(!before, "the fixture predates the table")
        do {
            let recovered = try SessionJournal.resume(at: path)
            let journal = recovered.journal
            #expect(try journal.queue.read { db in try db.tableExists("order_labels") })
            let desk = journal.deskAccount

            // Newest first, bounded, the desk's own fills only.
            let newest = try journal.fills(JournalFillQuery(account: desk, ascending: false, limit: 5))
            #expect(newest.count == 5)
            #expect(newest.map(\.event.sequence) == newest.map(\.event.sequence).sorted(by: >))
            #expect(newest.allSatisfy { $0.fill.account == desk && $0.label == nil })
            let oldestBTC = try journal.fills(JournalFillQuery(marketSymbol: "BTC", ascending: true, limit: 3))
            #expect(oldestBTC.count == 3 && oldestBTC.allSatisfy { $0.event.payload.series.map { recovered.engine.series[$0.index].name.hasPrefix("BTC-") } == true })
            let one = try #require(oldestBTC.first)
            let sameSeries = try journal.fills(JournalFillQuery(series: recovered.engine.series[one.fill.series.index].name,
                                                                startSequence: one.event.sequence, endSequence: one.event.sequence,
                                                                ascending: true, limit: 10))
            #expect(sameSeries.map(\.event.sequence) == [one.event.sequence])

            var engine = recovered.engine
            let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
            let series = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
            let name = engine.series[series.index].name
            let label = JournalOrderLabel(account: desk, label: "resumed-1", instrument: name, side: .buy, amount: Quantity(micros: 100_000),
                                          orderType: "market", price: nil)
            let events = try journal.apply(.placeOrder(Order(account: desk, series: series, side: .buy, quantity: Quantity(micros: 100_000))),
                                           to: &engine, label: label)
            let stored = try #require(try journal.labelledOrder(account: desk, label: "resumed-1"))
            #expect(stored.label.instrument == name && stored.label.amount == Quantity(micros: 100_000) && stored.label.price == nil)
            #expect(stored.label.indexPrice == engine.markets[0].spot)
            let outcome = try #require(stored.outcome)
            #expect(events.contains(outcome), "the label's outcome is the command's own fill or refusal")
            #expect(try journal.labelledOrder(account: desk, label: "other") == nil)
            #expect(try journal.labelledOrder(account: AccountID(desk.index + 1), label: "resumed-1") == nil)
            if case .orderFilled = outcome.payload {
                let labelled = try journal.fills(JournalFillQuery(series: name, account: desk, ascending: false, limit: 1))
                #expect(labelled.first?.label == "resumed-1")
            }
            try journal.close(engine: engine)
        }
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.commands == fixture.commands + 1)
        var csv = ""
        try JournalExport.export(path: path, format: .csv) { csv += $0 }
        #expect(!csv.isEmpty)
    }
}

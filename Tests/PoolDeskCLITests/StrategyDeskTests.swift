import PoolDeskAPI
@testable import PoolDeskCLI
import PoolDeskUI
import PoolEngine
import Testing

/// Strategies at the desk: a connected desk's strategy commands become the server's combo requests (which the server
/// turns back into the same strategy), and the event log says what a strategy did.
@Suite("Strategies at the desk: remote requests and log lines")
struct StrategyDeskTests {
    static func market() throws -> (engine: Engine, desk: AccountID, order: StrategyOrder) {
        var configuration = EngineConfiguration()
        configuration.amm.minimumAbsoluteDelta = 0
        let scenario = Scenario(configuration: configuration, seed: 4, participants: ParticipantConfiguration(count: 0))
        let engine = scenario.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).last)
        let atm = board.atTheMoneyIndex(spot: engine.markets[0].spot)
        let order = StrategyOrder(account: scenario.deskAccount, legs: [
            StrategyLeg(series: board.series(.call, strikeIndex: atm), side: .sell),
            StrategyLeg(series: board.series(.call, strikeIndex: atm + 1), side: .buy),
        ], size: Quantity(micros: 500_000), name: "call spread")
        return (engine, scenario.deskAccount, order)
    }

    @Test("a strategy order is sent as a buy of its combo, which the server places as the same strategy")
    func strategyOrderBecomesAComboBuy() throws {
        let (engine, desk, order) = try Self.market()
        let request = try #require(RemoteDeskDriver.request(for: .placeStrategy(order), account: desk, engine: engine))
        let short = engine.series[order.legs[0].series.index].name, long = engine.series[order.legs[1].series.index].name
        #expect(request.method == "private/buy")
        #expect(request.params["instrument_name"] == .string("COMBO:-1x\(short)/1x\(long)"))
        #expect(request.params["amount"] == "0.5" && request.params["type"] == "market" && request.params["strategy"] == "call spread")
        #expect(request.currency == "BTC")
        let outcome = DeribitMethods.handle(JSONRPCRequest(id: 1, method: request.method, params: request.params),
                                            APIContext(engine: engine, account: desk, mayTrade: true))
        guard case .success(.order(let placedRequest, .placeStrategy(let placed))) = outcome else {
            Issue.record("not a strategy: \(outcome)")
            return
        }
        #expect(placed == order)
        #expect(placedRequest.isCombo && placedRequest.amount == Quantity(micros: 500_000), "a labelled order the server can answer for")

        // A limit: a credit of at least 10 USD for the 0.5 units is −20 a unit.
        var limited = order
        limited.limitNetPremium = Money(-10)
        let withLimit = try #require(RemoteDeskDriver.request(for: .placeStrategy(limited), account: desk, engine: engine))
        #expect(withLimit.params["type"] == "limit" && withLimit.params["price"] == "-20")
        let limitOutcome = DeribitMethods.handle(JSONRPCRequest(id: 2, method: withLimit.method, params: withLimit.params),
                                                 APIContext(engine: engine, account: desk, mayTrade: true))
        guard case .success(.order(_, .placeStrategy(let placedLimit))) = limitOutcome else {
            Issue.record("not a strategy: \(limitOutcome)")
            return
        }
        #expect(placedLimit.limitNetPremium == Money(-10))
        // Another account's command is not sent.
        #expect(RemoteDeskDriver.request(for: .placeStrategy(order), account: AccountID(9), engine: engine) == nil)
    }

    @Test("closes are sent as close_strategy, whole or one leg")
    func closesBecomeCloseStrategy() throws {
        var (engine, desk, order) = try Self.market()
        _ = engine.apply(.placeStrategy(order))
        let id = try #require(engine.strategies(of: desk).first?.id)
        let whole = try #require(RemoteDeskDriver.request(for: .closeStrategy(account: desk, strategy: id, limitNetPremium: nil), account: desk, engine: engine))
        #expect(whole.method == "private/close_strategy" && whole.params == ["strategy_id": "strat0"])
        let leg = try #require(RemoteDeskDriver.request(
            for: .closeStrategyLeg(account: desk, strategy: id, series: order.legs[1].series, quantity: Quantity(micros: 200_000), limitPremium: nil),
            account: desk, engine: engine))
        #expect(leg.params["instrument_name"] == .string(engine.series[order.legs[1].series.index].name) && leg.params["amount"] == "0.2")
        let outcome = DeribitMethods.handle(JSONRPCRequest(id: 1, method: leg.method, params: leg.params),
                                            APIContext(engine: engine, account: desk, mayTrade: true))
        guard case .success(.order(let closeRequest, let command)) = outcome else {
            Issue.record("not an order: \(outcome)")
            return
        }
        #expect(closeRequest.isStrategyClose && closeRequest.instrumentName == "strat0")
        #expect(command == .closeStrategyLeg(account: desk, strategy: id, series: order.legs[1].series, quantity: Quantity(micros: 200_000), limitPremium: nil))
    }

    @Test("the log says what the desk's strategy did, after its legs' fills, and the status line shows it")
    func strategyLogLine() throws {
        var (engine, desk, order) = try Self.market()
        let events = engine.apply(.placeStrategy(order))
        let (entries, status) = EventLogFormatter.entries(for: events, engine: engine, desk: desk)
        #expect(entries.count == 3)
        let line = try #require(entries.last?.text)
        #expect(line.hasPrefix("you opened call spread strat0 (got "), "\(line)")
        #expect(line.contains("collateral "))
        #expect(status?.text == line)
        // The crowd's strategies show only through their legs' fills.
        #expect(EventLogFormatter.entries(for: events, engine: engine, desk: AccountID(0)).entries.count == 2)
    }
}

import Foundation
import PoolEngine
import Testing

/// A frozen market (spot exactly 3,012.5, never moving) with one board, an LP and a funded trader, for strategy tests.
struct StrategyDesk {
    var engine: Engine
    let trader: AccountID
    let board: Board

    init(tenor: SimDuration = .days(7), pool: Money = Money(5_000_000), funding: Money = Money(1_000_000),
         market: MarketConfiguration = TestMarkets.frozen(spot: 3_012.5), adjust: (inout EngineConfiguration) -> Void = { _ in }) throws {
        engine = Engine(configuration: TestMarkets.quiet {
            $0.markets = [market]
            $0.tenors = [tenor]
            // Strategy legs reach a few strikes out: no |delta| cutoff in these tests.
            $0.amm.minimumAbsoluteDelta = 0
            adjust(&$0)
        }, seed: 21)
        engine.openLP("lp", deposit: pool)
        trader = engine.open("trader", funding: funding)
        board = try #require(engine.liveBoard(market.symbol, tenor: tenor))
    }

    func call(_ offset: Int) -> SeriesID { engine.series(board, .call, offset: offset) }
    func put(_ offset: Int) -> SeriesID { engine.series(board, .put, offset: offset) }
    func strike(_ id: SeriesID) -> Money { engine.series[id.index].strike }

    /// The series of `kind` at exactly `strike` on the board.
    func series(_ kind: OptionKind, strike: Int) throws -> SeriesID {
        let index = try #require(board.strikes.firstIndex(of: Money(strike)), "strike \(strike) listed")
        return board.series(kind, strikeIndex: index)
    }

    func order(_ legs: [(SeriesID, Side, Int)], size: Quantity, limit: Money? = nil, name: String = "custom") -> StrategyOrder {
        StrategyOrder(account: trader, legs: legs.map { StrategyLeg(series: $0.0, side: $0.1, ratio: $0.2) }, size: size,
                      limitNetPremium: limit, name: name)
    }

    var balance: Money { engine.accounts[trader.index].balance }
    var collateral: Money { engine.accounts[trader.index].collateral }
}

extension Array where Element == EngineEvent {
    /// Strategy events in order, with their kind.
    var strategyActivities: [(kind: String, activity: StrategyActivity)] {
        compactMap { event in
            switch event.payload {
            case .strategyOpened(let activity), .strategyChanged(let activity), .strategyClosed(let activity):
                return (event.payload.kind, activity)
            default:
                return nil
            }
        }
    }

    var rejectionEvents: [(series: SeriesID?, side: Side?, quantity: Quantity?, rejection: Rejection)] {
        compactMap {
            if case .orderRejected(_, let series, let side, let quantity, let rejection) = $0.payload { return (series, side, quantity, rejection) }
            return nil
        }
    }
}

extension Engine {
    /// The engine's snapshot as a JSON object, without the keys a refused command may touch (the rejection counters
    /// and the event sequence), for "nothing changed" comparisons.
    func stateWithoutCounters() throws -> NSDictionary {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any])
        object.removeValue(forKey: "statistics")
        object.removeValue(forKey: "nextSequence")
        return object as NSDictionary
    }
}

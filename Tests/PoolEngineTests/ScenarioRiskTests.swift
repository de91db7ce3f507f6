import Foundation
import PoolEngine
import Testing

/// The scenario grid and the exposure map against a direct repricing written out here (own Black-Scholes with
/// `erfc`, own time arithmetic), for an account and for the pool.
@Suite("Scenario risk")
struct ScenarioRiskTests {
    /// Black-Scholes, written independently of the engine's kernel.
    static func price(call: Bool, spot: Double, strike: Double, years: Double, vol: Double, rate: Double) -> Double {
        guard years > 0 else { return call ? max(spot - strike, 0) : max(strike - spot, 0) }
        let root = vol * years.squareRoot()
        let d1 = (log(spot / strike) + (rate + vol * vol / 2) * years) / root
        let d2 = d1 - root
        func n(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        let discounted = strike * exp(-rate * years)
        return call ? spot * n(d1) - discounted * n(d2) : discounted * n(-d2) - spot * n(-d1)
    }

    /// A market with some trading: the desk long a call and short a put, participants trading against the pool.
    static func tradedEngine() throws -> (Engine, AccountID) {
        let scenario = Scenario(configuration: TestMarkets.fast(hedging: true), seed: 11, participants: ParticipantConfiguration(count: 30))
        var engine = scenario.engine
        _ = engine.advance(to: engine.time + .hours(3))
        let board = try #require(engine.liveBoard("BTC", tenor: .days(1)))
        let atm = board.atTheMoneyIndex(spot: engine.markets[board.market.index].spot)
        for (series, side) in [(board.calls[atm + 1], Side.buy), (board.puts[atm - 1], .sell)] {
            let events = engine.apply(.placeOrder(Order(account: scenario.deskAccount, series: series, side: side, quantity: Quantity(micros: 500_000))))
            #expect(events.contains { if case .orderFilled = $0.payload { true } else { false } }, "desk order did not fill")
        }
        return (engine, scenario.deskAccount)
    }

    /// Holdings as (series, signed contracts) repriced directly at a shifted spot, vol and time.
    static func directPnL(_ engine: Engine, holdings: [(SeriesID, Double)], hedges: [Double], move: Double, shift: Double, at: SimTime) -> Double {
        var total = 0.0
        for (id, quantity) in holdings {
            let option = engine.series[id.index]
            let spot = engine.markets[option.market.index].spot
            let vol = engine.tradedVolatility(id)
            let yearsNow = Double(option.expiry.milliseconds - engine.time.milliseconds) / (365 * 86_400_000)
            let yearsThen = Double(option.expiry.milliseconds - at.milliseconds) / (365 * 86_400_000)
            let now = price(call: option.kind == .call, spot: spot, strike: option.strike.doubleValue, years: max(yearsNow, 0), vol: vol, rate: engine.configuration.rate)
            let then = price(call: option.kind == .call, spot: spot * (1 + move), strike: option.strike.doubleValue, years: max(yearsThen, 0),
                             vol: max(vol + shift / 100, 0.01), rate: engine.configuration.rate)
            total += (then - now) * quantity
        }
        for (market, size) in hedges.enumerated() { total += size * engine.markets[market].spot * move }
        return total
    }

    @Test("the account's grid equals a direct repricing at every spot move, vol shift and horizon")
    func accountGrid() throws {
        let (engine, desk) = try Self.tradedEngine()
        let holdings = engine.positions(of: desk).map { ($0.series, $0.quantity.doubleValue) }
        #expect(holdings.count == 2)
        let book = ScenarioRisk.book(account: desk, engine: engine)
        for horizon in ScenarioHorizon.allCases {
            let grid = ScenarioRisk.grid(book, horizon: horizon)
            let at: SimTime = switch horizon {
            case .now: engine.time
            case .oneDay: engine.time + .days(1)
            case .nextExpiry: holdings.map { engine.series[$0.0.index].expiry }.min() ?? engine.time
            }
            #expect(grid.at == at)
            #expect(grid.spotMoves.first == -0.30 && grid.spotMoves.last == 0.30)
            #expect(grid.volShifts.first == -20 && grid.volShifts.last == 20)
            for (row, shift) in grid.volShifts.enumerated() {
                for (column, move) in grid.spotMoves.enumerated() {
                    let want = Self.directPnL(engine, holdings: holdings, hedges: [], move: move, shift: shift, at: at)
                    #expect(abs(grid.pnl[row][column] - want) <= 1e-6 * max(1, abs(want)), "\(horizon) \(move) \(shift): \(grid.pnl[row][column]) vs \(want)")
                }
            }
        }
        // Nothing moves, nothing shifts, no time passes: no P&L.
        let now = ScenarioRisk.grid(book, horizon: .now)
        #expect(abs(now.pnl[3][4]) < 1e-9)
    }

    @Test("the pool's grid is the opposite of every trader's positions plus its hedges")
    func poolGrid() throws {
        let (engine, _) = try Self.tradedEngine()
        // The pool's holding rebuilt from the traders' side: every open position of every account, negated.
        var net: [SeriesID: Double] = [:]
        for position in engine.positions.values { net[position.series, default: 0] -= position.quantity.doubleValue }
        let holdings = net.filter { $0.value != 0 }.map { ($0.key, $0.value) }
        #expect(holdings.count > 2, "participants should have traded")
        let hedges = engine.pool.hedges.map(\.size)
        let grid = ScenarioRisk.grid(ScenarioRisk.poolBook(engine: engine), horizon: .oneDay)
        for (row, shift) in grid.volShifts.enumerated() {
            for (column, move) in grid.spotMoves.enumerated() {
                let want = Self.directPnL(engine, holdings: holdings, hedges: hedges, move: move, shift: shift, at: engine.time + .days(1))
                #expect(abs(grid.pnl[row][column] - want) <= 1e-6 * max(1, abs(want)), "\(move) \(shift)")
            }
        }
    }

    @Test("exposure sums contracts per expiry and strike, Greeks in USD units")
    func exposure() throws {
        let (engine, desk) = try Self.tradedEngine()
        let cells = ScenarioRisk.exposure(ScenarioRisk.book(account: desk, engine: engine))
        #expect(cells.count == 2)
        for position in engine.positions(of: desk) {
            let option = engine.series[position.series.index]
            let cell = try #require(cells.first { $0.expiry == option.expiry && $0.strike == option.strike.doubleValue })
            #expect(cell.contracts == position.quantity.doubleValue)
            // Delta by a central difference of the independent price, × spot.
            let spot = engine.markets[option.market.index].spot
            let years = Double(option.expiry.milliseconds - engine.time.milliseconds) / (365 * 86_400_000)
            let vol = engine.tradedVolatility(position.series)
            let h = spot * 1e-5
            func p(_ s: Double) -> Double { Self.price(call: option.kind == .call, spot: s, strike: option.strike.doubleValue, years: years, vol: vol, rate: engine.configuration.rate) }
            let delta = (p(spot + h) - p(spot - h)) / (2 * h) * position.quantity.doubleValue * spot
            #expect(abs(cell.delta - delta) <= 1e-4 * max(1, abs(delta)), "\(cell.delta) vs \(delta)")
            let vega = (Self.price(call: option.kind == .call, spot: spot, strike: option.strike.doubleValue, years: years, vol: vol + 0.0005, rate: engine.configuration.rate)
                - Self.price(call: option.kind == .call, spot: spot, strike: option.strike.doubleValue, years: years, vol: vol - 0.0005, rate: engine.configuration.rate)) / 0.001 / 100
                * position.quantity.doubleValue
            #expect(abs(cell.vega - vega) <= 1e-4 * max(1, abs(vega)), "\(cell.vega) vs \(vega)")
        }
    }
}

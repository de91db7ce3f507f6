import PoolEngine
import Testing

/// A contract (market, expiry, strike, kind) is listed once, even where tenors meet: the 1-hour board listed at
/// 03:00 expires at 04:00 like the 4-hour board listed at 00:00, and the 4-hour board listed at 04:00 expires at
/// 08:00 like the daily one.
@Suite("Listings: one board per expiry")
struct ListingUniquenessTests {
    struct Contract: Hashable {
        var market: MarketID
        var expiry: SimTime
        var strike: Money
        var kind: OptionKind
    }

    /// Every series ever listed whose contract or name was listed before it: none may exist.
    static func duplicates(in engine: Engine) -> [String] {
        var contracts: [Contract: Int] = [:]
        var names: [String: Int] = [:]
        var found: [String] = []
        for option in engine.series {
            let contract = Contract(market: option.market, expiry: option.expiry, strike: option.strike, kind: option.kind)
            if let other = contracts.updateValue(option.id.index, forKey: contract) {
                found.append("\(option.name) (series \(option.id.index)) repeats series \(other)")
            } else if let other = names.updateValue(option.id.index, forKey: option.name) {
                found.append("name \(option.name) (series \(option.id.index)) repeats series \(other)")
            }
        }
        return found
    }

    @Test func coincidingExpiriesShareOneBoardAndTheHourlyScheduleContinues() throws {
        let configuration = TestMarkets.quiet { $0.markets = [.bitcoin] }
        var engine = Engine(configuration: configuration, seed: 3)
        let start = configuration.startTime
        let fourHour = try #require(engine.liveBoard("BTC", tenor: .hours(4)))
        #expect(fourHour.expiry == start + .hours(4))

        // 03:00: the hourly board of 02:00 settles; the next hourly expiry, 04:00, is the 4-hour board's.
        _ = engine.advance(to: start + .hours(3))
        let atFour = engine.liveBoards(market: MarketID(0)).filter { $0.expiry == start + .hours(4) }
        #expect(atFour.count == 1, "boards expiring at 04:00: \(atFour.map(\.id.index))")
        let joined = try #require(atFour.first)
        #expect(joined.id == fourHour.id)
        #expect(joined.tenors == [.hours(4), .hours(1)])
        #expect(engine.checkInvariants().isEmpty, "\(engine.checkInvariants())")
        // The hourly alias still resolves: to the board now serving the hourly tenor.
        let strike = joined.strikes[joined.strikes.count / 2].micros / 1_000_000
        #expect(engine.resolveSeries(named: "BTC-1H-\(strike)-C") == joined.calls[joined.strikes.count / 2])
        #expect(engine.resolveSeries(named: "BTC-4H-\(strike)-P") == joined.puts[joined.strikes.count / 2])

        // 04:00: the shared board settles and both schedules carry on: an hourly board to 05:00, a 4-hour one to 08:00.
        _ = engine.advance(to: start + .hours(4))
        let hourly = try #require(engine.liveBoard("BTC", tenor: .hours(1)))
        #expect(hourly.expiry == start + .hours(5))
        #expect(hourly.tenors == [.hours(1)])
        let nextFour = try #require(engine.liveBoard("BTC", tenor: .hours(4)))
        #expect(nextFour.expiry == start + .hours(8))
        #expect(engine.checkInvariants().isEmpty, "\(engine.checkInvariants())")

        // Two days on: every hour some live board serves each tenor, no expiry is listed twice, invariants hold.
        for hour in 5...48 {
            _ = engine.advance(to: start + .hours(Int64(hour)))
            for tenor in configuration.tenors {
                let serving = engine.liveBoards(market: MarketID(0)).filter { $0.tenors.contains(tenor) }
                #expect(serving.count == 1, "hour \(hour): \(serving.count) boards serve \(tenor.tenorLabel)")
            }
            let expiries = engine.liveBoards(market: MarketID(0)).map(\.expiry)
            #expect(Set(expiries).count == expiries.count, "hour \(hour): \(expiries)")
            #expect(engine.checkInvariants().isEmpty, "hour \(hour): \(engine.checkInvariants())")
        }
        #expect(Self.duplicates(in: engine).isEmpty, "\(Self.duplicates(in: engine).prefix(5))")
    }

    /// The case, `pooldesk sim --seed 5 --duration 2d --bots 50`, run in-process: it listed 22
    /// market/expiry pairs twice and filled and settled two series of one name.
    @Test func theSeedFiveRunListsEachContractOnce() {
        var scenario = Scenario(seed: 5, participants: ParticipantConfiguration(count: 50))
        let start = scenario.engine.time
        var events: [EngineEvent] = []
        var violations: [InvariantViolation] = []
        for hour in 1...48 {
            events.removeAll(keepingCapacity: true)
            scenario.engine.advance(to: start + .hours(Int64(hour)), into: &events)
            violations += scenario.engine.checkInvariants()
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(Self.duplicates(in: scenario.engine).isEmpty, "\(Self.duplicates(in: scenario.engine).prefix(5))")
        // Each (market, expiry) was listed as one board.
        var expiries: [String: Int] = [:]
        for board in scenario.engine.boards { expiries["\(board.market.index)@\(board.expiry)", default: 0] += 1 }
        #expect(expiries.values.filter { $0 > 1 }.isEmpty, "\(expiries.filter { $0.value > 1 }.keys.sorted().prefix(5))")
        #expect(scenario.engine.statistics.trades > 100, "the run traded")
    }
}

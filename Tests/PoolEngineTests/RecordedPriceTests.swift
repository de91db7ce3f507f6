import Foundation
import PoolEngine
import Testing

/// Markets driven by recorded bars: the tick path through each bar's open, high, low and close, the IV level, the
/// stored form, and the stress shock command.
@Suite("Recorded prices and shocks")
struct RecordedPriceTests {
    /// Six hourly bars from 2026-12-01 00:00 (hand-written, not taken from the code under test), one of them flat,
    /// and a two-hour gap before the last bar.
    static let bars = PriceBars(
        times: [0, 1, 2, 3, 4, 7].map { SimTime(year: 2026, month: 12, day: 1).milliseconds + $0 * 3_600_000 },
        open: [60_000, 60_510, 59_000, 58_000, 58_000, 61_000],
        high: [61_000, 60_600, 59_500, 58_700, 58_000, 61_800],
        low: [59_800, 58_900, 57_000, 57_900, 58_000, 60_900],
        close: [60_500, 59_010, 58_100, 58_000, 58_000, 61_750],
        interval: .hours(1))

    static func configuration(iv: PriceBars? = nil, tick: SimDuration = .seconds(1)) -> EngineConfiguration {
        var configuration = TestMarkets.quiet { $0.tickInterval = tick }
        configuration.markets[0].history = MarketHistory(source: "test.csv", bars: bars, impliedVolatility: iv,
                                                         impliedVolatilitySource: iv == nil ? nil : "iv.csv")
        configuration.markets[0].initialSpot = 60_000
        return configuration
    }

    @Test("the spot starts at the first open, passes through every bar's high and low and equals each close at its close time")
    func pathThroughBars() {
        var engine = Engine(configuration: Self.configuration(), seed: 7)
        #expect(engine.markets[0].spot == 60_000)
        #expect(engine.isRecorded(MarketID(0)))
        #expect(!engine.isRecorded(MarketID(1)))
        let closes: [Double] = [60_500, 59_010, 58_100, 58_000, 58_000]
        let highs: [Double] = [61_000, 60_600, 59_500, 58_700, 58_000]
        let lows: [Double] = [59_800, 58_900, 57_000, 57_900, 58_000]
        let opens: [Double] = [60_000, 60_510, 59_000, 58_000, 58_000]
        for bar in 0..<5 {
            var seen: [Double] = []
            for _ in 0..<3_600 {
                _ = engine.advance(to: engine.time + .seconds(1))
                seen.append(engine.markets[0].spot)
            }
            #expect(seen[0] == opens[bar], "bar \(bar) open")
            #expect(seen.max() == highs[bar], "bar \(bar) high")
            #expect(seen.min() == lows[bar], "bar \(bar) low")
            #expect(engine.markets[0].spot == closes[bar], "bar \(bar) close")
        }
        // The gap (05:00–07:00) is bridged to the next open; the last bar closes at 08:00.
        _ = engine.advance(to: SimTime(year: 2026, month: 12, day: 1, hour: 7))
        #expect(engine.markets[0].spot == 61_000)
        _ = engine.advance(to: SimTime(year: 2026, month: 12, day: 1, hour: 8))
        #expect(engine.markets[0].spot == 61_750)
        #expect(engine.isRecordedHistoryOver)
        // History ended: the spot holds the last close.
        _ = engine.advance(to: SimTime(year: 2026, month: 12, day: 1, hour: 9, minute: 30))
        #expect(engine.markets[0].spot == 61_750)
        #expect(engine.recordedPricesEnd(MarketID(0)) == SimTime(year: 2026, month: 12, day: 1, hour: 8))
    }

    @Test("the path is seeded: the same seed replays it, another seed takes another path through the same prices")
    func seededPath() {
        func path(seed: UInt64) -> [Double] {
            var engine = Engine(configuration: Self.configuration(tick: .seconds(10)), seed: seed)
            return (0..<360).map { _ in
                _ = engine.advance(to: engine.time + .seconds(10))
                return engine.markets[0].spot
            }
        }
        #expect(path(seed: 3) == path(seed: 3))
        let other = path(seed: 4)
        #expect(other != path(seed: 3))
        #expect(other.last == 60_500)
    }

    @Test("a snapshot taken mid-bar continues exactly like the engine it was taken from")
    func snapshotContinues() throws {
        var engine = Engine(configuration: Self.configuration(), seed: 11)
        _ = engine.advance(to: engine.time + .minutes(95))
        _ = engine.apply(.shock(market: MarketID(0), spotMove: -0.1, volatilityShift: 0.2))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var copy = try JSONDecoder().decode(Engine.self, from: encoder.encode(engine))
        let target = engine.time + .minutes(100)
        let original = engine.advance(to: target)
        let resumed = copy.advance(to: target)
        #expect(original == resumed)
        #expect(try encoder.encode(engine) == encoder.encode(copy))
    }

    @Test("a configuration without recorded prices stores no history key; one with them round-trips")
    func storedForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = String(decoding: try encoder.encode(EngineConfiguration()), as: UTF8.self)
        #expect(!plain.contains("history"))
        #expect(!plain.contains("priceFactor"))
        let recorded = Self.configuration(iv: Self.bars)
        let decoded = try JSONDecoder().decode(EngineConfiguration.self, from: encoder.encode(recorded))
        #expect(decoded == recorded)
        #expect(decoded.markets[0].history?.bars.close.last == 61_750)
        #expect(decoded.validationError() == nil)
    }

    @Test("bad recorded bars make the configuration unusable, with the reason")
    func validation() {
        var configuration = Self.configuration()
        configuration.markets[0].history?.bars.high[2] = 56_000
        #expect(configuration.validationError()?.contains("bar 2") == true)
        configuration = Self.configuration()
        configuration.startTime = SimTime(year: 2027, month: 1, day: 1)
        #expect(configuration.validationError()?.contains("outside the bars") == true)
        configuration = Self.configuration(tick: .seconds(7))
        #expect(configuration.validationError()?.contains("whole ticks") == true)
    }

    @Test("an IV index sets the level new boards list at; without one the level follows realized volatility")
    func impliedVolatilityLevel() {
        let start = SimTime(year: 2026, month: 12, day: 1).milliseconds
        let index = PriceBars(times: [start - 86_400_000, start], open: [70, 80], high: [90, 130], low: [60, 70],
                              close: [80, 120], interval: .days(1))
        var engine = Engine(configuration: Self.configuration(iv: index), seed: 1)
        #expect(abs(engine.markets[0].impliedVolatilityLevel - 0.80) < 1e-12)
        _ = engine.advance(to: engine.time + .hours(12))
        // Halfway through the day: 80% → 120% interpolated to 100%.
        #expect(abs(engine.markets[0].impliedVolatilityLevel - 1.00) < 1e-9)

        var realized = Engine(configuration: Self.configuration(), seed: 1)
        _ = realized.advance(to: realized.time + .hours(4))
        // Closes 60500 → 59010 → 58100 → 58000: three hourly log returns, annualised over 8760 hours a year.
        let returns = [59_010.0 / 60_500, 58_100.0 / 59_010, 58_000.0 / 58_100].map { Foundation.log($0) }
        let expected = (returns.map { $0 * $0 }.reduce(0, +) / 3 * 8_760).squareRoot() * 1.08
        #expect(abs(realized.markets[0].impliedVolatilityLevel - expected) < 1e-9)
    }

    @Test("forward realized volatility: the next hours of a recorded path; nil for a simulated market or past the data")
    func forwardVolatility() throws {
        var engine = Engine(configuration: Self.configuration(), seed: 1)
        _ = engine.advance(to: engine.time + .hours(1))
        let ahead = try #require(engine.forwardRealizedVolatility(market: MarketID(0), horizon: .hours(2)))
        let returns = [59_010.0 / 60_500, 58_100.0 / 59_010].map { Foundation.log($0) }
        let expected = (returns.map { $0 * $0 }.reduce(0, +) / (2.0 / 8_760)).squareRoot()
        #expect(abs(ahead - expected) < 1e-9)
        #expect(engine.forwardRealizedVolatility(market: MarketID(1), horizon: .hours(2)) == nil)
        _ = engine.advance(to: SimTime(year: 2026, month: 12, day: 1, hour: 9))
        #expect(engine.forwardRealizedVolatility(market: MarketID(0), horizon: .hours(2)) == nil)
    }

    @Test("a spot shock moves a simulated market's spot by the percentage and is an event")
    func spotShock() throws {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 2)
        _ = engine.advance(to: engine.time + .minutes(5))
        let before = engine.markets[0].spot
        let events = engine.apply(.shock(market: MarketID(0), spotMove: -0.25, volatilityShift: 0))
        #expect(engine.markets[0].spot == before * 0.75)
        guard case .shocked(let market, let move, let shift, let spot, _) = events.first?.payload else {
            Issue.record("no shocked event: \(events)")
            return
        }
        #expect(market == MarketID(0) && move == -0.25 && shift == 0 && spot == before * 0.75)
        #expect(events.first?.payload.kind == "shocked")
        #expect(EngineCommand.shock(market: MarketID(0), spotMove: -0.2, volatilityShift: 0).kind == "shock")
    }

    @Test("a vol shock lifts every live board's base IV and the market's level by the points; other markets keep theirs")
    func volatilityShock() {
        var engine = Engine(configuration: TestMarkets.quiet(), seed: 2)
        let btcBoards = engine.liveBoards(market: MarketID(0)).map(\.baseIv)
        let ethBoards = engine.liveBoards(market: MarketID(1)).map(\.baseIv)
        let level = engine.markets[0].impliedVolatilityLevel
        _ = engine.apply(.shock(market: MarketID(0), spotMove: 0, volatilityShift: 0.4))
        // The shock's own risk refresh moves base IV one reversion step towards the (equally shifted) level.
        let after = engine.liveBoards(market: MarketID(0)).map(\.baseIv)
        for (old, new) in zip(btcBoards, after) { #expect(abs(new - (old + 0.4)) < 0.01, "\(old) → \(new)") }
        #expect(abs(engine.markets[0].impliedVolatilityLevel - (level + 0.4)) < 0.01)
        // Other markets see only the shock's extra risk refresh (one reversion step of ten seconds).
        for (old, new) in zip(ethBoards, engine.liveBoards(market: MarketID(1)).map(\.baseIv)) { #expect(abs(new - old) < 0.001) }
        // The shift stays in the level the market is steered to.
        _ = engine.advance(to: engine.time + .hours(12))
        #expect(engine.markets[0].impliedVolatilityLevel > 0.4 + 0.5 * 1.08 - 0.05)
    }

    @Test("a shock on a recorded market carries on along the path: every later price is scaled")
    func recordedShock() {
        var engine = Engine(configuration: Self.configuration(), seed: 5)
        _ = engine.advance(to: engine.time + .minutes(30))
        _ = engine.apply(.shock(market: MarketID(0), spotMove: -0.5, volatilityShift: 0))
        _ = engine.advance(to: SimTime(year: 2026, month: 12, day: 1, hour: 1))
        #expect(engine.markets[0].spot == 60_500 * 0.5)
    }

    @Test("out-of-range shocks and unknown markets are refused and change nothing")
    func refusedShocks() throws {
        for command in [EngineCommand.shock(market: MarketID(0), spotMove: -1, volatilityShift: 0),
                        .shock(market: MarketID(0), spotMove: .nan, volatilityShift: 0),
                        .shock(market: MarketID(0), spotMove: 0, volatilityShift: 9),
                        .shock(market: MarketID(7), spotMove: -0.1, volatilityShift: 0)] {
            var engine = Engine(configuration: TestMarkets.quiet(), seed: 2)
            let markets = engine.markets
            let boards = engine.boards
            let events = engine.apply(command)
            guard case .orderRejected(_, _, _, _, let rejection) = events.first?.payload else {
                Issue.record("not refused: \(command) → \(events)")
                continue
            }
            #expect(rejection.reason == .outOfRange)
            #expect(engine.markets == markets && engine.boards == boards)
        }
    }

    @Test("shocks replay: the same commands on the same seed give the same events and state")
    func shocksReplay() throws {
        func run() throws -> (events: [EngineEvent], state: Data) {
            var scenario = Scenario(configuration: Self.configuration(), seed: 9, participants: ParticipantConfiguration(count: 6))
            var events = scenario.engine.advance(to: scenario.engine.time + .minutes(40))
            events += scenario.engine.apply(.shock(market: MarketID(0), spotMove: -0.3, volatilityShift: 0.5))
            events += scenario.engine.apply(.shock(market: MarketID(1), spotMove: 0.1, volatilityShift: 0))
            events += scenario.engine.advance(to: scenario.engine.time + .minutes(40))
            #expect(scenario.engine.checkInvariants().isEmpty)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return (events, try encoder.encode(scenario.engine))
        }
        let first = try run(), second = try run()
        #expect(first.events == second.events)
        #expect(first.state == second.state)
    }
}

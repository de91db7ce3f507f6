import PoolEngine
import PropertyBased
import Testing

/// The simulated clock: civil dates, Deribit-style names, duration parsing.
@Suite("Simulated time")
struct SimTimeTests {
    @Test func civilDatesAtKnownEpochs() {
        // Seconds since 1970-01-01T00:00Z, as any Unix `date -u +%s` gives them.
        #expect(SimTime(year: 1970, month: 1, day: 1).milliseconds == 0)
        #expect(SimTime(year: 2000, month: 1, day: 1).milliseconds == 946_684_800_000)
        #expect(SimTime(year: 2024, month: 2, day: 29).milliseconds == 1_709_164_800_000)
        #expect(SimTime(year: 2026, month: 12, day: 1).milliseconds == 1_796_083_200_000)
        #expect(SimTime(year: 1969, month: 12, day: 31).milliseconds == -86_400_000)
        #expect(SimTime(year: 1900, month: 3, day: 1).milliseconds == -2_203_891_200_000)
        #expect(SimTime(year: 2026, month: 12, day: 1, hour: 14, minute: 5).description == "2026-12-01T14:05:00Z")
    }

    @Test func leapYearRules() {
        // 2000 is a leap year (divisible by 400), 2100 is not (divisible by 100), 2028 is.
        #expect((SimTime(year: 2000, month: 2, day: 28) + .days(1)).civil.day == 29)
        let after2100 = (SimTime(year: 2100, month: 2, day: 28) + .days(1)).civil
        #expect(after2100.month == 3 && after2100.day == 1)
        #expect((SimTime(year: 2028, month: 2, day: 28) + .days(1)).civil.day == 29)
        let newYear = (SimTime(year: 2026, month: 12, day: 31, hour: 23, minute: 59) + .minutes(1)).civil
        #expect(newYear.year == 2027 && newYear.month == 1 && newYear.day == 1 && newYear.hour == 0)
    }

    @Test func civilRoundTrip() async {
        // ±300 years around 1970, to the millisecond.
        await propertyCheck(count: 400, input: Gen.int64(in: -9_500_000_000_000...9_500_000_000_000)) { milliseconds in
            let time = SimTime(milliseconds: milliseconds)
            let civil = time.civil
            #expect((1...12).contains(civil.month) && (1...31).contains(civil.day))
            #expect((0...23).contains(civil.hour) && (0...59).contains(civil.minute) && (0...59).contains(civil.second))
            let rebuilt = SimTime(year: civil.year, month: civil.month, day: civil.day, hour: civil.hour, minute: civil.minute)
            let remainder = milliseconds - rebuilt.milliseconds
            #expect(remainder == Int64(civil.second) * 1000 + ((milliseconds % 1000) + 1000) % 1000)
        }
    }

    @Test func daysRoundTripThroughCivilDates() {
        // Every day from 1899 to 2101 maps to the next calendar day, and back.
        var time = SimTime(year: 1899, month: 12, day: 31)
        var previous = time.civil
        for _ in 0..<(202 * 366) {
            time += .days(1)
            let civil = time.civil
            #expect(SimTime(year: civil.year, month: civil.month, day: civil.day) == time)
            if civil.day != 1 { #expect(civil.day == previous.day + 1 && civil.month == previous.month) }
            previous = civil
        }
    }

    @Test func deribitNamesForWeeklyBoards() throws {
        var configuration = EngineConfiguration()
        configuration.startTime = SimTime(year: 2026, month: 12, day: 20)
        configuration.tenors = [.hours(1), .days(7)]
        let engine = Engine(configuration: configuration, seed: 1)
        // Listed 2026-12-20 00:00: the 7D board expires 12-27 at 08:00 UTC (Deribit's time), the 1H board at 01:00.
        let weekly = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        #expect(weekly.expiry == SimTime(year: 2026, month: 12, day: 27, hour: 8))
        // BTC strike step: target = spot × IV × sqrt(T) / 2 = 60,000 × (0.50 × 1.08) × sqrt(176 h / 8,760 h) / 2 ≈ 2,296;
        // of the nice steps 1,000 / 2,000 / 2,500 / 5,000 / 10,000 the nearest is 2,500. ATM 60,000, 8 strikes a side.
        #expect(weekly.strikes.first == Money(40_000) && weekly.strikes.last == Money(80_000))
        #expect(weekly.strikes.count == 17)
        let names = Set((weekly.calls + weekly.puts).map { engine.series[$0.index].name })
        #expect(names.contains("BTC-27DEC26-60000-C"))
        #expect(names.contains("BTC-27DEC26-62500-P"))
        #expect(names.contains("BTC-27DEC26-40000-C"))
        #expect(names.contains("BTC-27DEC26-80000-P"))
        for (index, strike) in weekly.strikes.enumerated() {
            let whole = strike.micros / 1_000_000
            #expect(engine.series[weekly.calls[index].index].name == "BTC-27DEC26-\(whole)-C")
            #expect(engine.series[weekly.puts[index].index].name == "BTC-27DEC26-\(whole)-P")
        }
        // ETH: 3,000 × (0.65 × 1.08) × 0.14174 / 2 ≈ 149.3, nearer 100 than 200.
        let ether = try #require(engine.liveBoard("ETH", tenor: .days(7)))
        #expect(ether.strikes.first == Money(2_200) && ether.strikes.last == Money(3_800))
        #expect(engine.series[ether.puts[9].index].name == "ETH-27DEC26-3100-P")
        // Intraday boards carry the hour: 1H step = 60,000 × 0.54 × sqrt(1/8,760) / 2 ≈ 173 → 200.
        let hourly = try #require(engine.liveBoard("BTC", tenor: .hours(1)))
        #expect(hourly.expiry == SimTime(year: 2026, month: 12, day: 20, hour: 1))
        #expect(engine.series[hourly.calls[9].index].name == "BTC-20DEC26T0100-60200-C")
        #expect(engine.series[hourly.puts[0].index].name == "BTC-20DEC26T0100-58400-P")
    }

    @Test func singleDigitDaysAndFractionalStrikes() throws {
        var configuration = EngineConfiguration()
        configuration.startTime = SimTime(year: 2026, month: 11, day: 24)
        configuration.tenors = [.days(7)]
        configuration.markets = [
            .bitcoin,
            MarketConfiguration(symbol: "DOGE", initialSpot: 1.0, calmVolatility: 0.8, stressedVolatility: 1.5,
                                standardSize: Quantity(1_000), maximumOrderSize: Quantity(100_000), minimumOrderSize: Quantity(1)),
        ]
        let engine = Engine(configuration: configuration, seed: 1)
        // 11-24 + 7 days = 12-01, at 08:00: Deribit writes the day without a leading zero.
        let btc = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        #expect(engine.series[btc.calls[8].index].name == "BTC-1DEC26-60000-C")
        // DOGE step: 1.0 × 0.864 × 0.14174 / 2 ≈ 0.0612 → 0.05; strikes 0.60 … 1.40; the point is written "d".
        let doge = try #require(engine.liveBoard("DOGE", tenor: .days(7)))
        #expect(doge.strikes.first == Money(decimal: "0.6") && doge.strikes.last == Money(decimal: "1.4"))
        #expect(engine.series[doge.calls[8].index].name == "DOGE-1DEC26-1-C")
        #expect(engine.series[doge.calls[9].index].name == "DOGE-1DEC26-1d05-C")
        #expect(engine.series[doge.puts[7].index].name == "DOGE-1DEC26-0d95-P")
        #expect(engine.series[doge.puts[10].index].name == "DOGE-1DEC26-1d10-P")
    }

    @Test func namesResolveBackToTheirSeries() throws {
        let engine = Engine(configuration: EngineConfiguration(), seed: 2)
        for id in engine.liveSeries {
            let name = engine.series[id.index].name
            #expect(engine.resolveSeries(named: name) == id)
            #expect(engine.resolveSeries(named: name.lowercased()) == id)
        }
        let weekly = try #require(engine.liveBoard("BTC", tenor: .days(7)))
        let strike = weekly.strikes[10].micros / 1_000_000
        #expect(engine.resolveSeries(named: "BTC-7D-\(strike)-C") == weekly.calls[10])
        #expect(engine.resolveSeries(named: "btc-7d-\(strike)-p") == weekly.puts[10])
        #expect(engine.resolveSeries(named: "BTC-7D-1-C") == nil)
        #expect(engine.resolveSeries(named: "BTC-3D-\(strike)-C") == nil)
        #expect(engine.resolveSeries(named: "nonsense") == nil)
    }

    @Test(arguments: [
        ("90s", 90_000), ("15m", 900_000), ("4h", 14_400_000), ("7d", 604_800_000), ("1d12h", 129_600_000),
        ("2w", 1_209_600_000), ("4H", 14_400_000), ("1h30m", 5_400_000), ("1m1s", 61_000),
    ] as [(String, Int64)])
    func parsesDurations(text: String, milliseconds: Int64) {
        #expect(SimDuration(parsing: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["0s", "7x", "-1d", "", "d", "0d0h", "1d2", "1.5h", "h1", " 1d", "1 d", "+1d", "9999999999w9999999999w",
                      "99999999999d", "9999999999w9999999999w9999999999w9999999999w"])
    func rejectsMalformedDurations(text: String) {
        #expect(SimDuration(parsing: text) == nil)
    }

    @Test func durationDescriptionsAndLabels() {
        #expect((SimDuration.days(3) + .hours(4)).description == "3d 4h")
        #expect(SimDuration.minutes(47).description == "47m")
        #expect(SimDuration.seconds(12).description == "12s")
        #expect((SimDuration.minutes(5) + .seconds(3)).description == "5m 3s")
        #expect(SimDuration.hours(1).description == "1h")
        #expect(SimDuration.days(7).tenorLabel == "7D")
        #expect(SimDuration.hours(4).tenorLabel == "4H")
        #expect(SimDuration.days(14).tenorLabel == "2W")
        #expect(SimDuration.minutes(90).tenorLabel == "90M")
        // 1 hour is 1/8760 of an ACT/365 year.
        #expect(abs(SimDuration.hours(1).years - 1.0 / 8760) < 1e-18)
    }

    @Test func roundingUpToSteps() {
        let start = SimTime(year: 2026, month: 12, day: 1, hour: 9, minute: 30)
        #expect(start.roundedUp(to: .hours(1)) == SimTime(year: 2026, month: 12, day: 1, hour: 10))
        #expect(start.roundedUp(to: .days(1), offset: .hours(8)) == SimTime(year: 2026, month: 12, day: 2, hour: 8))
        let exact = SimTime(year: 2026, month: 12, day: 1, hour: 8)
        #expect(exact.roundedUp(to: .days(1), offset: .hours(8)) == exact)
    }
}

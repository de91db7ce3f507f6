import Foundation
import PoolEngine
import Testing

/// The default skew curve against the real smile it was fitted to (Reference/deribit_btc_chain_2026-03-01.csv, an
/// excerpt of github.com/tessicin/volatility `deribit_options.csv` @f4dc0df; fit_skew.py beside it does the fit).
@Suite("Skew from a real smile")
struct SkewCalibrationTests {
    struct SmilePoint {
        var expiry: String
        /// ln(K / F).
        var logMoneyness: Double
        var years: Double
        /// Mid of bid and ask IV, as a fraction.
        var impliedVolatility: Double
    }

    /// The chain's snapshot time, 2026-03-01 14:00 UTC (inferred from its mark prices, see fit_skew.py).
    static let snapshot = SimTime(year: 2026, month: 3, day: 1, hour: 14)

    /// Out-of-the-money options with a bid (bid IV above 0), as the fit uses them.
    static func points() throws -> [SmilePoint] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/deribit_btc_chain_2026-03-01.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "instrument_name,type,strike,expiration_timestamp,underlying_price,mark_iv,bid_iv,ask_iv")
        var points: [SmilePoint] = []
        for line in lines.dropFirst() {
            let field = line.split(separator: ",").map(String.init)
            let strike = try #require(Double(field[2])), forward = try #require(Double(field[4]))
            let expiry = try #require(Int64(field[3]))
            let bid = try #require(Double(field[6])), ask = try #require(Double(field[7]))
            guard bid > 0, (field[1] == "put" && strike < forward) || (field[1] == "call" && strike >= forward) else { continue }
            points.append(SmilePoint(expiry: field[3], logMoneyness: log(strike / forward),
                                     years: Self.snapshot.years(until: SimTime(milliseconds: expiry)), impliedVolatility: (bid + ask) / 200))
        }
        return points
    }

    /// RMS difference, in vol points, between the real mid IVs and what a pool quoting with `curve` would show when its
    /// base IV is the real at-the-money IV (interpolated in ln K between the nearest strikes either side of the forward).
    static func rmsError(_ curve: SkewCurve, points: [SmilePoint]) throws -> Double {
        var squares = 0.0
        for expiry in Set(points.map(\.expiry)) {
            let smile = points.filter { $0.expiry == expiry }
            let below = try #require(smile.filter { $0.logMoneyness < 0 }.max { $0.logMoneyness < $1.logMoneyness })
            let above = try #require(smile.filter { $0.logMoneyness >= 0 }.min { $0.logMoneyness < $1.logMoneyness })
            let weight = -below.logMoneyness / (above.logMoneyness - below.logMoneyness)
            let level = below.impliedVolatility + weight * (above.impliedVolatility - below.impliedVolatility)
            for point in smile {
                let m = point.logMoneyness / (level * point.years.squareRoot())
                let skew = min(max(1 + curve.linear * m + curve.quadratic * m * m, 0.5), 1.5)
                squares += pow((level * skew - point.impliedVolatility) * 100, 2)
            }
        }
        return (squares / Double(points.count)).squareRoot()
    }

    @Test("the fitted curve quotes the real smile within 0.3 vol points RMS; the old curve missed by over 1")
    func fitError() throws {
        let points = try Self.points()
        #expect(points.count == 83)
        let fitted = try Self.rmsError(.deribitBTC2026, points: points)
        let legacy = try Self.rmsError(.legacy, points: points)
        let flat = try Self.rmsError(SkewCurve(linear: 0, quadratic: 0), points: points)
        #expect(fitted < 0.3, "fitted RMS \(fitted)")
        #expect(legacy > 1.0, "legacy RMS \(legacy)")
        #expect(flat > legacy)
        // Puts dearer than calls (negative slope), wings lifted (positive curvature), as on Deribit.
        #expect(SkewCurve.deribitBTC2026.linear < 0 && SkewCurve.deribitBTC2026.quadratic > 0)
    }

    @Test("new sessions list boards on the fitted curve; a stored configuration without a curve keeps the old one")
    func listing() throws {
        for (configuration, linear, quadratic) in [(EngineConfiguration.standard, -0.1156, 0.0738), (EngineConfiguration(), -0.03, 0.035)] {
            let engine = Engine(configuration: configuration, seed: 1)
            for board in engine.liveBoards(market: MarketID(0)) {
                let spot = configuration.markets[0].initialSpot
                let years = configuration.startTime.years(until: board.expiry)
                for (index, strike) in board.strikes.enumerated() {
                    let m = log(strike.doubleValue / spot) / (board.baseIv * years.squareRoot())
                    let expected = min(max(1 + quadratic * m * m + linear * m, 0.5), 1.5)
                    #expect(abs(board.skews[index] - expected) < 1e-12, "\(board.tenorLabel) strike \(strike)")
                }
            }
        }
        var stored = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(EngineConfiguration.standard)) as? [String: Any])
        var amm = try #require(stored["amm"] as? [String: Any])
        #expect(amm["skewCurve"] != nil)
        amm["skewCurve"] = nil
        stored["amm"] = amm
        let decoded = try JSONDecoder().decode(EngineConfiguration.self, from: JSONSerialization.data(withJSONObject: stored))
        #expect(decoded.amm.skewCurve == .legacy)
    }
}

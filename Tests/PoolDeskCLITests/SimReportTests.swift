import Foundation
import PoolEngine
import Testing
@testable import PoolDeskCLI

/// `pooldesk sim --report DIR`, the LP summary in `--json`, `--hedging`, and `--plot`.
@Suite("pooldesk sim --report and --plot")
struct SimReportTests {
    /// A fresh temporary folder, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `"-12.000345"` as micro-units, parsed here digit by digit (no `Double` on the way).
    static func micros(_ text: Substring) throws -> Int64 {
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 2 && parts[1].count == 6, "six decimals: \(text)")
        let whole = try #require(Int64(parts[0])), fraction = try #require(Int64(parts[1]))
        return (negative ? -1 : 1) * (whole * 1_000_000 + fraction)
    }

    /// The CSV as a header and rows of fields by column name.
    static func table(_ text: String) -> (header: [String], rows: [[String: Substring]]) {
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = lines.dropFirst().map { line -> [String: Substring] in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
        return (header, rows)
    }

    /// Checks a report's `hourly.csv` (any run: seeded, real prices, a scenario): on every row
    /// nav − nav(first) − lp_flows = fees + options_pnl + hedge_pnl + penalties − reserve, in micro-USD parsed here,
    /// and fees and reserve never negative. Returns the share price of each row (nav ÷ share_supply).
    @discardableResult
    static func expectExactAttribution(_ csv: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Double] {
        let (_, rows) = table(csv)
        let nav0 = try micros(try #require(rows.first?["nav"], sourceLocation: sourceLocation))
        var prices: [Double] = []
        for row in rows {
            func value(_ column: String) throws -> Int64 { try micros(try #require(row[column], sourceLocation: sourceLocation)) }
            let lhs = try value("nav") - nav0 - value("lp_flows")
            let rhs = try value("fees") + value("options_pnl") + value("hedge_pnl") + value("penalties") - value("reserve")
            #expect(lhs == rhs, "row \(row["time"] ?? "")", sourceLocation: sourceLocation)
            #expect(try value("fees") >= 0 && value("reserve") >= 0, sourceLocation: sourceLocation)
            prices.append(Double(try value("nav")) / Double(try value("share_supply")))
        }
        return prices
    }

    @Test("--report writes hourly.csv with a row per hour in which the attribution adds up to the NAV change exactly, and a summary matching the CSV")
    func reportFiles() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("run-a")
        let command = try SimCommand.parse(["--seed", "4", "--duration", "6h", "--bots", "12", "--report", dir.path])
        let (text, summary) = try command.output(width: 80, color: false)
        #expect(text.contains("LP report"))
        #expect(summary.invariants.isClean)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["hourly.csv", "summary.json", "summary.txt"])

        let csv = try String(contentsOf: dir.appendingPathComponent("hourly.csv"), encoding: .utf8)
        let (header, rows) = Self.table(csv)
        #expect(header == ["time", "unix", "spot_BTC", "spot_ETH", "nav", "share_price", "share_supply", "utilization",
                           "delta_usd", "gamma_usd_per_1pct", "vega_usd_per_vol_point", "theta_usd_per_day",
                           "fees", "withdrawal_fees", "options_pnl", "hedge_pnl", "penalties", "reserve", "lp_flows", "insolvency",
                           "withdrawals_queued", "withdrawals_queued_value"])
        // One row at the start and one after each of the 6 hours, an hour apart.
        #expect(rows.count == 7)
        let unix = rows.compactMap { $0["unix"].flatMap { Int64($0) } }
        #expect(unix.count == 7)
        #expect(zip(unix, unix.dropFirst()).allSatisfy { $1 - $0 == 3_600 })
        #expect(rows.first?["time"].map(String.init) == SimTime(milliseconds: unix[0] * 1000).description)
        #expect(rows.allSatisfy { $0.count == header.count })

        let prices = try Self.expectExactAttribution(csv)
        #expect(try Self.micros(try #require(rows.last?["fees"])) > 0, "participants traded")

        // Summary figures recomputed here from the CSV.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any])
        let lp = try #require(json["lp"] as? [String: Any])
        let expectedReturn = prices[prices.count - 1] / prices[0] - 1
        #expect(abs((lp["totalReturn"] as? Double ?? .nan) - expectedReturn) < 1e-12)
        var peak = prices[0], drawdown = 0.0
        for price in prices {
            peak = max(peak, price)
            drawdown = max(drawdown, (peak - price) / peak)
        }
        #expect(abs((lp["maxDrawdown"] as? Double ?? .nan) - drawdown) < 1e-12)
        let logs = zip(prices, prices.dropFirst()).map { Foundation.log($1 / $0) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count - 1)).squareRoot()
        #expect(abs((lp["volatility"] as? Double ?? .nan) - sd * 8_760.squareRoot()) < 1e-9)
        #expect(lp["hourlyReturns"] as? Int == 6)
        let attribution = try #require(json["attribution"] as? [String: Any])
        #expect(attribution["exact"] as? Bool == true)
        #expect(attribution["residualMicros"] as? Int == 0)
        let last = try #require(rows.last)
        for (key, column) in [("fees", "fees"), ("options", "options_pnl"), ("hedge", "hedge_pnl"), ("penalties", "penalties"), ("reserve", "reserve")] {
            let csvValue = Double(try Self.micros(try #require(last[column]))) / 1_000_000
            #expect(abs((attribution[key] as? Double ?? .nan) - csvValue) < 1e-9, "\(key)")
        }
        let summaryText = try String(contentsOf: dir.appendingPathComponent("summary.txt"), encoding: .utf8)
        #expect(summaryText.contains("= NAV change ex flows, exact"))
        for label in ["LP return", "Annualised return", "Max drawdown", "Volatility", "Insolvency", "Breaker halts", "Fees", "Options", "Hedge",
                      "Liquidation penalties", "Reserve"] {
            #expect(summaryText.contains(label), "summary.txt lacks \(label)")
        }
    }

    @Test("sim --json carries the same LP summary; --hedging off leaves no hedge P&L, on makes some")
    func jsonSummaryAndHedging() throws {
        func report(_ extra: [String]) throws -> [String: Any] {
            let json = try SimCommandTests.runJSON(["--seed", "7", "--duration", "4h", "--bots", "15"] + extra)
            return try #require(json["report"] as? [String: Any])
        }
        let on = try report(["--hedging", "on"])
        let off = try report(["--hedging", "off"])
        for key in ["from", "to", "hours", "hedging", "lp", "attribution", "insolvency", "halts"] {
            #expect(on[key] != nil, "report.\(key)")
        }
        #expect(on["hedging"] as? Bool == true && off["hedging"] as? Bool == false)
        let onTerms = try #require(on["attribution"] as? [String: Any]), offTerms = try #require(off["attribution"] as? [String: Any])
        #expect(offTerms["hedge"] as? Double == 0 && offTerms["hedgeCosts"] as? Double == 0)
        #expect((onTerms["hedgeCosts"] as? Double ?? 0) > 0, "the hedger traded")
        #expect(onTerms["exact"] as? Bool == true && offTerms["exact"] as? Bool == true)
        let halts = try #require(on["halts"] as? [String: Any])
        #expect(halts["count"] is Int && halts["totalHours"] is Double)
    }

    @Test("a --report directory that is in use is refused before the run: one line, exit 2", arguments: ["nonEmpty", "file", "fileParent"])
    func badReportPaths(_ kind: String) throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let path: String
        switch kind {
        case "nonEmpty":
            path = root.path
            try Data("keep me".utf8).write(to: root.appendingPathComponent("notes.txt"))
        case "file":
            path = root.appendingPathComponent("report.csv").path
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        default:
            try Data("x".utf8).write(to: root.appendingPathComponent("plain"))
            path = root.appendingPathComponent("plain/inside").path
        }
        do {
            _ = try SimCommand.parse(["--duration", "1h", "--bots", "2", "--report", path]).output(width: 80, color: false)
            Issue.record("\(kind) accepted")
        } catch {
            let message = PoolDeskCommand.message(for: error)
            #expect((error as? PoolDeskError)?.exitCode == 2)
            #expect(!message.contains("\n") && message.contains("--report"), "\(message)")
        }
        if kind == "nonEmpty" { #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["notes.txt"]) }
    }

    @Test("an empty existing directory is used; --plot with --json, --ascii without --plot and a bad --hedging are refused")
    func flagRules() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try SimCommand.parse(["--duration", "1h", "--bots", "2", "--report", root.path]).output(width: 80, color: false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).count == 3)
        for arguments in [["--plot", "--json"], ["--ascii"], ["--hedging", "maybe"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try SimCommand.parse(arguments) }
        }
    }

    @Test("the binary refuses a non-empty --report directory with one line on stderr and exit 2")
    func binaryRefusal() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("x".utf8).write(to: root.appendingPathComponent("old.csv"))
        let outcome = try CommandLineErrorTests().run(["sim", "--duration", "1h", "--report", root.path])
        CommandLineErrorTests().expectOneLineFailure(outcome, mentioning: "not empty")
    }

    // MARK: - Plot

    /// Five hourly samples drawn by hand-checkable rules.
    static func tinyPlot(_ style: SimPlot.Style, color: Bool = false) -> SimPlot {
        let start = SimTime(year: 2026, month: 12, day: 1)
        let times = (0..<5).map { start + .hours(Int64($0)) }
        return SimPlot(times: times, panels: [
            .init(title: "LP share price", values: [1.0, 1.01, 1.005, 1.02, 1.015], decimals: 3, rows: 4, color: 32),
            .init(title: "BTC spot (USD)", values: [100, 90, 95, 80, 100], decimals: 0, rows: 3, color: 33),
        ], style: style, width: 40, color: color)
    }

    @Test("--plot --ascii golden: a * per column at the value, labels at top and bottom, month-day times, years in the footer")
    func asciiGolden() {
        // By hand: 33 plot columns (40 − label 5 − 2); samples fall in columns 0, 8, 16, 24 and 32, the columns
        // between take the straight line at their middle. Spot 100, 90, 95, 80, 100 on 3 rows: levels 2, 1, 2 (95
        // rounds up), 0, 2.
        let expected = """
        LP share price
        1.020 +                       *******
              |        *          ****       ***
              |   ***** **********
        1.000 +***
        BTC spot (USD)
          100 +****            *              **
              |    ************ *****     ****
           80 +                      *****
              +---------------------------------
               12-01 00:00           12-01 04:00
        UTC 2026 · each panel on its own scale

        """
        let text = Self.tinyPlot(.ascii).render()
        #expect(text == expected, "got:\n\(text)")
    }

    @Test("a dip shorter than a column still shows: each column strokes from its lowest to its highest sample")
    func noDipSkipped() {
        let start = SimTime(year: 2026, month: 1, day: 1)
        let times = (0..<400).map { start + .hours(Int64($0)) }
        var values = [Double](repeating: 1.0, count: 400)
        values[201] = 0.9
        values[399] = 1.1
        let plot = SimPlot(times: times, panels: [.init(title: "p", values: values, decimals: 2, rows: 5, color: 32)],
                           style: .ascii, width: 60, color: false)
        let lines = plot.render().split(separator: "\n")
        // Rows: title, then top (1.10) … bottom (0.90): the dip reaches the bottom row in exactly one column.
        let bottom = lines[5]
        #expect(bottom.hasPrefix("0.90 +"))
        #expect(bottom.filter { $0 == "|" || $0 == "*" }.count == 1, "\(bottom)")
        #expect(lines[1].hasSuffix("*"), "the last sample is the top")
    }

    @Test("--plot braille golden and colour only when asked")
    func brailleGolden() {
        let text = Self.tinyPlot(.braille).render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "LP share price")
        #expect(lines.count == 4 + 3 + 2 + 3 + 1)
        // Every plot cell is a braille pattern or blank; the axis uses box drawing.
        for line in lines[1...4] + lines[6...8] {
            #expect(line.contains("┤") || line.contains("│"))
            let body = line.split(separator: "┤", maxSplits: 1).last.map(String.init) ?? ""
            #expect(body.unicodeScalars.allSatisfy { ($0.value >= 0x2800 && $0.value <= 0x28FF) || $0 == " " || $0 == "│" })
        }
        #expect(!text.contains("\u{1B}["))
        #expect(Self.tinyPlot(.braille, color: true).render().contains("\u{1B}[32m"))
        #expect(SimPlot.colorWanted(environment: ["NO_COLOR": "1"]) == false)
    }

    /// `sim --seed 2 --duration 3h --bots 6 --plot [--ascii]` at 60 columns: 4 hourly rows (start + 3).
    static let seededASCII = #"""
        LP share price
         1.000000 +****
                  |    ********
                  |            ******
                  |                  ***
                  |                     ****
                  |                         ***
                  |                            ***        **********
         0.999615 +                               ********
        BTC spot (USD)
        60,000.00 +***                                             *
                  |   ******                                   ****
                  |         ******                        *****
                  |               ***********         ****
        59,673.65 +                          *********
        ETH spot (USD)
         3,019.75 +              ***********
                  |         *****           **********
                  |   ******                          ******
                  |***                                      *****
         2,994.89 +                                              ***
                  +-------------------------------------------------
                   12-01 00:00        12-01 01:30        12-01 03:00
        UTC 2026 · each panel on its own scale

        """#

    static let seededBraille = #"""
        LP share price
         1.000000 ┤⠉⠒⠒⠤⢄⣀⡀
                  │      ⠈⠉⠑⠒⠢⠤⣀⣀
                  │              ⠉⠉⠒⢄⡀
                  │                  ⠈⠒⢄⡀
                  │                     ⠈⠒⢄
                  │                        ⠉⠢⢄
                  │                           ⠉⠢⢄            ⣀⣀⣀⠤⠤⠔⠒
         0.999615 ┤                              ⠉⠢⢄⣀⠤⠤⠔⠒⠒⠊⠉⠉
        BTC spot (USD)
        60,000.00 ┤⠑⠒⠤⣀⡀                                          ⣀⠤
                  │    ⠈⠑⠒⠤⣀⡀                                 ⢀⡠⠔⠊
                  │         ⠈⠑⠒⠤⣀⡀                        ⢀⡠⠔⠊⠁
                  │              ⠈⠑⠒⠢⠤⠤⢄⣀⣀             ⣀⠤⠒⠁
        59,673.65 ┤                       ⠉⠉⠉⠒⠒⠢⠤⠤⢄⣀⠤⠒⠉
        ETH spot (USD)
         3,019.75 ┤            ⢀⡠⠔⠒⠉⠉⠒⠒⠒⠢⠤⠤⠤⣀⣀⣀⡀
                  │        ⣀⡠⠔⠊⠁               ⠈⠉⠉⠉⠒⠢⠤⣀
                  │    ⣀⠤⠒⠉                            ⠉⠒⠤⢄⡀
                  │⡠⠔⠒⠉                                    ⠈⠑⠢⠤⣀
         2,994.89 ┤                                             ⠉⠒⠢⢄
                  └─────────────────────────────────────────────────
                   12-01 00:00        12-01 01:30        12-01 03:00
        UTC 2026 · each panel on its own scale

        """#

    @Test("a tiny seeded run's plot, ASCII and braille, is exactly the golden text", arguments: [true, false])
    func seededGolden(ascii: Bool) throws {
        let arguments = ["--seed", "2", "--duration", "3h", "--bots", "6", "--plot"] + (ascii ? ["--ascii"] : [])
        let text = try SimCommand.parse(arguments).output(width: 60, color: false).text
        let plot = String(text[(text.range(of: "\nLP share price\n")?.lowerBound ?? text.endIndex)...].dropFirst())
        #expect(plot == (ascii ? Self.seededASCII : Self.seededBraille), "got:\n\(plot)")
    }

    @Test("sim --plot draws after the summary; the same seed draws the same plot")
    func seededPlot() throws {
        let arguments = ["--seed", "2", "--duration", "3h", "--bots", "6", "--plot", "--ascii"]
        let first = try SimCommand.parse(arguments).output(width: 60, color: false).text
        let second = try SimCommand.parse(arguments).output(width: 60, color: false).text
        func plotPart(_ text: String) -> Substring { text[(text.range(of: "\nLP share price\n")?.lowerBound ?? text.endIndex)...] }
        #expect(!plotPart(first).isEmpty)
        #expect(plotPart(first) == plotPart(second))
        let plot = plotPart(first)
        #expect(plot.contains("BTC spot (USD)") && plot.contains("ETH spot (USD)"))
        #expect(plot.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(plot.contains(" · each panel on its own scale"))
    }
}

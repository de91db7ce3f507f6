import Foundation
import Testing

/// Bad price files and flags through the real binary: one line on stderr naming file, line and field; exit code 2.
@Suite("Price files on the command line")
struct PriceFileCLITests {
    let runner = CommandLineErrorTests()

    /// Writes `text` to a temporary file and returns its path.
    static func file(_ text: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent("p-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("each bad file is refused by sim with FILE:LINE: FIELD: problem and exit 2, before anything runs")
    func badFiles() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let header = "timestamp,open,high,low,close\n"
        let cases: [(String, String)] = [
            (header + "1584000000,100,102,99,101\n1584000000,100,102,99,101\n", ":3: timestamp: duplicate of line 2"),
            (header + "1584003600,100,102,99,101\n1584000000,100,102,99,101\n", ":3: timestamp: 2020-03-12T08:00:00Z is earlier than line 2"),
            (header + "1584000000,100,102,99,101\n1584003600,0,102,99,101\n", ":3: open: must be positive"),
            (header + "1584000000,100,98,99,99\n1584003600,100,102,99,101\n", ":2: high: 98 is below low 99"),
            ("timestamp,open,high,close\n1584000000,100,102,101\n", ":1: low: missing required column"),
            (header + "1584000000,100,102,99,101\n1584003600,100,102,99,101\n1584039600,100,102,99,101\n", ":4: timestamp: gap of 9h before this bar is longer than --max-gap 6h"),
            (header + "1584000000,100,102,99,101\n1584003600,100,102,99,101\n1584097200,100,102,99,101\n", ":4: timestamp: gap of 1d 1h before this bar: a gap across days is not bridged"),
        ]
        for (text, expected) in cases {
            let path = try Self.file(text, in: home)
            let outcome = try runner.run(["sim", "--prices", "BTC=\(path)", "--duration", "1h"], home: home)
            runner.expectOneLineFailure(outcome, mentioning: path + expected)
        }
    }

    @Test("flags: unknown market, malformed values, --iv without --prices, missing file")
    func badFlags() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let good = Fixture.url("btc_usdt_1h_2020-03-12.csv").path
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "DOGE=\(good)"], home: home), mentioning: "--prices DOGE: no such market (markets: BTC, ETH)")
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", good], home: home), mentioning: "use SYMBOL=FILE")
        runner.expectOneLineFailure(try runner.run(["sim", "--iv", "BTC=\(good)"], home: home), mentioning: "--iv needs --prices")
        // A price file given as the IV index (the excerpt's first bar opens at 7934.52): refused at its first line.
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "BTC=\(good)", "--iv", "BTC=\(good)"], home: home),
                                    mentioning: "btc_usdt_1h_2020-03-12.csv:2: open: 7934.52 is not an implied volatility in percent")
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "BTC=/nonexistent/x.csv"], home: home), mentioning: "/nonexistent/x.csv: cannot read (no such file)")
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "BTC=\(good)", "--max-gap", "1d"], home: home), mentioning: "malformed --max-gap '1d'")
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "BTC=\(good)", "--from", "last week"], home: home), mentioning: "malformed --from 'last week'")
        runner.expectOneLineFailure(try runner.run(["sim", "--prices", "BTC=\(good)", "--from", "2021-01-01"], home: home), mentioning: ":1: timestamp: no bars between 2021-01-01T00:00:00Z")
        runner.expectOneLineFailure(try runner.run(["sim", "--scenario", "moon-landing"], home: home), mentioning: "no such built-in scenario or file")
        runner.expectOneLineFailure(try runner.run(["--read-only", "--prices", "BTC=\(good)"], home: home), mentioning: "--read-only watches an existing session; it cannot start one (--new/--seed/--prices)")
        runner.expectOneLineFailure(try runner.run(["sim", "--scenario", "squeeze", "--prices", "BTC=\(good)"], home: home), mentioning: "--scenario and --prices do not combine")
        runner.expectOneLineFailure(try runner.run(["serve", "--prices", "BTC=/nonexistent/x.csv", "--listen", "127.0.0.1:0",
                                                    "--journal", home.appendingPathComponent("s.sqlite").path], home: home),
                                    mentioning: "cannot read (no such file)")
    }

    @Test("a bridged gap is a warning line on stderr and the run goes on")
    func bridgedGapWarns() throws {
        let home = try CommandLineErrorTests.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let gap = Fixture.url("btc_usdt_1h_2021-04-19_gap.csv").path
        let outcome = try runner.run(["sim", "--prices", "BTC=\(gap)", "--bots", "2", "--duration", "1h"], home: home)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("warning: \(gap):8: timestamp: gap of 2h before this bar (2 missing) bridged"), "\(outcome.standardError)")
    }

    @Test("sim --scenario list names every built-in")
    func listing() throws {
        let outcome = try runner.run(["sim", "--scenario", "list"])
        #expect(outcome.status == 0)
        for name in ["march-2020", "may-2021", "slow-bleed", "vol-spike", "squeeze"] {
            #expect(outcome.standardOutput.contains(name), "\(name)")
        }
    }
}

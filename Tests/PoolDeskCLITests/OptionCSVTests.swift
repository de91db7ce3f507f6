import Foundation
@testable import PoolDeskCLI
import PoolEngine
import Testing

@Suite("Option CSV parsing and formatting")
struct OptionCSVTests {
    @Test("greeks: valid rows parse, in order, with their line numbers")
    func greeksValidRows() throws {
        let parsed = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate\ncall,100,100,1,0.2,0.05\nput,30000,25000,0.25,0.8,0\n")
        #expect(parsed.headerIssue == nil)
        #expect(parsed.issues.isEmpty)
        let rows = parsed.rows
        #expect(rows.count == 2)
        #expect(rows[0].line == 2 && rows[1].line == 3)
        #expect(rows[0].values == OptionCSV.GreeksInput(kind: .call, spot: 100, strike: 100, time: 1, volatility: 0.2, rate: 0.05))
        #expect(rows[1].values.kind == .put && rows[1].values.strike == 25_000)
        #expect(rows[1].fields == ["put", "30000", "25000", "0.25", "0.8", "0"])
    }

    @Test("CRLF, surrounding spaces, blank and trailing lines, and upper-case names are tolerated")
    func tolerantInput() {
        let text = " Type , SPOT,strike , t,vol,rate \r\n\r\n Call , 100 ,100, 1 ,0.2, 0.05 \r\n\r\nPUT,100,90,0.5,0.3,0\r\n\r\n\n"
        let parsed = OptionCSV.parseGreeks(text)
        #expect(parsed.issues.isEmpty)
        #expect(parsed.rows.count == 2)
        #expect(parsed.rows[0].line == 3)
        #expect(parsed.rows[0].fields == ["Call", "100", "100", "1", "0.2", "0.05"])
        #expect(parsed.rows[1].values.kind == .put)
        #expect(parsed.rows[1].line == 5)
    }

    @Test("columns may come in any order; output keeps the canonical order")
    func anyColumnOrder() {
        let parsed = OptionCSV.parseGreeks("rate,vol,t,strike,spot,type\n0.05,0.2,1,110,100,call\n")
        #expect(parsed.rows.count == 1)
        #expect(parsed.rows[0].values == OptionCSV.GreeksInput(kind: .call, spot: 100, strike: 110, time: 1, volatility: 0.2, rate: 0.05))
        #expect(parsed.rows[0].fields == ["call", "100", "110", "1", "0.2", "0.05"])
    }

    @Test("a bad row names its line and field, and the rows around it survive")
    func badRowsAreIsolated() {
        let text = """
            type,spot,strike,t,vol,rate
            call,100,100,1,0.2,0.05
            put,100,100,1,0.2,0.05
            call,100,100,1,-0.2,0.05
            put,100,90,0.25,0.5,0
            """
        let parsed = OptionCSV.parseGreeks(text)
        #expect(parsed.rows.map(\.line) == [2, 3, 5])
        #expect(parsed.issues == [OptionCSV.Issue(line: 4, field: "vol", reason: "-0.2 is negative")])
        #expect(parsed.issues[0].description == "line 4, field \"vol\": -0.2 is negative")
    }

    @Test("each kind of bad field is reported precisely")
    func fieldErrors() {
        func issue(_ row: String) -> String? {
            OptionCSV.parseGreeks("type,spot,strike,t,vol,rate\n" + row).issues.first?.description
        }
        #expect(issue("cal,100,100,1,0.2,0") == "line 2, field \"type\": \"cal\" is not call or put")
        #expect(issue(",100,100,1,0.2,0") == "line 2, field \"type\": missing")
        #expect(issue("call,,100,1,0.2,0") == "line 2, field \"spot\": missing")
        #expect(issue("call,abc,100,1,0.2,0") == "line 2, field \"spot\": \"abc\" is not a number")
        #expect(issue("call,-5,100,1,0.2,0") == "line 2, field \"spot\": -5 is negative")
        #expect(issue("call,0,100,1,0.2,0") == "line 2, field \"spot\": 0 is not positive")
        #expect(issue("call,100,-1,1,0.2,0") == "line 2, field \"strike\": -1 is negative")
        #expect(issue("call,100,100,-1,0.2,0") == "line 2, field \"t\": -1 is negative")
        #expect(issue("call,100,100,1,nan,0") == "line 2, field \"vol\": nan is not finite")
        #expect(issue("call,100,100,1,0.2,inf") == "line 2, field \"rate\": inf is not finite")
        #expect(issue("call,100,100,1,0.2") == "line 2: expected 6 fields, found 5")
        #expect(issue("call,100,100,1,0.2,0,7") == "line 2: expected 6 fields, found 7")
        #expect(issue("call,100,100,0,0,-0.01") == nil)   // t = 0, vol = 0 and negative rates are valid
    }

    @Test("a wrong or missing header stops everything with one issue on its line")
    func headerErrors() {
        let missing = OptionCSV.parseGreeks("type,spot,strike,t,vol\ncall,100,100,1,0.2\n")
        #expect(missing.rows.isEmpty)
        #expect(missing.headerIssue?.description == "line 1: missing column \"rate\" in header (expected type,spot,strike,t,vol,rate and any others)")
        // An unknown column is carried through, so a misspelt required one shows up as missing.
        let misspelt = OptionCSV.parseGreeks("\n\ntype,spot,strike,t,volatility,rate\n")
        #expect(misspelt.headerIssue?.line == 3)
        #expect(misspelt.headerIssue?.reason.hasPrefix("missing column \"vol\"") == true)
        let duplicate = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate,vol\n")
        #expect(duplicate.headerIssue?.reason == "duplicate column \"vol\" in header")
        let empty = OptionCSV.parseGreeks("  \n\n")
        #expect(empty.headerIssue != nil)
        let data = OptionCSV.parseGreeks("call,100,100,1,0.2,0.05\n")
        #expect(data.headerIssue?.line == 1)
    }

    @Test("greeks output: input fields echoed, values at full round-trip precision")
    func greeksFormatting() throws {
        let row = try #require(OptionCSV.parseGreeks("type,spot,strike,t,vol,rate\ncall, 100 ,100,1,0.2,0.05\n").rows.first)
        let value = OptionValuation(price: 10.450583572185565, delta: 0.6368306511756191, gamma: 0.018762017345846895, vega: 37.52403469169379, theta: -6.414027546438197, rho: 53.232481545376345)
        #expect(OptionCSV.greeksHeader() == "type,spot,strike,t,vol,rate,price,delta,gamma,vega,theta,rho,error")
        let line = OptionCSV.formatGreeks(row, value)
        #expect(line == "call,100,100,1,0.2,0.05,10.450583572185565,0.6368306511756191,0.018762017345846895,37.52403469169379,-6.414027546438197,53.232481545376345,")
        let numbers = line.split(separator: ",").dropFirst(6).compactMap { Double(String($0)) }
        #expect(numbers == [value.price, value.delta, value.gamma, value.vega, value.theta, value.rho])
    }

    @Test("iv: parsing accepts prices outside the bounds; the error column explains them")
    func impliedVolRows() throws {
        let text = "type,spot,strike,t,rate,price\ncall,100,100,1,0.05,10.450583572185565\ncall,100,50,1,0,40\nput,100,100,0,0,1\nput,100,100,1,0,x\n"
        let parsed = OptionCSV.parseImpliedVol(text)
        #expect(parsed.rows.count == 3)
        #expect(parsed.issues.map(\.description) == ["line 5, field \"price\": \"x\" is not a number"])
        #expect(OptionCSV.impliedVolHeader() == "type,spot,strike,t,rate,price,iv,error")

        let solved = OptionCSV.formatImpliedVol(parsed.rows[0], .success(0.2))
        #expect(solved == "call,100,100,1,0.05,10.450583572185565,0.2,")
        let below = OptionCSV.formatImpliedVol(parsed.rows[1], .failure(.belowIntrinsic))
        #expect(below == "call,100,50,1,0,40,,price below intrinsic value")
        let invalid = OptionCSV.formatImpliedVol(parsed.rows[2], .failure(.invalidInput("a, b")))
        #expect(invalid == "put,100,100,0,0,1,,\"invalid input: a, b\"")
        #expect(CSVRecords.read(invalid).first?.fields.count == 8)
    }

    @Test("spreadsheet CSV: byte-order mark, quoted fields with commas, doubled quotes and line breaks, CRLF")
    func spreadsheetInput() throws {
        let text = "\u{FEFF}\"Type\",\"Spot\",Strike,T,\"VOL\",Rate,\"Desk, note\"\r\n"
            + "call,\"100\",100,1,0.2,0.05,\"ATM \"\"core\"\", hedged\"\r\n"
            + "put,100,90,0.5,0.3,0,\"two\r\nlines\"\r\n"
            + "call,100,110,1,0.2,0,\r\n"
        let parsed = OptionCSV.parseGreeks(text)
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
        #expect(parsed.extraColumns == ["Desk, note"])
        #expect(parsed.rows.map(\.line) == [2, 3, 5])
        #expect(parsed.rows[0].values == OptionCSV.GreeksInput(kind: .call, spot: 100, strike: 100, time: 1, volatility: 0.2, rate: 0.05))
        #expect(parsed.rows[0].extras == ["ATM \"core\", hedged"])
        #expect(parsed.rows[1].extras == ["two\r\nlines"])
        #expect(parsed.rows[2].extras == [""])
        // Carried through, quoted again where needed, after the canonical columns.
        #expect(OptionCSV.greeksHeader(extraColumns: parsed.extraColumns)
            == "type,spot,strike,t,vol,rate,\"Desk, note\",price,delta,gamma,vega,theta,rho,error")
        let line = OptionCSV.formatGreeks(parsed.rows[0], .zero)
        #expect(line == "call,100,100,1,0.2,0.05,\"ATM \"\"core\"\", hedged\",0.0,0.0,0.0,0.0,0.0,0.0,")
        #expect(CSVRecords.read(line).first?.fields[6] == "ATM \"core\", hedged")
    }

    @Test("columns named like an output column are replaced, not duplicated")
    func outputColumnsInInputAreReplaced() {
        let parsed = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate,price,ERROR,book\ncall,100,100,1,0.2,0,9.9,old,A\n")
        #expect(parsed.extraColumns == ["book"])
        #expect(parsed.rows.first?.extras == ["A"])
    }

    @Test("malformed quoting is a bad row, not a crash or a silent merge")
    func malformedQuoting() {
        let parsed = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate\ncall,\"100\"x,100,1,0.2,0\nput,100,100,1,0.2,0\ncall,\"100,100,1,0.2,0\n")
        #expect(parsed.rows.map(\.line) == [3])
        #expect(parsed.issues.map(\.line) == [2, 4])
        #expect(parsed.issues[0].reason.hasPrefix("malformed quoting"))
        #expect(parsed.issues[1].reason.hasPrefix("unterminated quoted field"))
    }

    @Test("every record gives one output line: bad ones keep their fields and carry the reason in error")
    func badRowsKeepTheirPlace() throws {
        let parsed = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate,id\ncall,100,100,1,0.2,0,a\nput,100,100,1,-0.2,0,b\ncall,100\n")
        #expect(parsed.lines.count == 3)
        guard case .failure(let issue) = parsed.lines[1].outcome else { Issue.record("line 3 parsed"); return }
        #expect(OptionCSV.formatFailure(parsed.lines[1], issue, resultColumns: 6)
            == #"put,100,100,1,-0.2,0,b,,,,,,,"line 3, field ""vol"": -0.2 is negative""#)
        guard case .failure(let short) = parsed.lines[2].outcome else { Issue.record("line 4 parsed"); return }
        #expect(OptionCSV.formatFailure(parsed.lines[2], short, resultColumns: 6) == #"call,100,,,,,,,,,,,,"line 4: expected 7 fields, found 2""#)
    }

    @Test("rows outside the pricing domain are bad rows naming the field (rate × t ≥ 700 and overflowing K·e^(−rt))")
    func domainRows() {
        let greeks = OptionCSV.parseGreeks("type,spot,strike,t,vol,rate\ncall,100,100,80,0.2,10\nput,100,1e150,10,0.2,-69\ncall,100,100,1,0.2,0\n")
        #expect(greeks.rows.map(\.line) == [4])
        #expect(greeks.issues.map(\.field) == ["rate", "rate"])
        let iv = OptionCSV.parseImpliedVol("type,spot,strike,t,rate,price\ncall,100,100,80,10,50\n")
        #expect(iv.rows.isEmpty)
        #expect(iv.issues.map(\.field) == ["rate"])
        #expect(iv.issues.first?.reason == greeks.issues.first?.reason)
    }
}

import Foundation
import PoolEngine
import Testing
@testable import PoolDeskCLI

/// The `--prices`/`--iv` reader: every rule through the real parser, one `FILE:LINE: FIELD: problem` each.
@Suite("Price files")
struct PriceFileTests {
    static let header = "timestamp,open,high,low,close,volume\n"

    /// The problem `text` is refused with (as `f.csv`), or nil when it is accepted.
    static func problem(_ text: String, from: SimTime? = nil, to: SimTime? = nil, maximumGap: SimDuration = .hours(6)) -> String? {
        do {
            _ = try PriceFileReader.read(text, file: "f.csv", from: from, to: to, maximumGap: maximumGap)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a well-formed file: columns in any order and case, extra columns ignored, seconds, milliseconds and ISO-8601")
    func accepted() throws {
        let texts = [
            "TimeStamp,Volume,Close,Low,High,Open,extra\n1584000000,1,101,99,102,100,x\n1584003600,1,103,100,104,101,y\n",
            "timestamp,open,high,low,close\n1584000000000,100,102,99,101\n1584003600000,101,104,100,103\n",
            "date,open,high,low,close\n2020-03-12T08:00:00Z,100,102,99,101\n2020-03-12 09:00,101,104,100,103\n",
            "# a comment\ntimestamp,open,high,low,close\r\n2020-03-12T10:00:00+02:00,100,102,99,101\r\n\r\n2020-03-12T09:00Z,101,104,100,103\r\n",
        ]
        for text in texts {
            let read = try PriceFileReader.read(text, file: "ok.csv")
            #expect(read.bars.times == [1_584_000_000_000, 1_584_003_600_000], "\(text)")
            #expect(read.bars.open == [100, 101] && read.bars.high == [102, 104] && read.bars.low == [99, 100] && read.bars.close == [101, 103])
            #expect(read.bars.interval == .hours(1))
            #expect(read.warnings.isEmpty)
        }
    }

    @Test("the committed March 2020 excerpt reads as 24 hourly bars")
    func fixture() throws {
        let read = try PriceFileReader.read(try Fixture.text("btc_usdt_1h_2020-03-12.csv"), file: "btc.csv")
        #expect(read.bars.count == 24)
        #expect(read.bars.start == SimTime(year: 2020, month: 3, day: 12))
        #expect(read.bars.open.first == 7_934.52)
        #expect(read.bars.close.last == 4_800)
        #expect(read.warnings.isEmpty)
    }

    @Test("every rule is one line naming the file, the line and the field")
    func rules() {
        let ok = "1584000000,100,102,99,101,1\n"
        let cases: [(text: String, expected: String)] = [
            ("", "f.csv:1: header: empty file"),
            ("timestamp,open,high,low\n1584000000,1,2,1\n", "f.csv:1: close: missing required column"),
            ("time,open,high,close\n", "f.csv:1: low: missing required column"),
            (Self.header + ok + "1584003600,100,102,99\n", "f.csv:3: close: missing value"),
            (Self.header + ok + "1584003600,abc,102,99,101,1\n", "f.csv:3: open: \"abc\" is not a number"),
            (Self.header + ok + "yesterday,100,102,99,101,1\n", "f.csv:3: timestamp: \"yesterday\" is not unix seconds"),
            (Self.header + ok + "2020-02-30T00:00Z,100,102,99,101,1\n", "f.csv:3: timestamp:"),
            (Self.header + ok + "1584003600,100,102,0,101,1\n", "f.csv:3: low: must be positive, got 0"),
            (Self.header + ok + "1584003600,100,102,-5,101,1\n", "f.csv:3: low: must be positive"),
            (Self.header + ok + "1584003600,100,98,99,99,1\n", "f.csv:3: high: 98 is below low 99"),
            (Self.header + ok + "1584003600,103,102,99,101,1\n", "f.csv:3: open: 103 is outside low…high"),
            (Self.header + ok + "1584003600,100,102,99,98,1\n", "f.csv:3: close: 98 is outside low…high"),
            (Self.header + ok + ok, "f.csv:3: timestamp: duplicate of line 2"),
            (Self.header + "1584003600,100,102,99,101,1\n" + ok, "f.csv:3: timestamp: 2020-03-12T08:00:00Z is earlier than line 2"),
            (Self.header + ok, "f.csv:2: timestamp: 1 bar: at least two are needed"),
            (Self.header + ok + "1584003600,100,102,99,101,1\n1584012600,100,102,99,101,1\n", "f.csv:4: timestamp: 2h 30m after the bar before: not a whole number of 1h bars"),
            (Self.header + ok + "1584003600,100,102,99,101,1\n1584032400,100,102,99,101,1\n", "f.csv:4: timestamp: gap of 7h before this bar is longer than --max-gap 6h"),
            (Self.header + ok + "1584003600,100,102,99,101,1\n1584093600,100,102,99,101,1\n", "f.csv:4: timestamp: gap of 1d before this bar: a gap across days is not bridged"),
        ]
        for (text, expected) in cases {
            let message = Self.problem(text)
            #expect(message?.hasPrefix(expected) == true, "expected \(expected), got \(message ?? "nothing")")
            #expect(message?.contains("\n") == false)
        }
    }

    @Test("a gap within --max-gap is bridged and reported, never silently; a tighter limit refuses it")
    func bridgedGap() throws {
        let text = try Fixture.text("btc_usdt_1h_2021-04-19_gap.csv")
        let read = try PriceFileReader.read(text, file: "gap.csv")
        #expect(read.bars.count == 10)
        #expect(read.warnings == ["gap.csv:8: timestamp: gap of 2h before this bar (2 missing) bridged (--max-gap 6h)"])
        #expect(Self.problem(text, maximumGap: .hours(1))?.hasPrefix("f.csv:8: timestamp: gap of 2h before this bar is longer than --max-gap 1h") == true)
    }

    @Test("--from and --to select bars; gaps outside the window do not matter; an empty window is refused")
    func window() throws {
        let text = Self.header + "1584000000,100,102,99,101,1\n1584003600,100,102,99,101,1\n1584007200,100,102,99,101,1\n"
            + "1584500000,100,102,99,101,1\n"
        let read = try PriceFileReader.read(text, file: "w.csv", from: SimTime(milliseconds: 1_584_003_600_000), to: SimTime(milliseconds: 1_584_100_000_000))
        #expect(read.bars.times == [1_584_003_600_000, 1_584_007_200_000])
        #expect(Self.problem(text, from: SimTime(year: 2021, month: 1, day: 1))?.hasPrefix("f.csv:1: timestamp: no bars between 2021-01-01T00:00:00Z") == true)
    }

    @Test("timestamps: seconds, milliseconds, ISO-8601 with offsets; nonsense refused")
    func timestamps() {
        #expect(PriceFileReader.parseTimestamp("1584000000") == 1_584_000_000_000)
        #expect(PriceFileReader.parseTimestamp("1584000000000") == 1_584_000_000_000)
        #expect(PriceFileReader.parseTimestamp("2020-03-12") == 1_583_971_200_000)
        #expect(PriceFileReader.parseTimestamp("2020-03-12T08:00:00.5Z") == 1_584_000_000_500)
        #expect(PriceFileReader.parseTimestamp("2020-03-12T09:00+0100") == 1_584_000_000_000)
        for bad in ["", "-5", "2020-13-01", "2020-03-12T25:00", "2020-03-12X", "12/03/2020", "1e9"] {
            #expect(PriceFileReader.parseTimestamp(bad) == nil, "\(bad)")
        }
    }
}

/// The committed fixtures beside this file (never ../shared).
enum Fixture {
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    static func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }
}

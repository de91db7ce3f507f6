import Foundation
import PoolDeskUI
import PoolEngine
import Testing

@Suite("Dashboard rendering")
struct DashboardRenderTests {
    @Test("80×24 shows every panel after a buy")
    func smallTerminal() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let grid = fixture.render(width: 80, height: 24)
        for title in ["BTC-USD", "Pool", "Account", "BTC ", "Positions", "Events"] {
            #expect(grid.text.contains(title), "missing panel \(title)")
        }
        // Calls and puts are told apart at every width, here by the strike header.
        #expect(grid.text.contains("C Strike  P"))
        try Golden.check(grid, named: "dashboard-80x24")
    }

    @Test("160×48 with the order ticket open")
    func largeTerminalWithTicket() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("]"), .down, .character("s"))
        let grid = fixture.render(width: 160, height: 48)
        #expect(grid.text.contains("Sell "))
        #expect(grid.text.contains("Pool utilization"))
        try Golden.check(grid, named: "dashboard-160x48-ticket")
    }

    @Test("120×40 with my activity in the bottom panel: the whole board fits, no empty chain rows")
    func mediumTerminalWithActivity() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("d"), .enter, .character("a"))
        let grid = fixture.render(width: 120, height: 40)
        #expect(grid.text.contains("My activity"))
        #expect(grid.text.contains("DEPOSIT"))
        #expect(grid.text.contains("BUY"))
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        #expect(chainRowCount(grid) == board.strikes.count)
        try Golden.check(grid, named: "dashboard-120x40-activity")
    }

    @Test("220×60: every strike with mid and pool columns, no empty chain rows, events and my activity side by side")
    func wideTerminal() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter, .character("d"), .enter)
        let grid = fixture.render(width: 220, height: 60)
        let text = grid.text
        #expect(text.contains(" Mid "))
        #expect(text.contains(" Pool "))
        #expect(text.contains("C Strike  P"))
        #expect(text.contains("Events") && text.contains("My activity"))
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        // Every chain line between its header and its bottom border holds a strike.
        #expect(chainRowCount(grid) == board.strikes.count)
        try Golden.check(grid, named: "dashboard-220x60")
    }

    @Test("160×48 after a buy: all strikes, the rest of the height to the event log")
    func largeTerminal() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let grid = fixture.render(width: 160, height: 48)
        let board = try #require(fixture.state.currentBoard(in: fixture.engine))
        #expect(chainRowCount(grid) == board.strikes.count)
        try Golden.check(grid, named: "dashboard-160x48")
    }

    @Test("80×24: every expiry keeps a tab, and the key hints are whole words with ? and q kept")
    func smallTerminalReachability() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("b"), .enter)
        let grid = fixture.render(width: 80, height: 24)
        let lines = (0..<grid.height).map { grid.line($0) }
        let header = try #require(lines.firstIndex { $0.contains("Strike") })
        let chainTop = lines[header - 1]
        for board in fixture.state.boards(in: fixture.engine) {
            #expect(chainTop.contains(" \(board.tenorLabel) "), "tab \(board.tenorLabel) missing: \(chainTop)")
        }
        let statusLine = lines[grid.height - 1]
        #expect(statusLine.contains("?:help"))
        #expect(statusLine.contains("b/s:buy/sell"))
        #expect(statusLine.trimmingCharacters(in: .whitespaces).hasSuffix("q:quit"), "\(statusLine)")
    }

    @Test("TERM=linux draws ASCII on its own, as --ascii does")
    func linuxConsole() {
        var fixture = DashboardFixture()
        let glyphs = GlyphSet.detect(environment: ["TERM": "linux", "LANG": "en_US.UTF-8"])
        fixture.context = RenderContext(theme: Theme.compiledInDefault.degraded(to: .ansi8), glyphs: glyphs, chartStyle: glyphs.supportsBraille ? .braille : .ascii)
        fixture.press(.character("b"), .enter)
        let text = fixture.render(width: 120, height: 40).text
        let nonASCII = text.unicodeScalars.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "non-ASCII glyphs: \(String(String.UnicodeScalarView(nonASCII.prefix(20))))")
    }

    /// Strike rows the chain shows: lines holding a strike cell between the chain's header and its bottom border.
    private func chainRowCount(_ grid: CellGrid) -> Int {
        let lines = (0..<grid.height).map { grid.line($0) }
        guard let header = lines.firstIndex(where: { $0.contains("Strike") }) else { return 0 }
        var count = 0
        for line in lines[(header + 1)...] {
            guard let first = line.unicodeScalars.first, first == "┃" || first == "│" else { break }
            count += 1
        }
        return count
    }

    @Test("below 80×24 the screen says which size is needed")
    func tooSmall() throws {
        let fixture = DashboardFixture()
        let grid = fixture.render(width: 60, height: 20)
        #expect(grid.text.contains("needs at least 80×24"))
        #expect(grid.text.contains("this terminal is 60×20"))
        try Golden.check(grid, named: "too-small-60x20")
    }

    @Test("the help overlay lists every key binding")
    func helpOverlay() throws {
        var fixture = DashboardFixture()
        fixture.press(.character("?"))
        let grid = fixture.render(width: 100, height: 40)
        for binding in KeyMap.main {
            #expect(grid.text.contains(binding.summary), "help misses \(binding.label)")
        }
    }

    @Test("in a replay the help overlay lists the replay keys first")
    func replayHelp() {
        var fixture = DashboardFixture(readOnly: true, isReplay: true)
        fixture.press(.character("?"))
        let text = fixture.render(width: 100, height: 48).text
        for binding in ReplayKeyMap.bindings {
            #expect(text.contains(binding.summary), "help misses replay key \(binding.label)")
        }
        #expect(text.contains("(read-only: off)"))
    }

    @Test("every size from the minimum up renders without trapping", arguments: [(80, 24), (81, 25), (99, 31), (120, 40), (200, 60), (300, 90)])
    func sizes(width: Int, height: Int) {
        var fixture = DashboardFixture()
        fixture.press(.character("b"))
        let grid = fixture.render(width: width, height: height)
        #expect(grid.width == width && grid.height == height)
        #expect(grid.line(0).contains("BTC"))
    }

    @Test("ASCII glyphs leave no box-drawing or braille characters")
    func asciiFallback() {
        var fixture = DashboardFixture()
        fixture.context = RenderContext(theme: Theme.compiledInDefault, glyphs: .ascii, chartStyle: .ascii)
        let text = fixture.render(width: 120, height: 40).text
        let nonASCII = text.unicodeScalars.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "non-ASCII glyphs: \(String(String.UnicodeScalarView(nonASCII.prefix(20))))")
        // "?" only appears in the "?:help" hint; anywhere else it marks a glyph without an ASCII stand-in.
        #expect(text.split(separator: "?").count - 1 == text.components(separatedBy: "?:help").count - 1, "a glyph had no ASCII stand-in")
        #expect(text.contains("+--") || text.contains("+-"), "ASCII box corners expected")
    }
}

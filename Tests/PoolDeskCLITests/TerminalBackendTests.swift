import Foundation
import PoolDeskTerminal
import PoolDeskUI
import Testing

@Suite("Key decoding")
struct KeyDecoderTests {
    private func char(_ code: Int32) -> KeyPress? { KeyDecoder.decode(code: code, isFunctionKey: false) }
    private func function(_ code: Int32) -> KeyPress? { KeyDecoder.decode(code: code, isFunctionKey: true) }

    @Test func printableCharacters() {
        #expect(char(0x61) == .character("a"))
        #expect(char(0x51) == .character("Q"))
        #expect(char(0x20) == .character(" "))
        #expect(char(0x2F) == .character("/"))
        #expect(char(0xE9) == .character("é"))
        #expect(char(0x0394) == .character("Δ"))
    }

    @Test func controlCharacters() {
        #expect(char(13) == .enter)
        #expect(char(10) == .enter)
        #expect(char(27) == .escape)
        #expect(char(9) == .tab)
        #expect(char(127) == .backspace)
        #expect(char(8) == .backspace)
        #expect(char(3) == .control("c"))
        #expect(char(1) == .control("a"))
        #expect(char(12) == .control("l"))
        #expect(char(26) == .control("z"))
        #expect(char(0) == nil)
        // Ctrl-\ arrives as a key in raw mode; the dashboard quits on it, as it does on SIGQUIT.
        #expect(char(28) == .control("\\"))
        #expect(char(29) == nil)
        #expect(char(0x85) == nil)
    }

    @Test func ncursesKeyCodes() {
        // Values from ncurses' curses.h (octal), stable across releases.
        #expect(function(0o402) == .down)
        #expect(function(0o403) == .up)
        #expect(function(0o404) == .left)
        #expect(function(0o405) == .right)
        #expect(function(0o406) == .home)
        #expect(function(0o550) == .end)
        #expect(function(0o522) == .pageDown)
        #expect(function(0o523) == .pageUp)
        #expect(function(0o407) == .backspace)
        #expect(function(0o512) == .delete)
        #expect(function(0o527) == .enter)
        #expect(function(0o541) == .backTab)
        #expect(function(0o632) == .resize)
        #expect(function(0o410 + 1) == .function(1))
        #expect(function(0o410 + 12) == .function(12))
        #expect(function(0o410) == nil)
        #expect(function(0o777) == nil)
    }

    @Test func shimConstantsMatchCurses() {
        #expect(KeyDecoder.Code.down == 0o402)
        #expect(KeyDecoder.Code.resize == 0o632)
        #expect(KeyDecoder.Code.f0 == 0o410)
        #expect(KeyDecoder.Code.backTab == 0o541)
    }
}

@Suite("Grid diff")
struct GridDiffTests {
    private let red = CellStyle(foreground: .ansi(1))
    private let bold = CellStyle(attributes: [.bold])

    private func grid(_ rows: [String], style: CellStyle = .plain) -> CellGrid {
        var grid = CellGrid(width: rows.first?.unicodeScalars.count ?? 0, height: rows.count)
        for (y, row) in rows.enumerated() { grid.put(row, x: 0, y: y, style: style) }
        return grid
    }

    private func summary(_ runs: [GridDiff.Run]) -> [String] {
        runs.map { "\($0.y):\($0.x):\($0.text)" }
    }

    @Test func identicalGridsHaveNoRuns() {
        let a = grid(["abc", "def"])
        #expect(GridDiff.changedRuns(old: a, new: a).isEmpty)
    }

    @Test func firstFrameRepaintsEveryCellGroupedByStyle() {
        var b = grid(["abcd", "efgh"])
        b[2, 0] = Cell("C", style: red)
        let runs = GridDiff.changedRuns(old: nil, new: b)
        #expect(summary(runs) == ["0:0:ab", "0:2:C", "0:3:d", "1:0:efgh"])
        #expect(runs[1].style == red)
        #expect(runs.reduce(0) { $0 + $1.cells.count } == 8)
    }

    @Test func sizeChangeRepaintsEverything() {
        let a = grid(["ab", "cd"])
        let b = grid(["abc", "cde"])
        #expect(summary(GridDiff.changedRuns(old: a, new: b)) == ["0:0:abc", "1:0:cde"])
    }

    @Test func changedCellsFormContiguousRuns() {
        let a = grid(["hello world", "0123456789x", "unchanged!!"])
        let b = grid(["jelly world", "0123456789y", "unchanged!!"])
        // "h"->"j" and "o"->"y" are separate runs: "ell" in between did not change.
        #expect(summary(GridDiff.changedRuns(old: a, new: b)) == ["0:0:j", "0:4:y", "1:10:y"])
    }

    @Test func styleOnlyChangeIsARunAndStyleSplitsRuns() {
        let a = grid(["abcdef"])
        var b = a
        for x in 1...4 { b[x, 0] = Cell(b[x, 0].scalar, style: x < 3 ? bold : red) }
        let runs = GridDiff.changedRuns(old: a, new: b)
        #expect(summary(runs) == ["0:1:bc", "0:3:de"])
        #expect(runs.map(\.style) == [bold, red])
    }

    @Test func bottomRightCellIsIncluded() {
        let a = grid(["ab", "cd"])
        var b = a
        b[1, 1] = Cell("Z")
        #expect(summary(GridDiff.changedRuns(old: a, new: b)) == ["1:1:Z"])
    }
}

@Suite("Self-test frame")
struct SelfTestFrameTests {
    @Test func frameHasBorderSizeAndKey() {
        let grid = TerminalSelfTest.frame(
            size: TerminalSize(width: 60, height: 14), lastKey: "Ctrl-C", keyCount: 3,
            colorCount: 256, depth: .palette256, changedCells: 0)
        #expect(grid.line(0).hasPrefix("┌─ PoolDesk terminal self-test "))
        #expect(grid.line(0).hasSuffix("─┐"))
        #expect(grid.line(13) == "└" + String(repeating: "─", count: 58) + "┘")
        #expect(grid.line(2).contains("size 60x14"))
        #expect(grid.line(3).contains("last key: Ctrl-C  (keys: 3)"))
    }

    @Test func tinyTerminalsDoNotCrash() {
        for width in 0...3 {
            for height in 0...3 {
                let grid = TerminalSelfTest.frame(
                    size: TerminalSize(width: width, height: height), lastKey: "none", keyCount: 0,
                    colorCount: 0, depth: .monochrome, changedCells: 0)
                #expect(grid.width == width && grid.height == height)
            }
        }
    }
}

@Suite("tmux harness", .serialized, .timeLimit(.minutes(1)))
struct TmuxSessionTests {
    // tmux's own #{pane_dead_status} is lost when the server inherits an ignored SIGCHLD (seen when the
    // test runner is started from some shells), so exit statuses are read from an outer shell instead.
    @Test func capturesKeysAndExitStatus() throws {
        let inner = "printf 'ready\\n'; read line; echo \"got:$line\"; exit 7"
        let session = try TmuxSession(command: ["/bin/sh", "-c", "sh -c \"$0\"; echo \"status=$?\"; sleep 30", inner])
        defer { session.kill() }
        #expect(session.waitFor("ready"))
        #expect(session.isAlive)
        try session.sendText("Enter q")
        try session.sendKeys("Enter")
        #expect(session.waitFor("got:Enter q"))
        #expect(session.waitFor("status=7"))
    }

    @Test func paneEnvironmentAndSize() throws {
        let session = try TmuxSession(command: ["/bin/sh", "-c", "echo \"term=$TERM lang=$LANG\"; stty size; sleep 30"])
        defer { session.kill() }
        #expect(session.waitFor("term=xterm-256color lang=C.UTF-8"))
        #expect(session.waitFor("40 120"))
        try session.resize(width: 80, height: 24)
        let size = try session.paneSize()
        #expect(size.width == 80 && size.height == 24)
    }

    @Test func reportsDeathBySignal() throws {
        // The inner shell kills itself; the outer one reports 128 + SIGTERM.
        let session = try TmuxSession(command: ["/bin/sh", "-c", "sh -c 'sleep 0.3; kill -TERM $$'; echo \"status=$?\"; sleep 30"])
        defer { session.kill() }
        #expect(session.waitFor("status=143"))
    }
}

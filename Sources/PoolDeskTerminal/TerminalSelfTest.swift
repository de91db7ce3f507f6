import PoolDeskUI

/// A diagnostic screen for the terminal backend: border, color swatches, last key and size.
public enum TerminalSelfTest {
    /// Runs until `q` (or a termination signal); throws when there is no interactive terminal.
    public static func run() throws {
        let screen = TerminalScreen()
        try screen.start()
        var lastKey = "none"
        var keyCount = 0
        while true {
            if TerminalSignals.pendingTermination {
                screen.restore()
                TerminalSignals.exitForPendingSignal()
            }
            let size = screen.size
            screen.present(frame(
                size: size, lastKey: lastKey, keyCount: keyCount, colorCount: screen.colorCount,
                depth: screen.colorDepth, changedCells: screen.lastFrameChangedCells))
            guard let key = screen.readKey(timeoutMilliseconds: 250) else { continue }
            if key == .character("q") { break }
            if key == .control("l") { screen.requestFullRepaint() }
            keyCount += 1
            lastKey = describe(key)
        }
        screen.restore()
    }

    /// The self-test picture for a terminal of `size`; pure, so it can be golden-tested.
    public static func frame(
        size: TerminalSize, lastKey: String, keyCount: Int, colorCount: Int,
        depth: ColorCapability, changedCells: Int
    ) -> CellGrid {
        var grid = CellGrid(width: size.width, height: size.height)
        guard size.width >= 2, size.height >= 2 else { return grid }
        let border = CellStyle(foreground: .ansi(6))
        let right = size.width - 1, bottom = size.height - 1
        for x in 1..<right {
            grid[x, 0] = Cell("─", style: border)
            grid[x, bottom] = Cell("─", style: border)
        }
        for y in 1..<bottom {
            grid[0, y] = Cell("│", style: border)
            grid[right, y] = Cell("│", style: border)
        }
        grid[0, 0] = Cell("┌", style: border)
        grid[right, 0] = Cell("┐", style: border)
        grid[0, bottom] = Cell("└", style: border)
        grid[right, bottom] = Cell("┘", style: border)

        let title = CellStyle(attributes: [.bold])
        let inner = size.width - 4
        grid.put(" PoolDesk terminal self-test ", x: 2, y: 0, style: title, maxWidth: inner)
        grid.put("size \(size.width)x\(size.height)", x: 2, y: 2, style: .plain, maxWidth: inner)
        grid.put("last key: \(lastKey)  (keys: \(keyCount))", x: 2, y: 3, style: CellStyle(foreground: .ansi(3)), maxWidth: inner)
        grid.put("colors: \(colorCount) (\(depth))  changed cells last frame: \(changedCells)", x: 2, y: 4, style: .plain, maxWidth: inner)
        grid.put("Unicode: ▲▼ ✓ ✗ · … ░▒▓█ Δ Γ Θ ν ρ σ", x: 2, y: 5, style: .plain, maxWidth: inner)

        var x = 2
        for index in 0..<16 where x < right {
            grid[x, 7] = Cell(" ", style: CellStyle(background: .ansi(UInt8(index))))
            grid[x + 1, 7] = Cell(" ", style: CellStyle(background: .ansi(UInt8(index))))
            x += 2
        }
        for step in 0..<min(48, max(0, inner)) {
            let level = UInt8(step * 255 / 47)
            grid[2 + step, 8] = Cell(" ", style: CellStyle(background: .rgb(level, 0, 255 - level)))
            grid[2 + step, 9] = Cell(" ", style: CellStyle(background: .rgb(level, level, level)))
        }
        let attributes: [(String, TextAttributes)] = [
            ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
        ]
        x = 2
        for (name, attribute) in attributes {
            x += grid.put(name, x: x, y: 11, style: CellStyle(attributes: attribute), maxWidth: right - x) + 1
        }
        grid.put("q quits · Ctrl-L repaints · resize the window to test KEY_RESIZE", x: 2, y: bottom - 1,
                 style: CellStyle(attributes: [.dim]), maxWidth: inner)
        return grid
    }

    private static func describe(_ key: KeyPress) -> String {
        switch key {
        case .character(let character): return "'\(character)'"
        case .control(let character): return "Ctrl-\(character.uppercased())"
        case .function(let number): return "F\(number)"
        default: return "\(key)"
        }
    }
}

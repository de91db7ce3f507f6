import PoolEngine

/// The last line: the command line while typing, else the status message and key hints.
enum StatusBarView {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, context: RenderContext) {
        let theme = context.theme
        grid.fill(rect, with: Cell(" ", style: theme.style(.statusBar)))
        if let line = state.commandLine {
            drawCommandLine(&grid, rect: rect, line: line, context: context)
            return
        }
        if let status = state.status {
            let used = grid.drawText(status.text, x: rect.x + 1, y: rect.y, width: max(0, rect.width * 3 / 5), style: theme.style(status.role).adding(.bold))
            let hintX = used.upperBound + 2
            let hintWidth = max(0, rect.maxX - hintX - 1)
            grid.drawText(KeyHints.line(readOnly: state.readOnly, serverClock: state.connection != nil, width: hintWidth), x: hintX, y: rect.y, width: hintWidth, alignment: .right, style: theme.style(.keyHint))
        } else {
            grid.drawText(KeyHints.line(readOnly: state.readOnly, serverClock: state.connection != nil, width: rect.width - 2), x: rect.x + 1, y: rect.y, width: rect.width - 2, style: theme.style(.keyHint))
        }
    }

    /// `:text` with the cursor where it is; a line longer than the bar scrolls so the cursor stays in view.
    static func drawCommandLine(_ grid: inout CellGrid, rect: Rect, line: CommandLineState, context: RenderContext) {
        let theme = context.theme
        let width = max(1, rect.width - 2)
        let characters = Array(":" + line.text)
        let cursorColumn = 1 + line.cursor
        let start = max(0, cursorColumn - (width - 1))
        var text = String(characters[min(start, characters.count)...])
        if start == 0, !line.candidates.isEmpty {
            text += "    " + line.candidates.prefix(6).joined(separator: "  ") + (line.candidates.count > 6 ? "  …" : "")
        }
        grid.drawText(text, x: rect.x + 1, y: rect.y, width: width, style: theme.style(.input))
        let x = rect.x + 1 + cursorColumn - start
        if line.cursor >= line.text.count {
            grid.drawText(context.glyphs.supportsBraille ? "▏" : "_", x: x, y: rect.y, width: 1, style: theme.style(.input))
        } else {
            grid.drawText(String(characters[cursorColumn]), x: x, y: rect.y, width: 1, style: theme.style(.input).adding(.reverse))
        }
    }
}

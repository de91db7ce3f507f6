import PoolEngine

/// The last line: the command line while typing, else the status message and key hints.
enum StatusBarView {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, context: RenderContext) {
        let theme = context.theme
        grid.fill(rect, with: Cell(" ", style: theme.style(.statusBar)))
        if let line = state.commandLine {
            var text = ":" + line.text + (context.glyphs.supportsBraille ? "▏" : "_")
            if !line.candidates.isEmpty {
                text += "   " + line.candidates.prefix(6).joined(separator: "  ") + (line.candidates.count > 6 ? "  …" : "")
            }
            grid.drawText(text, in: rect, style: theme.style(.input), padding: 1)
            return
        }
        let hints = state.readOnly
            ? "?:help  Tab:panel  []:expiry  m:market  space:pause  +/-:speed  t:theme  q:quit"
            : "?:help  b/s:buy/sell  c:close  d/w:LP  ::cmd  []:expiry  m:market  space:pause  +/-:speed  t:theme  q:quit"
        if let status = state.status {
            let used = grid.drawText(status.text, x: rect.x + 1, y: rect.y, width: max(0, rect.width * 3 / 5), style: theme.style(status.role).adding(.bold))
            let hintX = used.upperBound + 2
            grid.drawText(hints, x: hintX, y: rect.y, width: max(0, rect.maxX - hintX - 1), alignment: .right, style: theme.style(.keyHint))
        } else {
            grid.drawText(hints, x: rect.x + 1, y: rect.y, width: rect.width - 2, style: theme.style(.keyHint))
        }
    }
}

import PoolEngine

/// The `?` overlay, generated from the live key map.
enum HelpOverlay {
    static func draw(_ grid: inout CellGrid, state: DashboardState, context: RenderContext) {
        let theme = context.theme
        var lines: [(String, String, Bool)] = []
        if state.isReplay {
            lines.append(("Replay", "", false))
            lines += ReplayKeyMap.bindings.map { ($0.label, $0.summary, false) }
            lines.append(("", "", false))
        }
        lines += KeyMap.main.map { ($0.label, $0.summary, $0.placesOrders) }
        lines.append(("", "", false))
        lines.append(("Order ticket", "", false))
        lines += KeyMap.ticket.map { ($0.label, $0.summary, false) }
        lines.append(("", "", false))
        lines.append(("Commands", CommandLineParser.commands.joined(separator: " "), false))
        let height = min(grid.height - 2, lines.count + 3)
        let inner = Modal(title: "Keys", info: "any key closes", width: min(grid.width - 4, 78), height: height)
            .draw(in: &grid, theme: theme, glyphs: context.glyphs)
        for (offset, entry) in lines.enumerated() where offset < inner.height {
            let disabled = entry.2 && state.readOnly
            grid.drawText(entry.0, x: inner.x + 1, y: inner.y + offset, width: 14, style: theme.style(entry.1.isEmpty ? .title : .keyHint))
            grid.drawText(entry.1 + (disabled ? "  (read-only: off)" : ""), x: inner.x + 16, y: inner.y + offset, width: inner.width - 17,
                          style: theme.style(disabled ? .muted : .text))
        }
    }
}

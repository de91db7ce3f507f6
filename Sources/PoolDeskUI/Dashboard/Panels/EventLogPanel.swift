import PoolEngine

/// Fills, rejections, settlements, liquidations, LP flows and halts, newest at the bottom.
enum EventLogPanel {
    /// `active`: the keys (j/k, `/`, End) act on this list — false when it stands beside the activity blotter while
    /// that one has them.
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, context: RenderContext, active: Bool = true) {
        let theme = context.theme
        let focused = state.focus == .log && active
        let log = state.visibleLog
        let scroll = active ? state.logScroll : 0
        var info = scroll > 0 ? "\(scroll) newer below" : Plural.count(log.count, "event")
        if active, case .logFilter(let line) = state.mode {
            info = "/\(line.text)\(context.glyphs.supportsBraille ? "▏" : "_") · \(log.count) of \(state.log.count)"
        } else if !state.logFilter.isEmpty {
            info = "/\(state.logFilter) · \(log.count) of \(state.log.count) · / edits, Esc clears"
        }
        let inner = Panel(title: "Events", info: info, focused: focused).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.height > 0, inner.width > 10 else { return }
        let end = max(0, log.count - min(scroll, log.count))
        let start = max(0, end - inner.height)
        for (line, entry) in log[start..<end].enumerated() {
            let y = inner.y + line
            let civil = entry.time.civil
            let stamp = "\(twoDigit(civil.hour)):\(twoDigit(civil.minute)):\(twoDigit(civil.second))"
            grid.drawText(stamp, x: inner.x, y: y, width: 8, style: theme.style(.muted))
            let style = entry.isDesk ? theme.style(entry.role).adding(.bold) : theme.style(entry.role)
            grid.drawText(entry.text, x: inner.x + 9, y: y, width: inner.width - 9, style: style)
        }
    }
}

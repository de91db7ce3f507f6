import PoolEngine

/// The desk's open positions with marks, P&L and Greeks, sortable, with a totals row.
enum PositionsPanel {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        let focused = state.focus == .positions
        let views = state.sortedPositions(in: engine)
        let arrow = state.positionSortDescending ? context.glyphs.arrowDown : context.glyphs.arrowUp
        let info = "\(views.count) open · sort \(state.positionSort.rawValue)\(Character(arrow))"
        let inner = Panel(title: "Positions", info: info, focused: focused).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.width > 10, inner.height > 1 else { return }
        if views.isEmpty {
            grid.drawText("no open positions — b buys the selected series", x: inner.x, y: inner.y + 1, width: inner.width, alignment: .center, style: theme.style(.muted))
            return
        }
        // Narrow panels keep what a trader needs first: what, how much, and the P&L.
        let narrow = inner.width < 56
        var columns: [TableColumn] = [
            TableColumn("Series", width: .flexible(min: 14, weight: 3)),
            TableColumn("Size", width: .fixed(7), alignment: .right),
        ]
        if !narrow {
            columns += [TableColumn("Entry", width: .fixed(8), alignment: .right), TableColumn("Mark", width: .fixed(8), alignment: .right)]
        }
        columns.append(TableColumn("P&L", width: .fixed(9), alignment: .right))
        let wide = inner.width >= 80
        if wide {
            columns += [TableColumn("Mid", width: .fixed(8), alignment: .right),
                        TableColumn("Δ$", width: .fixed(7), alignment: .right), TableColumn("Γ", width: .fixed(6), alignment: .right),
                        TableColumn("ν", width: .fixed(6), alignment: .right), TableColumn("Θ", width: .fixed(6), alignment: .right)]
        }
        let rows: [TableRow] = views.map { view in
            let long = view.position.isLong
            var cells: [TableCell] = [
                TableCell(view.series.name),
                TableCell(NumberFormat.signed(view.position.quantity.doubleValue, decimals: 2), role: long ? .bid : .ask),
            ]
            if !narrow {
                cells += [TableCell(NumberFormat.fixed(view.position.averageEntry)), TableCell(NumberFormat.fixed(view.mark))]
            }
            cells.append(TableCell(NumberFormat.signed(view.unrealizedPnL), role: view.unrealizedPnL < 0 ? .down : .up))
            if wide {
                cells += [TableCell(NumberFormat.fixed(view.modelMark), role: .muted),
                          TableCell(NumberFormat.compact(view.greeks.delta)), TableCell(NumberFormat.compact(view.greeks.gamma)),
                          TableCell(NumberFormat.compact(view.greeks.vega)), TableCell(NumberFormat.compact(view.greeks.theta))]
            }
            return TableRow(cells)
        }
        let tableRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
        let selected = min(max(state.positionCursor, 0), rows.count - 1)
        let visible = max(1, tableRect.height - 1)
        let offset = Table.scrollOffset(current: 0, selected: selected, visibleCount: visible, rowCount: rows.count)
        _ = Table(columns: columns, rows: rows, selectedIndex: selected, focused: focused)
            .draw(in: &grid, rect: tableRect, theme: theme, glyphs: context.glyphs, scrollOffset: offset)
        // Totals on the panel's last line.
        let totalPnL = views.reduce(0) { $0 + $1.unrealizedPnL }
        var greeks = NetGreeks()
        for view in views { greeks = greeks + view.greeks }
        let totals = narrow
            ? "Total P&L \(NumberFormat.signed(totalPnL))  Δ$ \(NumberFormat.compact(greeks.delta))"
            : "Total P&L \(NumberFormat.signed(totalPnL))   Δ$ \(NumberFormat.compact(greeks.delta))  Γ \(NumberFormat.compact(greeks.gamma))  ν \(NumberFormat.compact(greeks.vega))  Θ \(NumberFormat.compact(greeks.theta))"
        grid.drawText(totals, x: inner.x, y: inner.maxY - 1, width: inner.width, alignment: .right,
                      style: theme.style(totalPnL < 0 ? .down : .up).adding(.bold))
    }
}

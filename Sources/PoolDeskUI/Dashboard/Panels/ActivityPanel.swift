import PoolEngine

/// "My activity": the desk's own fills, liquidations, settlements and LP flows, newest first, as a blotter.
enum ActivityPanel {
    /// `active`: the keys (j/k, `/`, End) act on this list.
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, context: RenderContext, active: Bool = true) {
        let theme = context.theme
        let focused = state.focus == .log && active
        let entries = state.visibleActivity
        let scroll = active ? min(state.logScroll, max(0, entries.count - 1)) : 0
        var info = scroll > 0 ? "\(scroll) newer above" : "\(Plural.count(entries.count, "line")), newest first"
        if active, case .logFilter(let line) = state.mode {
            info = "/\(line.text)\(context.glyphs.supportsBraille ? "▏" : "_") · \(entries.count) of \(state.activity.count)"
        } else if !state.activityFilter.isEmpty {
            info = "/\(state.activityFilter) · \(entries.count) of \(state.activity.count) · / edits, Esc clears"
        }
        let inner = Panel(title: "My activity", info: info, focused: focused).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.height > 0, inner.width > 10 else { return }
        if entries.isEmpty {
            let text = state.activity.isEmpty
                ? "no fills, settlements or LP flows of yours yet — b buys, d deposits"
                : "nothing matches /\(state.activityFilter) — Esc clears the filter"
            grid.drawText(text, x: inner.x, y: inner.y + min(1, inner.height - 1), width: inner.width, alignment: .center, style: theme.style(.muted))
            return
        }
        // What a trader reads first stays at every width; price, the note and the fee join as room allows.
        let width = inner.width
        var columns: [TableColumn] = [
            TableColumn("Time", width: .fixed(8)),
            TableColumn("Type", width: .fixed(8)),
            // Intraday series names run to 25 characters (BTC-10DEC26T0100-100000-C): the strike must not be cut.
            TableColumn("Instrument", width: .flexible(min: width >= 96 ? 24 : 14, weight: 1)),
            TableColumn("Qty", width: .fixed(10), alignment: .right),
        ]
        let showsPrice = width >= 86, showsNote = width >= 96, showsFee = width >= 130
        if showsPrice { columns.append(TableColumn("Price", width: .fixed(10), alignment: .right)) }
        columns.append(TableColumn("Cash", width: .fixed(11), alignment: .right))
        if showsFee { columns.append(TableColumn("Fee", width: .fixed(8), alignment: .right)) }
        columns.append(TableColumn("P&L", width: .fixed(10), alignment: .right))
        if showsNote { columns.append(TableColumn("Note", width: .flexible(min: 12, weight: 1))) }

        let rows: [TableRow] = entries.map { entry in
            let civil = entry.time.civil
            let stamp = "\(twoDigit(civil.hour)):\(twoDigit(civil.minute)):\(twoDigit(civil.second))"
            var cells: [TableCell] = [
                TableCell(stamp, role: .muted),
                TableCell(entry.kind.rawValue, role: role(of: entry.kind)),
                TableCell(entry.instrument),
                TableCell(entry.quantity, role: entry.quantity.hasPrefix("-") ? .ask : .bid),
            ]
            if showsPrice { cells.append(TableCell(entry.price.map { NumberFormat.fixed($0, decimals: entry.instrument == "pool" ? 4 : 2) } ?? "")) }
            cells.append(entry.cash.map { TableCell(NumberFormat.signedMoney(micros: $0.micros), role: $0.isNegative ? .down : .up) } ?? TableCell(""))
            if showsFee { cells.append(TableCell(entry.fee.map { NumberFormat.money(micros: $0.micros) } ?? "", role: .muted)) }
            cells.append(entry.realizedPnL.map { TableCell(NumberFormat.signedMoney(micros: $0.micros), role: $0.isNegative ? .down : .up) } ?? TableCell(""))
            if showsNote { cells.append(TableCell(entry.note, role: .muted)) }
            return TableRow(cells)
        }
        _ = Table(columns: columns, rows: rows, selectedIndex: nil, focused: focused)
            .draw(in: &grid, rect: inner, theme: theme, glyphs: context.glyphs, scrollOffset: scroll)
    }

    static func role(of kind: ActivityEntry.Kind) -> ThemeRole {
        switch kind {
        case .buy: .bid
        case .sell: .ask
        case .liquidation: .danger
        case .settlement: .info
        case .deposit, .withdrawal: .success
        case .withdrawalQueued: .warning
        }
    }
}

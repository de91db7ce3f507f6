import PoolEngine

/// The desk's open positions: time left, size, marks, P&L, collateral and liquidation spot of shorts, Greeks;
/// sortable by every column it can show, with a totals row.
///
/// Columns are as wide as their content and are kept in this priority order, the rest dropped when the panel is too
/// narrow: Series, Size, P&L, Exp, Mark, Δ$, Liq, Coll, Γ$, ν, Θ, Mid, Entry, Opened. Liq and Coll appear only while
/// the desk holds a short. The sorted column is always shown (it takes its place ahead of the priority order), so
/// the panel never sorts by something the user cannot see. Series names are shortened (`BTC 60000C`, the expiry being
/// in Exp) unless the full Deribit name fits.
enum PositionsPanel {
    /// One column the panel can show.
    struct Column {
        var sort: PositionSort
        var title: String
        var alignment: TextAlignment = .right
        var cell: (PositionView) -> TableCell
    }

    /// The columns from the most to the least important (the order in which they are kept).
    static let priority: [PositionSort] = [
        .series, .size, .pnl, .expiry, .mark, .delta, .liquidation, .collateral, .gamma, .vega, .theta, .mid, .entry, .opened,
    ]

    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        let focused = state.focus == .positions
        let views = state.sortedPositions(in: engine)
        let arrow = Character(state.positionSortDescending ? context.glyphs.arrowDown : context.glyphs.arrowUp)
        let info = "\(views.count) open · sort \(state.positionSort.rawValue)\(arrow)"
        let inner = Panel(title: "Positions", info: info, focused: focused).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.width > 10, inner.height > 1 else { return }
        if views.isEmpty {
            grid.drawText("no open positions — b buys the selected series", x: inner.x, y: inner.y + 1, width: inner.width, alignment: .center, style: theme.style(.muted))
            return
        }
        let positionRows = state.positionRows(in: engine)
        // Strategy rows count toward the columns' widths too, so their name and figures are never cut.
        func strategyWidths(_ naming: StrategyNaming) -> [PositionSort: Int] {
            var widths: [PositionSort: Int] = [:]
            for case .strategy(let summary) in positionRows {
                for sort in PositionSort.allCases {
                    let width = strategyCell(sort, summary, engine: engine, glyphs: context.glyphs, naming: naming).text.count
                    widths[sort] = max(widths[sort] ?? 0, width)
                }
            }
            return widths
        }
        // A strategy's legs are indented under its row: their names need that much more room, or the call and the
        // put of one strike would both be cut to the same `BTC-2DEC26-6000…`.
        let legViews = positionRows.compactMap { row -> PositionView? in if case .leg(let view, _) = row { view } else { nil } }
        // The strategy rows' names as long as P&L still fits: `▸ vertical spread 60000/62000C` (two spreads told apart
        // without expanding them), then `▸ vertical spread`, then the template's word `▸ spread`.
        var naming = StrategyNaming.detailed
        var layout = self.layout(views: views, state: state, engine: engine, width: inner.width, arrow: arrow,
                                 extraWidths: strategyWidths(naming), indentedViews: legViews)
        for shorter in [StrategyNaming.name, .word] where !layout.columns.contains(where: { $0.sort == .pnl }) {
            let narrower = self.layout(views: views, state: state, engine: engine, width: inner.width, arrow: arrow,
                                       extraWidths: strategyWidths(shorter), indentedViews: legViews)
            if narrower.columns.contains(where: { $0.sort == .pnl }) { (layout, naming) = (narrower, shorter) }
        }
        let rows: [TableRow] = positionRows.map { row in
            switch row {
            case .single(let view):
                return TableRow(layout.columns.map { $0.cell(view) })
            case .leg(let view, _):
                return TableRow(layout.columns.map { column in
                    var cell = column.cell(view)
                    if column.sort == .series { cell.text = String(repeating: " ", count: legIndent) + cell.text }
                    return cell
                })
            case .strategy(let summary):
                return TableRow(layout.columns.map { strategyCell($0.sort, summary, engine: engine, glyphs: context.glyphs, naming: naming) })
            }
        }
        let tableRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
        let selected = min(max(state.positionCursor, 0), rows.count - 1)
        let visible = max(1, tableRect.height - 1)
        let offset = Table.scrollOffset(current: 0, selected: selected, visibleCount: visible, rowCount: rows.count)
        _ = Table(columns: layout.tableColumns, rows: rows, selectedIndex: selected, focused: focused)
            .draw(in: &grid, rect: tableRect, theme: theme, glyphs: context.glyphs, scrollOffset: offset)
        // Totals on the panel's last line.
        let totalPnL = views.reduce(0) { $0 + $1.unrealizedPnL }
        var greeks = NetGreeks()
        for view in views { greeks = greeks + view.greeks }
        let totals = inner.width < 56
            ? "Total P&L \(NumberFormat.signed(totalPnL))  Δ$ \(NumberFormat.compact(greeks.delta))"
            : "Total P&L \(NumberFormat.signed(totalPnL))   Δ$ \(NumberFormat.compact(greeks.delta))  Γ$ \(NumberFormat.compact(greeks.gamma))  ν \(NumberFormat.compact(greeks.vega))  Θ \(NumberFormat.compact(greeks.theta))"
        grid.drawText(totals, x: inner.x, y: inner.maxY - 1, width: inner.width, alignment: .right,
                      style: theme.style(totalPnL < 0 ? .down : .up).adding(.bold))
    }

    /// The columns shown for `width` cells, left to right, and the table's width rules for them.
    struct Layout {
        var columns: [Column]
        var tableColumns: [TableColumn]
    }

    /// Chooses the columns: Series and Size, then the sorted column, then the others in ``priority`` order while they
    /// fit (stopping at the first that does not, so a less important column never shows while a more important one
    /// is dropped).
    static func layout(views: [PositionView], state: DashboardState, engine: Engine, width: Int, arrow: Character,
                       extraWidths: [PositionSort: Int] = [:], indentedViews: [PositionView] = []) -> Layout {
        let holdsShort = views.contains { $0.position.isShort }
        let all = columns(engine: engine, compactNames: true)
        func title(_ column: Column) -> String { column.sort == state.positionSort ? column.title + String(arrow) : column.title }
        func contentWidth(_ column: Column) -> Int {
            let plain = views.reduce(max(title(column).count, extraWidths[column.sort] ?? 0)) { max($0, column.cell($1).text.count) }
            guard column.sort == .series else { return plain }
            return indentedViews.reduce(plain) { max($0, column.cell($1).text.count + legIndent) }
        }
        var chosen: [PositionSort] = [.series, .size]
        if !chosen.contains(state.positionSort) { chosen.append(state.positionSort) }
        var used = chosen.compactMap { sort in all.first { $0.sort == sort } }.map(contentWidth).reduce(0, +) + chosen.count - 1
        for sort in priority where !chosen.contains(sort) {
            if sort.concernsShorts && !holdsShort { continue }
            guard let column = all.first(where: { $0.sort == sort }) else { continue }
            let needed = contentWidth(column) + 1
            guard used + needed <= width else { break }
            chosen.append(sort)
            used += needed
        }
        // Full Deribit names when the room left holds them; the panel's left-to-right order otherwise follows the
        // sort keys' order.
        let full = columns(engine: engine, compactNames: false)[0]
        let series = all[0]
        let useFullNames = contentWidth(full) - contentWidth(series) <= width - used
        let shown = (useFullNames ? [full] + all.dropFirst() : all).filter { chosen.contains($0.sort) }
        let tableColumns = shown.map { column -> TableColumn in
            if column.sort == .series {
                return TableColumn(title(column), width: .flexible(min: contentWidth(column), weight: 1), alignment: .left)
            }
            return TableColumn(title(column), width: .fixed(contentWidth(column)), alignment: column.alignment)
        }
        return Layout(columns: shown, tableColumns: tableColumns)
    }

    /// Every column, in the panel's left-to-right order (that of ``PositionSort``).
    static func columns(engine: Engine, compactNames: Bool) -> [Column] {
        let now = engine.time
        func spot(_ view: PositionView) -> Double { engine.markets[safe: view.series.market.index]?.spot ?? 0 }
        func price(_ value: Double) -> String { NumberFormat.fixed(value, decimals: abs(value) >= 10_000 ? 0 : 2) }
        let dash = TableCell("—", role: .muted)
        return [
            Column(sort: .series, title: "Series", alignment: .left) { view in
                TableCell(compactNames ? shortName(view.series, engine: engine) : view.series.name)
            },
            Column(sort: .expiry, title: "Exp") { view in
                TableCell(NumberFormat.duration(seconds: max(0, (view.series.expiry - now).seconds), units: 2), role: .muted)
            },
            Column(sort: .size, title: "Size") { view in
                TableCell(NumberFormat.signed(view.position.quantity.doubleValue, decimals: 2), role: view.position.isLong ? .bid : .ask)
            },
            Column(sort: .entry, title: "Entry") { TableCell(price($0.position.averageEntry)) },
            Column(sort: .mark, title: "Mark") { TableCell(price($0.mark)) },
            Column(sort: .mid, title: "Mid") { TableCell(price($0.modelMark), role: .muted) },
            Column(sort: .pnl, title: "P&L") { view in
                TableCell(NumberFormat.signed(view.unrealizedPnL), role: view.unrealizedPnL < 0 ? .down : .up)
            },
            Column(sort: .collateral, title: "Coll") { view in
                view.position.isShort ? TableCell(price(view.position.collateral.doubleValue)) : dash
            },
            Column(sort: .liquidation, title: "Liq") { view in
                guard let liquidation = view.liquidation else { return dash }
                let now = spot(view)
                guard let at = liquidation.nearest(to: now) else { return TableCell("none", role: .muted) }
                // Within 5% of spot is close enough to warn; under water already is danger.
                let near = now > 0 && abs(at - now) / now < 0.05
                return TableCell(NumberFormat.fixed(at, decimals: at >= 1000 ? 0 : 2),
                                 role: liquidation.isUnderwater ? .danger : near ? .warning : .text)
            },
            Column(sort: .delta, title: "Δ$") { TableCell(NumberFormat.compact($0.greeks.delta)) },
            Column(sort: .gamma, title: "Γ$") { TableCell(NumberFormat.compact($0.greeks.gamma)) },
            Column(sort: .vega, title: "ν") { TableCell(NumberFormat.compact($0.greeks.vega)) },
            Column(sort: .theta, title: "Θ") { TableCell(NumberFormat.compact($0.greeks.theta)) },
            Column(sort: .opened, title: "Opened") { TableCell(ChainPanel.shortTime($0.position.openedAt, today: now), role: .muted) },
        ]
    }

    /// One cell of a strategy's row: its name (▸ folded, ▾ expanded), net P&L, collateral and summed Greeks; blank
    /// where a figure only means something per leg.
    /// How a strategy row names it, longest first.
    enum StrategyNaming {
        /// `vertical spread 60000/62000C`
        case detailed
        /// `vertical spread`
        case name
        /// `spread`: the template's command word.
        case word
    }

    static func strategyCell(_ sort: PositionSort, _ summary: StrategySummary, engine: Engine, glyphs: GlyphSet,
                             naming: StrategyNaming = .name) -> TableCell {
        let holding = summary.holding
        switch sort {
        case .series:
            let fold = Character(summary.expanded ? glyphs.arrowDown : glyphs.arrowRight)
            switch naming {
            case .detailed: return TableCell("\(fold) \(holding.name) \(strikeSummary(holding, engine: engine))", role: .title)
            case .name: return TableCell("\(fold) \(holding.name)", role: .title)
            case .word:
                let word = StrategyTemplate.allCases.first { $0.displayName == holding.name }?.rawValue ?? holding.name
                return TableCell("\(fold) \(word)", role: .title)
            }
        case .size: return TableCell(Plural.count(holding.legs.count, "leg"), role: .muted)
        case .pnl: return TableCell(NumberFormat.signed(summary.unrealizedPnL), role: summary.unrealizedPnL < 0 ? .down : .up)
        case .collateral: return TableCell(NumberFormat.fixed(holding.collateral.doubleValue, decimals: holding.collateral.doubleValue >= 10_000 ? 0 : 2))
        case .expiry:
            let first = holding.legs.map { engine.series[$0.series.index].expiry }.min() ?? engine.time
            return TableCell(NumberFormat.duration(seconds: max(0, (first - engine.time).seconds), units: 2), role: .muted)
        case .delta: return TableCell(NumberFormat.compact(summary.greeks.delta))
        case .gamma: return TableCell(NumberFormat.compact(summary.greeks.gamma))
        case .vega: return TableCell(NumberFormat.compact(summary.greeks.vega))
        case .theta: return TableCell(NumberFormat.compact(summary.greeks.theta))
        case .opened: return TableCell(ChainPanel.shortTime(holding.openedAt, today: engine.time), role: .muted)
        case .entry: return TableCell(NumberFormat.signed(holding.netPremium.doubleValue), role: .muted)
        case .mark, .mid, .liquidation: return TableCell("")
        }
    }

    /// The strikes a strategy holds, low to high, and `C`/`P` when its legs are all calls or all puts
    /// (`60000/62000C`, `2800/2900/3100/3200`): two spreads on one board are told apart without expanding them.
    static func strikeSummary(_ holding: StrategyHolding, engine: Engine) -> String {
        let legs = holding.legs.compactMap { engine.series[safe: $0.series.index] }
        let strikes = Array(Set(legs.map(\.strike))).sorted()
        let text = strikes.map { NumberFormat.fixed($0.doubleValue, decimals: $0.micros % 1_000_000 == 0 ? 0 : 2, grouping: false) }
            .joined(separator: "/")
        let kinds = Set(legs.map(\.kind))
        return text + (kinds == [.call] ? "C" : kinds == [.put] ? "P" : "")
    }

    /// Cells a strategy's leg is indented by under its row.
    static let legIndent = 2

    /// `BTC 60000C`: market, strike and kind; the expiry is in its own column.
    static func shortName(_ series: OptionSeries, engine: Engine) -> String {
        let symbol = engine.markets[safe: series.market.index]?.symbol ?? ""
        let strike = NumberFormat.fixed(series.strike.doubleValue, decimals: series.strike.micros % 1_000_000 == 0 ? 0 : 2, grouping: false)
        return "\(symbol) \(strike)\(series.kind == .call ? "C" : "P")"
    }
}

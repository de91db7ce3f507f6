import PoolEngine

/// The option chain of the selected expiry: calls left, strikes centre, puts right; ATM marked, ITM shaded.
enum ChainPanel {
    struct Column {
        var title: String
        var width: Int
        var value: (ChainQuote) -> String
    }

    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        let focused = state.focus == .chain
        guard let board = state.currentBoard(in: engine) else {
            _ = Panel(title: "Chain", focused: focused).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
            return
        }
        let market = engine.markets[board.market.index]
        let cutoff = board.tradingCutoff(engine.configuration.amm)
        let title = "\(market.symbol)"
        let inner = Panel(title: title, info: nil, focused: focused)
            .draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.width > 20, inner.height > 2 else { return }

        // Expiry tabs with time left ride on the top border; base IV and the cutoff on the bottom one.
        let boards = state.boards(in: engine)
        let tabsX = rect.x + title.count + 6
        let tabsWidth = max(0, rect.maxX - tabsX - 2)
        // Every expiry keeps its tab on a narrow chain: time left shortens to one unit, then to the tenor alone.
        func tabLabels(units: Int) -> [String] {
            boards.map { board -> String in
                guard units > 0 else { return board.tenorLabel }
                let left = NumberFormat.duration(seconds: max(0, (board.expiry - engine.time).seconds), units: units)
                return "\(board.tenorLabel) \(left)"
            }
        }
        func fits(_ labels: [String]) -> Bool { labels.reduce(0) { $0 + $1.count + 2 } + max(0, labels.count - 1) <= tabsWidth }
        let labels = [tabLabels(units: 2), tabLabels(units: 1)].first(where: fits) ?? tabLabels(units: 0)
        _ = Tabs(labels: labels, activeIndex: boards.firstIndex { $0.id == board.id } ?? 0)
            .draw(in: &grid, rect: Rect(x: tabsX, y: rect.y, width: tabsWidth, height: 1), theme: theme, glyphs: context.glyphs)
        // A halt on this board is said in full (reason and end) where the trader looks: on the chain itself.
        let halt = engine.activeHalt(for: board.id)
        let footer: String
        if let halt {
            footer = " HALTED until \(shortTime(halt.until, today: engine.time)): \(halt.reason.description) "
        } else {
            footer = " base IV \(NumberFormat.percent(board.baseIv)) · \(engine.time < cutoff ? "trading until \(shortTime(cutoff, today: engine.time))" : "trading closed") "
        }
        grid.drawText(footer, x: rect.x + 2, y: rect.maxY - 1, width: max(0, rect.width - 4), alignment: .right,
                      style: theme.style(halt != nil ? .danger : engine.time < cutoff ? .muted : .warning))

        let rows = engine.chain(board: board.id)
        let priceDecimals = market.spot >= 1000 ? 1 : 2
        let strikeWidth = 9
        // A wide chain (220 columns) adds, outside the others, the model mid and the pool's net holding per series
        // (− short: what traders hold).
        let mid = Column(title: "Mid", width: 7) { NumberFormat.fixed(engine.markValuation($0.series).price, decimals: priceDecimals) }
        let poolNet = Column(title: "Pool", width: 6) { $0.poolNet.isZero ? "0" : NumberFormat.signed($0.poolNet.doubleValue, decimals: 1) }
        let (callColumns, putColumns) = columns(width: inner.width, priceDecimals: priceDecimals, strikeWidth: strikeWidth,
                                                extras: inner.width >= 105 ? [poolNet, mid] : [])
        func totalWidth(_ columns: [Column]) -> Int { 2 * columns.reduce(0) { $0 + $1.width + 1 } + strikeWidth + 2 }
        let putOrder = putColumns
        let used = totalWidth(callColumns)
        let left = inner.x + max(0, (inner.width - used) / 2)

        // Header row: CALLS and PUTS over their sides, the strike in the middle.
        let headerY = inner.y
        var x = left
        let headerStyle = theme.style(.muted).adding(.bold)
        for column in callColumns {
            grid.drawText(column.title, x: x, y: headerY, width: column.width, alignment: .right, style: headerStyle)
            x += column.width + 1
        }
        grid.drawText("Strike", x: x, y: headerY, width: strikeWidth + 2, alignment: .center, style: headerStyle)
        x += strikeWidth + 2
        // The put side's blank comes before each column (the call side's after), so neither side touches the strike's
        // C/P markers even when a column's text fills its width (IVbid).
        for column in putOrder {
            grid.drawText(column.title, x: x + 1, y: headerY, width: column.width, alignment: .right, style: headerStyle)
            x += column.width + 1
        }
        if left - inner.x >= 6 {
            grid.drawText("CALLS", x: inner.x, y: headerY, width: 5, style: theme.style(state.chainKind == .call ? .title : .muted))
            grid.drawText("PUTS", x: inner.maxX - 4, y: headerY, width: 4, style: theme.style(state.chainKind == .put ? .title : .muted))
        } else {
            // No room beside the columns: the strike header itself says which side is which, at every width.
            let strikeX = left + callColumns.reduce(0) { $0 + $1.width + 1 }
            grid.drawText("C", x: strikeX, y: headerY, width: 1, style: theme.style(state.chainKind == .call ? .title : .muted))
            grid.drawText("P", x: strikeX + strikeWidth + 1, y: headerY, width: 1, style: theme.style(state.chainKind == .put ? .title : .muted))
        }

        // Strike rows, scrolled so the cursor stays visible.
        let visible = inner.height - 1
        guard visible > 0, !rows.isEmpty else { return }
        let cursor = state.cursorStrikeIndex(in: engine) ?? 0
        let offset = min(max(0, cursor - visible / 2), max(0, rows.count - visible))
        let positions = Set(engine.positionViews(of: state.deskAccount).map(\.position.series))
        for (line, row) in rows.dropFirst(offset).prefix(visible).enumerated() {
            let y = inner.y + 1 + line
            var x = left
            let callSelected = row.strikeIndex == cursor && state.chainKind == .call
            let putSelected = row.strikeIndex == cursor && state.chainKind == .put
            x = drawSide(&grid, x: x, y: y, quote: row.call, columns: callColumns, selected: callSelected, focused: focused, context: context)
            let strikeRole: ThemeRole = row.isAtTheMoney ? .atm : .text
            // A leg marked for a strategy shows its side (+ buy, - sell); otherwise a bullet marks a series the desk holds.
            let marker = { (series: SeriesID) -> String in
                if let leg = state.markedLegs.first(where: { $0.series == series }) { return leg.side == .buy ? "+" : "-" }
                return positions.contains(series) ? String(Character(context.glyphs.bullet)) : " "
            }
            let callMarked = state.markedLegs.contains { $0.series == row.call.series }
            let strikeText = marker(row.call.series) + NumberFormat.fixed(row.strike.doubleValue, decimals: row.strike.micros % 1_000_000 == 0 ? 0 : 2)
            grid.drawText(strikeText, x: x, y: y, width: strikeWidth + 1, alignment: .center, style: theme.style(strikeRole).adding(row.isAtTheMoney ? .bold : []))
            if callMarked, let first = strikeText.unicodeScalars.first {
                // The mark in the buy/sell colour, wherever centring put it.
                let width = strikeText.unicodeScalars.count
                let markX = x + (strikeWidth + 1 - width) / 2
                grid[markX, y] = Cell(first, style: theme.style(first == "+" ? .bid : .ask).adding(.bold))
            }
            let putMark = marker(row.put.series)
            let putMarked = state.markedLegs.contains { $0.series == row.put.series }
            grid.drawText(putMark, x: x + strikeWidth + 1, y: y, width: 1,
                          style: putMarked ? theme.style(putMark == "+" ? .bid : .ask).adding(.bold) : theme.style(.atm))
            x += strikeWidth + 2
            _ = drawSide(&grid, x: x, y: y, quote: row.put, columns: putOrder, selected: putSelected, focused: focused, context: context,
                         leadingBlank: true)
        }
    }

    /// The call side's and the put side's columns for an inner width: the richest set that fits, so both sides always
    /// show Bid and Ask, then the vols they imply (IVbid, IVask: fees and utilization premium in), then Δ.
    ///
    /// | inner width | per side (calls; puts mirror Δ to the outside) |
    /// |---|---|
    /// | ≥ 105 and room | Pool Mid Δ IVbid Bid Ask IVask |
    /// | ≥ 83 | Δ IVbid Bid Ask IVask (prices 8 wide) |
    /// | ≥ 67 | IVbid Bid Ask IVask (prices 7 wide) |
    /// | less | Bid Ask (prices 7 wide; whole units when narrower than 56) |
    /// `extras` go outside everything else (calls: leftmost; puts: rightmost) when the richest set fits with them.
    static func columns(width: Int, priceDecimals: Int, strikeWidth: Int, extras: [Column] = []) -> (calls: [Column], puts: [Column]) {
        func price(_ title: String, _ width: Int, decimals: Int, _ value: @escaping (ChainQuote) -> Double) -> Column {
            Column(title: title, width: width) { quote in
                let amount = value(quote)
                guard amount > 0 else { return "—" }
                // A deep in-the-money price drops its decimals rather than its digits.
                let text = NumberFormat.fixed(amount, decimals: decimals)
                return text.count <= width ? text : NumberFormat.fixed(amount, decimals: 0)
            }
        }
        func vol(_ title: String, _ value: @escaping (ChainQuote) -> Double?) -> Column {
            Column(title: title, width: 5) { quote in value(quote).map(volatilityText) ?? "—" }
        }
        let delta = Column(title: "Δ", width: 5) { NumberFormat.fixed($0.delta, decimals: 2) }
        let bidVol = vol("IVbid") { $0.bidVolatility }
        let askVol = vol("IVask") { $0.askVolatility }
        func total(_ side: [Column]) -> Int { 2 * side.reduce(0) { $0 + $1.width + 1 } + strikeWidth + 2 }
        let wideBid = price("Bid", 8, decimals: priceDecimals) { $0.bid }, wideAsk = price("Ask", 8, decimals: priceDecimals) { $0.ask }
        let richest = [delta, bidVol, wideBid, wideAsk, askVol]
        let bid = price("Bid", 7, decimals: priceDecimals) { $0.bid }, ask = price("Ask", 7, decimals: priceDecimals) { $0.ask }
        // Extras first with wide prices, then with narrower ones, then dropping extras from the outside in.
        for extra in extras.indices.map({ Array(extras[$0...]) }) {
            for prices in [(wideBid, wideAsk), (bid, ask)] {
                let calls = extra + [delta, bidVol, prices.0, prices.1, askVol]
                if total(calls) <= width { return (calls, [bidVol, prices.0, prices.1, askVol, delta] + extra.reversed()) }
            }
        }
        if total(richest) <= width { return (richest, [bidVol, wideBid, wideAsk, askVol, delta]) }
        let withVols = [bidVol, bid, ask, askVol]
        if total(withVols) <= width { return (withVols, withVols) }
        let decimals = width < 56 ? 0 : priceDecimals
        let plain = [price("Bid", 7, decimals: decimals) { $0.bid }, price("Ask", 7, decimals: decimals) { $0.ask }]
        return (plain, plain)
    }

    /// An IV in at most 5 cells: `55.8%` below 100%, `105%` above.
    static func volatilityText(_ volatility: Double) -> String {
        NumberFormat.percent(volatility, decimals: volatility < 0.9995 ? 1 : 0)
    }

    /// Draws one side's cells; returns the x after it.
    static func drawSide(_ grid: inout CellGrid, x start: Int, y: Int, quote: ChainQuote, columns: [Column], selected: Bool, focused: Bool,
                         context: RenderContext, leadingBlank: Bool = false) -> Int {
        let theme = context.theme
        var x = start
        let width = columns.reduce(0) { $0 + $1.width + 1 }
        let base: CellStyle
        if selected {
            base = theme.style(focused ? .selected : .selectedInactive)
        } else if quote.isInTheMoney {
            base = theme.style(.itm)
        } else {
            base = theme.baseStyle
        }
        grid.fill(Rect(x: x, y: y, width: width, height: 1), with: Cell(" ", style: base))
        for column in columns {
            var role: ThemeRole = .text
            if column.title == "Bid" { role = .bid }
            if column.title == "Ask" { role = .ask }
            if quote.restriction != nil { role = .muted }
            var style = selected ? base : theme.style(role)
            if !selected {
                style.background = base.background
            }
            grid.drawText(column.value(quote), x: leadingBlank ? x + 1 : x, y: y, width: column.width, alignment: .right, style: style)
            x += column.width + 1
        }
        return x
    }

    /// `05:36` today, `2 Dec 05:36` on another day (a cutoff tomorrow must not read as one in the past).
    static func shortTime(_ time: SimTime, today: SimTime? = nil) -> String {
        let civil = time.civil
        let clock = "\(twoDigit(civil.hour)):\(twoDigit(civil.minute))"
        guard let today else { return clock }
        let now = today.civil
        return (now.year, now.month, now.day) == (civil.year, civil.month, civil.day) ? clock : "\(civil.dayAndMonth) \(clock)"
    }
}

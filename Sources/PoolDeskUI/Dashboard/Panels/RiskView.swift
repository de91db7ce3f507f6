import PoolEngine

/// The full-screen risk view (`r`): P&L of the account or the pool over spot moves × vol shifts at a horizon, and the
/// exposure by expiry × strike of the selected market as a heat map. The numbers are the reducer's ``RiskReport``
/// (computed once per engine step); drawing only formats them.
///
/// The heat map reads without color: each cell is signed and led by a shade glyph whose density grows with the
/// cell's size against the largest cell (`░▒▓█`, ASCII `.:*#`).
enum RiskView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let view = state.riskView, let report = view.report else { return }
        let theme = context.theme
        let scopeText = view.scope == .account ? "my account" : "the pool"
        let tabs = RiskScope.allCases.map { $0 == view.scope ? "[\($0.rawValue)]" : $0.rawValue }.joined(separator: " ")
        let inner = Panel(title: "Risk · \(scopeText)", info: "\(tabs) · Tab switches · Esc back", focused: true, fill: .text)
            .draw(in: &grid, rect: Rect(x: 0, y: 0, width: grid.width, height: grid.height), theme: theme, glyphs: context.glyphs)
        guard inner.width > 40, inner.height > 10 else { return }
        var y = inner.y
        let x = inner.x + 1, width = inner.width - 2

        // Scenario grid.
        let horizons = ScenarioHorizon.allCases.map { horizon -> String in
            let name = horizon == .now ? "now" : horizon == .oneDay ? "+1 day" : "next expiry"
            return horizon == view.horizon ? "[\(name)]" : name
        }.joined(separator: "  ")
        grid.drawText("P&L by spot move × vol shift (USD)   ← → horizon: \(horizons)",
                      x: x, y: y, width: width, style: theme.style(.title))
        y += 1
        let when = report.grid.at == engine.time ? "at \(ChainPanel.shortTime(report.grid.at, today: engine.time))"
            : "at \(ChainPanel.shortTime(report.grid.at, today: engine.time)) (in \(NumberFormat.duration(seconds: (report.grid.at - engine.time).seconds, units: 2)))"
        grid.drawText("\(Plural.count(report.holdings, view.scope == .pool ? "series held" : "position", plural: view.scope == .pool ? "series held" : "positions")) · \(when)\(view.scope == .pool ? " · hedges included" : "") · Black-Scholes at today's traded vols",
                      x: x, y: y, width: width, style: theme.style(.muted))
        y += 1
        let columnWidth = 9, rowLabel = 10
        let columns = min(report.grid.spotMoves.count, max(1, (width - rowLabel) / columnWidth))
        // Keep the centre of the spot moves when the screen is too narrow for all of them.
        let firstColumn = max(0, (report.grid.spotMoves.count - columns) / 2)
        let shownMoves = Array(report.grid.spotMoves.indices.dropFirst(firstColumn).prefix(columns))
        var headerText = TextLayout.fit("vol\\spot", width: rowLabel)
        for index in shownMoves {
            let move = report.grid.spotMoves[index]
            headerText += TextLayout.fit(move == 0 ? "0%" : NumberFormat.percent(move, decimals: 0, signed: true), width: columnWidth, alignment: .right)
        }
        grid.drawText(headerText, x: x, y: y, width: width, style: theme.style(.header))
        y += 1
        var worst: (value: Double, vol: Int, spot: Int)?
        for (row, shift) in report.grid.volShifts.enumerated() {
            guard y < inner.maxY - 1 else { break }
            let label = shift == 0 ? "0 pt" : "\(shift > 0 ? "+" : "-")\(Int(abs(shift))) pt"
            grid.drawText(TextLayout.fit(label, width: rowLabel), x: x, y: y, width: rowLabel, style: theme.style(.muted))
            for (offset, index) in shownMoves.enumerated() {
                let value = report.grid.pnl[row][index]
                if worst == nil || value < worst?.value ?? 0 { worst = (value, row, index) }
                let text = abs(value) < 0.5 ? "0" : NumberFormat.signed(value, decimals: 0).count <= columnWidth - 1
                    ? NumberFormat.signed(value, decimals: 0) : (value > 0 ? "+" : "") + NumberFormat.compact(value)
                var cellStyle = theme.style(abs(value) < 0.5 ? .muted : value < 0 ? .down : .up)
                if shift == 0 && report.grid.spotMoves[index] == 0 { cellStyle = cellStyle.adding(.bold) }
                grid.drawText(text, x: x + rowLabel + offset * columnWidth, y: y, width: columnWidth, alignment: .right, style: cellStyle)
            }
            y += 1
        }
        if let worst, y < inner.maxY - 1 {
            let move = report.grid.spotMoves[worst.spot], shift = report.grid.volShifts[worst.vol]
            let text = worst.value < 0
                ? "worst: \(NumberFormat.signed(worst.value, decimals: 0)) at spot \(NumberFormat.percent(move, decimals: 0, signed: true)), vol \(shift >= 0 ? "+" : "-")\(Int(abs(shift))) pt"
                : "no loss in this grid"
            grid.drawText(text, x: x, y: y, width: width, style: theme.style(worst.value < 0 ? .warning : .muted))
            y += 1
        }
        y += 1

        // Exposure heat map of the selected market: expiries down, strike buckets across.
        guard y < inner.maxY - 3 else { return }
        let marketIndex = min(max(state.marketIndex, 0), engine.markets.count - 1)
        let market = engine.markets[marketIndex]
        let cells = report.exposure.filter { $0.market.index == marketIndex }
        grid.drawText("\(view.scope == .pool ? "Pool" : "My") exposure · \(market.symbol) · \(view.metric.label) by expiry × strike   e figure · m market",
                      x: x, y: y, width: width, style: theme.style(.title))
        y += 1
        guard !cells.isEmpty else {
            grid.drawText(view.scope == .pool ? "the pool holds no \(market.symbol) options" : "no open \(market.symbol) positions",
                          x: x, y: y, width: width, style: theme.style(.muted))
            return
        }
        let expiryLabel = 15, cellWidth = 9
        let columnCount = min(15, max(1, (width - expiryLabel) / cellWidth))
        // Columns hold strikes, labelled by the strikes they hold: one strike each when they fit, else runs of
        // neighbouring strikes labelled first to last on two header rows.
        let strikeGroups = strikeColumns(cells.map(\.strike), count: columnCount)
        let expiries = Array(Set(cells.map(\.expiry))).sorted()
        var sums = Array(repeating: Array(repeating: 0.0, count: strikeGroups.count), count: expiries.count)
        var filled = Array(repeating: Array(repeating: false, count: strikeGroups.count), count: expiries.count)
        for cell in cells {
            guard let row = expiries.firstIndex(of: cell.expiry), let column = strikeGroups.firstIndex(where: { $0.contains(cell.strike) }) else { continue }
            sums[row][column] += view.metric.value(cell)
            filled[row][column] = true
        }
        let largest = sums.joined().map(abs).max() ?? 0
        let nearest = cells.map(\.strike).min { abs($0 - market.spot) < abs($1 - market.spot) }
        let atTheMoney = nearest.flatMap { strike in strikeGroups.firstIndex { $0.contains(strike) } }
        var header = TextLayout.fit("expiry\\strike", width: expiryLabel)
        var secondHeader = String(repeating: " ", count: expiryLabel)
        for (index, column) in strikeGroups.enumerated() {
            let label = (index == atTheMoney ? "*" : "") + strikeLabel(column.first)
            header += TextLayout.fit(label, width: cellWidth, alignment: .right)
            secondHeader += TextLayout.fit(column.count > 1 ? "–" + strikeLabel(column.last) : "", width: cellWidth, alignment: .right)
        }
        grid.drawText(header, x: x, y: y, width: width, style: theme.style(.header))
        y += 1
        if strikeGroups.contains(where: { $0.count > 1 }), y < inner.maxY - 1 {
            grid.drawText(secondHeader, x: x, y: y, width: width, style: theme.style(.header))
            y += 1
        }
        let shades: [Unicode.Scalar] = context.glyphs.supportsBraille ? ["░", "▒", "▓", "█"] : [".", ":", "*", "#"]
        for (row, expiry) in expiries.enumerated() {
            guard y < inner.maxY - 1 else { break }
            let left = max(0, (expiry - engine.time).seconds)
            grid.drawText(TextLayout.fit(NumberFormat.duration(seconds: left, units: 2), width: expiryLabel), x: x, y: y, width: expiryLabel, style: theme.style(.muted))
            for column in strikeGroups.indices {
                let cellX = x + expiryLabel + column * cellWidth
                guard filled[row][column] else {
                    grid.drawText("·", x: cellX, y: y, width: cellWidth, alignment: .right, style: theme.style(.muted))
                    continue
                }
                let value = sums[row][column]
                let share = largest > 0 ? abs(value) / largest : 0
                let shade = shades[min(shades.count - 1, Int(share * Double(shades.count)))]
                let number = abs(value) < 0.005 ? "0" : (value > 0 ? "+" : "") + NumberFormat.compact(value, decimals: abs(value) < 10 ? 2 : 1)
                let role: ThemeRole = abs(value) < 0.005 ? .muted : value < 0 ? .down : .up
                // The shade sits right before the number, so a column of cells reads as bars of density.
                let text = String(Character(shade)) + number
                grid.drawText(text, x: cellX, y: y, width: cellWidth, alignment: .right,
                              style: theme.style(role).adding(share >= 0.75 ? .bold : []))
            }
            y += 1
        }
        if y < inner.maxY {
            grid.drawText("- short  + long  \(String(String.UnicodeScalarView(shades))) size against the largest cell  * the strike nearest spot",
                          x: x, y: inner.maxY - 1, width: width, style: theme.style(.muted))
        }
    }

    /// The distinct strikes, ascending, split into at most `count` columns of neighbouring strikes (as even as they
    /// go; one strike per column when there are few enough): each column is labelled by the strikes it holds.
    static func strikeColumns(_ strikes: [Double], count: Int) -> [StrikeColumn] {
        let distinct = Array(Set(strikes)).sorted()
        guard !distinct.isEmpty else { return [] }
        let strikeGroups = min(max(1, count), distinct.count)
        return (0..<strikeGroups).map { index in
            let start = index * distinct.count / strikeGroups, end = (index + 1) * distinct.count / strikeGroups
            return StrikeColumn(strikes: Array(distinct[start..<end]))
        }
    }

    /// Neighbouring strikes shown in one heat-map column.
    struct StrikeColumn: Hashable {
        var strikes: [Double]
        var first: Double { strikes.first ?? 0 }
        var last: Double { strikes.last ?? 0 }
        var count: Int { strikes.count }
        func contains(_ strike: Double) -> Bool { strikes.contains(strike) }
    }

    /// A strike as the chain writes it, exactly: `60,000`, `2,950`, `0.85`.
    static func strikeLabel(_ strike: Double) -> String {
        NumberFormat.fixed(strike, decimals: strike == strike.rounded() ? 0 : 2)
    }
}

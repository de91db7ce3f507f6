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
        let bucketCount = min(15, max(1, (width - expiryLabel) / cellWidth))
        let buckets = strikeBuckets(cells.map(\.strike), spot: market.spot, count: bucketCount)
        let expiries = Array(Set(cells.map(\.expiry))).sorted()
        var sums = Array(repeating: Array(repeating: 0.0, count: buckets.count), count: expiries.count)
        var filled = Array(repeating: Array(repeating: false, count: buckets.count), count: expiries.count)
        for cell in cells {
            guard let row = expiries.firstIndex(of: cell.expiry), let column = buckets.firstIndex(where: { $0.contains(cell.strike) }) else { continue }
            sums[row][column] += view.metric.value(cell)
            filled[row][column] = true
        }
        let largest = sums.joined().map(abs).max() ?? 0
        let atTheMoney = buckets.firstIndex { $0.contains(market.spot) }
        var header = TextLayout.fit("expiry\\strike", width: expiryLabel)
        for (index, bucket) in buckets.enumerated() {
            let label = (index == atTheMoney ? "*" : "") + strikeLabel((bucket.lowerBound + bucket.upperBound) / 2, spot: market.spot)
            header += TextLayout.fit(label, width: cellWidth, alignment: .right)
        }
        grid.drawText(header, x: x, y: y, width: width, style: theme.style(.header))
        y += 1
        let shades: [Unicode.Scalar] = context.glyphs.supportsBraille ? ["░", "▒", "▓", "█"] : [".", ":", "*", "#"]
        for (row, expiry) in expiries.enumerated() {
            guard y < inner.maxY - 1 else { break }
            let left = max(0, (expiry - engine.time).seconds)
            grid.drawText(TextLayout.fit(NumberFormat.duration(seconds: left, units: 2), width: expiryLabel), x: x, y: y, width: expiryLabel, style: theme.style(.muted))
            for column in buckets.indices {
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
            grid.drawText("- short  + long  \(String(String.UnicodeScalarView(shades))) size against the largest cell  * spot's strikes",
                          x: x, y: inner.maxY - 1, width: width, style: theme.style(.muted))
        }
    }

    /// `count` equal strike ranges covering every strike and today's spot, the last one closed.
    static func strikeBuckets(_ strikes: [Double], spot: Double, count: Int) -> [ClosedRange<Double>] {
        let low = min(strikes.min() ?? spot, spot), high = max(strikes.max() ?? spot, spot)
        guard high > low, count > 1 else { return [low...max(high, low)] }
        let distinctStrikes = Set(strikes).count
        let buckets = min(count, max(1, distinctStrikes))
        let step = (high - low) / Double(buckets)
        return (0..<buckets).map { index in
            let start = low + Double(index) * step
            let end = index == buckets - 1 ? high : low + Double(index + 1) * step
            // Half-open in effect: a strike on a boundary belongs to the bucket above (contains() finds the first).
            return start...(index == buckets - 1 ? end : end.nextDown)
        }
    }

    /// `58.5k` for BTC-sized strikes, `2,950` for ETH-sized ones.
    static func strikeLabel(_ strike: Double, spot: Double) -> String {
        strike >= 10_000 ? NumberFormat.compact(strike, decimals: 1) : NumberFormat.fixed(strike, decimals: strike >= 100 ? 0 : 2)
    }
}

import PoolEngine

/// What rendering needs besides the state and the engine.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var glyphs: GlyphSet
    public var chartStyle: ChartStyle

    public init(theme: Theme, glyphs: GlyphSet, chartStyle: ChartStyle) {
        self.theme = theme
        self.glyphs = glyphs
        self.chartStyle = chartStyle
    }
}

/// Renders the whole dashboard into a cell grid: a pure function of UI state and engine state.
public enum DashboardRenderer {
    /// A fresh grid of `width` × `height` with every panel drawn.
    public static func render(state: DashboardState, engine: Engine, context: RenderContext, width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height, fill: Cell(" ", style: context.theme.baseStyle))
        guard let layout = DashboardLayout(width: width, height: height) else {
            drawTooSmall(&grid, context: context)
            if !context.glyphs.supportsBraille { grid.replaceNonASCII() }
            return grid
        }
        HeaderView.draw(&grid, rect: layout.header, state: state, engine: engine, context: context)
        ChartPanel.draw(&grid, rect: layout.chart, state: state, engine: engine, context: context)
        PoolPanel.draw(&grid, rect: layout.pool, engine: engine, context: context)
        AccountPanel.draw(&grid, rect: layout.account, state: state, engine: engine, context: context)
        ChainPanel.draw(&grid, rect: layout.chain, state: state, engine: engine, context: context)
        PositionsPanel.draw(&grid, rect: layout.positions, state: state, engine: engine, context: context)
        EventLogPanel.draw(&grid, rect: layout.log, state: state, context: context)
        StatusBarView.draw(&grid, rect: layout.statusBar, state: state, context: context)
        if state.ticket != nil { OrderTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.liquidityTicket != nil { LiquidityTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.helpVisible { HelpOverlay.draw(&grid, state: state, context: context) }
        if !context.glyphs.supportsBraille { grid.replaceNonASCII() }
        return grid
    }

    static func drawTooSmall(_ grid: inout CellGrid, context: RenderContext) {
        let lines = [
            "PoolDesk needs at least \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)",
            "this terminal is \(grid.width)×\(grid.height)",
            "enlarge the window, or press q to quit",
        ]
        let top = max(0, (grid.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            grid.drawText(line, x: 0, y: top + offset, width: grid.width, alignment: .center,
                          style: context.theme.style(offset == 0 ? .warning : .text))
        }
    }
}

/// The top line: markets with change, clock, speed, tick rate and state badges.
enum HeaderView {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        grid.fill(rect, with: Cell(" ", style: theme.style(.header)))
        var x = rect.x
        func put(_ text: String, _ role: ThemeRole) {
            x += grid.put(text, x: x, y: rect.y, style: theme.style(role), maxWidth: max(0, rect.maxX - x))
        }
        let compact = rect.width < 110
        if !compact { put(" PoolDesk ", .title) }
        for (index, market) in engine.markets.enumerated() {
            let change = market.openingSpot > 0 ? market.spot / market.openingSpot - 1 : 0
            let arrow = change >= 0 ? context.glyphs.arrowUp : context.glyphs.arrowDown
            put(index == state.marketIndex ? " \(context.glyphs.bullet)" : "  ", .header)
            put("\(market.symbol) \(NumberFormat.fixed(market.spot, decimals: market.spot >= 1000 ? 0 : 2)) ", index == state.marketIndex ? .title : .header)
            put("\(Character(arrow))\(NumberFormat.percent(change, decimals: 2, signed: true)) ", change >= 0 ? .up : .down)
        }
        let clock = engine.time.civil
        put(" \(clock.expiryCode) \(twoDigit(clock.hour)):\(twoDigit(clock.minute)):\(twoDigit(clock.second))\(compact ? "" : " UTC") ", .header)
        put(" ×\(speedText(state.speed)) ", .header)
        put(" \(NumberFormat.fixed(state.tickRate, decimals: 0)) t/s ", .muted)
        var badges: [(String, ThemeRole)] = []
        if state.isReplay { badges.append(("REPLAY", .info)) }
        if state.paused { badges.append(("PAUSED", .warning)) }
        if !engine.halts.isEmpty { badges.append(("HALTED", .danger)) }
        if state.isStale && !state.paused { badges.append(("STALE", .warning)) }
        if state.readOnly && !state.isReplay { badges.append(("READ-ONLY", .info)) }
        let badgeText = badges.map { " \($0.0) " }.joined(separator: " ")
        var bx = rect.maxX - badgeText.unicodeScalars.count - 1
        for (text, role) in badges {
            bx += grid.put(" \(text) ", x: bx, y: rect.y, style: theme.style(role).adding(.reverse)) + 1
        }
    }
}

func twoDigit(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

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

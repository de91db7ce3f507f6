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
        let chainStrikes = 2 * engine.configuration.strikesPerSide + 1
        guard let layout = DashboardLayout(width: width, height: height, chainStrikes: chainStrikes) else {
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
        if let activity = layout.activity {
            EventLogPanel.draw(&grid, rect: layout.log, state: state, context: context, active: state.logView == .events)
            ActivityPanel.draw(&grid, rect: activity, state: state, context: context, active: state.logView == .activity)
        } else if state.logView == .activity {
            ActivityPanel.draw(&grid, rect: layout.log, state: state, context: context)
        } else {
            EventLogPanel.draw(&grid, rect: layout.log, state: state, context: context)
        }
        StatusBarView.draw(&grid, rect: layout.statusBar, state: state, context: context)
        if state.ticket != nil { OrderTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.liquidityTicket != nil { LiquidityTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.strategyTicket != nil { StrategyTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.strategyCloseTicket != nil { StrategyCloseTicketView.draw(&grid, state: state, engine: engine, context: context) }
        if state.riskView != nil { RiskView.draw(&grid, state: state, engine: engine, context: context) }
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

/// Two-digit clock fields (`07`).
func twoDigit(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

import PoolEngine

/// The selected underlying's recent spot path.
enum ChartPanel {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let marketIndex = min(max(state.marketIndex, 0), engine.markets.count - 1)
        let market = engine.markets[marketIndex]
        let interval = engine.configuration.priceHistoryInterval
        let span = SimDuration(milliseconds: interval.milliseconds * Int64(max(0, market.history.count - 1)))
        let regime = market.regime == .calm ? "calm" : "stressed"
        let inner = Panel(title: "\(market.symbol)-USD", info: "\(span) · \(regime)", focused: false)
            .draw(in: &grid, rect: rect, theme: context.theme, glyphs: context.glyphs)
        guard inner.width > 4, inner.height > 1 else { return }
        // Braille packs two samples per column, blocks and ASCII one.
        let perColumn = context.chartStyle == .braille ? 2 : 1
        let labelWidth = 10
        let capacity = max(2, (inner.width - labelWidth) * perColumn)
        let values = Array(market.history.suffix(capacity))
        let decimals = market.spot >= 1000 ? 0 : 2
        LineChart(values: values, style: context.chartStyle, axis: .right,
                  labelFormat: { NumberFormat.fixed($0, decimals: decimals) })
            .draw(in: &grid, rect: inner, theme: context.theme, glyphs: context.glyphs)
    }
}

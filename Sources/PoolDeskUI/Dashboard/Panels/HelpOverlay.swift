import PoolEngine

/// The `?` overlay, generated from the live key map: keys, the ticket's keys, the `:` commands and what the screen's
/// units and abbreviations mean. Scrolls with j/k and the page keys when the terminal is shorter than the list.
enum HelpOverlay {
    /// One line: a label (a key, or a section title when `text` is empty), its text, and whether it places orders.
    typealias Line = (label: String, text: String, placesOrders: Bool)

    /// Every line of the overlay, in order.
    static func lines(for state: DashboardState) -> [Line] {
        var lines: [Line] = []
        if state.isReplay {
            lines.append(("Replay", "", false))
            lines += ReplayKeyMap.bindings.map { ($0.label, $0.summary, false) }
            lines.append(("", "", false))
        }
        lines += KeyMap.main.map { ($0.label, $0.summary, $0.placesOrders) }
        lines.append(("", "", false))
        lines.append(("Order ticket", "", false))
        lines += KeyMap.ticket.map { ($0.label, $0.summary, false) }
        lines.append(("Strategy", "the same keys; Tab flips every leg", false))
        lines.append(("Close (c)", "a strategy or leg: Enter closes, Esc keeps it", false))
        lines.append(("", "a ticket takes keys once it is on screen", false))
        lines.append(("", "", false))
        lines.append(("Risk view (r)", "", false))
        lines += KeyMap.risk.map { ($0.label, $0.summary, false) }
        lines.append(("", "", false))
        lines.append(("Commands", "", false))
        lines += CommandLineParser.commands.joined(separator: " ").wrapped(width: 58, maximumLines: 10).map { (":", $0, false) }
        lines.append((":buy :sell", "TEMPLATE SPEC [SIZE] opens the strategy ticket; sell flips every leg", false))
        lines += StrategyTemplate.words.joined(separator: " ").wrapped(width: 58, maximumLines: 3).map { ("  templates", $0, false) }
        lines.append(("", "", false))
        lines.append(("Units", "", false))
        lines += units.map { ($0.0, $0.1, false) }
        return lines
    }

    /// What the panels' abbreviations mean, in trader units.
    static let units: [(String, String)] = [
        ("Δ$", "delta in USD: value change for a 1.00 move of spot, × spot"),
        ("Γ$", "gamma in USD: change of Δ$ for a 1% move of spot"),
        ("ν", "vega: value change per 1 vol point (1%)"),
        ("Θ", "theta: value change per calendar day"),
        ("IV", "implied volatility, annualised (Black-Scholes)"),
        ("IVbid IVask", "vols the bid and ask imply (fee, utilization premium in)"),
        ("Bid Ask", "USD per contract, fee in (the ticket's \"each, fee in\")"),
        ("Mark", "positions: what closing gets per contract; Mid: the model"),
        ("Exp", "positions: time left to expiry"),
        ("Coll", "positions: collateral a short has posted (USD)"),
        ("Liq", "positions: nearest spot liquidating a short (today's IV)"),
        ("Fee cap", "a fee is at most 12.5% of its premium (default, Deribit)"),
        ("Util", "utilization: locked collateral ÷ pool assets (cap marked)"),
        ("NAV", "pool net asset value: cash + hedge P&L + options at mark"),
        ("Lock", "collateral the pool holds for what it wrote"),
        ("Rsrv", "protocol reserve: its share of the fees"),
        ("Worst accepted", "the order's limit: previewed total ± slippage (:slippage)"),
        ("Mid", "model price at the traded IV, no fees"),
        ("Pool", "the pool's net contracts per series (−: traders hold them)"),
        ("Cash", "my activity: + received, − paid, fees included"),
    ]

    static func draw(_ grid: inout CellGrid, state: DashboardState, context: RenderContext) {
        let theme = context.theme
        let lines = lines(for: state)
        let scroll: Int = if case .help(let offset) = state.mode { min(offset, max(0, lines.count - 1)) } else { 0 }
        let height = min(grid.height - 2, lines.count + 3)
        let inner = Modal(title: "Keys", info: "j/k scroll · any key closes", width: min(grid.width - 4, 78), height: height)
            .draw(in: &grid, theme: theme, glyphs: context.glyphs)
        for (offset, entry) in lines.dropFirst(scroll).enumerated() where offset < inner.height {
            let disabled = entry.placesOrders && state.readOnly
            grid.drawText(entry.label, x: inner.x + 1, y: inner.y + offset, width: 14, style: theme.style(entry.text.isEmpty ? .title : .keyHint))
            grid.drawText(entry.text + (disabled ? "  (read-only: off)" : ""), x: inner.x + 16, y: inner.y + offset, width: inner.width - 17,
                          style: theme.style(disabled ? .muted : .text))
        }
        if lines.count - scroll > inner.height {
            grid.drawText("more: j", x: inner.maxX - 8, y: inner.maxY - 1, width: 7, alignment: .right, style: theme.style(.muted))
        }
    }
}

import PoolEngine

/// The desk account: balance, collateral, P&L, LP stake and Greeks.
enum AccountPanel {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        guard let snapshot = engine.accountSnapshot(state.deskAccount) else {
            _ = Panel(title: "Account").draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
            return
        }
        let account = snapshot.account
        let inner = Panel(title: "Account", info: account.name, focused: false).draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.width > 8 else { return }
        var y = inner.y
        func row(_ label: String, _ value: String, _ role: ThemeRole = .text) {
            guard y < inner.maxY else { return }
            grid.drawText(label, x: inner.x, y: y, width: inner.width, style: theme.style(.muted))
            grid.drawText(value, x: inner.x, y: y, width: inner.width, alignment: .right, style: theme.style(role))
            y += 1
        }
        row("Balance", NumberFormat.money(micros: account.balance.micros))
        row("Collateral", NumberFormat.money(micros: account.collateral.micros), account.collateral.isZero ? .muted : .warning)
        row("Realized", NumberFormat.signedMoney(micros: account.realizedPnL.micros), account.realizedPnL.isNegative ? .down : .up)
        row("Unrealized", NumberFormat.signed(snapshot.unrealizedPnL), snapshot.unrealizedPnL < 0 ? .down : .up)
        row("LP value", NumberFormat.fixed(snapshot.shareValue), account.shares.isZero ? .muted : .text)
        row("Δ $ / Γ", "\(NumberFormat.compact(snapshot.greeks.delta)) / \(NumberFormat.compact(snapshot.greeks.gamma))")
        row("ν / Θ", "\(NumberFormat.compact(snapshot.greeks.vega)) / \(NumberFormat.compact(snapshot.greeks.theta))")
        row("Fees paid", NumberFormat.money(micros: account.feesPaid.micros), .muted)
    }
}

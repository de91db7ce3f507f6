import PoolEngine

/// The LP deposit / withdraw prompt.
enum LiquidityTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.liquidityTicket else { return }
        let theme = context.theme
        let deposit = ticket.kind == .deposit
        let inner = Modal(title: deposit ? "Deposit into the pool" : "Withdraw from the pool", width: 56, height: 9)
            .draw(in: &grid, theme: theme, glyphs: context.glyphs)
        guard inner.height > 3 else { return }
        let snapshot = engine.poolSnapshot()
        let account = engine.accounts[safe: state.deskAccount.index]
        let cursor = context.glyphs.supportsBraille ? "▏" : "_"
        var lines: [(String, String, ThemeRole)] = [
            (deposit ? "Amount (USD)" : "Shares", ticket.amountText + cursor, .input),
            ("Share price", NumberFormat.fixed(snapshot.sharePrice, decimals: 6), .text),
        ]
        if deposit {
            lines.append(("Balance", NumberFormat.money(micros: account?.balance.micros ?? 0), .text))
            if let amount = Money(decimal: ticket.amountText), snapshot.sharePrice > 0 {
                lines.append(("Shares minted ≈", NumberFormat.fixed(amount.doubleValue / snapshot.sharePrice, decimals: 4), .text))
            }
            lines.append(("Withdrawal fee", "\(NumberFormat.percent(engine.configuration.pool.withdrawalFee, decimals: 2)) when you withdraw", .muted))
        } else {
            lines.append(("Held", NumberFormat.money(micros: account?.shares.micros ?? 0), .text))
            if let shares = Shares(decimal: ticket.amountText) {
                let gross = shares.doubleValue * snapshot.sharePrice
                let fee = gross * engine.configuration.pool.withdrawalFee
                lines.append(("You receive ≈", "\(NumberFormat.fixed(gross - fee)) (fee \(NumberFormat.fixed(fee)))", .text))
                let free = max(0, snapshot.freeLiquidity.doubleValue)
                if gross > free {
                    lines.append(("Queued ≈", "\(NumberFormat.fixed(gross - free)) USD waits for free liquidity (paid FIFO)", .warning))
                }
            }
        }
        for (offset, entry) in lines.enumerated() where offset < inner.height - 1 {
            grid.drawText(entry.0, x: inner.x + 1, y: inner.y + offset, width: 16, style: theme.style(.muted))
            grid.drawText(entry.1, x: inner.x + 18, y: inner.y + offset, width: inner.width - 19, style: theme.style(entry.2))
        }
        grid.drawText("Enter confirm   Esc cancel", x: inner.x, y: inner.maxY - 1, width: inner.width, alignment: .center, style: theme.style(.keyHint))
    }
}

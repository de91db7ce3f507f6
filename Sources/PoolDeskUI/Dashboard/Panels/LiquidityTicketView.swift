import PoolEngine

/// The LP deposit / withdraw prompt.
enum LiquidityTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.liquidityTicket else { return }
        let theme = context.theme
        let deposit = ticket.kind == .deposit
        let inner = Modal(title: deposit ? "Deposit into the pool" : "Withdraw from the pool", width: 60, height: 11)
            .draw(in: &grid, theme: theme, glyphs: context.glyphs)
        guard inner.height > 3 else { return }
        let snapshot = engine.poolSnapshot()
        let account = engine.accounts[safe: state.deskAccount.index]
        let cursor = context.glyphs.supportsBraille ? "▏" : "_"
        let feeRate = engine.configuration.pool.withdrawalFee
        var lines: [(String, String, ThemeRole)] = [
            (deposit ? "Amount (USD)" : "Shares", ticket.amountText + cursor, .input),
            ("Share price", NumberFormat.fixed(snapshot.sharePrice, decimals: 6), .text),
        ]
        if deposit {
            lines.append(("Balance", NumberFormat.money(micros: account?.balance.micros ?? 0), .text))
            if let amount = Money(decimal: ticket.amountText), snapshot.sharePrice > 0 {
                lines.append(("Shares minted ≈", NumberFormat.fixed(amount.doubleValue / snapshot.sharePrice, decimals: 4), .text))
            }
            lines.append(("Withdrawal fee", "\(NumberFormat.percent(feeRate, decimals: 2)) when you withdraw (each payout)", .muted))
        } else {
            lines.append(("Held", NumberFormat.money(micros: account?.shares.micros ?? 0), .text))
            lines.append(("Withdrawal fee", "\(NumberFormat.percent(feeRate, decimals: 2)) of each payout, kept by the pool", .muted))
            if let shares = Shares(decimal: ticket.amountText), shares.isPositive {
                // Exact: the withdrawal applied to a copy of the engine (who is ahead, what liquidity pays now).
                let preview = engine.previewWithdrawal(account: state.deskAccount, shares: shares)
                if let rejection = preview.rejection {
                    lines.append(("Refused", rejection.message, .danger))
                } else {
                    lines.append(("Paid now", "\(NumberFormat.money(micros: preview.paidNow.micros)) USD (fee \(NumberFormat.money(micros: preview.feeNow.micros)))",
                                  preview.paidNow.isPositive ? .success : .muted))
                    if preview.queuedShares.isPositive {
                        lines.append(("Queued", "\(NumberFormat.money(micros: preview.queuedShares.micros)) shares ≈ \(NumberFormat.fixed(preview.queuedValue)) USD",
                                      .warning))
                        lines.append(("", "paid in order as liquidity frees", .muted))
                    }
                }
            }
        }
        if snapshot.queuedWithdrawals > 0 {
            lines.append(("Queue now", "\(Plural.count(snapshot.queuedWithdrawals, "request")) · \(NumberFormat.money(micros: snapshot.queuedValue.micros)) USD ahead",
                          .warning))
        }
        for (offset, entry) in lines.enumerated() where offset < inner.height - 1 {
            grid.drawText(entry.0, x: inner.x + 1, y: inner.y + offset, width: 16, style: theme.style(.muted))
            grid.drawText(entry.1, x: inner.x + 18, y: inner.y + offset, width: inner.width - 19, style: theme.style(entry.2))
        }
        grid.drawText("Enter confirm   Esc cancel", x: inner.x, y: inner.maxY - 1, width: inner.width, alignment: .center, style: theme.style(.keyHint))
    }
}

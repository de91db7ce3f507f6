import PoolEngine

/// The order ticket: side, series, size and a live pre-trade preview from a copy of the engine.
enum OrderTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.ticket, engine.isKnownSeries(ticket.series) else { return }
        let theme = context.theme
        let option = engine.series[ticket.series.index]
        let verb = ticket.isClose ? "Close" : (ticket.side == .buy ? "Buy" : "Sell")
        let modal = Modal(title: "\(verb) \(option.name)", info: ticket.isClose ? "close" : "Tab: buy/sell", width: 64, height: 16)
        let inner = modal.draw(in: &grid, theme: theme, glyphs: context.glyphs)
        guard inner.height > 4 else { return }
        var y = inner.y
        func line(_ label: String, _ value: String, _ role: ThemeRole = .text) {
            guard y < inner.maxY else { return }
            grid.drawText(label, x: inner.x + 1, y: y, width: 18, style: theme.style(.muted))
            grid.drawText(value, x: inner.x + 19, y: y, width: inner.width - 20, style: theme.style(role))
            y += 1
        }
        let sideRole: ThemeRole = ticket.side == .buy ? .bid : .ask
        line("Side", ticket.side == .buy ? "BUY  (trader pays premium + fee)" : "SELL (trader receives premium − fee)", sideRole)
        let cursor = context.glyphs.supportsBraille ? "▏" : "_"
        line("Size", "\(ticket.quantityText)\(cursor) contracts", .input)
        let quantity: Quantity
        switch ticket.parsedQuantity {
        case .success(let value): quantity = value
        case .failure(let error):
            line("", ticket.quantityText.isEmpty ? "type a size (digits and .), +/- to step" : "\(error)", .warning)
            return
        }
        let preview = ticket.isClose
            ? engine.previewClose(account: state.deskAccount, series: ticket.series, quantity: quantity)
            : engine.preview(Order(account: state.deskAccount, series: ticket.series, side: ticket.side, quantity: quantity))
        let before = engine.accountSnapshot(state.deskAccount)
        if let quote = preview.quote {
            let total = ticket.side == .buy ? quote.premium + quote.fee : max(quote.premium - quote.fee, 0)
            line("Premium", "\(NumberFormat.fixed(quote.premium))  (\(NumberFormat.fixed(quote.premium / max(quantity.doubleValue, 1e-12))) each)")
            line("Fee", NumberFormat.fixed(quote.fee), .muted)
            line(ticket.side == .buy ? "Total to pay" : "Total to receive", NumberFormat.fixed(total), sideRole)
            if let fill = preview.fill {
                let limit = Order.slippageLimit(previewed: fill.traderCashFlow, side: fill.side, tolerance: state.slippage)
                line("Worst accepted", "\(NumberFormat.money(micros: limit.micros))  (slippage \(NumberFormat.percent(state.slippage)), :slippage)", .muted)
            }
            var ivText = "\(NumberFormat.percent(quote.volatilityBefore)) → \(NumberFormat.percent(quote.volatilityAfter))"
            if quote.utilizationMultiplier > 1 { ivText += "  (utilization ×\(NumberFormat.fixed(quote.utilizationMultiplier)))" }
            line("IV move", ivText)
        }
        line("Pool utilization", "\(NumberFormat.percent(engine.utilization)) → \(NumberFormat.percent(preview.utilizationAfter))  (cap \(NumberFormat.percent(engine.configuration.pool.utilizationCap)))",
             preview.utilizationAfter > engine.configuration.pool.utilizationCap ? .danger : .text)
        if let before {
            let after = preview.accountGreeksAfter
            line("Your Δ$ / Γ", "\(NumberFormat.compact(before.greeks.delta)) → \(NumberFormat.compact(after.delta))   \(NumberFormat.compact(before.greeks.gamma)) → \(NumberFormat.compact(after.gamma))")
            line("Your ν / Θ", "\(NumberFormat.compact(before.greeks.vega)) → \(NumberFormat.compact(after.vega))   \(NumberFormat.compact(before.greeks.theta)) → \(NumberFormat.compact(after.theta))")
            line("Balance after", NumberFormat.money(micros: preview.balanceAfter.micros))
        }
        let firstFreeRow = y
        if let rejection = preview.rejection {
            // Wrapped over the ticket's last free rows: the reason (and the limit it names) must be readable whole.
            let rows = max(1, min(3, inner.maxY - firstFreeRow))
            let lines = "✗ would be rejected: \(rejection.message)".wrapped(width: inner.width - 2, maximumLines: rows)
            for (offset, text) in lines.enumerated() {
                grid.drawText(text, x: inner.x + 1, y: inner.maxY - lines.count + offset, width: inner.width - 2,
                              style: theme.style(.danger).adding(.bold))
            }
        } else {
            grid.drawText("Enter confirm   Esc cancel   +/- size", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, alignment: .center, style: theme.style(.keyHint))
        }
    }
}

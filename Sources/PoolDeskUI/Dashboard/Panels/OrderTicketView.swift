import PoolEngine

/// The order ticket: side, series, size and a live pre-trade preview from a copy of the engine.
enum OrderTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.ticket, engine.isKnownSeries(ticket.series) else { return }
        let theme = context.theme
        let option = engine.series[ticket.series.index]
        let verb = ticket.isClose ? "Close" : (ticket.side == .buy ? "Buy" : "Sell")
        let opening = ticket.quantity.map { DashboardReducer.openingShort(ticket, quantity: $0, state: state, engine: engine) } ?? .zero
        // A sell that opens a short has three more rows: the collateral, its range and the liquidation spot.
        let modal = Modal(title: "\(verb) \(option.name)", info: ticket.isClose ? "close" : "Tab: buy/sell",
                          width: 64, height: opening.isPositive ? 19 : 16)
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
        let editingCollateral = ticket.field == .collateral && ticket.collateral != nil
        line("Size", "\(ticket.quantityText)\(editingCollateral ? "" : cursor) contracts", editingCollateral ? .text : .input)
        let quantity: Quantity
        switch ticket.parsedQuantity {
        case .success(let value): quantity = value
        case .failure(let error):
            line("", ticket.quantityText.isEmpty ? "type a size (digits and .), +/- to step" : "\(error)", .warning)
            return
        }
        let order: Order
        switch DashboardReducer.ticketOrder(ticket, quantity: quantity, state: state, engine: engine) {
        case .success(let value): order = value
        case .failure(let error):
            line("Collateral", "\(ticket.collateral?.text ?? "")\(cursor) USD", .input)
            line("", "\(error)", .warning)
            return
        }
        let preview = ticket.isClose
            ? engine.previewClose(account: state.deskAccount, series: ticket.series, quantity: quantity)
            : engine.preview(order)
        if opening.isPositive {
            let minimum = engine.minimumShortCollateral(ticket.series, quantity: opening)
            let full = engine.fullShortCollateral(ticket.series, quantity: opening)
            let posted = order.collateral ?? max(full, minimum)
            let text = ticket.collateral.map { "\($0.text)\(editingCollateral ? cursor : "")" } ?? NumberFormat.money(micros: posted.micros)
            let hint = editingCollateral ? "+/- step" : ticket.collateral == nil ? "full; c to choose" : "c to edit"
            line("Collateral lock", "\(text) USD  (\(hint))", editingCollateral ? .input : posted < minimum ? .danger : .text)
            line("  allowed", "min \(NumberFormat.money(micros: minimum.micros)) · full \(NumberFormat.money(micros: full.micros))", .muted)
            line("Liquidation spot", liquidationText(preview.liquidationAfter, spot: engine.markets[option.market.index].spot),
                 preview.liquidationAfter?.isUnderwater == true ? .danger : .warning)
        }
        let before = engine.accountSnapshot(state.deskAccount)
        if let quote = preview.quote {
            let total = ticket.side == .buy ? quote.premium + quote.fee : max(quote.premium - quote.fee, 0)
            let contracts = max(quantity.doubleValue, 1e-12)
            line("Premium", "\(NumberFormat.fixed(quote.premium))  (\(NumberFormat.fixed(quote.premium / contracts)) each, before fee)")
            let cap = engine.configuration.amm.maximumFeeShareOfPremium
            line("Fee", NumberFormat.fixed(quote.fee) + (quote.isFeeCapped ? "  (capped at \(NumberFormat.percent(cap)) of premium)" : ""), .muted)
            // Per contract with the fee in: the same kind of number as the chain's Bid and Ask.
            line(ticket.side == .buy ? "Total to pay" : "Total to receive",
                 "\(NumberFormat.fixed(total))  (\(NumberFormat.fixed(total / contracts)) each, fee in)", sideRole)
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
            let keys = opening.isPositive ? "Enter confirm   Esc cancel   +/- step   c size/collateral" : "Enter confirm   Esc cancel   +/- size"
            grid.drawText(keys, x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, alignment: .center, style: theme.style(.keyHint))
        }
    }

    /// `spot ≥ 72,345 (now 60,004)`, `spot ≤ 48,120 or ≥ 75,000 (now 60,004)`, or `now: …` when already below the
    /// minimum; at the IV and time to expiry after the order (they move too, so it is a guide).
    static func liquidationText(_ spots: LiquidationSpots?, spot: Double) -> String {
        guard let spots else { return "—" }
        if spots.isUnderwater { return "now: collateral below the minimum" }
        func price(_ value: Double) -> String { NumberFormat.fixed(value, decimals: value >= 1000 ? 0 : 2) }
        let now = "(now \(price(spot)))"
        switch (spots.below, spots.above) {
        case let (low?, high?): return "spot ≤ \(price(low)) or ≥ \(price(high)) \(now)"
        case let (low?, nil): return "spot ≤ \(price(low)) \(now)"
        case let (nil, high?): return "spot ≥ \(price(high)) \(now)"
        case (nil, nil): return "none within 1/10,000–1,000 × spot"
        }
    }
}

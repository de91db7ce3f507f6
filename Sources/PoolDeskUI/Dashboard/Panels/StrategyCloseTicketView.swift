import PoolEngine

/// The strategy close ticket (`c` on a strategy row or one of its legs): each leg's close price and IV move (or the
/// refusing leg, named, with its reason in full), the net premium paid or received and fees, the worst net accepted,
/// the collateral released, the balance after and the P&L the close realizes — from the engine's own close run on a
/// copy (``Engine/previewStrategyClose(account:strategy:leg:)``), redrawn as the market moves.
enum StrategyCloseTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.strategyCloseTicket, let held = engine.strategy(ticket.strategy) else { return }
        let theme = context.theme
        let preview = engine.previewStrategyClose(account: state.deskAccount, strategy: ticket.strategy, leg: ticket.leg)
        let legName = ticket.leg.flatMap { engine.isKnownSeries($0) ? engine.series[$0.index].name : nil }
        let title = legName.map { "Close leg \($0) · \(held.name) \(held.id)" } ?? "Close \(held.name) \(held.id)"

        let width = min(grid.width - 2, 96)
        var lines = TicketLines(labelWidth: 16, width: width - 4)
        lines.addWide("   " + TextLayout.fit("Series", width: 26) + TextLayout.fit("Qty", width: 9, alignment: .right)
                      + TextLayout.fit("Price each", width: 12, alignment: .right) + "  IV before → after", .header)
        for leg in preview.legs {
            let name = engine.isKnownSeries(leg.series) ? engine.series[leg.series.index].name : "\(leg.series)"
            let sign = leg.side == .buy ? "+" : "−"
            var text = " \(sign) " + TextLayout.fit(name, width: 26)
                + TextLayout.fit(sign + NumberFormat.fixed(leg.quantity.doubleValue, decimals: 2), width: 9, alignment: .right)
            let role: ThemeRole
            if let fill = leg.fill {
                text += TextLayout.fit(NumberFormat.fixed(fill.pricePerContract), width: 12, alignment: .right)
                    + "  \(NumberFormat.percent(fill.volatilityBefore)) → \(NumberFormat.percent(fill.volatilityAfter))"
                role = leg.side == .buy ? .bid : .ask
            } else if leg.rejection != nil {
                text += "  ✗ refused (the reason is below)"
                role = .danger
            } else {
                text += TextLayout.fit("—", width: 12, alignment: .right) + "  not priced (an earlier leg refused)"
                role = .muted
            }
            lines.addWide(text, role)
        }
        let refused = preview.rejection != nil
        let flow = preview.netCashFlow
        if refused {
            lines.add("Net premium", "— (the close would be refused)", .muted)
        } else {
            let kind = flow.micros > 0 ? "debit: you pay" : "credit: you receive"
            lines.add("Net premium", "\(NumberFormat.money(micros: abs(flow.micros))) \(kind)  (legs \(NumberFormat.signedMoney(micros: preview.netPremium.micros)), fees \(NumberFormat.money(micros: preview.fees.micros)))",
                      flow.micros > 0 ? .bid : .ask)
            // The limit Enter sends: the same figure the reducer computes from a fresh preview.
            switch DashboardReducer.strategyCloseCommand(ticket, preview: preview, state: state) {
            case .closeStrategy(_, _, let limit?):
                lines.add("Worst accepted", "\(NumberFormat.signedMoney(micros: limit.micros))  (+ pay at most, − receive at least; slippage \(NumberFormat.percent(state.slippage)))", .muted)
            case .closeStrategyLeg(_, _, _, _, let limit?):
                let side = preview.legs.first?.side == .buy ? "pay at most" : "receive at least"
                lines.add("Worst accepted", "\(NumberFormat.money(micros: limit.micros))  (\(side); slippage \(NumberFormat.percent(state.slippage)))", .muted)
            default: break
            }
        }
        let released = preview.collateralReleased
        let collateralText: String
        if preview.collateralBefore.isZero && preview.collateralAfter.isZero {
            collateralText = "none held (the legs can owe nothing at expiry)"
        } else if refused {
            collateralText = "\(NumberFormat.money(micros: preview.collateralBefore.micros)) held, unchanged"
        } else if released.isNegative {
            collateralText = "\(NumberFormat.money(micros: -released.micros)) more posted  (held \(NumberFormat.money(micros: preview.collateralBefore.micros)) → \(NumberFormat.money(micros: preview.collateralAfter.micros)): the legs left need it alone)"
        } else {
            collateralText = "\(NumberFormat.money(micros: released.micros)) released  (held \(NumberFormat.money(micros: preview.collateralBefore.micros)) → \(NumberFormat.money(micros: preview.collateralAfter.micros)))"
        }
        lines.add("Collateral", collateralText, released.isNegative ? .warning : .text)
        lines.add("Balance after", "\(NumberFormat.money(micros: preview.balanceAfter.micros))  (now \(NumberFormat.money(micros: preview.balanceBefore.micros)))")
        if !refused {
            lines.add("Realized P&L", NumberFormat.signedMoney(micros: preview.realizedPnL.micros),
                      preview.realizedPnL.isNegative ? .down : preview.realizedPnL.isZero ? .text : .up)
        }
        if ticket.leg != nil, !refused {
            let left = held.legs.count - 1
            lines.add("Left open", left > 0 ? "\(Plural.count(left, "leg")) of \(held.id), holding \(NumberFormat.money(micros: preview.collateralAfter.micros)) collateral" : "nothing: the strategy closes")
        }

        let innerWidth = width - 2
        let refusal = preview.rejection.map { TicketLines.refusal($0.message, width: innerWidth - 2, maximumLines: max(1, grid.height - 6)) } ?? []
        let bottomRows = max(1, refusal.count)
        let height = min(grid.height - 2, lines.rows.count + 1 + bottomRows + 2)
        let modal = Modal(title: title, info: "close", width: width, height: height)
        let inner = modal.draw(in: &grid, theme: theme, glyphs: context.glyphs)
        guard inner.height > 2, inner.width > 20 else { return }
        let background = theme.fillStyle(.modalBackground).background
        func style(_ role: ThemeRole) -> CellStyle { theme.style(role).onBackground(background, theme: theme) }
        let bottom = inner.maxY - min(bottomRows, inner.height)
        _ = lines.draw(in: &grid, x: inner.x + 1, y: inner.y, limit: bottom, style: style)
        if refusal.isEmpty {
            grid.drawText("Enter close   Esc keep it", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2,
                          alignment: .center, style: style(.keyHint))
        } else {
            for (offset, text) in refusal.enumerated() where bottom + offset < inner.maxY {
                grid.drawText(text, x: inner.x + 1, y: bottom + offset, width: inner.width - 2, style: style(.danger).adding(.bold))
            }
        }
    }
}

import PoolEngine

/// The strategy ticket: legs with their prices and IV moves, net premium and fees, the account's Greeks before → after,
/// collateral, maximum profit and loss, break-evens, probability of profit and the payoff chart; all from a preview on
/// a copy of the engine (``Engine/previewStrategy(_:)``), redrawn as the size or side changes.
enum StrategyTicketView {
    static func draw(_ grid: inout CellGrid, state: DashboardState, engine: Engine, context: RenderContext) {
        guard let ticket = state.strategyTicket, let first = ticket.legs.first, ticket.legs.allSatisfy({ engine.isKnownSeries($0.series) }) else { return }
        let theme = context.theme
        let market = engine.markets[engine.series[first.series.index].market.index]
        let verb = ticket.side == .buy ? "Buy" : "Sell"
        let modal = Modal(title: "\(verb) \(ticket.name) · \(market.symbol)", info: "Tab: buy/sell",
                          width: min(grid.width - 2, 104), height: min(grid.height - 2, 44))
        let inner = modal.draw(in: &grid, theme: theme, glyphs: context.glyphs)
        guard inner.height > 6, inner.width > 40 else { return }
        let background = theme.fillStyle(.modalBackground).background
        func style(_ role: ThemeRole) -> CellStyle { theme.style(role).onBackground(background, theme: theme) }
        let width = inner.width - 2
        var lines = TicketLines(labelWidth: 16, width: width)
        let cursor = context.glyphs.supportsBraille ? "▏" : "_"
        let sideRole: ThemeRole = ticket.side == .buy ? .bid : .ask
        lines.add("Side · size", "\(ticket.side == .buy ? "BUY " : "SELL")  \(ticket.size.text)\(cursor) per leg ratio  (+/- step, digits type)", sideRole)
        guard let order = ticket.order(account: state.deskAccount) else {
            if case .failure(let error) = ticket.parsedSize {
                lines.add("", ticket.size.text.isEmpty ? "type a size (digits and .), +/- to step" : "\(error)", .warning)
            }
            _ = lines.draw(in: &grid, x: inner.x + 1, y: inner.y, limit: inner.maxY - 1, style: style)
            return
        }
        let preview = engine.previewStrategy(order)
        // The refusal takes the ticket's last rows, whole (wrapped), before anything else is laid out.
        let refusal = preview.rejection.map { TicketLines.refusal($0.message, width: width, maximumLines: inner.height - 2) } ?? []
        let bottom = inner.maxY - max(1, refusal.count)

        // Legs: side, contracts, series, price each (fee excluded), IV before → after; a refusing leg points at the
        // reason below (which names it), so no reason is cut at the border.
        lines.addWide("   " + TextLayout.fit("Series", width: 26) + TextLayout.fit("Qty", width: 9, alignment: .right)
                      + TextLayout.fit("Price each", width: 12, alignment: .right) + "  IV before → after", .header)
        for leg in preview.legs {
            let option = engine.series[leg.leg.series.index]
            let sign = leg.leg.side == .buy ? "+" : "−"
            var text = " \(sign) " + TextLayout.fit(option.name, width: 26)
                + TextLayout.fit(sign + NumberFormat.fixed(leg.quantity.doubleValue, decimals: 2), width: 9, alignment: .right)
            let role: ThemeRole
            if let fill = leg.fill {
                text += TextLayout.fit(NumberFormat.fixed(fill.pricePerContract), width: 12, alignment: .right)
                    + "  \(NumberFormat.percent(fill.volatilityBefore)) → \(NumberFormat.percent(fill.volatilityAfter))"
                role = leg.leg.side == .buy ? .bid : .ask
            } else if leg.rejection != nil {
                text += "  ✗ refused (the reason is below)"
                role = .danger
            } else {
                text += TextLayout.fit("—", width: 12, alignment: .right) + "  not priced (an earlier leg refused)"
                role = .muted
            }
            lines.addWide(text, role)
        }

        // Money: net premium (+ debit / − credit), fees, the worst accepted with the slippage, collateral.
        let legs = StrategyAnalytics.modelLegs(order.legs, size: order.size, engine: engine)
        let payoffLegs = legs.map(\.payoff)
        let filled = preview.rejection == nil
        let net = filled ? preview.netCashFlow.doubleValue : StrategyAnalytics.modelValue(legs, spot: market.spot, at: engine.time, rate: engine.configuration.rate)
        if filled {
            let flow = preview.netCashFlow
            let kind = flow.micros >= 0 ? "debit: you pay" : "credit: you receive"
            lines.add("Net premium", "\(NumberFormat.money(micros: abs(flow.micros))) \(kind)  (legs \(NumberFormat.signedMoney(micros: preview.netPremium.micros)), fees \(NumberFormat.money(micros: preview.fees.micros)))",
                      flow.micros >= 0 ? .bid : .ask)
            let limit = DashboardReducer.strategyLimit(previewed: flow, tolerance: state.slippage)
            lines.add("Worst accepted", "\(NumberFormat.signedMoney(micros: limit.micros))  (+ pay at most, − receive at least; slippage \(NumberFormat.percent(state.slippage)))", .muted)
        } else {
            lines.add("Net premium", "≈ \(NumberFormat.signed(net)) at model prices, no fees (the order would be refused)", .muted)
        }
        // Each Greek named once: the label says whose, the value which.
        let before = preview.accountGreeksBefore, after = preview.accountGreeksAfter
        func move(_ a: Double, _ b: Double) -> String { "\(NumberFormat.compact(a)) → \(NumberFormat.compact(b))" }
        lines.add("Your Greeks", "Δ$ \(move(before.delta, after.delta))   Γ$ \(move(before.gamma, after.gamma))")
        lines.add("", "ν \(move(before.vega, after.vega))   Θ \(move(before.theta, after.theta))")
        lines.add("Collateral", "\(NumberFormat.money(micros: preview.collateral.micros)) posted   balance after \(NumberFormat.money(micros: preview.balanceAfter.micros))   pool util → \(NumberFormat.percent(preview.utilizationAfter))")

        // Payoff figures at the first expiry.
        var profile = StrategyPayoff.profile(payoffLegs, netPremium: net)
        let volatility = StrategyAnalytics.tradedVolatility(legs)
        let expiry = StrategyAnalytics.firstExpiry(payoffLegs) ?? engine.time
        let years = max(0, engine.time.years(until: expiry))
        let multiExpiry = Set(payoffLegs.map(\.expiry)).count > 1
        var probability = StrategyAnalytics.probabilityOfProfit(payoffLegs, netPremium: net, spot: market.spot, volatility: volatility,
                                                                 years: years, rate: engine.configuration.rate)
        if multiExpiry {
            // A calendar is read with its later legs at model value at the first expiry; its maximum loss stays the
            // bound with them at intrinsic (the debit), which no vol can break.
            let model = StrategyAnalytics.multiExpiryProfile(legs, netPremium: net, spot: market.spot, volatility: volatility,
                                                             now: engine.time, rate: engine.configuration.rate)
            profile.breakEvens = model.breakEvens
            profile.maximumProfit = model.maximumProfit
            probability = model.probability
        }
        func bound(_ value: Double?, _ sign: String) -> String { value.map { sign + NumberFormat.fixed($0) } ?? "unlimited" }
        // A calendar's maximum profit depends on the later legs' vol at the first expiry: say it is the model's.
        lines.add("Max profit/loss", "\(multiExpiry ? "≈" : "")\(bound(profile.maximumProfit, "+"))  /  \(bound(profile.maximumLoss, "−"))"
                  + (multiExpiry ? "  (profit at today's vols)" : ""),
                  profile.maximumLoss == nil ? .warning : .text)
        let breakEvens = profile.breakEvens.map { NumberFormat.fixed($0, decimals: $0 >= 1000 ? 0 : 2) }.joined(separator: ", ")
        lines.add("Break-even", breakEvens.isEmpty ? "none" : breakEvens)
        let horizon = NumberFormat.duration(seconds: years * 365 * 86_400, units: 2)
        lines.add("P(profit)", "\(NumberFormat.percent(probability)) at \(multiExpiry ? "the first " : "")expiry (in \(horizon)), lognormal at σ")
        // σ is read before this order: the order's own IV impact (the legs' "after" above) is not in it.
        lines.add("  σ", "\(NumberFormat.percent(volatility)): the legs' traded vol before this order's impact, averaged by contracts")

        let y = lines.draw(in: &grid, x: inner.x + 1, y: inner.y, limit: bottom, style: style)

        // The payoff chart in what is left, above the last rows.
        let chartRect = Rect(x: inner.x + 1, y: y, width: width, height: bottom - y)
        if chartRect.height >= 6 {
            let range = StrategyAnalytics.chartRange(payoffLegs, breakEvens: profile.breakEvens, spot: market.spot, volatility: volatility, years: years)
            let curve = StrategyAnalytics.curve(legs, netPremium: net, range: range, count: PayoffChart.samples(forWidth: chartRect.width, glyphs: context.glyphs),
                                                now: engine.time, rate: engine.configuration.rate)
            let extremes = StrategyAnalytics.extremes(legs, netPremium: net, curve: curve, now: engine.time, rate: engine.configuration.rate)
            grid.drawText("Payoff  \(context.glyphs.supportsBraille ? "⣿" : "*") at expiry  \(context.glyphs.supportsBraille ? "⠒" : ".") today (model)  │ spot  B break-even",
                          x: chartRect.x, y: chartRect.y, width: chartRect.width, style: style(.muted))
            PayoffChart(spots: curve.spots, atExpiry: curve.atExpiry, today: curve.today, spot: market.spot, breakEvens: profile.breakEvens,
                        valueRange: extremes)
                .draw(in: &grid, rect: Rect(x: chartRect.x, y: chartRect.y + 1, width: chartRect.width, height: chartRect.height - 1),
                      theme: theme, glyphs: context.glyphs)
        }

        // Last rows: the refusal (leg and reason, whole) or the keys.
        if refusal.isEmpty {
            grid.drawText("Enter confirm   Esc cancel   Tab buy/sell   +/- size", x: inner.x + 1, y: inner.maxY - 1, width: width,
                          alignment: .center, style: style(.keyHint))
        } else {
            for (offset, text) in refusal.enumerated() {
                grid.drawText(text, x: inner.x + 1, y: bottom + offset, width: width, style: style(.danger).adding(.bold))
            }
        }
    }
}

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
        var y = inner.y
        let labelWidth = 16
        func line(_ label: String, _ value: String, _ role: ThemeRole = .text) {
            guard y < inner.maxY - 1 else { return }
            grid.drawText(label, x: inner.x + 1, y: y, width: labelWidth, style: style(.muted))
            grid.drawText(value, x: inner.x + 1 + labelWidth, y: y, width: inner.width - labelWidth - 2, style: style(role))
            y += 1
        }
        let cursor = context.glyphs.supportsBraille ? "▏" : "_"
        let sideRole: ThemeRole = ticket.side == .buy ? .bid : .ask
        line("Side · size", "\(ticket.side == .buy ? "BUY " : "SELL")  \(ticket.size.text)\(cursor) per leg ratio  (+/- step, digits type)", sideRole)
        guard let order = ticket.order(account: state.deskAccount) else {
            if case .failure(let error) = ticket.parsedSize {
                line("", ticket.size.text.isEmpty ? "type a size (digits and .), +/- to step" : "\(error)", .warning)
            }
            return
        }
        let preview = engine.previewStrategy(order)

        // Legs: side, contracts, series, price each (fee excluded), IV before → after, or the leg's refusal.
        let header = "   " + TextLayout.fit("Series", width: 26) + TextLayout.fit("Qty", width: 9, alignment: .right)
            + TextLayout.fit("Price each", width: 12, alignment: .right) + "  IV before → after"
        if y < inner.maxY - 1 { grid.drawText(header, x: inner.x + 1, y: y, width: inner.width - 2, style: style(.header)); y += 1 }
        for leg in preview.legs {
            guard y < inner.maxY - 1 else { break }
            let option = engine.series[leg.leg.series.index]
            let sign = leg.leg.side == .buy ? "+" : "−"
            var text = " \(sign) " + TextLayout.fit(option.name, width: 26)
                + TextLayout.fit(sign + NumberFormat.fixed(leg.quantity.doubleValue, decimals: 2), width: 9, alignment: .right)
            let role: ThemeRole
            if let fill = leg.fill {
                text += TextLayout.fit(NumberFormat.fixed(fill.pricePerContract), width: 12, alignment: .right)
                    + "  \(NumberFormat.percent(fill.volatilityBefore)) → \(NumberFormat.percent(fill.volatilityAfter))"
                role = leg.leg.side == .buy ? .bid : .ask
            } else if let rejection = leg.rejection {
                text += "  ✗ \(rejection.message)"
                role = .danger
            } else {
                text += TextLayout.fit("—", width: 12, alignment: .right) + "  not priced (an earlier leg refused)"
                role = .muted
            }
            grid.drawText(text, x: inner.x + 1, y: y, width: inner.width - 2, style: style(role))
            y += 1
        }

        // Money: net premium (+ debit / − credit), fees, the worst accepted with the slippage, collateral.
        let legs = StrategyAnalytics.modelLegs(order.legs, size: order.size, engine: engine)
        let payoffLegs = legs.map(\.payoff)
        let filled = preview.rejection == nil
        let net = filled ? preview.netCashFlow.doubleValue : StrategyAnalytics.modelValue(legs, spot: market.spot, at: engine.time, rate: engine.configuration.rate)
        if filled {
            let flow = preview.netCashFlow
            let kind = flow.micros >= 0 ? "debit: you pay" : "credit: you receive"
            line("Net premium", "\(NumberFormat.money(micros: abs(flow.micros))) \(kind)  (premium \(NumberFormat.signedMoney(micros: preview.netPremium.micros)), fees \(NumberFormat.money(micros: preview.fees.micros)))",
                 flow.micros >= 0 ? .bid : .ask)
            let limit = DashboardReducer.strategyLimit(previewed: flow, tolerance: state.slippage)
            line("Worst accepted", "\(NumberFormat.signedMoney(micros: limit.micros))  (+ pay at most, − receive at least; slippage \(NumberFormat.percent(state.slippage)))", .muted)
        } else {
            line("Net premium", "≈ \(NumberFormat.signed(net)) at model prices, no fees (the order would be refused)", .muted)
        }
        let before = preview.accountGreeksBefore, after = preview.accountGreeksAfter
        func move(_ a: Double, _ b: Double) -> String { "\(NumberFormat.compact(a)) → \(NumberFormat.compact(b))" }
        line("Your Δ$ · Γ$", "\(move(before.delta, after.delta))   Γ$ \(move(before.gamma, after.gamma))")
        line("Your ν · Θ", "\(move(before.vega, after.vega))   Θ \(move(before.theta, after.theta))")
        line("Collateral", "\(NumberFormat.money(micros: preview.collateral.micros)) posted   balance after \(NumberFormat.money(micros: preview.balanceAfter.micros))   pool util → \(NumberFormat.percent(preview.utilizationAfter))")

        // Payoff figures at the first expiry.
        var profile = StrategyPayoff.profile(payoffLegs, netPremium: net)
        let volatility = StrategyAnalytics.tradedVolatility(legs)
        let expiry = StrategyAnalytics.firstExpiry(payoffLegs) ?? engine.time
        let years = max(0, engine.time.years(until: expiry))
        var probability = StrategyAnalytics.probabilityOfProfit(payoffLegs, netPremium: net, spot: market.spot, volatility: volatility,
                                                                 years: years, rate: engine.configuration.rate)
        if Set(payoffLegs.map(\.expiry)).count > 1 {
            // A calendar is read with its later legs at model value at the first expiry; its maximum loss stays the
            // bound with them at intrinsic (the debit), which no vol can break.
            let model = StrategyAnalytics.multiExpiryProfile(legs, netPremium: net, spot: market.spot, volatility: volatility,
                                                             now: engine.time, rate: engine.configuration.rate)
            profile.breakEvens = model.breakEvens
            profile.maximumProfit = model.maximumProfit
            probability = model.probability
        }
        func bound(_ value: Double?, _ sign: String) -> String { value.map { sign + NumberFormat.fixed($0) } ?? "unlimited" }
        line("Max profit/loss", "\(bound(profile.maximumProfit, "+"))  /  \(bound(profile.maximumLoss, "−"))",
             profile.maximumLoss == nil ? .warning : .text)
        let breakEvens = profile.breakEvens.map { NumberFormat.fixed($0, decimals: $0 >= 1000 ? 0 : 2) }.joined(separator: ", ")
        line("Break-even", breakEvens.isEmpty ? "none" : breakEvens)
        line("P(profit)", "\(NumberFormat.percent(probability)) at \(Set(payoffLegs.map(\.expiry)).count > 1 ? "the first " : "")expiry  (lognormal, σ \(NumberFormat.percent(volatility)), \(NumberFormat.duration(seconds: years * 365 * 86_400, units: 2)))")

        // The payoff chart in what is left, above the last line.
        let chartRect = Rect(x: inner.x + 1, y: y, width: inner.width - 2, height: inner.maxY - 1 - y)
        if chartRect.height >= 6 {
            let range = StrategyAnalytics.chartRange(payoffLegs, breakEvens: profile.breakEvens, spot: market.spot, volatility: volatility, years: years)
            let curve = StrategyAnalytics.curve(legs, netPremium: net, range: range, count: PayoffChart.samples(forWidth: chartRect.width, glyphs: context.glyphs),
                                                now: engine.time, rate: engine.configuration.rate)
            grid.drawText("Payoff  \(context.glyphs.supportsBraille ? "⣿" : "*") at expiry  \(context.glyphs.supportsBraille ? "⠒" : ".") today (model)  │ spot  B break-even",
                          x: chartRect.x, y: chartRect.y, width: chartRect.width, style: style(.muted))
            PayoffChart(spots: curve.spots, atExpiry: curve.atExpiry, today: curve.today, spot: market.spot, breakEvens: profile.breakEvens)
                .draw(in: &grid, rect: Rect(x: chartRect.x, y: chartRect.y + 1, width: chartRect.width, height: chartRect.height - 1),
                      theme: theme, glyphs: context.glyphs)
        }

        // Last line: the refusal (leg and reason) or the keys.
        if let rejection = preview.rejection {
            grid.drawText("✗ would be rejected: \(rejection.message)", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2,
                          style: style(.danger).adding(.bold))
        } else {
            grid.drawText("Enter confirm   Esc cancel   Tab buy/sell   +/- size", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2,
                          alignment: .center, style: style(.keyHint))
        }
    }
}

import PoolEngine

/// Keys of the risk view.
public enum RiskKeyAction: String, Hashable, Sendable, CaseIterable {
    case toggleScope, nextHorizon, previousHorizon, nextMetric, nextMarket, close
}

extension DashboardReducer {
    // MARK: - Chain leg marks

    /// `x` / `X` on the chain: marks the selected series as a bought / sold leg; the same key again unmarks it, the
    /// other key switches its side.
    static func markLeg(_ state: inout DashboardState, side: Side, engine: Engine) {
        guard state.focus == .chain, let series = state.selectedSeries(in: engine) else {
            state.status = StatusMessage("legs are marked on the chain (Tab to it)", role: .muted)
            return
        }
        let name = engine.series[series.index].name
        if let index = state.markedLegs.firstIndex(where: { $0.series == series }) {
            if state.markedLegs[index].side == side {
                state.markedLegs.remove(at: index)
                state.status = StatusMessage("unmarked \(name) — \(legsText(state.markedLegs.count))", role: .muted)
            } else {
                state.markedLegs[index].side = side
                state.status = StatusMessage("\(side == .buy ? "buy" : "sell") \(name) — \(legsText(state.markedLegs.count))", role: .info)
            }
            return
        }
        if let first = state.markedLegs.first, engine.series[first.series.index].market != engine.series[series.index].market {
            state.status = StatusMessage("legs must be on one market — u clears the marks", role: .warning)
            return
        }
        guard state.markedLegs.count < StrategyTemplate.maximumLegs else {
            state.status = StatusMessage("a strategy has at most \(StrategyTemplate.maximumLegs) legs — Enter opens the ticket, u clears", role: .warning)
            return
        }
        state.markedLegs.append(StrategyLeg(series: series, side: side))
        state.status = StatusMessage("\(side == .buy ? "buy" : "sell") \(name) — \(legsText(state.markedLegs.count))", role: .info)
    }

    static func legsText(_ count: Int) -> String {
        count == 0 ? "no legs marked" : "\(Plural.count(count, "leg")) marked\(count >= 2 ? ", Enter opens the strategy ticket" : "")"
    }

    /// Enter on the main screen: the strategy ticket with the marked legs (named after the template they match).
    static func openStrategyTicket(_ state: inout DashboardState, engine: Engine) {
        // Legs whose series stopped trading since they were marked are dropped, and said so.
        let live = Set(engine.liveBoards.flatMap { engine.boards[$0.index].calls + engine.boards[$0.index].puts })
        let before = state.markedLegs.count
        state.markedLegs.removeAll { !live.contains($0.series) }
        let dropped = before - state.markedLegs.count
        guard state.markedLegs.count >= 2 else {
            let lead = dropped > 0 ? "\(Plural.count(dropped, "marked leg")) expired; " : ""
            state.status = StatusMessage("\(lead)mark two to four legs on the chain first: x buys, X sells the selected series", role: .muted)
            return
        }
        if case .failure(let error) = StrategyTemplate.validate(state.markedLegs, engine: engine) {
            state.status = StatusMessage(error.message, role: .danger)
            return
        }
        let name = StrategyTemplate.recognize(state.markedLegs, engine: engine)?.displayName ?? "custom"
        state.mode = .strategyTicket(StrategyTicketState(legs: state.markedLegs, side: .buy,
                                                         sizeText: defaultQuantityText(state.markedLegs[0].series, engine: engine), name: name))
    }

    // MARK: - Strategy ticket

    static func reduceStrategyTicket(_ state: inout DashboardState, ticket: StrategyTicketState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        var ticket = ticket
        if case .character(let character) = key, character.isNumber || character == "." {
            ticket.size.type(character)
            state.mode = .strategyTicket(ticket)
            return []
        }
        if case .paste(let text) = key {
            if !ticket.size.paste(text) { state.status = StatusMessage("paste ignored — the size takes one number", role: .warning) }
            state.mode = .strategyTicket(ticket)
            return []
        }
        guard let action = KeyMap.ticketAction(for: key), let first = ticket.legs.first, engine.isKnownSeries(first.series) else { return [] }
        let market = engine.marketConfiguration(engine.series[first.series.index].market)
        let step = sizeStep(market)
        switch action {
        case .cancel:
            state.mode = .normal
            state.status = StatusMessage("strategy cancelled", role: .muted)
        case .toggleSide:
            ticket.side = ticket.side.opposite
            state.mode = .strategyTicket(ticket)
        case .switchField:
            state.mode = .strategyTicket(ticket)
        case .increase, .decrease:
            let current = (try? ticket.parsedSize.get()) ?? .zero
            var next = action == .increase ? current + step : current - step
            next = Quantity(micros: (next.micros / step.micros) * step.micros)
            if next.micros < market.minimumOrderSize.micros { next = market.minimumOrderSize }
            ticket.size.set(next.plainText)
            state.mode = .strategyTicket(ticket)
        case .erase:
            ticket.size.erase()
            state.mode = .strategyTicket(ticket)
        case .confirm:
            guard var order = ticket.order(account: state.deskAccount) else {
                if case .failure(let error) = ticket.parsedSize { state.status = StatusMessage("size: \(error)", role: .danger) }
                return []
            }
            let preview = engine.previewStrategy(order)
            // The previewed net (fees in) moved by the slippage tolerance is the worst the order accepts: a price that
            // moved further is refused, never silently paid. A preview that already refuses sends no limit (the
            // engine says why on the status line and in the log).
            if preview.rejection == nil {
                order.limitNetPremium = strategyLimit(previewed: preview.netCashFlow, tolerance: state.slippage)
            }
            state.mode = .normal
            state.markedLegs = []
            return [.engine(.placeStrategy(order))]
        }
        return []
    }

    // MARK: - Closing a strategy

    /// The command that closes every leg of `holding` as one order, limited to the previewed net of the closing legs ±
    /// slippage; the status line asks to confirm it and says what it would cost or pay.
    static func closeStrategyCommand(_ holding: StrategyHolding, state: inout DashboardState, engine: Engine) -> EngineCommand {
        var limit: Money?
        var price = ""
        if let order = closingOrder(holding) {
            let preview = engine.previewStrategy(order)
            if let rejection = preview.rejection {
                price = " — the pool would refuse it now: \(rejection.message)"
            } else {
                limit = strategyLimit(previewed: preview.netCashFlow, tolerance: state.slippage)
                price = " for about " + netText(preview.netCashFlow) + " (fees in)"
            }
        }
        state.status = StatusMessage("close the \(holding.name) \(holding.id) (\(Plural.count(holding.legs.count, "leg")))\(price)? Enter or y closes, any other key keeps it",
                                     role: .warning)
        return .closeStrategy(account: state.deskAccount, strategy: holding.id, limitNetPremium: limit)
    }

    /// The command that closes one leg of a strategy whole, limited to what the same trade previews as a single order
    /// ± slippage (the leg trades at the pool's price for its size, as any order does); the status line asks first.
    static func closeLegCommand(_ view: PositionView, strategy: StrategyID, state: inout DashboardState, engine: Engine) -> EngineCommand {
        let held = Quantity(micros: abs(view.position.quantity.micros))
        let order = Order(account: state.deskAccount, series: view.position.series, side: view.position.isLong ? .sell : .buy, quantity: held)
        let preview = engine.preview(order)
        let limit = preview.fill.map { Order.slippageLimit(previewed: $0.traderCashFlow, side: $0.side, tolerance: state.slippage) }
        var price = ""
        if let fill = preview.fill {
            price = " for about " + netText(fill.side == .buy ? fill.traderCashFlow : -fill.traderCashFlow) + " (fees in)"
        } else if let rejection = preview.rejection {
            price = " — the pool would refuse it now: \(rejection.message)"
        }
        state.status = StatusMessage("close the \(view.series.name) leg of \(strategy) (\(held.plainText))\(price)? Enter or y closes, any other key keeps it",
                                     role: .warning)
        return .closeStrategyLeg(account: state.deskAccount, strategy: strategy, series: view.position.series, quantity: nil, limitPremium: limit)
    }

    /// `paying 1,234.56 net` for a positive (debit) amount, `receiving 1,234.56 net` for a credit.
    static func netText(_ amount: Money) -> String {
        amount.isNegative
            ? "receiving \(NumberFormat.money(micros: -amount.micros)) net"
            : "paying \(NumberFormat.money(micros: amount.micros)) net"
    }

    /// The order that trades `holding`'s legs back (each leg's side opposite its holding; size the legs' greatest
    /// common quantity, ratios the rest), for previewing a close; nil when a ratio would pass the strategy limit.
    public static func closingOrder(_ holding: StrategyHolding) -> StrategyOrder? {
        let sizes = holding.legs.map { abs($0.quantity.micros) }.filter { $0 > 0 }
        guard var unit = sizes.first else { return nil }
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        for size in sizes.dropFirst() { unit = gcd(unit, size) }
        var legs: [StrategyLeg] = []
        for held in holding.legs where held.quantity.micros != 0 {
            let ratio = abs(held.quantity.micros) / unit
            guard ratio <= Int64(StrategyTemplate.maximumRatio) else { return nil }
            legs.append(StrategyLeg(series: held.series, side: held.quantity.micros > 0 ? .sell : .buy, ratio: Int(ratio)))
        }
        return StrategyOrder(account: holding.account, legs: legs, size: Quantity(micros: unit), name: holding.name)
    }

    // MARK: - Risk view

    static func reduceRiskView(_ state: inout DashboardState, view: RiskViewState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        var view = view
        if key == .character("q") {
            state.mode = .normal
            return quit(&state, engine: engine, confirmed: false)
        }
        guard let action = KeyMap.riskAction(for: key) else { return [] }
        let horizons = ScenarioHorizon.allCases
        let index = horizons.firstIndex(of: view.horizon) ?? 0
        switch action {
        case .close:
            state.mode = .normal
            return []
        case .toggleScope: view.scope = view.scope == .account ? .pool : .account
        case .nextHorizon: view.horizon = horizons[(index + 1) % horizons.count]
        case .previousHorizon: view.horizon = horizons[(index + horizons.count - 1) % horizons.count]
        case .nextMarket:
            state.marketIndex = (state.marketIndex + 1) % max(1, engine.markets.count)
            state.chainStrikeIndex = nil
        case .nextMetric:
            let metrics = ExposureMetric.allCases
            view.metric = metrics[((metrics.firstIndex(of: view.metric) ?? 0) + 1) % metrics.count]
        }
        view.refresh(account: state.deskAccount, engine: engine)
        state.mode = .risk(view)
        return []
    }
}

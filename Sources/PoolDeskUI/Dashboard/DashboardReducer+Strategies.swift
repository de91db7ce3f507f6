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

    /// The strategy close ticket: Enter sends the close with the net (or, for one leg, that leg's total) previewed now ±
    /// slippage as its limit; Esc keeps the strategy. No other key does anything (there is no field to edit).
    static func reduceStrategyClose(_ state: inout DashboardState, ticket: StrategyCloseTicketState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        switch KeyMap.ticketAction(for: key) {
        case .cancel:
            state.mode = .normal
            state.status = StatusMessage("close cancelled: the \(ticket.leg == nil ? ticket.name : "leg") stays open", role: .muted)
            return []
        case .confirm:
            state.mode = .normal
            let preview = engine.previewStrategyClose(account: state.deskAccount, strategy: ticket.strategy, leg: ticket.leg)
            return [.engine(strategyCloseCommand(ticket, preview: preview, state: state))]
        default:
            return []
        }
    }

    /// The command the close ticket sends, limited to what `preview` (the engine's preview of this close, made now) says
    /// moved by the slippage tolerance: the whole close's net (fees in), or the one leg's total as a single order's
    /// limit. A close the preview already refuses goes without a limit (the engine says why on the status line and in
    /// the log).
    public static func strategyCloseCommand(_ ticket: StrategyCloseTicketState, preview: StrategyClosePreview, state: DashboardState) -> EngineCommand {
        if let leg = ticket.leg {
            let limit = preview.legs.first?.fill.map { Order.slippageLimit(previewed: $0.traderCashFlow, side: $0.side, tolerance: state.slippage) }
            return .closeStrategyLeg(account: state.deskAccount, strategy: ticket.strategy, series: leg, quantity: nil, limitPremium: limit)
        }
        let limit = preview.rejection == nil ? strategyLimit(previewed: preview.netCashFlow, tolerance: state.slippage) : nil
        return .closeStrategy(account: state.deskAccount, strategy: ticket.strategy, limitNetPremium: limit)
    }

    /// Closes a strategy close ticket whose strategy (or leg) is gone — settled, liquidated, closed from elsewhere —
    /// and says so: Enter must never send a close of something else.
    static func closeVanishedStrategyTicket(_ state: inout DashboardState, engine: Engine) -> StatusMessage? {
        guard let ticket = state.strategyCloseTicket else { return nil }
        let held = engine.strategy(ticket.strategy)
        let legHeld = ticket.leg.map { series in held?.legs.contains { $0.series == series } == true } ?? true
        guard held == nil || !legHeld else { return nil }
        state.mode = .normal
        let what = ticket.leg.flatMap { engine.isKnownSeries($0) ? "the \(engine.series[$0.index].name) leg of \(ticket.strategy)" : nil }
            ?? "\(ticket.name) \(ticket.strategy)"
        return StatusMessage("\(what) is no longer held — close ticket closed, nothing sent", role: .warning)
    }

    /// How a key is named in a status line: `"5"`, `Enter`.
    static func keyName(_ key: KeyPress) -> String {
        switch key {
        case .character(let character): "\"\(character)\""
        case .enter: "Enter"
        case .tab: "Tab"
        case .backspace: "Backspace"
        case .paste: "a paste"
        case .up, .down, .left, .right: "an arrow key"
        default: "a key"
        }
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

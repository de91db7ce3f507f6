import PoolEngine

/// What the shell must do after a key: send engine commands, switch themes, quit.
public enum DashboardEffect: Hashable, Sendable {
    case engine(EngineCommand)
    /// Load and apply a theme by name (the shell reports failure on the status line).
    case applyTheme(String)
    case redraw
    case quit
}

/// Everything that changes the dashboard's state: the user's keys and what the shell observed.
public enum DashboardAction: Hashable, Sendable {
    case key(KeyPress)
    /// Engine events to log (and, for the desk's own orders, to report on the status line).
    case engineEvents([EngineEvent])
    /// Simulated ticks per wall-clock second over the last window.
    case tickRateMeasured(Double)
    /// Whether the engine is behind the requested speed.
    case stalenessChanged(Bool)
    /// A theme the shell loaded and now draws with.
    case themeApplied(String)
    /// A theme that could not be loaded, with the one-line reason: it leaves the theme list, so `t` moves past it
    /// and completion stops offering it.
    case themeFailed(name: String, reason: String)
    /// A message for the status line from the shell (start-up notes, replay progress).
    case notice(StatusMessage)
    /// A replay moved to `time` with the events on the way; `rewound` when it went back (the log restarts there).
    case replaySought(to: SimTime, rewound: Bool, label: String, events: [EngineEvent])
    /// The session must stop (a journal write failed, a termination signal arrived).
    case stop
    /// A network dashboard's link changed (connected, lost, round trip measured).
    case connectionChanged(ConnectionStatus)
    /// A resumed session's saved view (market, positions sort, speed), read by the shell from the UI-state file.
    case restoreView(SavedView)
    /// The shell put a frame of the current state on a `width` × `height` screen: a ticket opened before it is on screen
    /// from now on (unless the screen is too small to draw the dashboard), and takes keys.
    case framePresented(width: Int, height: Int)
}

/// The dashboard's one place of change: actions in, new UI state and effects out.
public enum DashboardReducer {
    /// Handles one action against the current engine (read-only here).
    public static func reduce(_ state: inout DashboardState, action: DashboardAction, engine: Engine) -> [DashboardEffect] {
        var statusIsNews = false
        var deskNews = false
        switch action {
        case .key(let key):
            return reduce(&state, key: key, engine: engine)
        case .framePresented(let width, let height):
            // Nothing else changes: a frame is not news (no chain following, no risk refresh).
            if DashboardLayout(width: width, height: height, chainStrikes: 2 * engine.configuration.strikesPerSide + 1) != nil {
                state.ticketDrawn = true
                state.ticketChangedSinceDrawn = false
            }
            return []
        case .engineEvents(let events):
            let (entries, status) = EventLogFormatter.entries(for: events, engine: engine, desk: state.deskAccount)
            deskNews = entries.contains { $0.isDesk }
            state.appendLog(entries)
            state.appendActivity(ActivityEntry.entries(for: events, engine: engine, desk: state.deskAccount))
            if let status { state.status = status; statusIsNews = true }
        case .tickRateMeasured(let rate):
            state.tickRate = rate
        case .stalenessChanged(let stale):
            state.isStale = stale
        case .themeApplied(let name):
            state.themeName = name
            state.status = StatusMessage("theme \(name)")
        case .themeFailed(let name, let reason):
            let wasCycling = state.availableThemes.contains(name)
            state.availableThemes.removeAll { $0 == name }
            state.status = StatusMessage(wasCycling ? "\(reason) — skipped; t goes on to the next theme" : reason, role: .danger)
        case .notice(let message):
            state.status = message
        case .replaySought(let time, let rewound, let label, let events):
            if rewound { state.log = []; state.activity = []; state.logScroll = 0 }
            state.appendLog(EventLogFormatter.entries(for: events, engine: engine, desk: state.deskAccount).entries)
            state.appendActivity(ActivityEntry.entries(for: events, engine: engine, desk: state.deskAccount))
            state.status = StatusMessage("replay at \(time) (\(label))", role: .info)
            statusIsNews = true
        case .stop:
            state.shouldQuit = true
        case .connectionChanged(let connection):
            let wasLive = state.connection?.isLive ?? true
            state.connection = connection
            state.speed = connection.serverSpeed
            if wasLive && !connection.isLive, let reason = connection.orderRefusal {
                // A ticket open on a dead link would only fail on Enter: close it now and say why.
                if state.ticket != nil || state.liquidityTicket != nil || state.strategyTicket != nil { state.mode = .normal }
                state.status = StatusMessage(reason, role: .danger)
            } else if !wasLive && connection.isLive {
                state.status = StatusMessage("connected to \(connection.server) — in step with the server", role: .info)
            }
        case .restoreView(let saved):
            restore(saved, into: &state, engine: engine)
        }
        // The risk view's numbers follow the engine at its risk-refresh cadence (at once on the desk's own news), never
        // per frame.
        if case .risk(var view) = state.mode {
            view.refresh(account: state.deskAccount, engine: engine, force: deskNews)
            state.mode = .risk(view)
        }
        // The desk's own news (a fill, a settlement) and a replay's position keep the status line; the chain's notice then goes to the log.
        if let notice = followChain(&state, engine: engine) {
            if statusIsNews {
                state.appendLog([LogEntry(time: engine.time, text: notice.text, role: notice.role, isDesk: true)])
            } else {
                state.status = notice
            }
        }
        return []
    }

    /// Handles one key press against the current engine (read-only here).
    public static func reduce(_ state: inout DashboardState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        let modeBefore = state.mode
        let ticketBefore = modeBefore.ticketKind
        let effects = reduceKey(&state, key: key, engine: engine)
        // A ticket that has just opened takes keys only once a frame has shown it (the shell drains keys typed in a
        // burst before drawing again: without this, digits typed ahead would land in a size field not yet on screen).
        if let ticket = state.mode.ticketKind {
            if ticket != ticketBefore {
                state.ticketDrawn = false
            } else if state.mode != modeBefore {
                // An edit (side, size, collateral…) changes what Enter would send: it confirms only once a frame has
                // shown the changed preview, so `Tab Enter` or `3 Enter` typed in one burst cannot trade unseen terms.
                state.ticketChangedSinceDrawn = true
            }
        }
        if let notice = followChain(&state, engine: engine) { state.status = notice }
        return effects
    }

    static func reduceKey(_ state: inout DashboardState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        if key == .resize { return [] }
        if key == .control("c") || key == .control("\\") {
            state.shouldQuit = true
            return [.quit]
        }
        switch state.mode {
        case .help(let scroll):
            // j/k, arrows and page keys scroll (k9s habit); any other key closes; `q` still quits so nobody gets stuck.
            let last = max(0, HelpOverlay.lines(for: state).count - 1)
            switch key {
            case .character("j"), .down: state.mode = .help(scroll: min(scroll + 1, last))
            case .character("k"), .up: state.mode = .help(scroll: max(scroll - 1, 0))
            case .pageDown, .character(" "): state.mode = .help(scroll: min(scroll + 10, last))
            case .pageUp: state.mode = .help(scroll: max(scroll - 10, 0))
            case .character("q"):
                state.mode = .normal
                return quit(&state, engine: engine, confirmed: false)
            default: state.mode = .normal
            }
            return []
        case .confirmQuit:
            state.mode = .normal
            if key == .character("q") || key == .character("y") { return quit(&state, engine: engine, confirmed: true) }
            state.status = StatusMessage("still here", role: .muted)
            return []
        case .logFilter(var line):
            switch key {
            case .enter: state.mode = .normal
            case .escape:
                state.mode = .normal
                state.setShownFilter("")
            case .backspace:
                line.deleteBackward()
                state.mode = .logFilter(line)
            case .character(let character):
                line.insert(String(character))
                state.mode = .logFilter(line)
            case .paste(let text):
                line.insert(String(text.filter { !$0.isNewline }))
                state.mode = .logFilter(line)
            default: break
            }
            if case .logFilter(let current) = state.mode { state.setShownFilter(current.text) }
            state.logScroll = 0
            return []
        case .commandLine(let line): return reduceCommandLine(&state, line: line, key: key, engine: engine)
        case .ticket, .liquidity, .strategyTicket, .strategyClose:
            if !state.ticketDrawn && key != .escape {
                state.status = StatusMessage("\(keyName(key)) ignored: the ticket was not on screen yet — type again now it is", role: .warning)
                return []
            }
            if state.ticketChangedSinceDrawn && key == .enter {
                state.status = StatusMessage("Enter ignored: the ticket changed after it was last drawn — check it and press Enter again", role: .warning)
                return []
            }
        default: break
        }
        switch state.mode {
        case .normal, .help, .confirmQuit, .logFilter, .commandLine: break
        case .ticket(let ticket): return reduceTicket(&state, ticket: ticket, key: key, engine: engine)
        case .liquidity(let ticket): return reduceLiquidityTicket(&state, ticket: ticket, key: key, engine: engine)
        case .strategyTicket(let ticket): return reduceStrategyTicket(&state, ticket: ticket, key: key, engine: engine)
        case .strategyClose(let ticket): return reduceStrategyClose(&state, ticket: ticket, key: key, engine: engine)
        case .risk(let view): return reduceRiskView(&state, view: view, key: key, engine: engine)
        }
        if case .paste = key {
            // Pasted text is never a string of key commands (`b25⏎` must not buy anything).
            state.status = StatusMessage("paste ignored — press : first to paste a command", role: .warning)
            return []
        }
        guard let action = KeyMap.action(for: key) else {
            if case .character(let character) = key, character != " " {
                state.status = StatusMessage("no action on \"\(character)\" — press ? for keys", role: .muted)
            }
            return []
        }
        if state.readOnly && KeyMap.placesOrders(action) {
            state.status = StatusMessage(state.isReplay ? "replay is read-only"
                                         : state.connection != nil ? "monitor: order keys are off (connect with credentials to trade)"
                                         : "read-only mode: order keys are off", role: .warning)
            return []
        }
        if KeyMap.placesOrders(action), let refusal = state.connection?.orderRefusal {
            state.status = StatusMessage(refusal, role: .warning)
            return []
        }
        if let connection = state.connection, [.togglePause, .faster, .slower].contains(action) {
            state.status = StatusMessage("the server runs the clock (×\(speedText(connection.serverSpeed))): pause and speed are the operator's", role: .warning)
            return []
        }
        return perform(action, state: &state, engine: engine)
    }

    static func perform(_ action: KeyAction, state: inout DashboardState, engine: Engine) -> [DashboardEffect] {
        switch action {
        case .moveUp: move(&state, by: -1, engine: engine)
        case .moveDown: move(&state, by: 1, engine: engine)
        case .pageUp: move(&state, by: -8, engine: engine)
        case .pageDown: move(&state, by: 8, engine: engine)
        case .moveLeft: if state.focus == .chain { state.chainKind = .call }
        case .moveRight: if state.focus == .chain { state.chainKind = .put }
        case .nextPanel, .previousPanel:
            let panels = DashboardPanel.allCases
            let index = panels.firstIndex(of: state.focus) ?? 0
            let step = action == .nextPanel ? 1 : panels.count - 1
            state.focus = panels[(index + step) % panels.count]
        case .previousExpiry, .nextExpiry:
            let boards = state.boards(in: engine)
            guard !boards.isEmpty else { break }
            let current = state.currentBoard(in: engine).flatMap { board in boards.firstIndex { $0.id == board.id } } ?? 0
            let next = min(max(current + (action == .nextExpiry ? 1 : -1), 0), boards.count - 1)
            state.selectedBoard[state.marketIndex] = boards[next].id
            state.chainStrikeIndex = nil
        case .nextMarket:
            state.marketIndex = (state.marketIndex + 1) % max(1, engine.markets.count)
            state.chainStrikeIndex = nil
        case .buy, .sell:
            let side: Side = action == .buy ? .buy : .sell
            let series = state.focus == .positions ? state.selectedPosition(in: engine)?.position.series : state.selectedSeries(in: engine)
            guard let series else {
                state.status = StatusMessage("no series selected", role: .warning)
                break
            }
            state.mode = .ticket(TicketState(side: side, series: series, quantityText: defaultQuantityText(series, engine: engine)))
        case .closePosition:
            if state.focus == .positions, let row = state.selectedPositionRow(in: engine) {
                switch row {
                // Like a single position, a strategy (or one leg of it) closes through a ticket: Enter sends, Esc keeps.
                case .strategy(let summary):
                    state.mode = .strategyClose(StrategyCloseTicketState(strategy: summary.holding.id, name: summary.holding.name))
                    return []
                case .leg(let view, let strategy):
                    let name = engine.strategy(strategy)?.name ?? "strategy"
                    state.mode = .strategyClose(StrategyCloseTicketState(strategy: strategy, leg: view.position.series, name: name))
                    return []
                case .single: break
                }
            }
            let position = state.focus == .positions
                ? state.selectedPosition(in: engine)?.position
                : state.selectedSeries(in: engine).flatMap { engine.position(account: state.deskAccount, series: $0) }
            guard let position else {
                state.status = StatusMessage("no position to close here", role: .warning)
                break
            }
            state.mode = .ticket(TicketState(
                side: position.isLong ? .sell : .buy, series: position.series,
                quantityText: Quantity(micros: abs(position.quantity.micros)).plainText, isClose: true))
        case .deposit:
            state.mode = .liquidity(LiquidityTicketState(kind: .deposit, amountText: "10000"))
        case .withdraw:
            let shares = engine.accounts[safe: state.deskAccount.index]?.shares ?? .zero
            guard shares.isPositive else {
                state.status = StatusMessage("no LP shares to withdraw — deposit first with d", role: .warning)
                break
            }
            state.mode = .liquidity(LiquidityTicketState(kind: .withdraw, amountText: shares.plainText))
        case .openCommandLine:
            state.mode = .commandLine(CommandLineState())
        case .togglePause:
            state.paused.toggle()
            state.status = StatusMessage(state.paused ? "paused — space resumes" : "running at ×\(speedText(state.speed))")
        case .faster, .slower:
            state.speed = nextSpeed(from: state.speed, faster: action == .faster)
            state.status = StatusMessage("speed ×\(speedText(state.speed))")
        case .cycleTheme:
            let themes = state.availableThemes
            guard !themes.isEmpty else { break }
            let index = themes.firstIndex(of: state.themeName) ?? -1
            return [.applyTheme(themes[(index + 1) % themes.count])]
        case .cycleSort:
            // Collateral and liquidation mean nothing without a short: skipped while the desk holds none.
            let holdsShort = engine.positions(of: state.deskAccount).contains { $0.isShort }
            let sorts = PositionSort.allCases.filter { holdsShort || !$0.concernsShorts || $0 == state.positionSort }
            state.positionSort = sorts[((sorts.firstIndex(of: state.positionSort) ?? 0) + 1) % sorts.count]
            state.status = StatusMessage("positions sorted by \(state.positionSort.rawValue)")
        case .reverseSort:
            state.positionSortDescending.toggle()
        case .toggleHelp:
            state.mode = .help(scroll: 0)
        case .redraw:
            return [.redraw]
        case .quit:
            return quit(&state, engine: engine, confirmed: false)
        case .filterLog:
            state.focus = .log
            state.mode = .logFilter(CommandLineState(text: state.shownFilter))
        case .toggleActivity:
            state.logView = state.logView == .events ? .activity : .events
            state.focus = .log
            state.logScroll = 0
            state.status = StatusMessage(state.logView == .activity
                ? "my activity: \(Plural.count(state.activity.count, "line")), newest first — / filters, a returns to the events"
                : "events — a shows your own activity", role: .muted)
        case .jumpToNewest:
            state.logScroll = 0
        case .markBuyLeg, .markSellLeg:
            markLeg(&state, side: action == .markBuyLeg ? .buy : .sell, engine: engine)
        case .clearLegs:
            state.markedLegs = []
            state.status = StatusMessage("marked legs cleared", role: .muted)
        case .openStrategy:
            openStrategyTicket(&state, engine: engine)
        case .toggleStrategy:
            guard state.focus == .positions, let row = state.selectedPositionRow(in: engine) else {
                state.status = StatusMessage("e expands a strategy in the positions panel (Tab to it)", role: .muted)
                break
            }
            let id: StrategyID
            switch row {
            case .strategy(let summary): id = summary.holding.id
            case .leg(_, let strategy): id = strategy
            case .single:
                state.status = StatusMessage("not a strategy: e expands the legs of a strategy row", role: .muted)
                return []
            }
            if state.expandedStrategies.contains(id) { state.expandedStrategies.remove(id) } else { state.expandedStrategies.insert(id) }
            // The cursor stays on the strategy's row when its legs fold away under it.
            if let index = state.positionRows(in: engine).firstIndex(where: { if case .strategy(let summary) = $0 { summary.holding.id == id } else { false } }) {
                state.positionCursor = index
            }
        case .riskView:
            var view = RiskViewState()
            // An account with nothing open has no risk to show; the pool's is what an LP looks at then.
            if engine.positions(of: state.deskAccount).isEmpty { view.scope = .pool }
            view.refresh(account: state.deskAccount, engine: engine)
            state.mode = .risk(view)
        }
        return []
    }

    /// Quits, after asking once when the desk holds open positions (they stay open in the session, but a trader
    /// leaving with risk on should mean it). Ctrl-C never asks.
    static func quit(_ state: inout DashboardState, engine: Engine, confirmed: Bool) -> [DashboardEffect] {
        let open = engine.positions(of: state.deskAccount).count
        if !confirmed, open > 0, !state.readOnly {
            state.mode = .confirmQuit
            state.status = StatusMessage("you hold \(Plural.count(open, "open position")) (they stay open in the session) — q again quits, any other key stays",
                                         role: .warning)
            return []
        }
        state.shouldQuit = true
        return [.quit]
    }

    static func move(_ state: inout DashboardState, by delta: Int, engine: Engine) {
        switch state.focus {
        case .chain:
            guard let board = state.currentBoard(in: engine), let index = state.cursorStrikeIndex(in: engine) else { return }
            state.chainStrikeIndex = min(max(index + delta, 0), board.strikes.count - 1)
        case .positions:
            let count = state.positionRows(in: engine).count
            state.positionCursor = min(max(state.positionCursor + delta, 0), max(0, count - 1))
        case .log:
            // The event log has its newest line at the bottom, the blotter at the top: ↓ moves toward the bottom in both.
            let step = state.logView == .events ? -delta : delta
            state.logScroll = min(max(state.logScroll + step, 0), max(0, state.shownListCount - 1))
        }
    }

    /// One step up or down the speed ladder.
    public static func nextSpeed(from speed: Double, faster: Bool) -> Double {
        let steps = DashboardState.speedSteps
        if faster { return steps.first { $0 > speed } ?? steps[steps.count - 1] }
        return steps.last { $0 < speed } ?? steps[0]
    }

    static func defaultQuantityText(_ series: SeriesID, engine: Engine) -> String {
        let market = engine.series[series.index].market
        return sizeStep(engine.marketConfiguration(market)).plainText
    }

    /// The `+`/`-` step of the ticket: ten minimum order sizes (0.1 BTC, 1 ETH by default).
    static func sizeStep(_ market: MarketConfiguration) -> Quantity {
        Quantity(micros: market.minimumOrderSize.micros * 10)
    }

    // MARK: - Order ticket

    /// Contracts of `quantity` that a sell by the desk would open short (what it does not close of a long).
    static func openingShort(_ ticket: TicketState, quantity: Quantity, state: DashboardState, engine: Engine) -> Quantity {
        guard ticket.side == .sell, !ticket.isClose else { return .zero }
        let held = engine.position(account: state.deskAccount, series: ticket.series)
        let long = held.map { $0.isLong ? $0.quantity.micros : 0 } ?? 0
        return Quantity(micros: max(0, quantity.micros - long))
    }

    static func reduceTicket(_ state: inout DashboardState, ticket: TicketState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        var ticket = ticket
        let editsCollateral = ticket.field == .collateral && ticket.collateral != nil
        if case .character(let character) = key, character.isNumber || character == "." {
            if editsCollateral { ticket.collateral?.type(character) } else { ticket.size.type(character) }
            state.mode = .ticket(ticket)
            return []
        }
        if case .paste(let text) = key {
            let taken = editsCollateral ? ticket.collateral?.paste(text) ?? false : ticket.size.paste(text)
            if !taken {
                state.status = StatusMessage("paste ignored — the \(editsCollateral ? "collateral" : "size") takes one number", role: .warning)
            }
            state.mode = .ticket(ticket)
            return []
        }
        guard let action = KeyMap.ticketAction(for: key) else { return [] }
        let market = engine.marketConfiguration(engine.series[ticket.series.index].market)
        let step = sizeStep(market)
        switch action {
        case .cancel:
            state.mode = .normal
            state.status = StatusMessage("order cancelled", role: .muted)
        case .toggleSide:
            if !ticket.isClose { ticket.side = ticket.side.opposite }
            if ticket.side == .buy { ticket.field = .size }
            state.mode = .ticket(ticket)
        case .switchField:
            let opening = ticket.quantity.map { openingShort(ticket, quantity: $0, state: state, engine: engine) } ?? .zero
            if ticket.field == .collateral {
                ticket.field = .size
            } else if opening.isPositive {
                // Starts from what the engine would lock by default (the full collateral), for the user to lower.
                if ticket.collateral == nil {
                    ticket.collateral = NumericEntry(prefilled: engine.fullShortCollateral(ticket.series, quantity: opening).plainText)
                }
                ticket.field = .collateral
            } else {
                state.status = StatusMessage("collateral is chosen on a sell that opens a short", role: .muted)
            }
            state.mode = .ticket(ticket)
        case .increase where editsCollateral, .decrease where editsCollateral:
            // Steps of 5% of the full collateral (whole USD), kept between the engine's minimum and the full amount.
            guard let quantity = ticket.quantity, case let opening = openingShort(ticket, quantity: quantity, state: state, engine: engine),
                  opening.isPositive else { break }
            let full = engine.fullShortCollateral(ticket.series, quantity: opening)
            let minimum = engine.minimumShortCollateral(ticket.series, quantity: opening)
            let unit = Money(1).micros
            let collateralStep = max(unit, full.micros / 20 / unit * unit)
            let current = (try? ticket.parsedCollateral?.get()) ?? full
            var next = Money(micros: action == .increase ? current.micros + collateralStep : current.micros - collateralStep)
            next = min(max(next, minimum), full)
            ticket.collateral?.set(next.plainText)
            state.mode = .ticket(ticket)
        case .increase, .decrease:
            let current = ticket.quantity ?? .zero
            var next = action == .increase ? current + step : current - step
            // Snap to the step grid so sizes stay round.
            next = Quantity(micros: (next.micros / step.micros) * step.micros)
            if next.micros < market.minimumOrderSize.micros { next = market.minimumOrderSize }
            if ticket.isClose, let held = engine.position(account: state.deskAccount, series: ticket.series) {
                next = min(next, Quantity(micros: abs(held.quantity.micros)))
            }
            ticket.size.set(next.plainText)
            state.mode = .ticket(ticket)
        case .erase:
            if editsCollateral { ticket.collateral?.erase() } else { ticket.size.erase() }
            state.mode = .ticket(ticket)
        case .confirm:
            let quantity: Quantity
            switch ticket.parsedQuantity {
            case .success(let value): quantity = value
            case .failure(let error):
                state.status = StatusMessage("size: \(error)", role: .danger)
                return []
            }
            let order: Order
            switch ticketOrder(ticket, quantity: quantity, state: state, engine: engine) {
            case .success(let value): order = value
            case .failure(let error):
                state.status = StatusMessage("collateral: \(error)", role: .danger)
                return []
            }
            state.mode = .normal
            // The order carries the total just previewed, moved by the slippage tolerance, as its worst
            // acceptable premium: a price that moved more than that is refused, never silently paid.
            let preview = ticket.isClose
                ? engine.previewClose(account: state.deskAccount, series: ticket.series, quantity: quantity)
                : engine.preview(order)
            let limit = preview.fill.map { Order.slippageLimit(previewed: $0.traderCashFlow, side: $0.side, tolerance: state.slippage) }
            if ticket.isClose {
                return [.engine(.closePosition(account: state.deskAccount, series: ticket.series, quantity: quantity, limitPremium: limit))]
            }
            var limited = order
            limited.limitPremium = limit
            return [.engine(.placeOrder(limited))]
        }
        return []
    }

    /// The order a (non-close) ticket places for `quantity`: with the typed collateral when it opens a short and the
    /// user chose one, else the engine's default; the typed collateral's parse error when it is not an amount.
    public static func ticketOrder(_ ticket: TicketState, quantity: Quantity, state: DashboardState, engine: Engine) -> Result<Order, AmountParseError> {
        var order = Order(account: state.deskAccount, series: ticket.series, side: ticket.side, quantity: quantity)
        if openingShort(ticket, quantity: quantity, state: state, engine: engine).isPositive, let parsed = ticket.parsedCollateral {
            switch parsed {
            case .success(let collateral): order.collateral = collateral
            case .failure(let error): return .failure(error)
            }
        }
        return .success(order)
    }

    // MARK: - LP prompt

    static func reduceLiquidityTicket(_ state: inout DashboardState, ticket: LiquidityTicketState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        var ticket = ticket
        if case .character(let character) = key, character.isNumber || character == "." {
            ticket.amount.type(character)
            state.mode = .liquidity(ticket)
            return []
        }
        if case .paste(let text) = key {
            if !ticket.amount.paste(text) { state.status = StatusMessage("paste ignored — the amount takes one number", role: .warning) }
            state.mode = .liquidity(ticket)
            return []
        }
        switch KeyMap.ticketAction(for: key) {
        case .cancel:
            state.mode = .normal
        case .erase:
            ticket.amount.erase()
            state.mode = .liquidity(ticket)
        case .confirm:
            let text = ticket.amountText, desk = state.deskAccount
            let command: Result<EngineCommand, AmountParseError> = ticket.kind == .deposit
                ? positive(Money.parse(text), text).map { .deposit(account: desk, amount: $0) }
                : positive(Shares.parse(text), text).map { .withdraw(account: desk, shares: $0) }
            switch command {
            case .success(let command):
                state.mode = .normal
                return [.engine(command)]
            case .failure(let error):
                state.status = StatusMessage("\(ticket.kind == .deposit ? "deposit" : "withdraw"): \(error)", role: .danger)
            }
        default:
            break
        }
        return []
    }

    /// A parsed amount that must also be above zero.
    static func positive<T: FixedPointAmount>(_ parsed: Result<T, AmountParseError>, _ text: String) -> Result<T, AmountParseError> {
        if case .success(let value) = parsed, !value.isPositive { return .failure(.notPositive(text)) }
        return parsed
    }

    // MARK: - Command line

    static func reduceCommandLine(_ state: inout DashboardState, line: CommandLineState, key: KeyPress, engine: Engine) -> [DashboardEffect] {
        var line = line
        switch key {
        case .escape:
            state.mode = .normal
            return []
        case .character(let character):
            line.insert(String(character))
            line.candidates = []
            line.historyIndex = nil
        case .paste(let text):
            // A paste is text for the line: its newlines and other controls become spaces, so it never submits.
            line.insert(String(text.map { $0.isNewline || $0 == "\t" || ($0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false) ? " " : $0 }))
            line.candidates = []
            line.historyIndex = nil
        case .backspace:
            if line.text.isEmpty { state.mode = .normal; return [] }
            line.deleteBackward()
            line.candidates = []
        case .delete, .control("d"):
            line.deleteForward()
        case .left, .control("b"): line.moveCursor(to: line.cursor - 1)
        case .right, .control("f"): line.moveCursor(to: line.cursor + 1)
        case .home, .control("a"): line.moveCursor(to: 0)
        case .end, .control("e"): line.moveCursor(to: line.text.count)
        case .control("u"):
            line.deleteToStart()
        case .control("w"):
            line.deleteWordBackward()
        case .tab:
            let completion = CommandLineParser.complete(line.text, engine: engine, themes: state.availableThemes, account: state.deskAccount)
            line.text = completion.text
            line.candidates = completion.candidates
        case .up, .down:
            let history = state.commandHistory
            guard !history.isEmpty else { break }
            var index = line.historyIndex ?? history.count
            index += key == .up ? -1 : 1
            if index >= history.count {
                line.historyIndex = nil
                line.text = ""
            } else {
                index = max(0, index)
                line.historyIndex = index
                line.text = history[index]
            }
        case .enter:
            state.mode = .normal
            let text = line.text.trimmingWhitespace()
            guard !text.isEmpty else { return [] }
            if state.commandHistory.last != text { state.commandHistory.append(text) }
            if state.commandHistory.count > 100 { state.commandHistory.removeFirst() }
            return execute(text, state: &state, engine: engine)
        default:
            break
        }
        state.mode = .commandLine(line)
        return []
    }

    static func execute(_ text: String, state: inout DashboardState, engine: Engine) -> [DashboardEffect] {
        let parsed = CommandLineParser.parse(text, engine: engine, selected: state.selectedSeries(in: engine), deskAccount: state.deskAccount)
        switch parsed {
        case .failure(let error):
            state.status = StatusMessage(error.message, role: .danger)
            return []
        case .success(let command):
            if state.readOnly, command.placesOrders {
                state.status = StatusMessage("read-only: \"\(text)\" not sent", role: .warning)
                return []
            }
            if command.placesOrders, let refusal = state.connection?.orderRefusal {
                state.status = StatusMessage("\(refusal): \"\(text)\" not sent", role: .warning)
                return []
            }
            if let connection = state.connection, command.isClockOrPoolControl {
                state.status = StatusMessage("the server runs the clock and the pool (×\(speedText(connection.serverSpeed))): \"\(text)\" is the operator's", role: .warning)
                return []
            }
            switch command {
            case .trade(let side, let quantity, let series, let perContractLimit):
                var order = Order(account: state.deskAccount, series: series, side: side, quantity: quantity)
                if let perContractLimit {
                    // `@ PRICE` is per contract, fees included; the engine takes the total.
                    order.limitPremium = Money.notional(perContractLimit, quantity, rounding: side == .buy ? .down : .up)
                } else if let fill = engine.preview(order).fill {
                    order.limitPremium = Order.slippageLimit(previewed: fill.traderCashFlow, side: side, tolerance: state.slippage)
                }
                return [.engine(.placeOrder(order))]
            case .close(let series, let quantity):
                return [closeEffect(series: series, quantity: quantity, state: state, engine: engine)]
            case .closeAll:
                let open = engine.positions(of: state.deskAccount)
                guard !open.isEmpty else {
                    state.status = StatusMessage("no open positions to close", role: .warning)
                    return []
                }
                // Each close is its own order with its own limit, previewed after the ones before it (they move IV and
                // skew of a shared board), on a copy: the real engine changes only when the shell applies them.
                var simulated = engine
                return open.map { position in
                    let effect = closeEffect(series: position.series, quantity: nil, state: state, engine: simulated)
                    if case .engine(let command) = effect { _ = simulated.apply(command) }
                    return effect
                }
            case .slippage(let tolerance):
                state.slippage = tolerance
                state.status = StatusMessage("slippage tolerance \(NumberFormat.percent(tolerance))")
            case .deposit(let amount):
                return [.engine(.deposit(account: state.deskAccount, amount: amount))]
            case .withdraw(let shares):
                return [.engine(.withdraw(account: state.deskAccount, shares: shares))]
            case .withdrawAll:
                let shares = engine.accounts[safe: state.deskAccount.index]?.shares ?? .zero
                guard shares.isPositive else {
                    state.status = StatusMessage("no LP shares to withdraw", role: .warning)
                    return []
                }
                return [.engine(.withdraw(account: state.deskAccount, shares: shares))]
            case .speed(let value):
                state.speed = value
                state.status = StatusMessage("speed ×\(speedText(value))")
            case .pause:
                state.paused = true
            case .resume:
                state.paused = false
            case .theme(let name):
                return [.applyTheme(name)]
            case .market(let index):
                state.marketIndex = index
                state.chainStrikeIndex = nil
            case .hedging(let enabled):
                return [.engine(.setHedging(enabled: enabled))]
            case .shock(let market, let spotMove):
                return [.engine(.shock(market: MarketID(market), spotMove: spotMove, volatilityShift: 0))]
            case .volatilityShock(let market, let volatilityShift):
                return [.engine(.shock(market: MarketID(market), spotMove: 0, volatilityShift: volatilityShift))]
            case .help:
                state.mode = .help(scroll: 0)
            case .quit:
                return quit(&state, engine: engine, confirmed: false)
            case .strategy(let side, let template, let legs, let size):
                let sizeText = size?.plainText ?? defaultQuantityText(legs[0].series, engine: engine)
                state.mode = .strategyTicket(StrategyTicketState(legs: legs, side: side, sizeText: sizeText, name: template.displayName))
            }
            return []
        }
    }
}

extension DashboardReducer {
    /// Closes `quantity` (nil: all) of the desk's position with the previewed total ± slippage as its limit.
    static func closeEffect(series: SeriesID, quantity: Quantity?, state: DashboardState, engine: Engine) -> DashboardEffect {
        let fill = engine.previewClose(account: state.deskAccount, series: series, quantity: quantity).fill
        let limit = fill.map { Order.slippageLimit(previewed: $0.traderCashFlow, side: $0.side, tolerance: state.slippage) }
        return .engine(.closePosition(account: state.deskAccount, series: series, quantity: quantity, limitPremium: limit))
    }
}

extension DeskCommand {
    /// Whether the command places orders or moves money.
    public var placesOrders: Bool {
        switch self {
        case .trade, .close, .closeAll, .deposit, .withdraw, .withdrawAll, .hedging, .shock, .volatilityShock, .strategy: true
        default: false
        }
    }

    /// Whether the command sets the clock or the pool's own settings: a served pool's operator decides those, not a
    /// network dashboard.
    public var isClockOrPoolControl: Bool {
        switch self {
        // A shock moves the market itself: the operator of the served pool runs the market.
        case .speed, .pause, .resume, .hedging, .shock, .volatilityShock: true
        default: false
        }
    }
}

/// `60`, `2.5`: the speed multiplier without a trailing `.0`.
public func speedText(_ speed: Double) -> String {
    speed == speed.rounded() ? String(Int(speed)) : String(speed)
}

import PoolEngine

/// Turns engine events into event-log lines and, for the desk's own orders, a status message.
public enum EventLogFormatter {
    /// Log lines for everything in `events` worth reading, and the status line for the desk's newest result.
    public static func entries(for events: [EngineEvent], engine: Engine, desk: AccountID) -> (entries: [LogEntry], status: StatusMessage?) {
        var entries: [LogEntry] = []
        var status: StatusMessage?
        for event in events {
            guard let entry = entry(for: event, engine: engine, desk: desk) else { continue }
            entries.append(entry)
            if entry.isDesk, isOrderOutcome(event.payload) { status = StatusMessage(entry.text, role: entry.role) }
        }
        return (entries, status)
    }

    static func isOrderOutcome(_ payload: EventPayload) -> Bool {
        switch payload {
        // Whatever answers a desk command replaces the status line, so it never shows an older command's result.
        case .orderFilled, .orderRejected, .deposited, .withdrawalQueued, .withdrawn, .hedgingChanged: true
        // A desk position settling is news too: it leaves the positions panel, and the status line says how.
        case .positionSettled, .liquidated: true
        // A strategy's own line follows its legs' fills and says what the whole order did.
        case .strategyOpened, .strategyChanged, .strategyClosed: true
        default: false
        }
    }

    /// The log line for one event, or nil for events too routine to show (account openings, listings of bots).
    public static func entry(for event: EngineEvent, engine: Engine, desk: AccountID) -> LogEntry? {
        func name(_ account: AccountID) -> String {
            account == desk ? "you" : (engine.accounts[safe: account.index]?.name ?? "\(account)")
        }
        // Every lookup is checked: an event may name a board or market the engine shown does not have (a read-only
        // view of a journal still being written), and a log line must never trap the dashboard.
        func symbol(_ market: MarketID) -> String { engine.markets[safe: market.index]?.symbol ?? "market \(market.index)" }
        func tenor(_ board: BoardID) -> String { engine.boards[safe: board.index]?.tenorLabel ?? "" }
        func seriesName(_ id: SeriesID?) -> String {
            guard let id, engine.isKnownSeries(id) else { return "—" }
            return engine.series[id.index].name
        }
        let time = event.time
        switch event.payload {
        case .orderFilled(let fill):
            let isDesk = fill.account == desk
            let verb = fill.isLiquidation ? "LIQUIDATED" : (fill.side == .buy ? "bought" : "sold")
            let total = fill.side == .buy ? fill.premium + fill.fee : fill.premium - fill.fee
            var text = "\(name(fill.account)) \(verb) \(fill.quantity.plainText) \(seriesName(fill.series)) @ \(NumberFormat.fixed(fill.pricePerContract)) "
            text += "(\(fill.side == .buy ? "paid" : "got") \(NumberFormat.money(micros: total.micros)), fee \(NumberFormat.money(micros: fill.fee.micros)), "
            text += "IV \(volatilityMove(fill, engine: engine)), util \(NumberFormat.percent(fill.utilizationAfter)))"
            if !fill.realizedPnL.isZero { text += " P&L \(NumberFormat.signedMoney(micros: fill.realizedPnL.micros))" }
            let role: ThemeRole = fill.isLiquidation ? .danger : (isDesk ? (fill.side == .buy ? .bid : .ask) : .muted)
            return LogEntry(time: time, text: text, role: role, isDesk: isDesk)
        case .orderRejected(let account, let series, let side, let quantity, let rejection):
            let isDesk = account == desk
            // The crowd's rejections are counted in `sim`, not shown: they would drown the desk's.
            guard isDesk else { return nil }
            var text = "REJECTED"
            if let side, let quantity { text += " \(side.rawValue) \(quantity.plainText) \(seriesName(series))" }
            text += ": \(rejection.message)"
            return LogEntry(time: time, text: text, role: .danger, isDesk: true)
        case .deposited(let account, let amount, let shares, let price):
            return LogEntry(time: time, text: "\(name(account)) deposited \(NumberFormat.money(micros: amount.micros)) for \(NumberFormat.money(micros: shares.micros)) shares @ \(NumberFormat.fixed(price, decimals: 4))",
                            role: account == desk ? .success : .info, isDesk: account == desk)
        case .withdrawalQueued(let account, let shares):
            return LogEntry(time: time, text: "\(name(account)) queued a withdrawal of \(NumberFormat.money(micros: shares.micros)) shares (liquidity locked)",
                            role: .warning, isDesk: account == desk)
        case .withdrawn(let account, let shares, let amount, let fee, _):
            return LogEntry(time: time, text: "\(name(account)) withdrew \(NumberFormat.money(micros: amount.micros)) for \(NumberFormat.money(micros: shares.micros)) shares (fee \(NumberFormat.money(micros: fee.micros)))",
                            role: account == desk ? .success : .info, isDesk: account == desk)
        case .positionSettled(let settlement):
            let isDesk = settlement.account == desk
            guard isDesk || !settlement.shortfall.isZero else { return nil }
            return LogEntry(time: time, text: "\(name(settlement.account)) \(seriesName(settlement.series)) settled at \(NumberFormat.fixed(settlement.spot)): payoff \(NumberFormat.signedMoney(micros: settlement.payoff.micros)), P&L \(NumberFormat.signedMoney(micros: settlement.realizedPnL.micros))",
                            role: settlement.realizedPnL.isNegative ? .down : .up, isDesk: isDesk)
        case .boardSettled(let board, let spot, let positions, let payout):
            let market = engine.boards[safe: board.index].map { symbol($0.market) } ?? "board \(board.index)"
            return LogEntry(time: time, text: "\(market) \(tenor(board)) board expired at \(NumberFormat.fixed(spot)): \(Plural.count(positions, "position")) settled, pool paid \(NumberFormat.signedMoney(micros: payout.micros))",
                            role: .info, isDesk: false)
        case .boardListed(let board, let market, let expiry, _, let strikes, let baseIv):
            return LogEntry(time: time, text: "listed \(symbol(market)) \(tenor(board)) board expiring \(expiry): \(Plural.count(strikes.count, "strike")), base IV \(NumberFormat.percent(baseIv))",
                            role: .muted, isDesk: false)
        case .liquidated(let liquidation):
            return LogEntry(time: time, text: "\(name(liquidation.account)) short \(seriesName(liquidation.series)) liquidated: collateral \(NumberFormat.money(micros: liquidation.collateral.micros)) < minimum \(NumberFormat.money(micros: liquidation.minimumCollateral.micros)), penalty \(NumberFormat.money(micros: liquidation.penalty.micros))",
                            role: .danger, isDesk: liquidation.account == desk)
        case .hedged(let market, let size, let price, let cost, _, let newSize):
            return LogEntry(time: time, text: "pool hedged \(NumberFormat.signed(size, decimals: 3)) \(symbol(market)) @ \(NumberFormat.fixed(price)) (cost \(NumberFormat.money(micros: cost.micros)), hedge now \(NumberFormat.signed(newSize, decimals: 3)))",
                            role: .muted, isDesk: false)
        case .haltStarted(let halt):
            return LogEntry(time: time, text: "HALT: \(halt.reason.description)", role: .danger, isDesk: false)
        case .haltEnded(let halt):
            return LogEntry(time: time, text: "halt lifted: \(halt.reason.description)", role: .success, isDesk: false)
        case .hedgingChanged(let enabled):
            return LogEntry(time: time, text: "pool hedging \(enabled ? "on" : "off")", role: .info, isDesk: true)
        case .insolvency(let amount, let detail):
            return LogEntry(time: time, text: "INSOLVENCY \(NumberFormat.money(micros: amount.micros)): \(detail)", role: .danger, isDesk: false)
        case .strategyOpened(let activity), .strategyChanged(let activity), .strategyClosed(let activity):
            let isDesk = activity.account == desk
            // The crowd's strategies show through their legs' fills; the strategy line is the desk's.
            guard isDesk else { return nil }
            let verb: String = switch activity.cause {
            case .opened: "opened"
            case .closed: "closed"
            case .legClosed: "closed a leg of"
            case .settled: "settled"
            case .liquidated: "had a leg liquidated in"
            }
            var text = "\(name(activity.account)) \(verb) \(activity.name) \(activity.strategy) "
            text += activity.netPremium.isNegative
                ? "(got \(NumberFormat.money(micros: -activity.netPremium.micros)) net"
                : "(paid \(NumberFormat.money(micros: activity.netPremium.micros)) net"
            if !activity.fees.isZero { text += ", fees \(NumberFormat.money(micros: activity.fees.micros))" }
            text += ", collateral \(NumberFormat.money(micros: activity.collateral.micros))"
            if !activity.collateralChange.isZero { text += " (\(NumberFormat.signedMoney(micros: activity.collateralChange.micros)))" }
            text += ")"
            if !activity.realizedPnL.isZero { text += " P&L \(NumberFormat.signedMoney(micros: activity.realizedPnL.micros))" }
            let role: ThemeRole = activity.cause == .liquidated ? .danger : (activity.cause == .opened ? .info : (activity.realizedPnL.isNegative ? .down : .up))
            return LogEntry(time: time, text: text, role: role, isDesk: true)
        case .accountOpened, .accountFunded:
            return nil
        }
    }

    /// `54.2%→66.1%`: a fill's vol before and after, both the same kind of number (traded vol × the trade's utilization
    /// multiplier). Sessions under rules 1–2 journaled a buy's "after" without the multiplier its "before" has, and the
    /// multiplier is not in the fill, so such a buy shows only where the vol went (`→66.1%`) rather than a pair that
    /// can fall on a buy. A sell's multiplier is always 1, so its pair is comparable under every rules version.
    static func volatilityMove(_ fill: Fill, engine: Engine) -> String {
        let after = NumberFormat.percent(fill.volatilityAfter)
        if fill.side == .buy && !engine.configuration.fillVolatilitiesShareDefinition { return "→" + after }
        return NumberFormat.percent(fill.volatilityBefore) + "→" + after
    }
}

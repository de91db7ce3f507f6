import PoolEngine

/// The top line: markets with change, clock, speed, tick rate and state badges.
enum HeaderView {
    static func draw(_ grid: inout CellGrid, rect: Rect, state: DashboardState, engine: Engine, context: RenderContext) {
        let theme = context.theme
        grid.fill(rect, with: Cell(" ", style: theme.style(.header)))
        var x = rect.x
        func put(_ text: String, _ role: ThemeRole) {
            x += grid.put(text, x: x, y: rect.y, style: theme.style(role), maxWidth: max(0, rect.maxX - x))
        }
        let compact = rect.width < 110
        if !compact { put(" PoolDesk ", .title) }
        for (index, market) in engine.markets.enumerated() {
            let change = market.openingSpot > 0 ? market.spot / market.openingSpot - 1 : 0
            let arrow = change >= 0 ? context.glyphs.arrowUp : context.glyphs.arrowDown
            put(index == state.marketIndex ? " \(context.glyphs.bullet)" : "  ", .header)
            put("\(market.symbol) \(NumberFormat.fixed(market.spot, decimals: market.spot >= 1000 ? 0 : 2)) ", index == state.marketIndex ? .title : .header)
            put("\(Character(arrow))\(NumberFormat.percent(change, decimals: 2, signed: true)) ", change >= 0 ? .up : .down)
        }
        let clock = engine.time.civil
        put(" \(clock.expiryCode) \(twoDigit(clock.hour)):\(twoDigit(clock.minute)):\(twoDigit(clock.second))\(compact ? "" : " UTC") ", .header)
        put(" ×\(speedText(state.speed)) ", .header)
        put(" \(NumberFormat.fixed(state.tickRate, decimals: 0)) t/s ", .muted)
        if let connection = state.connection {
            // Who and where: the server, the account (or a monitor), and how far away it is.
            // Narrow screens keep the account and the round trip; the server's address goes first.
            put(compact ? " \(connection.account ?? "monitor")" : " \(connection.server) · \(connection.account ?? "monitor")", .header)
            if connection.isLive, let rtt = connection.roundTripMilliseconds {
                put(" \(NumberFormat.fixed(rtt, decimals: rtt < 10 ? 1 : 0)) ms ", .muted)
            }
        }
        var badges: [(String, ThemeRole)] = []
        if let connection = state.connection {
            switch connection.phase {
            case .connected: break
            case .synchronising: badges.append(("SYNCING", .warning))
            case .disconnected: badges.append(("DISCONNECTED", .danger))
            }
        }
        if state.isReplay { badges.append(("REPLAY", .info)) }
        // Recorded prices that have run out stay said: the status line's notice is overwritten by the next expiry.
        if engine.isRecordedHistoryOver { badges.append(("HISTORY ENDED", .warning)) }
        if state.paused { badges.append(("PAUSED", .warning)) }
        if !engine.halts.isEmpty {
            // Name what is halted: a board (BTC 1D) or everything (low free liquidity stops all opening trades).
            let names = engine.halts.map { halt -> String in
                guard case .volatilityDeviation(let board) = halt.reason, let info = engine.boards[safe: board.index] else { return "ALL" }
                return "\(engine.markets[safe: info.market.index]?.symbol ?? "?") \(info.tenorLabel)"
            }
            badges.append(("HALTED " + names.joined(separator: ", "), .danger))
        }
        if state.isStale && !state.paused { badges.append(("STALE", .warning)) }
        if state.readOnly && !state.isReplay { badges.append((state.connection != nil ? "MONITOR" : "READ-ONLY", .info)) }
        let badgeText = badges.map { " \($0.0) " }.joined(separator: " ")
        var bx = rect.maxX - badgeText.unicodeScalars.count - 1
        for (text, role) in badges {
            bx += grid.put(" \(text) ", x: bx, y: rect.y, style: theme.style(role).adding(.reverse)) + 1
        }
    }
}

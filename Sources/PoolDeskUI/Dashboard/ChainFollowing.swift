import PoolEngine

extension DashboardReducer {
    /// Keeps the chain cursor on its contract as simulated time passes; run after every action.
    ///
    /// The chain's board is held by identity (``DashboardState/selectedBoard``), never as "the nearest open board",
    /// so a board reaching its trading cutoff stays under the cursor (its footer says trading closed) instead of the
    /// screen jumping to the next tenor and another strike. Only when the board goes away (settled) does the chain move,
    /// to the remaining expiry nearest the old one, with the cursor on the strike nearest the old strike — and says so.
    /// An order ticket on a series that can no longer trade closes with the reason.
    ///
    /// Returns the notice for the status line, if any.
    static func followChain(_ state: inout DashboardState, engine: Engine) -> StatusMessage? {
        var notice = closeUntradableTicket(&state, engine: engine) ?? closeVanishedStrategyTicket(&state, engine: engine)
        let market = state.marketIndex
        guard engine.markets.indices.contains(market), state.selectedBoard.indices.contains(market) else { return notice }
        let live = state.boards(in: engine)
        guard !live.isEmpty else { return notice }
        let symbol = engine.markets[market].symbol
        if let chosen = state.selectedBoard[market], !live.contains(where: { $0.id == chosen }) {
            // Gone: settled, or (a replay rewound) not listed yet — then the chain just shows what there is.
            if let old = engine.boards[safe: chosen.index], old.isSettled || engine.time >= old.expiry,
               let next = live.min(by: { abs(($0.expiry - old.expiry).milliseconds) < abs(($1.expiry - old.expiry).milliseconds) }) {
                state.selectedBoard[market] = next.id
                if let index = state.chainStrikeIndex, old.strikes.indices.contains(index), !next.strikes.isEmpty {
                    let strike = old.strikes[index].doubleValue
                    state.chainStrikeIndex = next.strikes.indices.min { abs(next.strikes[$0].doubleValue - strike) < abs(next.strikes[$1].doubleValue - strike) }
                }
                notice = notice ?? StatusMessage(
                    "\(symbol) \(old.tenorLabel) expired at \(ChainPanel.shortTime(old.expiry, today: engine.time)) — the chain moved to "
                        + "\(next.tenorLabel) (expires \(ChainPanel.shortTime(next.expiry, today: engine.time))), the nearest expiry left",
                    role: .warning)
            } else {
                state.selectedBoard[market] = state.currentBoard(in: engine)?.id
            }
        } else if state.selectedBoard[market] == nil {
            // The first look at this market: hold the board shown (the nearest still trading) from now on.
            state.selectedBoard[market] = state.currentBoard(in: engine)?.id
        }
        guard let board = state.currentBoard(in: engine) else { return notice }
        let cutoff = board.tradingCutoff(engine.configuration.amm)
        let open = engine.time < cutoff
        if let watch = state.chainWatch, watch.board == board.id, watch.tradingOpen, !open {
            notice = notice ?? StatusMessage(
                "\(symbol) \(board.tenorLabel) stopped trading at \(ChainPanel.shortTime(cutoff, today: engine.time)) (its cutoff): the cursor stays "
                    + "on its contract until expiry at \(ChainPanel.shortTime(board.expiry, today: engine.time)) — ] shows the next expiry",
                role: .warning)
        }
        state.chainWatch = ChainWatch(board: board.id, tradingOpen: open)
        return notice
    }

    /// Closes an order ticket whose series has passed its trading cutoff or expired (the engine would refuse the order),
    /// and says why.
    static func closeUntradableTicket(_ state: inout DashboardState, engine: Engine) -> StatusMessage? {
        guard let ticket = state.ticket, engine.isKnownSeries(ticket.series) else { return nil }
        let option = engine.series[ticket.series.index]
        guard let board = engine.boards[safe: option.board.index] else { return nil }
        let cutoff = board.tradingCutoff(engine.configuration.amm)
        let reason: String
        if board.isSettled || engine.time >= option.expiry {
            reason = "\(option.name) expired at \(ChainPanel.shortTime(option.expiry, today: engine.time))"
        } else if engine.time >= cutoff {
            reason = "\(option.name) stopped trading at \(ChainPanel.shortTime(cutoff, today: engine.time)) (its trading cutoff; it settles at "
                + "\(ChainPanel.shortTime(option.expiry, today: engine.time)))"
        } else {
            return nil
        }
        state.mode = .normal
        return StatusMessage("\(reason) — ticket closed, nothing sent", role: .warning)
    }
}

import PoolEngine

/// The part of the dashboard's view that a resumed session gets back: the market shown, the positions sort and the
/// clock speed.
///
/// The shell stores it per session journal (PoolDeskCLI's `UIStateFile`: versioned JSON with these named fields) when
/// the dashboard quits, and hands it back through ``DashboardAction/restoreView(_:)`` when that session resumes, so
/// the reducer stays the only writer of UI state. Every field is optional and checked on the way in: a market the
/// session does not have, an unknown sort or a speed out of range is skipped, never trusted.
public struct SavedView: Codable, Hashable, Sendable {
    /// The market's symbol (`BTC`), not its index, so that the file reads plainly.
    public var market: String?
    /// A ``PositionSort`` raw value (`opened`, `series`, `size`, `pnl`, `delta`, …).
    public var positionSort: String?
    public var positionSortDescending: Bool?
    /// Simulated seconds per wall-clock second.
    public var speed: Double?

    public init(market: String? = nil, positionSort: String? = nil, positionSortDescending: Bool? = nil, speed: Double? = nil) {
        self.market = market
        self.positionSort = positionSort
        self.positionSortDescending = positionSortDescending
        self.speed = speed
    }
}

extension DashboardState {
    /// The view to save when the dashboard quits.
    public func savedView(engine: Engine) -> SavedView {
        SavedView(market: engine.markets[safe: marketIndex]?.symbol, positionSort: positionSort.rawValue,
                  positionSortDescending: positionSortDescending, speed: speed)
    }
}

extension DashboardReducer {
    /// Applies what of `saved` is valid for this session and notes in the event log what came back.
    static func restore(_ saved: SavedView, into state: inout DashboardState, engine: Engine) {
        var restored: [String] = []
        if let symbol = saved.market, let index = engine.markets.firstIndex(where: { $0.symbol.uppercased() == symbol.uppercased() }) {
            if index != state.marketIndex { state.chainStrikeIndex = nil }
            state.marketIndex = index
            restored.append("market \(engine.markets[index].symbol)")
        }
        if let name = saved.positionSort, let sort = PositionSort(rawValue: name) {
            state.positionSort = sort
            if let descending = saved.positionSortDescending { state.positionSortDescending = descending }
            restored.append("positions sorted by \(sort.rawValue)\(state.positionSortDescending ? " (descending)" : "")")
        }
        if let speed = saved.speed, speed.isFinite, DashboardState.speedRange.contains(speed) {
            state.speed = speed
            restored.append("speed ×\(speedText(speed))")
        }
        guard !restored.isEmpty else { return }
        state.appendLog([LogEntry(time: engine.time, text: "view restored: " + restored.joined(separator: ", "), role: .info, isDesk: true)])
    }
}

extension Engine {
    /// Why `name` does not resolve to a live series, in words for a status line: the series expired (when and
    /// where it settled), its board stopped listing that strike, or no such series was ever listed.
    public func describeUnresolvedSeries(named name: String) -> String {
        let wanted = name.uppercased()
        // Newest first: a name can only have been listed once, but a tenor's strikes recur on later boards.
        if let past = series.last(where: { $0.name == wanted }) {
            let board = boards[past.board.index]
            if let spot = board.settlementSpot {
                return "\(past.name) expired at \(past.expiry) and settled at \(format2(spot))"
            }
            if past.expiry <= time { return "\(past.name) expired at \(past.expiry)" }
        }
        let parts = wanted.split(separator: "-")
        if parts.count == 4, markets.contains(where: { $0.symbol == parts[0] }),
           liveBoards.contains(where: { boards[$0.index].tenorLabel == parts[1] && markets[boards[$0.index].market.index].symbol == parts[0] }) {
            return "no live \(parts[0]) \(parts[1]) board lists strike \(parts[2]) \(parts[3] == "P" ? "puts" : "calls")"
        }
        return "unknown series \"\(name)\""
    }
}

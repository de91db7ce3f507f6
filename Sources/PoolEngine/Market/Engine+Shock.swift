extension Engine {
    /// Applies a stress shock (see ``EngineCommand/shock(market:spotMove:volatilityShift:)``; its ranges were checked
    /// where commands enter). An unknown market is refused with an `outOfRange` rejection and changes nothing.
    mutating func shock(market: MarketID, spotMove: Double, volatilityShift: Double, into events: inout [EngineEvent]) {
        guard market.index >= 0, market.index < markets.count else {
            return reject(.outOfRange, AccountID(accounts.count), "no market \(market.index) (there are \(markets.count))", into: &events)
        }
        let index = market.index
        if spotMove != 0 {
            let factor = 1 + spotMove
            markets[index].spot *= factor
            // A recorded market's path carries the move on: every later price of the file is scaled by it.
            if isRecorded(market) { markets[index].priceFactor = (markets[index].priceFactor ?? 1) * factor }
        }
        if volatilityShift != 0 {
            let shift = (markets[index].volatilityShift ?? 0) + volatilityShift
            // Shocks that cancel out leave the market as unshocked (nil), so its level follows the exact old rule.
            markets[index].volatilityShift = abs(shift) < 1e-12 ? nil : shift
            markets[index].impliedVolatilityLevel = max(markets[index].impliedVolatilityLevel + volatilityShift, Self.minimumVolatilityLevel)
            let bounds = configuration.amm.baseIvBounds
            for boardID in liveBoards where boards[boardID.index].market == market {
                boards[boardID.index].baseIv = min(max(boards[boardID.index].baseIv + volatilityShift, bounds.lowerBound), bounds.upperBound)
            }
        }
        emit(.shocked(market: market, spotMove: spotMove, volatilityShift: volatilityShift, spot: markets[index].spot,
                      impliedVolatility: markets[index].impliedVolatilityLevel), into: &events)
        // What a refresh does, now: the pool's books, halts, forced closes and queued withdrawals see the new market.
        refreshRisk()
        updateHalts(into: &events)
        liquidateUndercollateralizedShorts(into: &events)
        payQueuedWithdrawals(into: &events)
    }
}

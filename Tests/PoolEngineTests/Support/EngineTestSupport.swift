import PoolEngine
import Testing

/// Configurations and small helpers shared by the engine tests.
enum TestMarkets {
    /// Default markets with the hedger off (so outside money stays exactly what was funded) and no simulated participants.
    static func quiet(_ adjust: (inout EngineConfiguration) -> Void = { _ in }) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.hedging.enabled = false
        adjust(&configuration)
        return configuration
    }

    /// Coarse ticks and refreshes, so property runs can cover days of simulated time quickly.
    static func fast(hedging: Bool = true) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.tickInterval = .seconds(60)
        configuration.riskRefreshInterval = .seconds(120)
        configuration.liquidationCheckInterval = .seconds(120)
        configuration.priceHistoryInterval = .seconds(60)
        configuration.hedging.enabled = hedging
        return configuration
    }

    /// A market whose spot never moves (no volatility, no jumps, no drift): settlement spots are known exactly.
    static func frozen(symbol: String = "FIX", spot: Double) -> MarketConfiguration {
        MarketConfiguration(
            symbol: symbol, initialSpot: spot, drift: 0, calmVolatility: 0, stressedVolatility: 0,
            jumpsPerYear: 0, jumpMean: 0, jumpStandardDeviation: 0,
            standardSize: Quantity(5), maximumOrderSize: Quantity(500), minimumOrderSize: Quantity(micros: 100_000))
    }

    /// A market that rises steadily (strong drift, low volatility, no jumps): short calls lose, reliably.
    static func rising(symbol: String = "UP", spot: Double, drift: Double) -> MarketConfiguration {
        MarketConfiguration(
            symbol: symbol, initialSpot: spot, drift: drift, calmVolatility: 0.3, stressedVolatility: 0.3,
            jumpsPerYear: 0, jumpMean: 0, jumpStandardDeviation: 0,
            standardSize: Quantity(5), maximumOrderSize: Quantity(500), minimumOrderSize: Quantity(micros: 100_000))
    }
}

extension Engine {
    /// Opens an account funded with `funding` and returns its id.
    @discardableResult
    mutating func open(_ name: String, funding: Money, role: AccountRole = .trader) -> AccountID {
        _ = apply(.openAccount(name: name, role: role, funding: funding))
        return AccountID(accounts.count - 1)
    }

    /// Opens an LP account and deposits all of `amount` into the pool.
    @discardableResult
    mutating func openLP(_ name: String, deposit amount: Money) -> AccountID {
        let id = open(name, funding: amount, role: .liquidityBot)
        _ = apply(.deposit(account: id, amount: amount))
        return id
    }

    /// The live board of `symbol` serving `tenor` (its own, or one that tenor joined because the expiries met).
    func liveBoard(_ symbol: String, tenor: SimDuration) -> Board? {
        liveBoards.map { boards[$0.index] }.first { markets[$0.market.index].symbol == symbol && $0.tenors.contains(tenor) }
    }

    /// Index of the strike nearest the current spot on `board`.
    func atTheMoneyIndex(_ board: Board) -> Int {
        let spot = markets[board.market.index].spot
        return board.strikes.indices.min { abs(board.strikes[$0].doubleValue - spot) < abs(board.strikes[$1].doubleValue - spot) } ?? 0
    }

    /// The at-the-money series of `kind` on `board`, offset by `offset` strikes.
    func series(_ board: Board, _ kind: OptionKind, offset: Int = 0) -> SeriesID {
        board.series(kind, strikeIndex: atTheMoneyIndex(board) + offset)
    }

    /// Everything the engine holds: balances, collateral, pool cash and reserve.
    var totalHeld: Money {
        var total = pool.cash + pool.reserve
        for account in accounts { total += account.balance + account.collateral }
        return total
    }

    /// Places an order and checks it produced exactly one fill or one rejection (and nothing else about that order).
    mutating func place(_ order: Order, sourceLocation: SourceLocation = #_sourceLocation) -> OrderOutcome {
        outcome(of: apply(.placeOrder(order)), sourceLocation: sourceLocation)
    }

    /// Closes a position and checks it produced exactly one fill or one rejection.
    mutating func close(_ account: AccountID, _ seriesID: SeriesID, quantity: Quantity? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) -> OrderOutcome {
        outcome(of: apply(.closePosition(account: account, series: seriesID, quantity: quantity)), sourceLocation: sourceLocation)
    }

    private func outcome(of events: [EngineEvent], sourceLocation: SourceLocation) -> OrderOutcome {
        let fills = events.fills
        let rejections = events.rejections
        #expect(fills.count + rejections.count == 1, "expected one fill or one rejection, got \(events.map(\.payload))",
                sourceLocation: sourceLocation)
        if let fill = fills.first { return .filled(fill, events) }
        if let rejection = rejections.first { return .rejected(rejection) }
        return .rejected(Rejection(.invalidQuantity, "no outcome"))
    }
}

/// What happened to one order.
enum OrderOutcome {
    case filled(Fill, [EngineEvent])
    case rejected(Rejection)

    var fill: Fill? {
        if case .filled(let fill, _) = self { return fill }
        return nil
    }

    var reason: RejectionReason? {
        if case .rejected(let rejection) = self { return rejection.reason }
        return nil
    }
}

extension Array where Element == EngineEvent {
    var fills: [Fill] {
        compactMap { if case .orderFilled(let fill) = $0.payload { return fill } else { return nil } }
    }

    var rejections: [Rejection] {
        compactMap { if case .orderRejected(_, _, _, _, let rejection) = $0.payload { return rejection } else { return nil } }
    }

    var settlements: [PositionSettlement] {
        compactMap { if case .positionSettled(let settlement) = $0.payload { return settlement } else { return nil } }
    }

    var liquidations: [Liquidation] {
        compactMap { if case .liquidated(let liquidation) = $0.payload { return liquidation } else { return nil } }
    }
}

/// Exact arithmetic used as an independent oracle (no `Double` rounding on the way).
enum ExactMath {
    /// `value` (a finite non-negative double) as an exact fraction `numerator / 2^shift`.
    static func dyadic(_ value: Double) -> (numerator: Int128, shift: Int) {
        precondition(value.isFinite && value >= 0)
        if value == 0 { return (0, 0) }
        // value = significand × 2^exponent with significand in [1, 2) holding `significandWidth` fractional bits.
        let width = Int(value.significandWidth)
        let integerSignificand = Int128(value.significand * Double(sign: .plus, exponent: width, significand: 1))
        let shift = width - Int(value.exponent)
        if shift >= 0 { return (integerSignificand, shift) }
        return (integerSignificand << -shift, 0)
    }

    /// Micro-units of `max(±(spot − strike), 0) × quantity`, computed exactly from the binary value of `spot`,
    /// rounded down or up.
    static func payoffMicros(call: Bool, spot: Double, strike: Money, quantity: Quantity, roundUp: Bool) -> Int64 {
        // spot·1e6 − strikeMicros = (n·1e6 − strikeMicros·2^s) / 2^s; payoff micros = that × quantityMicros / 1e6.
        let (n, s) = dyadic(spot)
        let scale = Int128(1) << s
        var difference = n * 1_000_000 - Int128(strike.micros) * scale
        if !call { difference = -difference }
        guard difference > 0 else { return 0 }
        let numerator = difference * Int128(quantity.micros)
        let denominator = scale * 1_000_000
        var quotient = numerator / denominator
        if roundUp, numerator % denominator != 0 { quotient += 1 }
        return Int64(quotient)
    }

    /// `ceil(a × numerator / denominator)` for non-negative inputs.
    static func ceilMulDiv(_ a: Int64, _ numerator: Int64, _ denominator: Int64) -> Int64 {
        let product = Int128(a) * Int128(numerator)
        return Int64((product + Int128(denominator) - 1) / Int128(denominator))
    }

    /// `floor(a × numerator / denominator)` for non-negative inputs.
    static func floorMulDiv(_ a: Int64, _ numerator: Int64, _ denominator: Int64) -> Int64 {
        Int64(Int128(a) * Int128(numerator) / Int128(denominator))
    }
}

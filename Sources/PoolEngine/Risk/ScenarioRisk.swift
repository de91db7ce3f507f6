/// One option holding as scenario risk reprices it.
public struct ScenarioPosition: Hashable, Sendable {
    public var market: MarketID
    public var kind: OptionKind
    /// USD per unit of the underlying.
    public var strike: Double
    public var expiry: SimTime
    /// Signed contracts (long > 0).
    public var quantity: Double
    /// Today's traded vol, annualised.
    public var volatility: Double

    public init(market: MarketID, kind: OptionKind, strike: Double, expiry: SimTime, quantity: Double, volatility: Double) {
        self.market = market
        self.kind = kind
        self.strike = strike
        self.expiry = expiry
        self.quantity = quantity
        self.volatility = volatility
    }
}

/// What a scenario reprices: option holdings, linear hedges (the pool's perpetuals) and the market now.
public struct ScenarioBook: Hashable, Sendable {
    public var positions: [ScenarioPosition]
    /// Signed underlying units held per market (index = market index); 0 for none.
    public var hedges: [Double]
    /// Spot per market now (index = market index).
    public var spots: [Double]
    public var now: SimTime
    /// Continuous annual rate the engine prices with.
    public var rate: Double

    public init(positions: [ScenarioPosition], hedges: [Double], spots: [Double], now: SimTime, rate: Double) {
        self.positions = positions
        self.hedges = hedges
        self.spots = spots
        self.now = now
        self.rate = rate
    }
}

/// When a scenario is looked at: now, a day on, or at the book's next expiry.
public enum ScenarioHorizon: String, CaseIterable, Hashable, Sendable {
    case now, oneDay = "+1d", nextExpiry = "expiry"
}

/// P&L of a book over spot moves × vol shifts at one horizon.
public struct ScenarioGrid: Hashable, Sendable {
    /// Relative spot moves, applied to every market at once (−0.3 = −30%).
    public var spotMoves: [Double]
    /// Vol shifts in vol points, added to every position's vol (−20 = 20 points lower, floored at 1%).
    public var volShifts: [Double]
    /// USD P&L against the book's model value now, `pnl[vol][spot]`.
    public var pnl: [[Double]]
    public var horizon: ScenarioHorizon
    /// Simulated time the horizon is at.
    public var at: SimTime
}

/// One expiry × strike cell of a book's exposure.
public struct ExposureCell: Hashable, Sendable {
    public var market: MarketID
    public var expiry: SimTime
    public var strike: Double
    /// Net contracts, calls and puts together (− short).
    public var contracts: Double
    /// USD delta (value change per 1.00 of spot, × spot), as the positions panel's Δ$.
    public var delta: Double
    /// USD gamma: change of Δ$ for a 1% move.
    public var gamma: Double
    /// Value change per vol point.
    public var vega: Double
}

/// Scenario risk: a book repriced with Black-Scholes at shifted spot, vol and time. Pure; the dashboard's risk view
/// shows these numbers for the desk's account and for the pool.
public enum ScenarioRisk {
    /// −30% … +30%.
    public static let standardSpotMoves: [Double] = [-0.30, -0.20, -0.10, -0.05, 0, 0.05, 0.10, 0.20, 0.30]
    /// −20 … +20 vol points.
    public static let standardVolShifts: [Double] = [-20, -10, -5, 0, 5, 10, 20]
    /// Lowest vol a downward shift leaves (1%).
    public static let minimumVolatility = 0.01

    /// The account's open positions at today's traded vols.
    public static func book(account: AccountID, engine: Engine) -> ScenarioBook {
        let positions = engine.positions(of: account).map { position -> ScenarioPosition in
            let option = engine.series[position.series.index]
            return ScenarioPosition(market: option.market, kind: option.kind, strike: option.strike.doubleValue, expiry: option.expiry,
                                    quantity: position.quantity.doubleValue, volatility: engine.tradedVolatility(position.series))
        }
        return ScenarioBook(positions: positions, hedges: Array(repeating: 0, count: engine.markets.count),
                            spots: engine.markets.map(\.spot), now: engine.time, rate: engine.configuration.rate)
    }

    /// The pool's book: its net holding in every series of a live board (the opposite of what traders hold) and its
    /// delta hedges.
    public static func poolBook(engine: Engine) -> ScenarioBook {
        var positions: [ScenarioPosition] = []
        for boardID in engine.liveBoards {
            let board = engine.boards[boardID.index]
            for id in board.calls + board.puts {
                let net = engine.pool.netPosition[safe: id.index] ?? .zero
                guard net != .zero else { continue }
                let option = engine.series[id.index]
                positions.append(ScenarioPosition(market: option.market, kind: option.kind, strike: option.strike.doubleValue,
                                                  expiry: option.expiry, quantity: net.doubleValue, volatility: engine.tradedVolatility(id)))
            }
        }
        return ScenarioBook(positions: positions, hedges: engine.pool.hedges.map(\.size), spots: engine.markets.map(\.spot),
                            now: engine.time, rate: engine.configuration.rate)
    }

    /// The time a horizon is at: now, a day on, or the book's nearest expiry still ahead (a day on when it holds none).
    public static func time(of horizon: ScenarioHorizon, book: ScenarioBook) -> SimTime {
        switch horizon {
        case .now: return book.now
        case .oneDay: return book.now + .days(1)
        case .nextExpiry:
            return book.positions.map(\.expiry).filter { $0 > book.now }.min() ?? book.now + .days(1)
        }
    }

    /// Model value in USD of one position at `spot`, `volatility` and time `at`: Black-Scholes for the time left,
    /// intrinsic value at or past expiry.
    public static func value(_ position: ScenarioPosition, spot: Double, volatility: Double, at: SimTime, rate: Double) -> Double {
        let years = at.years(until: position.expiry)
        let price: Double
        if years <= 0 {
            price = position.kind == .call ? max(spot - position.strike, 0) : max(position.strike - spot, 0)
        } else {
            price = BlackScholes.price(kind: position.kind, spot: spot, strike: position.strike, time: years, volatility: volatility, rate: rate)
        }
        return price * position.quantity
    }

    /// P&L of `book` over `spotMoves` × `volShifts` at `horizon`, against its model value now (so the no-move,
    /// no-shift cell at `now` is zero). Hedges gain `size × spot × move`.
    ///
    /// Cost: positions × spot moves × vol shifts Black-Scholes prices (9 × 7 = 63 per position by default).
    public static func grid(_ book: ScenarioBook, horizon: ScenarioHorizon, spotMoves: [Double] = standardSpotMoves,
                            volShifts: [Double] = standardVolShifts) -> ScenarioGrid {
        let at = time(of: horizon, book: book)
        var base = 0.0
        for position in book.positions {
            base += value(position, spot: book.spots[safe: position.market.index] ?? 0, volatility: position.volatility, at: book.now, rate: book.rate)
        }
        var pnl: [[Double]] = []
        pnl.reserveCapacity(volShifts.count)
        for shift in volShifts {
            var row: [Double] = []
            row.reserveCapacity(spotMoves.count)
            for move in spotMoves {
                var total = -base
                for position in book.positions {
                    let spot = (book.spots[safe: position.market.index] ?? 0) * (1 + move)
                    let vol = max(position.volatility + shift / 100, minimumVolatility)
                    total += value(position, spot: spot, volatility: vol, at: at, rate: book.rate)
                }
                for (market, size) in book.hedges.enumerated() where size != 0 {
                    total += size * (book.spots[safe: market] ?? 0) * move
                }
                row.append(total)
            }
            pnl.append(row)
        }
        return ScenarioGrid(spotMoves: spotMoves, volShifts: volShifts, pnl: pnl, horizon: horizon, at: at)
    }

    /// The book's exposure per market, expiry and strike (calls and puts summed), Greeks in the positions panel's USD
    /// units; sorted by market, expiry, strike.
    public static func exposure(_ book: ScenarioBook) -> [ExposureCell] {
        struct Key: Hashable { var market: Int; var expiry: SimTime; var strike: Double }
        var cells: [Key: ExposureCell] = [:]
        for position in book.positions {
            let spot = book.spots[safe: position.market.index] ?? 0
            let years = max(0, book.now.years(until: position.expiry))
            let valuation = BlackScholes.valuation(kind: position.kind, spot: spot, strike: position.strike, time: years,
                                                   volatility: position.volatility, rate: book.rate)
            let key = Key(market: position.market.index, expiry: position.expiry, strike: position.strike)
            var cell = cells[key] ?? ExposureCell(market: position.market, expiry: position.expiry, strike: position.strike,
                                                 contracts: 0, delta: 0, gamma: 0, vega: 0)
            cell.contracts += position.quantity
            cell.delta += valuation.delta * position.quantity * spot
            cell.gamma += valuation.gamma * position.quantity * spot * spot / 100
            cell.vega += valuation.vega * position.quantity / 100
            cells[key] = cell
        }
        return cells.values.sorted { ($0.market.index, $0.expiry, $0.strike) < ($1.market.index, $1.expiry, $1.strike) }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

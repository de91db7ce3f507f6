import PoolEngine

/// The strategy ticket: legs, side, size as typed, and the name shown on the ticket and kept with the strategy.
public struct StrategyTicketState: Hashable, Sendable {
    /// The legs as the template (or the chain marks) list them: the bought form.
    public var legs: [StrategyLeg]
    /// Buy trades the legs as listed; sell flips every leg (Tab switches).
    public var side: Side
    public var size: NumericEntry
    /// `straddle`, `iron condor`, `custom`.
    public var name: String

    public init(legs: [StrategyLeg], side: Side, sizeText: String, name: String) {
        self.legs = legs
        self.side = side
        self.size = NumericEntry(prefilled: sizeText)
        self.name = name
    }

    /// The typed size, or why it is not one.
    public var parsedSize: Result<Quantity, AmountParseError> {
        switch Quantity.parse(size.text) {
        case .success(let value) where !value.isPositive: .failure(.notPositive(size.text))
        case let other: other
        }
    }

    /// The order the ticket would send for `account`, without a limit (nil while the size is not valid).
    public func order(account: AccountID) -> StrategyOrder? {
        guard case .success(let quantity) = parsedSize else { return nil }
        let bought = StrategyOrder(account: account, legs: legs, size: quantity, name: name)
        return side == .buy ? bought : bought.reversed
    }
}

/// The strategy close ticket: a held strategy closed whole (every open leg as one order) or one of its legs, previewed
/// by ``Engine/previewStrategyClose(account:strategy:leg:)`` as it is drawn and again when Enter sends it.
public struct StrategyCloseTicketState: Hashable, Sendable {
    public var strategy: StrategyID
    /// The leg closed alone (its series); nil closes every open leg.
    public var leg: SeriesID?
    /// The strategy's name (`iron condor`).
    public var name: String

    public init(strategy: StrategyID, leg: SeriesID? = nil, name: String) {
        self.strategy = strategy
        self.leg = leg
        self.name = name
    }
}

/// Whose risk the risk view shows.
public enum RiskScope: String, CaseIterable, Hashable, Sendable {
    case account, pool
}

/// Which figure the exposure heat map shows per expiry × strike.
public enum ExposureMetric: String, CaseIterable, Hashable, Sendable {
    case contracts, delta, gamma, vega

    /// Column heading and legend word.
    public var label: String {
        switch self {
        case .contracts: "net contracts"
        case .delta: "Δ$"
        case .gamma: "Γ$"
        case .vega: "ν"
        }
    }

    /// The figure of one cell.
    public func value(_ cell: ExposureCell) -> Double {
        switch self {
        case .contracts: cell.contracts
        case .delta: cell.delta
        case .gamma: cell.gamma
        case .vega: cell.vega
        }
    }
}

/// The numbers the risk view shows, computed by the reducer as the engine moves (at most once per engine step and
/// risk-refresh interval, never per frame).
public struct RiskReport: Hashable, Sendable {
    public var scope: RiskScope
    public var grid: ScenarioGrid
    public var exposure: [ExposureCell]
    /// Option holdings priced (positions or series the pool is net in).
    public var holdings: Int
    /// Engine time and last event sequence the numbers were computed at.
    public var time: SimTime
    public var sequence: UInt64

    /// Computes the report for `scope` and `horizon` now.
    public static func compute(scope: RiskScope, horizon: ScenarioHorizon, account: AccountID, engine: Engine) -> RiskReport {
        let book = scope == .pool ? ScenarioRisk.poolBook(engine: engine) : ScenarioRisk.book(account: account, engine: engine)
        return RiskReport(scope: scope, grid: ScenarioRisk.grid(book, horizon: horizon), exposure: ScenarioRisk.exposure(book),
                          holdings: book.positions.count, time: engine.time, sequence: engine.lastEventSequence)
    }
}

/// The risk view's choices and the report it shows.
public struct RiskViewState: Hashable, Sendable {
    public var scope: RiskScope
    public var horizon: ScenarioHorizon
    public var metric: ExposureMetric
    public var report: RiskReport?

    public init(scope: RiskScope = .account, horizon: ScenarioHorizon = .now, metric: ExposureMetric = .contracts) {
        self.scope = scope
        self.horizon = horizon
        self.metric = metric
    }

    /// Recomputes the report when a choice changed or simulated time moved by a risk-refresh interval (the cadence the
    /// engine refreshes its own marks at) since it was made; otherwise the report stands, so a fast clock reprices the
    /// grid a few times a second, not every frame. `force` recomputes regardless (the desk's own fill, a settlement).
    mutating func refresh(account: AccountID, engine: Engine, force: Bool = false) {
        if !force, let report, report.scope == scope, report.grid.horizon == horizon,
           engine.time >= report.time, engine.time - report.time < engine.configuration.riskRefreshInterval { return }
        report = RiskReport.compute(scope: scope, horizon: horizon, account: account, engine: engine)
    }
}

/// One row of the positions panel: a single position, a strategy (its legs under it when expanded) or one of its legs.
public enum PositionRow: Hashable, Sendable {
    case single(PositionView)
    case strategy(StrategySummary)
    case leg(PositionView, of: StrategyID)

    /// The position the row stands for (nil for a strategy row).
    public var position: PositionView? {
        switch self {
        case .single(let view), .leg(let view, _): view
        case .strategy: nil
        }
    }
}

/// A strategy as the positions panel shows it: the holding, its legs' positions and its net P&L.
public struct StrategySummary: Hashable, Sendable {
    public var holding: StrategyHolding
    /// The legs' positions, in the holding's leg order (legs already closed are missing).
    public var legs: [PositionView]
    /// USD: the open legs' unrealized P&L summed — what each would fetch at its mark (closed alone) against its own cost
    /// basis, fees in. Before any leg is closed this is the legs' marks minus the strategy's net premium; after a leg
    /// is closed it is the P&L of what is left (the closed leg's P&L is realized, in the account and the log).
    public var unrealizedPnL: Double
    public var greeks: NetGreeks
    public var expanded: Bool

    /// Builds the summary of `holding` from the account's position views.
    public init(holding: StrategyHolding, views: [PositionView], expanded: Bool) {
        self.holding = holding
        self.expanded = expanded
        var legs: [PositionView] = []
        var open = 0.0
        var greeks = NetGreeks()
        for held in holding.legs {
            // Each leg is a position of its own, tagged with the strategy.
            guard let view = views.first(where: { $0.position.strategy == holding.id && $0.position.series == held.series }) else { continue }
            legs.append(view)
            open += view.unrealizedPnL
            greeks = greeks + view.greeks
        }
        self.legs = legs
        // Per leg, not holding.netPremium: the holding's premium is what opened it, and would ignore what closing a
        // leg cost.
        self.unrealizedPnL = open
        self.greeks = greeks
    }
}

extension DashboardReducer {
    /// The worst net premium a strategy order accepts: the previewed net cash flow (+ debit, − credit, fees in) moved
    /// against the trader by `tolerance` of its size — a debit may grow, a credit may shrink — with the allowance
    /// rounded down to the micro-unit (never more slippage than asked), as ``Order/slippageLimit(previewed:side:tolerance:)``
    /// does for one leg.
    public static func strategyLimit(previewed: Money, tolerance: Double) -> Money {
        let partsPerMillion = Int64((min(max(tolerance, 0), 1) * 1_000_000).rounded())
        let magnitude = Money(micros: abs(previewed.micros))
        return previewed + magnitude.scaled(by: partsPerMillion, over: 1_000_000, rounding: .down)
    }
}

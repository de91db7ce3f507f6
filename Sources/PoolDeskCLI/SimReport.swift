import Foundation
import PoolEngine

/// One row of `sim --report`'s time series: the pool and markets at one moment of the run.
struct SimReportRow: Hashable, Sendable {
    var time: SimTime
    /// Spot per market, in configuration order.
    var spots: [Double]
    /// The pool's accounts with both marks rounded once (NAV here is `accounts.nav`, exact in micro-USD).
    var accounts: PoolAccounts
    var utilization: Double
    /// Net Greeks in USD trader units summed over markets, hedge included (as the pool panel): delta in USD, gamma in
    /// USD per 1% move, vega in USD per vol point, theta in USD per day.
    var greeks: NetGreeks
    var queuedWithdrawals: Int
    var queuedValue: Money

    var sharePrice: Double { accounts.sharePrice }

    /// Reads the engine now.
    init(engine: Engine) {
        time = engine.time
        spots = engine.markets.map(\.spot)
        accounts = engine.poolAccounts()
        let snapshot = engine.poolSnapshot()
        utilization = snapshot.utilization
        greeks = snapshot.totalGreeksUSD
        queuedWithdrawals = snapshot.queuedWithdrawals
        queuedValue = snapshot.queuedValue
    }
}

/// Records what `sim --report` and the summary need while a run goes: a row at the start and after every chunk
/// (one simulated hour), insolvency events, and breaker halts with their times.
struct SimReportRecorder: Sendable {
    private(set) var symbols: [String]
    private(set) var rows: [SimReportRow] = []
    private(set) var insolvencyEvents = 0
    private(set) var insolvencyAmount = Money.zero
    private(set) var haltsStarted = 0
    /// Halts running now, by reason, with the time each began (or the run's start for one already running then).
    private var openHalts: [Halt.Reason: SimTime] = [:]
    /// Finished halt intervals (start, end) within the run.
    private var haltIntervals: [(SimTime, SimTime)] = []

    /// Starts recording at the engine's current state.
    init(engine: Engine) {
        symbols = engine.markets.map(\.symbol)
        rows.append(SimReportRow(engine: engine))
        for halt in engine.halts { openHalts[halt.reason] = engine.time }
    }

    /// Takes in the events of one advance (in order).
    mutating func observe(_ events: [EngineEvent]) {
        for event in events {
            switch event.payload {
            case .insolvency(let amount, _):
                insolvencyEvents += 1
                insolvencyAmount = insolvencyAmount + amount
            case .haltStarted(let halt):
                haltsStarted += 1
                openHalts[halt.reason] = event.time
            case .haltEnded(let halt):
                let began = openHalts.removeValue(forKey: halt.reason) ?? rows[0].time
                haltIntervals.append((began, event.time))
            default:
                break
            }
        }
    }

    /// Adds a row for the engine's current state.
    mutating func sample(_ engine: Engine) {
        rows.append(SimReportRow(engine: engine))
    }

    /// The summary of everything recorded, with halts still running counted until the last row.
    func summary(hedgingEnabled: Bool) -> SimReportSummary {
        let end = rows[rows.count - 1].time
        var intervals = haltIntervals
        for began in openHalts.values { intervals.append((began, end)) }
        return SimReportSummary(rows: rows, insolvencyEvents: insolvencyEvents, insolvencyAmount: insolvencyAmount,
                                haltsStarted: haltsStarted, haltIntervals: intervals, hedgingEnabled: hedgingEnabled)
    }
}

/// What an LP wants to know about a run: return, risk, where the P&L came from, and what went wrong.
struct SimReportSummary: Hashable, Sendable {
    struct LP: Hashable, Sendable, Codable {
        var sharePriceStart: Double
        var sharePriceEnd: Double
        /// Share price end ÷ start − 1.
        var totalReturn: Double
        /// (1 + return)^(365 days ÷ run length) − 1; -1 when the share price went to zero or below.
        var annualizedReturn: Double
        /// Largest fall of the share price from its running peak, as a fraction of the peak (0 when it never fell).
        var maxDrawdown: Double
        /// Sample standard deviation of the hourly log returns of the share price × √8760 (0 with fewer than two).
        var volatility: Double
        /// Hourly returns the volatility is computed from (only intervals of exactly one hour count).
        var hourlyReturns: Int
    }

    /// P&L attribution over the run in USD (each value an exact micro-USD amount).
    struct Attribution: Hashable, Sendable, Codable {
        var navStart: Double
        var navEnd: Double
        var deposits: Double
        /// Withdrawals at their value before the withdrawal fee.
        var withdrawals: Double
        var navChangeExcludingFlows: Double
        /// Trading fees + withdrawal fees.
        var fees: Double
        var tradingFees: Double
        var withdrawalFees: Double
        var options: Double
        var optionPremiums: Double
        var optionSettlements: Double
        var optionMarkChange: Double
        var hedge: Double
        var hedgeRealized: Double
        var hedgeCosts: Double
        var hedgeUnpaid: Double
        var hedgeMarkChange: Double
        var penalties: Double
        var reserve: Double
        /// NAV change excluding flows − (fees + options + hedge + penalties − reserve), in micro-USD: 0 means exact.
        var residualMicros: Int64
        var exact: Bool
    }

    struct Insolvency: Hashable, Sendable, Codable {
        var events: Int
        /// USD recorded as insolvency in the run.
        var amount: Double
    }

    struct Halts: Hashable, Sendable, Codable {
        /// Breaker halts that began in the run.
        var count: Int
        /// Sum of every halt's duration within the run, in hours (overlapping halts each count).
        var totalHours: Double
        /// Hours during which at least one halt was in force.
        var haltedHours: Double
    }

    var start: SimTime
    var end: SimTime
    var hours: Double
    /// Runs shorter than this (a week) print no annualised return.
    static let shortestAnnualisedHours = 7 * 24.0
    var hedgingEnabled: Bool
    var lp: LP
    var attribution: Attribution
    /// The exact terms, for the text report and the identity check.
    var exactAttribution: PoolAttribution
    var insolvency: Insolvency
    var halts: Halts

    init(rows: [SimReportRow], insolvencyEvents: Int, insolvencyAmount: Money, haltsStarted: Int,
         haltIntervals: [(SimTime, SimTime)], hedgingEnabled: Bool) {
        let first = rows[0], last = rows[rows.count - 1]
        start = first.time
        end = last.time
        let milliseconds = Double(end.milliseconds - start.milliseconds)
        hours = milliseconds / 3_600_000
        self.hedgingEnabled = hedgingEnabled
        lp = Self.lpFigures(rows.map(\.time), rows.map(\.sharePrice))
        let exact = PoolAttribution(from: first.accounts, to: last.accounts)
        exactAttribution = exact
        attribution = Attribution(
            navStart: exact.navStart.doubleValue, navEnd: exact.navEnd.doubleValue, deposits: exact.deposits.doubleValue,
            withdrawals: exact.withdrawals.doubleValue, navChangeExcludingFlows: exact.navChangeExcludingFlows.doubleValue,
            fees: exact.fees.doubleValue, tradingFees: exact.tradingFees.doubleValue,
            withdrawalFees: exact.withdrawalFees.doubleValue, options: exact.options.doubleValue, optionPremiums: exact.optionPremiums.doubleValue,
            optionSettlements: exact.optionSettlements.doubleValue, optionMarkChange: exact.optionMarkChange.doubleValue,
            hedge: exact.hedge.doubleValue, hedgeRealized: exact.hedgeRealized.doubleValue, hedgeCosts: exact.hedgeCosts.doubleValue,
            hedgeUnpaid: exact.hedgeUnpaid.doubleValue, hedgeMarkChange: exact.hedgeMarkChange.doubleValue,
            penalties: exact.penalties.doubleValue, reserve: exact.reserve.doubleValue,
            residualMicros: exact.residual.micros, exact: exact.residual.isZero)
        insolvency = Insolvency(events: insolvencyEvents, amount: insolvencyAmount.doubleValue)
        halts = Halts(count: haltsStarted, totalHours: Self.totalHours(haltIntervals), haltedHours: Self.unionHours(haltIntervals))
    }

    /// Return, annualised return, drawdown and volatility from share prices at `times`.
    static func lpFigures(_ times: [SimTime], _ prices: [Double]) -> LP {
        let first = prices[0], last = prices[prices.count - 1]
        let totalReturn = first > 0 ? last / first - 1 : 0
        let years = Double(times[times.count - 1].milliseconds - times[0].milliseconds) / (365 * 86_400_000)
        var annualized = 0.0
        if totalReturn <= -1 {
            annualized = -1
        } else if years > 0 {
            annualized = Foundation.exp(Foundation.log1p(totalReturn) / years) - 1
        }
        var peak = -Double.infinity, drawdown = 0.0
        for price in prices {
            peak = max(peak, price)
            if peak > 0 { drawdown = max(drawdown, 1 - price / peak) }
        }
        var returns: [Double] = []
        for index in prices.indices.dropFirst()
        where times[index].milliseconds - times[index - 1].milliseconds == 3_600_000 && prices[index - 1] > 0 && prices[index] > 0 {
            returns.append(Foundation.log(prices[index] / prices[index - 1]))
        }
        var volatility = 0.0
        if returns.count >= 2 {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
            volatility = (variance * 8_760).squareRoot()
        }
        return LP(sharePriceStart: first, sharePriceEnd: last, totalReturn: totalReturn, annualizedReturn: annualized,
                  maxDrawdown: drawdown, volatility: volatility, hourlyReturns: returns.count)
    }

    static func totalHours(_ intervals: [(SimTime, SimTime)]) -> Double {
        intervals.reduce(0) { $0 + Double($1.1.milliseconds - $1.0.milliseconds) } / 3_600_000
    }

    static func unionHours(_ intervals: [(SimTime, SimTime)]) -> Double {
        var total: Int64 = 0
        var current: (SimTime, SimTime)?
        for interval in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let open = current, interval.0 <= open.1 {
                current = (open.0, max(open.1, interval.1))
            } else {
                if let open = current { total += open.1.milliseconds - open.0.milliseconds }
                current = interval
            }
        }
        if let open = current { total += open.1.milliseconds - open.0.milliseconds }
        return Double(total) / 3_600_000
    }

    // MARK: - Text

    /// The summary as aligned text lines (used by `summary.txt` and the `sim` text report).
    func lines() -> [(label: String, value: String, unit: String)] {
        func money(_ value: Money) -> String { SimReportFormat.money(value, grouped: true) }
        func percent(_ value: Double) -> String { SimSummaryFormat.grouped(value * 100, decimals: 3) }
        let a = exactAttribution
        return [
            ("Share price", SimSummaryFormat.grouped(lp.sharePriceStart, decimals: 6) + " → " + SimSummaryFormat.grouped(lp.sharePriceEnd, decimals: 6), ""),
            ("LP return", percent(lp.totalReturn), "%"),
            // Compounding a few days' return to a year turns noise into absurd figures (+34,521,161% from a day):
            // the text says it only for a week or more (the JSON keeps the number, with `hours` beside it).
            hours >= Self.shortestAnnualisedHours
                ? ("Annualised return", percent(lp.annualizedReturn), "%")
                : ("Annualised return", "—", "(not shown for runs under 7 days)"),
            ("Max drawdown", percent(lp.maxDrawdown), "% of the share price's peak"),
            ("Volatility", percent(lp.volatility), "% a year, from \(Plural.count(lp.hourlyReturns, "hourly return"))"),
            ("NAV at start", money(a.navStart), "USD"),
            ("NAV at end", money(a.navEnd), "USD"),
            ("LP deposits", money(a.deposits), "USD"),
            ("LP withdrawals", money(SimReportFormat.negated(a.withdrawals)), "USD before their fee"),
            ("NAV change ex flows", money(a.navChangeExcludingFlows), "USD"),
            ("  Fees", money(a.fees), "USD"),
            ("    trading", money(a.tradingFees), "USD"),
            ("    withdrawal", money(a.withdrawalFees), "USD"),
            ("  Options", money(a.options), "USD"),
            ("    premiums", money(a.optionPremiums), "USD"),
            ("    settlements", money(a.optionSettlements), "USD"),
            ("    mark change", money(a.optionMarkChange), "USD"),
            ("  Hedge", money(a.hedge), "USD"),
            ("    realized", money(a.hedgeRealized), "USD"),
            ("    costs", money(SimReportFormat.negated(a.hedgeCosts)), "USD"),
            ("    unpaid", money(a.hedgeUnpaid), "USD"),
            ("    mark change", money(a.hedgeMarkChange), "USD"),
            ("  Liquidation penalties", money(a.penalties), "USD"),
            ("  Reserve", money(SimReportFormat.negated(a.reserve)), "USD"),
            ("  Sum of terms", money(a.explained), a.residual.isZero ? "USD = NAV change ex flows, exact" : "USD, off by \(money(a.residual))"),
            ("Insolvency", money(Money(rounding: insolvency.amount, .toNearestOrAwayFromZero)), "USD in \(Plural.count(insolvency.events, "event"))"),
            ("Breaker halts", SimSummaryFormat.grouped(Double(halts.count), decimals: 0),
             "\(SimSummaryFormat.grouped(halts.totalHours, decimals: 2)) h in all, \(SimSummaryFormat.grouped(halts.haltedHours, decimals: 2)) h with trading halted"),
            ("Hedging", hedgingEnabled ? "on" : "off", ""),
        ]
    }

    /// `summary.txt`: a heading and the aligned lines.
    func text() -> String {
        let rows = lines()
        let labelWidth = rows.map { $0.label.count }.max() ?? 0
        let valueWidth = rows.map { $0.value.count }.max() ?? 0
        var out = ["PoolDesk LP report · \(start) → \(end) · \(SimSummaryFormat.grouped(hours, decimals: 2)) h", ""]
        for row in rows {
            let line = row.label + String(repeating: " ", count: labelWidth - row.label.count + 2)
                + String(repeating: " ", count: valueWidth - row.value.count) + row.value
            out.append(row.unit.isEmpty ? line : line + "  " + row.unit)
        }
        out.append("")
        out.append("NAV change ex flows = fees + options + hedge + liquidation penalties − reserve (micro-USD exact).")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    /// The summary as it appears in `sim --json` (key `report`) and `summary.json`.
    struct JSONBody: Encodable {
        /// The report's first and last row (not named start/end: `sim --json` has those at its top level).
        var from: String
        var to: String
        var hours: Double
        var hedging: Bool
        var lp: LP
        var attribution: Attribution
        var insolvency: Insolvency
        var halts: Halts
    }

    var jsonBody: JSONBody {
        JSONBody(from: start.description, to: end.description, hours: hours, hedging: hedgingEnabled, lp: lp,
                 attribution: attribution, insolvency: insolvency, halts: halts)
    }

}

/// Number text for reports: exact micro-USD amounts, without locale.
enum SimReportFormat {
    /// `-1234.5` gives `-1234.500000` (or `-1,234.500000` grouped): every micro-unit, always six decimals.
    static func money(_ value: Money, grouped: Bool = false) -> String {
        let negative = value.micros < 0
        let magnitude = value.micros.magnitude
        let whole = magnitude / 1_000_000
        let fraction = String(magnitude % 1_000_000)
        var wholeText = String(whole)
        if grouped {
            var digits = Array(wholeText)
            var groups: [String] = []
            while digits.count > 3 {
                groups.insert(String(digits.suffix(3)), at: 0)
                digits.removeLast(3)
            }
            groups.insert(String(digits), at: 0)
            wholeText = groups.joined(separator: ",")
        }
        return (negative ? "-" : "") + wholeText + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Wrapping negation, for showing outflows with their sign.
    static func negated(_ value: Money) -> Money { Money(micros: 0 &- value.micros) }

    /// A `Double` with fixed decimals, `nan`/`inf` for non-finite values (no grouping: for CSV).
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        return String(format: "%.\(decimals)f", value)
    }
}

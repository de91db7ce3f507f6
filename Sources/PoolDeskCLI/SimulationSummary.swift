import Foundation
import PoolEngine

/// Invariant checks made during a headless run: how many, how many violations, and the first few of them.
struct SimulationInvariantLog: Hashable, Sendable {
    /// Violations kept verbatim; the rest are only counted.
    static let keptViolations = 5

    var checks = 0
    var violationCount = 0
    var firstViolations: [String] = []

    /// Whether no check found anything.
    var isClean: Bool { violationCount == 0 }

    /// Records one check made at `time`.
    mutating func record(_ violations: [InvariantViolation], at time: SimTime) {
        record(descriptions: violations.map(\.description), at: time)
    }

    /// Records one check made at `time` that found the violations described.
    mutating func record(descriptions: [String], at time: SimTime) {
        checks += 1
        violationCount += descriptions.count
        for description in descriptions where firstViolations.count < Self.keptViolations {
            firstViolations.append("\(time): \(description)")
        }
    }
}

/// What `pooldesk sim` reports, computed purely from the engine at the end of a run and the wall time it took.
struct SimulationSummary: Hashable, Sendable {
    /// Spot of one market at the end of the run.
    struct MarketFigure: Hashable, Sendable, Codable {
        var symbol: String
        var spot: Double
    }

    /// The pool at the end of the run; Greeks in USD trader units summed over markets, hedge included.
    struct PoolFigures: Hashable, Sendable, Codable {
        var nav: Double
        var sharePrice: Double
        var utilization: Double
        var freeLiquidity: Double
        var fees: Double
        /// USD of delta.
        var netDelta: Double
        /// USD change of delta per 1% move.
        var netGamma: Double
        /// USD per vol point.
        var netVega: Double
        /// USD per day.
        var netTheta: Double
    }

    /// The session the run belongs to: a new one, or a resumed journal's (whose seed and bots were used).
    struct Session: Hashable, Sendable {
        /// The seed of the market that was simulated.
        var seed: UInt64
        /// The simulated participants that took part.
        var bots: Int
        /// For a resumed journal, the simulated time it was resumed at; nil for a new session.
        var resumedFrom: SimTime?
    }

    /// Session totals of a resumed journal, from its beginning to the end of this run.
    struct SessionTotals: Hashable, Sendable, Codable {
        var ticks: Int
        var trades: Int
        var settlements: Int
        var liquidations: Int
        var rejections: Int
    }

    var session: Session
    var seed: UInt64 { session.seed }
    var bots: Int { session.bots }
    /// Totals since the session began, when that differs from this run (a resumed journal).
    var sessionTotals: SessionTotals?
    var start: SimTime
    var end: SimTime
    var ticks: Int
    var wallSeconds: Double
    var markets: [MarketFigure]
    var pool: PoolFigures
    var trades: Int
    var settlements: Int
    var liquidations: Int
    /// Rejection counts in `RejectionReason` declaration order, zeros omitted.
    var rejections: [RejectionCount]
    var invariants: SimulationInvariantLog
    /// The LP report of this run (return, drawdown, volatility, P&L attribution, insolvency, halts), from the rows
    /// recorded at its start and after every chunk; nil when the summary was made without them.
    var report: SimReportSummary?

    /// One rejection reason and how often it was given.
    struct RejectionCount: Hashable, Sendable {
        var reason: RejectionReason
        var count: Int
    }

    /// Summarises `engine` after a run that started at `start` with the engine's statistics at `before`:
    /// the counts are this run's (the difference), and a resumed session's totals are kept apart.
    init(engine: Engine, start: SimTime, before: EngineStatistics? = nil, session: Session,
         wallSeconds: Double, invariants: SimulationInvariantLog) {
        self.session = session
        self.start = start
        end = engine.time
        let after = engine.statistics
        // Without a starting point (a new session) every count belongs to this run.
        let before = before ?? Self.noActivity(like: after)
        ticks = after.ticks - before.ticks
        self.wallSeconds = wallSeconds
        markets = engine.markets.map { MarketFigure(symbol: $0.symbol, spot: $0.spot) }
        let snapshot = engine.poolSnapshot()
        pool = PoolFigures(
            nav: snapshot.nav, sharePrice: snapshot.sharePrice, utilization: snapshot.utilization,
            freeLiquidity: snapshot.freeLiquidity.doubleValue, fees: snapshot.feesEarned.doubleValue,
            netDelta: snapshot.totalGreeksUSD.delta, netGamma: snapshot.totalGreeksUSD.gamma,
            netVega: snapshot.totalGreeksUSD.vega, netTheta: snapshot.totalGreeksUSD.theta)
        trades = after.trades - before.trades
        settlements = after.settlements - before.settlements
        liquidations = after.liquidations - before.liquidations
        rejections = RejectionReason.allCases.indices.compactMap { index in
            let count = after.rejectionCounts[index] - before.rejectionCounts[index]
            return count > 0 ? RejectionCount(reason: RejectionReason.allCases[index], count: count) : nil
        }
        if session.resumedFrom != nil {
            sessionTotals = SessionTotals(
                ticks: after.ticks, trades: after.trades, settlements: after.settlements,
                liquidations: after.liquidations, rejections: after.totalRejections)
        }
        self.invariants = invariants
    }

    /// Statistics with every count zero (EngineStatistics has no public initializer).
    private static func noActivity(like statistics: EngineStatistics) -> EngineStatistics {
        var zero = statistics
        zero.ticks = 0
        zero.trades = 0
        zero.settlements = 0
        zero.liquidations = 0
        zero.rejectionCounts = zero.rejectionCounts.map { _ in 0 }
        return zero
    }

    /// Ticks simulated per second of wall time (0 when no time was measured).
    var ticksPerSecond: Double { wallSeconds > 0 ? Double(ticks) / wallSeconds : 0 }

    var totalRejections: Int { rejections.reduce(0) { $0 + $1.count } }

    // MARK: - JSON

    private struct JSONBody: Encodable {
        struct Invariants: Encodable {
            var ok: Bool
            var violations: Int
            var checks: Int
            var firstViolations: [String]
        }

        /// The session's seed and participants (a resumed journal's own, not flags).
        var seed: UInt64
        var bots: Int
        /// Whether an existing journal was resumed; then `session` holds its totals and the counts here are this run's.
        var resumed: Bool
        var session: SessionTotals?
        var start: String
        var end: String
        var ticks: Int
        var ticksPerSecond: Double
        var markets: [MarketFigure]
        var pool: PoolFigures
        var trades: Int
        var settlements: Int
        var liquidations: Int
        var rejections: [String: Int]
        var invariants: Invariants
        /// The LP report (``SimReportSummary/JSONBody``), as in `summary.json` of `--report`.
        var report: SimReportSummary.JSONBody?
    }

    /// One JSON object with sorted keys; identical for identical runs except `ticksPerSecond`.
    func json() throws -> String {
        var rejectionMap: [String: Int] = [:]
        for entry in rejections { rejectionMap[entry.reason.rawValue] = entry.count }
        let body = JSONBody(
            seed: seed, bots: bots, resumed: session.resumedFrom != nil, session: sessionTotals, start: start.description, end: end.description, ticks: ticks,
            ticksPerSecond: (ticksPerSecond * 10).rounded() / 10, markets: markets, pool: pool, trades: trades,
            settlements: settlements, liquidations: liquidations, rejections: rejectionMap,
            invariants: .init(ok: invariants.isClean, violations: invariants.violationCount, checks: invariants.checks,
                              firstViolations: invariants.firstViolations),
            report: report?.jsonBody)
        return try JSONOutput.text(body)
    }

    // MARK: - Text

    /// An aligned report for a person to read.
    func render() -> String {
        enum Line {
            case text(String)
            case row(label: String, value: String, unit: String)
        }
        func row(_ label: String, _ value: String, _ unit: String = "") -> Line { .row(label: label, value: value, unit: unit) }
        func number(_ value: Double, _ decimals: Int) -> String { SimSummaryFormat.grouped(value, decimals: decimals) }

        let simulated = SimDuration(milliseconds: end.milliseconds - start.milliseconds)
        var lines: [Line] = [
            .text(sessionTotals == nil
                ? "PoolDesk simulation · seed \(seed) · \(simulated) · \(Plural.count(bots, "bot"))"
                : "PoolDesk simulation · resumed session (seed \(seed) · \(Plural.count(bots, "bot"))); "
                    + "this run: \(simulated), \(Plural.count(trades, "trade"))"),
            .text(""),
            .text("  Simulated \(start) → \(end)"),
            row("Ticks", number(Double(ticks), 0), "in \(number(wallSeconds, 2)) s wall"),
            row("Speed", number(ticksPerSecond, 0), "ticks/s"),
            .text(""),
            .text("Markets"),
        ]
        lines += markets.map { row($0.symbol, number($0.spot, 2), "USD") }
        lines += [
            .text(""),
            .text("Pool"),
            row("NAV", number(pool.nav, 2), "USD"),
            row("Share price", number(pool.sharePrice, 6)),
            row("Utilization", number(pool.utilization * 100, 2), "%"),
            row("Free liquidity", number(pool.freeLiquidity, 2), "USD"),
            row("Fees earned", number(pool.fees, 2), "USD"),
            row("Net delta", number(pool.netDelta, 2), "USD"),
            row("Net gamma", number(pool.netGamma, 2), "USD per 1% move"),
            row("Net vega", number(pool.netVega, 2), "USD per vol point"),
            row("Net theta", number(pool.netTheta, 2), "USD per day"),
            .text(""),
            .text("Activity"),
            row("Trades", number(Double(trades), 0)),
            row("Settlements", number(Double(settlements), 0)),
            row("Liquidations", number(Double(liquidations), 0)),
            row("Rejections", number(Double(totalRejections), 0)),
        ]
        lines += rejections.map { row("  " + SimSummaryFormat.words($0.reason.rawValue), number(Double($0.count), 0)) }
        if let report {
            lines += [.text(""), .text("LP report (share price, P&L attribution of the NAV change)")]
            lines += report.lines().map { row($0.label, $0.value, $0.unit) }
        }
        if let totals = sessionTotals {
            lines += [
                .text(""),
                .text("Session so far (since its start, this run included)"),
                row("Ticks", number(Double(totals.ticks), 0)),
                row("Trades", number(Double(totals.trades), 0)),
                row("Settlements", number(Double(totals.settlements), 0)),
                row("Liquidations", number(Double(totals.liquidations), 0)),
                row("Rejections", number(Double(totals.rejections), 0)),
            ]
        }
        lines.append(.text(""))
        if invariants.isClean {
            lines.append(row("Invariants", "OK", "\(Plural.count(invariants.checks, "check")), no violations"))
        } else {
            lines.append(row("Invariants", "FAILED", "\(Plural.count(invariants.violationCount, "violation")) in \(Plural.count(invariants.checks, "check"))"))
            lines += invariants.firstViolations.map { .text("    " + $0) }
        }

        // Columns sized to the widest label and value, so every number ends in the same column.
        var labelWidth = 0, valueWidth = 0
        for case .row(let label, let value, _) in lines {
            labelWidth = max(labelWidth, label.count)
            valueWidth = max(valueWidth, value.count)
        }
        return lines.map { line -> String in
            switch line {
            case .text(let text): return text
            case .row(let label, let value, let unit):
                let padded = "  " + label + String(repeating: " ", count: labelWidth - label.count + 2)
                    + String(repeating: " ", count: valueWidth - value.count) + value
                return unit.isEmpty ? padded : padded + "  " + unit
            }
        }.joined(separator: "\n")
    }
}

/// Number text for the summary: fixed decimals and thousands separators, without locale.
enum SimSummaryFormat {
    /// `deltaCutoff` gives `delta cutoff`: a camel-case name as lower-case words.
    static func words(_ camelCase: String) -> String {
        var text = ""
        for character in camelCase {
            if character.isUppercase {
                text += " " + character.lowercased()
            } else {
                text.append(character)
            }
        }
        return text
    }

    /// `1234567.891` with 2 decimals gives `1,234,567.89`; non-finite values print as `nan`, `inf` or `-inf`.
    static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value > 0 ? "inf" : "-inf" }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = units / divisor
        var text = ""
        var digits = Array(String(whole))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(String(digits), at: 0)
        text = groups.joined(separator: ",")
        if decimals > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (value < 0 && units > 0 ? "-" : "") + text
    }
}

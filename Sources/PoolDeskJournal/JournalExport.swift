import Foundation
import GRDB
import PoolEngine

/// `pooldesk export`: fills, settlements, liquidations and LP flows for spreadsheets and scripts.
///
/// Every record is an ``ExportRecord``: the same named fields (snake_case) in CSV columns and JSON keys, money and
/// quantities as exact decimal strings with six places (never through `Double`), prices and IVs rounded to six.
public enum JournalExport {
    /// Output formats.
    public enum Format: String, CaseIterable, Sendable {
        case csv, json

        /// `csv`, `CSV`, `Json`: case does not matter.
        public init?(name: String) { self.init(rawValue: name.lowercased()) }
    }

    /// CSV columns, in order: the keys of ``ExportRecord``.
    public static let csvColumns = ExportRecord.CodingKeys.allCases.map(\.stringValue)

    /// JSON sections, in order, and the record kinds each holds.
    static let sections: [(name: String, records: Set<String>)] = [
        ("fills", ["fill"]), ("settlements", ["settlement"]), ("liquidations", ["liquidation"]),
        ("lp_flows", ["deposit", "withdrawal", "withdrawal_queued"]),
        ("strategies", ["strategy_opened", "strategy_changed", "strategy_closed"]),
    ]

    /// Writes the export of the journal at `path` through `write`, in event order; `account` (a number or a name)
    /// keeps only that account's records. Throws ``JournalError`` for a bad file or an account the session never had.
    public static func export(path: String, format: Format, account: String? = nil, write: (String) -> Void) throws {
        let queue = try JournalReader.openReadOnly(path: path)
        try JournalReader.guarded(path) {
            try queue.read { db in
                let session = try SessionRecord.read(db, path: path)
                // An export is evidence: a journal whose hash chain is broken is refused, as for resume and replay.
                try JournalVerifier.checkChainBeforeUse(db, session: session, path: path)
                let decoder = JournalCodec.makeDecoder()
                var names: [Int64: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT account, payload FROM events WHERE kind = 'accountOpened' ORDER BY seq") {
                    let payloadText: String = row["payload"]
                    if case .accountOpened(let id, let name, _, _) = try decoder.decode(EventPayload.self, from: Data(payloadText.utf8)) {
                        names[Int64(id.index)] = name
                    }
                }
                var only: Int64?
                if let account {
                    guard let id = Int64(account).flatMap({ names[$0] != nil ? $0 : nil }) ?? names.first(where: { $0.value == account })?.key else {
                        throw JournalError("\(path): no account \"\(account)\" in this session (accounts: \(names.sorted { $0.key < $1.key }.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", "))…)")
                    }
                    only = id
                }
                let kinds = ExportRecord.exportedKinds
                let placeholders = kinds.map { _ in "?" }.joined(separator: ",")
                var filter = ""
                var arguments = StatementArguments(kinds)
                if let only {
                    filter = " AND account = ?"
                    arguments += [only]
                }
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT seq, sim_time, account, series, payload FROM events WHERE kind IN (\(placeholders))\(filter) ORDER BY seq
                    """, arguments: arguments)
                var byRecord: [String: [ExportRecord]] = [:]
                if format == .csv { write(csvColumns.joined(separator: ",") + "\n") }
                while let row = try cursor.next() {
                    let payloadText: String = row["payload"]
                    let payload = try decoder.decode(EventPayload.self, from: Data(payloadText.utf8))
                    let account: Int64? = row["account"]
                    guard var record = ExportRecord(payload) else { continue }
                    record.seq = row["seq"]
                    record.time = SimTime(milliseconds: row["sim_time"]).description
                    record.account = account
                    record.accountName = account.flatMap { names[$0] }
                    record.series = row["series"]
                    switch format {
                    case .csv: write(record.csvLine + "\n")
                    case .json: byRecord[record.record, default: []].append(record)
                    }
                }
                if format == .json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    func section(_ name: String) -> [ExportRecord] {
                        let kinds = JournalExport.sections.first { $0.name == name }?.records ?? []
                        return kinds.flatMap { byRecord[$0] ?? [] }.sorted { $0.seq < $1.seq }
                    }
                    let document = ExportDocument(
                        session: ExportSession(seed: String(session.parameters.seed), createdAt: session.createdAt,
                                               deskAccount: session.deskAccount.index, account: only),
                        fills: section("fills"), settlements: section("settlements"), liquidations: section("liquidations"),
                        lpFlows: section("lp_flows"), strategies: section("strategies").nilIfEmpty)
                    write(String(decoding: try encoder.encode(document), as: UTF8.self) + "\n")
                }
            }
        }
    }
}

/// The whole JSON export: the session, then one array per section.
struct ExportDocument: Encodable {
    var session: ExportSession
    var fills: [ExportRecord]
    var settlements: [ExportRecord]
    var liquidations: [ExportRecord]
    var lpFlows: [ExportRecord]
    /// Strategy records (opened, changed, closed); left out of sessions that never had a strategy, so their export
    /// stays what it always was.
    var strategies: [ExportRecord]?

    enum CodingKeys: String, CodingKey { case session, fills, settlements, liquidations, lpFlows = "lp_flows", strategies }
}

extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}

/// The session line of a JSON export.
struct ExportSession: Encodable {
    /// The seed as text: a UInt64 does not survive JSON readers that use doubles.
    var seed: String
    var createdAt: String
    var deskAccount: Int
    /// The account the export was filtered to, if any.
    var account: Int64?

    enum CodingKeys: String, CodingKey {
        case seed, createdAt = "created_at", deskAccount = "desk_account", account
    }
}

/// An exact amount in an export: six decimals, as a string in JSON (`"1250.500000"`), so no reader rounds it.
struct ExactAmount: Encodable, Hashable {
    var micros: Int64
    init<T: FixedPointAmount>(_ value: T) { micros = value.micros }
    var text: String {
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (micros < 0 ? "-" : "") + "\(magnitude / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A price, spot or IV rounded to six decimals, as a JSON number.
struct RoundedNumber: Encodable, Hashable {
    var value: Double
    var text: String { value.isFinite ? String(format: "%.6f", value) : "" }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isFinite, let decimal = Decimal(string: text) { try container.encode(decimal) } else { try container.encodeNil() }
    }
}

/// One exported record. A column means the same thing in every record kind; kinds leave the columns they do not
/// have empty (CSV) or out (JSON).
///
/// - `quantity`: contracts (signed for settlements: negative for a short), or LP shares' count is in `shares`.
/// - `premium`, `fee`: USD, the fill's model premium and fee; for a liquidation, the buy-back cost and the penalty.
/// - `price`: USD per contract for a fill, the settlement spot for a settlement, the share price for LP flows.
/// - `amount`: USD paid out (settlement payoff, liquidation remainder returned, deposit, withdrawal net of fee); for a
///   strategy record, its net premium for that step (fees in, paid positive, received negative).
/// - `collateral_posted` / `collateral_released`: USD, never negative; a fill posts (opening a short) or
///   releases (closing one); settlements and liquidations release.
public struct ExportRecord: Encodable, Hashable {
    public var record: String
    public var seq: Int64 = 0
    public var time: String = ""
    public var account: Int64?
    public var accountName: String?
    public var series: String?
    var side: String?
    var quantity: ExactAmount?
    var premium: ExactAmount?
    var fee: ExactAmount?
    var price: RoundedNumber?
    var amount: ExactAmount?
    var shares: ExactAmount?
    var collateralPosted: ExactAmount?
    var collateralReleased: ExactAmount?
    var realizedPnl: ExactAmount?
    var shortfall: ExactAmount?
    var ivBefore: RoundedNumber?
    var ivAfter: RoundedNumber?
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case record, seq, time, account, accountName = "account_name", series, side, quantity, premium, fee, price, amount
        case shares, collateralPosted = "collateral_posted", collateralReleased = "collateral_released"
        case realizedPnl = "realized_pnl", shortfall, ivBefore = "iv_before", ivAfter = "iv_after", note
    }

    /// Event kinds that become records (by the journal's `kind` column).
    static let exportedKinds = ["orderFilled", "positionSettled", "liquidated", "deposited", "withdrawn", "withdrawalQueued",
                                "strategyOpened", "strategyChanged", "strategyClosed"]

    /// The record of an event, or nil for the kinds that are not trades or money flows of an account. The switch is
    /// exhaustive on purpose: a new event kind must be decided here, not dropped by a `default`.
    init?(_ payload: EventPayload) {
        switch payload {
        case .orderFilled(let fill):
            self.init(record: "fill")
            side = fill.side.rawValue
            quantity = ExactAmount(fill.quantity)
            premium = ExactAmount(fill.premium)
            fee = ExactAmount(fill.fee)
            price = RoundedNumber(value: fill.pricePerContract)
            if fill.collateralChange.isPositive { collateralPosted = ExactAmount(fill.collateralChange) }
            if fill.collateralChange.isNegative { collateralReleased = ExactAmount(-fill.collateralChange) }
            realizedPnl = ExactAmount(fill.realizedPnL)
            ivBefore = RoundedNumber(value: fill.volatilityBefore)
            ivAfter = RoundedNumber(value: fill.volatilityAfter)
            if fill.isLiquidation { note = "forced close" }
            if let strategy = fill.strategy { note = (note.map { $0 + ", " } ?? "") + "leg of \(strategy)" }
        case .positionSettled(let settlement):
            self.init(record: "settlement")
            quantity = ExactAmount(settlement.quantity)
            price = RoundedNumber(value: settlement.spot)
            amount = ExactAmount(settlement.payoff)
            collateralReleased = ExactAmount(settlement.collateralReleased)
            realizedPnl = ExactAmount(settlement.realizedPnL)
            shortfall = ExactAmount(settlement.shortfall)
        case .liquidated(let liquidation):
            self.init(record: "liquidation")
            quantity = ExactAmount(liquidation.quantity)
            premium = ExactAmount(liquidation.buybackCost)
            fee = ExactAmount(liquidation.penalty)
            amount = ExactAmount(liquidation.returned)
            collateralReleased = ExactAmount(liquidation.collateral)
            shortfall = ExactAmount(liquidation.shortfall)
        case .deposited(_, let deposited, let minted, let sharePrice):
            self.init(record: "deposit")
            amount = ExactAmount(deposited)
            shares = ExactAmount(minted)
            price = RoundedNumber(value: sharePrice)
        case .withdrawn(_, let burned, let paid, let withdrawalFee, let sharePrice):
            self.init(record: "withdrawal")
            amount = ExactAmount(paid)
            shares = ExactAmount(burned)
            fee = ExactAmount(withdrawalFee)
            price = RoundedNumber(value: sharePrice)
        case .withdrawalQueued(_, let queued):
            self.init(record: "withdrawal_queued")
            shares = ExactAmount(queued)
        case .strategyOpened(let activity), .strategyChanged(let activity), .strategyClosed(let activity):
            // One record per strategy step beside its legs' fills or settlements: the net premium (fees in, paid
            // positive) in `amount`, the collateral the strategy as a whole posted or released, and what it was.
            switch payload {
            case .strategyOpened: self.init(record: "strategy_opened")
            case .strategyClosed: self.init(record: "strategy_closed")
            default: self.init(record: "strategy_changed")
            }
            quantity = ExactAmount(activity.legs.reduce(Quantity.zero) { $0 + Quantity(micros: abs($1.quantity.micros)) })
            amount = ExactAmount(activity.netPremium)
            fee = ExactAmount(activity.fees)
            if activity.collateralChange.isPositive { collateralPosted = ExactAmount(activity.collateralChange) }
            if activity.collateralChange.isNegative { collateralReleased = ExactAmount(-activity.collateralChange) }
            realizedPnl = ExactAmount(activity.realizedPnL)
            note = "\(activity.name) \(activity.strategy) \(activity.cause.rawValue), \(activity.legs.count) leg\(activity.legs.count == 1 ? "" : "s")"
        case .accountOpened, .accountFunded, .boardListed, .orderRejected, .boardSettled, .hedged, .haltStarted,
             .haltEnded, .hedgingChanged, .insolvency, .shocked:
            // Not a trade or a money flow of one account: the pool's own events and refusals are in the journal's
            // `events` table (and the dashboard's log), not in this export.
            return nil
        }
    }

    init(record: String) { self.record = record }

    /// The record as one CSV line, in ``JournalExport/csvColumns`` order.
    var csvLine: String {
        func cell(_ key: CodingKeys) -> String {
            switch key {
            case .record: csvField(record)
            case .seq: String(seq)
            case .time: time
            case .account: account.map(String.init) ?? ""
            case .accountName: accountName.map(csvField) ?? ""
            case .series: series ?? ""
            case .side: side ?? ""
            case .quantity: quantity?.text ?? ""
            case .premium: premium?.text ?? ""
            case .fee: fee?.text ?? ""
            case .price: price?.text ?? ""
            case .amount: amount?.text ?? ""
            case .shares: shares?.text ?? ""
            case .collateralPosted: collateralPosted?.text ?? ""
            case .collateralReleased: collateralReleased?.text ?? ""
            case .realizedPnl: realizedPnl?.text ?? ""
            case .shortfall: shortfall?.text ?? ""
            case .ivBefore: ivBefore?.text ?? ""
            case .ivAfter: ivAfter?.text ?? ""
            case .note: note.map(csvField) ?? ""
            }
        }
        return CodingKeys.allCases.map(cell).joined(separator: ",")
    }
}

/// `text` as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

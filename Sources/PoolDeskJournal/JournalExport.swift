import Foundation
import GRDB
import PoolEngine

/// `pooldesk export`: fills, settlements, liquidations and LP flows for spreadsheets and scripts.
///
/// Money and quantities are written as exact decimals (six places), never through `Double`.
public enum JournalExport {
    /// Output formats.
    public enum Format: String, CaseIterable, Sendable {
        case csv, json
    }

    /// CSV columns; a record fills the ones that apply and leaves the rest empty.
    ///
    /// fill: side, quantity, premium, fee, price (per contract), collateral (posted + / released −), realized_pnl,
    /// iv_before, iv_after, note `forced close` for liquidation fills. settlement: quantity, price (settlement spot),
    /// amount (payoff), collateral (released), realized_pnl, shortfall. liquidation: quantity, premium (buy-back
    /// cost), fee (penalty), amount (returned), collateral, shortfall. deposit / withdrawal: amount, shares,
    /// fee, price (share price). withdrawal-queued: shares.
    public static let csvColumns = [
        "record", "seq", "time", "account", "account_name", "series", "side", "quantity", "premium", "fee", "price",
        "amount", "shares", "collateral", "realized_pnl", "shortfall", "iv_before", "iv_after", "note",
    ]

    /// The event kinds exported.
    static let kinds = ["accountOpened", "orderFilled", "positionSettled", "liquidated", "deposited", "withdrawn", "withdrawalQueued"]

    /// Writes the export of the journal at `path` through `write`, in event order.
    public static func export(path: String, format: Format, write: (String) -> Void) throws {
        let queue = try JournalReader.openReadOnly(path: path)
        try JournalReader.guarded(path) {
            try queue.read { db in
                let session = try SessionRecord.read(db, path: path)
                let decoder = JournalCodec.makeDecoder()
                var names: [Int: String] = [:]
                var sections: [String: [[(String, JSONValue)]]] = ["fills": [], "settlements": [], "liquidations": [], "lpFlows": []]
                if format == .csv { write(csvColumns.joined(separator: ",") + "\n") }
                let placeholders = kinds.map { _ in "?" }.joined(separator: ",")
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT seq, sim_time, account, series, payload FROM events WHERE kind IN (\(placeholders)) ORDER BY seq
                    """, arguments: StatementArguments(kinds))
                while let row = try cursor.next() {
                    let payloadText: String = row["payload"]
                    let payload = try decoder.decode(EventPayload.self, from: Data(payloadText.utf8))
                    if case .accountOpened(let account, let name, _, _) = payload { names[account.index] = name; continue }
                    let seq: Int64 = row["seq"]
                    let time = SimTime(milliseconds: row["sim_time"]).description
                    let account: Int64? = row["account"]
                    let series: String? = row["series"]
                    guard let record = record(payload) else { continue }
                    var fields: [(String, JSONValue)] = [
                        ("record", .string(record.name)), ("seq", .number(String(seq))), ("time", .string(time)),
                        ("account", account.map { .number(String($0)) } ?? .null),
                        ("account_name", account.flatMap { names[Int($0)] }.map(JSONValue.string) ?? .null),
                        ("series", series.map(JSONValue.string) ?? .null),
                    ]
                    fields += record.fields
                    switch format {
                    case .csv:
                        let lookup = Dictionary(fields, uniquingKeysWith: { first, _ in first })
                        write(csvColumns.map { lookup[$0]?.csv ?? "" }.joined(separator: ",") + "\n")
                    case .json:
                        sections[record.section, default: []].append(fields)
                    }
                }
                if format == .json {
                    var out = "{\n  \"session\": {\"seed\": \(session.parameters.seed), \"createdAt\": \(JSONValue.string(session.createdAt).json), "
                        + "\"deskAccount\": \(session.deskAccount.index)}"
                    for section in ["fills", "settlements", "liquidations", "lpFlows"] {
                        out += ",\n  \"\(section)\": ["
                        let rows = sections[section] ?? []
                        for (index, fields) in rows.enumerated() {
                            out += (index == 0 ? "\n    " : ",\n    ")
                            out += "{" + fields.map { "\(JSONValue.string($0.0).json): \($0.1.json)" }.joined(separator: ", ") + "}"
                        }
                        out += rows.isEmpty ? "]" : "\n  ]"
                    }
                    write(out + "\n}\n")
                }
            }
        }
    }

    private static func money<T: FixedPointAmount>(_ value: T) -> JSONValue { .number(value.description) }
    private static func double(_ value: Double) -> JSONValue { value.isFinite ? .number("\(value)") : .null }

    private static func record(_ payload: EventPayload) -> (name: String, section: String, fields: [(String, JSONValue)])? {
        switch payload {
        case .orderFilled(let fill):
            return ("fill", "fills", [
                ("side", .string(fill.side.rawValue)), ("quantity", money(fill.quantity)), ("premium", money(fill.premium)),
                ("fee", money(fill.fee)), ("price", double(fill.pricePerContract)), ("collateral", money(fill.collateralChange)),
                ("realized_pnl", money(fill.realizedPnL)), ("iv_before", double(fill.volatilityBefore)),
                ("iv_after", double(fill.volatilityAfter)), ("note", fill.isLiquidation ? .string("forced close") : .null),
            ])
        case .positionSettled(let settlement):
            return ("settlement", "settlements", [
                ("quantity", money(settlement.quantity)), ("price", double(settlement.spot)), ("amount", money(settlement.payoff)),
                ("collateral", money(settlement.collateralReleased)), ("realized_pnl", money(settlement.realizedPnL)),
                ("shortfall", money(settlement.shortfall)),
            ])
        case .liquidated(let liquidation):
            return ("liquidation", "liquidations", [
                ("quantity", money(liquidation.quantity)), ("premium", money(liquidation.buybackCost)), ("fee", money(liquidation.penalty)),
                ("amount", money(liquidation.returned)), ("collateral", money(liquidation.collateral)), ("shortfall", money(liquidation.shortfall)),
            ])
        case .deposited(_, let amount, let shares, let sharePrice):
            return ("deposit", "lpFlows", [("amount", money(amount)), ("shares", money(shares)), ("price", double(sharePrice))])
        case .withdrawn(_, let shares, let amount, let fee, let sharePrice):
            return ("withdrawal", "lpFlows", [("amount", money(amount)), ("shares", money(shares)), ("fee", money(fee)), ("price", double(sharePrice))])
        case .withdrawalQueued(_, let shares):
            return ("withdrawal-queued", "lpFlows", [("shares", money(shares))])
        default:
            return nil
        }
    }
}

/// A scalar of the export: JSON text and CSV text of one value.
enum JSONValue {
    case string(String)
    /// Already-formatted number text (exact decimals).
    case number(String)
    case null

    var json: String {
        switch self {
        case .number(let text): return text
        case .null: return "null"
        case .string(let text):
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
    }

    var csv: String {
        switch self {
        case .number(let text): return text
        case .null: return ""
        case .string(let text):
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

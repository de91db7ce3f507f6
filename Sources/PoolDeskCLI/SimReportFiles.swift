import Foundation
import PoolEngine

/// The files `sim --report DIR` writes: `hourly.csv`, `summary.txt` and `summary.json`.
///
/// DIR must not exist yet (it is created, with missing parents) or be an empty directory; anything else is refused
/// before the run starts, so a report never overwrites or mixes with other files.
enum SimReportFiles {
    static let seriesName = "hourly.csv"
    static let summaryTextName = "summary.txt"
    static let summaryJSONName = "summary.json"

    /// Refuses (one line, exit 2) a path that exists and is not an empty directory.
    static func checkDestination(_ path: String) throws {
        guard !path.isEmpty else { throw PoolDeskError("--report needs a directory path") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A parent that is a file would fail later; say so now.
            var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
            while !FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
                let up = parent.deletingLastPathComponent()
                if up.path == parent.path { break }
                parent = up
            }
            if !isDirectory.boolValue { throw PoolDeskError("--report \(path): \(parent.path) is not a directory") }
            if !FileManager.default.isWritableFile(atPath: parent.path) { throw PoolDeskError("--report \(path): \(parent.path) is not writable") }
            return
        }
        guard isDirectory.boolValue else { throw PoolDeskError("--report \(path): exists and is not a directory") }
        let contents: [String]
        do {
            contents = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw PoolDeskError("--report \(path): cannot read the directory")
        }
        guard contents.isEmpty else {
            throw PoolDeskError("--report \(path): directory is not empty (\(Plural.count(contents.count, "entry", plural: "entries"))); give a new or empty one")
        }
        guard FileManager.default.isWritableFile(atPath: path) else { throw PoolDeskError("--report \(path): not writable") }
    }

    /// Writes the three files into `path` (created if missing); failures are one line, exit 1.
    static func write(_ recorder: SimReportRecorder, summary: SimReportSummary, to path: String) throws {
        let folder = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(csv(recorder).utf8).write(to: folder.appendingPathComponent(seriesName))
            try Data(summary.text().utf8).write(to: folder.appendingPathComponent(summaryTextName))
            try Data((JSONOutput.text(summary.jsonBody) + "\n").utf8).write(to: folder.appendingPathComponent(summaryJSONName))
        } catch {
            throw PoolDeskError("--report \(path): could not write the report (\(error.localizedDescription))", exitCode: 1)
        }
    }

    /// The column names of `hourly.csv` for markets `symbols`.
    static func header(symbols: [String]) -> [String] {
        ["time", "unix"] + symbols.map { "spot_\($0)" } + [
            "nav", "share_price", "share_supply", "utilization",
            "delta_usd", "gamma_usd_per_1pct", "vega_usd_per_vol_point", "theta_usd_per_day",
            "fees", "withdrawal_fees", "options_pnl", "hedge_pnl", "penalties", "reserve", "lp_flows", "insolvency",
            "withdrawals_queued", "withdrawals_queued_value",
        ]
    }

    /// `hourly.csv`: a header, then one row at the start of the run and one after every simulated hour (the last
    /// after what remains of the run). Money columns are exact micro-USD with six decimals; `fees` … `insolvency`
    /// are cumulative since the first row (`fees` includes `withdrawal_fees`; `lp_flows` counts withdrawals before
    /// their fee), so on every row
    /// `nav − nav(first row) − lp_flows = fees + options_pnl + hedge_pnl + penalties − reserve` exactly.
    static func csv(_ recorder: SimReportRecorder) -> String {
        var lines = [header(symbols: recorder.symbols).joined(separator: ",")]
        lines.reserveCapacity(recorder.rows.count + 1)
        guard let first = recorder.rows.first else { return lines.joined(separator: "\n") + "\n" }
        for row in recorder.rows {
            let a = PoolAttribution(from: first.accounts, to: row)
            let insolvency = PoolLedger.sum(row.accounts.insolvency, SimReportFormat.negated(first.accounts.insolvency))
            var fields = [row.time.description, String(row.time.milliseconds / 1000)]
            fields += row.spots.map { SimReportFormat.fixed($0, decimals: 6) }
            fields += [
                SimReportFormat.money(row.accounts.nav), SimReportFormat.fixed(row.sharePrice, decimals: 9),
                SimReportFormat.money(Money(micros: row.accounts.shareSupply.micros)), SimReportFormat.fixed(row.utilization, decimals: 6),
                SimReportFormat.fixed(row.greeks.delta, decimals: 4), SimReportFormat.fixed(row.greeks.gamma, decimals: 4),
                SimReportFormat.fixed(row.greeks.vega, decimals: 4), SimReportFormat.fixed(row.greeks.theta, decimals: 4),
                SimReportFormat.money(a.fees), SimReportFormat.money(a.withdrawalFees), SimReportFormat.money(a.options), SimReportFormat.money(a.hedge),
                SimReportFormat.money(a.penalties), SimReportFormat.money(a.reserve), SimReportFormat.money(a.flows),
                SimReportFormat.money(insolvency), String(row.queuedWithdrawals), SimReportFormat.money(row.queuedValue),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PoolAttribution {
    /// The attribution from the first row of a report to `row`.
    init(from first: PoolAccounts, to row: SimReportRow) {
        self.init(from: first, to: row.accounts)
    }
}

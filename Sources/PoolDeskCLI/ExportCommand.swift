import ArgumentParser
import Foundation
import PoolDeskJournal

/// `pooldesk export FILE --format csv|json`: fills, settlements, liquidations and LP flows.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a journal's fills, settlements, liquidations and LP flows as CSV or JSON.",
        discussion: "CSV has one row per record with a `record` column (fill, settlement, liquidation, deposit, "
            + "withdrawal, withdrawal_queued); JSON has one array per kind (fills, settlements, liquidations, lp_flows). "
            + "Money and quantities are exact 6-decimal strings; prices and IVs are rounded to 6 decimals."
    )

    @Argument(help: "The session journal (.sqlite).")
    var file: String

    @Option(help: "csv or json (any case).")
    var format: String = "csv"

    @Option(help: "Only this account's records (its number or its name).")
    var account: String?

    @Option(help: "Write here instead of standard output.")
    var output: String?

    func validate() throws {
        guard JournalExport.Format(name: format) != nil else { throw ValidationError("--format must be csv or json, not '\(format)'") }
    }

    func run() throws {
        guard let format = JournalExport.Format(name: format) else { throw PoolDeskError("--format must be csv or json") }
        var sink: FileHandle = .standardOutput
        if let output {
            let target = URL(fileURLWithPath: output).standardizedFileURL.path
            if target == URL(fileURLWithPath: file).standardizedFileURL.path || target.hasPrefix(URL(fileURLWithPath: file).standardizedFileURL.path + "-") {
                throw PoolDeskError("--output must not be the journal itself")
            }
            guard FileManager.default.createFile(atPath: output, contents: nil), let handle = FileHandle(forWritingAtPath: output) else {
                throw PoolDeskError("\(output): cannot write")
            }
            sink = handle
        }
        defer { if output != nil { try? sink.close() } }
        var buffer = Data()
        do {
            try JournalExport.export(path: file, format: format, account: account) { text in
                buffer.append(contentsOf: text.utf8)
                if buffer.count >= 1 << 16 {
                    sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        sink.write(buffer)
    }
}

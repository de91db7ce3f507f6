import ArgumentParser
import PoolEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `pooldesk iv [FILE]`: Black-Scholes implied volatility for each CSV row.
public struct ImpliedVolCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "iv",
        abstract: "Solve implied volatilities from CSV (type,spot,strike,t,rate,price).",
        discussion: """
            Reads CSV (RFC 4180, as for greeks) with the columns type,spot,strike,t,rate,price in \
            any order and case, other columns carried through, and writes the same columns plus \
            iv,error. iv is the annualised volatility per 1.00; when a price has no solution \
            (below intrinsic value, at or above the upper bound, t = 0) iv is empty and error says \
            why (exit status 0). A malformed row, or one outside the pricing domain, keeps its place \
            with the reason in error, is named on stderr, and makes the exit status 2.
            """
    )

    @Argument(help: "CSV file to read; standard input when omitted or '-'.")
    public var file: String?

    public init() {}

    public func run() throws {
        let parsed = OptionCSV.parseImpliedVol(try OptionCSVInput.readAll(file))
        try OptionCSVInput.transform(parsed, header: OptionCSV.impliedVolHeader(extraColumns: parsed.extraColumns),
                                     resultColumns: OptionCSV.impliedVolOutputColumns.count - 1) { row in
            let input = row.values
            let result = ImpliedVolatility.solve(
                kind: input.kind, spot: input.spot, strike: input.strike, time: input.time, rate: input.rate, price: input.price)
            return OptionCSV.formatImpliedVol(row, result)
        }
    }
}

/// Reading the whole CSV input, and turning row issues into the single-line failure.
enum OptionCSVInput {
    /// Writes `header`, then one line per input row in input order — `compute`'s line for a good row, the row with
    /// its error for a bad one — and fails with every bad row named (exit 2) once all are written.
    static func transform<Values>(_ parsed: OptionCSV.Parsed<Values>, header: String, resultColumns: Int,
                                  compute: (OptionCSV.Row<Values>) -> String) throws {
        if let issue = parsed.headerIssue { throw PoolDeskError(issue.description) }
        var output = OptionCSVOutput()
        output.appendLine(header)
        for line in parsed.lines {
            switch line.outcome {
            case .success(let input):
                output.appendLine(compute(OptionCSV.Row(line: line.line, fields: line.fields, extras: line.extras, values: input)))
            case .failure(let issue):
                output.appendLine(OptionCSV.formatFailure(line, issue, resultColumns: resultColumns))
            }
        }
        output.flush()
        try failIfAny(parsed.issues)
    }

    /// The file's text, or standard input's when `path` is nil or "-".
    static func readAll(_ path: String?) throws -> String {
        let descriptor: Int32
        if let path, path != "-" {
            descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw PoolDeskError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
        } else {
            descriptor = 0
        }
        defer { if descriptor != 0 { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw PoolDeskError("cannot read \(path ?? "standard input"): \(String(cString: strerror(errno)))")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Most bad rows named on stderr; the rest are counted.
    static let reportedIssues = 20

    /// Names every issue on stderr (up to `reportedIssues`, then `… and N more bad rows`), one line each;
    /// the last line is thrown so the run ends with exit code 2.
    static func failIfAny(_ issues: [OptionCSV.Issue]) throws {
        guard !issues.isEmpty else { return }
        var lines = issues.prefix(reportedIssues).map(\.description)
        if issues.count > reportedIssues {
            lines.append("… and \(Plural.count(issues.count - reportedIssues, "more bad row"))")
        }
        for line in lines.dropLast() { writeStandardError("pooldesk: \(line)\n") }
        throw PoolDeskError(lines[lines.count - 1])
    }
}

/// Buffered standard output: one write per 64 KiB instead of one per row.
struct OptionCSVOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func appendLine(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes everything buffered so far, retrying short writes.
    mutating func flush() {
        var offset = 0
        buffer.withUnsafeBytes { bytes in
            while offset < bytes.count, let base = bytes.baseAddress {
                let written = write(1, base + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break   // stdout closed (e.g. a pipe to head): nothing useful left to do.
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

import PoolEngine

/// Pure CSV parsing and formatting for `pooldesk greeks` and `pooldesk iv` (no I/O here).
///
/// Input is CSV as spreadsheets write it (RFC 4180): an optional UTF-8 byte-order mark, fields
/// optionally in double quotes (a quoted field may hold commas, line breaks and `""` for a quote),
/// LF or CRLF line ends, blank lines and spaces around fields tolerated. The header names the
/// required columns in any order, matched case-insensitively; other columns are carried through
/// to the output unchanged (except ones named like an output column, which the new values
/// replace). Each data record yields either a row or an `Issue` naming its line and field, and
/// every record, good or bad, gives one output line, so output rows line up with input rows.
///
/// The reader is hand-written (about 60 lines, `CSVRecords`) rather than a package: the format is
/// small and fixed, and a dependency would cost every build for it.
public enum OptionCSV {
    /// Columns of `pooldesk greeks` input, in output order.
    public static let greeksColumns = ["type", "spot", "strike", "t", "vol", "rate"]
    /// Columns appended by `pooldesk greeks`.
    public static let greeksOutputColumns = ["price", "delta", "gamma", "vega", "theta", "rho", "error"]
    /// Columns of `pooldesk iv` input, in output order.
    public static let impliedVolColumns = ["type", "spot", "strike", "t", "rate", "price"]
    /// Columns appended by `pooldesk iv`.
    public static let impliedVolOutputColumns = ["iv", "error"]

    /// A problem with one line (or the header), printable as `line 4, field "vol": -0.2 is negative`.
    public struct Issue: Error, Hashable, Sendable, CustomStringConvertible {
        /// 1-based line number in the input (the first line of a record that spans several).
        public var line: Int
        /// The column concerned, when there is one.
        public var field: String?
        /// What is wrong, without the location.
        public var reason: String

        /// Creates an issue.
        public init(line: Int, field: String? = nil, reason: String) {
            self.line = line
            self.field = field
            self.reason = reason
        }

        /// `line N, field "x": reason` or `line N: reason`.
        public var description: String {
            if let field { return "line \(line), field \"\(field)\": \(reason)" }
            return "line \(line): \(reason)"
        }
    }

    /// A valid data record: its line, the trimmed text of each column in canonical order, the extra columns, and the parsed values.
    public struct Row<Values: Hashable & Sendable>: Hashable, Sendable {
        /// 1-based line number in the input.
        public var line: Int
        /// Trimmed input fields in the canonical column order (echoed verbatim in the output).
        public var fields: [String]
        /// The fields of the extra (carried-through) columns, in input order.
        public var extras: [String]
        /// The parsed and validated values.
        public var values: Values
    }

    /// One data record, valid or not: what the output echoes, and the values or the reason there are none.
    public struct Line<Values: Hashable & Sendable>: Hashable, Sendable {
        /// 1-based line number in the input.
        public var line: Int
        /// The canonical columns' fields (empty where the record is too short).
        public var fields: [String]
        /// The extra columns' fields (empty where the record is too short).
        public var extras: [String]
        /// The parsed values, or what is wrong with the record.
        public var outcome: Result<Values, Issue>
    }

    /// Inputs of one `greeks` row.
    public struct GreeksInput: Hashable, Sendable {
        /// Call or put.
        public var kind: OptionKind
        /// Spot price, > 0.
        public var spot: Double
        /// Strike, > 0.
        public var strike: Double
        /// Years to expiry (ACT/365), ≥ 0.
        public var time: Double
        /// Volatility per 1.00, ≥ 0.
        public var volatility: Double
        /// Continuously compounded rate per 1.00.
        public var rate: Double

        /// Creates a row's inputs.
        public init(kind: OptionKind, spot: Double, strike: Double, time: Double, volatility: Double, rate: Double) {
            self.kind = kind
            self.spot = spot
            self.strike = strike
            self.time = time
            self.volatility = volatility
            self.rate = rate
        }
    }

    /// Inputs of one `iv` row.
    public struct ImpliedVolInput: Hashable, Sendable {
        /// Call or put.
        public var kind: OptionKind
        /// Spot price, > 0.
        public var spot: Double
        /// Strike, > 0.
        public var strike: Double
        /// Years to expiry (ACT/365), ≥ 0 (0 has no implied volatility).
        public var time: Double
        /// Continuously compounded rate per 1.00.
        public var rate: Double
        /// Option price whose volatility is sought.
        public var price: Double

        /// Creates a row's inputs.
        public init(kind: OptionKind, spot: Double, strike: Double, time: Double, rate: Double, price: Double) {
            self.kind = kind
            self.spot = spot
            self.strike = strike
            self.time = time
            self.rate = rate
            self.price = price
        }
    }

    /// The outcome of parsing a whole input: a header issue stops everything, line issues do not.
    public struct Parsed<Values: Hashable & Sendable>: Hashable, Sendable {
        /// Set when the header is missing or wrong; then there are no lines.
        public var headerIssue: Issue?
        /// Header names of the carried-through columns, as written, in input order.
        public var extraColumns: [String] = []
        /// One entry per non-blank data record, in input order.
        public var lines: [Line<Values>]

        /// The valid rows only.
        public var rows: [Row<Values>] {
            lines.compactMap { line in
                guard case .success(let values) = line.outcome else { return nil }
                return Row(line: line.line, fields: line.fields, extras: line.extras, values: values)
            }
        }

        /// Every issue, header first.
        public var issues: [Issue] {
            (headerIssue.map { [$0] } ?? []) + lines.compactMap { line in
                if case .failure(let issue) = line.outcome { return issue }
                return nil
            }
        }
    }

    // MARK: Parsing

    /// Parses `greeks` input: spot and strike > 0, t and vol ≥ 0, rate any finite number, and all
    /// of them inside the pricing domain (`PricingDomain`), so a row is priced exactly or refused.
    public static func parseGreeks(_ text: String) -> Parsed<GreeksInput> {
        parse(text, columns: greeksColumns, outputColumns: greeksOutputColumns) { (line: Int, fields: [String]) throws(Issue) in
            let kind = try parseKind(fields[0], line: line)
            let spot = try parseNumber(fields[1], column: "spot", line: line, rule: .positive)
            let strike = try parseNumber(fields[2], column: "strike", line: line, rule: .positive)
            let time = try parseNumber(fields[3], column: "t", line: line, rule: .nonNegative)
            let volatility = try parseNumber(fields[4], column: "vol", line: line, rule: .nonNegative)
            let rate = try parseNumber(fields[5], column: "rate", line: line, rule: .any)
            if let violation = PricingDomain.violation(spot: spot, strike: strike, time: time, volatility: volatility, rate: rate) {
                throw issue(violation, line: line)
            }
            return GreeksInput(kind: kind, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate)
        }
    }

    /// Parses `iv` input: spot and strike > 0, t ≥ 0, rate and price any finite number, and the
    /// inputs inside the pricing domain (`PricingDomain`, the same rule as `greeks`).
    ///
    /// t = 0 and prices outside the no-arbitrage bounds are valid input: the solver reports them
    /// in the `error` column rather than failing the run.
    public static func parseImpliedVol(_ text: String) -> Parsed<ImpliedVolInput> {
        parse(text, columns: impliedVolColumns, outputColumns: impliedVolOutputColumns) { (line: Int, fields: [String]) throws(Issue) in
            let kind = try parseKind(fields[0], line: line)
            let spot = try parseNumber(fields[1], column: "spot", line: line, rule: .positive)
            let strike = try parseNumber(fields[2], column: "strike", line: line, rule: .positive)
            let time = try parseNumber(fields[3], column: "t", line: line, rule: .nonNegative)
            let rate = try parseNumber(fields[4], column: "rate", line: line, rule: .any)
            let price = try parseNumber(fields[5], column: "price", line: line, rule: .any)
            if let violation = PricingDomain.violation(spot: spot, strike: strike, time: time, volatility: nil, rate: rate) {
                throw issue(violation, line: line)
            }
            return ImpliedVolInput(kind: kind, spot: spot, strike: strike, time: time, rate: rate, price: price)
        }
    }

    /// A domain violation as a row issue, named by its CSV column.
    static func issue(_ violation: PricingDomainViolation, line: Int) -> Issue {
        let column = switch violation.input {
        case .spot: "spot"
        case .strike: "strike"
        case .time: "t"
        case .volatility: "vol"
        case .rate: "rate"
        }
        return Issue(line: line, field: column, reason: violation.reason)
    }

    /// Reads the records, maps the header to canonical order, and parses each data record.
    static func parse<Values: Hashable & Sendable>(
        _ text: String, columns: [String], outputColumns: [String],
        values: (_ line: Int, _ fields: [String]) throws(Issue) -> Values
    ) -> Parsed<Values> {
        var header: Header?
        var lines: [Line<Values>] = []
        var lastLine = 0
        for record in CSVRecords.read(text) {
            lastLine = record.line
            if record.isBlank { continue }
            guard let header else {
                if let problem = record.problem { return Parsed(headerIssue: Issue(line: record.line, reason: problem), lines: []) }
                switch Header.make(record.fields, columns: columns, outputColumns: outputColumns, line: record.line) {
                case .success(let made): header = made
                case .failure(let issue): return Parsed(headerIssue: issue, lines: [])
                }
                continue
            }
            let canonical = header.order.map { $0 < record.fields.count ? record.fields[$0] : "" }
            let extras = header.extras.map { $0 < record.fields.count ? record.fields[$0] : "" }
            let outcome: Result<Values, Issue>
            if let problem = record.problem {
                outcome = .failure(Issue(line: record.line, reason: problem))
            } else if record.fields.count != header.width {
                outcome = .failure(Issue(line: record.line, reason: "expected \(header.width) fields, found \(record.fields.count)"))
            } else {
                do throws(Issue) {
                    outcome = .success(try values(record.line, canonical))
                } catch {
                    outcome = .failure(error)
                }
            }
            lines.append(Line(line: record.line, fields: canonical, extras: extras, outcome: outcome))
        }
        guard let header else {
            return Parsed(headerIssue: Issue(line: max(lastLine, 1), reason: "no header: expected \(columns.joined(separator: ","))"), lines: [])
        }
        return Parsed(headerIssue: nil, extraColumns: header.extraNames, lines: lines)
    }

    /// Where each column of the header goes.
    struct Header {
        /// For each canonical column, its index in the record.
        var order: [Int]
        /// Indices of the carried-through columns, in input order.
        var extras: [Int]
        /// Their names as written.
        var extraNames: [String]
        /// Fields per record.
        var width: Int

        static func make(_ names: [String], columns: [String], outputColumns: [String], line: Int) -> Result<Header, Issue> {
            let lowered = names.map { $0.lowercased() }
            let expected = columns.joined(separator: ",")
            var order: [Int] = []
            for column in columns {
                let matches = lowered.indices.filter { lowered[$0] == column }
                guard let first = matches.first else {
                    return .failure(Issue(line: line, reason: "missing column \"\(column)\" in header (expected \(expected) and any others)"))
                }
                if matches.count > 1 { return .failure(Issue(line: line, reason: "duplicate column \"\(names[matches[1]])\" in header")) }
                order.append(first)
            }
            // Columns named like an output column (say a previous run's `price` or `error`) are replaced, not duplicated.
            let extras = lowered.indices.filter { !columns.contains(lowered[$0]) && !outputColumns.contains(lowered[$0]) }
            return .success(Header(order: order, extras: extras, extraNames: extras.map { names[$0] }, width: names.count))
        }
    }

    static func parseKind(_ text: String, line: Int) throws(Issue) -> OptionKind {
        if text.isEmpty { throw Issue(line: line, field: "type", reason: "missing") }
        guard let kind = OptionKind(rawValue: text.lowercased()) else {
            throw Issue(line: line, field: "type", reason: "\"\(text)\" is not call or put")
        }
        return kind
    }

    enum NumberRule { case positive, nonNegative, any }

    static func parseNumber(_ text: String, column: String, line: Int, rule: NumberRule) throws(Issue) -> Double {
        if text.isEmpty { throw Issue(line: line, field: column, reason: "missing") }
        guard let value = Double(text) else {
            throw Issue(line: line, field: column, reason: "\"\(text)\" is not a number")
        }
        guard value.isFinite else { throw Issue(line: line, field: column, reason: "\(text) is not finite") }
        switch rule {
        case .positive:
            if value < 0 { throw Issue(line: line, field: column, reason: "\(text) is negative") }
            if value == 0 { throw Issue(line: line, field: column, reason: "\(text) is not positive") }
        case .nonNegative:
            if value < 0 { throw Issue(line: line, field: column, reason: "\(text) is negative") }
        case .any:
            break
        }
        return value
    }

    // MARK: Formatting

    /// The `greeks` output header: the canonical columns, the carried-through ones, then the results and `error`.
    public static func greeksHeader(extraColumns: [String] = []) -> String {
        record(greeksColumns + extraColumns + greeksOutputColumns)
    }

    /// The `iv` output header: the canonical columns, the carried-through ones, then `iv,error`.
    public static func impliedVolHeader(extraColumns: [String] = []) -> String {
        record(impliedVolColumns + extraColumns + impliedVolOutputColumns)
    }

    /// One `greeks` output line (no newline): the input fields, then the valuation at full precision and an empty `error`.
    public static func formatGreeks(_ row: Row<GreeksInput>, _ valuation: OptionValuation) -> String {
        let values = [valuation.price, valuation.delta, valuation.gamma, valuation.vega, valuation.theta, valuation.rho]
        return record(row.fields + row.extras + values.map { "\($0)" } + [""])
    }

    /// One `iv` output line (no newline): the input fields, the volatility (empty if none) and the reason.
    public static func formatImpliedVol(_ row: Row<ImpliedVolInput>, _ result: Result<Double, ImpliedVolatilityError>) -> String {
        switch result {
        case .success(let volatility):
            return record(row.fields + row.extras + ["\(volatility)", ""])
        case .failure(let error):
            return record(row.fields + row.extras + ["", error.description])
        }
    }

    /// The output line of a bad record: its fields echoed, the result columns empty, the issue in `error`.
    public static func formatFailure<Values>(_ line: Line<Values>, _ issue: Issue, resultColumns: Int) -> String {
        record(line.fields + line.extras + Array(repeating: "", count: resultColumns) + [issue.description])
    }

    /// Fields joined by commas, each quoted (RFC 4180) only when it holds a comma, a quote or a line break.
    public static func record(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
            return "\"" + field.reduce(into: "") { text, character in text += character == "\"" ? "\"\"" : String(character) } + "\""
        }.joined(separator: ",")
    }
}

/// A small RFC 4180 reader: records with the line each starts on, fields unquoted, or why a record is malformed.
enum CSVRecords {
    struct Record {
        /// 1-based line the record starts on.
        var line: Int
        var fields: [String]
        /// Set when the quoting is broken (the fields are then as far as they could be read).
        var problem: String?
        /// A line with nothing but spaces.
        var isBlank: Bool { problem == nil && fields.count == 1 && fields[0].isEmpty && !quotedAny }
        var quotedAny = false
    }

    /// Splits `text` into records. A leading byte-order mark is dropped; unquoted fields are trimmed
    /// of spaces and tabs; quoted fields are kept exactly (spaces outside the quotes are ignored).
    static func read(_ text: String) -> [Record] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [Record] = []
        var record = Record(line: 1, fields: [])
        var field = String.UnicodeScalarView()
        var quoted = false          // the current field started with a quote
        var inQuotes = false        // inside the quotes now
        var afterQuotes = false     // the closing quote has been seen
        var line = 1
        func endField() {
            let text = String(field)
            record.fields.append(quoted ? text : OptionCSV.trimmed(text))
            record.quotedAny = record.quotedAny || quoted
            field = String.UnicodeScalarView()
            quoted = false
            afterQuotes = false
        }
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            // CRLF is one line end; a lone CR or LF is one too.
            let isLineEnd = scalar == "\n" || (scalar == "\r" && !(index < scalars.endIndex && scalars[index] == "\n"))
            if inQuotes {
                if scalar == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        inQuotes = false
                        afterQuotes = true
                    }
                } else {
                    // Line breaks inside quotes are data, kept as written.
                    if isLineEnd { line += 1 }
                    field.append(scalar)
                }
            } else if scalar == "\r" && !isLineEnd {
                continue   // the CR of a CRLF; the LF ends the line
            } else if scalar == "," {
                endField()
            } else if isLineEnd {
                endField()
                records.append(record)
                line += 1
                record = Record(line: line, fields: [])
            } else if scalar == "\"", !quoted, field.allSatisfy({ $0 == " " || $0 == "\t" }) {
                field = String.UnicodeScalarView()
                quoted = true
                inQuotes = true
            } else if afterQuotes, scalar == " " || scalar == "\t" {
                continue
            } else if quoted || scalar == "\"" {
                if record.problem == nil { record.problem = "malformed quoting: text after a closing quote or a quote inside an unquoted field" }
                field.append(scalar)
            } else {
                field.append(scalar)
            }
        }
        if inQuotes { record.problem = "unterminated quoted field (starting on line \(record.line))" }
        if inQuotes || !field.isEmpty || quoted || !record.fields.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}

extension OptionCSV {
    /// A field without the spaces and tabs around it.
    static func trimmed(_ field: String) -> String {
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = field.firstIndex(where: { !isPadding($0) }),
              let end = field.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(field[start...end])
    }
}

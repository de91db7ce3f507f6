import PoolEngine

/// Pure CSV parsing and formatting for `pooldesk greeks` and `pooldesk iv` (no I/O here).
///
/// Input: a header naming the columns (any order, case-insensitive, all required, no others),
/// then one option per line. CRLF, blank lines and spaces around fields are tolerated. Each data
/// line yields either a row or an `Issue` naming its line and field, so callers can keep every
/// valid row and still report the bad ones.
public enum OptionCSV {
    /// Columns of `pooldesk greeks` input, in output order.
    public static let greeksColumns = ["type", "spot", "strike", "t", "vol", "rate"]
    /// Columns appended by `pooldesk greeks`.
    public static let greeksOutputColumns = ["price", "delta", "gamma", "vega", "theta", "rho"]
    /// Columns of `pooldesk iv` input, in output order.
    public static let impliedVolColumns = ["type", "spot", "strike", "t", "rate", "price"]
    /// Columns appended by `pooldesk iv`.
    public static let impliedVolOutputColumns = ["iv", "error"]

    /// A problem with one line (or the header), printable as `line 4, field "vol": -0.2 is negative`.
    public struct Issue: Error, Hashable, Sendable, CustomStringConvertible {
        /// 1-based line number in the input.
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

    /// A valid data line: its number, the trimmed text of each column in canonical order, and the parsed values.
    public struct Row<Values: Hashable & Sendable>: Hashable, Sendable {
        /// 1-based line number in the input.
        public var line: Int
        /// Trimmed input fields in the canonical column order (echoed verbatim in the output).
        public var fields: [String]
        /// The parsed and validated values.
        public var values: Values
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
        /// Set when the header is missing or wrong; then there are no rows.
        public var headerIssue: Issue?
        /// One entry per non-blank data line, in input order.
        public var lines: [Result<Row<Values>, Issue>]

        /// The valid rows only.
        public var rows: [Row<Values>] { lines.compactMap { try? $0.get() } }
        /// Every issue, header first.
        public var issues: [Issue] {
            (headerIssue.map { [$0] } ?? []) + lines.compactMap { line in
                if case .failure(let issue) = line { return issue }
                return nil
            }
        }
    }

    // MARK: Parsing

    /// Parses `greeks` input: spot and strike > 0, t and vol ≥ 0, rate any finite number.
    public static func parseGreeks(_ text: String) -> Parsed<GreeksInput> {
        parse(text, columns: greeksColumns) { (line: Int, fields: [String]) throws(Issue) in
            let kind = try parseKind(fields[0], line: line)
            let spot = try parseNumber(fields[1], column: "spot", line: line, rule: .positive)
            let strike = try parseNumber(fields[2], column: "strike", line: line, rule: .positive)
            let time = try parseNumber(fields[3], column: "t", line: line, rule: .nonNegative)
            let volatility = try parseNumber(fields[4], column: "vol", line: line, rule: .nonNegative)
            let rate = try parseNumber(fields[5], column: "rate", line: line, rule: .any)
            return GreeksInput(kind: kind, spot: spot, strike: strike, time: time, volatility: volatility, rate: rate)
        }
    }

    /// Parses `iv` input: spot and strike > 0, t ≥ 0, rate and price any finite number.
    ///
    /// t = 0 and prices outside the no-arbitrage bounds are valid input: the solver reports them
    /// in the `error` column rather than failing the run.
    public static func parseImpliedVol(_ text: String) -> Parsed<ImpliedVolInput> {
        parse(text, columns: impliedVolColumns) { (line: Int, fields: [String]) throws(Issue) in
            let kind = try parseKind(fields[0], line: line)
            let spot = try parseNumber(fields[1], column: "spot", line: line, rule: .positive)
            let strike = try parseNumber(fields[2], column: "strike", line: line, rule: .positive)
            let time = try parseNumber(fields[3], column: "t", line: line, rule: .nonNegative)
            let rate = try parseNumber(fields[4], column: "rate", line: line, rule: .any)
            let price = try parseNumber(fields[5], column: "price", line: line, rule: .any)
            return ImpliedVolInput(kind: kind, spot: spot, strike: strike, time: time, rate: rate, price: price)
        }
    }

    /// Splits into lines (LF or CRLF), maps the header to canonical order, and parses each data line.
    static func parse<Values: Hashable & Sendable>(
        _ text: String, columns: [String],
        values: (_ line: Int, _ fields: [String]) throws(Issue) -> Values
    ) -> Parsed<Values> {
        var header: (order: [Int], width: Int)?
        var lines: [Result<Row<Values>, Issue>] = []
        var lineNumber = 0
        // "\r\n" is a single Character in Swift, so split on any newline character rather than on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let fields = rawLine.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            if fields.allSatisfy(\.isEmpty) { continue }
            guard let (order, width) = header else {
                switch columnOrder(fields, columns: columns, line: lineNumber) {
                case .success(let order): header = (order, fields.count)
                case .failure(let issue): return Parsed(headerIssue: issue, lines: [])
                }
                continue
            }
            guard fields.count == width else {
                lines.append(.failure(Issue(
                    line: lineNumber, reason: "expected \(width) fields, found \(fields.count)"
                )))
                continue
            }
            let canonical = order.map { fields[$0] }
            do {
                let parsed = try values(lineNumber, canonical)
                lines.append(.success(Row(line: lineNumber, fields: canonical, values: parsed)))
            } catch {
                lines.append(.failure(error))
            }
        }
        guard header != nil else {
            return Parsed(headerIssue: Issue(line: max(lineNumber, 1), reason: "no header: expected \(columns.joined(separator: ","))"), lines: [])
        }
        return Parsed(headerIssue: nil, lines: lines)
    }

    /// For each canonical column, its index in the header.
    static func columnOrder(_ names: [String], columns: [String], line: Int) -> Result<[Int], Issue> {
        let lowered = names.map { $0.lowercased() }
        let expected = columns.joined(separator: ",")
        for (index, name) in lowered.enumerated() {
            if !columns.contains(name) {
                return .failure(Issue(line: line, reason: "unknown column \"\(names[index])\" in header (expected \(expected))"))
            }
            if lowered[..<index].contains(name) {
                return .failure(Issue(line: line, reason: "duplicate column \"\(names[index])\" in header"))
            }
        }
        var order: [Int] = []
        for column in columns {
            guard let index = lowered.firstIndex(of: column) else {
                return .failure(Issue(line: line, reason: "missing column \"\(column)\" in header (expected \(expected))"))
            }
            order.append(index)
        }
        return .success(order)
    }

    static func trimmed(_ field: Substring) -> String {
        // Spaces, tabs and the CR of a CRLF line ending.
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = field.firstIndex(where: { !isPadding($0) }),
              let end = field.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(field[start...end])
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

    /// The `greeks` output header.
    public static var greeksHeader: String { (greeksColumns + greeksOutputColumns).joined(separator: ",") }

    /// The `iv` output header.
    public static var impliedVolHeader: String { (impliedVolColumns + impliedVolOutputColumns).joined(separator: ",") }

    /// One `greeks` output line (no newline): the input fields, then the valuation at full precision.
    public static func formatGreeks(_ row: Row<GreeksInput>, _ valuation: OptionValuation) -> String {
        let values = [valuation.price, valuation.delta, valuation.gamma, valuation.vega, valuation.theta, valuation.rho]
        return (row.fields + values.map { "\($0)" }).joined(separator: ",")
    }

    /// One `iv` output line (no newline): the input fields, the volatility (empty if none) and the reason.
    public static func formatImpliedVol(_ row: Row<ImpliedVolInput>, _ result: Result<Double, ImpliedVolatilityError>) -> String {
        switch result {
        case .success(let volatility):
            return (row.fields + ["\(volatility)", ""]).joined(separator: ",")
        case .failure(let error):
            // The reason never contains a comma or quote, so it needs no CSV quoting.
            return (row.fields + ["", error.description.replacingCommas()]).joined(separator: ",")
        }
    }
}

private extension String {
    func replacingCommas() -> String { String(map { $0 == "," ? ";" : $0 }) }
}

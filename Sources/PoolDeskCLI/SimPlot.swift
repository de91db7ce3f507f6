import Foundation
import PoolEngine

/// `sim --plot`: the LP share price and each market's spot over the run, drawn as text after the summary.
///
/// One panel per series, stacked on a shared time axis (UTC). Each panel is scaled to its own series' range over
/// the run (its minimum on the bottom row, its maximum on the top row, both labelled), so a 1% move of the share
/// price and a 30% move of spot both fill their panel: compare shapes and timing, not heights. Every plot column
/// covers an equal slice of time and shows every sample in it (a vertical stroke from its lowest to its highest
/// value), so no drawdown is skipped however long the run.
struct SimPlot {
    enum Style: Hashable, Sendable {
        /// Braille dots, 2×4 per cell.
        case braille
        /// `*` and `|`, plain ASCII for any terminal or log.
        case ascii
    }

    struct Panel {
        var title: String
        var values: [Double]
        var decimals: Int
        var rows: Int
        /// ANSI colour code of the line when colour is on.
        var color: Int
    }

    var times: [SimTime]
    var panels: [Panel]
    var style: Style
    /// Total width in columns (labels included).
    var width: Int
    /// Whether to colour the lines with ANSI escapes.
    var color: Bool

    /// The plot of a report: the share price (8 rows) and each market's spot (5 rows).
    init(recorder: SimReportRecorder, style: Style, width: Int, color: Bool) {
        var panels = [Panel(title: "LP share price", values: recorder.rows.map(\.sharePrice), decimals: 6, rows: 8, color: 32)]
        for (index, symbol) in recorder.symbols.enumerated() {
            panels.append(Panel(title: "\(symbol) spot (USD)", values: recorder.rows.map { $0.spots[index] }, decimals: 2, rows: 5, color: 33))
        }
        self.init(times: recorder.rows.map(\.time), panels: panels, style: style, width: width, color: color)
    }

    init(times: [SimTime], panels: [Panel], style: Style, width: Int, color: Bool) {
        self.times = times
        self.panels = panels
        self.style = style
        self.width = width
        self.color = color
    }

    /// The narrowest and widest plots drawn (a wider terminal gets a 200-column plot).
    static let widthRange = 40...200

    /// The drawing, lines joined by newlines, ending with one.
    func render() -> String {
        let labels = panels.map { panel -> (top: String, bottom: String) in
            let finite = panel.values.filter(\.isFinite)
            return (SimSummaryFormat.grouped(finite.max() ?? 0, decimals: panel.decimals),
                    SimSummaryFormat.grouped(finite.min() ?? 0, decimals: panel.decimals))
        }
        let labelWidth = labels.map { max($0.top.count, $0.bottom.count) }.max() ?? 0
        let totalWidth = min(max(width, Self.widthRange.lowerBound), Self.widthRange.upperBound)
        let plotWidth = max(10, totalWidth - labelWidth - 2)
        let ascii = style == .ascii
        var out: [String] = []
        for (index, panel) in panels.enumerated() {
            out.append(panel.title)
            let cells = draw(panel, columns: plotWidth)
            for row in 0..<panel.rows {
                let label = row == 0 ? labels[index].top : row == panel.rows - 1 ? labels[index].bottom : ""
                let axis = row == 0 || row == panel.rows - 1 ? (ascii ? "+" : "┤") : (ascii ? "|" : "│")
                var line = String(repeating: " ", count: labelWidth - label.count) + label + " " + axis
                let body = String(cells[row]).replacingTrailingSpaces()
                line += color && !body.isEmpty ? "\u{1B}[\(panel.color)m" + body + "\u{1B}[0m" : body
                out.append(line)
            }
        }
        out.append(String(repeating: " ", count: labelWidth + 1) + (ascii ? "+" : "└") + String(repeating: ascii ? "-" : "─", count: plotWidth))
        out.append(String(repeating: " ", count: labelWidth + 2) + timeAxis(columns: plotWidth))
        let years = Set(times.map(\.civil.year)).sorted().map(String.init).joined(separator: "–")
        out.append("UTC \(years) · each panel on its own scale")
        return out.joined(separator: "\n") + "\n"
    }

    /// Start, middle and end times under the plot (start and end only when narrow).
    func timeAxis(columns: Int) -> String {
        guard let first = times.first, let last = times.last else { return "" }
        // Month, day and time (the years are in the footer): 12-01 14:05.
        func label(_ time: SimTime) -> String {
            let text = time.description // 2026-12-01T14:05:00Z
            return String(text.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
        }
        let start = label(first), end = label(last)
        var line = [Character](repeating: " ", count: columns)
        func place(_ text: String, at column: Int) {
            for (offset, character) in text.enumerated() where column + offset >= 0 && column + offset < columns {
                line[column + offset] = character
            }
        }
        place(start, at: 0)
        if columns >= 3 * end.count + 4 {
            let middle = SimTime(milliseconds: first.milliseconds + (last.milliseconds - first.milliseconds) / 2)
            let text = label(middle)
            place(text, at: columns / 2 - text.count / 2)
        }
        if columns >= start.count + end.count + 2 { place(end, at: columns - end.count) }
        return String(line).replacingTrailingSpaces()
    }

    /// The panel's cells, `rows` strings of `columns` characters.
    func draw(_ panel: Panel, columns: Int) -> [[Character]] {
        let perCell = style == .braille ? (x: 2, y: 4) : (x: 1, y: 1)
        let dotColumns = columns * perCell.x
        let levels = panel.rows * perCell.y
        let spans = columnSpans(panel.values, columns: dotColumns, levels: levels)
        var dots = [[Bool]](repeating: [Bool](repeating: false, count: dotColumns), count: levels)
        var ends = [Int?](repeating: nil, count: dotColumns)
        var previous: Int?
        for (column, span) in spans.enumerated() {
            guard let span else { previous = nil; continue }
            // The column's own samples, and a stroke through the levels strictly between it and the previous point.
            var low = span.low, high = span.high
            if let previous, previous < low - 1 { low = previous + 1 }
            if let previous, previous > high + 1 { high = previous - 1 }
            for level in low...high { dots[level][column] = true }
            ends[column] = span.last
            previous = span.last
        }
        var cells = [[Character]](repeating: [Character](repeating: " ", count: columns), count: panel.rows)
        switch style {
        case .braille:
            let bits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
            for row in 0..<panel.rows {
                for column in 0..<columns {
                    var pattern: UInt32 = 0
                    for dy in 0..<4 {
                        let level = levels - 1 - (row * 4 + dy)
                        for dx in 0..<2 where dots[level][column * 2 + dx] { pattern |= bits[dy][dx] }
                    }
                    if pattern != 0, let scalar = Unicode.Scalar(0x2800 + pattern) { cells[row][column] = Character(scalar) }
                }
            }
        case .ascii:
            for column in 0..<columns {
                for level in 0..<levels where dots[level][column] {
                    cells[levels - 1 - level][column] = ends[column] == level ? "*" : "|"
                }
            }
        }
        return cells
    }

    /// For each of `columns` equal slices of the run's time: the lowest, highest and last level (0 = bottom,
    /// `levels − 1` = top) of the samples in it, or of the value interpolated at its middle when it holds none.
    func columnSpans(_ values: [Double], columns: Int, levels: Int) -> [(low: Int, high: Int, last: Int)?] {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), times.count == values.count, let first = times.first, let end = times.last else {
            return [(low: Int, high: Int, last: Int)?](repeating: nil, count: columns)
        }
        func level(_ value: Double) -> Int {
            guard high > low else { return (levels - 1) / 2 }
            return Int(((value - low) / (high - low) * Double(levels - 1)).rounded())
        }
        let span = Double(end.milliseconds - first.milliseconds)
        func column(of time: SimTime) -> Int {
            guard span > 0 else { return columns - 1 }
            return min(columns - 1, Int(Double(time.milliseconds - first.milliseconds) / span * Double(columns)))
        }
        var result = [(low: Int, high: Int, last: Int)?](repeating: nil, count: columns)
        for (index, value) in values.enumerated() where value.isFinite {
            let c = column(of: times[index]), l = level(value)
            if let existing = result[c] {
                result[c] = (min(existing.low, l), max(existing.high, l), l)
            } else {
                result[c] = (l, l, l)
            }
        }
        // Empty slices (fewer samples than columns): the straight line between the samples either side.
        guard span > 0 else { return result }
        var index = 0
        for c in 0..<columns where result[c] == nil {
            let middle = Double(first.milliseconds) + (Double(c) + 0.5) / Double(columns) * span
            while index + 1 < times.count - 1 && Double(times[index + 1].milliseconds) < middle { index += 1 }
            guard index + 1 < times.count, values[index].isFinite, values[index + 1].isFinite else { continue }
            let t0 = Double(times[index].milliseconds), t1 = Double(times[index + 1].milliseconds)
            let fraction = t1 > t0 ? min(1, max(0, (middle - t0) / (t1 - t0))) : 0
            let l = level(values[index] + (values[index + 1] - values[index]) * fraction)
            result[c] = (l, l, l)
        }
        return result
    }

    /// The terminal's width in columns: the window size of stdout, else `$COLUMNS`, else 80.
    static func terminalWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        return 80
    }

    /// Colour only on a terminal and only when `NO_COLOR` is unset or empty (no-color.org).
    static func colorWanted(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}

private extension String {
    /// Without the spaces at its end (plot rows carry no trailing blanks).
    func replacingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

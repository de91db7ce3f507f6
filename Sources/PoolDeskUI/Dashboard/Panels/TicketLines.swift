/// Rows of a multi-leg ticket (the strategy ticket, the strategy close ticket): a muted label column and a value that
/// wraps onto continuation rows when it is wider than the ticket, so no figure or reason is cut at the border.
struct TicketLines {
    struct Row: Hashable {
        var label: String
        var text: String
        var role: ThemeRole
        /// A full-width row (the legs' table), drawn without the label column.
        var isWide = false
    }

    /// Cells of the label column.
    let labelWidth: Int
    /// Cells a row may use (the ticket's inner width less a cell each side).
    let width: Int
    private(set) var rows: [Row] = []

    init(labelWidth: Int, width: Int) {
        self.labelWidth = labelWidth
        self.width = width
    }

    /// A label and its value; a value too wide for the value column wraps at spaces onto rows with an empty label.
    mutating func add(_ label: String, _ value: String, _ role: ThemeRole = .text) {
        let valueWidth = max(8, width - labelWidth)
        let lines = value.count <= valueWidth ? [value] : value.wrapped(width: valueWidth, maximumLines: 8)
        for (index, line) in lines.enumerated() {
            rows.append(Row(label: index == 0 ? label : "", text: line, role: role))
        }
    }

    /// A row over the whole width (a table line); a longer one wraps at spaces.
    mutating func addWide(_ text: String, _ role: ThemeRole) {
        let lines = text.count <= width ? [text] : text.wrapped(width: width, maximumLines: 8)
        for line in lines { rows.append(Row(label: "", text: line, role: role, isWide: true)) }
    }

    /// Draws the rows from `y` down while rows last before `limit` (exclusive); returns the next free row.
    func draw(in grid: inout CellGrid, x: Int, y: Int, limit: Int, style: (ThemeRole) -> CellStyle) -> Int {
        var y = y
        for row in rows {
            guard y < limit else { break }
            if row.isWide {
                grid.drawText(row.text, x: x, y: y, width: width, style: style(row.role))
            } else {
                grid.drawText(row.label, x: x, y: y, width: labelWidth, style: style(.muted))
                grid.drawText(row.text, x: x + labelWidth, y: y, width: width - labelWidth, style: style(row.role))
            }
            y += 1
        }
        return y
    }

    /// A refusal as whole lines of `width` cells: every word of it, however many rows it takes (at most the ticket's).
    static func refusal(_ message: String, width: Int, maximumLines: Int) -> [String] {
        "✗ would be rejected: \(message)".wrapped(width: width, maximumLines: max(1, maximumLines))
    }
}

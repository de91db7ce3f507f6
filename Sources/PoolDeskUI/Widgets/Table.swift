/// One column of a `Table`.
public struct TableColumn: Hashable, Sendable {
    /// How wide a column is.
    public enum Width: Hashable, Sendable {
        /// Exactly this many cells.
        case fixed(Int)
        /// At least `min` cells, plus a share of the leftover width proportional to `weight`.
        case flexible(min: Int, weight: Int)
    }

    /// The header text.
    public var title: String
    /// The column's width rule.
    public var width: Width
    /// Alignment of the header and the cells (numbers: `.right`).
    public var alignment: TextAlignment

    /// Creates a column.
    public init(_ title: String, width: Width, alignment: TextAlignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// One cell of a `Table`: text and the role it is drawn in.
public struct TableCell: Hashable, Sendable, ExpressibleByStringLiteral {
    /// The text; cut with an ellipsis when the column is narrower.
    public var text: String
    /// The role for the text's color.
    public var role: ThemeRole
    /// A style that replaces the role's (rarely needed: a per-cell heat color).
    public var style: CellStyle?

    /// Creates a cell.
    public init(_ text: String, role: ThemeRole = .text, style: CellStyle? = nil) {
        self.text = text
        self.role = role
        self.style = style
    }

    /// A plain `.text` cell.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// One row of a `Table`.
public struct TableRow: Hashable, Sendable {
    /// The cells, one per column; missing cells are blank, extra ones ignored.
    public var cells: [TableCell]
    /// A role whose background shades the whole row (`.itm`, `.atm`), under the cells' own colors.
    public var role: ThemeRole?

    /// Creates a row.
    public init(_ cells: [TableCell], role: ThemeRole? = nil) {
        self.cells = cells
        self.role = role
    }
}

/// What `Table.draw` did: the rows it showed and the scroll offset to pass in next time.
public struct TableDrawResult: Hashable, Sendable {
    /// Indices of the rows drawn, top to bottom.
    public var visibleRows: Range<Int>
    /// The first row shown; keep it and pass it back so scrolling is stable between frames.
    public var scrollOffset: Int
    /// The widths the columns got.
    public var columnWidths: [Int]
}

/// A table with a header, a highlighted selected row and scrolling that keeps the selection visible.
public struct Table: Hashable, Sendable {
    /// The columns, left to right.
    public var columns: [TableColumn]
    /// All rows; only those that fit are drawn.
    public var rows: [TableRow]
    /// The selected row, highlighted with `selected` (or `selectedInactive` when the table is not focused).
    public var selectedIndex: Int?
    /// Whether the panel holding the table has focus.
    public var focused: Bool
    /// Whether the first line shows the column titles.
    public var showsHeader: Bool
    /// Blank cells between columns.
    public var columnSpacing: Int

    /// Creates a table.
    public init(
        columns: [TableColumn],
        rows: [TableRow],
        selectedIndex: Int? = nil,
        focused: Bool = true,
        showsHeader: Bool = true,
        columnSpacing: Int = 1
    ) {
        self.columns = columns
        self.rows = rows
        self.selectedIndex = selectedIndex
        self.focused = focused
        self.showsHeader = showsHeader
        self.columnSpacing = columnSpacing
    }

    /// Widths for `totalWidth` cells: fixed columns as given, flexible ones their minimum plus a weighted share
    /// of what is left (remainder to the leftmost). Columns past the right edge are clipped when drawing.
    public func columnWidths(totalWidth: Int) -> [Int] {
        var widths = columns.map { column -> Int in
            switch column.width {
            case .fixed(let width): max(0, width)
            case .flexible(let minimum, _): max(0, minimum)
            }
        }
        let spacing = max(0, columnSpacing) * max(0, columns.count - 1)
        var leftover = totalWidth - spacing - widths.reduce(0, +)
        let weights = columns.map { column -> Int in
            if case .flexible(_, let weight) = column.width { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        guard leftover > 0, totalWeight > 0 else { return widths }
        let share = leftover
        for index in widths.indices where weights[index] > 0 {
            let extra = share * weights[index] / totalWeight
            widths[index] += extra
            leftover -= extra
        }
        for index in widths.indices where weights[index] > 0 && leftover > 0 {
            widths[index] += 1
            leftover -= 1
        }
        return widths
    }

    /// The first row to show so that `selected` is visible in `visibleCount` lines, moving `current` as little
    /// as possible, and never leaving blank lines at the bottom while rows above are hidden.
    public static func scrollOffset(current: Int, selected: Int?, visibleCount: Int, rowCount: Int) -> Int {
        guard visibleCount > 0, rowCount > 0 else { return 0 }
        var offset = max(0, current)
        if let selected, selected >= 0, selected < rowCount {
            if selected < offset { offset = selected }
            if selected >= offset + visibleCount { offset = selected - visibleCount + 1 }
        }
        return min(offset, max(0, rowCount - visibleCount))
    }

    /// Draws the table into `rect`, starting from `scrollOffset` (adjusted to keep the selection visible).
    @discardableResult
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet = .unicode, scrollOffset: Int = 0) -> TableDrawResult {
        let widths = columnWidths(totalWidth: rect.width)
        guard rect.width > 0, rect.height > 0 else {
            return TableDrawResult(visibleRows: 0..<0, scrollOffset: 0, columnWidths: widths)
        }
        var y = rect.y
        if showsHeader {
            let headerStyle = theme.style(.header)
            grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style: theme.fillStyle(.header)))
            forEachColumn(widths: widths, rect: rect) { index, x, width in
                grid.drawText(columns[index].title, x: x, y: y, width: width, alignment: columns[index].alignment, style: headerStyle, ellipsis: glyphs.ellipsis)
            }
            y += 1
        }
        let visibleCount = rect.maxY - y
        let offset = Self.scrollOffset(current: scrollOffset, selected: selectedIndex, visibleCount: visibleCount, rowCount: rows.count)
        let end = min(rows.count, offset + max(0, visibleCount))
        let selectionStyle = theme.style(focused ? .selected : .selectedInactive)

        for rowIndex in offset..<max(offset, end) {
            let row = rows[rowIndex]
            let isSelected = rowIndex == selectedIndex
            let rowBackground: CellStyle = {
                if isSelected { return CellStyle(foreground: selectionStyle.foreground, background: selectionStyle.background) }
                if let role = row.role { return theme.fillStyle(role) }
                return theme.baseStyle
            }()
            grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style: rowBackground))
            let rowRoleStyle = row.role.map { theme.style($0) }
            forEachColumn(widths: widths, rect: rect) { index, x, width in
                guard index < row.cells.count else { return }
                let cell = row.cells[index]
                var style = cell.style ?? theme.style(cell.role)
                if let rowRoleStyle, cell.style == nil {
                    // The row role shades; the cell keeps its color unless it is plain text.
                    style = style.onBackground(rowRoleStyle.background, theme: theme)
                    if cell.role == .text { style = rowRoleStyle }
                }
                if isSelected {
                    // Colored cells (bid, ask, …) keep their color on the selection; plain text takes the selection's.
                    let foreground = cell.role == .text && cell.style == nil ? selectionStyle.foreground : style.foreground
                    style = CellStyle(foreground: foreground, background: selectionStyle.background, attributes: style.attributes.union(selectionStyle.attributes))
                }
                grid.drawText(cell.text, x: x, y: y, width: width, alignment: columns[index].alignment, style: style, ellipsis: glyphs.ellipsis)
            }
            y += 1
        }
        return TableDrawResult(visibleRows: offset..<max(offset, end), scrollOffset: offset, columnWidths: widths)
    }

    /// Calls `body` with each column's index, x and width, clipped to `rect`.
    private func forEachColumn(widths: [Int], rect: Rect, _ body: (Int, Int, Int) -> Void) {
        var x = rect.x
        for (index, width) in widths.enumerated() {
            guard x < rect.maxX else { break }
            let clipped = min(width, rect.maxX - x)
            if clipped > 0 { body(index, x, clipped) }
            x += width + max(0, columnSpacing)
        }
    }
}

/// A row of tabs (expiries, views): the active one highlighted, scrolled so it is always visible.
///
/// ```
///  7D │ 14D │ 30D
/// ```
public struct Tabs: Hashable, Sendable {
    /// The tab labels, left to right.
    public var labels: [String]
    /// The active tab.
    public var activeIndex: Int

    /// Creates a tab row.
    public init(labels: [String], activeIndex: Int) {
        self.labels = labels
        self.activeIndex = activeIndex
    }

    /// Draws the tabs as ` label ` separated by `glyphs.separator` on the first row of `rect`;
    /// tabs before the active one are dropped when they do not all fit. Returns the indices drawn.
    @discardableResult
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet) -> Range<Int> {
        guard rect.width > 0, rect.height > 0, !labels.isEmpty else { return 0..<0 }
        let active = min(max(0, activeIndex), labels.count - 1)
        let widths = labels.map { $0.unicodeScalars.count + 2 }
        // Start as far left as possible while the active tab still fits.
        var first = 0
        while first < active && widths[first...active].reduce(0, +) + (active - first) > rect.width { first += 1 }

        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", style: theme.baseStyle))
        let activeStyle = theme.style(.tabActive)
        let inactiveStyle = theme.style(.tabInactive)
        let separatorStyle = theme.style(.border)
        var x = rect.x
        var last = first
        for index in first..<labels.count {
            if index > first {
                guard x < rect.maxX else { break }
                grid[x, rect.y] = Cell(glyphs.separator, style: separatorStyle)
                x += 1
            }
            let available = rect.maxX - x
            guard available > 0 else { break }
            grid.drawText(" \(labels[index]) ", x: x, y: rect.y, width: min(widths[index], available),
                          style: index == active ? activeStyle : inactiveStyle, ellipsis: glyphs.ellipsis)
            x += widths[index]
            last = index
        }
        return first..<(last + 1)
    }
}

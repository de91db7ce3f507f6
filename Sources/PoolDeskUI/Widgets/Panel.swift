/// A bordered box with a title on its top edge: the frame of every dashboard panel.
///
/// ```
/// ┌─ Book ──────── BTC ─┐
/// │                     │
/// └─────────────────────┘
/// ```
public struct Panel: Hashable, Sendable {
    /// Shown at the left of the top edge.
    public var title: String
    /// Shown at the right of the top edge (a count, a timestamp), dropped first when space runs out.
    public var info: String?
    /// Focused panels get the heavy border and the `borderFocused` role.
    public var focused: Bool
    /// The role the inside is cleared with; `nil` leaves the inside untouched.
    public var fill: ThemeRole?

    /// Creates a panel.
    public init(title: String = "", info: String? = nil, focused: Bool = false, fill: ThemeRole? = .text) {
        self.title = title
        self.info = info
        self.focused = focused
        self.fill = fill
    }

    /// Draws the box into `rect` (clipped to the grid) and returns the inner rectangle for the content.
    @discardableResult
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let inner = rect.inset(by: 1)
        var fillStyle: CellStyle?
        if let fill {
            let style = theme.fillStyle(fill)
            fillStyle = style
            grid.fill(inner, with: Cell(" ", style: style))
        }
        // Border and title sit on the panel's background, which may differ from the border role's (modals).
        let background = fillStyle?.background
        var borderStyle = theme.style(focused ? .borderFocused : .border)
        var titleStyle = theme.style(.title)
        var infoStyle = theme.style(.muted)
        if let background {
            borderStyle = borderStyle.onBackground(background, theme: theme)
            titleStyle = titleStyle.onBackground(background, theme: theme)
            infoStyle = infoStyle.onBackground(background, theme: theme)
        }
        let box = glyphs.box(focused: focused)
        let right = rect.maxX - 1, bottom = rect.maxY - 1

        grid[rect.x, rect.y] = Cell(box.topLeft, style: borderStyle)
        grid[right, rect.y] = Cell(box.topRight, style: borderStyle)
        grid[rect.x, bottom] = Cell(box.bottomLeft, style: borderStyle)
        grid[right, bottom] = Cell(box.bottomRight, style: borderStyle)
        let horizontal = Cell(box.horizontal, style: borderStyle)
        grid.fill(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), with: horizontal)
        grid.fill(Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1), with: horizontal)
        let vertical = Cell(box.vertical, style: borderStyle)
        grid.fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), with: vertical)
        grid.fill(Rect(x: right, y: rect.y + 1, width: 1, height: rect.height - 2), with: vertical)

        drawTitles(in: &grid, rect: rect, titleStyle: titleStyle, infoStyle: infoStyle, glyphs: glyphs)
        return inner
    }

    /// Title as ` Title ` from column 2, info as ` info ` ending two columns before the right corner;
    /// info is dropped when both do not fit with a gap, then the title is cut with an ellipsis.
    private func drawTitles(in grid: inout CellGrid, rect: Rect, titleStyle: CellStyle, infoStyle: CellStyle, glyphs: GlyphSet) {
        // Columns usable on the top edge: after "┌─" and before "─┐".
        let available = rect.width - 4
        guard available >= 3 else { return }
        let titleLength = title.isEmpty ? 0 : title.unicodeScalars.count + 2
        var infoLength = 0
        if let info, !info.isEmpty {
            let needed = info.unicodeScalars.count + 2
            let gap = titleLength > 0 ? 1 : 0
            if titleLength + gap + needed <= available { infoLength = needed }
        }
        if let info, infoLength > 0 {
            grid.drawText(" \(info) ", x: rect.maxX - 2 - infoLength, y: rect.y, width: infoLength, style: infoStyle)
        }
        if titleLength > 0 {
            let width = min(titleLength, available)
            // Keep the padding spaces even when cut: " Tit… ".
            grid[rect.x + 2, rect.y] = Cell(" ", style: titleStyle)
            grid.drawText(title, x: rect.x + 3, y: rect.y, width: width - 2, style: titleStyle, ellipsis: glyphs.ellipsis)
            grid[rect.x + 2 + width - 1, rect.y] = Cell(" ", style: titleStyle)
        }
    }
}

/// A dialog box centered over the screen, casting a shadow on what is behind it.
public struct Modal: Hashable, Sendable {
    /// The title on the top border.
    public var title: String
    /// Right-aligned text on the top border (e.g. `Esc to close`).
    public var info: String?
    /// Desired outer width, shrunk to fit the grid.
    public var width: Int
    /// Desired outer height, shrunk to fit the grid.
    public var height: Int
    /// Whether to darken the two columns to the right and the row below the box.
    public var shadow: Bool

    /// Creates a modal.
    public init(title: String, info: String? = nil, width: Int, height: Int, shadow: Bool = true) {
        self.title = title
        self.info = info
        self.width = width
        self.height = height
        self.shadow = shadow
    }

    /// The outer box centered in a grid of `gridWidth` × `gridHeight`, leaving room for the shadow when possible.
    public func frame(gridWidth: Int, gridHeight: Int) -> Rect {
        let w = min(width, gridWidth), h = min(height, gridHeight)
        return Rect(x: max(0, (gridWidth - w) / 2), y: max(0, (gridHeight - h) / 2), width: w, height: h)
    }

    /// Draws the shadow, clears the box with `modalBackground`, draws a focused border and returns the inner rect.
    @discardableResult
    public func draw(in grid: inout CellGrid, theme: Theme, glyphs: GlyphSet) -> Rect {
        let box = frame(gridWidth: grid.width, gridHeight: grid.height)
        guard box.width >= 2, box.height >= 2 else { return Rect(x: box.x, y: box.y, width: 0, height: 0) }
        if shadow {
            // The shadow keeps the characters behind it and only restyles them, so the screen stays readable.
            let shadowStyle = theme.style(.shadow)
            grid.restyle(Rect(x: box.maxX, y: box.y + 1, width: 2, height: box.height), with: shadowStyle)
            grid.restyle(Rect(x: box.x + 2, y: box.maxY, width: box.width, height: 1), with: shadowStyle)
        }
        let panel = Panel(title: title, info: info, focused: true, fill: .modalBackground)
        return panel.draw(in: &grid, rect: box, theme: theme, glyphs: glyphs)
    }
}

/// A one-row horizontal bar for a fraction in [0, 1], colored by thresholds, with an optional cap marker and label.
///
/// ```
/// █████▌░░│░ 55.0%
/// ```
public struct Gauge: Hashable, Sendable {
    /// The filled fraction; clamped to [0, 1], NaN counts as 0.
    public var value: Double
    /// Where to draw the cap marker (e.g. the pool's 0.8 utilization cap), as a fraction of the bar.
    public var cap: Double?
    /// Text drawn after the bar (e.g. `62.0%`); dropped when the bar would get narrower than 3 cells.
    public var label: String?
    /// From this fraction on, the fill uses `gaugeMid` instead of `gaugeLow`.
    public var midThreshold: Double
    /// From this fraction on, the fill uses `gaugeHigh`.
    public var highThreshold: Double

    /// Creates a gauge.
    public init(value: Double, cap: Double? = nil, label: String? = nil, midThreshold: Double = 0.6, highThreshold: Double = 0.8) {
        self.value = value
        self.cap = cap
        self.label = label
        self.midThreshold = midThreshold
        self.highThreshold = highThreshold
    }

    /// The value clamped to [0, 1].
    public var clampedValue: Double { value.isNaN ? 0 : min(1, max(0, value)) }

    /// The role of the filled part for the current value.
    public var fillRole: ThemeRole {
        let fraction = clampedValue
        if fraction >= highThreshold { return .gaugeHigh }
        if fraction >= midThreshold { return .gaugeMid }
        return .gaugeLow
    }

    /// The bar's characters for `width` cells (no label), so callers and tests can reason about it without a grid.
    ///
    /// With partial blocks the fill is rounded to the nearest eighth of a cell, otherwise to whole cells.
    /// The cap marker sits in the cell that starts at the cap fraction (`cap * width`, rounded down, kept inside).
    public func bar(width: Int, glyphs: GlyphSet) -> [Unicode.Scalar] {
        guard width > 0 else { return [] }
        var cells = Array(repeating: glyphs.gaugeEmpty, count: width)
        let partials = glyphs.gaugePartials
        let steps = partials.isEmpty ? 1 : partials.count + 1
        let filled = Int((clampedValue * Double(width * steps)).rounded(.toNearestOrAwayFromZero))
        let full = min(width, filled / steps)
        for index in 0..<full { cells[index] = glyphs.gaugeFull }
        let remainder = filled % steps
        if remainder > 0 && full < width { cells[full] = partials[remainder - 1] }
        if let index = capIndex(width: width) { cells[index] = glyphs.gaugeCap }
        return cells
    }

    /// The cell holding the cap marker for a bar of `width` cells.
    public func capIndex(width: Int) -> Int? {
        guard let cap, cap.isFinite, width > 0 else { return nil }
        return min(width - 1, max(0, Int((min(1, max(0, cap)) * Double(width)).rounded(.down))))
    }

    /// Draws the gauge on the first row of `rect`.
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet) {
        guard rect.width > 0, rect.height > 0 else { return }
        var barWidth = rect.width
        var labelText: String?
        if let label, !label.isEmpty {
            let labelWidth = label.unicodeScalars.count + 1
            if rect.width - labelWidth >= 3 {
                barWidth = rect.width - labelWidth
                labelText = label
            }
        }
        let cells = bar(width: barWidth, glyphs: glyphs)
        let fillStyle = theme.style(fillRole)
        let emptyStyle = theme.style(.gaugeEmpty)
        let capStyle = theme.style(.gaugeCap)
        let capAt = capIndex(width: barWidth)
        for (offset, scalar) in cells.enumerated() {
            let style: CellStyle
            if offset == capAt {
                style = capStyle
            } else if scalar == glyphs.gaugeEmpty {
                style = emptyStyle
            } else {
                style = fillStyle
            }
            grid[rect.x + offset, rect.y] = Cell(scalar, style: style)
        }
        if let labelText {
            grid[rect.x + barWidth, rect.y] = Cell(" ", style: theme.baseStyle)
            grid.drawText(labelText, x: rect.x + barWidth + 1, y: rect.y, width: rect.width - barWidth - 1, style: theme.style(.text))
        }
    }
}

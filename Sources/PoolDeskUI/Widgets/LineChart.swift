/// How a line chart draws its points.
public enum ChartStyle: String, CaseIterable, Hashable, Sendable {
    /// Braille dots, 2×4 per cell: the finest resolution (needs a font with the U+2800 block).
    case braille
    /// Filled columns of eighth blocks (`▁▂▃▄▅▆▇█`), like a sparkline.
    case blocks
    /// A `*` per column joined by `|` strokes: plain ASCII whatever the glyph set, for any terminal or log.
    case ascii
}

/// The vertical range a chart maps onto its rows.
public struct ChartScale: Hashable, Sendable {
    /// The value at the bottom row.
    public var lower: Double
    /// The value at the top row.
    public var upper: Double

    /// Creates a scale.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The finite values' range widened by `padding` × range on both sides; `nil` without finite values.
    /// A flat series gets `lower == upper`, which `fraction(of:)` maps to the middle.
    public init?(values: [Double], padding: Double = 0.05) {
        var low = Double.infinity, high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        guard low <= high else { return nil }
        let margin = (high - low) * max(0, padding)
        self.init(lower: low - margin, upper: high + margin)
    }

    /// Where `value` sits between `lower` (0) and `upper` (1), clamped; 0.5 when the range is empty.
    public func fraction(of value: Double) -> Double {
        let range = upper - lower
        guard range > 0, range.isFinite, value.isFinite else { return 0.5 }
        return min(1, max(0, (value - lower) / range))
    }
}

/// A line chart of a series of values with optional min/max/last labels beside it.
///
/// The series is stretched across the width when it has fewer points than columns (with straight lines between
/// points) and the most recent points are kept when it has more, as a scrolling price chart does.
/// Non-finite values are skipped. A single point is drawn at the right edge.
public struct LineChart: Sendable {
    /// Where the axis labels go.
    public enum AxisPosition: Hashable, Sendable {
        case left, right, none
    }

    /// The series, oldest first.
    public var values: [Double]
    /// Braille, blocks or ASCII; braille falls back to ASCII when the glyph set has no braille.
    public var style: ChartStyle
    /// Labels for the maximum (top row), minimum (bottom row) and last value (at its row, drawn in the line's role).
    public var axis: AxisPosition
    /// Extra room above and below the data, as a fraction of its range.
    public var padding: Double
    /// Formats axis labels.
    public var labelFormat: @Sendable (Double) -> String

    /// Creates a chart.
    public init(
        values: [Double],
        style: ChartStyle = .braille,
        axis: AxisPosition = .right,
        padding: Double = 0.05,
        labelFormat: @escaping @Sendable (Double) -> String = LineChart.defaultLabel
    ) {
        self.values = values
        self.style = style
        self.axis = axis
        self.padding = padding
        self.labelFormat = labelFormat
    }

    /// Default axis labels: whole numbers with separators from 1,000 up, 2 decimals from 1, 4 below.
    public static func defaultLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1000 { return NumberFormat.fixed(value, decimals: 0) }
        if magnitude >= 1 { return NumberFormat.fixed(value, decimals: 2) }
        return NumberFormat.fixed(value, decimals: 4)
    }

    /// Draws the chart into `rect`, clearing it first.
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet) {
        guard rect.width > 0, rect.height > 0 else { return }
        grid.fill(rect, with: Cell(" ", style: theme.baseStyle))
        let series = values.filter(\.isFinite)
        guard let dataScale = ChartScale(values: series, padding: 0), let last = series.last else {
            grid.drawText("no data", x: rect.x, y: rect.y + rect.height / 2, width: rect.width, alignment: .center, style: theme.style(.muted))
            return
        }
        let scale = ChartScale(values: series, padding: padding) ?? dataScale

        // Labels only when they leave at least 4 columns of plot.
        var plot = rect
        var labelRect: Rect?
        if axis != .none {
            let texts = [labelFormat(dataScale.upper), labelFormat(dataScale.lower), labelFormat(last)]
            let labelWidth = texts.map(\.unicodeScalars.count).max() ?? 0
            if rect.width - labelWidth - 1 >= 4 {
                plot.width = rect.width - labelWidth - 1
                if axis == .left { plot.x = rect.x + labelWidth + 1 }
                labelRect = Rect(x: axis == .left ? rect.x : plot.maxX + 1, y: rect.y, width: labelWidth, height: rect.height)
            }
        }

        let effective = style == .braille && !glyphs.supportsBraille ? ChartStyle.ascii : style
        let lineStyle = theme.style(.chartLine)
        let lastRow: Int
        switch effective {
        case .braille: lastRow = drawBraille(series, scale: scale, in: &grid, plot: plot, style: lineStyle)
        case .blocks: lastRow = drawBlocks(series, scale: scale, in: &grid, plot: plot, style: lineStyle, glyphs: glyphs)
        case .ascii: lastRow = drawASCII(series, scale: scale, in: &grid, plot: plot, style: lineStyle)
        }

        if let labelRect {
            let alignment: TextAlignment = axis == .left ? .right : .left
            let axisStyle = theme.style(.chartAxis)
            if rect.height > 1 {
                grid.drawText(labelFormat(dataScale.upper), x: labelRect.x, y: labelRect.y, width: labelRect.width, alignment: alignment, style: axisStyle)
                grid.drawText(labelFormat(dataScale.lower), x: labelRect.x, y: labelRect.maxY - 1, width: labelRect.width, alignment: alignment, style: axisStyle)
            }
            grid.drawText(labelFormat(last), x: labelRect.x, y: plot.y + lastRow, width: labelRect.width, alignment: alignment, style: lineStyle, fill: theme.baseStyle)
        }
    }

    /// Values per plot column: the most recent `columns` values, or the series stretched with straight lines.
    func columnValues(_ series: [Double], columns: Int) -> [Double?] {
        guard columns > 0 else { return [] }
        if series.count >= columns { return Array(series.suffix(columns)) }
        if series.count == 1 {
            var result = [Double?](repeating: nil, count: columns)
            result[columns - 1] = series[0]
            return result
        }
        let span = Double(series.count - 1) / Double(columns - 1)
        return (0..<columns).map { column in
            let position = Double(column) * span
            let index = min(series.count - 2, Int(position))
            let t = position - Double(index)
            return series[index] + (series[index + 1] - series[index]) * t
        }
    }

    /// Levels (0 = bottom) per column for `levels` steps, nil where there is no point.
    func columnLevels(_ series: [Double], scale: ChartScale, columns: Int, levels: Int) -> [Int?] {
        columnValues(series, columns: columns).map { value in
            value.map { Int((scale.fraction(of: $0) * Double(levels - 1)).rounded(.toNearestOrAwayFromZero)) }
        }
    }

    /// Braille dots: each cell holds 2 columns × 4 rows; consecutive points are joined by a vertical run
    /// in the later column so steep moves stay connected. Returns the cell row of the last point.
    private func drawBraille(_ series: [Double], scale: ChartScale, in grid: inout CellGrid, plot: Rect, style: CellStyle) -> Int {
        let dotRows = plot.height * 4
        let levels = columnLevels(series, scale: scale, columns: plot.width * 2, levels: dotRows)
        // Dot bits by (row in cell, column in cell), per the Unicode braille pattern layout.
        let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        var buffer = [UInt8](repeating: 0, count: plot.width * plot.height)
        var previous: Int?
        var lastLevel = 0
        for (column, level) in levels.enumerated() {
            guard let level else { previous = nil; continue }
            let run: ClosedRange<Int>
            if let previous, previous < level {
                run = (previous + 1)...level
            } else if let previous, previous > level {
                run = level...(previous - 1)
            } else {
                run = level...level
            }
            for dot in run {
                let fromTop = dotRows - 1 - dot
                buffer[(fromTop / 4) * plot.width + column / 2] |= bits[fromTop % 4][column % 2]
            }
            previous = level
            lastLevel = level
        }
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let pattern = buffer[row * plot.width + column]
                guard pattern != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(pattern)) else { continue }
                grid[plot.x + column, plot.y + row] = Cell(scalar, style: style)
            }
        }
        return (dotRows - 1 - lastLevel) / 4
    }

    /// Filled columns: the level counts partial steps (`glyphs.blocks`) from the bottom, at least one step.
    private func drawBlocks(_ series: [Double], scale: ChartScale, in grid: inout CellGrid, plot: Rect, style: CellStyle, glyphs: GlyphSet) -> Int {
        let steps = glyphs.blocks.count
        guard steps > 0 else { return 0 }
        let levels = columnLevels(series, scale: scale, columns: plot.width, levels: plot.height * steps)
        var lastTop = plot.height - 1
        for (column, level) in levels.enumerated() {
            guard let level else { continue }
            let height = level + 1
            for row in 0..<plot.height {
                let amount = min(steps, max(0, height - row * steps))
                guard amount > 0 else { break }
                grid[plot.x + column, plot.maxY - 1 - row] = Cell(glyphs.blocks[amount - 1], style: style)
            }
            lastTop = plot.height - 1 - (height - 1) / steps
        }
        return lastTop
    }

    /// One point per column, joined to the previous point by vertical strokes in between.
    private func drawASCII(_ series: [Double], scale: ChartScale, in grid: inout CellGrid, plot: Rect, style: CellStyle) -> Int {
        let levels = columnLevels(series, scale: scale, columns: plot.width, levels: plot.height)
        var previous: Int?
        var lastLevel = 0
        for (column, level) in levels.enumerated() {
            guard let level else { previous = nil; continue }
            if let previous, abs(previous - level) > 1 {
                for between in (min(previous, level) + 1)..<max(previous, level) {
                    grid[plot.x + column, plot.maxY - 1 - between] = Cell("|", style: style)
                }
            }
            grid[plot.x + column, plot.maxY - 1 - level] = Cell("*", style: style)
            previous = level
            lastLevel = level
        }
        return plot.height - 1 - lastLevel
    }
}

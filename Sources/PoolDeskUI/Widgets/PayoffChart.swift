/// A strategy's payoff across spot: P&L at expiry (the chart line) and today's model P&L (a second, muted line), the
/// zero line, today's spot (a vertical rule) and the break-evens (marked under the plot).
///
/// ```
///   +1,200 ⠉⠉⠉⠉⠉⠉⠉⠉⠉⠑⠢⣀        │
///        0 ─────────────────⠑⠢⣀─│────
///   -1,800                    ⠑⠢⣀⣀⣀⣀
///          B         S        B
///          54,000    60,000   66,000
/// ```
/// Braille (2×4 dots per cell) when the glyph set has it, otherwise one `*` (expiry) or `.` (today) per cell.
public struct PayoffChart: Sendable {
    /// Spots, ascending, evenly spaced: one per dot column.
    public var spots: [Double]
    public var atExpiry: [Double]
    public var today: [Double]
    public var spot: Double
    public var breakEvens: [Double]
    /// The curves' true lowest and highest P&L over the spots (``StrategyAnalytics/extremes(_:netPremium:curve:now:rate:)``),
    /// which the sampled dots can miss (a kink between two dot columns); the value axis spans and labels it. Nil: the
    /// samples' own extremes.
    public var valueRange: ClosedRange<Double>?

    public init(spots: [Double], atExpiry: [Double], today: [Double], spot: Double, breakEvens: [Double], valueRange: ClosedRange<Double>? = nil) {
        self.spots = spots
        self.atExpiry = atExpiry
        self.today = today
        self.spot = spot
        self.breakEvens = breakEvens
        self.valueRange = valueRange
    }

    /// Dot columns a plot `width` cells wide holds (what to compute the curve at).
    public static func samples(forWidth width: Int, glyphs: GlyphSet) -> Int { max(2, plotWidth(width) * (glyphs.supportsBraille ? 2 : 1)) }

    /// The label column takes 9 cells.
    static let labelWidth = 9
    static func plotWidth(_ width: Int) -> Int { max(1, width - labelWidth - 1) }

    /// A value-axis label that never claims a narrower range than the curves span: to the cent when it fits the label
    /// column (`-1,758.11`), else whole dollars rounded outward (`up` for the top, `down` for the bottom), else compact.
    static func axisLabel(_ value: Double, outward: FloatingPointRoundingRule) -> String {
        guard value != 0 else { return "0" }
        let exact = NumberFormat.signed(value, decimals: 2)
        if exact.count <= labelWidth { return exact }
        let whole = NumberFormat.signed(value.rounded(outward), decimals: 0)
        return whole.count <= labelWidth ? whole : (value > 0 ? "+" : "") + NumberFormat.compact(value)
    }

    /// Draws into `rect`: the plot on all rows but the last two (markers, spot labels).
    public func draw(in grid: inout CellGrid, rect: Rect, theme: Theme, glyphs: GlyphSet) {
        guard rect.width > Self.labelWidth + 4, rect.height >= 5, let low = spots.first, let high = spots.last, high > low else { return }
        let plot = Rect(x: rect.x + Self.labelWidth + 1, y: rect.y, width: Self.plotWidth(rect.width), height: rect.height - 2)
        let finite = (atExpiry + today).filter(\.isFinite)
        guard var top = finite.max(), var bottom = finite.min() else { return }
        if let valueRange, valueRange.lowerBound.isFinite, valueRange.upperBound.isFinite {
            top = max(top, valueRange.upperBound)
            bottom = min(bottom, valueRange.lowerBound)
        }
        // The labels: the true extremes (the zero line when the curves stay on one side of it).
        top = max(top, 0)
        bottom = min(bottom, 0)
        let (highest, lowest) = (top, bottom)
        if top - bottom < 1e-9 { top += 1; bottom -= 1 }
        let margin = (top - bottom) * 0.04
        top += margin
        bottom -= margin
        let braille = glyphs.supportsBraille
        let perCellX = braille ? 2 : 1, perCellY = braille ? 4 : 1
        let dotColumns = plot.width * perCellX, dotRows = plot.height * perCellY
        func row(of value: Double) -> Int {
            let fraction = (top - value) / (top - bottom)
            return min(max(Int((fraction * Double(dotRows - 1)).rounded()), 0), dotRows - 1)
        }
        func column(of x: Double) -> Int {
            min(max(Int(((x - low) / (high - low) * Double(dotColumns - 1)).rounded()), 0), dotColumns - 1)
        }
        func sample(_ values: [Double], at dot: Int) -> Double? {
            guard values.count >= 2 else { return values.first }
            let position = Double(dot) / Double(max(1, dotColumns - 1)) * Double(values.count - 1)
            let index = min(values.count - 2, Int(position))
            let t = position - Double(index)
            return values[index] + (values[index + 1] - values[index]) * t
        }
        // Dots per series, joined vertically between neighbouring columns so steep legs stay connected.
        func dots(_ values: [Double]) -> Set<Int> {
            var set = Set<Int>()
            var previous: Int?
            for dot in 0..<dotColumns {
                guard let value = sample(values, at: dot), value.isFinite else { previous = nil; continue }
                let r = row(of: value)
                let run = previous.map { min($0, r)...max($0, r) } ?? r...r
                for y in run { set.insert(y * dotColumns + dot) }
                previous = r
            }
            return set
        }
        let expiryDots = dots(atExpiry), todayDots = dots(today)
        let base = theme.fillStyle(.modalBackground)
        let zeroCell = row(of: 0) / perCellY
        let spotCell = column(of: spot) / perCellX
        let lineStyle = theme.style(.chartLine).onBackground(base.background, theme: theme)
        let todayStyle = theme.style(.info).onBackground(base.background, theme: theme).adding(.dim)
        let ruleStyle = theme.style(.muted).onBackground(base.background, theme: theme)
        let spotStyle = theme.style(.warning).onBackground(base.background, theme: theme)
        let bits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        for cellY in 0..<plot.height {
            for cellX in 0..<plot.width {
                var expiryBits: UInt32 = 0, todayBits: UInt32 = 0
                for dy in 0..<perCellY {
                    for dx in 0..<perCellX {
                        let index = (cellY * perCellY + dy) * dotColumns + cellX * perCellX + dx
                        let bit = braille ? bits[dy][dx] : 1
                        if expiryDots.contains(index) { expiryBits |= bit }
                        if todayDots.contains(index) { todayBits |= bit }
                    }
                }
                let x = plot.x + cellX, y = plot.y + cellY
                if expiryBits != 0 || todayBits != 0 {
                    let scalar: Unicode.Scalar = braille ? Unicode.Scalar(0x2800 + (expiryBits | todayBits)) ?? "*" : (expiryBits != 0 ? "*" : ".")
                    grid[x, y] = Cell(scalar, style: expiryBits != 0 ? lineStyle : todayStyle)
                } else if cellX == spotCell {
                    grid[x, y] = Cell(braille ? "│" : "|", style: spotStyle)
                } else if cellY == zeroCell {
                    grid[x, y] = Cell(braille ? "─" : "-", style: ruleStyle)
                }
            }
        }
        // P&L labels: top, zero, bottom.
        let axisStyle = theme.style(.chartAxis).onBackground(base.background, theme: theme)
        grid.drawText(Self.axisLabel(highest, outward: .up), x: rect.x, y: plot.y, width: Self.labelWidth, alignment: .right, style: axisStyle)
        grid.drawText(Self.axisLabel(lowest, outward: .down), x: rect.x, y: plot.maxY - 1, width: Self.labelWidth, alignment: .right, style: axisStyle)
        if zeroCell > 0, zeroCell < plot.height - 1 {
            grid.drawText("0", x: rect.x, y: plot.y + zeroCell, width: Self.labelWidth, alignment: .right, style: axisStyle)
        }
        // Markers under the plot: B at each break-even, S at today's spot; then the spot axis.
        let markerY = plot.maxY, labelY = plot.maxY + 1
        grid.drawText("spot", x: rect.x, y: markerY, width: Self.labelWidth, alignment: .right, style: axisStyle)
        for breakEven in breakEvens where breakEven >= low && breakEven <= high {
            grid[plot.x + column(of: breakEven) / perCellX, markerY] = Cell("B", style: theme.style(.atm).onBackground(base.background, theme: theme))
        }
        grid[plot.x + spotCell, markerY] = Cell("S", style: spotStyle)
        func price(_ value: Double) -> String { NumberFormat.fixed(value, decimals: value >= 1000 ? 0 : 2) }
        let lowText = price(low), highText = price(high), spotText = price(spot)
        grid.drawText(lowText, x: plot.x, y: labelY, width: lowText.count, style: axisStyle)
        grid.drawText(highText, x: plot.maxX - highText.count, y: labelY, width: highText.count, style: axisStyle)
        let spotX = min(max(plot.x + spotCell - spotText.count / 2, plot.x + lowText.count + 1), plot.maxX - highText.count - spotText.count - 1)
        if spotX >= plot.x + lowText.count + 1 {
            grid.drawText(spotText, x: spotX, y: labelY, width: spotText.count, style: spotStyle)
        }
    }
}

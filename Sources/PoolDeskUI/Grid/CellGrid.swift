/// One character cell on screen. Every glyph PoolDesk draws is one column wide.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: CellStyle

    public init(_ scalar: Unicode.Scalar = " ", style: CellStyle = .plain) {
        self.scalar = scalar
        self.style = style
    }

    public static let blank = Cell()
}

/// A rectangle in grid coordinates (column `x`, row `y`).
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}

/// An in-memory screen: every panel draws here, the terminal backend flushes only changed cells.
///
/// Writes outside the grid are clipped silently so that layout code never has to guard sizes.
public struct CellGrid: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// The cells row by row.
    public internal(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Fills every cell of `rect` (clipped) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            let row = y * width
            for x in x0..<x1 { cells[row + x] = cell }
        }
    }

    /// Writes `text` starting at (`x`, `y`), clipped to `maxWidth` columns and the grid; returns columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var column = x
        let limit = min(width, maxWidth == .max ? width : x + maxWidth)
        for scalar in text.unicodeScalars {
            if column >= limit { break }
            if column >= 0 { cells[y * width + column] = Cell(scalar, style: style) }
            column += 1
        }
        return column - x
    }

    /// The grid as plain text, one line per row, trailing spaces kept: the form golden tests compare.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = String.UnicodeScalarView()
            for x in 0..<width { line.append(cells[y * width + x].scalar) }
            lines.append(String(line))
        }
        return lines.joined(separator: "\n")
    }

    /// Row `y` as plain text.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var line = String.UnicodeScalarView()
        for x in 0..<width { line.append(cells[y * width + x].scalar) }
        return String(line)
    }
}

/// Horizontal placement of text in a span of columns.
public enum TextAlignment: Hashable, Sendable {
    case left, center, right
}

/// Pure text fitting, for code that composes strings before drawing them.
public enum TextLayout {
    /// `text` made exactly `width` columns: cut with `ellipsis` (or hard-cut when `nil`) if too long,
    /// padded with spaces according to `alignment` if too short. Every scalar counts as one column.
    public static func fit(
        _ text: String, width: Int, alignment: TextAlignment = .left, ellipsis: Unicode.Scalar? = "…"
    ) -> String {
        guard width > 0 else { return "" }
        let scalars = text.unicodeScalars
        let count = scalars.count
        if count > width {
            var result = String.UnicodeScalarView()
            if let ellipsis {
                result.append(contentsOf: scalars.prefix(width - 1))
                result.append(ellipsis)
            } else {
                result.append(contentsOf: scalars.prefix(width))
            }
            return String(result)
        }
        let (left, right) = padding(count: count, width: width, alignment: alignment)
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: right)
    }

    /// Spaces before and after `count` columns of text aligned in `width` (center leans left).
    static func padding(count: Int, width: Int, alignment: TextAlignment) -> (left: Int, right: Int) {
        let free = max(0, width - count)
        switch alignment {
        case .left: return (0, free)
        case .right: return (free, 0)
        case .center: return (free / 2, free - free / 2)
        }
    }
}

extension CellGrid {
    /// Draws `text` on row `y` in columns `x..<x+width`, aligned and cut with `ellipsis` when too long.
    ///
    /// `padding` columns are kept free on both sides; when `fill` is given the whole span is painted with it first,
    /// so a row can be redrawn without clearing. Returns the columns the text occupies.
    @discardableResult
    public mutating func drawText(
        _ text: String,
        x: Int,
        y: Int,
        width: Int,
        alignment: TextAlignment = .left,
        style: CellStyle,
        ellipsis: Unicode.Scalar? = "…",
        padding: Int = 0,
        fill: CellStyle? = nil
    ) -> Range<Int> {
        guard width > 0, y >= 0, y < height else { return x..<x }
        if let fill { self.fill(Rect(x: x, y: y, width: width, height: 1), with: Cell(" ", style: fill)) }
        let available = width - 2 * max(0, padding)
        guard available > 0 else { return x..<x }
        let start = x + max(0, padding)
        let scalars = text.unicodeScalars
        let count = scalars.count
        if count > available {
            var column = start
            for scalar in scalars.prefix(ellipsis == nil ? available : available - 1) {
                self[column, y] = Cell(scalar, style: style)
                column += 1
            }
            if let ellipsis { self[column, y] = Cell(ellipsis, style: style) }
            return start..<(start + available)
        }
        let offset = TextLayout.padding(count: count, width: available, alignment: alignment).left
        var column = start + offset
        for scalar in scalars {
            self[column, y] = Cell(scalar, style: style)
            column += 1
        }
        return (start + offset)..<column
    }

    /// Draws `text` on the first row of `rect`; see `drawText(_:x:y:width:alignment:style:ellipsis:padding:fill:)`.
    @discardableResult
    public mutating func drawText(
        _ text: String,
        in rect: Rect,
        alignment: TextAlignment = .left,
        style: CellStyle,
        ellipsis: Unicode.Scalar? = "…",
        padding: Int = 0,
        fill: CellStyle? = nil
    ) -> Range<Int> {
        guard rect.height > 0 else { return rect.x..<rect.x }
        return drawText(
            text, x: rect.x, y: rect.y, width: rect.width, alignment: alignment,
            style: style, ellipsis: ellipsis, padding: padding, fill: fill
        )
    }

    /// Draws one line per row of `rect`, top to bottom; lines past the bottom are dropped. Returns lines drawn.
    @discardableResult
    public mutating func drawLines(
        _ lines: [String],
        in rect: Rect,
        alignment: TextAlignment = .left,
        style: CellStyle,
        ellipsis: Unicode.Scalar? = "…"
    ) -> Int {
        var drawn = 0
        for (index, line) in lines.enumerated() where index < rect.height {
            drawText(line, x: rect.x, y: rect.y + index, width: rect.width, alignment: alignment, style: style, ellipsis: ellipsis)
            drawn += 1
        }
        return drawn
    }

    /// Changes the style of every cell in `rect` (clipped) and keeps the characters: for shadows and highlights.
    public mutating func restyle(_ rect: Rect, with style: CellStyle) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                var cell = self[x, y]
                cell.style = style
                self[x, y] = cell
            }
        }
    }
}

extension String {
    /// The text broken at spaces into lines of at most `width` characters (a word longer than that is cut), at most
    /// `maximumLines` of them, the last ending in `…` when text was left over.
    public func wrapped(width: Int, maximumLines: Int) -> [String] {
        guard width > 1, maximumLines > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = String(word.prefix(width))
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maximumLines else { return lines }
        var kept = Array(lines.prefix(maximumLines))
        kept[maximumLines - 1] = String(kept[maximumLines - 1].prefix(width - 1)) + "…"
        return kept
    }
}

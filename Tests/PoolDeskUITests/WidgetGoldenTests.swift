import Testing
@testable import PoolDeskUI

/// Golden text of widgets drawn on small grids; expectations are written by hand.
@Suite("Widgets: golden text")
struct WidgetGoldenTests {
    let theme = Theme.compiledInDefault

    /// Grid text with trailing spaces shown as `·`, so goldens and failure output are readable.
    private func render(_ grid: CellGrid) -> String {
        grid.text.replacingOccurrences(of: " ", with: "·")
    }

    // MARK: Panel

    @Test func panelWithTitle() {
        var grid = CellGrid(width: 20, height: 5)
        let inner = Panel(title: "Book").draw(in: &grid, rect: Rect(x: 0, y: 0, width: 20, height: 5), theme: theme, glyphs: .unicode)
        #expect(inner == Rect(x: 1, y: 1, width: 18, height: 3))
        #expect(grid.text == """
            ┌─ Book ───────────┐
            │                  │
            │                  │
            │                  │
            └──────────────────┘
            """)
        #expect(grid[0, 0].style == theme.style(.border))
        #expect(grid[3, 0].style.foreground == theme.style(.title).foreground)
    }

    @Test func focusedPanelWithInfoInASCII() {
        var grid = CellGrid(width: 20, height: 3)
        Panel(title: "Book", info: "BTC", focused: true).draw(in: &grid, rect: Rect(x: 0, y: 0, width: 20, height: 3), theme: theme, glyphs: .ascii)
        #expect(grid.text == """
            #= Book ===== BTC =#
            #                  #
            #==================#
            """)
        #expect(grid[0, 0].style == theme.style(.borderFocused))
    }

    @Test func longTitlesAreCutAndInfoDropped() {
        var grid = CellGrid(width: 14, height: 2)
        Panel(title: "Positions overview", info: "12").draw(in: &grid, rect: Rect(x: 0, y: 0, width: 14, height: 2), theme: theme, glyphs: .unicode)
        // 14 columns leave 10 for " title ": the title gets 8 ("Positio…"); the info no longer fits.
        #expect(grid.text == """
            ┌─ Positio… ─┐
            └────────────┘
            """)
    }

    // MARK: Gauge

    @Test func gaugeFillsWithEighthsAndCap() {
        var grid = CellGrid(width: 10, height: 4)
        for (row, value) in [0.0, 0.5, 0.55, 1.0].enumerated() {
            Gauge(value: value, cap: 0.8).draw(in: &grid, rect: Rect(x: 0, y: row, width: 10, height: 1), theme: theme, glyphs: .unicode)
        }
        // 0.55 × 10 cells × 8 = 44 eighths: 5 full cells and 4/8 (▌); the cap at 0.8 sits in cell 8.
        #expect(grid.text == """
            ░░░░░░░░│░
            █████░░░│░
            █████▌░░│░
            ████████│█
            """)
        #expect(grid[0, 1].style == theme.style(.gaugeLow))
        #expect(grid[8, 1].style == theme.style(.gaugeCap))
        #expect(grid[9, 1].style == theme.style(.gaugeEmpty))
        #expect(grid[0, 3].style == theme.style(.gaugeHigh))
    }

    @Test func gaugeWithLabelAndASCII() {
        var grid = CellGrid(width: 16, height: 2)
        // 0.62 × 10 × 8 = 49.6 → 50 eighths: 6 full cells and 2/8 (▎).
        Gauge(value: 0.62, cap: 0.8, label: "62.0%").draw(in: &grid, rect: Rect(x: 0, y: 0, width: 16, height: 1), theme: theme, glyphs: .unicode)
        // ASCII has whole cells only: 0.55 × 10 = 5.5 → 6.
        Gauge(value: 0.55, cap: 0.8).draw(in: &grid, rect: Rect(x: 0, y: 1, width: 10, height: 1), theme: theme, glyphs: .ascii)
        #expect(grid.text == """
            ██████▎░│░ 62.0%
            ######..|.      
            """)
        #expect(grid[0, 0].style == theme.style(.gaugeMid))
    }

    @Test func gaugeThresholdsAndOddValues() {
        #expect(Gauge(value: 0.5).fillRole == .gaugeLow)
        #expect(Gauge(value: 0.6).fillRole == .gaugeMid)
        #expect(Gauge(value: 0.8).fillRole == .gaugeHigh)
        #expect(Gauge(value: .nan).clampedValue == 0)
        #expect(Gauge(value: 7).clampedValue == 1)
        #expect(Gauge(value: 1, cap: 1).capIndex(width: 10) == 9)
        #expect(Gauge(value: 1).bar(width: 0, glyphs: .unicode).isEmpty)
    }

    // MARK: LineChart

    private func chart(_ values: [Double], _ style: ChartStyle, width: Int, height: Int, axis: LineChart.AxisPosition = .none) -> String {
        var grid = CellGrid(width: width, height: height)
        let chart = LineChart(values: values, style: style, axis: axis, padding: 0) { String(Int($0)) }
        chart.draw(in: &grid, rect: Rect(x: 0, y: 0, width: width, height: height), theme: theme, glyphs: .unicode)
        return grid.text
    }

    @Test func brailleDiagonal() {
        // 8 values on 4×2 cells = 8×8 dots: value i is dot column i, dot row i from the bottom.
        // Bottom-left cell: dots (col 0, bottom row) = 0x40 and (col 1, third row) = 0x20 → U+2860 ⡠;
        // next cell: (col 0, second row) 0x02 + (col 1, top row) 0x08 → U+280A ⠊. The top row repeats it.
        #expect(chart([0, 1, 2, 3, 4, 5, 6, 7], .braille, width: 4, height: 2) == """
              ⡠⠊
            ⡠⠊  
            """)
    }

    @Test func brailleJoinsSteepMoves() {
        // A zigzag between the bottom and top dot rows: each later column is filled between the two points.
        // Cell 0: left column only its bottom dot (0x40), right column rows 1…7 → top cell 0xB8 ⢸, bottom 0x78 ⡸.
        // Cells 1–3: left column rows 0…6, right column rows 1…7 → top 0xFE ⣾, bottom 0x7F ⡿.
        #expect(chart([0, 7, 0, 7, 0, 7, 0, 7], .braille, width: 4, height: 2) == """
            ⢸⣾⣾⣾
            ⡸⡿⡿⡿
            """)
    }

    @Test func asciiChartWithAxisLabels() {
        // Levels 0, 3, 1, 2 of 0…3 on 4 rows; vertical strokes fill gaps of more than one row.
        // Labels: max 3 on top, min 0 at the bottom, last 2 on the last point's row.
        #expect(chart([0, 3, 1, 2], .ascii, width: 6, height: 4, axis: .right) == """
             *   3
             ||* 2
             |*   
            *    0
            """)
        #expect(chart([0, 3, 1, 2], .ascii, width: 6, height: 4, axis: .left) == """
            3  *  
            2  ||*
               |* 
            0 *   
            """)
    }

    @Test func blockChart() {
        // 2 rows × 8 eighths = 16 levels; value v of 0…3 fills round(v / 3 × 15) + 1 eighths: 1, 6, 11, 16.
        #expect(chart([0, 1, 2, 3], .blocks, width: 4, height: 2) == """
              ▃█
            ▁▆██
            """)
    }

    @Test func flatSingleAndEmptySeries() {
        // Flat: the middle (level round(0.5 × 7) = 4 → top cell's bottom dots, 0xC0 ⣀), no division by zero.
        #expect(chart([5, 5, 5], .braille, width: 4, height: 2) == "⣀⣀⣀⣀\n    ")
        // One point: the right edge (dot column 7, right half of the last cell).
        #expect(chart([42], .braille, width: 4, height: 2) == "   ⢀\n    ")
        #expect(chart([], .braille, width: 9, height: 1) == " no data ")
        #expect(chart([.nan, .infinity], .ascii, width: 9, height: 1) == " no data ")
        // Too narrow for labels: the plot takes the whole width.
        // Two points stretched over 4 columns: 1, 1.33, 1.67, 2 → rows 0, 0, 1, 1 of 0…1.
        #expect(chart([1, 2], .ascii, width: 4, height: 2, axis: .right) == "  **\n**  ")
    }

    @Test func brailleFallsBackToASCIIWithoutBraille() {
        var grid = CellGrid(width: 3, height: 2)
        LineChart(values: [0, 1, 0], style: .braille, axis: .none, padding: 0)
            .draw(in: &grid, rect: Rect(x: 0, y: 0, width: 3, height: 2), theme: theme, glyphs: .ascii)
        #expect(grid.text == " * \n* *")
    }

    @Test func chartScale() {
        let scale = ChartScale(values: [10, 20], padding: 0.1)
        #expect(scale == ChartScale(lower: 9, upper: 21))
        #expect(ChartScale(values: [.nan]) == nil)
        #expect(ChartScale(lower: 3, upper: 3).fraction(of: 3) == 0.5)
    }

    // MARK: Table

    private func optionRows() -> [TableRow] {
        (0..<5).map { i in
            TableRow([TableCell("6\(i)000"), TableCell("\(i).10", role: .bid), TableCell("\(i).30", role: .ask)], role: i < 2 ? .itm : nil)
        }
    }

    private let optionColumns = [
        TableColumn("Strike", width: .fixed(6), alignment: .right),
        TableColumn("Bid", width: .fixed(5), alignment: .right),
        TableColumn("Ask", width: .flexible(min: 3, weight: 1), alignment: .right),
    ]

    @Test func tableScrollsToKeepSelectionVisible() {
        var grid = CellGrid(width: 18, height: 4)
        let table = Table(columns: optionColumns, rows: optionRows(), selectedIndex: 3)
        let result = table.draw(in: &grid, rect: Rect(x: 0, y: 0, width: 18, height: 4), theme: theme)
        #expect(result.columnWidths == [6, 5, 5])
        #expect(result.visibleRows == 1..<4)
        #expect(result.scrollOffset == 1)
        #expect(grid.text == """
            Strike   Bid   Ask
             61000  1.10  1.30
             62000  2.10  2.30
             63000  3.10  3.30
            """)
        let selected = theme.style(.selected)
        #expect(grid[1, 3].style.background == selected.background)   // plain cell takes the selection
        #expect(grid[1, 3].style.foreground == selected.foreground)
        #expect(grid[10, 3].style.foreground == theme.style(.bid).foreground)  // bid keeps its color
        #expect(grid[10, 3].style.background == selected.background)
        #expect(grid[6, 3].style.background == selected.background)    // the gap between columns too
        #expect(grid[1, 1].style.background == theme.style(.itm).background)   // ITM row shaded
        #expect(grid[10, 1].style.foreground == theme.style(.bid).foreground)
        #expect(grid[1, 0].style == theme.style(.header))

        // Scrolling back up: selecting row 0 moves the window to the top; without a selection it stays.
        var again = CellGrid(width: 18, height: 4)
        var up = table
        up.selectedIndex = 0
        #expect(up.draw(in: &again, rect: Rect(x: 0, y: 0, width: 18, height: 4), theme: theme, scrollOffset: 1).visibleRows == 0..<3)
        up.selectedIndex = nil
        #expect(up.draw(in: &again, rect: Rect(x: 0, y: 0, width: 18, height: 4), theme: theme, scrollOffset: 2).visibleRows == 2..<5)
    }

    @Test func tableScrollOffsetRules() {
        #expect(Table.scrollOffset(current: 0, selected: 9, visibleCount: 4, rowCount: 10) == 6)
        #expect(Table.scrollOffset(current: 6, selected: 7, visibleCount: 4, rowCount: 10) == 6)
        #expect(Table.scrollOffset(current: 6, selected: 2, visibleCount: 4, rowCount: 10) == 2)
        #expect(Table.scrollOffset(current: 8, selected: nil, visibleCount: 4, rowCount: 10) == 6)  // no blank tail
        #expect(Table.scrollOffset(current: 3, selected: 1, visibleCount: 4, rowCount: 2) == 0)
        #expect(Table.scrollOffset(current: 3, selected: 1, visibleCount: 0, rowCount: 2) == 0)
    }

    @Test func flexibleColumnsShareLeftoverByWeight() {
        let table = Table(columns: [
            TableColumn("a", width: .fixed(4)),
            TableColumn("b", width: .flexible(min: 2, weight: 1)),
            TableColumn("c", width: .flexible(min: 2, weight: 2)),
        ], rows: [])
        // 20 − 2 spacing − 8 minimum = 10 left: b gets 10·1/3 = 3, c 10·2/3 = 6, the last cell goes to b.
        #expect(table.columnWidths(totalWidth: 20) == [4, 6, 8])
        #expect(table.columnWidths(totalWidth: 5) == [4, 2, 2])
    }

    @Test func tableCutsLongCellsWithEllipsis() {
        var grid = CellGrid(width: 9, height: 2)
        Table(columns: [TableColumn("Name", width: .fixed(5)), TableColumn("Qty", width: .fixed(3), alignment: .right)],
              rows: [TableRow(["BTC-27DEC", "12345"])])
            .draw(in: &grid, rect: Rect(x: 0, y: 0, width: 9, height: 2), theme: theme, glyphs: .ascii)
        #expect(grid.text == "Name  Qty\nBTC-~ 12~")
    }

    // MARK: Tabs

    @Test func tabsHighlightTheActiveOne() {
        var grid = CellGrid(width: 17, height: 1)
        let drawn = Tabs(labels: ["7D", "14D", "30D"], activeIndex: 1).draw(in: &grid, rect: Rect(x: 0, y: 0, width: 17, height: 1), theme: theme, glyphs: .unicode)
        #expect(drawn == 0..<3)
        #expect(grid.text == " 7D │ 14D │ 30D  ")
        #expect(grid[6, 0].style == theme.style(.tabActive))
        #expect(grid[1, 0].style == theme.style(.tabInactive))
        #expect(grid[4, 0].style == theme.style(.border))
    }

    @Test func tabsScrollToTheActiveOne() {
        var grid = CellGrid(width: 8, height: 1)
        let drawn = Tabs(labels: ["7D", "14D", "30D"], activeIndex: 2).draw(in: &grid, rect: Rect(x: 0, y: 0, width: 8, height: 1), theme: theme, glyphs: .ascii)
        #expect(drawn == 2..<3)
        #expect(grid.text == " 30D    ")
        var wide = CellGrid(width: 12, height: 1)
        Tabs(labels: ["7D", "14D", "30D"], activeIndex: 1).draw(in: &wide, rect: Rect(x: 0, y: 0, width: 12, height: 1), theme: theme, glyphs: .ascii)
        // A tab that does not fit shows as an ellipsis: there is more to the right.
        #expect(wide.text == " 7D | 14D |~")
    }

    // MARK: Modal

    @Test func modalIsCenteredWithShadow() {
        var grid = CellGrid(width: 12, height: 6, fill: Cell("."))
        let inner = Modal(title: "Hi", width: 8, height: 4).draw(in: &grid, theme: theme, glyphs: .unicode)
        #expect(inner == Rect(x: 3, y: 2, width: 6, height: 2))
        #expect(grid.text == """
            ............
            ..┏━ Hi ━┓..
            ..┃      ┃..
            ..┃      ┃..
            ..┗━━━━━━┛..
            ............
            """)
        let shadow = theme.style(.shadow)
        #expect(grid[10, 2].style == shadow && grid[11, 4].style == shadow)   // right of the box
        #expect(grid[4, 5].style == shadow && grid[11, 5].style == shadow)    // below it, offset by two
        #expect(grid[2, 5].style == .plain && grid[10, 1].style == .plain)
        #expect(grid[4, 2].style.background == theme.style(.modalBackground).background)
        #expect(grid[2, 2].style.background == theme.style(.modalBackground).background)  // border on modal bg
    }

    @Test func modalShrinksToTinyGrids() {
        var grid = CellGrid(width: 5, height: 3)
        let inner = Modal(title: "Confirm", width: 40, height: 10).draw(in: &grid, theme: theme, glyphs: .ascii)
        #expect(inner == Rect(x: 1, y: 1, width: 3, height: 1))
        #expect(grid.text == "#===#\n#   #\n#===#")
    }

    // MARK: Text and glyphs

    @Test func drawTextAlignsClipsAndPads() {
        var grid = CellGrid(width: 10, height: 4)
        let style = theme.style(.text)
        #expect(grid.drawText("left", x: 0, y: 0, width: 10, style: style) == 0..<4)
        #expect(grid.drawText("right", x: 0, y: 1, width: 10, alignment: .right, style: style, padding: 1) == 4..<9)
        #expect(grid.drawText("mid", x: 0, y: 2, width: 10, alignment: .center, style: style) == 3..<6)
        #expect(grid.drawText("much too long", x: 2, y: 3, width: 6, style: style) == 2..<8)
        grid.drawText("clipped at the grid edge", x: 8, y: 0, width: 50, style: style)
        #expect(grid.text == """
            left    cl
                right 
               mid    
              much …  
            """)
    }

    @Test func glyphDetection() {
        #expect(GlyphSet.detect(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]) == .ascii)
        #expect(GlyphSet.detect(environment: ["LC_ALL": "", "LC_CTYPE": "en_US.utf8"]) == .unicode)
        #expect(GlyphSet.detect(environment: ["LANG": "C.UTF-8"]) == .unicode)
        #expect(GlyphSet.detect(environment: ["LC_CTYPE": "de_DE.ISO-8859-1", "LANG": "en_US.UTF-8"]) == .ascii)
        #expect(GlyphSet.detect(environment: [:]) == .ascii)
        #expect(GlyphSet.unicode.gaugePartials.count == 7)
        #expect(GlyphSet.unicode.blocks.count == 8)
        for scalar in [GlyphSet.ascii.ellipsis, GlyphSet.ascii.gaugeFull, GlyphSet.ascii.heavy.topLeft, GlyphSet.ascii.arrowUp] {
            #expect(scalar.isASCII)
        }
    }
}

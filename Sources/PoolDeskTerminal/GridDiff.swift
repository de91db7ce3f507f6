import PoolDeskUI

/// Pure computation of which cells changed between two frames.
public enum GridDiff {
    /// A horizontal run of changed cells in one row that share one style.
    public struct Run: Hashable, Sendable {
        /// Row.
        public var y: Int
        /// First column.
        public var x: Int
        /// The new cells, left to right; all have the same style.
        public var cells: [Cell]

        /// A run of `cells` starting at column `x` of row `y`.
        public init(y: Int, x: Int, cells: [Cell]) {
            self.y = y
            self.x = x
            self.cells = cells
        }

        /// The style every cell of the run shares.
        public var style: CellStyle { cells.first?.style ?? .plain }
        /// The run's text.
        public var text: String {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: cells.map(\.scalar))
            return String(scalars)
        }
    }

    /// Runs of cells in `new` that differ from `old`, row by row, left to right, each split where
    /// the style changes (so one attribute/color lookup serves a whole run).
    ///
    /// With no `old` grid, or one of a different size, every cell of `new` is in a run (full repaint).
    public static func changedRuns(old: CellGrid?, new: CellGrid) -> [Run] {
        let comparable = old.map { $0.width == new.width && $0.height == new.height } ?? false
        var runs: [Run] = []
        for y in 0..<new.height {
            let rowStart = y * new.width
            var x = 0
            while x < new.width {
                let cell = new.cells[rowStart + x]
                if comparable, let old, old.cells[rowStart + x] == cell {
                    x += 1
                    continue
                }
                var run = Run(y: y, x: x, cells: [cell])
                x += 1
                while x < new.width {
                    let next = new.cells[rowStart + x]
                    if next.style != cell.style { break }
                    if comparable, let old, old.cells[rowStart + x] == next { break }
                    run.cells.append(next)
                    x += 1
                }
                runs.append(run)
            }
        }
        return runs
    }
}

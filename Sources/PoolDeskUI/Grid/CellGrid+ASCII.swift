extension CellGrid {
    /// ASCII stand-ins for the few non-ASCII glyphs panels use in text (Greek letters, arrows, dashes).
    static let asciiReplacements: [Unicode.Scalar: Unicode.Scalar] = [
        "Δ": "D", "Γ": "G", "ν": "v", "Θ": "T", "×": "x", "—": "-", "–": "-", "−": "-", "→": ">", "←": "<",
        "·": "-", "…": "~", "•": "*", "▲": "^", "▼": "v", "✗": "x", "✓": "+", "▏": "_", "≈": "~",
        "σ": "s", "│": "|", "─": "-", "░": ".", "▒": ":", "▓": "*", "█": "#",
    ]

    /// The grid with every non-ASCII glyph replaced, for terminals whose locale is not UTF-8 (or `--ascii`).
    ///
    /// Widgets already draw ASCII boxes and charts from the ASCII glyph set; this catches text.
    public mutating func replaceNonASCII() {
        for index in cells.indices where !cells[index].scalar.isASCII {
            cells[index].scalar = Self.asciiReplacements[cells[index].scalar] ?? "?"
        }
    }
}

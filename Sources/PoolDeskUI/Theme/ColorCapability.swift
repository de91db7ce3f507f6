/// How many colors the terminal can show; themes are degraded to this before drawing.
public enum ColorCapability: String, CaseIterable, Hashable, Sendable {
    /// 24-bit color.
    case trueColor = "truecolor"
    /// The xterm 256-color palette.
    case palette256 = "256"
    /// The 16 ANSI colors (8 normal + 8 bright).
    case ansi16 = "16"
    /// The 8 normal ANSI colors only.
    case ansi8 = "8"
    /// No color at all: attributes only.
    case monochrome = "mono"

    /// How many distinct colors this capability offers (0 for monochrome, 16,777,216 for true color).
    public var colorCount: Int {
        switch self {
        case .trueColor: 1 << 24
        case .palette256: 256
        case .ansi16: 16
        case .ansi8: 8
        case .monochrome: 0
        }
    }

    /// Decides the capability from the environment and, when a terminal is open, the color count it reports.
    ///
    /// Order matters: `NO_COLOR` (any non-empty value, see no-color.org) and `TERM=dumb` win over everything;
    /// then a terminal that reports fewer than 8 colors is believed; then `COLORTERM=truecolor|24bit`
    /// (terminfo rarely advertises direct color, so this variable is the de-facto signal);
    /// then the reported count or a `TERM` that names 256 or 16 colors. `colorCount` is `nil` (or negative)
    /// when no terminal has been opened; then an unknown `TERM` gets 16 colors, which nearly every emulator has.
    public static func detect(environment: [String: String], colorCount: Int? = nil) -> ColorCapability {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        let term = (environment["TERM"] ?? "").lowercased()
        if term == "dumb" { return .monochrome }
        let count = colorCount.flatMap { $0 >= 0 ? $0 : nil }
        if let count, count < 8 { return .monochrome }
        let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        if let count, count >= 1 << 24 { return .trueColor }
        if term.contains("256color") || (count ?? 0) >= 256 { return .palette256 }
        if term.contains("16color") || (count ?? 0) >= 16 { return .ansi16 }
        if count == nil { return .ansi16 }
        return .ansi8
    }
}

/// The xterm palette: RGB values of indexed colors and nearest-color searches used to degrade themes.
///
/// The 16 ANSI colors are xterm's defaults; real terminals differ, so degrading to 16 colors is
/// an approximation by design.
public enum XTermPalette {
    /// xterm's default RGB values for ANSI colors 0–15.
    public static let ansi: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The six channel levels of the 6×6×6 color cube (indices 16–231).
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of palette entry `index`: ANSI 0–15, the cube 16–231, the grey ramp 232–255 (8, 18, … 238).
    public static func rgb(ofIndex index: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        switch index {
        case 0..<16:
            return ansi[Int(index)]
        case 16..<232:
            let cube = Int(index) - 16
            return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
        default:
            let grey = UInt8(8 + 10 * (Int(index) - 232))
            return (grey, grey, grey)
        }
    }

    /// The 256-palette index nearest to an RGB color: the best cube entry or the best grey, whichever is closer.
    ///
    /// Only indices 16–255 are candidates because 0–15 vary between terminals.
    public static func nearestIndex256(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let ri = nearestCubeLevel(r), gi = nearestCubeLevel(g), bi = nearestCubeLevel(b)
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = distance((r, g, b), (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi]))

        // Grey ramp value of step i is 8 + 10i; the nearest step to the channel average, rounded.
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let greyValue = UInt8(8 + 10 * greyStep)
        let greyDistance = distance((r, g, b), (greyValue, greyValue, greyValue))

        return greyDistance < cubeDistance ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// The nearest ANSI color by squared RGB distance (ties go to the lower index), among 16 colors or, for
    /// `count` 8, folded onto the 8 normal ones.
    ///
    /// Folding (bright n → n − 8, bright black → white) instead of searching the 8 colors directly keeps hues and
    /// contrast: a direct search sends mid grey (127,127,127) to yellow, and dark greys to black, where muted text
    /// on a dark screen would vanish.
    public static func nearestANSI(r: UInt8, g: UInt8, b: UInt8, count: Int) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<16 {
            let d = distance((r, g, b), ansi[index])
            if d < bestDistance {
                best = index
                bestDistance = d
            }
        }
        return count >= 16 ? UInt8(best) : foldToEight(UInt8(best))
    }

    /// An ANSI color 0–15 as one of the 8 normal colors: bright colors become their normal twin, bright black white.
    public static func foldToEight(_ index: UInt8) -> UInt8 {
        switch index {
        case 0..<8: index
        case 8: 7
        default: index - 8
        }
    }

    /// Squared Euclidean distance in RGB: crude but predictable, so tests can compute expectations by hand.
    public static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }

    private static func nearestCubeLevel(_ value: UInt8) -> Int {
        var best = 0
        for index in 1..<cubeLevels.count
        where abs(Int(cubeLevels[index]) - Int(value)) < abs(Int(cubeLevels[best]) - Int(value)) {
            best = index
        }
        return best
    }
}

extension TerminalColor {
    /// The approximate RGB value of this color (xterm defaults for palette colors), `nil` for `.terminalDefault`.
    public var approximateRGB: (r: UInt8, g: UInt8, b: UInt8)? {
        switch self {
        case .terminalDefault: nil
        case .ansi(let index): XTermPalette.rgb(ofIndex: min(index, 15))
        case .indexed(let index): XTermPalette.rgb(ofIndex: index)
        case .rgb(let r, let g, let b): (r, g, b)
        }
    }

    /// The closest color a terminal with `capability` can show.
    public func degraded(to capability: ColorCapability) -> TerminalColor {
        switch (capability, self) {
        case (_, .terminalDefault), (.trueColor, _):
            return self
        case (.monochrome, _):
            return .terminalDefault
        case (.palette256, .rgb(let r, let g, let b)):
            return .indexed(XTermPalette.nearestIndex256(r: r, g: g, b: b))
        case (.palette256, _):
            return self
        case (.ansi16, .indexed(let index)) where index < 16:
            return .ansi(index)
        case (.ansi16, .ansi(let index)) where index < 16:
            return self
        case (.ansi8, .ansi(let index)) where index < 16, (.ansi8, .indexed(let index)) where index < 16:
            return .ansi(XTermPalette.foldToEight(index))
        case (.ansi16, _), (.ansi8, _):
            guard let (r, g, b) = approximateRGB else { return self }
            return .ansi(XTermPalette.nearestANSI(r: r, g: g, b: b, count: capability == .ansi8 ? 8 : 16))
        }
    }
}

extension CellStyle {
    /// This style with both colors degraded to `capability`; attributes are kept.
    public func degraded(to capability: ColorCapability) -> CellStyle {
        CellStyle(
            foreground: foreground.degraded(to: capability),
            background: background.degraded(to: capability),
            attributes: attributes
        )
    }
}

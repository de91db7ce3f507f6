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

    /// The capability of a terminal whose terminfo reports `terminalColorCount` colors (`COLORS`).
    ///
    /// 88-color terminals count as 16 because their upper palette is not xterm's; fewer than 8 colors is monochrome.
    public init(terminalColorCount: Int) {
        switch terminalColorCount {
        case (1 << 24)...: self = .trueColor
        case 256...: self = .palette256
        case 16...: self = .ansi16
        case 8...: self = .ansi8
        default: self = .monochrome
        }
    }

    /// The poorer of this capability and `other`: what the user asked for, capped by what the screen can show.
    public func limited(to other: ColorCapability) -> ColorCapability {
        colorCount <= other.colorCount ? self : other
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

    /// One of the 16 ANSI colors: the 8-color hue of ``nearestANSI8(r:g:b:)`` plus a brightness bit, so that folding
    /// the answer (bright n → n − 8, bright black → white) gives exactly the 8-color answer — one rule for 16 and 8.
    ///
    /// - Black (no channel reaches 64) stays black.
    /// - A grey or near-white (every channel on) becomes the one of xterm's bright black (127), white (229) and bright
    ///   white (255) nearest to its lightness, the mean of its strongest and weakest channel.
    /// - A hue takes its bright twin when its lightness reaches half scale (strongest + weakest ≥ 255): light and
    ///   pastel colors (#5fd75f, #ff5f5f) become bright green and bright red, saturated dark ones (#cd0000) stay normal.
    ///
    /// A nearest search by RGB distance would send the light green of bids to bright black (grey) and lose its meaning;
    /// this keeps every hue. xterm's own 16 colors map to themselves.
    public static func nearestANSI16(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let hue = nearestANSI8(r: r, g: g, b: b)
        let lightnessTwice = Int(max(r, g, b)) + Int(min(r, g, b))
        switch hue {
        case 0:
            return 0
        case 7:
            // Midpoints between the greys, doubled: (127 + 229) = 356, (229 + 255) = 484.
            if lightnessTwice < 356 { return 8 }
            return lightnessTwice < 484 ? 7 : 15
        default:
            return lightnessTwice >= 255 ? hue + 8 : hue
        }
    }

    /// The 8-color twin of an ANSI color: bright n → n − 8, and bright black → white (grey text on a dark screen
    /// must stay visible, so it never becomes black).
    public static func foldedTo8(_ index: UInt8) -> UInt8 {
        switch index {
        case 0..<8: index
        case 8: 7
        default: index & 7
        }
    }

    /// One of the 8 normal ANSI colors: each channel counts as "on" when it reaches half the strongest channel
    /// (and at least 64); the on channels name the color (red 1, green 2, blue 4).
    ///
    /// A nearest search among xterm's 8 colors would send mid grey (127,127,127) to yellow (205,205,0) and dark
    /// greys to black, where muted text on a dark screen vanishes; so would folding the nearest of 16 onto its
    /// normal twin for hues between two palette entries (steel blue would become white). The threshold keeps greys
    /// grey (black or white) and keeps the hue of muted colors. For xterm's own 16 colors it gives exactly the
    /// fold bright n → n − 8, bright black → white.
    public static func nearestANSI8(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let threshold = max(64, Int(max(r, g, b)) / 2)
        let red = Int(r) >= threshold ? 1 : 0
        let green = Int(g) >= threshold ? 2 : 0
        let blue = Int(b) >= threshold ? 4 : 0
        return UInt8(red | green | blue)
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
    ///
    /// This is PoolDesk's only color-degradation algorithm; the terminal backend only encodes its result.
    /// It is idempotent: a color already degraded to `capability` comes back unchanged.
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
        case (.ansi16, _), (.ansi8, _):
            guard let (r, g, b) = approximateRGB else { return self }
            return .ansi(capability == .ansi8
                ? XTermPalette.nearestANSI8(r: r, g: g, b: b)
                : XTermPalette.nearestANSI16(r: r, g: g, b: b))
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

import PoolDeskUI

/// How many colors the terminal can show, as detected from terminfo's `colors`.
public enum TerminalColorDepth: Hashable, Sendable, CaseIterable {
    /// No colors: only attributes (bold, reverse, …) are drawn.
    case monochrome
    /// The 8 basic ANSI colors.
    case ansi8
    /// The 16 ANSI colors (also used for 88-color terminals, whose upper palette differs from xterm's).
    case ansi16
    /// The xterm 256-color palette.
    case indexed256
    /// 24-bit "direct" color (terminfo `xterm-direct` style: color number = 0xRRGGBB, below 8 = ANSI).
    case direct

    /// The depth a terminal reporting `colorCount` colors supports.
    public init(colorCount: Int) {
        switch colorCount {
        case 0x100_0000...: self = .direct
        case 256...: self = .indexed256
        case 16...: self = .ansi16
        case 8...: self = .ansi8
        default: self = .monochrome
        }
    }
}

/// Pure mapping from theme colors to the color numbers a terminal of a given depth understands.
public enum ColorDegradation {
    /// The ncurses color number for `color`, or -1 for the terminal's default color
    /// (which is also what every color becomes on a monochrome terminal).
    public static func colorNumber(for color: TerminalColor, depth: TerminalColorDepth) -> Int32 {
        switch (color, depth) {
        case (.terminalDefault, _), (_, .monochrome):
            return -1
        case (.ansi(let index), _):
            let index = index & 15
            switch depth {
            case .ansi8: return Int32(index & 7)
            case .direct where index >= 8: return packed(xtermPalette(index))
            default: return Int32(index)
            }
        case (.indexed(let index), _):
            switch depth {
            case .indexed256: return Int32(index)
            case .direct: return index < 8 ? Int32(index) : packed(xtermPalette(index))
            case .ansi16: return index < 16 ? Int32(index) : Int32(nearest16(xtermPalette(index)))
            default: return index < 16 ? Int32(index & 7) : Int32(nearest8(xtermPalette(index)))
            }
        case (.rgb(let r, let g, let b), _):
            switch depth {
            case .direct: return packed((r, g, b))
            case .indexed256: return Int32(nearest256(red: r, green: g, blue: b))
            case .ansi16: return Int32(nearest16((r, g, b)))
            default: return Int32(nearest8((r, g, b)))
            }
        }
    }

    /// The nearest xterm-256 color among the 6×6×6 cube (16–231) and the grey ramp (232–255).
    ///
    /// Palette entries 0–15 are skipped on purpose: users re-theme them, so they are not reliable RGB.
    public static func nearest256(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let target = (red, green, blue)
        let r = cubeIndex(red), g = cubeIndex(green), b = cubeIndex(blue)
        let cubeColor = (cubeLevels[r], cubeLevels[g], cubeLevels[b])
        var best = UInt8(16 + 36 * r + 6 * g + b)
        var bestDistance = distance(target, cubeColor)
        for step in 0..<24 {
            let level = UInt8(8 + 10 * step)
            let candidate = distance(target, (level, level, level))
            // Strictly smaller: on a tie the cube color wins (it is what xterm's own mapping picks).
            if candidate < bestDistance {
                bestDistance = candidate
                best = UInt8(232 + step)
            }
        }
        return best
    }

    /// The nearest of the 16 ANSI colors, measured against xterm's default palette.
    public static func nearest16(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        nearest16((red, green, blue))
    }

    /// One of the 8 basic ANSI colors: each channel counts as "on" when it reaches half the
    /// strongest channel (and at least 64), so greys become black/white, never a hue.
    public static func nearest8(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        nearest8((red, green, blue))
    }

    /// The RGB value xterm shows by default for palette entry `index`.
    public static func xtermRGB(_ index: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let color = xtermPalette(index)
        return (color.0, color.1, color.2)
    }

    // MARK: - Internals

    typealias RGB = (UInt8, UInt8, UInt8)

    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    private static let ansiPalette: [RGB] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The cube coordinate whose level is nearest to `value` (midpoints 47.5, 115, 155, 195, 235).
    private static func cubeIndex(_ value: UInt8) -> Int {
        let value = Int(value)
        if value < 48 { return 0 }
        if value < 115 { return 1 }
        return (value - 35) / 40
    }

    private static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }

    private static func nearest(_ color: RGB, among count: Int) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<count {
            let candidate = distance(color, ansiPalette[index])
            if candidate < bestDistance {
                bestDistance = candidate
                best = index
            }
        }
        return UInt8(best)
    }

    private static func nearest16(_ color: RGB) -> UInt8 { nearest(color, among: 16) }
    private static func nearest8(_ color: RGB) -> UInt8 {
        // Nearest-in-xterm-palette would send mid greys to yellow (205, 205, 0); thresholds do not.
        let threshold = max(64, Int(max(color.0, color.1, color.2)) / 2)
        let r = Int(color.0) >= threshold ? 1 : 0
        let g = Int(color.1) >= threshold ? 2 : 0
        let b = Int(color.2) >= threshold ? 4 : 0
        return UInt8(r | g | b)
    }

    private static func xtermPalette(_ index: UInt8) -> RGB {
        switch index {
        case 0..<16:
            return ansiPalette[Int(index)]
        case 16..<232:
            let cube = Int(index) - 16
            return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
        default:
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return (level, level, level)
        }
    }

    /// A direct-color number; values below 8 would mean ANSI colors, so near-black maps to ANSI black.
    private static func packed(_ color: RGB) -> Int32 {
        let value = Int32(color.0) << 16 | Int32(color.1) << 8 | Int32(color.2)
        return value < 8 ? 0 : value
    }
}

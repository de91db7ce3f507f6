import PoolDeskUI

/// Turns a theme color into the ncurses color number a terminal of a given ``ColorCapability`` understands.
///
/// Degrading is not done here: ``PoolDeskUI/TerminalColor/degraded(to:)`` is the one algorithm, and the
/// dashboard hands the backend themes already degraded to the screen's capability. This only encodes;
/// a color that does not fit (the self-test's RGB ramp, say) is first passed through that same,
/// idempotent `degraded(to:)`, so the UI and the backend can never disagree.
public enum ColorEncoding {
    /// The ncurses color number for `color` on a `capability` terminal, or -1 for the terminal's default
    /// color (which is also what every color becomes on a monochrome terminal).
    ///
    /// Palette capabilities get the palette index. Direct color (terminfo `xterm-direct`) gets the packed
    /// 0xRRGGBB value, except that numbers below 8 are the ANSI colors there, so ANSI/indexed 0–7 keep their
    /// index and a packed value below 8 (near-black) becomes ANSI black.
    public static func colorNumber(for color: TerminalColor, capability: ColorCapability) -> Int32 {
        switch color.degraded(to: capability) {
        case .terminalDefault:
            return -1
        case .ansi(let index):
            let index = min(index, 15)
            return capability == .trueColor && index >= 8 ? packed(XTermPalette.rgb(ofIndex: index)) : Int32(index)
        case .indexed(let index):
            return capability == .trueColor && index >= 8 ? packed(XTermPalette.rgb(ofIndex: index)) : Int32(index)
        case .rgb(let r, let g, let b):
            return packed((r, g, b))
        }
    }

    private static func packed(_ color: (r: UInt8, g: UInt8, b: UInt8)) -> Int32 {
        let value = Int32(color.r) << 16 | Int32(color.g) << 8 | Int32(color.b)
        return value < 8 ? 0 : value
    }
}

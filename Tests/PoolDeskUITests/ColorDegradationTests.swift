import Testing
@testable import PoolDeskUI

@Suite("Color capability detection and degradation")
struct ColorDegradationTests {
    // How the 256-color expectations are computed (xterm palette):
    // the cube has channel levels 0, 95, 135, 175, 215, 255 at index 16 + 36r + 6g + b;
    // the grey ramp is 232 + i with value 8 + 10i (i = 0…23). For a color, take the nearest level per channel
    // and the grey step nearest the channel average, compare squared RGB distances, keep the closer.

    @Test func pureRedIsCubeCorner() {
        // #ff0000: every channel is exactly a cube level (255 → 5, 0 → 0): 16 + 36·5 = 196, distance 0.
        #expect(TerminalColor.rgb(255, 0, 0).degraded(to: .palette256) == .indexed(196))
        // 16 colors: xterm's bright red (9) is exactly (255, 0, 0).
        #expect(TerminalColor.rgb(255, 0, 0).degraded(to: .ansi16) == .ansi(9))
        // 8 colors: threshold max(64, 255 / 2) = 127, only red reaches it → red (1).
        #expect(TerminalColor.rgb(255, 0, 0).degraded(to: .ansi8) == .ansi(1))
    }

    @Test func primariesAndCubeEdgesIn256() {
        // Cube corners: 16 + 36r + 6g + b with r, g, b in 0...5.
        #expect(TerminalColor.rgb(0, 255, 0).degraded(to: .palette256) == .indexed(46))
        #expect(TerminalColor.rgb(0, 0, 255).degraded(to: .palette256) == .indexed(21))
        #expect(TerminalColor.rgb(255, 255, 255).degraded(to: .palette256) == .indexed(231))
        // (255, 135, 0): cube (5, 2, 0) = 16 + 180 + 12 = 208, xterm's orange.
        #expect(TerminalColor.rgb(255, 135, 0).degraded(to: .palette256) == .indexed(208))
        // 0x12 = 18: grey 233 (18) is exact; cube 16 is 3·18² = 972 away.
        #expect(TerminalColor.rgb(0x12, 0x12, 0x12).degraded(to: .palette256) == .indexed(233))
        // 115 is the midpoint of levels 95 and 135: the tie goes to the lower level (index 52); 116 is past it.
        #expect(TerminalColor.rgb(114, 0, 0).degraded(to: .palette256) == .indexed(16 + 36))
        #expect(TerminalColor.rgb(115, 0, 0).degraded(to: .palette256) == .indexed(16 + 36))
        #expect(TerminalColor.rgb(116, 0, 0).degraded(to: .palette256) == .indexed(16 + 72))
    }

    @Test func rgbInSixteenAndEightColors() {
        // 16: red (205,0,0) is 77² away from (128,0,0); black 128², bright black far more.
        #expect(TerminalColor.rgb(128, 0, 0).degraded(to: .ansi16) == .ansi(1))
        // xterm's blue (0, 0, 238) is nearer to pure blue than bright blue (92, 92, 255).
        #expect(TerminalColor.rgb(0, 0, 255).degraded(to: .ansi16) == .ansi(4))
        // 8: dark grey stays below the floor of 64 → black; (100, 0, 0) reaches it → red.
        #expect(TerminalColor.rgb(0x20, 0x20, 0x20).degraded(to: .ansi8) == .ansi(0))
        #expect(TerminalColor.rgb(100, 0, 0).degraded(to: .ansi8) == .ansi(1))
        // Steel blue (70, 130, 180): threshold 90 → green and blue on → cyan. (Folding its nearest of 16,
        // bright black, would give white.)
        #expect(TerminalColor.rgb(70, 130, 180).degraded(to: .ansi8) == .ansi(6))
        // #5fd75f, the default theme's bid green: threshold 107 → green only. Its nearest of 16 is bright
        // black (9792 away; green (0,205,0) is 18150), which a fold would have turned white.
        #expect(TerminalColor.rgb(0x5f, 0xd7, 0x5f).degraded(to: .ansi16) == .ansi(8))
        #expect(TerminalColor.rgb(0x5f, 0xd7, 0x5f).degraded(to: .ansi8) == .ansi(2))
    }

    @Test func midGreyGoesToTheGreyRamp() {
        // #808080 = 128 per channel. Cube: 128 is nearest 135 (level 2) → index 16 + 72 + 12 + 2 = 102,
        // distance 3·7² = 147. Grey: step (128 − 8) / 10 = 12 → value 128 exactly → index 232 + 12 = 244, distance 0.
        #expect(TerminalColor.rgb(128, 128, 128).degraded(to: .palette256) == .indexed(244))
        // 16 colors: bright black (127,127,127) is at distance 3, the nearest.
        #expect(TerminalColor.rgb(128, 128, 128).degraded(to: .ansi16) == .ansi(8))
    }

    @Test func cubeBeatsGreyWhenCloser() {
        // #123456 = (18, 52, 86). Cube: 18 → 0, 52 → 95 (43 away, 0 is 52 away), 86 → 95:
        // index 16 + 0 + 6 + 1 = 23, distance 18² + 43² + 9² = 324 + 1849 + 81 = 2254.
        // Grey: average 52 → step (52 − 8 + 5) / 10 = 4 → 48, distance 30² + 4² + 38² = 2360. Cube wins.
        #expect(TerminalColor.rgb(0x12, 0x34, 0x56).degraded(to: .palette256) == .indexed(23))
        // #eeeeee = 238: cube 255 gives 3·17² = 867; grey step 23 is exactly 238 → 255.
        #expect(TerminalColor.rgb(238, 238, 238).degraded(to: .palette256) == .indexed(255))
        // Black: cube 16 at distance 0 beats grey 232 (8,8,8).
        #expect(TerminalColor.rgb(0, 0, 0).degraded(to: .palette256) == .indexed(16))
        // #87afff = (135, 175, 255) is cube (2, 3, 5): 16 + 72 + 18 + 5 = 111.
        #expect(TerminalColor.rgb(0x87, 0xaf, 0xff).degraded(to: .palette256) == .indexed(111))
    }

    @Test func orangeInSixteenColors() {
        // #ff8700 = (255, 135, 0): yellow (205,205,0) is 50² + 70² = 7400 away, bright yellow (255,255,0) 120² = 14400,
        // bright red (255,0,0) 135² = 18225, red (205,0,0) 2500 + 18225: yellow (3) wins in 16 and in 8 colors.
        #expect(TerminalColor.rgb(255, 135, 0).degraded(to: .ansi16) == .ansi(3))
        #expect(TerminalColor.rgb(255, 135, 0).degraded(to: .ansi8) == .ansi(3))
    }

    @Test func paletteColorsDegrade() {
        #expect(TerminalColor.indexed(196).degraded(to: .ansi16) == .ansi(9))
        #expect(TerminalColor.indexed(4).degraded(to: .ansi16) == .ansi(4))
        #expect(TerminalColor.ansi(9).degraded(to: .ansi8) == .ansi(1))
        // 8 colors: bright black (127,127,127) has every channel above the floor of 64 → white, not black
        // (muted text stays visible on a dark screen) and not yellow, which a direct nearest search among 8
        // would pick: yellow is 2·78² + 127² = 28297 away, white (229,229,229) 3·102² = 31212.
        #expect(TerminalColor.ansi(8).degraded(to: .ansi8) == .ansi(7))
        #expect(TerminalColor.rgb(128, 128, 128).degraded(to: .ansi8) == .ansi(7))
        #expect(TerminalColor.indexed(12).degraded(to: .ansi8) == .ansi(4))
        #expect(TerminalColor.ansi(12).degraded(to: .palette256) == .ansi(12))
        #expect(TerminalColor.rgb(1, 2, 3).degraded(to: .trueColor) == .rgb(1, 2, 3))
        for capability in ColorCapability.allCases {
            #expect(TerminalColor.terminalDefault.degraded(to: capability) == .terminalDefault)
        }
        #expect(TerminalColor.rgb(255, 0, 0).degraded(to: .monochrome) == .terminalDefault)
        #expect(TerminalColor.indexed(100).degraded(to: .monochrome) == .terminalDefault)
    }

    @Test func eightColorsFoldTheSixteen() {
        // The threshold rule on xterm's 16 colors is exactly "bright n → n − 8, bright black → white".
        for index in UInt8(0)..<16 {
            let folded: UInt8 = index < 8 ? index : (index == 8 ? 7 : index - 8)
            #expect(TerminalColor.ansi(index).degraded(to: .ansi8) == .ansi(folded))
            #expect(TerminalColor.indexed(index).degraded(to: .ansi8) == .ansi(folded))
        }
    }

    @Test func degradingTwiceChangesNothing() {
        // The backend re-applies degraded(to:) as a safety net before encoding; that must be a no-op.
        var colors: [TerminalColor] = [.terminalDefault]
        colors += (0...255).map { TerminalColor.indexed(UInt8($0)) }
        colors += (0..<16).map { TerminalColor.ansi(UInt8($0)) }
        for level in stride(from: 0, through: 255, by: 17) {
            colors += [.rgb(UInt8(level), 0, UInt8(255 - level)), .rgb(UInt8(level), UInt8(level), UInt8(level)),
                       .rgb(UInt8(level), UInt8(level / 2), 0)]
        }
        for capability in ColorCapability.allCases {
            for color in colors {
                let once = color.degraded(to: capability)
                #expect(once.degraded(to: capability) == once, "\(color) at \(capability)")
            }
        }
    }

    @Test func capabilityFromTerminfoColorCount() {
        #expect(ColorCapability(terminalColorCount: 0) == .monochrome)
        #expect(ColorCapability(terminalColorCount: 2) == .monochrome)
        #expect(ColorCapability(terminalColorCount: 8) == .ansi8)
        #expect(ColorCapability(terminalColorCount: 16) == .ansi16)
        // 88-color terminals' upper palette is not xterm's.
        #expect(ColorCapability(terminalColorCount: 88) == .ansi16)
        #expect(ColorCapability(terminalColorCount: 256) == .palette256)
        #expect(ColorCapability(terminalColorCount: 0x100_0000) == .trueColor)
    }

    @Test func capabilityLimitedByAnother() {
        #expect(ColorCapability.trueColor.limited(to: .palette256) == .palette256)
        #expect(ColorCapability.palette256.limited(to: .trueColor) == .palette256)
        #expect(ColorCapability.ansi16.limited(to: .ansi8) == .ansi8)
        #expect(ColorCapability.monochrome.limited(to: .trueColor) == .monochrome)
        for capability in ColorCapability.allCases {
            #expect(capability.limited(to: capability) == capability)
        }
    }

    @Test func paletteRGBValues() {
        #expect(XTermPalette.rgb(ofIndex: 16) == (0, 0, 0))
        #expect(XTermPalette.rgb(ofIndex: 196) == (255, 0, 0))
        #expect(XTermPalette.rgb(ofIndex: 231) == (255, 255, 255))
        #expect(XTermPalette.rgb(ofIndex: 232) == (8, 8, 8))
        #expect(XTermPalette.rgb(ofIndex: 244) == (128, 128, 128))
        #expect(XTermPalette.rgb(ofIndex: 255) == (238, 238, 238))
        // Every palette color above 15 maps back to itself.
        for index in 16...255 {
            let (r, g, b) = XTermPalette.rgb(ofIndex: UInt8(index))
            #expect(XTermPalette.nearestIndex256(r: r, g: g, b: b) == UInt8(index))
        }
    }

    @Test func cellStyleDegradesBothColorsAndKeepsAttributes() {
        let style = CellStyle(foreground: .rgb(255, 0, 0), background: .rgb(128, 128, 128), attributes: .bold)
        #expect(style.degraded(to: .palette256) == CellStyle(foreground: .indexed(196), background: .indexed(244), attributes: .bold))
    }

    @Test func detection() {
        func detect(_ environment: [String: String], _ count: Int? = nil) -> ColorCapability {
            ColorCapability.detect(environment: environment, colorCount: count)
        }
        #expect(detect(["NO_COLOR": "1", "COLORTERM": "truecolor", "TERM": "xterm-256color"], 256) == .monochrome)
        #expect(detect(["NO_COLOR": "", "TERM": "xterm-256color"]) == .palette256)
        #expect(detect(["TERM": "dumb", "COLORTERM": "truecolor"]) == .monochrome)
        #expect(detect(["COLORTERM": "truecolor", "TERM": "xterm-256color"], 256) == .trueColor)
        #expect(detect(["COLORTERM": "24bit"]) == .trueColor)
        #expect(detect(["TERM": "xterm-256color"]) == .palette256)
        #expect(detect(["TERM": "screen"], 256) == .palette256)
        #expect(detect(["TERM": "xterm-direct"], 16_777_216) == .trueColor)
        #expect(detect(["TERM": "xterm-16color"]) == .ansi16)
        #expect(detect(["TERM": "xterm"], 16) == .ansi16)
        #expect(detect(["TERM": "linux"], 8) == .ansi8)
        #expect(detect(["TERM": "vt100"], 0) == .monochrome)
        #expect(detect(["TERM": "xterm"], -1) == .ansi16)
        #expect(detect([:]) == .ansi16)
    }

    @Test func themeDegradation() {
        let theme = Theme.compiledInDefault
        let palette = theme.degraded(to: .palette256)
        for role in ThemeRole.allCases {
            for color in [palette.style(role).foreground, palette.style(role).background] {
                if case .rgb = color { Issue.record("\(role) still has an RGB color in 256 colors") }
            }
            #expect(palette.style(role).attributes == theme.style(role).attributes)
        }
        #expect(palette.style(.bid).foreground == .indexed(77))  // #5fd75f = cube (1, 4, 1): 16 + 36 + 24 + 1

        let mono = theme.degraded(to: .monochrome)
        for role in ThemeRole.allCases {
            #expect(mono.style(role).foreground == .terminalDefault)
            #expect(mono.style(role).background == .terminalDefault)
            #expect(mono.style(role).attributes.isSuperset(of: role.monochromeEmphasis))
        }
        #expect(mono.style(.selected).attributes.contains(.reverse))
        #expect(mono.style(.tabActive).attributes.isSuperset(of: [.reverse, .bold]))
        #expect(mono.style(.atm).attributes.contains(.bold))
        #expect(mono.background == .terminalDefault)
    }
}

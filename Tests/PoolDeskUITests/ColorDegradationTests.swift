import Foundation
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
        // Pure blue: hue blue (4); strongest + weakest = 255 reaches half scale → bright blue (12), like pure red → 9.
        #expect(TerminalColor.rgb(0, 0, 255).degraded(to: .ansi16) == .ansi(12))
        // 8: dark grey stays below the floor of 64 → black; (100, 0, 0) reaches it → red.
        #expect(TerminalColor.rgb(0x20, 0x20, 0x20).degraded(to: .ansi8) == .ansi(0))
        #expect(TerminalColor.rgb(100, 0, 0).degraded(to: .ansi8) == .ansi(1))
        // Steel blue (70, 130, 180): threshold 90 → green and blue on → cyan. (Folding its nearest of 16,
        // bright black, would give white.)
        #expect(TerminalColor.rgb(70, 130, 180).degraded(to: .ansi8) == .ansi(6))
        // #5fd75f, the default theme's bid green: threshold 107 → green only; 0xd7 + 0x5f = 215 + 95 = 310 ≥ 255 →
        // bright green (10). (Its nearest of 16 by RGB distance is bright black, 9792 away against green's 18150:
        // a grey bid, which is why 16 colors use the hue rule too.)
        #expect(TerminalColor.rgb(0x5f, 0xd7, 0x5f).degraded(to: .ansi16) == .ansi(10))
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
        // #ff8700 = (255, 135, 0): threshold 127 → red and green on → yellow (3) in 8 colors; 255 + 0 = 255 reaches
        // half scale → bright yellow (11) in 16.
        #expect(TerminalColor.rgb(255, 135, 0).degraded(to: .ansi16) == .ansi(11))
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

    // MARK: - One rule at 16, 8 and 2 colors

    @Test func xtermSixteenMapToThemselves() {
        // The rule's anchors: each of xterm's 16 default colors, given as RGB, comes back as its own index.
        for index in UInt8(0)..<16 {
            let (r, g, b) = XTermPalette.ansi[Int(index)]
            #expect(XTermPalette.nearestANSI16(r: r, g: g, b: b) == index, "ANSI \(index)")
        }
    }

    @Test func sixteenFoldsToEight() {
        // One rule: the 16-color answer folded (bright n → n − 8, bright black → white) is the 8-color answer.
        for r in stride(from: 0, through: 255, by: 15) {
            for g in stride(from: 0, through: 255, by: 15) {
                for b in stride(from: 0, through: 255, by: 15) {
                    let sixteen = XTermPalette.nearestANSI16(r: UInt8(r), g: UInt8(g), b: UInt8(b))
                    #expect(XTermPalette.foldedTo8(sixteen) == XTermPalette.nearestANSI8(r: UInt8(r), g: UInt8(g), b: UInt8(b)),
                            "(\(r), \(g), \(b))")
                }
            }
        }
        #expect(XTermPalette.foldedTo8(8) == 7)
        #expect(XTermPalette.foldedTo8(12) == 4)
    }

    @Test func greysAndHuesInSixteen() {
        // Greys by lightness (max + min): #8a8a8a = 276 < 356 → bright black; #d0d0d0 = 416 → white; #f0f0f0 = 480 → white;
        // #fafafa = 500 ≥ 484 → bright white; #303030: every channel below 64 → black.
        #expect(TerminalColor.rgb(0x8a, 0x8a, 0x8a).degraded(to: .ansi16) == .ansi(8))
        #expect(TerminalColor.rgb(0xd0, 0xd0, 0xd0).degraded(to: .ansi16) == .ansi(7))
        #expect(TerminalColor.rgb(0xf0, 0xf0, 0xf0).degraded(to: .ansi16) == .ansi(7))
        #expect(TerminalColor.rgb(0xfa, 0xfa, 0xfa).degraded(to: .ansi16) == .ansi(15))
        #expect(TerminalColor.rgb(0x30, 0x30, 0x30).degraded(to: .ansi16) == .ansi(0))
        // #ff5f5f (ask red): threshold 127 → red; 255 + 95 ≥ 255 → bright red. #008700 (light theme's bid): green, 135 → green.
        #expect(TerminalColor.rgb(0xff, 0x5f, 0x5f).degraded(to: .ansi16) == .ansi(9))
        #expect(TerminalColor.rgb(0x00, 0x87, 0x00).degraded(to: .ansi16) == .ansi(2))
        // #2d4f7c (default selection background) = (45, 79, 124): threshold 64 → green and blue → cyan; 169 → normal.
        #expect(TerminalColor.rgb(0x2d, 0x4f, 0x7c).degraded(to: .ansi16) == .ansi(6))
        #expect(TerminalColor.rgb(0x2d, 0x4f, 0x7c).degraded(to: .ansi8) == .ansi(6))
    }

    /// The bundled themes, parsed from `themes/`.
    private func bundledThemes() throws -> [Theme] {
        let directory = try #require(UITestRepository.themesDirectory, "themes/ not found above \(#filePath)")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "toml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { try ThemeParser.parse(String(contentsOf: $0, encoding: .utf8), file: $0.lastPathComponent) }
    }

    /// Whether two degraded styles would look different on screen: other colors, or an attribute that changes the look.
    private func standApart(_ a: CellStyle, _ b: CellStyle) -> Bool {
        !Theme.looksAlike(a, b) || a.attributes.subtracting(b.attributes).intersection([.reverse, .dim, .underline, .bold]) != []
    }

    @Test("every bundled theme stays readable at 16, 8 and 2 colors", arguments: [ColorCapability.ansi16, .ansi8, .monochrome])
    func bundledThemesStayReadable(capability: ColorCapability) throws {
        for source in try bundledThemes() {
            let theme = source.degraded(to: capability)
            for role in ThemeRole.allCases {
                let style = theme.style(role)
                if style.foreground != .terminalDefault {
                    #expect(style.foreground != style.background, "\(source.name) \(role) at \(capability): text in its own background color")
                }
            }
            // The selected row, muted text (restricted strikes) and the ATM strike stand apart from plain text.
            for role in [ThemeRole.selected, .selectedInactive, .muted, .atm] {
                #expect(standApart(theme.style(role), theme.style(.text)), "\(source.name) \(role) looks like text at \(capability)")
            }
            // Bids and rises are green, asks and falls red, wherever the theme gives them a color.
            guard capability != .monochrome, source.name != "monochrome" else { continue }
            for (role, hue) in [(ThemeRole.bid, UInt8(2)), (.up, 2), (.ask, 1), (.down, 1)] {
                guard case .ansi(let index) = theme.style(role).foreground else {
                    Issue.record("\(source.name) \(role) has no ANSI color at \(capability)")
                    continue
                }
                #expect(XTermPalette.foldedTo8(index) == hue, "\(source.name) \(role) at \(capability) is ANSI \(index)")
            }
        }
    }

    @Test func eightColorSelectionsAreReadable() throws {
        let themes = Dictionary(uniqueKeysWithValues: try bundledThemes().map { ($0.name, $0) })
        // gruvbox: selection text #fbf1c7 and background #504945 both have every channel on (thresholds 125 and 64)
        // → white on white; the rule gives the text black (0), the contrast for a light background, bold kept.
        let gruvbox = try #require(themes["gruvbox"]).degraded(to: .ansi8)
        #expect(gruvbox.style(.selected) == CellStyle(foreground: .ansi(0), background: .ansi(7), attributes: .bold))
        // Its bid #b8bb26 has red and green on (threshold 93): yellow, next to green on the wheel → green.
        #expect(gruvbox.style(.bid).foreground == .ansi(2))
        // light: the selection (#000000 on #c6dcf5 → black on white) is the screen itself (#303030 on #fafafa → black on
        // white): it gains reverse. Its muted #8a8a8a on #fafafa is white on white → black, then dim to differ from text.
        let light = try #require(themes["light"]).degraded(to: .ansi8)
        #expect(light.style(.selected).attributes.contains(.reverse))
        #expect(light.style(.muted).foreground == .ansi(0))
        #expect(light.style(.muted).attributes.contains(.dim))
        // default: muted #8a8a8a and text #d0d0d0 are both white in 8 colors → muted is dim; in 16 they differ
        // (bright black 8 and white 7), so no dim is added.
        let eight = Theme.compiledInDefault.degraded(to: .ansi8), sixteen = Theme.compiledInDefault.degraded(to: .ansi16)
        #expect(eight.style(.muted) == CellStyle(foreground: .ansi(7), background: .terminalDefault, attributes: .dim))
        #expect(sixteen.style(.muted) == CellStyle(foreground: .ansi(8), background: .terminalDefault, attributes: []))
        // The default selection: bright white bold on cyan in 16, white bold on cyan in 8.
        #expect(sixteen.style(.selected) == CellStyle(foreground: .ansi(15), background: .ansi(6), attributes: .bold))
        #expect(eight.style(.selected) == CellStyle(foreground: .ansi(7), background: .ansi(6), attributes: .bold))
        // Its inactive selection (#e4e4e4 on #3a3a3a → white on black) is the dark screen itself: underlined.
        #expect(eight.style(.selectedInactive).attributes.contains(.underline))
    }

    @Test func linuxConsoleGetsASCIIGlyphs() {
        #expect(GlyphSet.detect(environment: ["TERM": "linux", "LANG": "en_US.UTF-8"]) == .ascii)
        #expect(GlyphSet.detect(environment: ["TERM": "linux-16color", "LC_ALL": "C.UTF-8"]) == .ascii)
        #expect(GlyphSet.detect(environment: ["TERM": "xterm-256color", "LANG": "en_US.UTF-8"]) == .unicode)
        #expect(GlyphSet.detect(environment: ["TERM": "linuxish", "LANG": "en_US.UTF-8"]) == .unicode)
    }
}

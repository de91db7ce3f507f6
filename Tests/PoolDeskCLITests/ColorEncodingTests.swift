import PoolDeskTerminal
import PoolDeskUI
import Testing
@testable import PoolDeskCLI

/// The backend only encodes colors (the degradation rules are tested once, in PoolDeskUITests).
@Suite("Color encoding")
struct ColorEncodingTests {
    private func number(_ color: TerminalColor, _ capability: ColorCapability) -> Int32 {
        ColorEncoding.colorNumber(for: color, capability: capability)
    }

    @Test func defaultAndMonochromeAreMinusOne() {
        for capability in ColorCapability.allCases {
            #expect(number(.terminalDefault, capability) == -1)
        }
        #expect(number(.rgb(255, 0, 0), .monochrome) == -1)
        #expect(number(.ansi(3), .monochrome) == -1)
    }

    @Test func paletteCapabilitiesGetTheIndex() {
        #expect(number(.indexed(196), .palette256) == 196)
        #expect(number(.ansi(12), .palette256) == 12)
        #expect(number(.ansi(12), .ansi16) == 12)
        #expect(number(.ansi(5), .ansi8) == 5)
    }

    @Test func directColorPacksRGBAndKeepsTheFirstEightANSI() {
        #expect(number(.rgb(0x12, 0x34, 0x56), .trueColor) == 0x123456)
        #expect(number(.ansi(2), .trueColor) == 2)
        #expect(number(.indexed(7), .trueColor) == 7)
        #expect(number(.ansi(9), .trueColor) == 0xFF0000)
        #expect(number(.indexed(21), .trueColor) == 0x0000FF)
        // Below 8 a direct-color number means an ANSI color: near-black becomes ANSI black.
        #expect(number(.rgb(0, 0, 5), .trueColor) == 0)
    }

    @Test func colorsThatDoNotFitGoThroughTheOneDegradation() {
        // The self-test draws RGB straight to the screen; it is degraded by TerminalColor.degraded(to:).
        #expect(number(.rgb(255, 0, 0), .palette256) == 196)
        #expect(number(.rgb(255, 0, 0), .ansi16) == 9)
        #expect(number(.rgb(70, 130, 180), .ansi8) == 6)
        #expect(number(.indexed(196), .ansi8) == 1)
        #expect(number(.ansi(8), .ansi8) == 7)
    }

    @Test func theUIAndTheBackendAgree() {
        // COLORTERM asks for true color, the terminfo reports fewer: the UI degrades once, to what the screen has,
        // and the backend's encoding of the degraded theme is what it would have made of the raw theme itself.
        let environment = ["TERM": "xterm-256color", "COLORTERM": "truecolor"]
        let theme = Theme.compiledInDefault
        for (count, expected) in [(256, ColorCapability.palette256), (16, .ansi16), (8, .ansi8), (2, .monochrome)] {
            let ui = DeskTerminal.capability(environment: environment, screenColorCount: count)
            let backend = ColorCapability(terminalColorCount: count)
            #expect(ui == expected)
            #expect(backend == expected)
            let degraded = theme.degraded(to: ui)
            for role in ThemeRole.allCases {
                for (raw, shown) in [(theme.style(role).foreground, degraded.style(role).foreground),
                                     (theme.style(role).background, degraded.style(role).background)] {
                    let encoded = number(shown, backend)
                    #expect(encoded == number(raw, backend), "\(role) at \(count) colors")
                    #expect(encoded >= -1 && encoded < Int32(max(count, 1)), "\(role) at \(count) colors")
                    if count < 8 { #expect(encoded == -1) }
                }
            }
        }
        // The bid green #5fd75f: bright green (10) in 16 colors, green (2) in 8.
        #expect(number(theme.degraded(to: .ansi16).style(.bid).foreground, .ansi16) == 10)
        #expect(number(theme.degraded(to: .ansi8).style(.bid).foreground, .ansi8) == 2)
    }
}

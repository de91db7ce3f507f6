import PoolDeskUI
import Testing

/// The locator names the line of a bad key in theme and configuration files (TOMLKit gives positions only for
/// syntax errors), so its answers are checked against line numbers counted by hand in the text below.
@Suite struct TOMLKeyLocatorTests {
    static let source = """
        # a comment with [brackets] and key = value
        title = "desk"   # trailing comment
        [colors]
        header = "#112233"
        "quoted.key" = 1
        inline = { fg = "red", bg = "blue" }

        [[markets]]
        symbol = "BTC"
        strikes = [
          0.9, 1.0,
          1.1,
        ]
        [markets.limits]
        cap = 0.8

        [[markets]]
        symbol = "ETH"
        [markets.limits]
        cap = 0.7
        """

    @Test func plainTablesKeysAndComments() {
        let locator = TOMLKeyLocator(source: Self.source)
        #expect(locator.line(of: ["title"]) == 2)
        #expect(locator.line(of: ["colors"]) == 3)
        #expect(locator.line(of: ["colors", "header"]) == 4)
        #expect(locator.line(of: ["colors", "quoted.key"]) == 5)
        #expect(locator.line(of: ["colors", "inline", "bg"]) == 6)
        // An unknown key in a known table points at the table's line.
        #expect(locator.line(of: ["colors", "nope"]) == 3)
        #expect(locator.line(of: ["nowhere"]) == nil)
    }

    @Test func arraysOfTablesAreCountedFromOne() {
        let locator = TOMLKeyLocator(source: Self.source)
        #expect(locator.line(of: ["markets", "1", "symbol"]) == 9)
        #expect(locator.line(of: ["markets", "1", "strikes"]) == 10)
        #expect(locator.line(of: ["markets", "1", "limits", "cap"]) == 15)
        #expect(locator.line(of: ["markets", "2"]) == 17)
        #expect(locator.line(of: ["markets", "2", "symbol"]) == 18)
        #expect(locator.line(of: ["markets", "2", "limits", "cap"]) == 20)
        // Lines inside the multi-line array are values, not keys.
        #expect(locator.line(of: ["markets", "1", "1.1"]) == 8)
    }
}

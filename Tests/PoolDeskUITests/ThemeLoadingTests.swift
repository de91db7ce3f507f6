import Foundation
import Testing
@testable import PoolDeskUI

@Suite("Themes: bundled files, parsing, fallbacks, errors, catalog")
struct ThemeLoadingTests {
    static let requiredThemes = ["default", "light", "solarized-dark", "gruvbox", "high-contrast", "monochrome"]

    private func bundledThemeFiles() throws -> [URL] {
        let directory = try #require(UITestRepository.themesDirectory, "themes/ not found above \(#filePath)")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "toml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func everyBundledThemeLoadsAndDefinesEveryRole() throws {
        let files = try bundledThemeFiles()
        let names = Set(files.map { $0.deletingPathExtension().lastPathComponent })
        for required in Self.requiredThemes {
            #expect(names.contains(required), "themes/\(required).toml is missing")
        }
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            let theme: Theme
            do {
                theme = try ThemeParser.parse(source, file: "themes/\(file.lastPathComponent)")
            } catch {
                Issue.record("\(error)")
                continue
            }
            #expect(theme.name == file.deletingPathExtension().lastPathComponent)
            for role in ThemeRole.allCases {
                #expect(theme.defines(role), "\(file.lastPathComponent) does not define \(role.rawValue)")
            }
        }
    }

    @Test func monochromeThemeHasNoColors() throws {
        let directory = try #require(UITestRepository.themesDirectory)
        let source = try String(contentsOf: directory.appendingPathComponent("monochrome.toml"), encoding: .utf8)
        let theme = try ThemeParser.parse(source, file: "monochrome.toml")
        #expect(theme.background == .terminalDefault)
        for role in ThemeRole.allCases {
            #expect(theme.style(role).foreground == .terminalDefault)
            #expect(theme.style(role).background == .terminalDefault)
        }
        #expect(theme.style(.selected).attributes.contains(.reverse))
    }

    @Test func tradingRolesLookTheWayTheyShould() throws {
        // Bids green-ish, asks red-ish in every colored theme: green channel dominates bids, red dominates asks.
        for file in try bundledThemeFiles() where file.lastPathComponent != "monochrome.toml" {
            let theme = try ThemeParser.parse(String(contentsOf: file, encoding: .utf8), file: file.lastPathComponent)
            let bid = try #require(theme.style(.bid).foreground.approximateRGB)
            let ask = try #require(theme.style(.ask).foreground.approximateRGB)
            #expect(bid.g > bid.r, "\(file.lastPathComponent): bid is not green-ish")
            #expect(ask.r > ask.g, "\(file.lastPathComponent): ask is not red-ish")
            #expect(theme.style(.itm).background != theme.style(.text).background, "\(file.lastPathComponent): ITM not shaded")
        }
    }

    @Test func compiledInDefaultMatchesThemesFolder() throws {
        let directory = try #require(UITestRepository.themesDirectory)
        // One source, two places: the file SwiftPM embeds and the copy users see in themes/ must be the same bytes,
        // and the compiled-in text must be exactly those bytes.
        let shipped = try Data(contentsOf: directory.appendingPathComponent("default.toml"))
        let embedded = try Data(contentsOf: directory.deletingLastPathComponent()
            .appendingPathComponent("Sources/PoolDeskUI/Resources/default.toml"))
        #expect(shipped == embedded, "copy Sources/PoolDeskUI/Resources/default.toml to themes/default.toml")
        #expect(Data(Theme.defaultSource.utf8) == embedded)
        #expect(Theme.compiledInDefault.name == "default")
        #expect(Theme.compiledInDefault.definitions.count == ThemeRole.allCases.count)
    }

    @Test func undefinedRolesFallBack() throws {
        let theme = try ThemeParser.parse(
            """
            [roles.text]
            fg = "#ffffff"
            [roles.success]
            fg = "green"
            [roles.title]
            fg = "blue"
            bold = true
            [roles.border_focused]
            underline = true
            """,
            file: "partial.toml"
        )
        #expect(theme.name == "partial")
        #expect(theme.style(.bid).foreground == .ansi(2))            // bid -> success
        #expect(theme.style(.gaugeLow).foreground == .ansi(2))       // gauge_low -> success
        #expect(theme.style(.ask).foreground == .rgb(255, 255, 255)) // ask -> danger -> text
        #expect(theme.style(.ask).attributes == .bold)               // danger gains bold when undefined
        #expect(theme.style(.selected).attributes == .reverse)
        #expect(theme.style(.muted).attributes == .dim)
        // A partly defined role inherits the rest from its fallback (title), attributes replaced as a set.
        #expect(theme.style(.borderFocused) == CellStyle(foreground: .ansi(4), attributes: .underline))
        for role in ThemeRole.allCases {
            _ = theme.style(role)
        }
        // The fallback chain of every role ends at text.
        for role in ThemeRole.allCases {
            var current: ThemeRole? = role
            var steps = 0
            while let next = current?.fallback { current = next; steps += 1 }
            #expect(current == .text && steps < ThemeRole.allCases.count)
        }
    }

    @Test func backgroundAppliesToRolesWithoutOne() throws {
        let theme = try ThemeParser.parse(
            """
            name = "bg"
            background = "#101010"
            [roles.text]
            fg = 250
            [roles.itm]
            bg = "#202020"
            [roles.input]
            bg = "default"
            """,
            file: "bg.toml"
        )
        #expect(theme.background == .rgb(16, 16, 16))
        #expect(theme.style(.text) == CellStyle(foreground: .indexed(250), background: .rgb(16, 16, 16)))
        #expect(theme.style(.bid).background == .rgb(16, 16, 16))
        #expect(theme.style(.itm).background == .rgb(32, 32, 32))
        #expect(theme.style(.input).background == .terminalDefault)
    }

    @Test func colorSyntax() {
        #expect(ThemeParser.parseColor("#B8bb26") == .rgb(0xb8, 0xbb, 0x26))
        #expect(ThemeParser.parseColor("red") == .ansi(1))
        #expect(ThemeParser.parseColor("bright-blue") == .ansi(12))
        #expect(ThemeParser.parseColor("Bright_White") == .ansi(15))
        #expect(ThemeParser.parseColor("grey") == .ansi(8))
        #expect(ThemeParser.parseColor("default") == .terminalDefault)
        #expect(ThemeParser.parseColor("#12345") == nil)
        #expect(ThemeParser.parseColor("#12345g") == nil)
        #expect(ThemeParser.parseColor("purple") == nil)
    }

    @Test func inlineTablesWork() throws {
        let theme = try ThemeParser.parse(
            """
            [roles]
            bid = { fg = "green", bold = true }
            """,
            file: "inline.toml"
        )
        #expect(theme.style(.bid) == CellStyle(foreground: .ansi(2), attributes: .bold))
    }

    // MARK: - Errors

    private func failure(_ source: String, file: String = "themes/broken.toml") -> String {
        do {
            _ = try ThemeParser.parse(source, file: file)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func badColorNamesFileLineAndKey() {
        let source = """
            # a broken theme
            name = "broken"

            [roles.text]
            fg = "#ffffff"
            [roles.bid]
            fg = "#12345"      # one digit short
            """
        #expect(failure(source) == ##"themes/broken.toml:7: roles.bid.fg: "#12345" is not a color (use #RRGGBB, an ANSI name or 0–255)"##)
    }

    @Test func outOfRangeIndexAndWrongColorType() {
        #expect(failure("[roles.ask]\nbg = 300\n") == "themes/broken.toml:2: roles.ask.bg: 300 is not a color (use #RRGGBB, an ANSI name or 0–255)")
        #expect(failure("background = true\n") == "themes/broken.toml:1: background: expected a color, got boolean true (use #RRGGBB, an ANSI name or 0–255)")
    }

    @Test func unknownRoleIsAnError() {
        #expect(failure("[roles.text]\nfg = \"red\"\n\n[roles.bidd]\nfg = \"green\"\n")
            == #"themes/broken.toml:4: roles.bidd: unknown role (did you mean "bid"?)"#)
        #expect(failure("[roles.gaugeLow]\nfg = \"green\"\n")
            == #"themes/broken.toml:1: roles.gaugeLow: unknown role (did you mean "gauge_low"?)"#)
        #expect(failure("[roles.sparkles]\n").hasPrefix("themes/broken.toml:1: roles.sparkles: unknown role (known roles: text, muted, "))
    }

    @Test func unknownKeysAreErrors() {
        #expect(failure("[roles.bid]\nfg = \"green\"\nblink = true\n")
            == "themes/broken.toml:3: roles.bid.blink: unknown key (expected one of: fg, bg, bold, underline, reverse, dim, italic)")
        #expect(failure("name = \"x\"\ncolour = \"red\"\n")
            == "themes/broken.toml:2: colour: unknown key (expected one of: name, description, background, roles)")
    }

    @Test func wrongTypesAreErrors() {
        #expect(failure("[roles.bid]\nbold = \"yes\"\n") == #"themes/broken.toml:2: roles.bid.bold: expected true or false, got string "yes""#)
        #expect(failure("name = 3\n") == "themes/broken.toml:1: name: expected a string, got integer 3")
        #expect(failure("roles = 5\n") == "themes/broken.toml:1: roles: expected a table of roles, got integer 5")
        #expect(failure("[roles]\nbid = \"green\"\n") == #"themes/broken.toml:2: roles.bid: expected a table with fg, bg and attributes, got string "green""#)
        // Inside an inline table the key's own line is found.
        #expect(failure("[roles]\ntext = { fg = \"red\" }\nask = { fg = \"nope\", bold = true }\n")
            == #"themes/broken.toml:3: roles.ask.fg: "nope" is not a color (use #RRGGBB, an ANSI name or 0–255)"#)
    }

    @Test func syntaxErrorsCarryTheLine() {
        let message = failure("name = \"x\"\n\n[roles.bid]\nfg = \"#00ff00\n")
        #expect(message.hasPrefix("themes/broken.toml:4: TOML syntax error: "), "\(message)")
        #expect(!message.contains("\n"))
        let duplicate = failure("[roles.bid]\nfg = \"green\"\nfg = \"red\"\n")
        #expect(duplicate.hasPrefix("themes/broken.toml:3: TOML syntax error: "), "\(duplicate)")
    }

    // MARK: - Catalog

    private let sample = "name = \"sample\"\n[roles.text]\nfg = \"white\"\n"

    @Test func catalogListsUserThemesOverBuiltIns() throws {
        let fileSystem = ThemeFileSystem.inMemory([
            "/app/themes/default.toml": Theme.defaultSource,
            "/app/themes/gruvbox.toml": "name = \"gruvbox built-in\"\n",
            "/home/ana/.config/pooldesk/themes/gruvbox.toml": "name = \"gruvbox mine\"\n",
            "/home/ana/.config/pooldesk/themes/night.toml": sample,
            "/home/ana/.config/pooldesk/themes/notes.txt": "not a theme",
        ])
        let catalog = ThemeCatalog(
            environment: ["HOME": "/home/ana"],
            executablePath: "/app/.build/x86_64-unknown-linux-gnu/debug/pooldesk",
            currentDirectory: "/tmp",
            fileSystem: fileSystem
        )
        #expect(catalog.builtInDirectory == "/app/themes")
        #expect(catalog.userDirectory == "/home/ana/.config/pooldesk/themes")
        #expect(catalog.list() == [
            .init(name: "default", path: "/app/themes/default.toml", source: .builtIn),
            .init(name: "gruvbox", path: "/home/ana/.config/pooldesk/themes/gruvbox.toml", source: .user),
            .init(name: "night", path: "/home/ana/.config/pooldesk/themes/night.toml", source: .user),
        ])
        #expect(try catalog.load("gruvbox").name == "gruvbox mine")
        #expect(try catalog.load("/app/themes/gruvbox.toml").name == "gruvbox built-in")
        #expect(throws: ThemeError(file: "solarized", message: "no such theme (available: default, gruvbox, night)")) {
            try catalog.load("solarized")
        }
        let fallback = catalog.loadOrDefault("solarized")
        #expect(fallback.theme == Theme.compiledInDefault)
        #expect(fallback.error != nil)
    }

    @Test func builtInDirectorySearchOrder() {
        let fileSystem = ThemeFileSystem.inMemory([
            "/opt/pooldesk/themes/default.toml": sample,
            "/opt/pooldesk/bin/themes/default.toml": sample,
            "/work/themes/default.toml": sample,
        ])
        func find(_ environment: [String: String] = [:], exe: String?, cwd: String?) -> String? {
            ThemeCatalog.findBuiltInDirectory(environment: environment, executablePath: exe, currentDirectory: cwd, fileSystem: fileSystem)
        }
        #expect(find(["POOLDESK_THEMES_DIR": "/custom"], exe: "/opt/pooldesk/bin/pooldesk", cwd: "/work") == "/custom")
        #expect(find(exe: "/opt/pooldesk/bin/pooldesk", cwd: "/work") == "/opt/pooldesk/bin/themes")
        #expect(find(exe: "/opt/pooldesk/a/b/c/pooldesk", cwd: "/work") == "/opt/pooldesk/themes")   // 3 levels up
        #expect(find(exe: "/opt/pooldesk/a/b/c/d/pooldesk", cwd: "/work") == "/work/themes")         // 4: too far
        #expect(find(exe: "bin/pooldesk", cwd: "/opt/pooldesk") == "/opt/pooldesk/bin/themes")      // relative exe
        #expect(find(exe: nil, cwd: "/nowhere") == nil)
    }

    @Test func withoutAnyThemesFolderTheCompiledInDefaultRemains() throws {
        let catalog = ThemeCatalog(environment: [:], executablePath: "/usr/bin/pooldesk", currentDirectory: "/", fileSystem: .inMemory([:]))
        #expect(catalog.builtInDirectory == nil)
        #expect(catalog.userDirectory == nil)
        #expect(catalog.list() == [.init(name: "default", path: nil, source: .compiledIn)])
        #expect(try catalog.load("default") == Theme.compiledInDefault)
    }

    @Test func userDirectoryFollowsXDG() {
        #expect(ThemeCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/h"]) == "/cfg/pooldesk/themes")
        #expect(ThemeCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/pooldesk/themes")
        #expect(ThemeCatalog.userDirectory(environment: ["HOME": "/h/"]) == "/h/.config/pooldesk/themes")
    }
}

import Foundation
import PoolDeskUI
import Testing
@testable import PoolDeskCLI

/// The shell's real-disk theme access (PoolDeskUI itself only sees the ThemeFileSystem it is given).
@Suite("Themes on the real disk")
struct ThemeCatalogProcessTests {
    /// Tests/PoolDeskCLITests/ThemeCatalogProcessTests.swift -> the repository's themes/ folder.
    private static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes")

    @Test func liveCatalogFindsTheRepositoryThemes() throws {
        let catalog = ThemeCatalog(
            environment: ["POOLDESK_THEMES_DIR": Self.themesDirectory.path, "XDG_CONFIG_HOME": "/nonexistent-pooldesk-test"],
            executablePath: nil,
            currentDirectory: nil,
            fileSystem: .live
        )
        let names = catalog.list().map(\.name)
        for required in ["default", "light", "solarized-dark", "gruvbox", "high-contrast", "monochrome"] {
            #expect(names.contains(required))
            #expect(throws: Never.self) { try catalog.load(required) }
        }
        #expect(try catalog.load("default") == Theme.compiledInDefault)
        let missing = catalog.loadOrDefault("/nonexistent-pooldesk-test/x.toml")
        #expect(missing.error?.description.hasPrefix("/nonexistent-pooldesk-test/x.toml: cannot read file") == true)
    }

    @Test func liveFileSystemListsOnlyDirectoriesAndSeesOnlyFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-theme-fs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name = \"x\"\n".write(to: folder.appendingPathComponent("x.toml"), atomically: true, encoding: .utf8)
        let fs = ThemeFileSystem.live
        #expect(Set(fs.listDirectory(folder.path) ?? []) == ["sub", "x.toml"])
        #expect(fs.listDirectory(folder.appendingPathComponent("x.toml").path) == nil)
        #expect(fs.fileExists(folder.appendingPathComponent("x.toml").path))
        #expect(!fs.fileExists(folder.appendingPathComponent("sub").path))
        #expect(try fs.readFile(folder.appendingPathComponent("x.toml").path) == "name = \"x\"\n")
    }
}

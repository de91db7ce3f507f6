import Foundation

/// Locates the repository from this test file, so the tests work both in the package and in a scratch package
/// that symlinks the sources: symlinks are resolved first, then folders are searched upward for one that holds
/// both `Package.swift` and `themes/`. `POOLDESK_REPO_ROOT` overrides the search.
enum UITestRepository {
    static func root(filePath: String = #filePath) -> URL? {
        if let explicit = ProcessInfo.processInfo.environment["POOLDESK_REPO_ROOT"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        for start in [URL(fileURLWithPath: filePath).resolvingSymlinksInPath(), URL(fileURLWithPath: filePath)] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" && !directory.path.isEmpty {
                let manifest = directory.appendingPathComponent("Package.swift").path
                var isDirectory: ObjCBool = false
                let themes = directory.appendingPathComponent("themes").path
                if FileManager.default.fileExists(atPath: manifest),
                   FileManager.default.fileExists(atPath: themes, isDirectory: &isDirectory), isDirectory.boolValue {
                    return directory
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    static var themesDirectory: URL? { root()?.appendingPathComponent("themes") }
}

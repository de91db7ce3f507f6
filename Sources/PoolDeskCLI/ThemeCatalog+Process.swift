import Foundation
import PoolDeskUI

// The shell's side of themes: PoolDeskUI does no file or process I/O of its own, so the real disk and the
// process's environment, executable path and working directory are handed to it from here.

extension ThemeFileSystem {
    /// The real file system.
    static let live = ThemeFileSystem(
        readFile: { path in try String(contentsOfFile: path, encoding: .utf8) },
        listDirectory: { path in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            return try? FileManager.default.contentsOfDirectory(atPath: path)
        },
        fileExists: { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        },
        resolvingSymlinks: { path in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
    )
}

extension ThemeCatalog {
    /// A catalog for the running process: its environment, executable path and working directory, on the real disk.
    static func forCurrentProcess() -> ThemeCatalog {
        ThemeCatalog(
            environment: ProcessInfo.processInfo.environment,
            executablePath: Bundle.main.executablePath ?? CommandLine.arguments.first,
            currentDirectory: FileManager.default.currentDirectoryPath,
            fileSystem: .live
        )
    }
}

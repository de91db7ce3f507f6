import Foundation

/// The only file access themes need, as closures: PoolDeskUI does no I/O of its own, so the shell passes the
/// real disk (`ThemeFileSystem.live` in PoolDeskCLI) and tests an in-memory tree.
public struct ThemeFileSystem: Sendable {
    /// Reads a whole UTF-8 file.
    public var readFile: @Sendable (_ path: String) throws -> String
    /// File names in a directory, or `nil` when it does not exist or is not a directory.
    public var listDirectory: @Sendable (_ path: String) -> [String]?
    /// Whether a regular file exists at the path.
    public var fileExists: @Sendable (_ path: String) -> Bool
    /// The path with symbolic links resolved (so `.build/debug` finds the repository above the real folder).
    public var resolvingSymlinks: @Sendable (_ path: String) -> String

    /// Creates a file system from its four operations.
    public init(
        readFile: @escaping @Sendable (String) throws -> String,
        listDirectory: @escaping @Sendable (String) -> [String]?,
        fileExists: @escaping @Sendable (String) -> Bool,
        resolvingSymlinks: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.readFile = readFile
        self.listDirectory = listDirectory
        self.fileExists = fileExists
        self.resolvingSymlinks = resolvingSymlinks
    }

    /// An in-memory tree of `path: contents`; directories are implied by the paths.
    public static func inMemory(_ files: [String: String]) -> ThemeFileSystem {
        ThemeFileSystem(
            readFile: { path in
                guard let text = files[path] else { throw ThemeError(file: path, message: "no such file") }
                return text
            },
            listDirectory: { path in
                let prefix = path.hasSuffix("/") ? path : path + "/"
                let names = files.keys.compactMap { key -> String? in
                    guard key.hasPrefix(prefix) else { return nil }
                    return key.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
                }
                return names.isEmpty ? nil : Array(Set(names))
            },
            fileExists: { path in files[path] != nil }
        )
    }
}

/// Finds themes by name or path: user themes first, then the built-in `themes/` folder, then the compiled-in default.
public struct ThemeCatalog: Sendable {
    /// Where a listed theme comes from.
    public enum Source: String, Hashable, Sendable {
        /// The user's config directory (`$XDG_CONFIG_HOME/pooldesk/themes`).
        case user
        /// The `themes/` folder shipped with PoolDesk.
        case builtIn = "built-in"
        /// The default theme compiled into the binary (no themes folder was found).
        case compiledIn = "compiled-in"
    }

    /// One theme `list()` reports.
    public struct Entry: Hashable, Sendable {
        /// The name to pass to `load` (the file name without `.toml`).
        public var name: String
        /// The file it is read from; `nil` for the compiled-in default.
        public var path: String?
        /// Where it comes from.
        public var source: Source

        /// Creates an entry.
        public init(name: String, path: String?, source: Source) {
            self.name = name
            self.path = path
            self.source = source
        }
    }

    /// The built-in themes folder, if one was found.
    public let builtInDirectory: String?
    /// The user's themes folder (it may not exist).
    public let userDirectory: String?
    /// The file access used to list and read themes.
    public let fileSystem: ThemeFileSystem

    /// Creates a catalog from explicit folders.
    public init(builtInDirectory: String?, userDirectory: String?, fileSystem: ThemeFileSystem) {
        self.builtInDirectory = builtInDirectory
        self.userDirectory = userDirectory
        self.fileSystem = fileSystem
    }

    /// Creates a catalog locating its folders from the environment, the executable's path and the current directory.
    public init(
        environment: [String: String],
        executablePath: String?,
        currentDirectory: String?,
        fileSystem: ThemeFileSystem
    ) {
        self.init(
            builtInDirectory: Self.findBuiltInDirectory(
                environment: environment,
                executablePath: executablePath,
                currentDirectory: currentDirectory,
                fileSystem: fileSystem
            ),
            userDirectory: Self.userDirectory(environment: environment),
            fileSystem: fileSystem
        )
    }

    /// The built-in themes folder: `POOLDESK_THEMES_DIR`, else a `themes` folder holding `default.toml` next to the
    /// executable or up to three levels above it (`.build/<triple>/debug/pooldesk` → repository root), else in
    /// the current directory.
    public static func findBuiltInDirectory(
        environment: [String: String],
        executablePath: String?,
        currentDirectory: String?,
        fileSystem: ThemeFileSystem
    ) -> String? {
        if let explicit = environment["POOLDESK_THEMES_DIR"], !explicit.isEmpty { return explicit }
        var candidates: [String] = []
        if let executablePath, !executablePath.isEmpty {
            var directory = parent(of: fileSystem.resolvingSymlinks(absolute(executablePath, from: currentDirectory)))
            for _ in 0...3 {
                candidates.append(join(directory, "themes"))
                let up = parent(of: directory)
                if up == directory { break }
                directory = up
            }
        }
        if let currentDirectory { candidates.append(join(currentDirectory, "themes")) }
        return candidates.first { fileSystem.fileExists(join($0, "default.toml")) }
    }

    /// `$XDG_CONFIG_HOME/pooldesk/themes`, or `~/.config/pooldesk/themes` (XDG says to ignore a relative value).
    public static func userDirectory(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return join(join(config, "pooldesk"), "themes")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return join(home, ".config/pooldesk/themes")
    }

    /// Every theme available, sorted by name; a user theme hides a built-in one of the same name.
    public func list() -> [Entry] {
        var byName: [String: Entry] = [:]
        for (directory, source) in [(builtInDirectory, Source.builtIn), (userDirectory, Source.user)] {
            guard let directory, let names = fileSystem.listDirectory(directory) else { continue }
            for file in names where file.hasSuffix(".toml") && !file.hasPrefix(".") {
                let name = String(file.dropLast(5))
                byName[name] = Entry(name: name, path: Self.join(directory, file), source: source)
            }
        }
        if byName["default"] == nil {
            byName["default"] = Entry(name: "default", path: nil, source: .compiledIn)
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// Loads a theme by name (`gruvbox`) or by path (anything containing `/` or ending in `.toml`).
    public func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            return try loadFile(nameOrPath)
        }
        let entries = list()
        guard let entry = entries.first(where: { $0.name == nameOrPath }) else {
            let names = entries.map(\.name).joined(separator: ", ")
            throw ThemeError(file: nameOrPath, message: "no such theme (available: \(names))")
        }
        guard let path = entry.path else { return Theme.compiledInDefault }
        return try loadFile(path)
    }

    /// The theme to start with: `name` if it loads, otherwise the error and the compiled-in default, so the desk always starts.
    public func loadOrDefault(_ name: String?) -> (theme: Theme, error: ThemeError?) {
        do {
            return (try load(name ?? "default"), nil)
        } catch {
            return (Theme.compiledInDefault, error)
        }
    }

    /// Reads and parses one theme file.
    public func loadFile(_ path: String) throws(ThemeError) -> Theme {
        let source: String
        do {
            source = try fileSystem.readFile(path)
        } catch let error as ThemeError {
            throw ThemeError(file: path, message: error.message)
        } catch {
            throw ThemeError(file: path, message: "cannot read file (\(error.localizedDescription))")
        }
        return try ThemeParser.parse(source, file: path)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[path.startIndex..<slash])
    }

    private static func absolute(_ path: String, from directory: String?) -> String {
        guard !path.hasPrefix("/"), let directory else { return path }
        return join(directory, path)
    }
}

extension Theme {
    /// The default theme compiled into the binary; a plain dark theme if its source ever failed to parse.
    public static let compiledInDefault: Theme = {
        (try? ThemeParser.parse(defaultSource, file: "default.toml")) ?? Theme(name: "default", definitions: [:])
    }()
}

import TOMLKit

/// Parses theme files: TOML text in, `Theme` or `ThemeError` out, with no file system access.
///
/// Format (every key optional; unknown keys and roles are errors so typos never pass silently):
///
///     name = "gruvbox"              # display name; defaults to the file name without .toml
///     description = "…"             # free text, shown by `pooldesk themes`
///     background = "#282828"        # screen background; omit or "default" for the terminal's own
///
///     [roles.bid]                   # one table per role, keys in snake_case (see ThemeRole raw values)
///     fg = "#b8bb26"                # a color: "#RRGGBB", an ANSI name, or a palette index 0–255
///     bg = "default"                # "default" = the terminal's own color
///     bold = true                   # also underline, reverse, dim, italic (true/false)
///
/// ANSI names: default, black, red, green, yellow, blue, magenta, cyan, white, and bright-<name>
/// (also bright_<name> or bright<name>); grey/gray mean bright-black.
/// A role that leaves out fg, bg or all attributes inherits them from its fallback role
/// (`ThemeRole.fallback`); attributes are replaced as a set, not merged. Inline tables
/// (`bid = { fg = "green" }` under `[roles]`) work too.
public enum ThemeParser {
    /// Keys allowed at the top level of a theme file.
    public static let topLevelKeys = ["name", "description", "background", "roles"]
    /// Keys allowed inside a role table.
    public static let roleKeys = ["fg", "bg", "bold", "underline", "reverse", "dim", "italic"]

    /// Parses `source`; `file` is only used in error messages and for the default name.
    public static func parse(_ source: String, file: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line > 0 ? error.source.begin.line : nil
            throw ThemeError(file: file, line: line, message: "TOML syntax error: \(oneLine(error.description))")
        } catch {
            throw ThemeError(file: file, message: "TOML syntax error: \(oneLine(String(describing: error)))")
        }
        let context = Context(file: file, source: source)

        for key in table.keys where !topLevelKeys.contains(key) {
            throw context.error(["\(key)"], "unknown key (expected one of: \(topLevelKeys.joined(separator: ", ")))")
        }

        var name = defaultName(for: file)
        if let value = table["name"] {
            guard let string = value.string else {
                throw context.error(["name"], "expected a string, got \(describe(value))")
            }
            name = string
        }
        if let value = table["description"], value.string == nil {
            throw context.error(["description"], "expected a string, got \(describe(value))")
        }
        var background = TerminalColor.terminalDefault
        if let value = table["background"] {
            background = try color(value, path: ["background"], context: context)
        }

        var definitions: [ThemeRole: ThemeRoleStyle] = [:]
        if let value = table["roles"] {
            guard let roles = value.table else {
                throw context.error(["roles"], "expected a table of roles, got \(describe(value))")
            }
            for roleName in context.sortedBySourceLine(roles.keys, under: ["roles"]) {
                guard let role = ThemeRole(rawValue: roleName) else {
                    throw context.error(["roles", roleName], "unknown role\(suggestion(for: roleName))")
                }
                guard let roleValue = roles[roleName], let roleTable = roleValue.table else {
                    let got = roles[roleName].map(describe) ?? "nothing"
                    throw context.error(["roles", roleName], "expected a table with fg, bg and attributes, got \(got)")
                }
                definitions[role] = try roleStyle(roleTable, path: ["roles", roleName], context: context)
            }
        }
        return Theme(name: name, background: background, definitions: definitions)
    }

    /// Parses a color as written in a theme file: `#RRGGBB`, an ANSI name, or a palette index 0–255.
    public static func parseColor(_ text: String) -> TerminalColor? {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("#") {
            let hex = trimmed.dropFirst()
            guard hex.count == 6, hex.allSatisfy(\.isHexDigit), let value = UInt32(hex, radix: 16) else { return nil }
            return .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        var normalized = ""
        for character in trimmed.lowercased() where character != "-" && character != "_" && character != " " {
            normalized.append(character)
        }
        if normalized == "default" { return .terminalDefault }
        if normalized == "grey" || normalized == "gray" { return .ansi(8) }
        var bright = false
        if normalized.hasPrefix("bright") {
            bright = true
            normalized.removeFirst("bright".count)
        }
        guard let index = ansiNames.firstIndex(of: normalized) else { return nil }
        return .ansi(UInt8(index + (bright ? 8 : 0)))
    }

    private static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    private static let colorHint = "(use #RRGGBB, an ANSI name or 0–255)"

    private static func roleStyle(_ table: TOMLTable, path: [String], context: Context) throws(ThemeError) -> ThemeRoleStyle {
        var style = ThemeRoleStyle()
        var attributes: TextAttributes?
        for key in context.sortedBySourceLine(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let keyPath = path + [key]
            switch key {
            case "fg":
                style.foreground = try color(value, path: keyPath, context: context)
            case "bg":
                style.background = try color(value, path: keyPath, context: context)
            case "bold", "underline", "reverse", "dim", "italic":
                guard let flag = value.bool else {
                    throw context.error(keyPath, "expected true or false, got \(describe(value))")
                }
                let attribute = attributeNamed(key)
                var set = attributes ?? []
                if flag { set.insert(attribute) } else { set.remove(attribute) }
                attributes = set
            default:
                throw context.error(keyPath, "unknown key (expected one of: \(roleKeys.joined(separator: ", ")))")
            }
        }
        style.attributes = attributes
        return style
    }

    private static func attributeNamed(_ key: String) -> TextAttributes {
        switch key {
        case "bold": .bold
        case "underline": .underline
        case "reverse": .reverse
        case "dim": .dim
        default: .italic
        }
    }

    private static func color(_ value: TOMLValueConvertible, path: [String], context: Context) throws(ThemeError) -> TerminalColor {
        if let string = value.string {
            guard let color = parseColor(string) else {
                throw context.error(path, "\"\(string)\" is not a color \(colorHint)")
            }
            return color
        }
        if let number = value.int {
            guard (0...255).contains(number) else {
                throw context.error(path, "\(number) is not a color \(colorHint)")
            }
            return .indexed(UInt8(number))
        }
        throw context.error(path, "expected a color, got \(describe(value)) \(colorHint)")
    }

    /// Describes a value for "expected X, got Y" messages, quoting short strings so the user can find them.
    private static func describe(_ value: TOMLValueConvertible) -> String {
        if let string = value.string { return "string \"\(string)\"" }
        if let number = value.int { return "integer \(number)" }
        if let number = value.double { return "number \(number)" }
        if let flag = value.bool { return "boolean \(flag)" }
        return value.type.description
    }

    private static func suggestion(for roleName: String) -> String {
        let snake = snakeCased(roleName)
        if ThemeRole(rawValue: snake) != nil { return " (did you mean \"\(snake)\"?)" }
        let close = ThemeRole.allCases.map(\.rawValue).min { editDistance($0, snake) < editDistance($1, snake) }
        if let close, editDistance(close, snake) <= 2 { return " (did you mean \"\(close)\"?)" }
        return " (known roles: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))"
    }

    private static func snakeCased(_ name: String) -> String {
        var result = ""
        for character in name {
            if character == "-" {
                result.append("_")
            } else if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func defaultName(for file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.hasSuffix(".toml") ? String(base.dropLast(5)) : base
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }.joined(separator: " ")
    }

    /// Source text and file name, to turn a key path into a located error.
    private struct Context {
        let file: String
        let locator: TOMLKeyLocator

        init(file: String, source: String) {
            self.file = file
            self.locator = TOMLKeyLocator(source: source)
        }

        func error(_ path: [String], _ message: String) -> ThemeError {
            ThemeError(file: file, line: locator.line(of: path), key: path.joined(separator: "."), message: message)
        }

        /// Keys in the order they appear in the file, so the first error reported is the first one in the file.
        func sortedBySourceLine(_ keys: [String], under path: [String]) -> [String] {
            keys.map { (key: $0, line: locator.line(of: path + [$0]) ?? Int.max) }
                .sorted { ($0.line, $0.key) < ($1.line, $1.key) }
                .map(\.key)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (Foundation-free).
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

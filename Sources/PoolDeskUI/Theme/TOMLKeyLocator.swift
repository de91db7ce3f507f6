/// Finds the source line of a dotted key in TOML text (theme and configuration files), because TOMLKit reports
/// positions only for syntax errors.
///
/// A light scanner, not a parser: it understands `[table]` and `[[array]]` headers (the n-th `[[markets]]` is path
/// `["markets", "n"]`, `n` counted from 1), `a.b = …` keys, quoted keys, comments, and inline tables written on one
/// line. Lines inside a multi-line array are skipped; multi-line strings are not tracked, so a key inside one is
/// simply not found (line unknown).
public struct TOMLKeyLocator: Sendable {
    private struct Entry: Sendable {
        let path: [String]
        let line: Int
    }

    private var entries: [Entry] = []

    /// Scans `source` once; lookups are then linear in the number of keys.
    public init(source: String) {
        var table: [String] = []
        var arrayCounts: [[String]: Int] = [:]
        var lineNumber = 0
        var openBrackets = 0
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Self.stripComment(rawLine).trimmingSpaces()
            guard !line.isEmpty else { continue }
            if openBrackets > 0 {
                openBrackets += Self.bracketBalance(Substring(line))
                continue
            }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let inner = Substring(line).dropFirst(isArray ? 2 : 1)
                guard let close = Self.firstIndex(of: "]", in: inner) else { continue }
                let name = Self.splitKey(inner[inner.startIndex..<close])
                if isArray {
                    let count = (arrayCounts[name] ?? 0) + 1
                    arrayCounts[name] = count
                    table = name + [String(count)]
                } else {
                    table = Self.resolve(name, arrayCounts: arrayCounts)
                }
                entries.append(Entry(path: table, line: lineNumber))
            } else if let equals = Self.firstIndex(of: "=", in: Substring(line)) {
                let path = table + Self.splitKey(Substring(line)[line.startIndex..<equals])
                entries.append(Entry(path: path, line: lineNumber))
                let value = Substring(line)[line.index(after: equals)...].trimmingSpaces()
                if value.hasPrefix("{") { addInlineTable(Substring(value).dropFirst(), path: path, line: lineNumber) }
                if value.hasPrefix("[") { openBrackets = max(0, Self.bracketBalance(Substring(value))) }
            }
        }
    }

    /// `[markets.limits]` after two `[[markets]]` means the second market's table.
    private static func resolve(_ name: [String], arrayCounts: [[String]: Int]) -> [String] {
        for length in stride(from: name.count, through: 1, by: -1) {
            let prefix = Array(name.prefix(length))
            if let count = arrayCounts[prefix] { return prefix + [String(count)] + name.dropFirst(length) }
        }
        return name
    }

    /// The 1-based line defining `path`, or the line of its nearest enclosing table.
    public func line(of path: [String]) -> Int? {
        if let exact = entries.first(where: { $0.path == path }) { return exact.line }
        var best: Entry?
        for entry in entries where entry.path.count < path.count && Array(path.prefix(entry.path.count)) == entry.path {
            if entry.path.count > (best?.path.count ?? -1) { best = entry }
        }
        return best?.line
    }

    private mutating func addInlineTable(_ body: Substring, path: [String], line: Int) {
        var depth = 0, quote: Character?, escaped = false
        var start = body.startIndex
        var index = body.startIndex
        func flush(_ end: Substring.Index) {
            let pair = body[start..<end]
            if let equals = Self.firstIndex(of: "=", in: pair) {
                entries.append(Entry(path: path + Self.splitKey(pair[pair.startIndex..<equals]), line: line))
            }
        }
        while index < body.endIndex {
            let character = body[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "{" || character == "[" {
                depth += 1
            } else if character == "]" {
                depth -= 1
            } else if character == "}" {
                if depth == 0 { flush(index); return }
                depth -= 1
            } else if character == "," && depth == 0 {
                flush(index)
                start = body.index(after: index)
            }
            index = body.index(after: index)
        }
    }

    /// Opening minus closing square brackets outside strings.
    private static func bracketBalance(_ text: Substring) -> Int {
        var balance = 0, quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "[" {
                balance += 1
            } else if character == "]" {
                balance -= 1
            }
        }
        return balance
    }

    /// The line without its `#` comment (a `#` inside a string is kept).
    private static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?, escaped = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[line.startIndex..<index]
            }
            index = line.index(after: index)
        }
        return line
    }

    /// The first `target` outside quotes.
    private static func firstIndex(of target: Character, in text: Substring) -> Substring.Index? {
        var quote: Character?, escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Splits `a."b.c".d` into `["a", "b.c", "d"]`.
    private static func splitKey(_ key: Substring) -> [String] {
        var parts: [String] = []
        var rest = key
        while let dot = firstIndex(of: ".", in: rest) {
            parts.append(unquote(rest[rest.startIndex..<dot]))
            rest = rest[rest.index(after: dot)...]
        }
        parts.append(unquote(rest))
        return parts
    }

    private static func unquote(_ part: Substring) -> String {
        let trimmed = part.trimmingSpaces()
        if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}

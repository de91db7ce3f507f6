/// Why a theme could not be loaded, as one line: `file:line: key: message`.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it (or the theme name when no file was found).
    public var file: String
    /// The 1-based line of the problem, when known.
    public var line: Int?
    /// The dotted key path (`roles.bid.fg`), when the problem is about one key.
    public var key: String?
    /// What is wrong, without the location.
    public var message: String

    /// Creates an error; `message` should not repeat the file, line or key.
    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// The one-line form shown to the user.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}

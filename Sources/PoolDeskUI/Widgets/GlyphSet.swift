/// The characters of one box style: corners, edges and the tee pieces that join a divider to the border.
public struct BoxGlyphs: Hashable, Sendable {
    /// `┌`
    public var topLeft: Unicode.Scalar
    /// `┐`
    public var topRight: Unicode.Scalar
    /// `└`
    public var bottomLeft: Unicode.Scalar
    /// `┘`
    public var bottomRight: Unicode.Scalar
    /// `─`
    public var horizontal: Unicode.Scalar
    /// `│`
    public var vertical: Unicode.Scalar
    /// `├`: a divider leaving the left edge.
    public var teeRight: Unicode.Scalar
    /// `┤`: a divider reaching the right edge.
    public var teeLeft: Unicode.Scalar
    /// `┬`: a divider leaving the top edge.
    public var teeDown: Unicode.Scalar
    /// `┴`: a divider reaching the bottom edge.
    public var teeUp: Unicode.Scalar
    /// `┼`: two dividers crossing.
    public var cross: Unicode.Scalar

    /// Creates a box style from its eleven pieces.
    public init(
        topLeft: Unicode.Scalar, topRight: Unicode.Scalar, bottomLeft: Unicode.Scalar, bottomRight: Unicode.Scalar,
        horizontal: Unicode.Scalar, vertical: Unicode.Scalar,
        teeRight: Unicode.Scalar, teeLeft: Unicode.Scalar, teeDown: Unicode.Scalar, teeUp: Unicode.Scalar,
        cross: Unicode.Scalar
    ) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.horizontal = horizontal
        self.vertical = vertical
        self.teeRight = teeRight
        self.teeLeft = teeLeft
        self.teeDown = teeDown
        self.teeUp = teeUp
        self.cross = cross
    }
}

/// Every non-letter character the widgets draw, in a Unicode and an ASCII flavor chosen once from the locale.
public struct GlyphSet: Hashable, Sendable {
    /// Borders of unfocused panels.
    public var light: BoxGlyphs
    /// Borders of the focused panel and of modals.
    public var heavy: BoxGlyphs
    /// A full gauge cell.
    public var gaugeFull: Unicode.Scalar
    /// An empty gauge cell.
    public var gaugeEmpty: Unicode.Scalar
    /// Partially filled gauge cells, 1/8 to 7/8 (`▏▎▍▌▋▊▉`); empty when the set has no partial blocks.
    public var gaugePartials: [Unicode.Scalar]
    /// The marker drawn at a gauge's cap.
    public var gaugeCap: Unicode.Scalar
    /// Sparkline / block-chart levels from lowest to full (`▁▂▃▄▅▆▇█`).
    public var blocks: [Unicode.Scalar]
    /// Whether line charts may use braille dots (U+2800 block).
    public var supportsBraille: Bool
    /// `▲`: a rise, an ascending sort, more above.
    public var arrowUp: Unicode.Scalar
    /// `▼`: a fall, a descending sort, more below.
    public var arrowDown: Unicode.Scalar
    /// `◀`: more to the left.
    public var arrowLeft: Unicode.Scalar
    /// `▶`: more to the right, the current item.
    public var arrowRight: Unicode.Scalar
    /// Marks text cut short to fit.
    public var ellipsis: Unicode.Scalar
    /// `•`: a list item or a status dot.
    public var bullet: Unicode.Scalar
    /// `✓`: done, enabled.
    public var check: Unicode.Scalar
    /// A thin vertical separator between tabs or status fields.
    public var separator: Unicode.Scalar
    /// The moving part of a scroll bar.
    public var scrollThumb: Unicode.Scalar
    /// The track of a scroll bar.
    public var scrollTrack: Unicode.Scalar

    /// Box drawing, block elements, braille and geometric arrows: for UTF-8 terminals.
    public static let unicode = GlyphSet(
        light: BoxGlyphs(
            topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
            teeRight: "├", teeLeft: "┤", teeDown: "┬", teeUp: "┴", cross: "┼"
        ),
        heavy: BoxGlyphs(
            topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛", horizontal: "━", vertical: "┃",
            teeRight: "┣", teeLeft: "┫", teeDown: "┳", teeUp: "┻", cross: "╋"
        ),
        gaugeFull: "█", gaugeEmpty: "░",
        gaugePartials: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        gaugeCap: "│",
        blocks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        supportsBraille: true,
        arrowUp: "▲", arrowDown: "▼", arrowLeft: "◀", arrowRight: "▶",
        ellipsis: "…", bullet: "•", check: "✓", separator: "│",
        scrollThumb: "┃", scrollTrack: "│"
    )

    /// Plain 7-bit ASCII: for terminals or fonts without UTF-8.
    public static let ascii = GlyphSet(
        light: BoxGlyphs(
            topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
            teeRight: "+", teeLeft: "+", teeDown: "+", teeUp: "+", cross: "+"
        ),
        heavy: BoxGlyphs(
            topLeft: "#", topRight: "#", bottomLeft: "#", bottomRight: "#", horizontal: "=", vertical: "#",
            teeRight: "#", teeLeft: "#", teeDown: "#", teeUp: "#", cross: "#"
        ),
        gaugeFull: "#", gaugeEmpty: ".",
        gaugePartials: [],
        gaugeCap: "|",
        blocks: ["_", ".", "-", "=", "#"],
        supportsBraille: false,
        arrowUp: "^", arrowDown: "v", arrowLeft: "<", arrowRight: ">",
        ellipsis: "~", bullet: "*", check: "x", separator: "|",
        scrollThumb: "#", scrollTrack: "|"
    )

    /// The box style for a focused or unfocused panel.
    public func box(focused: Bool) -> BoxGlyphs { focused ? heavy : light }

    /// Unicode when the effective locale is UTF-8: the first non-empty of `LC_ALL`, `LC_CTYPE`, `LANG`
    /// (POSIX precedence) contains "UTF-8" or "utf8", case-insensitively; ASCII otherwise, and always ASCII on the
    /// Linux console (as `--ascii` gives).
    public static func detect(environment: [String: String]) -> GlyphSet {
        !isLinuxConsole(environment: environment) && isUTF8Locale(environment: environment) ? .unicode : .ascii
    }

    /// Whether `TERM` names the Linux virtual console (`linux`, `linux-16color`, …). Its console font holds 256 or 512
    /// glyphs: no braille, no eighth blocks, no heavy box pieces, no ▶ or ✓, so even under a UTF-8 locale half of the
    /// Unicode set would show as blobs; ASCII is what it can draw everywhere.
    public static func isLinuxConsole(environment: [String: String]) -> Bool {
        let term = (environment["TERM"] ?? "").lowercased()
        return term == "linux" || term.hasPrefix("linux-")
    }

    /// Whether the effective locale (see `detect(environment:)`) is UTF-8.
    public static func isUTF8Locale(environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let lowered = value.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }
        return false
    }
}

/// A role's style as a theme file writes it: anything left out is inherited from the role's fallback.
public struct ThemeRoleStyle: Hashable, Sendable {
    /// Foreground color, or `nil` to inherit.
    public var foreground: TerminalColor?
    /// Background color, or `nil` to inherit (ultimately the theme's `background`).
    public var background: TerminalColor?
    /// Attributes, or `nil` to inherit; attributes are replaced as a whole, never merged.
    public var attributes: TextAttributes?

    /// Creates a role style; every part defaults to "inherit".
    public init(foreground: TerminalColor? = nil, background: TerminalColor? = nil, attributes: TextAttributes? = nil) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// A named set of styles, one per `ThemeRole`, resolved once so that drawing only looks styles up.
public struct Theme: Hashable, Sendable {
    /// The theme's display name.
    public let name: String
    /// The screen background; `.terminalDefault` keeps the terminal's own (and its transparency).
    public let background: TerminalColor
    /// The roles the theme file defined, exactly as written.
    public let definitions: [ThemeRole: ThemeRoleStyle]
    private let resolved: [ThemeRole: CellStyle]

    /// Creates a theme and resolves every role, undefined ones through `ThemeRole.fallback`.
    public init(name: String, background: TerminalColor = .terminalDefault, definitions: [ThemeRole: ThemeRoleStyle]) {
        self.name = name
        self.background = background
        self.definitions = definitions
        var resolved: [ThemeRole: CellStyle] = [:]
        resolved.reserveCapacity(ThemeRole.allCases.count)
        for role in ThemeRole.allCases {
            _ = Theme.resolve(role, definitions: definitions, background: background, into: &resolved)
        }
        self.resolved = resolved
    }

    private init(name: String, background: TerminalColor, definitions: [ThemeRole: ThemeRoleStyle], resolved: [ThemeRole: CellStyle]) {
        self.name = name
        self.background = background
        self.definitions = definitions
        self.resolved = resolved
    }

    /// The style to draw `role` with.
    public func style(_ role: ThemeRole) -> CellStyle {
        resolved[role] ?? CellStyle(background: background)
    }

    /// The style of the screen's empty space: `text`'s colors without its attributes.
    public var baseStyle: CellStyle {
        let text = style(.text)
        return CellStyle(foreground: text.foreground, background: text.background)
    }

    /// Whether the theme file defined `role` itself rather than relying on a fallback.
    public func defines(_ role: ThemeRole) -> Bool { definitions[role] != nil }

    /// The theme as a terminal with `capability` can show it.
    ///
    /// One rule for every terminal of 16 colors or fewer (16, 8 and monochrome alike), applied after each color is
    /// degraded (``TerminalColor/degraded(to:)``):
    /// 1. A role that carries its meaning in its color (``ThemeRole/meantHue``: bids and rises green, asks and falls
    ///    red) and lands on a neighbouring hue (a yellow-green on yellow) takes the meant hue, keeping its brightness.
    /// 2. A role whose text color became its own background (gruvbox's selection in 8 colors: white on white) gets a
    ///    contrasting text color: black on a light hue, white on a dark one.
    /// 3. A role that now looks like the role it must stand apart from (``ThemeRole/standsApartFrom``: muted grey text
    ///    and plain text are both white in 8 colors) gains its ``ThemeRole/monochromeEmphasis`` (dim, reverse, bold,
    ///    underline). In monochrome every role looks alike, so every role gains its emphasis.
    ///
    /// A terminal's own background or text color counts as black or white when comparing, since it nearly always is.
    public func degraded(to capability: ColorCapability) -> Theme {
        var styles: [ThemeRole: CellStyle] = [:]
        styles.reserveCapacity(resolved.count)
        for (role, style) in resolved { styles[role] = style.degraded(to: capability) }
        if capability.colorCount <= 16 {
            for role in ThemeRole.allCases {
                guard var style = styles[role] else { continue }
                if let meant = role.meantHue, case .ansi(let index) = style.foreground {
                    let hue = XTermPalette.foldedTo8(index)
                    if Self.neighbouringHues(meant).contains(hue) { style.foreground = .ansi(index >= 8 ? meant + 8 : meant) }
                }
                if case .ansi(let fore) = style.foreground, case .ansi(let back) = style.background, fore == back {
                    let light: Set<UInt8> = [2, 3, 6, 7]
                    let contrast: UInt8 = light.contains(XTermPalette.foldedTo8(back)) ? 0 : (capability == .ansi16 ? 15 : 7)
                    style.foreground = .ansi(contrast)
                }
                styles[role] = style
            }
            for role in ThemeRole.allCases where !role.monochromeEmphasis.isEmpty {
                guard let style = styles[role], let reference = styles[role.standsApartFrom] else { continue }
                if Self.looksAlike(style, reference) { styles[role]?.attributes.formUnion(role.monochromeEmphasis) }
            }
        }
        return Theme(
            name: name,
            background: background.degraded(to: capability),
            definitions: definitions,
            resolved: styles
        )
    }

    /// The hues on either side of an 8-color hue on the color wheel (red 1 · yellow 3 · green 2 · cyan 6 · blue 4 ·
    /// magenta 5).
    static func neighbouringHues(_ hue: UInt8) -> Set<UInt8> {
        let wheel: [UInt8] = [1, 3, 2, 6, 4, 5]
        guard let position = wheel.firstIndex(of: hue) else { return [] }
        return [wheel[(position + 1) % wheel.count], wheel[(position + wheel.count - 1) % wheel.count]]
    }

    /// Whether two degraded styles show the same colors, counting the terminal's own color as black or white.
    static func looksAlike(_ a: CellStyle, _ b: CellStyle) -> Bool {
        func same(_ x: TerminalColor, _ y: TerminalColor) -> Bool {
            if x == y { return true }
            let blackOrWhite: Set<TerminalColor> = [.ansi(0), .ansi(7), .ansi(15)]
            return (x == .terminalDefault && blackOrWhite.contains(y)) || (y == .terminalDefault && blackOrWhite.contains(x))
        }
        return same(a.foreground, b.foreground) && same(a.background, b.background)
    }

    /// Resolves `role` (memoized in `resolved`); the fallback chain always ends at `text`, so this terminates.
    private static func resolve(
        _ role: ThemeRole,
        definitions: [ThemeRole: ThemeRoleStyle],
        background: TerminalColor,
        into resolved: inout [ThemeRole: CellStyle]
    ) -> CellStyle {
        if let done = resolved[role] { return done }
        let parent: CellStyle
        if let fallback = role.fallback {
            parent = resolve(fallback, definitions: definitions, background: background, into: &resolved)
        } else {
            parent = CellStyle(foreground: .terminalDefault, background: background, attributes: [])
        }
        let style: CellStyle
        if let definition = definitions[role] {
            style = CellStyle(
                foreground: definition.foreground ?? parent.foreground,
                background: definition.background ?? parent.background,
                attributes: definition.attributes ?? parent.attributes
            )
        } else {
            var inherited = parent
            inherited.attributes.formUnion(role.fallbackAttributes)
            style = inherited
        }
        resolved[role] = style
        return style
    }
}

extension CellStyle {
    /// This style with its background replaced.
    public func withBackground(_ color: TerminalColor) -> CellStyle {
        CellStyle(foreground: foreground, background: color, attributes: attributes)
    }

    /// This style with its foreground replaced.
    public func withForeground(_ color: TerminalColor) -> CellStyle {
        CellStyle(foreground: color, background: background, attributes: attributes)
    }

    /// This style with `extra` attributes added.
    public func adding(_ extra: TextAttributes) -> CellStyle {
        CellStyle(foreground: foreground, background: background, attributes: attributes.union(extra))
    }
}

extension Theme {
    /// The plain look of a role used as a fill: its colors without attributes (no underlined blank space).
    public func fillStyle(_ role: ThemeRole) -> CellStyle {
        let style = style(role)
        return CellStyle(foreground: style.foreground, background: style.background)
    }
}

extension CellStyle {
    /// This style drawn over a surface of color `surface`: a background the role did not set itself
    /// (still the theme's screen background) is replaced by the surface's.
    public func onBackground(_ surface: TerminalColor, theme: Theme) -> CellStyle {
        background == theme.background ? withBackground(surface) : self
    }
}

/// A semantic role a theme gives a style to; panels ask for roles, never for raw colors.
///
/// The raw value is the role's key in a theme file (`[roles.border_focused]`): snake_case,
/// so that TOML files read naturally while Swift keeps lowerCamel case names.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    /// Ordinary text; the root every other role falls back to.
    case text
    /// Secondary text: units, hints, stale values.
    case muted
    /// Panel titles.
    case title
    /// Border of an unfocused panel.
    case border
    /// Border of the focused panel.
    case borderFocused = "border_focused"
    /// The selected row in the focused panel.
    case selected
    /// The selected row in a panel that does not have focus.
    case selectedInactive = "selected_inactive"
    /// Bid prices and sizes.
    case bid
    /// Ask prices and sizes.
    case ask
    /// A value that went up.
    case up
    /// A value that went down.
    case down
    /// In-the-money rows of the option chain (meant as a subtle background shade).
    case itm
    /// The at-the-money strike (meant to stand out).
    case atm
    /// Neutral information.
    case info
    /// Something needs attention soon (utilization near the cap, an expiry close).
    case warning
    /// Something is wrong or at risk (a limit breached, a liquidation).
    case danger
    /// Something succeeded (an order filled).
    case success
    /// Gauge fill below the mid threshold.
    case gaugeLow = "gauge_low"
    /// Gauge fill between the mid and high thresholds.
    case gaugeMid = "gauge_mid"
    /// Gauge fill at or above the high threshold.
    case gaugeHigh = "gauge_high"
    /// The cap marker drawn inside a gauge.
    case gaugeCap = "gauge_cap"
    /// The unfilled part of a gauge.
    case gaugeEmpty = "gauge_empty"
    /// The plotted line of a chart.
    case chartLine = "chart_line"
    /// A chart's axis labels.
    case chartAxis = "chart_axis"
    /// Table header rows.
    case header
    /// Small highlighted labels (`LIVE`, `SIM`, counts).
    case badge
    /// The active tab.
    case tabActive = "tab_active"
    /// Tabs that are not active.
    case tabInactive = "tab_inactive"
    /// The inside of a modal dialog.
    case modalBackground = "modal_background"
    /// The shadow a modal casts on the screen behind it.
    case shadow
    /// A text input field.
    case input
    /// The status bar at the bottom of the screen.
    case statusBar = "status_bar"
    /// Key names in help lines and the status bar.
    case keyHint = "key_hint"

    /// The role whose style this role takes when a theme does not define it (`nil` for `text`, the root).
    public var fallback: ThemeRole? {
        switch self {
        case .text: nil
        case .muted, .title, .selected, .info, .warning, .danger, .success, .chartLine,
             .itm, .modalBackground, .input, .statusBar:
            .text
        case .border, .tabInactive, .gaugeEmpty, .chartAxis, .shadow: .muted
        case .borderFocused, .atm, .header, .badge, .keyHint: .title
        case .selectedInactive, .tabActive: .selected
        case .bid, .up, .gaugeLow: .success
        case .ask, .down, .gaugeHigh: .danger
        case .gaugeMid, .gaugeCap: .warning
        }
    }

    /// Attributes added when this role falls back, so that an undefined role still stands apart from its parent.
    public var fallbackAttributes: TextAttributes {
        switch self {
        case .muted, .shadow: .dim
        case .title, .warning, .danger, .borderFocused: .bold
        case .selected, .statusBar, .badge: .reverse
        case .input: .underline
        default: []
        }
    }

    /// Attributes a role gains on a monochrome terminal, where colors can no longer tell it apart.
    public var monochromeEmphasis: TextAttributes {
        switch self {
        case .selected, .badge, .statusBar: .reverse
        case .tabActive: [.reverse, .bold]
        case .selectedInactive, .input: .underline
        case .title, .header, .borderFocused, .atm, .warning, .danger, .gaugeCap, .gaugeHigh, .keyHint: .bold
        case .muted, .shadow, .gaugeEmpty: .dim
        default: []
        }
    }

    /// The 8-color hue this role means (2 green for bids, rises and success; 1 red for asks, falls and danger), kept
    /// on terminals of 16 colors or fewer when the theme's color lands next to it (see ``Theme/degraded(to:)``).
    public var meantHue: UInt8? {
        switch self {
        case .bid, .up, .success, .gaugeLow: 2
        case .ask, .down, .danger, .gaugeHigh: 1
        default: nil
        }
    }

    /// The role this one must look different from; when degrading makes them alike, this role gains its
    /// ``monochromeEmphasis`` (the focused border against the plain border, everything else against text).
    public var standsApartFrom: ThemeRole {
        self == .borderFocused ? .border : .text
    }
}

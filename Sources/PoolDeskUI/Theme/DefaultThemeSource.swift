// Generated from themes/default.toml; a test checks the two stay identical.

extension Theme {
    /// The source of `themes/default.toml`, compiled in so the program starts even without its themes folder.
    public static let defaultSource = #"""
# PoolDesk theme file — the reference for the format; every role is listed here.
#
#   name        = "…"          display name (defaults to the file name)
#   description = "…"          one line shown by `pooldesk themes`
#   background  = color        screen background; omit or "default" to keep the terminal's own
#
#   [roles.<role>]             role keys are snake_case: border_focused, gauge_low, tab_active, …
#   fg = color                 a color is "#RRGGBB", an ANSI name ("red", "bright-blue",
#   bg = color                 "default" = the terminal's own) or a palette index 0–255
#   bold = true                also underline, reverse, dim, italic
#
# Anything a role leaves out is inherited from its fallback role (bid -> success -> text, …);
# attributes are replaced as a set. Unknown roles and keys are errors.
# Colors are degraded automatically on 256-, 16- and 8-color terminals and with NO_COLOR.

name = "default"
description = "Dark, on the terminal's own background"

[roles.text]
fg = "#d0d0d0"

[roles.muted]
fg = "#8a8a8a"

[roles.title]
fg = "#87afff"
bold = true

[roles.border]
fg = "#585858"

[roles.border_focused]
fg = "#5fafff"
bold = true

[roles.selected]
fg = "#ffffff"
bg = "#2d4f7c"
bold = true

[roles.selected_inactive]
fg = "#e4e4e4"
bg = "#3a3a3a"

[roles.bid]
fg = "#5fd75f"

[roles.ask]
fg = "#ff5f5f"

[roles.up]
fg = "#5fd75f"

[roles.down]
fg = "#ff5f5f"

[roles.itm]
bg = "#232a33"

[roles.atm]
fg = "#ffd75f"
bg = "#3a3520"
bold = true

[roles.info]
fg = "#5fafd7"

[roles.warning]
fg = "#ffaf00"

[roles.danger]
fg = "#ff5f5f"
bold = true

[roles.success]
fg = "#5fd75f"

[roles.gauge_low]
fg = "#5fd75f"

[roles.gauge_mid]
fg = "#ffaf00"

[roles.gauge_high]
fg = "#ff5f5f"

[roles.gauge_cap]
fg = "#ffffff"
bold = true

[roles.gauge_empty]
fg = "#444444"

[roles.chart_line]
fg = "#5fafff"

[roles.chart_axis]
fg = "#8a8a8a"

[roles.header]
fg = "#87afd7"
bold = true

[roles.badge]
fg = "#1c1c1c"
bg = "#87afff"
bold = true

[roles.tab_active]
fg = "#1c1c1c"
bg = "#87afff"
bold = true

[roles.tab_inactive]
fg = "#8a8a8a"

[roles.modal_background]
fg = "#e4e4e4"
bg = "#262626"

[roles.shadow]
fg = "#4e4e4e"
bg = "#121212"

[roles.input]
fg = "#ffffff"
bg = "#303030"
underline = true

[roles.status_bar]
fg = "#d0d0d0"
bg = "#303030"

[roles.key_hint]
fg = "#ffd75f"
bold = true
"""#
}

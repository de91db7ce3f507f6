/// One key press as the terminal backend decodes it; the dashboard's key map turns these into actions.
public enum KeyPress: Hashable, Sendable {
    /// A printable character (letters, digits, punctuation, space).
    case character(Character)
    case enter
    case escape
    case tab
    case backTab
    case backspace
    case delete
    case up, down, left, right
    case home, end, pageUp, pageDown
    /// Ctrl plus a letter, lower-cased (`.control("c")` is Ctrl-C).
    case control(Character)
    case function(Int)
    /// The terminal changed size; the backend has already updated its dimensions.
    case resize
    /// Text pasted in one piece (bracketed paste): text for the field with focus, never key commands, and a
    /// newline inside it never confirms anything.
    case paste(String)
}

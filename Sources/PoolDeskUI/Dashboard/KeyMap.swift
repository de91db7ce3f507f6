import PoolEngine

/// What a key does on the main screen.
public enum KeyAction: String, Hashable, Sendable, CaseIterable {
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown
    case nextPanel, previousPanel, previousExpiry, nextExpiry, nextMarket
    case buy, sell, closePosition, deposit, withdraw
    case openCommandLine, togglePause, faster, slower, cycleTheme, cycleSort, reverseSort
    case toggleHelp, quit, redraw, filterLog, jumpToNewest, toggleActivity
    case markBuyLeg, markSellLeg, clearLegs, openStrategy, toggleStrategy, riskView
}

/// What a key does inside the order ticket or an LP prompt.
public enum TicketKeyAction: String, Hashable, Sendable, CaseIterable {
    case confirm, cancel, toggleSide, increase, decrease, erase, switchField
}

/// One documented key binding; the help overlay is generated from these lists.
public struct KeyBinding<Action: Hashable & Sendable>: Hashable, Sendable {
    public var keys: [KeyPress]
    /// How the keys are written in help (`↑/k`, `Tab`, `Ctrl-C`).
    public var label: String
    public var action: Action
    public var summary: String
    /// Order keys are disabled in read-only mode.
    public var placesOrders: Bool

    public init(_ keys: [KeyPress], _ label: String, _ action: Action, _ summary: String, placesOrders: Bool = false) {
        self.keys = keys
        self.label = label
        self.action = action
        self.summary = summary
        self.placesOrders = placesOrders
    }
}

/// The live key map: the reducer dispatches through it and the `?` overlay prints it.
public enum KeyMap {
    public static let main: [KeyBinding<KeyAction>] = [
        KeyBinding([.up, .character("k")], "↑ k", .moveUp, "move up (chain strike, position, log)"),
        KeyBinding([.down, .character("j")], "↓ j", .moveDown, "move down"),
        KeyBinding([.left, .character("h")], "← h", .moveLeft, "chain: calls side"),
        KeyBinding([.right, .character("l")], "→ l", .moveRight, "chain: puts side"),
        KeyBinding([.pageUp], "PgUp", .pageUp, "scroll a page up"),
        KeyBinding([.pageDown], "PgDn", .pageDown, "scroll a page down"),
        KeyBinding([.tab], "Tab", .nextPanel, "focus next panel"),
        KeyBinding([.backTab], "Shift-Tab", .previousPanel, "focus previous panel"),
        KeyBinding([.character("[")], "[", .previousExpiry, "previous expiry"),
        KeyBinding([.character("]")], "]", .nextExpiry, "next expiry"),
        KeyBinding([.character("m")], "m", .nextMarket, "next market"),
        KeyBinding([.character("b")], "b", .buy, "buy the selected series (opens the ticket)", placesOrders: true),
        KeyBinding([.character("s")], "s", .sell, "sell the selected series (opens the ticket)", placesOrders: true),
        KeyBinding([.character("c")], "c", .closePosition, "close or partly close the selected position", placesOrders: true),
        KeyBinding([.character("x")], "x", .markBuyLeg, "chain: mark / unmark the selected series as a bought leg", placesOrders: true),
        KeyBinding([.character("X")], "X", .markSellLeg, "chain: mark / unmark it as a sold leg", placesOrders: true),
        KeyBinding([.enter], "Enter", .openStrategy, "strategy ticket with the marked legs (2–4)", placesOrders: true),
        KeyBinding([.character("u")], "u", .clearLegs, "clear the marked legs"),
        KeyBinding([.character("e")], "e", .toggleStrategy, "positions: fold / unfold a strategy's legs (c closes)"),
        KeyBinding([.character("r")], "r", .riskView, "risk view: P&L by spot × vol, pool exposure heat map"),
        KeyBinding([.character("d")], "d", .deposit, "deposit into the pool as an LP", placesOrders: true),
        KeyBinding([.character("w")], "w", .withdraw, "withdraw LP shares", placesOrders: true),
        KeyBinding([.character(":")], ":", .openCommandLine, "command line (Tab completes, ↑↓ history)"),
        KeyBinding([.character(" ")], "Space", .togglePause, "pause / resume the simulation"),
        KeyBinding([.character("+"), .character("=")], "+", .faster, "faster simulated clock"),
        KeyBinding([.character("-"), .character("_")], "-", .slower, "slower simulated clock"),
        KeyBinding([.character("t")], "t", .cycleTheme, "next theme"),
        KeyBinding([.character("o")], "o", .cycleSort, "positions: sort by the next column (it is always shown)"),
        KeyBinding([.character("O")], "O", .reverseSort, "positions: reverse sort"),
        KeyBinding([.character("a")], "a", .toggleActivity, "events / my activity: your own trades and LP flows"),
        KeyBinding([.character("/")], "/", .filterLog, "filter the events or my activity (Esc clears)"),
        KeyBinding([.end, .character("G")], "End G", .jumpToNewest, "events / my activity: jump to the newest"),
        KeyBinding([.control("l")], "Ctrl-L", .redraw, "redraw the screen"),
        KeyBinding([.character("?")], "?", .toggleHelp, "this help"),
        KeyBinding([.character("q"), .control("c"), .control("\\")], "q Ctrl-C", .quit, "quit"),
    ]

    public static let ticket: [KeyBinding<TicketKeyAction>] = [
        KeyBinding([.enter], "Enter", .confirm, "confirm the order"),
        KeyBinding([.escape], "Esc", .cancel, "cancel"),
        KeyBinding([.tab, .left, .right], "Tab ← →", .toggleSide, "switch buy / sell"),
        KeyBinding([.character("+"), .character("="), .up], "+ ↑", .increase, "increase size by one step"),
        KeyBinding([.character("-"), .character("_"), .down], "- ↓", .decrease, "decrease size by one step"),
        KeyBinding([.backspace, .delete], "Backspace", .erase, "erase a digit (digits and . type the size)"),
        KeyBinding([.character("c")], "c", .switchField, "sell to open: switch between size and collateral to lock"),
    ]

    /// Keys of the risk view (`r`).
    public static let risk: [KeyBinding<RiskKeyAction>] = [
        KeyBinding([.tab, .character("p")], "Tab p", .toggleScope, "my account / the pool"),
        KeyBinding([.right, .character("l")], "→ l", .nextHorizon, "horizon: now → +1 day → next expiry"),
        KeyBinding([.left, .character("h")], "← h", .previousHorizon, "horizon back"),
        KeyBinding([.character("e")], "e", .nextMetric, "exposure: net contracts → Δ$ → Γ$ → ν"),
        KeyBinding([.character("m")], "m", .nextMarket, "exposure of the next market"),
        KeyBinding([.escape, .character("r")], "Esc r", .close, "back to the dashboard"),
    ]

    /// The risk-view action bound to `key`.
    public static func riskAction(for key: KeyPress) -> RiskKeyAction? {
        risk.first { $0.keys.contains(key) }?.action
    }

    /// The main-screen action bound to `key`.
    public static func action(for key: KeyPress) -> KeyAction? {
        main.first { $0.keys.contains(key) }?.action
    }

    /// The ticket action bound to `key`.
    public static func ticketAction(for key: KeyPress) -> TicketKeyAction? {
        ticket.first { $0.keys.contains(key) }?.action
    }

    /// Whether an action places orders or moves money (refused in read-only mode).
    public static func placesOrders(_ action: KeyAction) -> Bool {
        main.first { $0.action == action }?.placesOrders ?? false
    }
}

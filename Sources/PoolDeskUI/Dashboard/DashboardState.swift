import PoolEngine

/// Panels that take keyboard focus (Tab / Shift-Tab cycle them).
public enum DashboardPanel: String, CaseIterable, Hashable, Sendable {
    case chain, positions, log
}

/// Columns the positions panel can sort by (`o` cycles, `O` reverses), in the panel's left-to-right order: every
/// column the panel can show is a sort key, and the sorted column is always shown (see ``PositionsPanel``).
public enum PositionSort: String, CaseIterable, Hashable, Sendable {
    case series, expiry, size, entry, mark, mid, pnl, collateral, liquidation, delta, gamma, vega, theta, opened

    /// Keys that only mean something for shorts (`o` skips them while the desk holds none).
    public var concernsShorts: Bool { self == .collateral || self == .liquidation }
}

/// A number being typed into a ticket, prefilled with a default.
///
/// The first character typed replaces the prefilled value rather than being appended to it (as Deribit's and
/// Lyra's tickets do): typing `2` over a default of `0.1` means 2, never 0.12.
public struct NumericEntry: Hashable, Sendable {
    /// The text as shown.
    public private(set) var text: String
    /// True while the text is the untouched default (or a stepped value), so typing starts afresh.
    public private(set) var isPrefilled: Bool
    /// Longest text accepted: 13 digits of whole units plus a point and six decimals.
    public static let maximumLength = 20

    public init(prefilled text: String) {
        self.text = text
        self.isPrefilled = true
    }

    /// Types one character; only digits and `.` are taken.
    public mutating func type(_ character: Character) {
        guard character.isASCII, character.isNumber || character == "." else { return }
        if isPrefilled { text = ""; isPrefilled = false }
        if text.count < Self.maximumLength { text.append(character) }
    }

    /// Removes the last character (of the default too: Backspace edits what is shown).
    public mutating func erase() {
        isPrefilled = false
        if !text.isEmpty { text.removeLast() }
    }

    /// Sets the value from a `+`/`-` step; the next digit typed replaces it again.
    public mutating func set(_ value: String) {
        text = value
        isPrefilled = true
    }

    /// Takes pasted text as the whole value when it is one number (surrounding blanks and newlines dropped);
    /// returns false, changing nothing, when it is anything else.
    public mutating func paste(_ pasted: String) -> Bool {
        let trimmed = pasted.filter { !$0.isWhitespace }
        guard !trimmed.isEmpty, trimmed.count <= Self.maximumLength,
              trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return false }
        text = trimmed
        isPrefilled = false
        return true
    }
}

/// The order ticket modal: side, series, size as typed, and for a sell that opens a short the collateral to lock.
public struct TicketState: Hashable, Sendable {
    /// Which entry digits go to (`c` switches on a sell that opens a short).
    public enum Field: Hashable, Sendable { case size, collateral }

    public var side: Side
    public var series: SeriesID
    public var size: NumericEntry
    /// A close ticket reduces an existing position; its side is fixed.
    public var isClose: Bool
    /// The collateral typed for a short, in USD; nil leaves the engine's default (the full collateral: strike per put,
    /// spot per call), which follows the size as it changes.
    public var collateral: NumericEntry?
    /// The entry being edited.
    public var field: Field = .size

    public init(side: Side, series: SeriesID, quantityText: String, isClose: Bool = false) {
        self.side = side
        self.series = series
        self.size = NumericEntry(prefilled: quantityText)
        self.isClose = isClose
    }

    /// The collateral as typed, nil when left at the default; a malformed or non-positive entry is an error.
    public var parsedCollateral: Result<Money, AmountParseError>? {
        guard let text = collateral?.text else { return nil }
        switch Money.parse(text) {
        case .success(let value) where !value.isPositive: return .failure(.notPositive(text))
        case let other: return other
        }
    }

    /// The size as typed.
    public var quantityText: String { size.text }

    /// The typed size, or why it is not one (an empty, malformed, zero or out-of-range size).
    public var parsedQuantity: Result<Quantity, AmountParseError> {
        switch Quantity.parse(quantityText) {
        case .success(let value) where !value.isPositive: .failure(.notPositive(quantityText))
        case let other: other
        }
    }

    /// The typed size, or nil when it is not a valid positive amount.
    public var quantity: Quantity? { try? parsedQuantity.get() }
}

/// The LP deposit / withdraw prompt.
public struct LiquidityTicketState: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case deposit, withdraw }
    public var kind: Kind
    public var amount: NumericEntry

    public init(kind: Kind, amountText: String) {
        self.kind = kind
        self.amount = NumericEntry(prefilled: amountText)
    }

    /// The amount as typed.
    public var amountText: String { amount.text }
}

/// The `:` command line being edited.
public struct CommandLineState: Hashable, Sendable {
    /// Longest line kept; typing or pasting beyond it is dropped.
    public static let maximumLength = 256
    /// The line; setting it (history, completion) puts the cursor at its end.
    public var text: String { didSet { cursor = text.count } }
    /// Cursor position in characters, 0 … `text.count` (readline keys move it).
    public private(set) var cursor: Int
    /// Position in the history while browsing with Up/Down (nil when editing a new line).
    public var historyIndex: Int?
    /// Candidates shown after an ambiguous Tab completion.
    public var candidates: [String]

    public init(text: String = "", historyIndex: Int? = nil, candidates: [String] = []) {
        self.text = text
        self.cursor = text.count
        self.historyIndex = historyIndex
        self.candidates = candidates
    }

    private func index(_ offset: Int) -> String.Index { text.index(text.startIndex, offsetBy: min(max(offset, 0), text.count)) }

    /// Inserts at the cursor, dropping what would pass ``maximumLength``.
    public mutating func insert(_ typed: String) {
        let room = max(0, Self.maximumLength - text.count)
        let piece = String(typed.prefix(room))
        let at = cursor
        var updated = text
        updated.insert(contentsOf: piece, at: index(at))
        text = updated
        cursor = at + piece.count
    }

    /// Backspace: the character before the cursor.
    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        let at = cursor - 1
        var updated = text
        updated.remove(at: index(at))
        text = updated
        cursor = at
    }

    /// Delete: the character under the cursor.
    public mutating func deleteForward() {
        guard cursor < text.count else { return }
        let at = cursor
        var updated = text
        updated.remove(at: index(at))
        text = updated
        cursor = at
    }

    /// ←/→, Home/End, Ctrl-A/E.
    public mutating func moveCursor(to offset: Int) { cursor = min(max(offset, 0), text.count) }

    /// Ctrl-U: everything before the cursor.
    public mutating func deleteToStart() {
        let rest = String(text[index(cursor)...])
        text = rest
        cursor = 0
    }

    /// Ctrl-W: the word before the cursor (and the blanks after it), as in readline.
    public mutating func deleteWordBackward() {
        var start = cursor
        let characters = Array(text)
        while start > 0, characters[start - 1] == " " { start -= 1 }
        while start > 0, characters[start - 1] != " " { start -= 1 }
        let end = cursor
        var updated = text
        updated.removeSubrange(index(start)..<index(end))
        text = updated
        cursor = start
    }
}

/// One line of the event log.
public struct LogEntry: Hashable, Sendable {
    public var time: SimTime
    public var text: String
    public var role: ThemeRole
    /// Whether it concerns the desk's own account (shown brighter than the crowd's).
    public var isDesk: Bool

    public init(time: SimTime, text: String, role: ThemeRole, isDesk: Bool) {
        self.time = time
        self.text = text
        self.role = role
        self.isDesk = isDesk
    }
}

/// What the bottom panel lists (`a` switches): the whole event log, or the desk's own blotter.
public enum LogView: String, Hashable, Sendable {
    case events, activity
}

/// The board and trading state the chain last showed, so the reducer notices the moment it stops trading.
public struct ChainWatch: Hashable, Sendable {
    public var board: BoardID
    public var tradingOpen: Bool
}

/// A transient message on the status line.
public struct StatusMessage: Hashable, Sendable {
    public var text: String
    public var role: ThemeRole
    public init(_ text: String, role: ThemeRole = .info) {
        self.text = text
        self.role = role
    }
}

/// What owns the keyboard: the dashboard itself, or one modal. Exactly one at a time, so the order in which
/// keys reach a ticket, the command line or help is a property of the type, not of an if-chain.
public enum DashboardMode: Hashable, Sendable {
    case normal
    case ticket(TicketState)
    case liquidity(LiquidityTicketState)
    case commandLine(CommandLineState)
    /// The `?` overlay, scrolled down by `scroll` lines.
    case help(scroll: Int)
    /// `q` with open positions: a second `q` (or `y`) quits, anything else stays.
    case confirmQuit
    /// Typing the event-log filter after `/` (the log filters as you type).
    case logFilter(CommandLineState)
    /// The multi-leg strategy ticket (from `:buy straddle …` or the chain's marked legs).
    case strategyTicket(StrategyTicketState)
    /// The full-screen risk view (`r`): scenario grid and exposure heat map.
    case risk(RiskViewState)
    /// `c` on a strategy row or a strategy leg: the close ticket (each leg's price, the net, collateral released,
    /// realized P&L); Enter closes, Esc keeps the position.
    case strategyClose(StrategyCloseTicketState)

    /// Which ticket owns the keyboard (nil: none): a ticket that has just opened takes no keys until it has been drawn.
    var ticketKind: Int? {
        switch self {
        case .ticket: 0
        case .liquidity: 1
        case .strategyTicket: 2
        case .strategyClose: 3
        case .normal, .commandLine, .help, .confirmQuit, .logFilter, .risk: nil
        }
    }
}

/// Everything the dashboard shows besides the engine itself.
///
/// Every property is set only inside PoolDeskUI, by ``DashboardReducer``: keys, engine events, the shell's
/// measurements (tick rate, staleness), theme results and replay seeks all arrive as ``DashboardAction``s.
public struct DashboardState: Hashable, Sendable {
    public internal(set) var deskAccount: AccountID
    public internal(set) var readOnly: Bool
    public internal(set) var focus: DashboardPanel = .chain
    public internal(set) var marketIndex: Int = 0
    /// Selected board per market, by board id (nil: the nearest board still open for trading).
    public internal(set) var selectedBoard: [BoardID?]
    /// Chain cursor: strike index and call/put (nil strike: the at-the-money strike).
    public internal(set) var chainStrikeIndex: Int?
    public internal(set) var chainKind: OptionKind = .call
    public internal(set) var positionCursor: Int = 0
    /// Nearest expiry first by default: what a trader checks first.
    public internal(set) var positionSort: PositionSort = .expiry
    public internal(set) var positionSortDescending = false
    /// Log lines scrolled back from the newest.
    public internal(set) var logScroll: Int = 0
    /// Only log lines containing this text (any case) are shown; empty shows all (`/`, k9s habit).
    public internal(set) var logFilter: String = ""
    /// Which list the bottom panel shows (`a`); its scroll and `/` filter are its own.
    public internal(set) var logView: LogView = .events
    /// The desk's own fills, liquidations, settlements and LP flows, oldest first (shown newest first).
    public internal(set) var activity: [ActivityEntry] = []
    /// The `/` filter of the activity view (type, series or note, any case).
    public internal(set) var activityFilter: String = ""
    /// What the chain showed at the last action: a board crossing its cutoff under the cursor is announced once.
    public internal(set) var chainWatch: ChainWatch?
    /// What owns the keyboard.
    public internal(set) var mode: DashboardMode = .normal
    public internal(set) var commandHistory: [String] = []
    public internal(set) var paused = false
    /// Price protection: orders carry a worst-acceptable total this fraction away from the previewed one
    /// (0.01 = 1%; `--slippage`, `:slippage`).
    public internal(set) var slippage: Double
    public internal(set) var speed: Double
    public internal(set) var themeName: String
    public internal(set) var availableThemes: [String]
    public internal(set) var status: StatusMessage?
    public internal(set) var log: [LogEntry] = []
    /// Simulated ticks per wall-clock second, measured by the shell.
    public internal(set) var tickRate: Double = 0
    /// Set by the shell when the engine cannot keep up with the requested speed.
    public internal(set) var isStale = false
    /// Whether the session is a replay (read-only, different header badge).
    public internal(set) var isReplay: Bool
    /// The link to the server for a network dashboard (`pooldesk connect`); nil for the embedded engine and replays.
    public internal(set) var connection: ConnectionStatus?
    public internal(set) var shouldQuit = false
    /// Legs marked on the chain (`x` buy, `X` sell) for the strategy ticket, in the order marked; at most four.
    public internal(set) var markedLegs: [StrategyLeg] = []
    /// Strategies whose legs the positions panel shows under their row.
    public internal(set) var expandedStrategies: Set<StrategyID> = []
    /// Whether the ticket that owns the keyboard has been on screen (``DashboardAction/framePresented(width:height:)``):
    /// until then it takes no key but Esc, so keys typed ahead while it opens never change a field nobody has seen.
    public internal(set) var ticketDrawn = true
    /// Whether a key changed the open ticket after the last frame showed it: Enter then waits for the next frame.
    public internal(set) var ticketChangedSinceDrawn = false

    public static let maximumLogEntries = 500
    /// Lines the activity blotter keeps (the desk's own; the crowd never pushes them out).
    public static let maximumActivityEntries = 1000
    public static let speedSteps: [Double] = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]
    /// Simulated seconds per wall-clock second the dashboard accepts (``SessionLimits/speed``, the ends of ``speedSteps``).
    public static var speedRange: ClosedRange<Double> { SessionLimits.speed }
    /// Slippage tolerances accepted by `--slippage` and `:slippage` (0 to 50%).
    public static let slippageRange: ClosedRange<Double> = 0...0.5

    public init(deskAccount: AccountID, marketCount: Int, readOnly: Bool = false, speed: Double = 60,
                themeName: String = "default", availableThemes: [String] = ["default"], slippage: Double = 0.01,
                isReplay: Bool = false, connection: ConnectionStatus? = nil, status: StatusMessage? = nil) {
        self.deskAccount = deskAccount
        self.readOnly = readOnly || isReplay
        self.selectedBoard = Array(repeating: nil, count: max(1, marketCount))
        self.speed = speed
        self.themeName = themeName
        self.availableThemes = availableThemes
        self.slippage = slippage
        self.isReplay = isReplay
        self.connection = connection
        if let connection { self.speed = connection.serverSpeed }
        self.status = status
    }

    /// The open order ticket, if the ticket owns the keyboard.
    public var ticket: TicketState? { if case .ticket(let ticket) = mode { ticket } else { nil } }
    /// The open LP prompt, if any.
    public var liquidityTicket: LiquidityTicketState? { if case .liquidity(let ticket) = mode { ticket } else { nil } }
    /// The open strategy ticket, if any.
    public var strategyTicket: StrategyTicketState? { if case .strategyTicket(let ticket) = mode { ticket } else { nil } }
    /// The open strategy close ticket, if any.
    public var strategyCloseTicket: StrategyCloseTicketState? { if case .strategyClose(let ticket) = mode { ticket } else { nil } }
    /// The risk view, if it is up.
    public var riskView: RiskViewState? { if case .risk(let view) = mode { view } else { nil } }
    /// The command line being edited, if any.
    public var commandLine: CommandLineState? { if case .commandLine(let line) = mode { line } else { nil } }
    /// The log lines the filter lets through, oldest first.
    public var visibleLog: [LogEntry] {
        guard !logFilter.isEmpty else { return log }
        return log.filter { $0.text.range(of: logFilter, options: .caseInsensitive) != nil }
    }

    /// The blotter lines the activity filter lets through, newest first.
    public var visibleActivity: [ActivityEntry] {
        activity.reversed().filter { $0.matches(activityFilter) }
    }

    /// The `/` filter of the list the bottom panel shows.
    public var shownFilter: String { logView == .events ? logFilter : activityFilter }

    /// Lines in the list the bottom panel shows, after its filter.
    var shownListCount: Int { logView == .events ? visibleLog.count : visibleActivity.count }

    /// Whether the help overlay is up.
    public var helpVisible: Bool { if case .help = mode { true } else { false } }
    /// Whether a modal or the command line owns the keyboard.
    public var isCapturingInput: Bool { mode != .normal }
}

// MARK: - Selection, derived from the engine

extension DashboardState {
    /// The selected market's live boards, nearest expiry first.
    public func boards(in engine: Engine) -> [Board] {
        let market = MarketID(min(max(marketIndex, 0), engine.markets.count - 1))
        return engine.liveBoards(market: market)
    }

    /// The board the chain shows: the chosen one if still live, else the nearest still open for trading.
    public func currentBoard(in engine: Engine) -> Board? {
        let live = boards(in: engine)
        if let chosen = selectedBoard[safe: marketIndex] ?? nil, let board = live.first(where: { $0.id == chosen }) {
            return board
        }
        return live.first { engine.time < $0.tradingCutoff(engine.configuration.amm) } ?? live.first
    }


    /// The strike index under the chain cursor, clamped to the board.
    public func cursorStrikeIndex(in engine: Engine) -> Int? {
        guard let board = currentBoard(in: engine), !board.strikes.isEmpty else { return nil }
        if let index = chainStrikeIndex { return min(max(index, 0), board.strikes.count - 1) }
        return board.atTheMoneyIndex(spot: engine.markets[board.market.index].spot)
    }

    /// The series under the chain cursor.
    public func selectedSeries(in engine: Engine) -> SeriesID? {
        guard let board = currentBoard(in: engine), let index = cursorStrikeIndex(in: engine) else { return nil }
        return board.series(chainKind, strikeIndex: index)
    }

    /// The desk's positions in the panel's sort order (ties in opening order; `O` reverses the whole list).
    public func sortedPositions(in engine: Engine) -> [PositionView] {
        var views = engine.positionViews(of: deskAccount)
        // Opening order first: positions come from a dictionary, and equal keys must not reorder between frames.
        views.sort { $0.position.id.index < $1.position.id.index }
        func ordered<Key: Comparable>(_ key: (PositionView) -> Key) {
            let keyed = views.enumerated().map { (key: key($0.element), rank: $0.offset, view: $0.element) }
            views = keyed.sorted { $0.key != $1.key ? $0.key < $1.key : $0.rank < $1.rank }.map(\.view)
        }
        let spot = { (view: PositionView) in engine.markets[safe: view.series.market.index]?.spot ?? 0 }
        switch positionSort {
        case .series: ordered { $0.series.name }
        case .expiry: ordered { $0.series.expiry }
        case .size: ordered { $0.position.quantity.micros }
        case .entry: ordered { $0.position.averageEntry }
        case .mark: ordered { $0.mark }
        case .mid: ordered { $0.modelMark }
        case .pnl: ordered { $0.unrealizedPnL }
        case .collateral: ordered { $0.position.collateral.micros }
        // Longs (no liquidation) after every short; shorts by how close their liquidation is, relatively.
        case .liquidation:
            ordered { view -> Double in
                let now = max(spot(view), 1e-9)
                guard let at = view.liquidation?.nearest(to: now), at > 0 else { return .infinity }
                return max(at / now, now / at)
            }
        case .delta: ordered { $0.greeks.delta }
        case .gamma: ordered { $0.greeks.gamma }
        case .vega: ordered { $0.greeks.vega }
        case .theta: ordered { $0.greeks.theta }
        case .opened: ordered { $0.position.openedAt }
        }
        if positionSortDescending { views.reverse() }
        return views
    }

    /// The positions panel's rows: each strategy the desk holds as one row (its legs under it when expanded), ahead
    /// of the single positions in the panel's sort order.
    public func positionRows(in engine: Engine) -> [PositionRow] {
        let views = sortedPositions(in: engine)
        let holdings = engine.strategies(of: deskAccount)
        guard !holdings.isEmpty else { return views.map { .single($0) } }
        var rows: [PositionRow] = []
        for holding in holdings {
            let summary = StrategySummary(holding: holding, views: views, expanded: expandedStrategies.contains(holding.id))
            rows.append(.strategy(summary))
            if summary.expanded { rows += summary.legs.map { .leg($0, of: holding.id) } }
        }
        // A strategy's legs are positions of their own (they never net with single orders in the same series).
        rows += views.filter { $0.position.strategy == nil }.map { .single($0) }
        return rows
    }

    /// The row under the positions cursor.
    public func selectedPositionRow(in engine: Engine) -> PositionRow? {
        let rows = positionRows(in: engine)
        guard !rows.isEmpty else { return nil }
        return rows[min(max(positionCursor, 0), rows.count - 1)]
    }

    /// The position under the positions cursor (nil on a strategy row).
    public func selectedPosition(in engine: Engine) -> PositionView? {
        selectedPositionRow(in: engine)?.position
    }

    /// Adds log lines, keeping the newest `maximumLogEntries`.
    mutating func appendLog(_ entries: [LogEntry]) {
        guard !entries.isEmpty else { return }
        log.append(contentsOf: entries)
        if log.count > Self.maximumLogEntries { log.removeFirst(log.count - Self.maximumLogEntries) }
        if logScroll > 0, logView == .events { logScroll += entries.count }
    }

    /// Sets the `/` filter of the list the bottom panel shows.
    mutating func setShownFilter(_ text: String) {
        if logView == .events { logFilter = text } else { activityFilter = text }
    }

    /// Adds blotter lines, keeping the newest `maximumActivityEntries`; a scrolled blotter (newest first) keeps its place.
    mutating func appendActivity(_ entries: [ActivityEntry]) {
        guard !entries.isEmpty else { return }
        activity.append(contentsOf: entries)
        if activity.count > Self.maximumActivityEntries { activity.removeFirst(activity.count - Self.maximumActivityEntries) }
        if logScroll > 0, logView == .activity { logScroll += entries.filter { $0.matches(activityFilter) }.count }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

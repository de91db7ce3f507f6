/// Where each panel goes for a terminal size; a pure function so every size can be tested.
public struct DashboardLayout: Hashable, Sendable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24
    /// From this width the bottom band shows the event log and the desk's own activity side by side.
    public static let splitLogWidth = 200

    public var header: Rect
    public var chart: Rect
    public var pool: Rect
    public var account: Rect
    public var chain: Rect
    public var positions: Rect
    public var log: Rect
    /// The "My activity" blotter beside the event log on wide terminals (nil: it shares the log's place, `a` switches).
    public var activity: Rect?
    public var statusBar: Rect

    /// The layout for `width` × `height`, or nil when the terminal is below the minimum.
    ///
    /// `chainStrikes` is the most strikes a board lists: the chain never takes more rows than that needs (strikes,
    /// header, borders), so a tall terminal's spare rows go to the event log instead of empty chain rows.
    public init?(width: Int, height: Int, chainStrikes: Int = 17) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        header = Rect(x: 0, y: 0, width: width, height: 1)
        statusBar = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = height - 2
        // Top band: chart, pool, account. Bottom band: event log. The chain gets the rest, up to what it can fill.
        let topHeight = min(max(body * 30 / 100, 9), 13)
        var logHeight = min(max(body * 20 / 100, 4), 12)
        var middleHeight = body - topHeight - logHeight
        let chainNeeds = max(1, chainStrikes) + 3
        if middleHeight > chainNeeds {
            logHeight += middleHeight - chainNeeds
            middleHeight = chainNeeds
        }
        let poolWidth = min(max(width * 27 / 100, 28), 40)
        let accountWidth = min(max(width * 22 / 100, 24), 36)
        let chartWidth = width - poolWidth - accountWidth
        chart = Rect(x: 0, y: 1, width: chartWidth, height: topHeight)
        pool = Rect(x: chartWidth, y: 1, width: poolWidth, height: topHeight)
        account = Rect(x: chartWidth + poolWidth, y: 1, width: accountWidth, height: topHeight)
        // The chain needs about 78 columns for both sides in full (about 110 with the mark and pool columns it adds
        // on wide terminals); positions take what is left.
        let chainWidth = width >= Self.splitLogWidth ? min(width * 51 / 100, 116)
            : width >= 150 ? min(width * 55 / 100, 100) : max(width * 58 / 100, 46)
        chain = Rect(x: 0, y: 1 + topHeight, width: chainWidth, height: middleHeight)
        positions = Rect(x: chainWidth, y: 1 + topHeight, width: width - chainWidth, height: middleHeight)
        let bottomY = 1 + topHeight + middleHeight
        if width >= Self.splitLogWidth {
            let activityWidth = width * 48 / 100
            log = Rect(x: 0, y: bottomY, width: width - activityWidth, height: logHeight)
            activity = Rect(x: width - activityWidth, y: bottomY, width: activityWidth, height: logHeight)
        } else {
            log = Rect(x: 0, y: bottomY, width: width, height: logHeight)
            activity = nil
        }
    }
}

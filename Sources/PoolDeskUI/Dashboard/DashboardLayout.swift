/// Where each panel goes for a terminal size; a pure function so every size can be tested.
public struct DashboardLayout: Hashable, Sendable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var header: Rect
    public var chart: Rect
    public var pool: Rect
    public var account: Rect
    public var chain: Rect
    public var positions: Rect
    public var log: Rect
    public var statusBar: Rect

    /// The layout for `width` × `height`, or nil when the terminal is below the minimum.
    public init?(width: Int, height: Int) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        header = Rect(x: 0, y: 0, width: width, height: 1)
        statusBar = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = height - 2
        // Top band: chart, pool, account. Bottom band: event log. The chain gets the rest.
        let topHeight = min(max(body * 30 / 100, 9), 13)
        let logHeight = min(max(body * 20 / 100, 4), 12)
        let middleHeight = body - topHeight - logHeight
        let poolWidth = min(max(width * 27 / 100, 28), 40)
        let accountWidth = min(max(width * 22 / 100, 24), 36)
        let chartWidth = width - poolWidth - accountWidth
        chart = Rect(x: 0, y: 1, width: chartWidth, height: topHeight)
        pool = Rect(x: chartWidth, y: 1, width: poolWidth, height: topHeight)
        account = Rect(x: chartWidth + poolWidth, y: 1, width: accountWidth, height: topHeight)
        // The chain needs about 78 columns for both sides in full; positions take what is left.
        let chainWidth = width >= 150 ? min(width * 55 / 100, 100) : max(width * 58 / 100, 46)
        chain = Rect(x: 0, y: 1 + topHeight, width: chainWidth, height: middleHeight)
        positions = Rect(x: chainWidth, y: 1 + topHeight, width: width - chainWidth, height: middleHeight)
        log = Rect(x: 0, y: 1 + topHeight + middleHeight, width: width, height: logHeight)
    }
}

import PoolDeskUI
import PoolEngine

/// Where the dashboard's market comes from and where its commands go. The one run loop (``DeskRunLoop``) drives
/// every mode through this: the embedded engine with its journal, a replay of a journal, and a remote pool.
protocol DeskDriver: AnyObject {
    /// The engine state to show now.
    var engine: Engine { get }
    /// Whether simulated time can move (false at the end of a recording, or for a frozen read-only view).
    var canAdvance: Bool { get }
    /// Advances by whole ticks, at most `milliseconds` of simulated time, stopping early once `outOfTime()`;
    /// returns the events and the simulated milliseconds actually consumed.
    func advance(milliseconds: Double, outOfTime: () -> Bool) -> (events: [EngineEvent], consumed: Double)
    /// Carries out a command from the user: its events, or why it was not carried out (shown on the status line).
    func submit(_ command: EngineCommand) -> Result<[EngineEvent], DeskRefusal>
    /// Keys the driver owns (replay seeks): the actions they produce, or nil when the key is not the driver's.
    func handle(_ key: KeyPress, state: DashboardState) -> [DashboardAction]?
    /// Notices the driver has for the status line since the last call (the end of a recording).
    func pendingNotices() -> [DashboardAction]
    /// Set once the session must stop (a journal write failed): the one-line reason.
    var failure: String? { get }
}

/// Why a command from the dashboard was not carried out.
struct DeskRefusal: Error, Hashable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension DeskDriver {
    func handle(_ key: KeyPress, state: DashboardState) -> [DashboardAction]? { nil }
    func pendingNotices() -> [DashboardAction] { [] }
}

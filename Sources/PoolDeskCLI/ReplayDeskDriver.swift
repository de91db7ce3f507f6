import PoolDeskJournal
import PoolDeskUI
import PoolEngine

/// A journal re-simulated for `pooldesk replay`: time comes from the recording, seek keys move through it, and
/// commands are refused (a replay is read-only).
final class ReplayDeskDriver: DeskDriver {
    private var driver: ReplayDriver
    private var announcedEnd = false

    init(_ driver: ReplayDriver) { self.driver = driver }

    var engine: Engine { driver.engine }
    var canAdvance: Bool { !driver.isAtEnd }
    var failure: String? { nil }

    func advance(milliseconds: Double, outOfTime: () -> Bool) -> (events: [EngineEvent], consumed: Double) {
        let tick = Double(driver.engine.configuration.tickInterval.milliseconds)
        guard milliseconds >= tick else { return ([], 0) }
        let whole = (milliseconds / tick).rounded(.down) * tick
        var events: [EngineEvent] = []
        driver.advance(to: driver.engine.time + SimDuration(milliseconds: Int64(whole)), into: &events)
        return (events, whole)
    }

    func submit(_ command: EngineCommand) -> Result<[EngineEvent], DeskRefusal> {
        .failure(DeskRefusal("replay is read-only"))
    }

    func handle(_ key: KeyPress, state: DashboardState) -> [DashboardAction]? {
        guard let seek = ReplayKeyMap.action(for: key, state: state) else { return nil }
        let before = driver.engine.time
        let target = ReplayKeyMap.target(of: seek, now: before, start: driver.start, end: driver.end)
        let events = driver.seek(to: target)
        if !driver.isAtEnd { announcedEnd = false }
        // Going back rebuilds from a keyframe: the log restarts with what happened since it.
        return [.replaySought(to: driver.engine.time, rewound: target < before, label: seek.rawValue, events: events)]
    }

    func pendingNotices() -> [DashboardAction] {
        guard driver.isAtEnd else {
            announcedEnd = false
            return []
        }
        guard !announcedEnd else { return [] }
        announcedEnd = true
        return [.notice(StatusMessage("end of the recording at \(driver.end) · g restarts · q quits", role: .info))]
    }
}

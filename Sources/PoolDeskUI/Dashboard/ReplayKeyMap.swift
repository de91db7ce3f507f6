import PoolEngine

/// Seek keys of `pooldesk replay`; active only in replay mode and only when no prompt owns the keyboard.
public enum ReplayKeyAction: String, Hashable, Sendable, CaseIterable {
    case back, forward, start, end
}

/// The replay-only key map: seek by one simulated hour, or to the start or end of the recording.
/// Everything else (space to pause, navigation, themes, help, quit) is the dashboard's own key map.
public enum ReplayKeyMap {
    /// How far `,` and `.` move.
    public static let seekStep = SimDuration.hours(1)

    public static let bindings: [KeyBinding<ReplayKeyAction>] = [
        KeyBinding([.character(","), .character("<")], ", <", .back, "replay: back one simulated hour"),
        KeyBinding([.character("."), .character(">")], ". >", .forward, "replay: forward one simulated hour"),
        KeyBinding([.character("g")], "g", .start, "replay: to the start"),
        KeyBinding([.character("G")], "G", .end, "replay: to the end"),
    ]

    /// The seek bound to `key`, or nil outside replay mode, while a prompt is open, or for other keys.
    public static func action(for key: KeyPress, state: DashboardState) -> ReplayKeyAction? {
        guard state.isReplay, !state.isCapturingInput else { return nil }
        return bindings.first { $0.keys.contains(key) }?.action
    }

    /// Where a seek goes from `now`, clamped to the recording.
    public static func target(of action: ReplayKeyAction, now: SimTime, start: SimTime, end: SimTime) -> SimTime {
        let wanted: SimTime = switch action {
        case .back: now - seekStep
        case .forward: now + seekStep
        case .start: start
        case .end: end
        }
        return max(start, min(end, wanted))
    }

    /// One status line listing the replay keys.
    public static var hint: String {
        "replay · space pause · " + bindings.map { "\($0.label) \($0.action.rawValue)" }.joined(separator: " · ")
    }
}

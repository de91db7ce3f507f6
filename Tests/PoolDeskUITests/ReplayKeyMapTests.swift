import PoolEngine
import PoolDeskUI
import Testing

@Suite("Replay key map")
struct ReplayKeyMapTests {
    func state(replay: Bool) -> DashboardState {
        DashboardState(deskAccount: AccountID(1), marketCount: 2, readOnly: true, isReplay: replay)
    }

    @Test func seekKeysOnlyInReplay() {
        #expect(ReplayKeyMap.action(for: .character(","), state: state(replay: true)) == .back)
        #expect(ReplayKeyMap.action(for: .character(">"), state: state(replay: true)) == .forward)
        #expect(ReplayKeyMap.action(for: .character("g"), state: state(replay: true)) == .start)
        #expect(ReplayKeyMap.action(for: .character("G"), state: state(replay: true)) == .end)
        #expect(ReplayKeyMap.action(for: .character(","), state: state(replay: false)) == nil)
        #expect(ReplayKeyMap.action(for: .character("b"), state: state(replay: true)) == nil)
        var prompting = state(replay: true)
        let engine = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0)).engine
        for key: KeyPress in [.character(":"), .character("s"), .character("p"), .character("e")] {
            _ = DashboardReducer.reduce(&prompting, key: key, engine: engine)
        }
        #expect(prompting.commandLine?.text == "spe")
        #expect(ReplayKeyMap.action(for: .character("g"), state: prompting) == nil, "typing on the command line is not seeking")
    }

    @Test func seekKeysDoNotShadowTheDashboardMap() {
        for binding in ReplayKeyMap.bindings {
            for key in binding.keys {
                // `G` means "to the newest" in both maps (log end live, recording end in a replay): shared on purpose.
                if key == .character("G") { #expect(KeyMap.action(for: key) == .jumpToNewest); continue }
                #expect(KeyMap.action(for: key) == nil, "\(key) is already bound")
            }
        }
    }

    @Test func targetsAreClampedToTheRecording() {
        let start = SimTime(year: 2026, month: 12, day: 1), end = start + .hours(5)
        let now = start + .minutes(30)
        #expect(ReplayKeyMap.target(of: .back, now: now, start: start, end: end) == start)
        #expect(ReplayKeyMap.target(of: .forward, now: now, start: start, end: end) == start + .minutes(90))
        #expect(ReplayKeyMap.target(of: .forward, now: end, start: start, end: end) == end)
        #expect(ReplayKeyMap.target(of: .end, now: now, start: start, end: end) == end)
        #expect(ReplayKeyMap.target(of: .start, now: end, start: start, end: end) == start)
    }

    @Test func orderKeysAreRefusedInReplay() {
        var replay = state(replay: true)
        let engine = Scenario(seed: 1, participants: ParticipantConfiguration(count: 0)).engine
        let effects = DashboardReducer.reduce(&replay, key: .character("b"), engine: engine)
        #expect(effects.isEmpty)
        #expect(replay.ticket == nil)
        #expect(replay.status?.text == "replay is read-only")
    }
}

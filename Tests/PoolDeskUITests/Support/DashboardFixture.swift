import Foundation
import PoolDeskUI
import PoolEngine
import Testing

/// A seeded market, 20 simulated minutes in, with the dashboard state a new user would have.
struct DashboardFixture {
    var engine: Engine
    var state: DashboardState
    var context = RenderContext(theme: Theme.compiledInDefault, glyphs: .unicode, chartStyle: .braille)
    /// Whether a frame is drawn after each key, as when a user types at human speed (the shell then tells the reducer
    /// with `.framePresented`); false sends keys as one burst, drained before any frame (typing ahead).
    var drawsBetweenKeys = true

    init(seed: UInt64 = 1, minutes: Int64 = 20, readOnly: Bool = false, isReplay: Bool = false) {
        let scenario = Scenario(seed: seed, participants: ParticipantConfiguration(count: 20))
        engine = scenario.engine
        state = DashboardState(deskAccount: scenario.deskAccount, marketCount: engine.markets.count, readOnly: readOnly,
                               availableThemes: ["default", "light", "gruvbox"], isReplay: isReplay)
        advance(by: .minutes(minutes))
    }

    /// Moves the engine on and logs what happened, as the run loop does.
    mutating func advance(by duration: SimDuration) {
        let events = engine.advance(to: engine.time + duration)
        _ = DashboardReducer.reduce(&state, action: .engineEvents(events), engine: engine)
    }

    /// Moves the engine to `time`.
    mutating func advance(to time: SimTime) { advance(by: SimDuration(milliseconds: time.milliseconds - engine.time.milliseconds)) }

    /// Sends keys through the reducer and applies engine effects, as the shell does; returns the effects.
    @discardableResult
    mutating func press(_ keys: KeyPress...) -> [DashboardEffect] {
        var all: [DashboardEffect] = []
        for key in keys {
            let effects = DashboardReducer.reduce(&state, key: key, engine: engine)
            for effect in effects {
                if case .engine(let command) = effect {
                    _ = DashboardReducer.reduce(&state, action: .engineEvents(engine.apply(command)), engine: engine)
                }
            }
            all += effects
            if drawsBetweenKeys { presentFrame() }
        }
        return all
    }

    /// Tells the reducer a frame of the current state is on screen (what the run loop does after presenting one).
    mutating func presentFrame(width: Int = 160, height: Int = 48) {
        _ = DashboardReducer.reduce(&state, action: .framePresented(width: width, height: height), engine: engine)
    }

    /// Types each character of `text` as a key.
    mutating func type(_ text: String) {
        for character in text { press(.character(character)) }
    }

    func render(width: Int, height: Int) -> CellGrid {
        DashboardRenderer.render(state: state, engine: engine, context: context, width: width, height: height)
    }
}

/// Golden-text comparison: `Golden/<name>.txt` holds the expected grid text, reviewed by eye when written.
/// Set `POOLDESK_UPDATE_GOLDEN=1` to rewrite the files after an intended change (then review the diff).
enum Golden {
    static func directory(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden")
    }

    static func check(_ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory().appendingPathComponent("\(name).txt")
        let actual = grid.text + "\n"
        if ProcessInfo.processInfo.environment["POOLDESK_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path); run with POOLDESK_UPDATE_GOLDEN=1 and review it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            let line = firstDifference?.offset ?? min(expectedLines.count, actualLines.count)
            Issue.record("""
                \(name) differs from its golden text at line \(line + 1):
                expected: \(line < expectedLines.count ? String(expectedLines[line]) : "<end>")
                actual:   \(line < actualLines.count ? String(actualLines[line]) : "<end>")
                """, sourceLocation: sourceLocation)
        }
    }
}

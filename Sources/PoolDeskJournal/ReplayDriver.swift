import Foundation
import GRDB
import PoolEngine

/// Plays a recorded session back by re-simulating it: the engine from the session's parameters, each journaled
/// command applied at its simulated time, the clock stopping at the last checkpoint. Deterministic, so the
/// state at any time equals the live session's state at that time. Seeking back restarts from the nearest
/// in-memory keyframe.
public struct ReplayDriver {
    public let session: SessionRecord
    /// The engine at the replay's current time.
    public private(set) var engine: Engine
    /// Where the recording starts and ends on the simulated clock.
    public let start: SimTime
    public let end: SimTime
    /// The setup events (accounts and the seed deposit), for the log at the start.
    public let setupEvents: [EngineEvent]

    private let commands: [(time: SimTime, command: EngineCommand)]
    private var nextCommand = 0
    private var keyframes: [(time: SimTime, nextCommand: Int, engine: Engine)] = []
    /// Simulated time between keyframes kept for seeking back.
    private let keyframeInterval: SimDuration = .hours(2)
    private static let maximumKeyframes = 64

    /// Loads the journal at `path` read-only; one that fails the hash-chain check is refused with `verify`'s message.
    public static func load(path: String) throws -> ReplayDriver {
        let queue = try JournalReader.openReadOnly(path: path)
        return try JournalReader.guarded(path) {
            try queue.read { db in
                let session = try SessionRecord.read(db, path: path)
                // Replay re-simulates from the commands alone, so it would not notice edited events: check the chain.
                try JournalVerifier.checkChainBeforeUse(db, session: session, path: path)
                let decoder = JournalCodec.makeDecoder()
                let commands = try JournalReplayer.commands(db, after: 0).map { row in
                    (SimTime(milliseconds: row.simTime), try decoder.decode(EngineCommand.self, from: Data(row.command.utf8)))
                }
                let scenario = session.parameters.makeScenario()
                var end = scenario.engine.time
                if let checkpoint = try JournalReplayer.lastCheckpoint(db) { end = SimTime(milliseconds: checkpoint.simTime) }
                if let last = commands.last, last.0 > end { end = last.0 }
                return ReplayDriver(session: session, scenario: scenario, commands: commands, end: end)
            }
        }
    }

    private init(session: SessionRecord, scenario: Scenario, commands: [(time: SimTime, command: EngineCommand)], end: SimTime) {
        self.session = session
        self.engine = scenario.engine
        self.start = scenario.engine.time
        self.end = end
        self.commands = commands
        self.setupEvents = scenario.events
        keyframes = [(scenario.engine.time, 0, scenario.engine)]
    }

    /// Whether the replay has reached the end of the recording.
    public var isAtEnd: Bool { engine.time >= end && nextCommand >= commands.count }

    /// Plays forward to `target` (clamped to the end), applying journaled commands on the way.
    public mutating func advance(to target: SimTime, into events: inout [EngineEvent]) {
        let target = min(target, end)
        while nextCommand < commands.count, commands[nextCommand].time <= target {
            step(to: commands[nextCommand].time, into: &events)
            events += engine.apply(commands[nextCommand].command)
            nextCommand += 1
        }
        step(to: target, into: &events)
    }

    /// Jumps to `target` (clamped to the recording), backwards from the nearest keyframe when needed.
    /// Returns the events between the keyframe used and the target, for the log.
    public mutating func seek(to target: SimTime) -> [EngineEvent] {
        let target = max(start, min(target, end))
        var events: [EngineEvent] = []
        if target < engine.time {
            guard let keyframe = keyframes.last(where: { $0.time <= target }) else { return [] }
            engine = keyframe.engine
            nextCommand = keyframe.nextCommand
        }
        advance(to: target, into: &events)
        return events
    }

    /// Advances the clock in keyframe-sized steps, remembering a keyframe at each new boundary.
    private mutating func step(to target: SimTime, into events: inout [EngineEvent]) {
        while engine.time < target {
            let lastKeyframe = keyframes.last?.time ?? start
            let boundary = lastKeyframe + keyframeInterval
            let before = engine.time
            if engine.time < boundary && boundary <= target {
                engine.advance(to: boundary, into: &events)
                if engine.time == before { break }
                if engine.time > lastKeyframe { remember() }
            } else {
                engine.advance(to: target, into: &events)
                break
            }
        }
    }

    private mutating func remember() {
        keyframes.append((engine.time, nextCommand, engine))
        if keyframes.count > Self.maximumKeyframes {
            // Keep every other one: seeking back stays bounded in memory and still reasonably quick.
            keyframes = keyframes.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        }
    }
}

import Foundation
import PoolDeskJournal
import PoolEngine

/// How fast the journal takes orders: each one a transaction (command + its events + checkpoint) fsynced
/// to a temporary file, with simulation events batched in between as the dashboard does.
public enum JournalBenchmarks {
    /// Orders (with their events) journaled per second, best of three runs of `orders` orders.
    public static func journalWritesPerSecond(orders: Int = 400) -> Double {
        var best = 0.0
        for run in 0..<3 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-journal-bench-\(getpid())-\(run)")
            defer { try? FileManager.default.removeItem(at: folder) }
            do {
                let parameters = SessionParameters(seed: 11, participants: ParticipantConfiguration(count: 20))
                let (journal, scenario) = try SessionJournal.create(
                    at: folder.appendingPathComponent("bench.sqlite").path, parameters: parameters, createdBy: "pooldesk bench")
                var engine = scenario.engine
                // Warm up: some history, listings and open positions, outside the timing.
                var warmUp: [EngineEvent] = []
                engine.advance(to: engine.time + .minutes(10), into: &warmUp)
                let started = monotonicSeconds()
                for number in 1...orders {
                    var events: [EngineEvent] = []
                    engine.advance(to: engine.time + .seconds(1), into: &events)
                    try journal.recordAdvance(events, engine: engine)
                    let command = DeskDrillScript.command(number: number, seed: 11, engine: engine, desk: scenario.deskAccount)
                    let produced = engine.apply(command)
                    try journal.recordCommand(command, events: produced, engine: engine)
                    try journal.flushIfDue(engine: engine)
                }
                let seconds = monotonicSeconds() - started
                best = max(best, Double(orders) / seconds)
            } catch {
                return 0
            }
        }
        return best
    }
}

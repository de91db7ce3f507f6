import PoolDeskUI
import PoolEngine

/// Says once, on the status line, that recorded prices have run out and their markets hold the last close. Shared
/// by the embedded desk and the connected one: a replica carries the served session's recorded bars, so a client
/// learns the history ended at the same simulated moment as the server, without a message of its own.
struct HistoryEndNotice {
    private var announced = false

    /// The notice the first time some recorded market of `engine` is past its last bar, then nil.
    mutating func take(from engine: Engine) -> DashboardAction? {
        guard !announced, engine.isRecordedHistoryOver else { return nil }
        announced = true
        let ended = engine.markets.indices.filter { engine.recordedPricesEnd(MarketID($0)).map { engine.time >= $0 } ?? false }
        let names = ended.map { engine.markets[$0].symbol }.joined(separator: ", ")
        return .notice(StatusMessage("history ended: \(names) hold\(ended.count == 1 ? "s" : "") the last recorded close", role: .warning))
    }
}

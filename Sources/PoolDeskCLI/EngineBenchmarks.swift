import PoolDeskTerminal
import PoolDeskUI
import PoolEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Engine and dashboard measurements for `pooldesk bench`: ticks with many open positions, orders, frames.
public enum EngineBenchmarks {
    /// A market with `positions` open positions spread over every tradable series, long and short in balance
    /// so the pool's utilization stays realistic. No simulated participants, so the measurement is the engine alone.
    public static func engineWithPositions(_ positions: Int, seed: UInt64 = 7) -> Engine {
        var engine = Engine(seed: seed)
        _ = engine.apply(.openAccount(name: "lp", role: .liquidityBot, funding: Money(500_000_000)))
        _ = engine.apply(.deposit(account: AccountID(0), amount: Money(500_000_000)))
        let tradable = engine.liveBoards.flatMap { id -> [SeriesID] in
            let board = engine.boards[id.index]
            guard engine.time < board.tradingCutoff(engine.configuration.amm) else { return [] }
            return (board.calls + board.puts).filter { abs(engine.markValuation($0).delta) > 0.2 }
        }
        let perAccount = max(1, min(tradable.count, 100))
        let accounts = (positions + perAccount - 1) / perAccount
        var opened = 0
        for account in 0..<accounts {
            _ = engine.apply(.openAccount(name: "t\(account)", role: .bot, funding: Money(50_000_000)))
            let id = AccountID(engine.accounts.count - 1)
            for offset in 0..<perAccount where opened < positions {
                let series = tradable[(account + offset) % tradable.count]
                let market = engine.marketConfiguration(engine.series[series.index].market)
                let side: Side = (account + offset) % 2 == 0 ? .buy : .sell
                _ = engine.apply(.placeOrder(Order(account: id, series: series, side: side, quantity: market.minimumOrderSize)))
                opened += 1
            }
        }
        return engine
    }

    /// Engine ticks per wall second from `engine`, best of `repetitions` runs of `ticks` ticks each (on copies).
    public static func ticksPerSecond(_ engine: Engine, ticks: Int = 3_000, repetitions: Int = 5) -> Double {
        var best = 0.0
        var events: [EngineEvent] = []
        for _ in 0..<repetitions {
            var copy = engine
            events.removeAll(keepingCapacity: true)
            let target = copy.time + SimDuration(milliseconds: copy.configuration.tickInterval.milliseconds * Int64(ticks))
            let start = monotonicSeconds()
            copy.advance(to: target, into: &events)
            let elapsed = monotonicSeconds() - start
            best = max(best, Double(ticks) / max(elapsed, 1e-9))
            blackHole(copy.statistics.ticks)
        }
        return best
    }

    /// Orders per wall second through `apply`: alternating buys and sells of near-the-money series.
    public static func ordersPerSecond(_ engine: Engine, orders: Int = 20_000) -> Double {
        var copy = engine
        _ = copy.apply(.openAccount(name: "bench", role: .trader, funding: Money(1_000_000_000)))
        let account = AccountID(copy.accounts.count - 1)
        let series = copy.liveBoards.flatMap { id -> [SeriesID] in
            let board = copy.boards[id.index]
            return (board.calls + board.puts).filter { abs(copy.markValuation($0).delta) > 0.3 }
        }
        guard !series.isEmpty else { return 0 }
        let start = monotonicSeconds()
        var fills = 0
        for index in 0..<orders {
            let id = series[index % series.count]
            let quantity = copy.marketConfiguration(copy.series[id.index].market).minimumOrderSize
            let side: Side = (index / series.count) % 2 == 0 ? .buy : .sell
            for event in copy.apply(.placeOrder(Order(account: account, series: id, side: side, quantity: quantity))) {
                if case .orderFilled = event.payload { fills += 1 }
            }
        }
        let elapsed = monotonicSeconds() - start
        blackHole(fills)
        return Double(orders) / max(elapsed, 1e-9)
    }

    /// Frame figures at `width` × `height`: compose ms (render into the grid), diff ms, and the cells
    /// that change between two frames one tick apart (what reaches the terminal when only prices move).
    public struct FrameFigures: Sendable {
        public var composeMilliseconds: Double
        public var diffMilliseconds: Double
        public var changedCellsPerTick: Int
        public var estimatedBytesPerTick: Int
    }

    public static func frame(_ engine: Engine, width: Int = 200, height: Int = 60, frames: Int = 200) -> FrameFigures {
        var copy = engine
        let state = DashboardState(deskAccount: AccountID(1), marketCount: copy.markets.count)
        let context = RenderContext(theme: Theme.compiledInDefault, glyphs: .unicode, chartStyle: .braille)
        var previous = DashboardRenderer.render(state: state, engine: copy, context: context, width: width, height: height)
        var bestCompose = Double.infinity
        var bestDiff = Double.infinity
        var changed = 0
        var bytes = 0
        for frame in 0..<frames {
            _ = copy.advance(to: copy.time + copy.configuration.tickInterval)
            let start = monotonicSeconds()
            let grid = DashboardRenderer.render(state: state, engine: copy, context: context, width: width, height: height)
            let rendered = monotonicSeconds()
            let runs = GridDiff.changedRuns(old: previous, new: grid)
            let diffed = monotonicSeconds()
            bestCompose = min(bestCompose, rendered - start)
            bestDiff = min(bestDiff, diffed - rendered)
            if frame == frames - 1 {
                changed = runs.reduce(0) { $0 + $1.cells.count }
                // Per run: a cursor move (~8 bytes) and a style change (~14 bytes), then the glyphs' UTF-8.
                bytes = runs.reduce(0) { total, run in
                    total + 22 + run.cells.reduce(0) { $0 + String($1.scalar).utf8.count }
                }
            }
            previous = grid
        }
        return FrameFigures(composeMilliseconds: bestCompose * 1000, diffMilliseconds: bestDiff * 1000,
                            changedCellsPerTick: changed, estimatedBytesPerTick: bytes)
    }

    /// Peak resident memory of this process in MB.
    public static func peakMemoryMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Keeps a value alive so the optimizer cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

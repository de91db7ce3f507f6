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

    /// Strategy figures (µs per operation, best of several passes): an iron condor placed as one strategy order
    /// (`placeStrategy`: every leg planned and committed on a working copy of the engine), the same four legs sent as
    /// four single orders (`placeOrder` × 4), and the condor's preview (`previewStrategy`, nothing applied).
    public struct StrategyFigures: Sendable {
        public var placeStrategyMicroseconds: Double
        public var fourOrdersMicroseconds: Double
        public var previewMicroseconds: Double
        /// Whether every timed strategy, single order and preview filled (a refusal would time the wrong path).
        public var allFilled: Bool
    }

    /// An iron condor on the longest live board of the first market that allows one: sell the nearest out-of-the-money
    /// put and call, buy the next strike out on each side; every leg's |delta| at least the cutoff, so the four single
    /// orders fill too. Nil when no board lists two such strikes on each side.
    static func benchCondor(_ engine: Engine, account: AccountID) -> StrategyOrder? {
        let cutoff = engine.configuration.amm.minimumAbsoluteDelta
        let boards = engine.liveBoards(market: MarketID(0)).filter { engine.time < $0.tradingCutoff(engine.configuration.amm) }
        for board in boards.sorted(by: { $0.expiry > $1.expiry }) {
            let atm = board.atTheMoneyIndex(spot: engine.markets[0].spot)
            let puts = (0..<atm).reversed().map { board.series(.put, strikeIndex: $0) }
                .filter { abs(engine.markValuation($0).delta) >= cutoff }
            let calls = (atm + 1..<board.strikes.count).map { board.series(.call, strikeIndex: $0) }
                .filter { abs(engine.markValuation($0).delta) >= cutoff }
            guard puts.count >= 2, calls.count >= 2 else { continue }
            let legs = [StrategyLeg(series: puts[1], side: .buy), StrategyLeg(series: puts[0], side: .sell),
                        StrategyLeg(series: calls[0], side: .sell), StrategyLeg(series: calls[1], side: .buy)]
            return StrategyOrder(account: account, legs: legs, size: engine.marketConfiguration(MarketID(0)).minimumOrderSize,
                                 name: "iron condor")
        }
        return nil
    }

    /// Times strategies on copies of `engine` (which keeps its positions): `iterations` condors per pass, alternately
    /// sold and bought (each opens a new strategy, so the flow stays balanced; the pass adds 4 × `iterations` leg
    /// positions), the same legs as single orders (which net, adding none), and previews for an account holding
    /// nothing. Nil when no condor can be formed.
    public static func strategies(_ engine: Engine, iterations: Int = 100, repetitions: Int = 5) -> StrategyFigures? {
        var base = engine
        _ = base.apply(.openAccount(name: "bench", role: .trader, funding: Money(1_000_000_000)))
        let account = AccountID(base.accounts.count - 1)
        guard let condor = benchCondor(base, account: account) else { return nil }
        let orders = [condor, condor.reversed]
        var bestStrategy = Double.infinity, bestSingles = Double.infinity, bestPreview = Double.infinity
        var filled = 0
        for _ in 0..<repetitions {
            var strategies = base
            _ = strategies.apply(.placeStrategy(orders[1]))   // warm: the copy owns its storage before timing
            var start = monotonicSeconds()
            for index in 0..<iterations {
                for event in strategies.apply(.placeStrategy(orders[index % 2])) {
                    if case .strategyOpened = event.payload { filled += 1 }
                }
            }
            bestStrategy = min(bestStrategy, (monotonicSeconds() - start) / Double(iterations))

            var singles = base
            _ = singles.apply(.placeOrder(Order(account: account, series: condor.legs[0].series, side: .buy, quantity: condor.size)))
            start = monotonicSeconds()
            for index in 0..<iterations {
                for leg in orders[index % 2].legs {
                    for event in singles.apply(.placeOrder(Order(account: account, series: leg.series, side: leg.side, quantity: condor.size))) {
                        if case .orderFilled = event.payload { filled += 1 }
                    }
                }
            }
            bestSingles = min(bestSingles, (monotonicSeconds() - start) / Double(iterations))

            start = monotonicSeconds()
            for index in 0..<iterations {
                if base.previewStrategy(orders[index % 2]).rejection == nil { filled += 1 }
            }
            bestPreview = min(bestPreview, (monotonicSeconds() - start) / Double(iterations))
        }
        blackHole(filled)
        return StrategyFigures(placeStrategyMicroseconds: bestStrategy * 1e6, fourOrdersMicroseconds: bestSingles * 1e6,
                               previewMicroseconds: bestPreview * 1e6, allFilled: filled == repetitions * iterations * 6)
    }

    /// Frame figures at `width` × `height`: compose ms (render into the grid), diff ms, flush ms (diff
    /// plus encoding the changed runs as the escape sequences a terminal receives), and the cells that
    /// change between two frames one tick apart (what reaches the terminal when only prices move).
    public struct FrameFigures: Sendable {
        /// Best time to render the dashboard into a grid.
        public var composeMilliseconds: Double
        /// Best time to diff the grid against the previous frame.
        public var diffMilliseconds: Double
        /// Best time to diff and encode the changed runs into terminal bytes (ncurses' own `doupdate` excluded).
        public var flushMilliseconds: Double
        /// Cells changed between the last two frames.
        public var changedCellsPerTick: Int
        /// Bytes an escape-sequence writer emits for those cells (measured by `FrameEncoder`).
        public var estimatedBytesPerTick: Int
    }

    /// Composes, diffs and encodes `frames` frames, one engine tick apart, and keeps the best times.
    public static func frame(_ engine: Engine, width: Int = 200, height: Int = 60, frames: Int = 200) -> FrameFigures {
        let bench = FrameBench(engine: engine, width: width, height: height)
        var bestCompose = Double.infinity
        var bestDiff = Double.infinity
        var bestFlush = Double.infinity
        for _ in 0..<frames {
            bench.tick()
            let start = monotonicSeconds()
            bench.compose()
            let rendered = monotonicSeconds()
            let runs = bench.diff()
            let diffed = monotonicSeconds()
            _ = bench.flush()
            let flushed = monotonicSeconds()
            bestCompose = min(bestCompose, rendered - start)
            bestDiff = min(bestDiff, diffed - rendered)
            bestFlush = min(bestFlush, flushed - diffed)   // flush() diffs again, then encodes
            blackHole(runs)
        }
        return FrameFigures(
            composeMilliseconds: bestCompose * 1000, diffMilliseconds: bestDiff * 1000, flushMilliseconds: bestFlush * 1000,
            changedCellsPerTick: bench.lastChangedCells, estimatedBytesPerTick: bench.lastFlushBytes
        )
    }

    /// One dashboard frame at a time, for `frame(_:)` and the ordo-one suite: tick, compose, diff, flush.
    public final class FrameBench {
        private var engine: Engine
        private let state: DashboardState
        private let context: RenderContext
        private let width: Int
        private let height: Int
        private var previous: CellGrid
        private var current: CellGrid
        private var encoder = FrameEncoder()
        /// Cells in the runs of the last `diff()`.
        public private(set) var lastChangedCells = 0
        /// Bytes produced by the last `flush()`.
        public private(set) var lastFlushBytes = 0

        /// A dashboard on a copy of `engine`, with the first frame already composed.
        public init(engine: Engine, width: Int = 200, height: Int = 60) {
            self.engine = engine
            self.width = width
            self.height = height
            state = DashboardState(deskAccount: AccountID(1), marketCount: engine.markets.count)
            context = RenderContext(theme: Theme.compiledInDefault, glyphs: .unicode, chartStyle: .braille)
            current = DashboardRenderer.render(state: state, engine: engine, context: context, width: width, height: height)
            previous = current
        }

        /// Advances the engine by one tick.
        public func tick() {
            _ = engine.advance(to: engine.time + engine.configuration.tickInterval)
        }

        /// Renders the dashboard into a new grid (the previous one is kept for the diff).
        public func compose() {
            previous = current
            current = DashboardRenderer.render(state: state, engine: engine, context: context, width: width, height: height)
        }

        /// The changed runs between the last two composed grids.
        public func diff() -> [GridDiff.Run] {
            let runs = GridDiff.changedRuns(old: previous, new: current)
            lastChangedCells = runs.reduce(0) { $0 + $1.cells.count }
            return runs
        }

        /// Diffs and encodes the changed runs into terminal bytes; returns the byte count.
        @discardableResult
        public func flush() -> Int {
            lastFlushBytes = encoder.encode(diff())
            return lastFlushBytes
        }
    }

    /// All live series of every market and expiry, revalued (price and five Greeks) at the engine's
    /// current spot, time and traded vols: what a full chain refresh costs per tick.
    public struct ChainFigures: Sendable {
        /// Live series revalued per pass (calls and puts of every live board).
        public var seriesCount: Int
        /// Live boards (markets × expiries) in the pass.
        public var boardCount: Int
        /// Best µs per full pass, gathering inputs and batch-pricing them (`BlackScholes.valuations`).
        public var batchMicroseconds: Double
        /// Best µs per full pass through `Engine.markValuation`, one series at a time.
        public var scalarMicroseconds: Double
    }

    /// Times full chain revaluations on a copy of `engine`, one engine tick between passes (untimed).
    public static func chainRevaluation(_ engine: Engine, passes: Int = 300) -> ChainFigures {
        var copy = engine
        var revaluer = ChainRevaluer()
        var bestBatch = Double.infinity
        var bestScalar = Double.infinity
        var checksum = 0.0
        for _ in 0..<passes {
            _ = copy.advance(to: copy.time + copy.configuration.tickInterval)
            let start = monotonicSeconds()
            checksum += revaluer.revalue(copy)
            let batched = monotonicSeconds()
            checksum += ChainRevaluer.revalueScalar(copy)
            let scalar = monotonicSeconds()
            bestBatch = min(bestBatch, batched - start)
            bestScalar = min(bestScalar, scalar - batched)
        }
        blackHole(checksum)
        return ChainFigures(
            seriesCount: revaluer.seriesCount, boardCount: copy.liveBoards.count,
            batchMicroseconds: bestBatch * 1e6, scalarMicroseconds: bestScalar * 1e6
        )
    }

    /// Reusable buffers for revaluing every live series (no allocation once warm).
    public struct ChainRevaluer {
        private var batch = PricingBatch()
        private var output = ValuationBatch()

        /// An empty revaluer.
        public init() {}

        /// Series revalued by the last `revalue`.
        public var seriesCount: Int { batch.count }

        /// Gathers every live series' inputs and batch-prices them; returns a checksum of the results.
        public mutating func revalue(_ engine: Engine) -> Double {
            batch.removeAll(keepingCapacity: true)
            let rate = engine.configuration.rate
            for boardID in engine.liveBoards {
                let board = engine.boards[boardID.index]
                let spot = engine.markets[board.market.index].spot
                for side in 0..<2 {
                    let ids = side == 0 ? board.calls : board.puts
                    for id in ids {
                        let option = engine.series[id.index]
                        batch.append(kind: option.kind, spot: spot, strike: option.strike.doubleValue,
                                     time: engine.yearsToExpiry(id), volatility: engine.tradedVolatility(id), rate: rate)
                    }
                }
            }
            BlackScholes.valuations(batch, into: &output)
            var checksum = 0.0
            for index in 0..<output.count { checksum += output.prices[index] + output.deltas[index] }
            return checksum
        }

        /// The same pass through `Engine.markValuation`, one series at a time.
        public static func revalueScalar(_ engine: Engine) -> Double {
            var checksum = 0.0
            for boardID in engine.liveBoards {
                let board = engine.boards[boardID.index]
                for side in 0..<2 {
                    let ids = side == 0 ? board.calls : board.puts
                    for id in ids {
                        let value = engine.markValuation(id)
                        checksum += value.price + value.delta
                    }
                }
            }
            return checksum
        }
    }

    /// Peak resident memory of this process in MB.
    public static func peakMemoryMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Encodes changed runs the way a direct terminal writer would: a cursor move per run, an SGR
/// sequence when the style changes, then the glyphs as UTF-8 (the flush half of a frame, minus the write).
struct FrameEncoder {
    private(set) var bytes: [UInt8] = []

    /// Replaces `bytes` with the encoding of `runs` and returns its length.
    mutating func encode(_ runs: [GridDiff.Run]) -> Int {
        bytes.removeAll(keepingCapacity: true)
        var style: CellStyle?
        for run in runs {
            bytes.append(contentsOf: [0x1B, 0x5B])   // ESC [
            appendDecimal(run.y + 1)
            bytes.append(0x3B)
            appendDecimal(run.x + 1)
            bytes.append(0x48)                       // H
            if style != run.style {
                style = run.style
                appendStyle(run.style)
            }
            for cell in run.cells { bytes.append(contentsOf: String(cell.scalar).utf8) }
        }
        return bytes.count
    }

    private mutating func appendStyle(_ style: CellStyle) {
        bytes.append(contentsOf: [0x1B, 0x5B, 0x30])   // ESC [ 0
        for bit in 0..<5 where style.attributes.rawValue & (1 << bit) != 0 {
            bytes.append(0x3B)
            appendDecimal([1, 4, 7, 2, 3][bit])
        }
        appendColor(style.foreground, base: 38)
        appendColor(style.background, base: 48)
        bytes.append(0x6D)   // m
    }

    private mutating func appendColor(_ color: TerminalColor, base: Int) {
        switch color {
        case .terminalDefault:
            bytes.append(0x3B)
            appendDecimal(base + 1)
        case .ansi(let index), .indexed(let index):
            bytes.append(0x3B)
            appendDecimal(base)
            bytes.append(contentsOf: [0x3B, 0x35, 0x3B])   // ;5;
            appendDecimal(Int(index))
        case .rgb(let red, let green, let blue):
            bytes.append(0x3B)
            appendDecimal(base)
            bytes.append(contentsOf: [0x3B, 0x32])          // ;2
            for component in [red, green, blue] {
                bytes.append(0x3B)
                appendDecimal(Int(component))
            }
        }
    }

    private mutating func appendDecimal(_ value: Int) {
        if value >= 10 { appendDecimal(value / 10) }
        bytes.append(UInt8(0x30 + value % 10))
    }
}

/// Keeps a value alive so the optimizer cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
